"""The body of an export asked for as JSON (`Accept: application/json`): the file itself,
base64-encoded, with its names. Without that header the route sends the file's bytes."""

from __future__ import annotations

from api.http.schemas.base import Closed


class DownloadedFile(Closed):
    filename: str  # ASCII: statement-2026-Q1.xlsx
    title: str  # what a person reads: 绩效工资发放表-2026-Q1.xlsx
    media_type: str
    content_base64: str
