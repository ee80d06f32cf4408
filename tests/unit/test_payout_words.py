"""The human payout table in the reader's language: departments by name, scores short,
each exclusion reason the projection words in English said again in Chinese (English
with the switch), and the demo's summary line."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from builders import memory_ledger, record

from api.i18n import use_language
from api.i18n.messages import translate
from api.render_text import demo_description_text, payout_text
from api.scenarios.demo import demo_commands, describe
from domain.periods import Period
from domain.shipped_schemes import load_shipped_scheme
from projections.payout import calculate

Q1 = Period.parse("2026-Q1")


def _hire(employee_id: str, **fields: Any) -> dict[str, Any]:
    return {"type": "hire_employee", "employee_id": employee_id, "name": employee_id.title(),
            "department_id": "ward", "title_grade": "intermediate", "hired_on": "2020-01-01",
            **fields}


def _leave(employee_id: str, kind: str, first_day: str, last_day: str) -> dict[str, Any]:
    return {"type": "record_leave", "employee_id": employee_id, "kind": kind,
            "first_day": first_day, "last_day": last_day}


def _any_leave_zero() -> dict[str, Any]:
    """Scheme 11 under the A-S11-10 option: any leave of a zeroing kind ⇒ no pay."""
    document = copy.deepcopy(load_shipped_scheme("xinghe-county-hospital"))
    document["version"] = 2
    document["attendance"]["leave_rule"] = "any_leave_zero"
    return document


def _q1_report() -> dict[str, Any]:
    """A quarter whose people are excluded in each way the projection words."""
    ledger = memory_ledger()
    record(
        ledger,
        {"type": "adopt_scheme", "document": _any_leave_zero()},
        {"type": "define_department", "department_id": "ward", "name": "病区 ward",
         "kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-01-01"},
        {"type": "declare_pool", "period": "2026-Q1", "amount_cny": "20000.00"},
        {"type": "record_department_figures", "period": "2026-Q1", "department_id": "ward",
         "workload_base": "1000", "workload_actual": "1000",
         "medical_revenue_cny": "100000.00", "full_cost_cny": "100000.00"},
        _hire("worker"),
        _hire("lump", category="lump_sum"),
        _hire("new", hired_on="2026-01-10", probation_until="2026-06-30"),
        _hire("ill"), _leave("ill", "sick", "2026-02-01", "2026-02-03"),
        _hire("course"), _leave("course", "study", "2026-01-01", "2026-03-31"),
        _hire("abroad"), _leave("abroad", "study", "2025-01-01", "2026-03-31"),
    )
    return calculate(ledger.facts(), Q1).to_json()


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return _q1_report()


def _reasons(report: dict[str, Any]) -> dict[str, str]:
    return {p["employee_id"]: p["reason"] for p in report["people"] if p["reason"]}


def test_every_exclusion_reason_reads_in_chinese(report: dict[str, Any]) -> None:
    with use_language("zh_CN"):
        shown = {who: translate(why) for who, why in _reasons(report).items()}
    assert shown == {
        "lump": "包干工资：不发绩效工资",
        "new": "试用期至 2026-06-30：不发绩效工资",
        "ill": "本期休病假：不发绩效工资",
        "course": "进修外出 2026-01-01…2026-03-31：由医院按同级人员绩效工资的 60% 计发",
        "abroad": "进修外出 2025-01-01…2026-03-31：不发放",
    }


def test_the_english_switch_shows_the_statement_s_own_words(report: dict[str, Any]) -> None:
    with use_language("en"):
        assert {who: translate(why) for who, why in _reasons(report).items()} == _reasons(
            report)


def test_a_reason_from_an_unknown_wording_is_shown_as_written() -> None:
    with use_language("zh_CN"):
        assert translate("seconded to the county: no performance pay") == (
            "seconded to the county: no performance pay")


def test_the_payout_table_names_departments_and_shortens_long_scores(
        report: dict[str, Any]) -> None:
    report = {**report, "people": [{**p, "score": "354.456667017157001028…"}
                                   for p in report["people"]]}
    with use_language("zh_CN"):
        text = payout_text(report)
    row = next(line for line in text.splitlines() if line.startswith("worker "))
    assert "病区 ward" in row
    assert "354.4567…" in row
    assert "354.456667" not in text
    assert "包干工资：不发绩效工资" in text


def test_the_demo_summary_reads_in_chinese() -> None:
    held = describe(demo_commands(2026))
    with use_language("zh_CN"):
        line = demo_description_text(held)
    assert line.startswith(f"{held['departments']} 个科室，{held['staff']} 名员工（")
    assert "在编" in line
    assert "departments" not in line


def test_no_reason_stays_no_reason() -> None:
    # gettext("") is the catalogue's header: a person paid as usual has no note.
    with use_language("zh_CN"):
        assert translate("") == ""
