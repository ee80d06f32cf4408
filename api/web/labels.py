"""Texts the pages translate from data rather than from literals (role and state names,
reconciliation lines, export names, entry types, grid columns, appeal states): marked
here with N_ so the catalogue extractor keeps them in web.po."""

from __future__ import annotations

from typing import Final

from api.i18n import N_, codes

DATA_TEXTS: Final = (
    N_("Statement"), N_("Reconciliation"), N_("Restatement"),
    N_("distributable pool"), N_("pool not allocated (no department points)"),
    N_("bank drawn (same-year carry-over)"), N_("hospital floor subsidy"),
    N_("hospital post bonus (outside the pool)"),
    N_("hospital study-leave pay (outside the pool)"),
    N_("control deductions retained by the hospital"),
    N_("department penalties retained by the hospital"), N_("excess over cap banked"),
    N_("undistributed (no points to share it)"), N_("paid to people"), N_("year-end pool"),
    N_("restatements of closed periods (paid +, recovered −)"),
    N_("pool not allocated (no annual target points)"),
    N_("forfeited by failed assessments (returned to the hospital)"),
    N_("ScoreRecorded"), N_("DeductionRecorded"), N_("AttendanceRecorded"),
    N_("AssessmentRecorded"), N_("CmeCreditsRecorded"), N_("LeaveRecorded"),
    N_("payout line"), N_("quantity"), N_("scheduled_days"),  # ids in refusals' lists
    N_("filed"), N_("assigned"), N_("decided"), N_("uphold"), N_("change"), N_("revoke"),
    N_("paid"), N_("excluded"),
    N_("points"), N_("count"), N_("minutes"),
)

# The head's grid's columns: the hospital scheme's score item and the attendance column,
# named as a heading is (their ids are the ledger's); another scheme's items show as coded.
GRID_COLUMNS: Final = {"quantity": N_("Workload"), "scheduled_days": N_("Scheduled days")}

# The hospital scheme's deduction kinds a head adds in the grid, named as the exports name
# them; another scheme's kinds show as coded.
DEDUCTION_LABELS: Final = codes.DEDUCTION_LABELS
