"""Appeals through the CLI: working-day windows on the statutory calendar, recusal,
decisions that correct the ledger, the reviewer's preview, and the restatement."""

from __future__ import annotations

import json
from decimal import Decimal
from uuid import uuid5

import yaml
from builders import GOLDEN, by_id, cli_for

from domain.application import IDEMPOTENCY_NAMESPACE

LI_COMPLAINT = str(uuid5(IDEMPOTENCY_NAMESPACE, "ex1-li-complaint"))
ZHANG_ERROR = str(uuid5(IDEMPOTENCY_NAMESPACE, "ex1-zhang-error"))

SECOND_QUARTER = [
    {"type": "declare_pool", "period": "2026-Q2", "amount_cny": "30962.50"},
    {"type": "record_department_figures", "period": "2026-Q2", "department_id": "internal",
     "workload_base": "1000", "workload_actual": "1000", "medical_revenue_cny": "100000.00",
     "full_cost_cny": "100000.00"},
]


def _hospital(store, tmp_path):  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    extra = tmp_path / "q2.jsonl"
    extra.write_text("\n".join(json.dumps(row) for row in SECOND_QUARTER) + "\n")
    cli.ok("apply", str(extra))
    return cli


def _file(cli, appeal_id: str, entry: str, received_on: str, filed_on: str):  # type: ignore[no-untyped-def]
    return cli("appeal", "file", "--appeal-id", appeal_id, "--employee", "li", "--entry", entry,
               "--grounds", "the complaint was withdrawn by the patient",
               "--evidence", "letter 2026-031", "--received-on", received_on,
               "--filed-on", filed_on)


def test_the_window_counts_working_days_across_a_holiday(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _hospital(store, tmp_path)
    # Received Wed 16 Sep 2026: 10 working days end on Wed 30 Sep, the last working day
    # before the National Day holiday (1-7 Oct).
    assert _file(cli, "A-1", LI_COMPLAINT, "2026-09-16", "2026-09-30").code == 0
    # Received Fri 25 Sep: the window runs across the holiday and the make-up Saturday
    # 10 Oct, closing Thu 15 Oct. Filing on Fri 16 Oct is late, and the message says when.
    late = _file(cli, "A-2", ZHANG_ERROR, "2026-09-25", "2026-10-16")
    assert late.code == 2
    assert "late: the window of 10 working days after 2026-09-25 closed on 2026-10-15" in late.err
    assert _file(cli, "A-3", ZHANG_ERROR, "2026-09-25", "2026-10-15").code == 0


def test_a_date_outside_the_known_calendar_is_a_clear_error(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _hospital(store, tmp_path)
    run = _file(cli, "A-9", LI_COMPLAINT, "2035-03-01", "2035-03-02")
    assert run.code == 2
    assert "statutory holiday calendar for 2035 is not known" in run.err


def test_a_recused_reviewer_can_neither_be_assigned_nor_decide(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _hospital(store, tmp_path)
    assert _file(cli, "A-1", LI_COMPLAINT, "2026-04-01", "2026-04-03").code == 0
    # zhang heads li's department; "test" recorded the contested deduction; li appeals.
    for reviewer, reason in (("zhang", "heads the appellant's department"),
                             ("test", "recorded the contested entry"),
                             ("li", "is the appellant")):
        run = cli("appeal", "assign", "A-1", "--reviewer", reviewer)
        assert run.code == 2, reviewer
        assert reason in run.err
    cli.ok("appeal", "assign", "A-1", "--reviewer", "reviewer-wu")
    # Only the assigned reviewer decides; a recused one cannot, even by naming themselves.
    for actor in ("zhang", "someone-else"):
        run = cli("appeal", "decide", "A-1", "--outcome", "revoke", "--reason", "x",
                  "--actor", actor)
        assert run.code == 2
    assert "is recused" in cli("appeal", "decide", "A-1", "--outcome", "revoke",
                               "--reason", "x", "--actor", "zhang").err
    shown = cli.ok("appeal", "show", "A-1", "--json").json()
    assert shown["status"] == "assigned"
    assert shown["contested"]["still_in_force"] is True  # review does not suspend it


def test_revoking_a_deduction_in_a_closed_quarter_restates_the_whole_department(  # type: ignore[no-untyped-def]
    store, tmp_path
) -> None:
    cli = _hospital(store, tmp_path)
    cli.ok("close", "--period", "2026-Q1")
    closed = cli.payout("2026-Q1")
    assert _file(cli, "A-1", LI_COMPLAINT, "2026-04-01", "2026-04-03").code == 0
    cli.ok("appeal", "assign", "A-1", "--reviewer", "reviewer-wu")

    # The reviewer's preview: everyone the decision touches, nothing written.
    count = cli.event_count()
    preview = cli.ok("appeal", "preview", "A-1", "--outcome", "revoke", "--json",
                     "--actor", "reviewer-wu").json()
    assert cli.event_count() == count
    shifts = {row["id"]: Decimal(row["delta"]) for row in preview["people"]}
    assert set(shifts) == {"li", "zhang", "wang"}
    assert shifts["li"] > 0 > shifts["zhang"]
    assert sum(shifts.values()) == 0  # within the department pool: no cap or floor binds

    decided = cli.ok("appeal", "decide", "A-1", "--outcome", "revoke", "--actor",
                     "reviewer-wu", "--reason", "complaint withdrawn; not a valid complaint",
                     "--decided-on", "2026-04-10")
    assert "1 correction(s) recorded" in decided.out
    assert cli.payout("2026-Q1") == closed  # the closed statement stands
    restatement = cli.ok("restatement", "--period", "2026-Q1", "--json").json()
    deltas = {row["id"]: Decimal(row["outstanding"]) for row in restatement["people"]}
    assert deltas == shifts
    q2 = cli.payout("2026-Q2")
    people = by_id(q2["people"], "employee_id")
    assert {k: Decimal(people[k]["restatement"]) for k in shifts} == shifts
    assert q2["reconciliation"]["balance"] == "0.00"
    assert cli.ok("appeal", "show", "A-1", "--json").json()["status"] == "decided: revoke"


def test_a_change_supersedes_and_a_second_decision_conflicts(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _hospital(store, tmp_path)
    late_li = str(uuid5(IDEMPOTENCY_NAMESPACE, "ex1-li-late"))
    assert _file(cli, "A-1", late_li, "2026-04-01", "2026-04-02").code == 0
    cli.ok("appeal", "assign", "A-1", "--reviewer", "reviewer-wu")
    before = by_id(cli.payout("2026-Q1")["people"], "employee_id")["li"]["score"]
    cli.ok("appeal", "decide", "A-1", "--outcome", "change", "--changes", '{"minutes": 20}',
           "--actor", "reviewer-wu", "--reason", "clock-in machine was 20 minutes fast")
    after = by_id(cli.payout("2026-Q1")["people"], "employee_id")["li"]["score"]
    assert Decimal(after) > Decimal(before)  # 40 min (−2) became 20 min (−1)
    again = cli("appeal", "decide", "A-1", "--outcome", "uphold", "--actor", "reviewer-wu",
                "--reason", "second thoughts")
    assert again.code == 2
    assert "already decided at level 1" in again.err


def test_the_queue_lists_open_appeals_by_deadline_and_flags_overdue(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _hospital(store, tmp_path)
    assert _file(cli, "A-1", LI_COMPLAINT, "2026-04-01", "2026-04-03").code == 0
    assert _file(cli, "A-2", ZHANG_ERROR, "2026-03-02", "2026-03-05").code == 0
    queue = cli.ok("appeal", "list", "--today", "2026-04-20", "--json").json()["appeals"]
    assert [a["appeal_id"] for a in queue] == ["A-2", "A-1"]
    assert [a["overdue"] for a in queue] == [True, False]
    assert queue[0]["review_deadline"] == "2026-04-02"  # 20 working days after 5 Mar


def test_a_failed_appeal_doubles_the_deduction_where_the_scheme_says_so(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _hospital(store, tmp_path)
    document = yaml.safe_load((GOLDEN.parents[1] / "domain" / "schemes"
                               / "xinghe-county-hospital.yaml").read_text(encoding="utf-8"))
    document["version"] += 1  # the next version after the shipped one
    document["appeals"]["failed_appeal"] = "double"  # 004-S13-R15, AMB-20
    adopt = tmp_path / "v2.jsonl"
    adopt.write_text(json.dumps({"type": "adopt_scheme", "document": document,
                                 "reason": "adopt the doubling rule"}, default=str) + "\n")
    cli.ok("apply", str(adopt))
    quality = lambda: by_id(cli.payout("2026-Q1")["people"], "employee_id")["zhang"]  # noqa: E731
    explained = cli.ok("explain", "--period", "2026-Q1", "--figure",
                       "person:zhang:item:quality", "--json").json()["explain"][0]["value"]
    assert explained == "8"  # one error: 10 − 2
    assert _file(cli, "A-1", ZHANG_ERROR, "2026-04-01", "2026-04-02").code == 0
    cli.ok("appeal", "assign", "A-1", "--reviewer", "reviewer-wu")
    cli.ok("appeal", "decide", "A-1", "--outcome", "uphold", "--actor", "reviewer-wu",
           "--reason", "the error is documented")
    explained = cli.ok("explain", "--period", "2026-Q1", "--figure",
                       "person:zhang:item:quality", "--json").json()["explain"][0]["value"]
    assert explained == "6"  # the contested deduction once more
    assert quality()["status"] == "paid"
