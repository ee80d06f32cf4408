"""The documents a page hands out as one download: a period's payslips (one department's
file, or every department's in a ZIP) and decision letters (one appeal's PDF, or every
letter the caller may read in a ZIP). The documents are `jixiao payslips` and
`jixiao export letters` (api/usecases/documents.py, letters.py) with their role rules;
this only bundles them and names the download in Chinese."""

from __future__ import annotations

import io
import zipfile

from api.usecases.downloads import Download
from api.usecases.exports import ExportFile
from api.usecases.ports import Caller, Workspace
from domain.errors import NotFoundError

ZIP = "application/zip"
TITLES = {"payslips": "工资条", "letters": "复核决定书"}
MESSAGES = {
    "department": "{period} 没有科室 {department} 的工资条 (no payslips of that department "
                  "in that period)",
    "letters": "没有可下载的复核决定书：尚无已作出决定的复核申请 (no decided appeal to write "
               "a letter for)",
}


def payslip_download(ws: Workspace, caller: Caller, period: str, fmt: str,
                     department_id: str | None) -> Download:
    """One department's payslips (`department_id`), or every department's in a ZIP."""
    from api.usecases import documents  # noqa: PLC0415 - fpdf2: only when writing payslips

    made = documents.payslips(ws, caller, period, fmt, department_id)
    title = f"{TITLES['payslips']}-{period}"
    if department_id is None:
        return Download(_zipped(f"payslips-{period}.zip", made.files), f"{title}.zip")
    wanted = f"payslips-{period}-{department_id}.{fmt}"
    found = next((f for f in made.files if f.filename == wanted), None)
    if found is None:
        raise NotFoundError(MESSAGES["department"].format(period=period,
                                                          department=department_id))
    return Download(found, f"{title}-{department_id}.{fmt}")


def letter_download(ws: Workspace, caller: Caller, appeal_id: str | None) -> Download:
    """One appeal's decision letter (`appeal_id`), or every one the caller may read in a
    ZIP; an appeal the caller may not see is refused as `jixiao export letters` does."""
    from api.usecases import letters  # noqa: PLC0415 - fpdf2: only when writing letters

    files = letters.decision_letters(ws, caller, appeal_id)
    if not files:
        raise NotFoundError(MESSAGES["letters"])
    if appeal_id is not None:
        return Download(files[0], f"{TITLES['letters']}-{appeal_id}.pdf")
    return Download(_zipped("decision-letters.zip", files), f"{TITLES['letters']}.zip")


def _zipped(name: str, files: list[ExportFile]) -> ExportFile:
    buffer = io.BytesIO()
    # PDFs and workbooks are compressed already: stored, the ZIP is made at once.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as bundle:
        for file in files:
            bundle.writestr(file.filename, file.content)
    return ExportFile(name, ZIP, buffer.getvalue())
