"""Figures, times and periods as people write them, in the current language (issue 12):
money as ¥12,345.60, times in the organisation's time zone (Asia/Shanghai unless the
ledger's settings say otherwise) with the offset where a time is precise, and periods as
2026年第3季度 / 2026 Q3. One module for the CLI, the pages and the documents."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

from api.i18n import N_, gettext

if TYPE_CHECKING:
    from babel import Locale

DEFAULT_TIME_ZONE: Final = ZoneInfo("Asia/Shanghai")
MONEY_LOCALE: Final = "zh_CN"  # yuan are written the Chinese way in either language
FEN: Final = Decimal("0.01")
PERIOD: Final = re.compile(r"(?P<year>\d{4})-(?:Q(?P<quarter>[1-4])|(?P<ye>YE))")
QUARTER_NAME: Final = N_("{year} Q{quarter}")
YEAR_END_NAME: Final = N_("{year} year-end")


def fen(amount: Decimal) -> Decimal:
    shown = amount.quantize(FEN, rounding=ROUND_HALF_UP)
    # -1/1000 yuan rounds to Decimal("-0.00"), written -¥0.00: a sign on nothing reads as
    # a recovery (the pages' points do the same, api/web/templating.py).
    return shown.copy_abs() if shown.is_zero() else shown


@cache
def _money_locale() -> Locale:
    # Parsed once: given the locale's name, babel parses it on every call, and that was
    # most of the time a payout table took to print (hundreds of amounts).
    from babel import Locale  # noqa: PLC0415 - see MONEY_SHAPE

    return Locale.parse(MONEY_LOCALE)


# What babel writes around an amount's digits in MONEY_LOCALE, positive then negative,
# grouping them as Python's `,.2f` does. Asking babel each process (loading its locale
# and currency data) and importing it were ≈15 ms of every `jixiao payout` and what-if;
# tests/api/test_render_text.py checks that babel writes every amount this way.
MONEY_SHAPE: Final = ("¥", "", "-¥", "")


def money(amount: Decimal | str) -> str:
    """¥12,345.60; -¥120.00 for a recovery."""
    value = fen(Decimal(amount))
    if not value.is_finite():
        from babel.numbers import format_currency  # noqa: PLC0415 - see MONEY_SHAPE

        return str(format_currency(value, "CNY", locale=_money_locale()))
    before, after = MONEY_SHAPE[2:] if value.is_signed() else MONEY_SHAPE[:2]
    return f"{before}{abs(value):,.2f}{after}"


def grouped(amount: Decimal | str) -> str:
    """12,345.60: a money cell in a table whose header names the currency."""
    from babel.numbers import format_decimal  # noqa: PLC0415 - documents only

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
