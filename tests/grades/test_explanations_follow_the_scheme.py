"""Explanation texts cite the scheme's numbers, not numbers written into the code: a
shipped grading scheme with its numbers changed explains itself with the new numbers.

Each test adopts a shipped scheme under a variant id with different band bounds, quota
shares, a hold-back share, instalments and rates, replays a worked example's facts, and
checks every text that cites one of those numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builders import memory_ledger, record
from gradebook import FIXTURES

from domain.grading import GradingPeriod
from domain.shipped_schemes import load_shipped_scheme
from projections.grades import grades_report


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def _variant(name: str) -> dict[str, Any]:
    document = load_shipped_scheme(name)
    document["id"] = f"{name}-variant"
    return document


def _report(document: dict[str, Any], fixture: Path, period: str) -> dict[str, Any]:
    """The worked example's facts under the changed scheme instead of the shipped one."""
    shipped = document["id"].removesuffix("-variant")
    rows = [{"type": "adopt_scheme", "document": document}]
    rows += [{**row, "rulebook": document["id"]} if row.get("rulebook") == shipped else row
             for row in _rows(fixture) if row["type"] != "adopt_scheme"]
    ledger = memory_ledger()
    record(ledger, *rows)
    return grades_report(ledger.facts(), GradingPeriod.parse(period), document["id"])


def _subject(report: dict[str, Any], pipeline: str, subject_id: str) -> dict[str, Any]:
    found = next(p for p in report["pipelines"] if p["name"] == pipeline)
    subject: dict[str, Any] = next(s for s in found["subjects"] if s["subject_id"] == subject_id)
    return subject


def _band_step(subject: dict[str, Any]) -> str:
    reason: str = next(s["reason"] for s in subject["steps"] if s["stage"] == "band")
    return reason


def test_bands_and_the_hold_back_cite_the_changed_numbers() -> None:
    document = _variant("dongkou-health-centres")
    bounds = {"excellent": "92", "qualified": "78", "basic": "68"}  # shipped: 90, 75, 65
    for pipeline in document["pipelines"]:
        pipeline["bands"] = {**pipeline["bands"], "rows": [
            {**row, "min": bounds[row["grade"]]} if row["grade"] in bounds else row
            for row in pipeline["bands"]["rows"]]}
    line = document["pipelines"][1]["pay"][0]
    line.update(immediate_share="0.6", instalments=10,  # shipped: 0.7, 12
                rates={**line["rates"], "basic": "0.75"})  # shipped: 0.8
    fixture = FIXTURES / "e4" / "dongkou.jsonl"

    half = _subject(_report(document, fixture, "2025-H1"), "half_year", "centre")
    assert _band_step(half) == "total 80 ≥ 78"
    centre = _subject(_report(document, fixture, "2025"), "annual", "centre")
    assert (centre["grade"], _band_step(centre)) == ("basic", "total 70 ≥ 68")
    pay = next(p for p in centre["pay"] if p["id"] == "subsidy_performance_pay")
    _, immediate, first, second = pay["parts"]
    assert immediate["label"] == "immediate 60 %"
    assert immediate["formula"] == "base × 0.6, in 10 instalment(s)"
    assert immediate["amount"] == "720000.00"
    assert immediate["instalments"] == ["72000.00"] * 10
    assert (first["grade"], first["rate"], first["amount"]) == ("qualified", "1", "240000.00")
    assert (second["grade"], second["rate"], second["amount"], second["withheld"]) == (
        "basic", "0.75", "180000.00", "60000.00")


def test_quota_formulas_and_steps_cite_the_changed_share() -> None:
    document = _variant("meiling-subdistrict-quarterly")
    quarterly = document["pipelines"][0]
    assert quarterly["name"] == "quarterly"
    shipped = [q["max_share"] for q in quarterly["quotas"]]
    assert "0.25" in shipped
    quarterly["quotas"] = [{**q, "max_share": "0.125"} for q in quarterly["quotas"]]
    report = _report(document, FIXTURES / "e2" / "quarter.jsonl", "2025-Q1")

    found = next(p for p in report["pipelines"] if p["name"] == "quarterly")
    assert found["quotas"]
    for quota in found["quotas"]:
        limit = quota["headcount"] // 8  # floor(0.125 × n)
        assert quota["formula"] == f"floor(0.125 × {quota['headcount']}) = {limit}"
        assert quota["limit"] == limit
    demoted = [s for s in found["subjects"] for step in s["steps"] if step["stage"] == "quota"]
    assert demoted
    for subject in demoted:
        step = next(step for step in subject["steps"] if step["stage"] == "quota")
        assert "floor(0.125 × 8) = 1" in step["reason"]
        assert "0.25" not in step["reason"]


def test_a_minimum_of_one_cites_the_rule_s_threshold() -> None:
    document = _variant("shaping-street-quarterly")
    quarterly = document["pipelines"][0]
    assert [q.get("min_one_below") for q in quarterly["quotas"]] == [3, None]
    quarterly["quotas"][0] = {**quarterly["quotas"][0], "min_one_below": 9}
    report = _report(document, FIXTURES / "example-6" / "street-quotas.jsonl", "2025-Q1")

    found = next(p for p in report["pipelines"] if p["name"] == quarterly["name"])
    small = [q for q in found["quotas"] if q["scope"] == "line" and 0 < q["headcount"] < 9]
    assert small
    for quota in small:
        assert quota["formula"].endswith(", at least 1 with fewer than 9 = "
                                         f"{quota['limit']}")
        assert "fewer than 3" not in quota["formula"]
