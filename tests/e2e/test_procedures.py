"""Procedures around results through the CLI, on SQLite and PostgreSQL (issue 15, items
5 and 6): a year's holiday notice recorded as data, publicity with objections before
results are final, filing and delivery deadlines with late ones reported, a scheme's own
appeal window in calendar days, late appeal decisions, a sanction whose trigger was
withdrawn, and a prior year's grade recorded from outside the ledger."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from builders import Cli, cli_for

sys.path.insert(0, str(Path(__file__).parents[1] / "grades"))
from gradebook import FIXTURES, explain, grades, subjects, write_jsonl

WE2 = FIXTURES / "we-2"
SANCTION_P = "0a44c4ce-a69b-5571-b51a-ee2206032725"  # 通报批评 of P, decided 2025-03-13


def _chinese(cli: Cli) -> Cli:
    return replace(cli, lang=None)  # the default language


def _events(cli: Cli, kind: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in
            cli.ok("events", "--json", "--limit", "100000").out.splitlines()]
    return [r for r in rows if r["type"] == kind]


def _report(cli: Cli, *extra: str) -> dict[str, Any]:
    return cli.ok("procedures", "report", "--json", *extra).json()  # type: ignore[no-any-return]


def test_a_years_holiday_notice_is_data_and_an_unknown_year_is_refused(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("init", "--organisation", "测试街道")
    refused = cli("calendar", "deadline", "--from", "2026-12-25", "--days", "10")
    assert refused.code == 2
    assert "The statutory holiday calendar for 2027 is not known" in refused.err
    zh = Cli(cli.environ, lang=None)("calendar", "deadline", "--from", "2026-12-25",
                                     "--days", "10")
    assert zh.code == 2
    assert "2027 年的法定节假日安排尚未录入" in zh.err
    assert "statutory" not in zh.err
    assert cli.ok("calendar", "show", "--year", "2027", "--json").json()["source"] == "unknown"

    bad = cli("calendar", "record-notice", "--year", "2027", "--notice", "x",
              "--holiday", "2028-01-01")
    assert bad.code == 2
    assert "2028-01-01 is not in 2027" in bad.err
    assert _events(cli, "HolidayNoticeRecorded") == []

    # A made-up notice (the real one is not published): 1 Jan and 5–11 Feb off, Sat 13
    # Feb worked.
    cli.ok("calendar", "record-notice", "--year", "2027", "--notice", "测试通知",
           "--holiday", "2027-01-01", "--holiday", "2027-02-05..2027-02-11",
           "--workday", "2027-02-13")
    due = cli.ok("calendar", "deadline", "--from", "2026-12-25", "--days", "10",
                 "--json").json()
    assert due["due"] == "2027-01-11"  # 28–31 Dec, 1 Jan off, 4–8 Jan, 11 Jan
    # --json names the source in English for every reader; the line reads in one language
    assert due["source"].endswith("; 2027: the notice recorded in this ledger")
    deadline = ("calendar", "deadline", "--from", "2026-12-25", "--days", "10")
    assert "2026-12-25 之后 10 个工作日：2027-01-11（" in _chinese(cli).ok(*deadline).out
    assert "2027：本账本录入的放假通知）" in _chinese(cli).ok(*deadline).out
    english = cli.ok(*deadline).out
    assert "10 working day(s) after 2026-12-25: 2027-01-11 (" in english
    assert "2027: the notice recorded in this ledger)" in english
    assert "本账本" not in english
    assert cli.ok("calendar", "deadline", "--from", "2027-02-03", "--days", "3",
                  "--json").json()["due"] == "2027-02-13"
    assert cli.ok("calendar", "deadline", "--from", "2027-02-03", "--days", "3",
                  "--calendar-days", "--json").json()["due"] == "2027-02-06"

    again = cli("calendar", "record-notice", "--year", "2027", "--notice", "again")
    assert again.code == 2
    assert "year: already recorded (holiday notice 2027)" in again.err
    [notice] = _report(cli)["calendar"]
    cli.ok("calendar", "record-notice", "--year", "2027", "--notice", "更正",
           "--holiday", "2027-01-01", "--supersedes", notice["entry"], "--reason", "typo")
    assert cli.ok("calendar", "deadline", "--from", "2027-02-03", "--days", "3",
                  "--json").json()["due"] == "2027-02-08"


def _meiling(cli: Cli, tmp_path: Path) -> None:
    cli.ok("apply", str(write_jsonl(tmp_path / "adopt.jsonl", [
        {"type": "adopt_scheme", "scheme": "meiling-subdistrict-quarterly"}])))


def test_publicity_runs_before_results_are_final_with_objections_and_filing(  # type: ignore[no-untyped-def]
        store, tmp_path: Path) -> None:
    cli = cli_for(store.backend, store.env)
    _meiling(cli, tmp_path)
    where = ("--rulebook", "meiling-subdistrict-quarterly", "--period", "2026-Q1")
    early = cli("procedures", "finalize", *where, "--on", "2026-04-01")
    assert early.code == 2
    assert "尚未公示" in early.err

    # 004-S18-R16 with its default: 5 working days after Thu 2026-04-02 (Qingming 4–6
    # April off): 3, 7, 8, 9, 10 April.
    cli.ok("procedures", "publicize", *where, "--on", "2026-04-02")
    late = cli("procedures", "object", *where, "--subject", "A", "--detail", "分数有误",
               "--on", "2026-04-13")
    assert late.code == 2
    assert "异议须在公示期内提出（2026-04-02 至 2026-04-10）" in late.err
    objected = cli.ok("procedures", "object", *where, "--subject", "A", "--detail",
                      "分数有误", "--on", "2026-04-07").out
    running = cli("procedures", "finalize", *where, "--on", "2026-04-10")
    assert running.code == 2
    assert "公示期尚未结束" in running.err
    assert "至 2026-04-10 结束" in running.err
    assert _events(cli, "ResultsMadeFinal") == []
    # The objection is settled on its own before the results are final.
    cli.ok("procedures", "settle", "--objection", objected.strip().rsplit("(", 1)[1][:-1],
           "--outcome", "rejected", "--finding", "分数核对无误", "--on", "2026-04-13")
    cli.ok("procedures", "finalize", *where, "--on", "2026-04-13")

    # Filing within 10 working days of 13 April (004-S18-R15's default): 27 April.
    pending = _report(cli, "--today", "2026-04-28")
    [filing] = pending["filings"]
    assert (filing["due"], filing["overdue"], filing["filed_on"]) == ("2026-04-27", True, None)
    cli.ok("procedures", "file", *where, "--body", "组织人事部门", "--on", "2026-04-29")
    report = _report(cli, "--today", "2026-04-30")
    [filing] = report["filings"]
    assert (filing["late"], filing["overdue"], filing["filed_on"]) == (True, False, "2026-04-29")
    [publicity] = report["publicity"]
    assert (publicity["ends_on"], publicity["final_on"]) == ("2026-04-10", "2026-04-13")
    assert [o["subject_id"] for o in publicity["objections"]] == ["A"]
    assert report["late"]["filings"] == 1
    shown = cli.ok("procedures", "report", "--today", "2026-04-30").out
    assert "LATE" in shown
    assert "逾期" not in shown
    shown = _chinese(cli).ok("procedures", "report", "--today", "2026-04-30").out
    assert "逾期" in shown
    assert "LATE" not in shown


def test_late_delivery_and_an_appeal_decided_after_its_deadline_are_reported(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(WE2 / "decision.jsonl"))
    [delivery] = [d for d in _report(cli, "--today", "2025-04-30")["deliveries"]
                  if d["decision"] == SANCTION_P]
    # TIM-02: 10 working days after Wed 2025-03-19 → Wed 2025-04-02; the entry says the
    # letter was delivered on 03-20.
    assert (delivery["due"], delivery["delivered_on"], delivery["late"]) == (
        "2025-04-02", "2025-03-20", False)
    before = cli("procedures", "deliver", "--decision", SANCTION_P, "--on", "2025-03-01")
    assert before.code == 2
    assert "delivered before the decision of 2025-03-19" in before.err
    assert "送达" not in before.err
    chinese = _chinese(cli)("procedures", "deliver", "--decision", SANCTION_P, "--on",
                            "2025-03-01")
    assert "送达日期早于决定日期 2025-03-19" in chinese.err
    assert "delivered before" not in chinese.err
    # The letter was in fact handed over on 04-03: a recorded delivery, one day late.
    cli.ok("procedures", "deliver", "--decision", SANCTION_P, "--on", "2025-04-03")

    cli.ok("appeal", "file", "--appeal-id", "P-1", "--employee", "P", "--entry", SANCTION_P,
           "--grounds", "disproportionate", "--received-on", "2025-04-03",
           "--filed-on", "2025-04-07")
    cli.ok("appeal", "assign", "P-1", "--reviewer", "supervision-office")
    # TIM-01: decided within 20 working days of 2025-04-07 → 2025-05-07 (Sun 27 April
    # worked, 1–5 May off); decided on 05-08.
    cli.ok("appeal", "decide", "P-1", "--outcome", "uphold", "--actor", "supervision-office",
           "--reason", "復核決定: 維持", "--decided-on", "2025-05-08")
    report = _report(cli, "--today", "2025-05-30")
    [delivery] = [d for d in report["deliveries"] if d["decision"] == SANCTION_P]
    assert (delivery["delivered_on"], delivery["late"]) == ("2025-04-03", True)
    assert report["late"]["deliveries"] >= 1
    [late] = report["appeals_decided_late"]
    assert (late["appeal_id"], late["deadline"], late["decided_on"]) == (
        "P-1", "2025-05-07", "2025-05-08")
    grades_report = grades(cli, "2025-03")
    [procedure] = [p for p in grades_report["procedures"] if p["sanction"] == SANCTION_P]
    assert procedure["delivery"]["on_time"] is False  # the recorded delivery, on the grades


def test_a_schemes_own_appeal_window_in_calendar_days(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(write_jsonl(tmp_path / "s2.jsonl", [
        {"type": "adopt_scheme", "scheme": "shaping-street-quarterly"},
        {"type": "enrol_subject", "subject_id": "W", "name": "W", "enrolled_on": "2026-01-01"},
        {"type": "record_grade_input", "subject_id": "W", "grading_period": "2026-Q1",
         "component": "supervisor", "value": "80"}])))
    [entry] = _events(cli, "GradeInputRecorded")
    # S2-R20: 「收到…反馈后7日内」: 7 calendar days after 2026-04-01 is 2026-04-08, though
    # Qingming (4–6 April) falls inside.
    late = cli("appeal", "file", "--appeal-id", "W-late", "--employee", "W", "--entry",
               entry["originator_id"], "--grounds", "g", "--received-on", "2026-04-01",
               "--filed-on", "2026-04-09")
    assert late.code == 2
    assert "the window of 7 calendar days after 2026-04-01 closed on 2026-04-08" in late.err
    cli.ok("appeal", "file", "--appeal-id", "W-1", "--employee", "W", "--entry",
           entry["originator_id"], "--grounds", "g", "--received-on", "2026-04-01",
           "--filed-on", "2026-04-08")
    shown = cli.ok("appeal", "show", "W-1", "--json").json()
    assert shown["filing_deadline"] == "2026-04-08"
    # Its review: 15 working days (the named default) after 2026-04-08.
    assert shown["review_deadline"] == "2026-04-29"


def test_the_street_office_has_an_appeal_desk(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(FIXTURES / "we-3" / "complaints.jsonl"))
    [stand_down] = [e for e in _events(cli, "SanctionRecorded") if e["kind"] == "stand_down"]
    # 10 working days after Tue 2025-04-01 (Qingming 4 April off): 2025-04-16.
    late = cli("appeal", "file", "--appeal-id", "S-late", "--employee", "S", "--entry",
               stand_down["originator_id"], "--grounds", "g", "--received-on", "2025-04-01",
               "--filed-on", "2025-04-17")
    assert late.code == 2
    assert "closed on 2025-04-16" in late.err
    cli.ok("appeal", "file", "--appeal-id", "S-1", "--employee", "S", "--entry",
           stand_down["originator_id"], "--grounds", "g", "--received-on", "2025-04-01",
           "--filed-on", "2025-04-16")


def test_a_sanction_whose_trigger_was_withdrawn_is_flagged(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(FIXTURES / "we-3" / "complaints.jsonl"))
    assert _report(cli)["voided_triggers"] == []
    [first] = [e for e in _events(cli, "ComplaintRecorded")
               if e["subject_id"] == "S" and e["received_on"] == "2025-03-04"]
    cli.ok("apply", str(write_jsonl(tmp_path / "void.jsonl", [
        {"type": "void_entry", "target_id": first["originator_id"],
         "reason": "投诉经复查不属实"}])))
    [flag] = _report(cli)["voided_triggers"]
    assert (flag["subject_id"], flag["kind"], flag["trigger_kind"]) == (
        "S", "stand_down", "stand_down_required")
    assert flag["withdrawn_by"] is not None
    # --json keeps the note in English for every reader; the report's line is worded
    assert flag["note"] == ("the entry that triggered this sanction was voided or corrected; "
                            "the sanction stands until someone reviews it")
    assert "the sanction stands until someone reviews it" in cli.ok("procedures", "report").out
    chinese = _chinese(cli).ok("procedures", "report").out
    assert "处分仍然有效，需人工复查" in chinese
    assert "the sanction stands" not in chinese


def test_a_prior_years_grade_from_outside_the_ledger_feeds_previous_grade(  # type: ignore[no-untyped-def]
        store, tmp_path: Path) -> None:
    cli = cli_for(store.backend, store.env)
    rows = [json.loads(line) for line in
            (FIXTURES / "e4" / "dongkou.jsonl").read_text(encoding="utf-8").splitlines()
            if line.startswith("{")]
    # Without the 2024 score the ledger computes no 2024 grade for centre-64.
    cli.ok("apply", str(write_jsonl(tmp_path / "e4.jsonl", [
        r for r in rows if (r.get("subject_id"), r.get("grading_period")) != (
            "centre-64", "2024")])))
    effects = [c["effect"] for c in subjects(grades(cli, "2025"), "annual")["centre-64"]
               ["consequences"]]
    assert not any("院长免职" in e for e in effects)

    both = cli("procedures", "outside-result", "--subject", "centre-64", "--period", "2024",
               "--name", "annual", "--grade", "unqualified", "--value", "60",
               "--source", "x")
    assert both.code == 2
    cli.ok("procedures", "outside-result", "--subject", "centre-64", "--period", "2024",
           "--name", "annual", "--grade", "unqualified", "--source", "洞口县卫生健康局",
           "--source-ref", "2024 年度考核结果通报")
    effects = [c["effect"] for c in subjects(grades(cli, "2025"), "annual")["centre-64"]
               ["consequences"]]
    assert any("院长免职" in e for e in effects)  # 004-S2-R10: unqualified two years running
    # The explanation names the outside entry the rule used; the report gives its source.
    [given] = _report(cli)["outside_results"]
    assert (given["grade"], given["source"]) == ("unqualified", "洞口县卫生健康局")
    [consequence] = [c for c in explain(cli, "2025", "centre-64")["results"][0]
                     ["consequences"] if "previous_grade" in c["when"]]
    assert consequence["events"] == [given["entry"]]
