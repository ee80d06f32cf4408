"""The names of a person's pay lines, in one place: the payroll file's 项目, the payslip's
item, the statement export's column heading and the payroll workbook all read them from
here, so a line is called the same everywhere a person reads it (issue 13).

A line id is the statement's money column (`pay`, `post_bonus`, `study_leave`,
`restatement`); ids stay English in JSON and in closed statements (they are hashed).
A restatement is named by its sign: a back-payment (补发) or a recovery (扣回) deducted
from this payment. Each name follows the seed's own words where it has them.
"""

from __future__ import annotations

from decimal import Decimal

from domain.records import frozen_record


@frozen_record
class PayLineName:
    line_id: str
    name: str  # what every document calls the line
    rule: str  # what the payslip says it follows ({points}: the person's points)
    source: str = ""  # the seed line the name is taken from, where it has one


PAY_LINES: tuple[PayLineName, ...] = (
    PayLineName("pay", "绩效工资", "科室每分值 × 本人分值 {points}（最大余数法分到分）"),
    # 「院领导及中层干部增发岗位考核奖」 (S11-R48)
    PayLineName("post_bonus", "岗位考核奖", "岗位系数 × 全院人均绩效",
                "002_db447562deed9801.txt:L1025-L1037"),
    # 「外出参加学习培训或进修人员……计发」 (S11-R56)
    PayLineName("study_leave", "学习进修绩效工资", "外出学习、进修期间按规定计发",
                "002_db447562deed9801.txt:L1059"),
)
RESTATEMENT_PAID = PayLineName(
    "restatement", "补发（以前期间更正）", "以前已结账期间更正后少发的金额，随本次补发")
RESTATEMENT_RECOVERED = PayLineName(
    "restatement", "扣回（以前期间更正）", "以前已结账期间更正后多发的金额，从本次发放中扣回")
# The restatement column of a statement table: one heading for both signs (补发 +, 扣回 −).
RESTATEMENT_COLUMN = "重算补差"


def restatement_line(amount: Decimal) -> PayLineName:
    return RESTATEMENT_PAID if amount > 0 else RESTATEMENT_RECOVERED


def line_name(line_id: str, amount: Decimal = Decimal(0)) -> str:
    """The name of line `line_id`; a restatement's by the sign of `amount`."""
    if line_id == "restatement":
        return restatement_line(amount).name
    return next(line.name for line in PAY_LINES if line.line_id == line_id)


def column_headings() -> dict[str, str]:
    """Line id → the heading of its column in a statement table."""
    return {**{line.line_id: line.name for line in PAY_LINES},
            "restatement": RESTATEMENT_COLUMN}
