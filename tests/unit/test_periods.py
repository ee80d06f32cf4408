"""Periods on the wire (2026-Q1, 2026-03, 2026, 2026-YE) and their calendar."""

from __future__ import annotations

from datetime import date

import pytest

from domain.periods import Period

FORMATS = ("2026-Q1", "2026-03", "2026", "2026-YE")


@pytest.mark.parametrize(
    ("text", "kind", "index", "canonical"),
    [("2026-Q1", "quarter", 1, "2026-Q1"), ("2026-q3", "quarter", 3, "2026-Q3"),
     ("2026-03", "month", 3, "2026-03"), ("2026", "year", 0, "2026"),
     ("2026-YE", "year_end", 0, "2026-YE"), ("2026-ye", "year_end", 0, "2026-YE")],
)
def test_a_period_is_read_from_its_canonical_text_in_any_case(text, kind, index, canonical) -> None:
    period = Period.parse(text)
    assert (period.year, period.kind, period.index) == (2026, kind, index)
    assert str(period) == canonical
    assert Period.parse(str(period)) == period


@pytest.mark.parametrize("text", ["2026Q1", "2026-Q5", "2026-Q0", "2026-13", "2026-3", "26-Q1",
                                  "2026-H1", "",
                                  # Issue 14: no surrounding whitespace, ASCII digits only
                                  # ("2026-Q1\n" must not name, nor close, 2026-Q1).
                                  " 2026-Q4 ", "2026-Q1\n", "２０２６-Q1", "٢٠٢٦-Q1"])
def test_a_malformed_period_is_refused_naming_the_accepted_formats(text) -> None:
    with pytest.raises(ValueError, match="not a period") as refused:
        Period.parse(text)
    for example in FORMATS:
        assert example in str(refused.value)


@pytest.mark.parametrize("text", ["1999-Q1", "2100-Q1", "1999", "1999-YE"])
def test_a_year_outside_2000_to_2099_is_refused(text) -> None:
    with pytest.raises(ValueError, match="outside 2000-2099"):
        Period.parse(text)


def test_a_period_in_an_unsupported_year_is_refused_naming_the_accepted_formats() -> None:
    with pytest.raises(ValueError, match="1999") as refused:
        Period.parse("1999-Q1")
    for example in FORMATS:
        assert example in str(refused.value)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
     ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
     ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
     ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
     ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
     ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
     ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
     ("2026", date(2026, 1, 1), date(2026, 12, 31)),
     ("2026-YE", date(2026, 1, 1), date(2026, 12, 31))],
)
def test_a_period_runs_from_its_first_to_its_last_calendar_day(text, first, last) -> None:
    period = Period.parse(text)
    assert (period.first_day, period.last_day) == (first, last)


@pytest.mark.parametrize(
    ("text", "following"),
    [("2026-Q1", "2026-Q2"), ("2026-Q4", "2027-Q1"), ("2026-11", "2026-12"),
     ("2026-12", "2027-01"), ("2026", "2027"), ("2026-YE", "2027-YE")],
)
def test_the_next_period_is_of_the_same_kind_and_crosses_the_year(text, following) -> None:
    assert str(Period.parse(text).next()) == following


@pytest.mark.parametrize(
    ("text", "earlier"),
    [("2026-Q1", ()), ("2026-Q2", ("2026-Q1",)), ("2026-Q4", ("2026-Q1", "2026-Q2", "2026-Q3")),
     ("2026-03", ()), ("2026", ()), ("2026-YE", ())],
)
def test_previous_in_year_lists_the_earlier_quarters_of_the_same_year_oldest_first(
    text, earlier
) -> None:
    assert tuple(str(p) for p in Period.parse(text).previous_in_year()) == earlier


def test_quarters_of_year_are_the_four_quarters_in_order() -> None:
    assert [str(p) for p in Period.parse("2026-YE").quarters_of_year()] == [
        "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]


def test_periods_order_by_year_first() -> None:
    assert Period.parse("2026-Q4") < Period.parse("2027-Q1")
    assert Period.parse("2026-Q1") < Period.parse("2026-Q2")
