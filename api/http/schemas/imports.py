"""What a spreadsheet import answers."""

from __future__ import annotations

from pydantic import Field

from api.http.schemas.base import Closed


class Refused(Closed):
    where: str = Field(description="sheet and row, e.g. 'row 5' or 'Sheet1 row 5'")
    field: str = Field(description="the column as the file names it ('' for the row)")
    reason: str


class Imported(Closed):
    """An import's outcome: how the file was read, what was recorded, what was normalised
    (warnings) and, with skip_bad, the rows refused."""

    format: str = Field(description="csv or xlsx")
    encoding: str | None = Field(description="the CSV encoding used (null for XLSX)")
    sheet: str | None = Field(description="the sheet read (null for CSV)")
    rows: int = Field(description="data rows read")
    recorded: int
    already_recorded: int = Field(description="rows recorded by an earlier import")
    unchanged: int = Field(0, description="personal details already recorded as given "
                           "(nothing written for them)")
    warnings: list[str]
    warning_count: int
    notes: list[str]
    rejected: list[Refused]
