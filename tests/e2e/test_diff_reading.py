"""`jixiao diff` as a person reads it: the figures that moved, then the events behind
them, and the events that moved nothing (a closed period's withholdings, one a person)
counted by type rather than listed; a table only where a figure moved, else 「无变化」.
`--all` lists every event; `--json` keeps every event in one flat list."""

from __future__ import annotations

import io
import json
from pathlib import Path
from uuid import uuid5

import pytest
from builders import GOLDEN, Cli, cli_for, head_nurse_of_example_2

from domain.application import IDEMPOTENCY_NAMESPACE

CORRECTION = "appeal upheld: workload double-counted"  # example 3's, of the ward's figures
WITHHELD_REASON = "个税（工资系统报送）"
LI_COMPLAINT = str(uuid5(IDEMPOTENCY_NAMESPACE, "ex1-li-complaint"))
DIFF = ("diff", "--period", "2026-Q1", "--from", "closed", "--to", "now")


@pytest.fixture
def cli(store, tmp_path: Path) -> Cli:  # type: ignore[no-untyped-def]
    """Worked example 3 with 2026-Q1 closed, then payroll's withholding for everyone paid."""
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    cli.ok("close", "--period", "2026-Q1")
    paid = sorted({p["employee_id"] for p in cli.payout("2026-Q1")["people"]})
    rows = [{"type": "record_withholding", "pay_period": "2026-Q1", "employee_id": person,
             "tax_withheld_cny": "100.00", "reason": WITHHELD_REASON} for person in paid]
    batch = tmp_path / "withholding.jsonl"
    batch.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                     encoding="utf-8")
    cli.ok("apply", str(batch))
    return cli


def withheld(cli: Cli) -> int:
    return len(cli.payout("2026-Q1")["people"])


def test_withholdings_alone_move_nothing_and_the_diff_says_so(cli: Cli) -> None:
    count = withheld(cli)
    chinese = Cli(cli.environ, lang=None).ok(*DIFF).out
    assert "无变化：没有人的绩效工资变动。" in chinese
    assert f"其余 {count} 条事件不涉及变动的数字：代扣个税 {count} 条" in chinese
    assert WITHHELD_REASON not in chinese  # counted, not listed one by one
    assert "员工" not in chinese
    assert "科室" not in chinese  # no table heading with nothing under it
    english = cli.ok(*DIFF).out
    assert "No change: no one's pay moved." in english
    assert f"{count} other events are about no figure that moved: tax withheld ×{count}" in english
    assert "employee" not in english
    assert "department" not in english


def test_the_correction_comes_first_and_the_withholdings_are_counted(cli: Cli) -> None:
    count = withheld(cli)
    cli.ok("apply", str(GOLDEN / "example-3" / "correction.jsonl"))
    chinese = Cli(cli.environ, lang=None).ok(*DIFF).out
    lines = chinese.splitlines()
    causes = lines.index("可能引起变动的事件（1 条）：")
    assert CORRECTION in lines[causes + 1]
    assert "；涉及 病区 ward -¥2,000.00、ward-01 Ward nurse 1 -¥125.00" in lines[causes + 1]
    assert lines.index("绩效工资变动的人员（16 人）：") < lines.index(
        "结算金额变动的科室（1 个）：") < causes
    assert f"其余 {count} 条事件不涉及变动的数字：代扣个税 {count} 条" in chinese
    assert chinese.count(WITHHELD_REASON) == 0
    english = cli.ok(*DIFF).out
    assert "The events that may have moved them (1):" in english
    assert "People whose pay moved (16):" in english
    assert english.count(WITHHELD_REASON) == 0
    every = cli.ok(*DIFF, "--all").out
    assert every.count(WITHHELD_REASON) == count  # --all lists each of them
    assert every.index(CORRECTION) < every.index(WITHHELD_REASON)


def test_json_keeps_every_event_in_one_list(cli: Cli) -> None:
    cli.ok("apply", str(GOLDEN / "example-3" / "correction.jsonl"))
    report = cli.ok(*DIFF, "--json").json()
    kinds = [event["type"] for event in report["events"]]
    assert kinds.count("WithholdingRecorded") == withheld(cli)
    assert "DepartmentFiguresRecorded" in kinds
    assert "other_events" not in report


def test_another_periods_withholding_is_not_in_the_diff(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """2026-Q1's withholding is about 2026-Q1's pay: a diff of 2026-Q2 across it shows
    nothing, not a count of events about another period."""
    plain = cli_for(store.backend, store.env)
    plain.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    plain.ok("close", "--period", "2026-Q1")
    before = plain.ok("events", "--json", "--limit", "1").json()["recorded_at"]
    batch = tmp_path / "withholding.jsonl"
    batch.write_text('{"type": "record_withholding", "pay_period": "2026-Q1", "employee_id": '
                     '"ward-01", "tax_withheld_cny": "10.00"}\n', encoding="utf-8")
    plain.ok("apply", str(batch))
    out = plain.ok("diff", "--period", "2026-Q2", "--from", before).out
    assert "No change: no one's pay moved." in out
    assert "tax withheld" not in out
    assert "other events" not in out


def test_an_event_about_no_one_that_no_statement_reads_is_no_cause(
        cli: Cli, tmp_path: Path) -> None:
    """A holiday notice after the close is about no one, and no statement reads it (the
    calendar sets deadlines): counted with the rest, not listed as what may move
    everyone; listed with --all by its text, which it carries in place of a reason."""
    cli.ok("apply", str(GOLDEN / "example-3" / "correction.jsonl"))
    notice = tmp_path / "notice.jsonl"
    notice.write_text('{"type": "record_holiday_notice", "year": 2026, "holidays": '
                      '["2026-10-08"], "notice": "2026 年放假通知（补）"}\n', encoding="utf-8")
    cli.ok("apply", str(notice))
    chinese = Cli(cli.environ, lang=None).ok(*DIFF).out
    assert "可能引起变动的事件（1 条）：" in chinese
    assert "放假通知 1 条" in chinese.splitlines()[-2]
    assert "可能影响所有人" not in chinese
    every = Cli(cli.environ, lang=None).ok(*DIFF, "--all").out.splitlines()
    [line] = [x for x in every if "放假通知，" in x]
    assert line.endswith("：2026 年放假通知（补）")
    assert "放假通知：" in every  # the group's heading, with the reader's colon
    assert "holiday notice:" in cli.ok(*DIFF, "--all").out.splitlines()
    english = cli.ok(*DIFF).out
    assert "The events that may have moved them (1):" in english
    assert "holiday notice ×1" in english
    assert "it may move everyone" not in english
    [line] = [x for x in cli.ok(*DIFF, "--all").out.splitlines() if "holiday notice by" in x]
    assert line.endswith("): 2026 年放假通知（补）")


def test_a_sign_in_password_is_about_no_period(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A password set after the close names no period and no one the statement knows:
    it is not among a period's events at all, in the table or in --json."""
    cli.ok("apply", str(GOLDEN / "example-3" / "correction.jsonl"))
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    cli.ok("users", "add", "aud-2", "--role", "auditor", "--password-stdin")
    english = cli.ok(*DIFF, "--all").out
    assert "The events that may have moved them (1):" in english
    assert "password" not in english
    kinds = [event["type"] for event in cli.ok(*DIFF, "--json").json()["events"]]
    assert "PasswordSet" not in kinds
    assert "DepartmentFiguresRecorded" in kinds


def test_a_fact_is_in_the_diffs_of_the_periods_it_is_about(cli: Cli, tmp_path: Path) -> None:
    """By its own fields: a transfer from August is about 2026-Q3 on, not 2026-Q1 or Q2;
    payroll's withholding of 2026-Q1 is about 2026-Q1's pay alone, also in --json."""
    batch = tmp_path / "transfer.jsonl"
    batch.write_text('{"type": "transfer_employee", "employee_id": "ward-01", '
                     '"department_id": "icu", "effective_on": "2026-08-01"}\n',
                     encoding="utf-8")
    cli.ok("apply", str(batch))
    # 2026-Q1's close: the withholdings and the transfer were recorded after it.
    closed = cli.ok("diff", *DIFF[1:], "--json").json()["from"].removeprefix("closed at ")

    def kinds(period: str) -> list[str]:
        report = cli.ok("diff", "--period", period, "--from", closed, "--json").json()
        return [event["type"] for event in report["events"]]

    assert kinds("2026-Q1") == ["WithholdingRecorded"] * withheld(cli)  # not the transfer
    assert kinds("2026-Q2") == []
    assert kinds("2026-Q3") == ["EmployeeTransferred"]


def test_an_appeal_preview_links_a_void_to_the_person_whose_entry_it_voids(
        store) -> None:  # type: ignore[no-untyped-def]
    """The preview of a revoke voids li's own deduction: li's row names that voiding
    among its events (not a share of the pool, not nothing); in JSON beside the
    row's direct events, which stay the events carrying li's id."""
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    cli.ok("appeal", "file", "--appeal-id", "A-1", "--employee", "li", "--entry",
           LI_COMPLAINT, "--grounds", "投诉已由患者撤回", "--received-on", "2026-04-01",
           "--filed-on", "2026-04-03")
    preview = ("appeal", "preview", "A-1", "--outcome", "revoke")
    report = cli.ok(*preview, "--json").json()
    [void] = [e["id"] for e in report["events"] if e["type"] == "EntryVoided"]
    [li] = [row for row in report["people"] if row["id"] == "li"]
    assert (li["direct_events"], li["voiding_events"]) == ([], [void])
    for lang, pool in (("en", "its share of a pool moved"), (None, "所在奖金池重新分配")):
        out = Cli(cli.environ, lang=lang).ok(*preview).out
        [row] = [line for line in out.splitlines() if line.startswith("li ")]
        assert pool not in row, out
        assert row.rstrip().endswith(void[:8]), out


def test_an_earlier_years_tenure_result_is_in_the_diff_of_the_pay_it_moves(
        store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """S11-R48 pays a post bonus on the latest tenure-target result up to the period's
    year: a pass for 2025 recorded late moves a head nurse's 2026-Q1 pay, and the diff
    names it as that row's event, not 'its share of a pool moved'."""
    cli = head_nurse_of_example_2(store.backend, store.env, tmp_path)
    before = cli.ok("events", "--json", "--limit", "1").json()["recorded_at"]
    result = tmp_path / "tenure.jsonl"
    result.write_text('{"type": "record_assessment", "employee_id": "surgery-02", "kind": '
                      '"tenure_target", "year": 2025, "result": "pass"}\n', encoding="utf-8")
    cli.ok("apply", str(result))
    report = cli.ok("diff", "--period", "2026-Q1", "--from", before, "--json").json()
    [event] = [e["id"] for e in report["events"] if e["type"] == "AssessmentRecorded"]
    [row] = [row for row in report["people"] if row["id"] == "surgery-02"]
    assert row["direct_events"] == [event]
    for lang, pool in (("en", "its share of a pool moved"), (None, "所在奖金池重新分配")):
        out = Cli(cli.environ, lang=lang).ok("diff", "--period", "2026-Q1", "--from",
                                             before).out
        [line] = [x for x in out.splitlines() if x.startswith("surgery-02 ")]
        assert pool not in line, out
        assert line.rstrip().endswith(event[:8]), out
