"""A pay line has one name on every document (issue 13): the payroll file's 项目 and the
payslip's item for the same line id are equal, for every line id (绩效工资, the post
bonus, study-leave pay, and a restatement by its sign), through the CLI on SQLite and
PostgreSQL. The names come from projections/pay_lines.py."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders import GOLDEN, Cli, cli_for

from projections.pay_lines import PAY_LINES, RESTATEMENT_PAID, RESTATEMENT_RECOVERED

ZERO = Decimal(0)


def _payroll(cli: Cli, period: str, tmp_path: Path) -> dict[str, dict[str, Decimal]]:
    path = tmp_path / f"payroll-{period}.xlsx"
    cli.ok("export", "payroll", "--period", period, "--output", str(path))
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    header = rows[0]
    who, item, amount = header.index("工号"), header.index("项目"), header.index("应发金额")
    lines: dict[str, dict[str, Decimal]] = {}
    for row in rows[1:-1]:  # the last row is the 合计
        lines.setdefault(str(row[who]), {})[str(row[item])] = Decimal(str(row[amount]))
    return lines


# The rows under a payslip's pay lines: the gross, the tax withheld and the net.
SUMS = ("应发金额", "减：代扣个税", "实发金额")


def _payslips(cli: Cli, period: str, tmp_path: Path) -> dict[str, dict[str, Decimal]]:
    folder = tmp_path / f"slips-{period}"
    cli.ok("payslips", "--period", period, "--output", str(folder), "--format", "xlsx")
    slips: dict[str, dict[str, Decimal]] = {}
    for path in sorted(folder.glob("*.xlsx")):
        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
        starts = [i for i, r in enumerate(rows) if str(r[0]).startswith("绩效工资条")]
        for start in starts:
            end = next(i for i in range(start, len(rows)) if str(rows[i][0]).startswith("核验码"))
            employee = str(rows[end][0]).split("|")[2]
            block = rows[start + 2:end]
            slips[employee] = {str(r[0]): Decimal(str(r[2])) for r in block
                               if r[0] not in (None, *SUMS) and r[2] is not None}
    return slips


def _scenario(cli: Cli, name: str) -> str:
    if name == "restatement":  # worked example 3: Q1 closed, then a correction
        cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
        cli.ok("close", "--period", "2026-Q1")
        cli.ok("apply", str(GOLDEN / "example-3" / "correction.jsonl"))
        return "2026-Q2"
    cli.ok("apply", str(GOLDEN / name))
    return "2026-Q1"


@pytest.mark.parametrize("scenario", ["example-2/commands.jsonl",  # post bonus
                                      "example-4/study-leave.jsonl",  # study leave
                                      "restatement"])  # recoveries (扣回)
def test_every_payroll_line_is_named_as_the_payslip_names_it(  # type: ignore[no-untyped-def]
        store, tmp_path: Path, scenario: str) -> None:
    key = tmp_path / "master.key"
    cli = cli_for(store.backend, store.env)
    cli.ok("keys", "master", "--output", str(key))
    cli = Cli({**cli.environ, "JIXIAO_MASTER_KEY_FILE": str(key)})
    period = _scenario(cli, scenario)
    statement: dict[str, Any] = cli.payout(period)
    payroll, slips = _payroll(cli, period, tmp_path), _payslips(cli, period, tmp_path)
    assert set(payroll) <= set(slips)
    ids_seen: set[str] = set()
    for person in statement["people"]:
        employee = person["employee_id"]
        shown = {name: amount for name, amount in slips[employee].items() if amount != ZERO}
        # Same names, same amounts: a line the payslip names differently fails here.
        assert payroll.get(employee, {}) == shown, employee
        for line in (*PAY_LINES, RESTATEMENT_PAID, RESTATEMENT_RECOVERED):
            amount = Decimal(person.get(line.line_id, "0"))
            if amount != ZERO and (line.line_id != "restatement"
                                   or (amount > 0) == (line is RESTATEMENT_PAID)):
                assert payroll[employee][line.name] == amount, (employee, line.line_id)
                ids_seen.add(line.line_id)
    assert ids_seen - {"pay"}  # the scenario shows the line it was chosen for
