"""The documents a page hands out as one download: a period's payslips (one department's
file, or every department's in a ZIP) and decision letters (one appeal's PDF, or every
letter the caller may read in a ZIP). The documents are `jixiao payslips` and
`jixiao export letters` (api/usecases/documents.py, letters.py) with their role rules;
this only bundles them and names the download in Chinese."""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

from api.usecases.downloads import Download
from api.usecases.exports import ExportFile
from api.usecases.ports import Caller, Workspace, parse_period
from domain.errors import NotFoundError
from domain.records import frozen_record

if TYPE_CHECKING:  # fpdf2 is imported only when payslips are written
    from api.usecases.documents import PayslipDrafts

ZIP = "application/zip"
TITLES = {"payslips": "工资条", "letters": "复核决定书"}
MESSAGES = {
    "department": "{period} has no payslips of the department {department}",
    "letters": "no decision letter to download: no appeal is decided yet",
}


@frozen_record
class PayslipOrder:
    """The payslips asked for, laid out on the ledger's thread (`payslip_order`); written
    by `payslip_download` on any thread, so a hospital's PDFs (~20 s) hold no ledger."""

    drafts: PayslipDrafts
    period: str
    department_id: str | None
    names: dict[str, str]  # department id → name, for the files' names


def payslip_order(ws: Workspace, caller: Caller, period: str, fmt: str,
                  department_id: str | None) -> PayslipOrder:
    from api.usecases import documents  # noqa: PLC0415 - fpdf2: only when writing payslips

    drafts = documents.payslip_drafts(ws, caller, period, fmt, department_id)
    names = {d["department_id"]: d["name"]
             for d in ws.statement_json(parse_period(period))["departments"]}
    return PayslipOrder(drafts, period, department_id, names)


def payslip_download(order: PayslipOrder) -> Download:
    """One department's payslips (the order's department), or every department's in a
    ZIP, each file named 工资条-2026-Q1-内科.pdf."""
    period, fmt = order.period, order.drafts.fmt
    made = order.drafts.written()
    title = f"{TITLES['payslips']}-{period}"

    def named(file: ExportFile) -> str:
        department = file.filename.removeprefix(f"payslips-{period}-").rsplit(".", 1)[0]
        shown = order.names.get(department, department).replace("/", "-")
        return f"{title}-{shown}.{fmt}"

    if order.department_id is None:
        bundle = _zipped(f"payslips-{period}.zip", [(named(f), f) for f in made.files])
        return Download(bundle, f"{title}.zip")
    if not made.files:
        raise NotFoundError(MESSAGES["department"].format(period=period,
                                                          department=order.department_id))
    return Download(made.files[0], named(made.files[0]))


def letter_download(ws: Workspace, caller: Caller, appeal_id: str | None) -> Download:
    """One appeal's decision letter (`appeal_id`), or every one the caller may read in a
    ZIP; an appeal the caller may not see is refused as `jixiao export letters` does."""
    from api.usecases import letters  # noqa: PLC0415 - fpdf2: only when writing letters

    files = letters.decision_letters(ws, caller, appeal_id)
    if not files:
        raise NotFoundError(MESSAGES["letters"])
    if appeal_id is not None:
        return Download(files[0], f"{TITLES['letters']}-{appeal_id}.pdf")
    members = [(f"{TITLES['letters']}-{f.filename.removeprefix('decision-')}", f)
               for f in files]
    return Download(_zipped("decision-letters.zip", members), f"{TITLES['letters']}.zip")


def _zipped(name: str, files: list[tuple[str, ExportFile]]) -> ExportFile:
    """Each file under its given name (UTF-8 names, flagged so, as zipfile writes them)."""
    buffer = io.BytesIO()
    # PDFs and workbooks are compressed already: stored, the ZIP is made at once.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as bundle:
        for member, file in files:
            bundle.writestr(member, file.content)
    return ExportFile(name, ZIP, buffer.getvalue())
