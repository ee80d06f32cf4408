"""Pools and population calculations are one mechanism (domain/calculations.py): a
document adopted with the older `pools:` list reads as the same scheme, and a parameter
of one `into` is refused on the other with a reason a clerk understands."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from domain.scheme_kinds import parse_scheme
from domain.shipped_schemes import load_shipped_scheme, shipped_scheme_names

OLD_KINDS = {"per_point_pool": "per_point", "redistribution": "redistribute",
             "unit_rate": "unit_rate"}


def _as_stored_before(document: dict[str, Any]) -> dict[str, Any]:
    """The document in the form adopted before the two were one: pay-line calculations
    as a `pools:` list with ids, their old kind names and `top_share` bands."""
    calculations, pools = {}, []
    for name, calc in document["calculations"].items():
        if calc.get("into") != "pay_line":
            calculations[name] = calc
            continue
        pool = {k: v for k, v in calc.items() if k != "into"}
        pool["kind"] = OLD_KINDS[calc["kind"]]
        if "bands" in pool:
            pool["bands"] = [{("top_share" if k == "up_to_share" else k): v
                              for k, v in band.items()} for band in pool["bands"]]
        pools.append({"id": name, **pool})
    old = {k: v for k, v in document.items() if k != "calculations"}
    return {**old, "pools": pools, **({"calculations": calculations} if calculations else {})}


def _with_pay_lines() -> list[str]:
    return [n for n in shipped_scheme_names()
            if any(c.get("into") == "pay_line"
                   for c in (load_shipped_scheme(n).get("calculations") or {}).values())]


def test_six_shipped_schemes_share_pay_lines() -> None:
    # The five that had `pools:` before the merge, and school-incentive-pay@3's
    # evaluation fund (a pool of a unit's own amount, `unit_fund`).
    assert set(_with_pay_lines()) == {
        "ningxiang-health-centre", "guangdong-village-stations", "tongdao-health-centres",
        "national-township-guidance", "school-performance-pool", "school-incentive-pay"}


@pytest.mark.parametrize("name", _with_pay_lines())
def test_a_document_stored_with_pools_reads_as_the_same_scheme(name: str) -> None:
    current = load_shipped_scheme(name)
    stored = _as_stored_before(current)
    assert "pools" in stored
    assert parse_scheme(stored) == parse_scheme(current)


def test_a_pool_named_like_a_calculation_is_refused() -> None:
    current = load_shipped_scheme("guangdong-village-stations")
    stored = _as_stored_before(current)
    stored["calculations"] = {"station_reward": current["calculations"]["station_reward"]}
    with pytest.raises(ValidationError, match="a pool needs an id no calculation has"):
        parse_scheme(stored)


@pytest.mark.parametrize(("changes", "reason"), [
    ({"into": "figure"}, "from_lines is only for into: pay_line"),
    ({"cut": "1"}, "cut is only for into: figure"),
    ({"rounding": "floor"}, "rounding is only for into: figure"),
])
def test_a_parameter_of_the_other_into_is_refused(changes: dict[str, Any], reason: str) -> None:
    document = load_shipped_scheme("guangdong-village-stations")
    calc = {**document["calculations"]["station_reward"], **changes}
    document["calculations"] = {"station_reward": calc}
    with pytest.raises(ValidationError, match=reason):
        parse_scheme(document)


def test_a_figure_pool_may_not_be_gated() -> None:
    document = load_shipped_scheme("salesperson-pay")
    name = next(n for n, c in document["calculations"].items()
                if c["kind"] == "per_point_pool")
    document["calculations"][name] = {**document["calculations"][name], "gate": "true"}
    with pytest.raises(ValidationError, match="gate is only for into: pay_line"):
        parse_scheme(document)
