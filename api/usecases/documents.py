"""Documents for people: payslips (工资条), one PDF per department and one page per
person, and their verification against the ledger (`jixiao verify-document`); decision
letters live in api/usecases/letters.py."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import field, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from api.documents.amounts import capitals, figures
from api.documents.model import Stamp
from api.documents.payslip import PayLine, Payslip, write_payslips
from api.documents.payslip import T as PAYSLIP_TEXT
from api.documents.payslip_xlsx import write_payslips_xlsx
from api.documents.reading import page_texts
from api.usecases.access import require_everything_for
from api.usecases.exports import MEDIA, ExportFile, local_time, stamp_for
from api.usecases.ports import Caller, Workspace, parse_period
from domain.errors import InvalidRequestError
from domain.facts import Facts
from domain.periods import Period
from domain.personal import PayrollFacts
from domain.records import frozen_record
from projections.pay_lines import PAY_LINES, restatement_line
from projections.payout import Statement
from projections.payroll import payment_of
from projections.restatement import statement_for

CODE_VERSION = "JX1"
CODE = re.compile(r"JX1\|(?P<period>[^|\s]+)\|(?P<employee>[^|\s]+)\|(?P<total>-?[0-9.]+)\|"
                  r"(?P<digest>[0-9a-f]{16})\|(?P<sha>[0-9a-f]{64}|DRAFT)")
# Each pay line's name and the rule it follows come from projections/pay_lines.py, the
# one source the payroll file and the exports read too; the keys the verification
# code's digest covers, in the order they are shown.
LINE_IDS = (*(line.line_id for line in PAY_LINES), "restatement")
WRITERS = {"pdf": (write_payslips, "application/pdf"),
           "xlsx": (write_payslips_xlsx, MEDIA["xlsx"])}
WITHHELD_LABEL = PAYSLIP_TEXT["withheld"]  # 代扣个税, on a page that shows the tax
TEXT = {"title": "{period} 工资条 · {department}", "rule_ref": "（规则 {rule}）",
        "as_of": "第 {position} 号事件，记录于 {time}（北京时间）",
        "as_of_position": "第 {position} 号事件"}


def period_label(period: Period) -> str:
    """2026-Q2 → 2026年第2季度; 2026-YE → 2026年度年终."""
    text = str(period)
    year, _, part = text.partition("-")
    if part.startswith("Q"):
        return f"{year}年第{part[1:]}季度"
    return f"{year}年度年终" if part == "YE" else text


def _digest(line: dict[str, Any], name: str, department: str) -> str:
    data = [name, department, *(f"{key}={line.get(key, '0.00')}" for key in LINE_IDS)]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:16]


def _rule(statement: Statement, key: str) -> str:
    figure = f"{key}"
    if figure not in statement.book.figures:
        return ""
    rule = statement.book.tree(figure, depth_max=0).get("rule")
    return TEXT["rule_ref"].format(rule=rule) if rule else ""


def _slip(statement: Statement, period: Period, line: dict[str, Any], department: str,
          sha: str | None, *, withheld: dict[str, Decimal]) -> Payslip:
    employee = line["employee_id"]
    lines = []
    for named in (*PAY_LINES, None):
        key = named.line_id if named else "restatement"
        amount = Decimal(line.get(key, "0"))
        if key not in line or (key != "pay" and amount == 0):
            continue
        shown = named or restatement_line(amount)
        lines.append(PayLine(shown.name, shown.rule.format(points=line.get("points", ""))
                             + _rule(statement, f"person:{employee}:{key}"), amount))
    code = "|".join((CODE_VERSION, str(period), employee, line["total"],
                     _digest(line, line["name"], department), sha or "DRAFT"))
    # 实发 is the bank file's own figure: the statement's line less what payroll withheld.
    slip = Payslip(line["name"], employee, department, period_label(period), lines,
                   Decimal(line["total"]), code)
    if employee not in withheld:
        return slip
    paid = payment_of(line, withheld)
    return replace(slip, withheld=paid.withheld_cny, net=paid.net_cny)


@frozen_record
class PayslipFiles:
    files: list[ExportFile]
    people: int
    draft: bool


def payslips(ws: Workspace, caller: Caller, period_text: str,
             fmt: str = "pdf", department_id: str | None = None) -> PayslipFiles:
    """One file per department: a PDF with one page per person on the statement, or a
    workbook with one block per person (the form printed and cut into slips). With
    `department_id`, that department's file only (a PDF takes ~1 s per department)."""
    return payslip_drafts(ws, caller, period_text, fmt, department_id).written()


@frozen_record
class PayslipDrafts:
    """A period's payslips laid out, not yet written: what needs the ledger. Writing
    them (most of the time, for PDFs) needs none, so a server writes them off the
    ledger's thread."""

    fmt: str
    stamp: Stamp
    issued: str
    departments: list[tuple[str, str, list[Payslip]]]  # file name, title, slips
    people: int
    as_of: str = ""  # the ledger's last event when they were computed (as_of_text)

    def written(self) -> PayslipFiles:
        write, media = WRITERS[self.fmt]
        files = [ExportFile(name, media, write(title, self.stamp, slips, self.issued,
                                               self.as_of))
                 for name, title, slips in self.departments]
        return PayslipFiles(files, self.people, self.stamp.draft)


def payslip_drafts(ws: Workspace, caller: Caller, period_text: str,
                   fmt: str = "pdf", department_id: str | None = None) -> PayslipDrafts:
    require_everything_for(caller, "payslips")
    if fmt not in WRITERS:
        raise InvalidRequestError(f"unsupported payslip format {fmt!r}; choose one of "
                                  f"{', '.join(WRITERS)}")
    period = parse_period(period_text)
    facts = ws.facts()
    statement = statement_for(facts, period)
    data = statement.to_json()
    stamp = stamp_for(facts, period)
    withheld = PayrollFacts.fold(facts.live.values()).withheld_in(period)
    departments = []
    for department in data["departments"]:
        people = [p for p in data["people"] if p["department_id"] == department["department_id"]]
        if not people or department_id not in (None, department["department_id"]):
            continue
        slips = [_slip(statement, period, p, department["name"], stamp.sha256,
                       withheld=withheld)
                 for p in people]
        title = TEXT["title"].format(period=period_label(period), department=department["name"])
        departments.append((f"payslips-{period}-{department['department_id']}.{fmt}", title,
                            slips))
    return PayslipDrafts(fmt, stamp, local_time(datetime.now(UTC)), departments,
                         len(data["people"]), as_of_text(facts))


def as_of_text(facts: Facts) -> str:
    """The ledger moment a payslip was computed at: its last event's position and when
    it was recorded, in Beijing time as the line says and as the slip's 生成时间 is
    (local_time), not in the ledger's time_zone setting. A restatement recorded later has a
    higher position, so a slip says which state of the ledger it shows."""
    if facts.last_recorded_at is None:
        return TEXT["as_of_position"].format(position=facts.last_position)
    return TEXT["as_of"].format(position=facts.last_position,
                                time=local_time(facts.last_recorded_at))


@frozen_record
class CheckedPage:
    """A page that matches: the amounts it shows, as the ledger has them now."""

    period: str
    employee_id: str
    gross: Decimal  # 应发, the code's total
    withheld: Decimal | None  # 代扣个税; None: payroll reported none, and none is shown
    net: Decimal  # 实发, what the bank file pays


@frozen_record
class Verification:
    pages: int
    problems: list[str] = field(default_factory=list)
    checked: list[CheckedPage] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.pages > 0 and not self.problems


def verify_document(ws: Workspace, caller: Caller, content: bytes) -> Verification:
    """Whether every page of a payslip PDF matches the ledger: its code (period, person,
    total, a digest of the lines, the statement's hash) recomputed, and the amounts it
    shows: 应发 in figures, 实发 (the bank file's net) in figures and in capitals."""
    require_everything_for(caller, "a payslip's verification")
    texts = page_texts(content)
    facts = ws.facts()
    # Folded once for the document, not once a page (a department's file has dozens).
    payroll = PayrollFacts.fold(facts.live.values())
    problems: list[str] = []
    checked: list[CheckedPage] = []
    for number, text in enumerate(texts, start=1):
        found = CODE.search(text.replace("\n", ""))
        if found is None:
            problems.append(f"page {number} has no verification code")
            continue
        result = _check_page(facts, payroll, found, text)
        if isinstance(result, str):
            problems.append(f"page {number}: {result}")
        else:
            checked.append(result)
    return Verification(len(texts), problems, checked)


def _check_page(facts: Any, payroll: PayrollFacts, found: re.Match[str],
                text: str) -> str | CheckedPage:
    """The page's problem, or what it shows when it matches."""
    try:
        period = Period.parse(found["period"])
    except ValueError:
        return f"the code names no period: {found['period']!r}"
    close = facts.close_of(str(period))
    expected_sha = close.statement_sha256 if close else "DRAFT"
    if found["sha"] != expected_sha:
        return ("the statement hash does not match the ledger's closed statement" if close
                else "the statement hash does not match: the period is open in the ledger")
    data = statement_for(facts, period).to_json()
    line = next((p for p in data["people"] if p["employee_id"] == found["employee"]), None)
    if line is None:
        return f"no {found['employee']} in the statement of {period}"
    names = {d["department_id"]: d["name"] for d in data["departments"]}
    digest = _digest(line, line["name"], names.get(line["department_id"], ""))
    if found["total"] != line["total"] or found["digest"] != digest:
        return f"the lines do not match the ledger: its total is {line['total']}"
    # The page shows 应发 (the code's total) and 实发 as the bank file pays it, in capitals.
    withheld = payroll.withheld_in(period)
    paid = payment_of(line, withheld)
    shown = text.replace("\n", "")
    if any(figures(x) not in text for x in (paid.gross_cny, paid.net_cny)) or \
            capitals(paid.net_cny) not in shown:
        if paid.withheld_cny and figures(paid.gross_cny) in text and \
                capitals(paid.gross_cny) in shown:
            # Printed before payroll reported the tax (or before payslips showed it): it
            # was right then; the auditor needs that, not a mismatch with the code.
            return (f"the page pays the gross {figures(paid.gross_cny)}, but payroll "
                    f"reported {figures(paid.withheld_cny)} withheld: the bank file pays "
                    f"{figures(paid.net_cny)}, and the page was printed before the tax was "
                    "recorded (or before payslips showed it): print it again")
        return "the amount shown differs from the code"
    # A page printed before payroll reported 0.00 has no tax line: none is said.
    printed = found["employee"] in withheld and WITHHELD_LABEL in shown
    return CheckedPage(str(period), found["employee"], paid.gross_cny,
                       paid.withheld_cny if printed else None, paid.net_cny)


def parse_pdf_path(name: str) -> None:
    if not name.lower().endswith(".pdf"):
        raise InvalidRequestError(f"{name!r} is not a .pdf file")
