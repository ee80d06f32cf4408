"""Payslips (工资条): one A5-like block per page, one page per person, all of a
department's people in one PDF. The last lines carry the verification code that
`jixiao verify-document` reads back (period, employee, total, a digest of the lines) and
the closed statement's hash; the same codes sit in the PDF's subject for tools."""

from __future__ import annotations

from decimal import Decimal

from api.documents.amounts import capitals, figures, grouped
from api.documents.model import Stamp
from api.documents.pdfbase import FAMILY, HEADINGS, Page
from domain.records import frozen_record

T = {
    "title": "绩效工资条",
    "name": "姓名",
    "employee": "工号",
    "department": "科室",
    "period": "期间",
    "item": "项目",
    "rule": "依据",
    "amount": "金额（元）",
    "gross": "应发金额",
    "withheld": "代扣个税",
    # The tax is a positive amount wherever it is shown (the lines below the table, the
    # statement's 代扣个税 column, the bank file); in the table, between 应发 and 实发,
    # its row says that it is taken off.
    "withheld_row": "减：代扣个税",
    "total": "实发金额",
    "capitals": "大写",
    "code": "核验码",
    "hash": "报表哈希 SHA-256",
    "draft_hash": "期间未结账，金额可能变动",
    "issued": "生成时间（北京时间）",
    "as_of": "账本截至",
}


@frozen_record
class PayLine:
    label: str
    rule: str
    amount: Decimal


@frozen_record
class Payslip:
    name: str
    employee_id: str
    department: str
    period_label: str  # 2026年第2季度
    lines: list[PayLine]
    total: Decimal  # the statement's total: 应发, before the tax payroll withholds
    code: str  # the verification code, one line of ASCII
    # The tax payroll reported withheld (None: none reported) and what is left to pay,
    # both as the bank file has them (api/usecases/payroll.py), never worked out here.
    withheld: Decimal | None = None
    net: Decimal | None = None

    @property
    def paid(self) -> Decimal:
        """实发: what the bank file pays; the gross when nothing is withheld."""
        return self.total if self.net is None else self.net


def write_payslips(title: str, stamp: Stamp, slips: list[Payslip], issued: str,
                   as_of: str = "") -> bytes:
    """`as_of`: the ledger moment the amounts were computed at (its last event), so a
    slip printed before a restatement says which state of the ledger it shows."""
    page = Page(title, stamp)
    page.set_subject(" ".join(slip.code for slip in slips))
    for slip in slips:
        page.add_page()
        _slip(page, slip, stamp, (issued, as_of))
    return page.done()


def _slip(page: Page, slip: Payslip, stamp: Stamp, made: tuple[str, str]) -> None:
    page.heading(f"{T['title']} · {slip.period_label}")
    for label, value in ((T["name"], slip.name), (T["employee"], slip.employee_id),
                         (T["department"], slip.department), (T["period"], slip.period_label)):
        page.cell(30, 7, label)
        page.text_line(0, 7, value)
    page.ln(3)
    page.set_font(FAMILY, size=9)
    with page.table(col_widths=(45, 105, 40), text_align=("LEFT", "LEFT", "RIGHT"),
                    line_height=6, headings_style=HEADINGS) as table:
        table.row([T["item"], T["rule"], T["amount"]])
        for line in slip.lines:
            table.row([line.label, line.rule, grouped(line.amount)])
        table.row([T["gross"], "", grouped(slip.total)])
        if slip.withheld is not None:
            table.row([T["withheld_row"], "", grouped(slip.withheld)])
        table.row([T["total"], "", grouped(slip.paid)])
    page.ln(4)
    page.set_font(FAMILY, size=12)
    page.text_line(0, 8, f"{T['gross']}：{figures(slip.total)}")
    if slip.withheld is not None:
        page.text_line(0, 8, f"{T['withheld']}：{figures(slip.withheld)}")
    page.text_line(0, 8, f"{T['total']}：{figures(slip.paid)}")
    page.text_line(0, 8, f"{T['capitals']}：{capitals(slip.paid)}")
    page.ln(6)
    page.set_font(FAMILY, size=8)
    page.text_line(0, 5, f"{T['code']}: {slip.code}")
    page.text_line(0, 5, f"{T['hash']}: {stamp.sha256}" if stamp.sha256 else T["draft_hash"])
    issued, as_of = made
    page.text_line(0, 5, f"{T['issued']}: {issued}")
    if as_of:
        page.text_line(0, 5, f"{T['as_of']}: {as_of}")
    page.set_font(FAMILY, size=10)
