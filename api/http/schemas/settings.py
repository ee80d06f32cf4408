"""The ledger's settings as the API shows them."""

from __future__ import annotations

from pydantic import Field

from api.http.schemas.base import Closed


class LedgerSettings(Closed):
    """设置 / The ledger's settings in force (`jixiao settings`)."""

    organisation: str | None
    time_zone: str = Field(description="where a time typed without a zone is read")
    close_approval: bool = Field(description="a second person approves each close")
    dates_from: str = Field(description="the first business date new commands may carry")
    dates_to: str = Field(description="the last business date new commands may carry")
    report_figures: bool = Field(
        description="reports carry their figures maps unless asked not to (issue 15); "
        "off for ledgers whose settings predate the setting")
