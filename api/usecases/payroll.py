"""The payroll hand-off and the bank file.

`export_payroll` hands payroll the gross amount per person and pay line (payroll computes
the income tax). `export_bank` pays net amounts only: each person's gross less the tax
payroll reported (`record_withholding`); it refuses when payroll pays this money itself
(`declare_payment_channel`), when anyone paid has no withholding (never gross silently) or
no bank account. A person whose net is below zero is listed for recovery, not paid.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.documents.csvfile import ENCODINGS
from api.documents.model import Stamp
from api.usecases.access import require_everything_for
from api.usecases.department_names import department_names
from api.usecases.exports import stamp_for
from api.usecases.personal import Vault, details_of, may_read_whole, require_personal_reader
from api.usecases.ports import Caller, Workspace, parse_period
from domain.errors import InvalidRequestError, NotFoundError, Problem, RejectedError
from domain.periods import Period
from domain.personal import PayrollFacts
from domain.records import frozen_record
from projections.payroll import Payments, payments, payroll_lines, unpaid_people

# 科室 is the name a clerk reads; 科室编号 the id payroll's import can match on.
PAYROLL_HEADERS = ("工号", "姓名", "科室", "科室编号", "身份证号", "期间", "项目", "应发金额")
PAYROLL_WIDTHS = (12, 14, 16, 14, 22, 10, 20, 14)
MESSAGES = {
    # English message ids, said in the reader's language by api/i18n/messages.py: a
    # clerk's words, no command names (the CLI, the API and the page show the same).
    "channel": "payroll pays the performance pay of {period}: there is no bank file",
    "no_tax": "payroll has not reported the tax withheld, and gross pay is never paid: "
              "import payroll's withholding sheet first",
    "no_account": "no bank account is on record; record the person's bank details first",
    "encoding": "the name cannot be written in {encoding}: choose the encoding gb18030 in "
                "the layout",
    "encoding_option": "the name cannot be written in {encoding}: use --encoding gb18030",
    "encodings": "the encoding is one of {encodings}",
    "layout": "bad bank layout: {reason}",
    "no_layout": "no bank layout {name!r}: give a layout file or a shipped layout "
                 "({shipped})",
    "format": "the format is xlsx or csv",
    "open": "{period} is not closed yet: a bank file pays a closed statement only; close "
            "the period first",
    "draft": "草稿",
}
Encoding = Literal["utf-8", "utf-8-sig", "gbk", "gb18030"]
Field_ = Literal["seq", "account", "name", "amount", "remark", "bank_name", "employee_id",
                 "department", "department_id", "id_number"]


# ------------------------------------------------------------------ the bank layout


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LayoutColumn(_Strict):
    title: str = Field(min_length=1, max_length=50)
    field: Field_


class TotalRow(_Strict):
    label: str = Field(default="合计", min_length=1, max_length=20)


class BankLayout(_Strict):
    """A bank's batch file: which columns, in what encoding, with or without a header and
    a total row."""

    name: str = Field(min_length=1, max_length=100)
    encoding: Encoding = "gbk"
    delimiter: Literal[",", "\t", "|"] = ","
    header: bool = True
    columns: tuple[LayoutColumn, ...] = Field(min_length=1, max_length=20)
    total_row: TotalRow | None = None


def shipped_layouts() -> list[str]:
    folder = resources.files("api") / "layouts"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir()
                  if p.name.endswith(".yaml"))


def load_layout(name_or_path: str) -> BankLayout:
    """A layout from a YAML file, or one shipped with jixiao by name (cn-payroll-batch)."""
    if name_or_path in shipped_layouts():
        text = (resources.files("api") / "layouts" / f"{name_or_path}.yaml").read_text(
            encoding="utf-8")
    else:
        try:
            text = Path(name_or_path).read_text(encoding="utf-8")
        except (FileNotFoundError, IsADirectoryError):
            raise NotFoundError(MESSAGES["no_layout"].format(
                name=name_or_path, shipped=", ".join(shipped_layouts()))) from None
    try:
        return BankLayout.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as error:
        details = error.errors(include_url=False) if isinstance(error, ValidationError) else [
            {"loc": ("yaml",), "msg": str(error).splitlines()[0]}]
        raise RejectedError([Problem(name_or_path, ".".join(map(str, d["loc"])),
                                     MESSAGES["layout"].format(reason=d["msg"]))
                             for d in details]) from None


# ------------------------------------------------------------------ payroll (gross)


@frozen_record
class PayrollExport:
    period: str
    rows: int
    gross_total_cny: Decimal
    content: bytes  # the file's bytes: the shell writes or sends them


@frozen_record
class PayrollRequest:
    period: str
    fmt: str  # xlsx or csv
    encoding: str = "utf-8-sig"  # csv only


def export_payroll(ws: Workspace, caller: Caller, vault: Vault | None,
                   request: PayrollRequest) -> PayrollExport:
    """Gross amounts per person and line, for payroll to withhold tax on. ID numbers are
    whole for finance and administrators, masked for the other roles that read everything."""
    require_everything_for(caller, "the payroll hand-off")
    fmt = request.fmt
    if fmt not in ("xlsx", "csv"):
        raise InvalidRequestError(MESSAGES["format"])
    if request.encoding not in ENCODINGS:
        raise InvalidRequestError(MESSAGES["encodings"].format(encodings=", ".join(ENCODINGS)))
    period = parse_period(request.period)
    statement = ws.statement_json(period)
    lines = payroll_lines(statement)
    views = details_of(ws.facts().live.values(), vault, {line.employee_id for line in lines},
                       masked=not may_read_whole(caller))
    names = department_names(ws, caller, str(period), (line.department_id for line in lines))
    rows = [[line.employee_id, line.name, names[line.department_id], line.department_id,
             views[line.employee_id].id_number or "", str(period), line.title, line.gross_cny]
            for line in lines]
    total = sum((line.gross_cny for line in lines), Decimal("0.00"))
    # The closed statement's hash or 草稿, as every export says it, so a file handed on
    # says what it was made from: the CSV's last line, the workbook's subject.
    stamp = stamp_for(ws.facts(), period)
    if fmt == "xlsx":
        content = _payroll_xlsx(rows, total, str(period), stamp)
    else:
        content = _csv_bytes(request.encoding, ",",
                             [list(PAYROLL_HEADERS), *rows, _total_row(total),
                              [stamp.text]], message="encoding_option")
    return PayrollExport(str(period), len(rows), total, content)


def _payroll_xlsx(rows: list[list[Any]], total: Decimal, period: str, stamp: Stamp) -> bytes:
    """The sheet of an open period is titled 草稿 (draft); the workbook's properties carry
    the stamp (a closed statement's hash), out of the way of payroll's import, in
    Chinese as the file's every other word. Amounts are number cells formatted to the
    fen whose stored value is the ledger's decimal, digit for digit (`put_money`)."""
    # openpyxl takes longer to import than a CLI verb should; only this sheet needs it.
    from openpyxl import Workbook  # noqa: PLC0415 - see above
    from openpyxl.styles import Font  # noqa: PLC0415 - see above
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 - see above

    from api.documents.xlsx import put_money  # noqa: PLC0415 - see above

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = f"应发 {period}" + (f" {MESSAGES['draft']}" if stamp.draft else "")
    book.properties.title = f"绩效工资应发明细 {period}"
    book.properties.subject = stamp.text
    sheet.append(list(PAYROLL_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in [*rows, _total_row(total)]:
        sheet.append(row[:-1])
        put_money(sheet, sheet.max_row, len(PAYROLL_HEADERS), row[-1])
    sheet.freeze_panes = "A2"
    for number, width in enumerate(PAYROLL_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _total_row(total: Decimal) -> list[Any]:
    return ["合计", *[""] * (len(PAYROLL_HEADERS) - 2), total]


# ------------------------------------------------------------------ the bank file (net)


@frozen_record
class BankExport:
    period: str
    layout: str
    encoding: str
    payments: Payments
    content: bytes


@frozen_record
class BankRequest:
    period: str
    layout: BankLayout


def export_bank(ws: Workspace, caller: Caller, vault: Vault,
                request: BankRequest) -> BankExport:
    """Net payments in the bank's layout; refuses rather than pay gross or guess."""
    require_personal_reader(caller, "export the bank file with")
    period, layout = parse_period(request.period), request.layout
    facts = ws.facts()
    if facts.close_of(str(period)) is None:
        raise InvalidRequestError(MESSAGES["open"].format(period=period))
    folded = PayrollFacts.fold(facts.live.values())
    if folded.channel_for(period) == "payroll":
        raise InvalidRequestError(MESSAGES["channel"].format(period=period))
    statement = ws.statement_json(period)
    withheld = folded.withheld_in(period)
    missing = unpaid_people(statement, withheld)
    if missing:
        raise RejectedError([Problem(e, "tax_withheld_cny", MESSAGES["no_tax"])
                             for e in missing])
    result = payments(statement, withheld)
    views = details_of(facts.live.values(), vault, [p.employee_id for p in result.paid],
                       masked=False)
    no_account = [p.employee_id for p in result.paid if not views[p.employee_id].bank_account]
    if no_account:
        raise RejectedError([Problem(e, "bank_account", MESSAGES["no_account"])
                             for e in no_account])
    names = department_names(ws, caller, str(period), (p.department_id for p in result.paid))
    rows = _bank_rows(layout, result, views, period, names)
    content = _csv_bytes(layout.encoding, layout.delimiter, rows)
    return BankExport(str(period), layout.name, layout.encoding, result, content)


def _bank_rows(layout: BankLayout, result: Payments, views: dict[str, Any],
               period: Period, departments: dict[str, str]) -> list[list[Any]]:
    rows: list[list[Any]] = [[c.title for c in layout.columns]] if layout.header else []
    for seq, payment in enumerate(result.paid, start=1):
        view = views[payment.employee_id]
        remark = f"绩效工资 {period}"
        if payment.recovered_cny:
            remark += f" 已扣回 {payment.recovered_cny:.2f}"
        values = {"seq": seq, "account": view.bank_account, "name": payment.name,
                  "amount": f"{payment.net_cny:.2f}", "remark": remark,
                  "bank_name": view.bank_name or "", "employee_id": payment.employee_id,
                  "department": departments[payment.department_id],
                  "department_id": payment.department_id, "id_number": view.id_number or ""}
        rows.append([values[c.field] for c in layout.columns])
    if layout.total_row is not None:
        total = f"{result.paid_total_cny:.2f}"
        rows.append([total if c.field == "amount" else layout.total_row.label if index == 0
                     else "" for index, c in enumerate(layout.columns)])
    return rows


def _csv_bytes(encoding: str, delimiter: str, rows: list[list[Any]], *,
               message: str = "encoding") -> bytes:
    """All rows, or none: a name the encoding cannot hold is refused by its row."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    problems = []
    for number, row in enumerate(rows, start=1):
        for cell in row:
            try:
                str(cell).encode(encoding)
            except UnicodeEncodeError:
                problems.append(Problem(f"row {number}", "name",
                                        MESSAGES[message].format(encoding=encoding)))
    if problems:
        raise RejectedError(problems)
    return buffer.getvalue().encode(encoding)
