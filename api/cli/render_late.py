"""Appeals decided after their review deadline, as the CLI shows them beside an appeal
and under a restatement (issue 15): who reads either sees that a decision was late
without running the procedures report."""

from __future__ import annotations

from typing import Any

from api.i18n import _


def late_decision_lines(rows: list[dict[str, Any]]) -> list[str]:
    """One line per late decision; none when every decision kept its deadline."""
    if not rows:
        return []
    return ["", _("Appeals decided after their deadline:")] + [
        "  " + _("appeal {appeal} level {level}: decided on {decided}, deadline {deadline} "
                 "({rule})").format(appeal=row["appeal_id"], level=row["level"],
                                    decided=row["decided_on"], deadline=row["deadline"],
                                    rule=row["rule"])
        for row in rows]
