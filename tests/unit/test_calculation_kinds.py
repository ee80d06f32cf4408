"""The registered calculation kinds (domain/calculations.py): their parameters are
checked when a scheme is read, with a reason a clerk understands, and the progressive
bands compute band by band."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from pydantic import ValidationError

from domain.calculations import (
    CALCULATION_KINDS,
    PerPointPool,
    Progressive,
    Redistribution,
    Shares,
    Step,
)
from projections.grading.calc_functions import progressive_amount

REF = {"rule": "S13-R33", "source": "002_db447562deed9801.txt:L2205"}


def _bands(*tiers: dict[str, Any]) -> Progressive:
    return Progressive.model_validate({"kind": "progressive", "label": "bands",
                                       "tiers": list(tiers), "ref": REF})


def test_progressive_bands_are_cumulative() -> None:
    bands = _bands({"up_to": 10000, "rate": "0.15"}, {"up_to": 20000, "rate": "0.10"},
                   {"rate": "0.05"})
    assert progressive_amount(bands, Fraction(10000), None)[0] == 1500
    total, terms = progressive_amount(bands, Fraction(30000), None)
    assert total == 1500 + 1000 + 500
    assert terms == ["10000 × 15%", "10000 × 10%", "10000 × 5%"]


def test_a_ranged_band_asks_for_its_rate_only_when_reached() -> None:
    bands = _bands({"up_to": 100, "rate": "0.1"}, {"rate_range": ["0.01", "0.02"]})
    assert progressive_amount(bands, Fraction(50), None)[0] == 5

    def chosen() -> Fraction:
        return Fraction(2, 100)
    assert progressive_amount(bands, Fraction(200), chosen)[0] == 10 + 2


@pytest.mark.parametrize(("tiers", "reason"), [
    ([{"up_to": 20000, "rate": "0.1"}, {"up_to": 10000, "rate": "0.2"}], "gap or an overlap"),
    ([{"rate": "0.1"}, {"up_to": 10000, "rate": "0.2"}], "only the last band"),
    ([{"up_to": 10, "rate": "0.1", "rate_range": ["0", "0.1"]}], "a rate, or a rate_range"),
    ([{"rate_range": ["0.3", "0.1"]}], "not within 0–100 %"),
    ([{"rate": "1.5"}], "between 0 and 1"),
])
def test_progressive_parameters_are_checked(tiers: list[dict[str, Any]], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        _bands(*tiers)


def test_shares_must_sum_to_100_percent() -> None:
    with pytest.raises(ValidationError, match="add up to 95%, not 100 %"):
        Shares.model_validate({"kind": "shares", "label": "split", "ref": REF,
                               "shares": {"a": "0.65", "b": "0.25", "c": "0.05"}})


def test_step_rows_may_not_overlap() -> None:
    with pytest.raises(ValidationError, match="overlap"):
        Step.model_validate({"kind": "step", "label": "award", "ref": REF,
                             "rows": [{"min": 10, "value": 6000}, {"min": 5, "value": 3000}]})


def test_redistribution_bands_must_share_out_everything() -> None:
    with pytest.raises(ValidationError, match="add up to 90%"):
        Redistribution.model_validate({
            "kind": "redistribution", "label": "cuts", "pipeline": "p", "cut": "0",
            "rank_by": "score", "ref": REF,
            "bands": [{"up_to_share": "0.1", "share": "0.6"},
                      {"up_to_share": "0.2", "share": "0.3"}]})


UNIT_FUND = {"kind": "per_point_pool", "label": "fund", "pipeline": "teacher", "ref": REF,
             "points": "score", "into": "pay_line", "group": "unit",
             "unit_pipeline": "school", "unit_fund": "evaluation_fund_cny"}


@pytest.mark.parametrize(("changes", "reason"), [
    ({"contribution": "wage"}, "pool_from or unit_fund"),  # two sources
    ({"into": "figure", "group": "all", "unit_pipeline": None}, "only for into: pay_line"),
    ({"unit_pipeline": None}, "unit_pipeline"),
])
def test_a_unit_fund_is_the_pool_of_a_unit_s_members_as_a_pay_line(
        changes: dict[str, Any], reason: str) -> None:
    assert PerPointPool.model_validate(UNIT_FUND).describe().startswith(
        "fund: pool (evaluation_fund_cny of the unit)")
    with pytest.raises(ValidationError, match=reason):
        PerPointPool.model_validate({**UNIT_FUND, **changes})


def test_descriptions_quote_the_parameters() -> None:
    bands = _bands({"up_to": 10000, "rate": "0.15"}, {"rate_range": ["0.01", "0.02"]})
    assert bands.describe() == "bands: 0–10000 × 15% + > 10000 × 1%–2% (per case) (累进)"


def test_every_kind_is_registered_once() -> None:
    assert set(CALCULATION_KINDS) == {"progressive", "step", "ladder", "shares",
                                      "per_point_pool", "redistribution", "unit_rate"}
