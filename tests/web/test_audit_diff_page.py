"""The auditor's difference page reads like `jixiao diff`: the people whose pay moved,
the events behind them, the events that moved nothing counted by type (each listed on
request), a table only where a figure moved, and 「无变化」 when none did."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from builders import cli_for
from fastapi.testclient import TestClient
from journey_support import Ledger
from web_support import Demo, copy_demo, sign_in

from api.http.app import create_app
from api.http.settings import ServerSettings

ZONE = ZoneInfo("Asia/Shanghai")
VOID_REASON = "申诉成立：处方剂量经药房核实无误"
WITHHELD_REASON = "个税（工资系统报送）"
NOTICE = "国办发明电〔2026〕99号（补）"
# A reason typed that is one of the catalogue's words (a leave's kind, 「病」): shown as typed.
WORD_REASON = "sick"


def typed_now() -> str:
    """Now, to the second, as a person types it in the page's form (+08:00)."""
    return datetime.now(UTC).astimezone(ZONE).strftime("%Y-%m-%dT%H:%M:%S")


@pytest.fixture(scope="module")
def ledger(demo_master: Demo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo with 2026-Q1 closed; then payroll's withholding for everyone paid (the
    first with WORD_REASON), a voided personal deduction of 2026-Q1 and a holiday notice
    for 2026; the instants before and after those."""
    folder = tmp_path_factory.mktemp("audit-diff")
    demo = copy_demo(demo_master, folder)
    Ledger(demo.env).close_q1()
    cli = cli_for("sqlite", demo.env)
    time.sleep(1.1)  # the marks are typed to the second
    before = typed_now()
    time.sleep(1.1)
    paid = sorted({p["employee_id"] for p in cli.payout("2026-Q1")["people"]})
    events = [json.loads(line) for line in
              cli.ok("events", "--json", "--limit", "100000").out.splitlines()]
    deduction = next(e for e in events if e["type"] == "DeductionRecorded"
                     and e["period"] == "2026-Q1" and e["rule_ref"])
    rows = [{"type": "record_withholding", "pay_period": "2026-Q1", "employee_id": person,
             "tax_withheld_cny": "100.00", "reason": WITHHELD_REASON} for person in paid]
    rows[0]["reason"] = WORD_REASON
    rows.append({"type": "void_entry", "target_id": deduction["originator_id"],
                 "reason": VOID_REASON})
    rows.append({"type": "record_holiday_notice", "year": 2026, "holidays": ["2026-10-09"],
                 "notice": NOTICE})
    batch = Path(folder) / "batch.jsonl"
    batch.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                     encoding="utf-8")
    cli.ok("apply", str(batch))
    time.sleep(1.1)
    return {"demo": demo, "before": before, "after": typed_now(), "withheld": len(paid),
            "deduction": deduction}


@pytest.fixture(scope="module")
def auditor(ledger: dict[str, Any]) -> Any:
    demo = ledger["demo"]
    with TestClient(create_app(ServerSettings(store_env=demo.env))) as client:
        sign_in(client, "auditor", demo.passwords["auditor"])
        yield client


def page(client: TestClient, **params: str) -> str:
    answer = client.get("/web/audit/diff", params={"period": "2026-Q1", **params})
    assert answer.status_code == 200, answer.text[:500]
    return answer.text


def test_the_void_comes_first_and_the_withholdings_are_counted(
        auditor: TestClient, ledger: dict[str, Any]) -> None:
    html = page(auditor, start=ledger["before"])
    causes = re.search(r'<ul id="causes">(.*?)</ul>', html, re.S)
    assert causes, html
    assert "可能引起变动的事件 (1)" in html  # about its person: it may have moved them
    assert VOID_REASON in causes.group(1)
    assert ledger["deduction"]["rule_ref"] in causes.group(1)
    assert ledger["deduction"]["employee_id"] in causes.group(1)
    assert f"不涉及变动数字的事件 ({ledger['withheld'] + 1})" in html
    assert f"代扣个税 × {ledger['withheld']}" in html
    assert WITHHELD_REASON not in html  # counted, not listed
    assert 'id="people-moved"' in html
    # A row's own events, as `jixiao diff` names them: a person can move with the pool
    # while an event about them changed nothing, so the column claims no cause.
    assert "<th>直接相关事件</th>" in html
    assert "原因事件" not in html
    assert "科室：无变化。" in html
    assert 'id="departments-moved"' not in html  # no table heading with nothing under it
    every = page(auditor, start=ledger["before"], all="true")
    assert every.count(WITHHELD_REASON) == ledger["withheld"] - 1


def test_a_reason_is_shown_as_typed(auditor: TestClient, ledger: dict[str, Any]) -> None:
    """A reason a person typed is theirs, in every language: 「sick」 is not 「病」, and the
    void's Chinese reason is not put into English."""
    for language in ("zh-CN", "en"):
        every = auditor.get("/web/audit/diff", params={
            "period": "2026-Q1", "start": ledger["before"], "all": "true"},
            headers={"Accept-Language": language}).text
        assert every.count(f" · {WORD_REASON}</li>") == 1, language
        assert VOID_REASON in every, language
        assert " · 病<" not in every, language


def test_a_holiday_notice_is_no_cause_and_is_listed_by_its_text(
        auditor: TestClient, ledger: dict[str, Any]) -> None:
    """A holiday notice is about no one and no statement reads it: counted with the rest
    (not 「可能影响所有人」), and listed on request by its text, as it has no reason."""
    html = page(auditor, start=ledger["before"])
    causes = re.search(r'<ul id="causes">(.*?)</ul>', html, re.S)
    assert causes, html
    assert "可能影响所有人" not in causes.group(1)
    assert "放假通知 × 1" in html
    assert NOTICE not in html  # counted, not listed
    every = page(auditor, start=ledger["before"], all="true")
    [item] = [i for i in re.findall(r"<li>(.*?)</li>", every, re.S) if NOTICE in i]
    assert item.endswith(f" · {NOTICE}"), item


def test_nothing_moved_says_no_change_with_no_table(
        auditor: TestClient, ledger: dict[str, Any]) -> None:
    html = page(auditor, start=ledger["after"])
    assert "无变化：没有人的绩效工资变动。" in html
    assert "<table" not in html
    assert 'id="causes"' not in html


def test_a_start_before_the_scheme_lists_what_is_missing_in_chinese(
        auditor: TestClient) -> None:
    answer = auditor.get("/web/audit/diff",
                         params={"period": "2026-Q1", "start": "2026-01-01T00:00"})
    problem = re.search(r"<li><code>2026-Q1</code> (.*?)</li>", answer.text)
    assert problem, answer.text[:2000]
    assert problem.group(1) == "方案：2026-01-01 没有生效的已采用方案；请先采用方案"
