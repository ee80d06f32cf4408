"""Payslips (工资条) as a workbook, the form finance offices print and cut: one sheet per
department, one block per person (the heading, each pay line with its rule, 扣回 among
them when present, 应发, 减：代扣个税 (the tax, a positive amount) when payroll reported
it, and 实发 in figures and in capitals, the verification code), a blank row between
blocks. Amounts are plain numbers
formatted #,##0.00; the stamp (the closed statement's hash, or 草稿) heads the sheet and
its printed pages."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from api.documents.amounts import capitals, fen
from api.documents.model import Stamp
from api.documents.payslip import Payslip, T
from api.documents.xlsx import put_money

BOLD = Font(bold=True)
DRAFT_FONT = Font(bold=True, color="C00000", size=14)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTHS = {"A": 22, "B": 52, "C": 16}


def write_payslips_xlsx(title: str, stamp: Stamp, slips: list[Payslip], issued: str,
                        as_of: str = "") -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None  # a new Workbook always has one sheet
    ws.title = T["title"]
    ws.cell(1, 1, title).font = BOLD
    ws.cell(2, 1, stamp.text).font = DRAFT_FONT if stamp.draft else BOLD
    ws.cell(3, 1, f"{T['issued']}: {issued}")
    header, footer = ws.oddHeader, ws.oddFooter
    if header is not None and footer is not None:  # always set on a new sheet
        header.center.text = f"{title}  {stamp.text}"
        footer.center.text = "&P / &N"
    for letter, width in WIDTHS.items():
        ws.column_dimensions[letter].width = width
    row = 5
    for slip in slips:
        row = _block(ws, row, slip, as_of) + 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _block(ws: Worksheet, row: int, slip: Payslip, as_of: str) -> int:
    """One person's slip from `row`; the row after it. Each block says as of which
    ledger moment it was computed: a slip is cut off the sheet and handed on alone."""
    ws.cell(row, 1, f"{T['title']} · {slip.period_label}").font = BOLD
    ws.cell(row, 2, f"{T['name']} {slip.name}　{T['employee']} {slip.employee_id}　"
                    f"{T['department']} {slip.department}")
    row += 1
    for col, text in enumerate((T["item"], T["rule"], T["amount"]), start=1):
        cell = ws.cell(row, col, text)
        cell.font, cell.border = BOLD, BOX
    withheld = [] if slip.withheld is None else [(T["withheld_row"], "", slip.withheld)]
    sums = [(T["gross"], "", slip.total), *withheld,
            (T["total"], capitals(slip.paid), slip.paid)]
    for label, rule, amount in [*((x.label, x.rule, x.amount) for x in slip.lines), *sums]:
        row += 1
        ws.cell(row, 1, label)
        ws.cell(row, 2, rule)
        put_money(ws, row, 3, fen(amount))
        for col in (1, 2, 3):
            boxed = ws.cell(row, col)
            boxed.border = BOX
            boxed.alignment = Alignment(wrap_text=col == 2, vertical="top")
            if label == T["total"]:
                boxed.font = BOLD
    row += 1
    ws.cell(row, 1, f"{T['code']}: {slip.code}").font = Font(size=8)
    if as_of:
        row += 1
        ws.cell(row, 1, f"{T['as_of']}: {as_of}").font = Font(size=8)
    return row + 1
