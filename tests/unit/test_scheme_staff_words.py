"""Employment categories and leave kinds are the scheme's words: commands are checked
against the scheme in force, and a scheme with other words needs no code."""

from __future__ import annotations

import copy
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from builders import memory_ledger, record

from domain.errors import RejectedError
from domain.periods import Period
from domain.scheme_kinds import parse_scheme
from domain.shipped_schemes import load_shipped_scheme
from projections.payout import Statement, calculate

Q1 = Period.parse("2026-Q1")
SHIPPED = "xinghe-county-hospital"
REF = {"rule": "T-1", "source": "002_db447562deed9801.txt:L1"}


def _with_staff(document: dict[str, Any]) -> dict[str, Any]:
    """Scheme 11 with its own words: an intern category, a fixed-wage category paid
    outside performance pay, and a sabbatical counted as study leave."""
    changed = copy.deepcopy(document)
    changed["version"] = 2
    changed["participation"]["ratios"]["intern"] = {"full": "0.5"}
    changed["staff"] = {
        "categories": {
            "regular": {},
            "intern": {"ref": REF},
            "fixed_wage": {"pay": "lump_sum", "ref": REF},
        },
        "leave": {"kinds": ["sick", "sabbatical"], "study": ["sabbatical"],
                  "zeroing": ["sick"], "ref": REF},
    }
    return changed


def _setup(scheme: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    return (
        scheme,
        {"type": "define_department", "department_id": "ward", "name": "Ward",
         "kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-01-01"},
        {"type": "declare_pool", "period": "2026-Q1", "amount_cny": "20000.00"},
        {"type": "record_department_figures", "period": "2026-Q1", "department_id": "ward",
         "workload_base": "1000", "workload_actual": "1000",
         "medical_revenue_cny": "100000.00", "full_cost_cny": "100000.00"},
        _hire("b"),
    )


SHIPPED_SCHEME = {"type": "adopt_scheme", "scheme": SHIPPED}


def _own_scheme() -> dict[str, Any]:
    return {"type": "adopt_scheme", "document": _with_staff(load_shipped_scheme(SHIPPED))}


def _hire(employee_id: str, **fields: Any) -> dict[str, Any]:
    return {"type": "hire_employee", "employee_id": employee_id, "name": employee_id.title(),
            "department_id": "ward", "title_grade": "intermediate", "hired_on": "2020-01-01",
            **fields}


def _leave(kind: str, first_day: str, last_day: str) -> dict[str, Any]:
    return {"type": "record_leave", "employee_id": "a", "kind": kind, "first_day": first_day,
            "last_day": last_day}


def _quarter(scheme: dict[str, Any], *rows: dict[str, Any]) -> Statement:
    ledger = memory_ledger()
    record(ledger, *_setup(scheme), *rows)
    return calculate(ledger.facts(), Q1)


def _refused(scheme: dict[str, Any], *rows: dict[str, Any]) -> list[tuple[str, str]]:
    ledger = memory_ledger()
    record(ledger, *_setup(scheme))
    with pytest.raises(RejectedError) as refused:
        record(ledger, *rows)
    return [(p.field, p.reason) for p in refused.value.problems]


def test_a_category_the_scheme_in_force_does_not_know_is_refused_naming_those_it_does() -> None:
    assert _refused(SHIPPED_SCHEME, _hire("a", category="intern")) == [
        ("category", "unknown category 'intern'; xinghe-county-hospital@2 knows contract, "
                     "lump_sum, regular, temporary")]


def test_a_leave_kind_the_scheme_in_force_does_not_know_is_refused() -> None:
    assert _refused(SHIPPED_SCHEME, _hire("a"), _leave("sabbatical", "2026-01-05",
                                                       "2026-01-09")) == [
        ("kind", "unknown leave kind 'sabbatical'; xinghe-county-hospital@2 knows sick, "
                 "maternity, personal, study, training")]


def test_a_scheme_of_its_own_words_refuses_scheme_11_s() -> None:
    problems = _refused(_own_scheme(), _hire("a", category="temporary"),
                        _leave("maternity", "2026-01-05", "2026-01-09"))
    assert [field for field, _ in problems] == ["category", "kind"]


def test_a_category_of_the_scheme_takes_part_at_its_ratio_under_its_rule() -> None:
    statement = _quarter(_own_scheme(), _hire("a", category="intern"))
    ratio = statement.book.figures["person:a:ratio"]
    assert (ratio.value, ratio.ref.rule if ratio.ref else None) == (Fraction(1, 2), "T-1")


def test_a_category_the_scheme_pays_a_fixed_wage_gets_no_performance_pay() -> None:
    statement = _quarter(_own_scheme(), _hire("a", category="fixed_wage"))
    line = next(p for p in statement.people if p.employee_id == "a")
    assert (line.status, line.pay_cny, line.reason) == (
        "excluded", Decimal(0), "lump-sum wage: no performance pay")


def test_a_leave_kind_the_scheme_counts_as_study_takes_the_study_leave_bands() -> None:
    statement = _quarter(_own_scheme(), _hire("a"),
                         _leave("sabbatical", "2026-01-01", "2026-03-31"))
    line = next(p for p in statement.people if p.employee_id == "a")
    assert line.reason.startswith("away for sabbatical 2026-01-01…2026-03-31: paid by the "
                                  "hospital at 60 % of same-level pay")


def test_an_adopted_document_without_staff_words_keeps_its_hash() -> None:
    shipped = parse_scheme(load_shipped_scheme(SHIPPED))
    assert '"staff":{"categories"' not in shipped.canonical_json()
    assert shipped.staff_rules.categories["temporary"].ref == shipped.participation.temporary_ref
    own = parse_scheme(_with_staff(load_shipped_scheme(SHIPPED)))
    assert '"staff":{"categories"' in own.canonical_json()


def test_a_scheme_whose_study_leave_kind_is_not_a_kind_is_refused() -> None:
    document = _with_staff(load_shipped_scheme(SHIPPED))
    document["staff"]["leave"]["study"] = ["study"]
    with pytest.raises(ValueError, match="leave kinds \\['study'\\] are not among kinds"):
        parse_scheme(document)
