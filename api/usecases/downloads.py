"""One export by name, for the shells that serve files (`GET /periods/{p}/exports/{what}`,
later the pages): the period's reports (api/usecases/exports.py), the payroll hand-off
and the bank file (api/usecases/payroll.py), each with the same role checks as the CLI
verbs that write them. Also the file names a person sees (Chinese, as the titles)."""

from __future__ import annotations

from api.usecases import exports, payroll
from api.usecases.exports import ExportFile, ExportRequest
from api.usecases.personal import Vault, require_personal_reader
from api.usecases.ports import Caller, Workspace
from domain.errors import InvalidRequestError
from domain.records import frozen_record
from projections.audit import AuditQuery

WHATS = (*exports.WHATS, "payroll", "bank")
TITLES = {**{what: exports.TEXT[what] for what in exports.WHATS},
          "payroll": "绩效工资应发明细", "bank": "银行代发文件"}
MESSAGES = {
    "what": "cannot export {what!r}; choose one of {whats}",
    "no_key": "the server has no master key file: it cannot write the bank file",
}


@frozen_record
class DownloadRequest:
    what: str
    period: str
    format: str = "xlsx"
    encoding: str = "utf-8-sig"
    layout: str = "cn-payroll-batch"  # bank only
    events: AuditQuery | None = None  # events only: the audit listing's filters


@frozen_record
class Download:
    file: ExportFile
    title: str  # the human file name, 绩效工资发放表-2026-Q1.xlsx

    @property
    def ascii_name(self) -> str:
        return self.file.filename


def download(ws: Workspace, caller: Caller, vault: Vault | None,
             request: DownloadRequest) -> Download:
    """The file `jixiao export WHAT` writes, as bytes with its media type and names."""
    what = request.what
    if what not in WHATS:
        raise InvalidRequestError(MESSAGES["what"].format(what=what, whats=", ".join(WHATS)))
    if what == "payroll":
        made = payroll.export_payroll(ws, caller, vault,
                                      payroll.PayrollRequest(request.period, request.format,
                                                             request.encoding))
        file = ExportFile(f"payroll-{made.period}.{request.format}",
                          _media(request.format, request.encoding), made.content)
    elif what == "bank":
        require_personal_reader(caller, "export the bank file with")
        if vault is None:
            raise InvalidRequestError(MESSAGES["no_key"])
        layout = payroll.load_layout(request.layout)
        bank = payroll.export_bank(ws, caller, vault, payroll.BankRequest(request.period, layout))
        file = ExportFile(f"bank-{bank.period}.csv", _media("csv", bank.encoding),
                          bank.content)
    else:
        made_file = exports.export(ws, caller, ExportRequest(
            what, request.period, request.format, request.encoding, request.events))
        file = ExportFile(made_file.filename, _media(request.format, request.encoding),
                          made_file.content)
    suffix = file.filename.rsplit(".", 1)[-1]
    return Download(file, f"{TITLES[what]}-{request.period}.{suffix}")


def _media(fmt: str, encoding: str) -> str:
    """The media type; a CSV's names its charset (a BOM is still UTF-8)."""
    if fmt not in exports.MEDIA:
        raise InvalidRequestError(f"unsupported format {fmt!r}; choose one of "
                                  f"{', '.join(exports.MEDIA)}")
    if fmt != "csv":
        return exports.MEDIA[fmt]
    return f"text/csv; charset={encoding.removesuffix('-sig')}"
