"""The population calculation kinds shared `into: pay_line` (domain/calculations.py) on
the pure core (an in-memory ledger, no
CLI): what a pool's parameters refuse, and properties that hold for any inputs: a
redistribution pays out exactly what was cut (or shows it undistributed), a per-point pool
pays exactly its fund, and a unit-rate pool never pays below its floor rate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from builders import memory_ledger, record
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from api.i18n import use_language
from api.i18n.messages import translate
from domain.grading import GradingPeriod
from domain.scheme_kinds import parse_scheme
from domain.shipped_schemes import load_shipped_scheme
from projections.grading.report import grades_report

REF = {"rule": "004-S15-R12", "source": "004_deb0a29d71ec55ac.txt:L873"}


def _with_pool(name: str, **changes: Any) -> dict[str, Any]:
    document = load_shipped_scheme(name)
    first = next(iter(document["calculations"]))
    document["calculations"] = {first: {**document["calculations"][first], **changes}}
    return document


def test_band_shares_must_add_up_and_lines_must_exist() -> None:
    bands = [{"up_to_share": "0.1", "share": "0.6", "label": "a"},
             {"up_to_share": "0.2", "share": "0.5", "label": "b"}]
    with pytest.raises(ValidationError, match="the shares add up to 110%, not 100 %"):
        parse_scheme(_with_pool("guangdong-village-stations", bands=bands))
    with pytest.raises(ValidationError, match="has no pay line 'subsidyy'"):
        parse_scheme(_with_pool("guangdong-village-stations", from_lines=["subsidyy"]))
    with pytest.raises(ValidationError, match="is not a figure"):
        parse_scheme(_with_pool("guangdong-village-stations", rank_by="nothing"))


def test_unit_amounts_need_a_unit_pipeline_of_the_same_period() -> None:
    with pytest.raises(ValidationError, match="unit_pipeline"):
        parse_scheme(_with_pool("school-performance-pool", unit_pipeline=None))
    with pytest.raises(ValidationError, match="is not a pipeline graded by year"):
        parse_scheme(_with_pool("school-performance-pool", unit_pipeline="nowhere"))


def test_a_scheme_without_pools_keeps_its_canonical_form() -> None:
    # Documents adopted before pools existed hash the same (their statements cite it).
    scheme = parse_scheme(load_shipped_scheme("dongkou-health-centres"))
    assert '"pools"' not in scheme.canonical_json()
    assert '"not_computable"' not in scheme.canonical_json()


def _stations(scores: list[int], subsidy: str) -> dict[str, Any]:
    rows: list[dict[str, Any]] = [{"type": "adopt_scheme", "scheme": "guangdong-village-stations"}]
    for n, score in enumerate(scores):
        sid = f"s{n:02d}"
        rows += [
            {"type": "enrol_subject", "subject_id": sid, "name": sid, "kind": "unit",
             "scopes": {"level": "station"}, "enrolled_on": "2024-01-01"},
            {"type": "record_grade_input", "subject_id": sid, "grading_period": "2025",
             "component": "score", "value": str(score)},
            {"type": "record_pay_base", "subject_id": sid, "grading_period": "2025",
             "component": "subsidy_cny", "amount_cny": subsidy}]
    ledger = memory_ledger()
    record(ledger, *rows)
    return grades_report(ledger.facts(), GradingPeriod.parse("2025"))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=14),
       st.sampled_from(["10000.00", "3333.33", "0.07"]))
def test_a_redistribution_pays_out_exactly_what_was_cut(scores: list[int], subsidy: str) -> None:
    report = _stations(scores, subsidy)
    station = next(p for p in report["pipelines"] if p["name"] == "station")
    pending = any(s["status"] == "pending" for s in station["subjects"])
    paid = sum((Decimal(p["paid"]) for s in station["subjects"] for p in s["pay"]
                if p["status"] == "ok"), Decimal(0))
    reward = [p for s in station["subjects"] for p in s["pay"] if p["id"] == "station_reward"]
    if pending:  # a tie at the quota cut-off: the pool waits with every member
        assert {p["status"] for p in reward} == {"pending"}
        return
    undistributed = Decimal(reward[0]["parts"][0]["undistributed"])
    assert paid + undistributed == Decimal(subsidy) * len(scores)
    graded = {s["subject_id"]: s["grade"] for s in station["subjects"]}
    assert all(graded[s["subject_id"]] == "excellent" for s in station["subjects"]
               for p in s["pay"] if p["id"] == "station_reward" and Decimal(p["paid"]))


def test_a_tie_at_a_band_edge_joins_the_band_and_an_empty_band_passes_its_share() -> None:
    # AMB-21: ten stations, two tied at 96 for the top 10 % (one place): both join band 1,
    # band 2 (up to ⌊20 % × 10⌋ = 2 places) is then empty and its 40 % moves to band 1.
    report = _stations([96, 96, 89, 88, 85, 80, 72, 65, 54, 45], "10000.00")
    station = next(p for p in report["pipelines"] if p["name"] == "station")
    rewards = {s["subject_id"]: p["paid"] for s in station["subjects"] for p in s["pay"]
               if p["id"] == "station_reward" and p["paid"] != "0.00"}
    assert rewards == {"s00": "1750.00", "s01": "1750.00"}  # (1 000 + 2 500) ÷ 2


def test_a_waiting_pool_s_reason_is_english_data_worded_where_shown() -> None:
    # Eleven stations tied at the top: the quota's cut-off waits for a tie-break, so the
    # pool waits with every member. The report is data (grades --json): its reason is the
    # same English in every language, and the shells word it from the catalogue.
    report = _stations([100] * 11, "100.00")
    station = next(p for p in report["pipelines"] if p["name"] == "station")
    (reason,) = {p["reason"] for s in station["subjects"] for p in s["pay"]
                 if p["id"] == "station_reward"}
    assert reason == "s00 is pending: the pool waits for every member"
    with use_language("zh_CN"):
        assert translate(reason) == "s00 为 待定：分配池等待全部成员"  # one language
