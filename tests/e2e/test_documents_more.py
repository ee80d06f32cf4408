"""Issue 13's remaining document items through the CLI, on SQLite and PostgreSQL: a
recovery (扣回) named as its own line on payslips (PDF and XLSX), the reconciliation's
lines in Chinese in its exports (their ids unchanged in JSON), and `jixiao appeal
letter`, the same decision letter as `jixiao export letters --appeal`."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid5

from builders import GOLDEN, Cli, cli_for
from openpyxl import load_workbook
from pypdf import PdfReader

from api.i18n import use_language
from api.i18n.letters import letter_text
from domain.application import IDEMPOTENCY_NAMESPACE
from projections.pay_lines import RESTATEMENT_RECOVERED

RECOVERED = RESTATEMENT_RECOVERED.name  # the payroll file's name of a recovery (扣回)

LI_COMPLAINT = str(uuid5(IDEMPOTENCY_NAMESPACE, "ex1-li-complaint"))


def _recovered(store):  # type: ignore[no-untyped-def]
    """Worked example 3: Q1 closed, then a correction recovered in Q2 from each ward nurse."""
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    cli.ok("close", "--period", "2026-Q1")
    cli.ok("apply", str(GOLDEN / "example-3" / "correction.jsonl"))
    return cli


def test_a_recovery_is_its_own_line_on_payslips_in_pdf_and_xlsx(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _recovered(store)
    q2 = {p["employee_id"]: p for p in cli.payout("2026-Q2")["people"]}
    recovered = {e for e, p in q2.items() if Decimal(p.get("restatement", "0")) < 0}
    assert recovered  # the scenario has recoveries to show
    cli.ok("payslips", "--period", "2026-Q2", "--output", str(tmp_path / "pdf"))
    cli.ok("payslips", "--period", "2026-Q2", "--output", str(tmp_path / "xlsx"),
           "--format", "xlsx")
    for page in PdfReader(tmp_path / "pdf" / "payslips-2026-Q2-ward.pdf").pages:
        text = page.extract_text()
        employee = next(e for e in q2 if f"|{e}|" in text)
        assert ("扣回" in text) == (employee in recovered)
        if employee in recovered:
            line = next(x for x in text.splitlines() if x.startswith("扣回"))
            assert line.endswith(f"{Decimal(q2[employee]['restatement']):,.2f}")
    assert cli("verify-document", str(tmp_path / "pdf" / "payslips-2026-Q2-ward.pdf")).code == 0
    rows = list(load_workbook(tmp_path / "xlsx" / "payslips-2026-Q2-ward.xlsx").active
                .iter_rows(values_only=True))
    assert "草稿" in str(rows[1][0])  # Q2 is open
    blocks = [i for i, r in enumerate(rows) if str(r[0]).startswith("绩效工资条")]
    assert len(blocks) == sum(p["department_id"] == "ward" for p in q2.values())
    for start in blocks:
        code = next(r[0] for r in rows[start:] if str(r[0]).startswith("核验码"))
        employee = code.split("|")[2]
        block = rows[start:rows.index(next(r for r in rows[start:] if r[0] == code))]
        lines = {r[0]: Decimal(str(r[2])) for r in block[2:]}
        assert (RECOVERED in lines) == (employee in recovered)
        if employee in recovered:
            assert lines[RECOVERED] == Decimal(q2[employee]["restatement"])
        # Nothing withheld in this scenario: 实发 is 应发, the sum of the pay lines.
        assert lines["实发金额"] == lines["应发金额"] == Decimal(q2[employee]["total"])
        assert "代扣个税" not in lines
        assert sum(v for k, v in lines.items() if k not in {"应发金额", "实发金额"}) == \
            lines["实发金额"]


def test_reconciliation_lines_are_chinese_in_files_and_unchanged_in_json(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _recovered(store)
    ids = [line["line"] for line in
           cli.ok("reconcile", "--period", "2026-Q2", "--json").json()["lines"]]
    assert "paid to people" in ids  # the machine ids, as closed statements hold them
    out = tmp_path / "r.xlsx"
    cli.ok("export", "reconciliation", "--period", "2026-Q2", "--output", str(out))
    sheet = load_workbook(out).worksheets[1]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[2] for r in rows] == ids
    labels = {r[2]: r[0] for r in rows}
    assert labels["paid to people"] == "发放给个人"
    assert labels["restatements of closed periods (paid +, recovered −)"].startswith("已结账")
    assert all(not label.isascii() for label in labels.values())  # every line translated


def test_appeal_letter_writes_the_decision_letter(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    cli.ok("close", "--period", "2026-Q1")
    cli.ok("appeal", "file", "--appeal-id", "A-1", "--employee", "li", "--entry", LI_COMPLAINT,
           "--grounds", "投诉已撤回", "--received-on", "2026-04-01", "--filed-on", "2026-04-03")
    early = cli("appeal", "letter", "A-1", "--output", str(tmp_path / "early.pdf"))
    assert (early.code, early.err) == (
        2, "error: appeal 'A-1' is not decided yet: it has no decision letter\n")
    early = Cli(cli.environ, lang=None)("appeal", "letter", "A-1", "--output",
                                         str(tmp_path / "early.pdf"))
    assert (early.code, early.err) == (2, "错误：申诉 'A-1' 尚未作出决定，没有决定书\n")
    assert not (tmp_path / "early.pdf").exists()
    cli.ok("appeal", "assign", "A-1", "--reviewer", "reviewer-wu")
    cli.ok("appeal", "decide", "A-1", "--outcome", "revoke", "--actor", "reviewer-wu",
           "--reason", "投诉已撤回，不构成有效投诉", "--decided-on", "2026-04-10")
    letter = tmp_path / "letter.pdf"
    cli.ok("appeal", "letter", "A-1", "--output", str(letter))
    cli.ok("export", "letters", "--appeal", "A-1", "--output", str(tmp_path / "all"))
    text = "".join(p.extract_text() for p in PdfReader(letter).pages)
    same = "".join(p.extract_text() for p in
                   PdfReader(tmp_path / "all" / "decision-A-1.pdf").pages)
    with use_language("en"):  # the CLI's language in these tests
        assert letter_text("title") in text
    assert "投诉已撤回，不构成有效投诉" in text
    # The same letter, but for the moment it was generated at (the line naming jixiao).
    assert [x for x in text.splitlines() if "jixiao" not in x] == \
        [x for x in same.splitlines() if "jixiao" not in x]
    folder = tmp_path / "into"
    folder.mkdir()
    cli.ok("appeal", "letter", "A-1", "--output", str(folder))
    assert (folder / "decision-A-1.pdf").is_file()
    assert cli("appeal", "letter", "NOPE", "--output", str(tmp_path / "x.pdf")).code == 3
