"""Bodies of the payroll routes: a person's personal details, and an exported file."""

from __future__ import annotations

from typing import Literal

from api.http.schemas.base import Closed, Money


class PersonalDetails(Closed):
    """Whole for finance and administrators; masked (6222 **** **** 1234) for others."""

    employee_id: str
    state: Literal["recorded", "forgotten", "none", "unreadable"]
    masked: bool
    bank_name: str | None
    bank_account: str | None
    id_number: str | None


class Recovery(Closed):
    employee_id: str
    owed: Money


class ExportedFile(Closed):
    """A file, base64-encoded, with what it adds up to."""

    filename: str
    media_type: str
    encoding: str | None
    content_base64: str
    rows: int
    gross_total: Money
    withheld_total: Money | None
    paid_total: Money | None
    recoveries: list[Recovery]
