"""Figures, times and periods as people write them, in the current language (issue 12):
money as ¥12,345.60, times in the organisation's time zone (Asia/Shanghai unless the
ledger's settings say otherwise) with the offset where a time is precise, and periods as
2026年第3季度 / 2026 Q3. One module for the CLI, the pages and the documents."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Final
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import format_currency, format_decimal

from api.i18n import N_, gettext

DEFAULT_TIME_ZONE: Final = ZoneInfo("Asia/Shanghai")
MONEY_LOCALE: Final = "zh_CN"  # yuan are written the Chinese way in either language
FEN: Final = Decimal("0.01")
PERIOD: Final = re.compile(r"(?P<year>\d{4})-(?:Q(?P<quarter>[1-4])|(?P<ye>YE))")
QUARTER_NAME: Final = N_("{year} Q{quarter}")
YEAR_END_NAME: Final = N_("{year} year-end")


def fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


@cache
def _money_locale() -> Locale:
    # Parsed once: given the locale's name, babel parses it on every call, and that was
    # most of the time a payout table took to print (hundreds of amounts).
    return Locale.parse(MONEY_LOCALE)


def money(amount: Decimal | str) -> str:
    """¥12,345.60; -¥120.00 for a recovery."""
    value = fen(Decimal(amount))
    shape = _money_shape()
    if shape is None or not value.is_finite():
        return str(format_currency(value, "CNY", locale=_money_locale()))
    before, after = shape[2:] if value.is_signed() else shape[:2]
    return f"{before}{abs(value):,.2f}{after}"


PLAIN_SAMPLE: Final = "1,234,567.89"


@cache
def _money_shape() -> tuple[str, str, str, str] | None:
    """What babel writes around an amount's digits, positive then negative, when it
    groups them as Python's `,.2f` does; None if it does not (then babel writes each).
    Babel took a millisecond per amount: most of a 1,000-person payout's printing."""
    def written(sample: str) -> tuple[str, str] | None:
        text = str(format_currency(Decimal(sample), "CNY", locale=_money_locale()))
        before, found, after = text.partition(PLAIN_SAMPLE)
        return (before, after) if found and PLAIN_SAMPLE not in after else None

    positive, negative = written("1234567.89"), written("-1234567.89")
    return None if positive is None or negative is None else (*positive, *negative)


def grouped(amount: Decimal | str) -> str:
    """12,345.60: a money cell in a table whose header names the currency."""
    return str(format_decimal(fen(Decimal(amount)), format="#,##0.00", locale=_money_locale()))


def local_time(moment: datetime, zone: ZoneInfo = DEFAULT_TIME_ZONE) -> str:
    """2026-04-03 14:05:09 +08:00: a recorded instant, in the organisation's zone."""
    shown = moment.astimezone(zone)
    offset = shown.strftime("%z")
    return f"{shown:%Y-%m-%d %H:%M:%S} {offset[:3]}:{offset[3:]}"


def local_date(day: date | datetime, zone: ZoneInfo = DEFAULT_TIME_ZONE) -> str:
    """2026-04-03; an instant is first moved into the organisation's zone."""
    if isinstance(day, datetime):
        day = day.astimezone(zone).date()
    return day.isoformat()


def period_name(period: str) -> str:
    """2026-Q3 → 2026年第3季度 (2026 Q3 in English); 2026-YE → 2026年年终; anything
    else is shown as given."""
    match = PERIOD.fullmatch(period)
    if match is None:
        return period
    if match["ye"]:
        return gettext(YEAR_END_NAME).format(year=match["year"])
    return gettext(QUARTER_NAME).format(year=match["year"], quarter=match["quarter"])
