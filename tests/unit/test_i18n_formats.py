"""Figures, times and periods as people write them (api/i18n/formats.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from api.i18n import use_language
from api.i18n.formats import grouped, local_date, local_time, money, period_name


@pytest.mark.parametrize(("amount", "shown"), [
    (Decimal("12345.6"), "¥12,345.60"),
    ("0", "¥0.00"),
    ("-120", "-¥120.00"),
    ("1234567.005", "¥1,234,567.01"),  # half-up at the fen
    ("-0.004", "¥0.00"),  # a sign on nothing would read as a recovery
    ("-0.00", "¥0.00"),
])
def test_money_is_written_in_yuan_with_grouping(amount: Decimal | str, shown: str) -> None:
    assert money(amount) == shown
    with use_language("en"):
        assert money(amount) == shown  # yuan read the same in either language


def test_a_money_cell_is_grouped_without_the_sign() -> None:
    assert grouped("9876543.2") == "9,876,543.20"
    assert grouped("-0.004") == grouped("-0.00") == "0.00"


def test_times_are_shown_in_the_organisations_zone_with_the_offset() -> None:
    moment = datetime(2026, 3, 31, 17, 30, tzinfo=UTC)
    assert local_time(moment) == "2026-04-01 01:30:00 +08:00"
    assert local_time(moment, ZoneInfo("Europe/Berlin")) == "2026-03-31 19:30:00 +02:00"
    assert local_date(moment) == "2026-04-01"  # already the next day in Shanghai
    assert local_date(date(2026, 3, 31)) == "2026-03-31"


@pytest.mark.parametrize(("period", "chinese", "english"), [
    ("2026-Q3", "2026年第3季度", "2026 Q3"),
    ("2027-Q1", "2027年第1季度", "2027 Q1"),
    ("2026-YE", "2026年年终", "2026 year-end"),
    ("2026-03", "2026-03", "2026-03"),
])
def test_periods_are_named_as_people_write_them(period: str, chinese: str,
                                                english: str) -> None:
    assert period_name(period) == chinese
    with use_language("en"):
        assert period_name(period) == english
