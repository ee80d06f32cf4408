"""Exports of a period as files (`jixiao export WHAT`, `GET /periods/{p}/exports/{what}`):
the statement, reconciliation, restatement, grades and event history as XLSX, CSV or PDF.

What a file says is decided here, from the same use cases the reports use (so the
caller's scope applies); api/documents only lays it out. A closed period's file carries
the statement's SHA-256; an open period's is marked 草稿 on every sheet and page."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from api.documents.csvfile import ENCODINGS, write_csv
from api.documents.model import Book, Cell, Column, Sheet, Stamp, Summary
from api.i18n.codes import code_name, in_documents
from api.i18n.events import event_name
from api.i18n.scheme_labels import reading
from api.usecases import audit, grades, reports
from api.usecases.department_names import department_names
from api.usecases.figure_names import figure_names
from api.usecases.ports import Caller, Workspace, parse_period
from domain.errors import InvalidRequestError
from domain.facts import Facts
from domain.periods import Period
from domain.personal import PayrollFacts
from domain.records import frozen_record
from projections.audit import AuditQuery
from projections.pay_lines import column_headings
from projections.payroll import Payment, payment_of

ZONE = ZoneInfo("Asia/Shanghai")  # the organisation's zone: every time a person reads
WHATS = ("statement", "reconciliation", "restatement", "grades", "events", "figures")
Format = Literal["xlsx", "csv", "pdf"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv", "pdf")
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv", "pdf": "application/pdf"}
EVENTS_MAX = 1_000_000

# Every human-facing text of the exports, in one table (the zh/en switch reads it later).
TEXT = {
    "statement": "绩效工资发放表", "reconciliation": "绩效工资对账表",
    "restatement": "已结账期间重算表", "grades": "考核等级表", "events": "事件记录",
    "figures": "中间数明细表", "organisation": "全院", "person": "人员",
    "summary": "汇总", "department": "科室", "total": "合计", "balance": "平衡（应为 0.00）",
    "closed": "已结账 · 报表哈希 SHA-256: {sha}",
    "draft": "草稿 · {period} 未结账，数字可能变动",
}
HEADERS = {
    "employee_id": "工号", "name": "姓名", "department_id": "科室编号", "department": "科室",
    "category": "类别",
    "status": "状态", "points": "分值", **column_headings(), "total": "应发金额",
    "withheld": "代扣个税", "net": "实发金额",
    "line": "项目", "amount": "金额", "closed": "结账时金额", "now": "现金额",
    "settled_since": "已在后续期间结算", "outstanding": "待结算差额", "subject_id": "对象编号",
    "grade": "等级", "grade_name": "等级名称", "score": "得分", "pipeline": "考核流程",
    "position": "序号", "recorded_at": "记录时间（北京时间）", "type": "类型",
    "actor": "操作人", "live": "有效", "body": "内容", "line_id": "英文标识 (line id)",
    "type_id": "类型标识 (type)",
    "level": "层级", "subject": "对象", "figure": "中间数名称", "value": "数值",
    "subject_name": "对象名称", "figure_name": "中间数中文名称",
}
# The reconciliation's lines in Chinese. The statement names them in English and those
# names stay as they are in JSON and in closed statements (they are hashed); a line not
# listed here is shown by that name.
RECONCILIATION_LINES = {
    "distributable pool": "可分配绩效总额",
    "pool not allocated (no department points)": "未分配总额（无科室分值）",
    "bank drawn (same-year carry-over)": "动用结余（同年度结转）",
    "hospital floor subsidy": "医院保底补贴",
    "hospital post bonus (outside the pool)": "医院岗位考核奖（总额外）",
    "hospital study-leave pay (outside the pool)": "医院学习进修绩效工资（总额外）",
    "control deductions retained by the hospital": "控制指标扣款（医院留存）",
    "department penalties retained by the hospital": "科室处罚（医院留存）",
    "excess over cap banked": "超出上限部分转入结余",
    "undistributed (no points to share it)": "未分配（无分值可分）",
    "restatements of closed periods (paid +, recovered −)": "已结账期间重算（补发为正，扣回为负）",
    "paid to people": "发放给个人",
    "year-end pool": "年终绩效总额",
    "pool not allocated (no annual target points)": "未分配总额（无年度目标分值）",
    "forfeited by failed assessments (returned to the hospital)": "考核不合格扣除（返还医院）",
}
MONEY = {"pay", "post_bonus", "study_leave", "restatement", "total", "withheld", "net", "amount",
         "closed", "now", "settled_since", "outstanding"}


@frozen_record
class ExportRequest:
    what: str
    period: str
    format: str = "xlsx"
    encoding: str = "utf-8-sig"
    events: AuditQuery | None = None  # the audit listing's filters, for `events`


@frozen_record
class ExportFile:
    filename: str
    media_type: str
    content: bytes


def export(ws: Workspace, caller: Caller, request: ExportRequest) -> ExportFile:
    if request.what not in WHATS:
        raise InvalidRequestError(f"cannot export {request.what!r}; choose one of "
                                  f"{', '.join(WHATS)}")
    if request.format not in FORMATS:
        raise InvalidRequestError(f"unsupported format {request.format!r}; choose one of "
                                  f"{', '.join(FORMATS)}")
    if request.encoding not in ENCODINGS:
        raise InvalidRequestError(f"unsupported encoding {request.encoding!r}; choose one of "
                                  f"{', '.join(ENCODINGS)}")
    book = BUILDERS[request.what](ws, caller, request)
    # Not at the top: openpyxl and fpdf2 take longer to import than a CLI verb should.
    from api.documents.pdftable import write_pdf_table  # noqa: PLC0415 - see above
    from api.documents.xlsx import write_xlsx  # noqa: PLC0415 - see above

    content = (write_xlsx(book) if request.format == "xlsx"
               else write_csv(book, request.encoding) if request.format == "csv"
               else write_pdf_table(book))
    return ExportFile(f"{request.what}-{request.period}.{request.format}",
                      MEDIA[request.format], content)


def stamp_for(facts: Facts, period: Period) -> Stamp:
    close = facts.close_of(str(period))
    if close is None:
        return Stamp(None, TEXT["draft"].format(period=period))
    return Stamp(close.statement_sha256, TEXT["closed"].format(sha=close.statement_sha256))


def local_time(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S")


def columns(*keys: str) -> tuple[Column, ...]:
    return tuple(Column(k, HEADERS[k], "money" if k in MONEY else "text") for k in keys)


def _row(cols: tuple[Column, ...], data: dict[str, Any]) -> list[Cell]:
    return [data.get(c.key) if c.kind != "money" or data.get(c.key) is None
            else Decimal(data[c.key]) for c in cols]


def _by_department(title: str, stamp: Stamp, cols: tuple[Column, ...], *,
                   people: list[dict[str, Any]], names: dict[str, str],
                   totalled: tuple[str, ...], expected: dict[str, Decimal]) -> Book:
    order = list(names) + sorted({p["department_id"] for p in people} - set(names))
    sheets = []
    for department in order:
        rows = [_row(cols, p) for p in people if p["department_id"] == department]
        if rows:
            sheets.append(Sheet(names.get(department) or department, cols, rows, totalled))
    flat = Sheet(title, cols, [_row(cols, p) for p in people], totalled)
    summary = Summary(TEXT["summary"], TEXT["department"], TEXT["total"], expected)
    return Book(title, stamp, sheets, summary, flat)


def _statement(ws: Workspace, caller: Caller, request: ExportRequest) -> Book:
    period = parse_period(request.period)
    statement = reports.payout(ws, caller, reports.ReportQuery(request.period, figures=False))
    cols = columns("employee_id", "name", "department", "department_id", "category", "status",
                   "points", "pay", "post_bonus", "study_leave", "restatement", "total",
                   "withheld", "net")
    names = {d["department_id"]: d["name"] for d in statement["departments"]}
    # 实发 is what the bank file and the payslip pay: 应发 less the tax payroll reported
    # (projections/payroll.payment_of, their one source); none reported, 代扣个税 is
    # blank (not 0.00, which payroll may report) and 实发 is 应发.
    withheld = PayrollFacts.fold(ws.facts().live.values()).withheld_in(period)
    # Only the spreadsheet says 在编 / 已发放: the statement (hashed when closed) keeps its codes.
    people = [{**p, "department": names.get(p["department_id"], p["department_id"]),
               "category": in_documents(code_name, p["category"]),
               "status": in_documents(code_name, p["status"]),
               **_paid(payment_of(p, withheld), p["employee_id"] in withheld)}
              for p in statement["people"]]
    paid = statement.get("totals") or {}
    expected = {"total": Decimal(paid["paid"])} if paid.get("paid") else {}
    return _by_department(TEXT["statement"], stamp_for(ws.facts(), period), cols,
                          people=people, names=names,
                          totalled=("pay", "post_bonus", "study_leave", "restatement", "total",
                                    "withheld", "net"),
                          expected=expected)


def _paid(payment: Payment, reported: bool) -> dict[str, Decimal | None]:
    return {"withheld": payment.withheld_cny if reported else None, "net": payment.net_cny}


def _reconciliation(ws: Workspace, caller: Caller, request: ExportRequest) -> Book:
    period = parse_period(request.period)
    result = reports.reconcile(ws, caller, reports.ReportQuery(request.period))
    cols = columns("line", "amount", "line_id")
    lines = [{**line, "line": RECONCILIATION_LINES.get(line["line"], line["line"]),
              "line_id": line["line"]} for line in result.to_json()["lines"]]
    sheet = Sheet(TEXT["reconciliation"], cols, [_row(cols, line) for line in lines],
                  ("amount",))
    summary = Summary(TEXT["summary"], TEXT["balance"], TEXT["total"],
                      {"amount": Decimal(result.to_json()["balance"])})
    return Book(TEXT["reconciliation"], stamp_for(ws.facts(), period), [sheet], summary)


def _restatement(ws: Workspace, caller: Caller, request: ExportRequest) -> Book:
    period = parse_period(request.period)
    report = reports.restatement(ws, caller, request.period, figures=False)
    cols = columns("employee_id", "name", "department", "department_id", "closed", "now",
                   "settled_since", "outstanding")
    # Sorted: the sheets follow this order, as they followed the ids before.
    names = dict(sorted(department_names(ws, caller, request.period,
                                         (p["department_id"] for p in report["people"])).items()))
    people = [{**p, "employee_id": p["id"], "department": names[p["department_id"]]}
              for p in report["people"]]
    expected = ({"outstanding": Decimal(report["outstanding"])}
                if report.get("outstanding") is not None else {})
    return _by_department(TEXT["restatement"], stamp_for(ws.facts(), period), cols,
                          people=people, names=names,
                          totalled=("closed", "now", "settled_since", "outstanding"),
                          expected=expected)


def _grades(ws: Workspace, caller: Caller, request: ExportRequest) -> Book:
    report = grades.grades(ws, caller, grades.GradesQuery(request.period, figures=False))
    cols = columns("subject_id", "name", "status", "grade", "grade_name", "score")
    # the scheme's labels and grade names in Chinese, as every header of the file is
    sheets = [Sheet(in_documents(reading, p["label"]) or p["name"], cols,
                    [_row(cols, {**s, "status": in_documents(code_name, s["status"]),
                                 "grade_name": s["grade_name"]
                                 and in_documents(reading, s["grade_name"])})
                     for s in p["subjects"]])
              for p in report["pipelines"]]
    try:
        stamp = stamp_for(ws.facts(), Period.parse(request.period))
    except ValueError:  # a month or half-year: no payout period to close
        stamp = Stamp(None, TEXT["draft"].format(period=request.period))
    return Book(TEXT["grades"], stamp, sheets)


def _events(ws: Workspace, caller: Caller, request: ExportRequest) -> Book:
    period = parse_period(request.period)
    query = request.events or AuditQuery()
    query = AuditQuery(actor=query.actor, type=query.type, subject=query.subject,
                       subject_kind=query.subject_kind, since=query.since,
                       until=query.until, after=query.after, limit=EVENTS_MAX)
    facts = ws.facts()
    in_period = {str(e.originator_id): e for e in facts.in_period(period)}
    listed = audit.audit_events(ws, caller, query)["events"]
    cols = columns("position", "recorded_at", "type", "actor", "live", "body", "type_id")
    rows: list[list[Cell]] = []
    for event in listed:
        shown = in_period.get(event["id"])
        if shown is None:
            continue
        body = {k: v for k, v in event.items()
                if k not in {"position", "id", "type", "actor", "recorded_at", "live"}}
        rows.append([event["position"], local_time(shown.recorded_at),
                     in_documents(event_name, event["type"]), event["actor"],
                     "是" if event.get("live") else "否",
                     json.dumps(body, ensure_ascii=False, sort_keys=True), event["type"]])
    return Book(TEXT["events"], stamp_for(facts, period), [Sheet(TEXT["events"], cols, rows)])


def _figures(ws: Workspace, caller: Caller, request: ExportRequest) -> Book:
    """Every intermediate of the statement by name (docs/figures.md), one a row: what a
    checker recomputes by hand. Values are exact text, never rounded for the sheet."""
    period = parse_period(request.period)
    statement = reports.payout(ws, caller, reports.ReportQuery(request.period, figures=True))
    cols = columns("level", "subject", "figure", "value", "subject_name", "figure_name")
    names = figure_names(ws, period)
    rows: list[list[Cell]] = [[TEXT["organisation"], "", name, value, TEXT["organisation"],
                               names.get(name, "")]
                              for name, value in statement.get("figures", {}).items()]
    for level, key, kind in ((TEXT["department"], "department_id", "dept"),
                             (TEXT["person"], "employee_id", "person")):
        lines = statement["departments" if key == "department_id" else "people"]
        rows += [[level, line[key], name, value, line["name"],
                  names.get(f"{kind}:{line[key]}:{name}", "")] for line in lines
                 for name, value in line["figures"].items()]
    return Book(TEXT["figures"], stamp_for(ws.facts(), period),
                [Sheet(TEXT["figures"], cols, rows)])


BUILDERS: dict[str, Callable[[Workspace, Caller, ExportRequest], Book]] = {
    "statement": _statement, "reconciliation": _reconciliation,
    "restatement": _restatement, "grades": _grades, "events": _events, "figures": _figures,
}
