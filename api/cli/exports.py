"""`jixiao export WHAT|letters`, `jixiao payslips`, `jixiao verify-document`: files for
finance offices and employees (XLSX, CSV, PDF). Each parses, calls one use case
(api/usecases/exports.py, documents.py, letters.py) and writes the file it returns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.options import Actor, Db, PeriodOption, as_of, caller, open_session
from api.i18n import N_, _
from api.i18n.formats import money
from api.usecases import exports
from api.usecases.audit import AuditQuery
from api.usecases.exports import ExportFile, ExportRequest
from api.usecases.ports import parse_period
from domain.errors import InvalidRequestError

if TYPE_CHECKING:
    from api.usecases.documents import CheckedPage

NOT_A_DIRECTORY = N_("--output {path} is not a directory")
NOT_DECIDED = N_("appeal {appeal} is not decided yet: it has no decision letter")
NO_SUCH_FILE = N_("{path}: no such file")
# A page that matches, with the amounts it shows: 实发 is the net when tax was withheld.
SHOWN = N_("{period} {employee}: gross {gross}, tax withheld {withheld}, net {net}")
SHOWN_GROSS = N_("{period} {employee}: gross {gross}, net {net}")

app = typer.Typer(no_args_is_help=True,
                  help="Export a period as XLSX, CSV or PDF; decision letters as PDF.")
documents_app = typer.Typer()
appeal_app = typer.Typer()  # `jixiao appeal letter`: joins the appeals desk's verbs

Output = Annotated[str, typer.Option("--output", "-o", help="The file to write.")]
OutputDir = Annotated[str, typer.Option("--output", "-o", help="The directory to write to.")]
FormatOption = Annotated[str, typer.Option(
    "--format", help="xlsx (default), csv or pdf.")]
Encoding = Annotated[str, typer.Option(
    "--encoding", help="CSV only: utf-8-sig (default, with BOM: Excel reads it right), utf-8, "
    "gbk or gb18030.")]


def _write(file: ExportFile, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(file.content)
    print(_("wrote {path} ({size} bytes)").format(path=path, size=f"{len(file.content):,}"))


def _directory(text: str) -> Path:
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise InvalidRequestError(_(NOT_A_DIRECTORY).format(path=repr(text)))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _exporter(what: str) -> Callable[..., int]:
    def command(*, period: PeriodOption, output: Output, format: FormatOption = "xlsx",
                encoding: Encoding = "utf-8-sig", db: Db = None, actor: Actor = None) -> int:
        parse_period(period)
        request = ExportRequest(what, period, format, encoding)
        with open_session(db) as session:
            file = exports.export(session, caller(actor), request)
        _write(file, Path(output))
        return 0

    command.__doc__ = f"Export the period's {what} ({exports.TEXT[what]})."
    return command


for _what in ("statement", "reconciliation", "restatement", "grades", "figures"):
    app.command(_what)(_exporter(_what))


@app.command("events")
def events(*, period: PeriodOption, output: Output, format: FormatOption = "xlsx",
           encoding: Encoding = "utf-8-sig",
           by: Annotated[str | None, typer.Option("--by", help="Recorded by this actor.")]
           = None,
           type_name: Annotated[str | None, typer.Option(
               "--type", help="An event class (ScoreRecorded) or command type.")] = None,
           subject: Annotated[str | None, typer.Option(
               help="About this employee, department or user.")] = None,
           since: Annotated[str | None, typer.Option(help="Recorded at or after (ISO).")] = None,
           until: Annotated[str | None, typer.Option(help="Recorded before (ISO).")] = None,
           db: Db = None, actor: Actor = None) -> int:
    """Export the period's events, filtered as the audit listing filters them."""
    parse_period(period)
    query = AuditQuery(actor=by, type=type_name, subject=subject, since=as_of(since),
                       until=as_of(until))
    with open_session(db) as session:
        file = exports.export(session, caller(actor),
                              ExportRequest("events", period, format, encoding, query))
    _write(file, Path(output))
    return 0


@app.command("letters")
def letters_command(*, output: OutputDir,
                    appeal: Annotated[str | None, typer.Option(
                        help="Only this appeal's letter.")] = None,
                    db: Db = None, actor: Actor = None) -> int:
    """Write a decision letter (决定书) PDF for each decided appeal into a directory."""
    directory = _directory(output)
    from api.usecases import letters  # noqa: PLC0415 - fpdf2: only when writing letters

    with open_session(db) as session:
        files = letters.decision_letters(session, caller(actor), appeal)
    for file in files:
        _write(file, directory / file.filename)
    print(_("{count} decision letter(s)").format(count=len(files)))
    return 0


@appeal_app.command("letter")
def appeal_letter(appeal_id: Annotated[str, typer.Argument(help="The appeal's id.")], *,
                  output: Annotated[str, typer.Option(
                      "--output", "-o", help="The PDF to write (a directory: the letter's "
                      "own name in it).")],
                  db: Db = None, actor: Actor = None) -> int:
    """Write the decision letter (决定书) of one decided appeal as a PDF."""
    from api.usecases import letters  # noqa: PLC0415 - fpdf2: only when writing letters

    with open_session(db) as session:
        files = letters.decision_letters(session, caller(actor), appeal_id)
    if not files:
        raise InvalidRequestError(_(NOT_DECIDED).format(appeal=repr(appeal_id)))
    path = Path(output)
    _write(files[0], path / files[0].filename if path.is_dir() else path)
    return 0


@documents_app.command("payslips")
def payslips(*, period: PeriodOption, output: OutputDir,
             format: Annotated[str, typer.Option(
                 "--format", help="pdf (default: one page per person) or xlsx (one block "
                 "per person, to print and cut).")] = "pdf",
             db: Db = None, actor: Actor = None) -> int:
    """Write payslips (工资条): one file per department, one page (or block) per person."""
    parse_period(period)
    directory = _directory(output)
    from api.usecases import documents  # noqa: PLC0415 - fpdf2, openpyxl: only payslips

    with open_session(db) as session:
        result = documents.payslips(session, caller(actor), period, format)
    for file in result.files:
        _write(file, directory / file.filename)
    draft = " " + _("(DRAFT: the period is open)") if result.draft else ""
    print(_("{people} payslip(s) in {count} file(s)").format(
        people=result.people, count=len(result.files)) + draft)
    return 0


@documents_app.command("verify-document")
def verify_document(file: Annotated[str, typer.Argument(help="A payslip PDF.")], *,
                    db: Db = None, actor: Actor = None) -> int:
    """Check a payslip PDF against the ledger (exit 1 when it does not match)."""
    path = Path(file)
    if not path.is_file():
        raise InvalidRequestError(_(NO_SUCH_FILE).format(path=repr(file)))
    from api.i18n.messages import translate  # noqa: PLC0415 - with the use case, below
    from api.usecases import documents  # noqa: PLC0415 - pypdf: only when verifying

    with open_session(db) as session:
        result = documents.verify_document(session, caller(actor), path.read_bytes())
    for page in result.checked:
        print(_("ok   {page}").format(page=_shown(page)))
    for problem in result.problems:
        print(_("FAIL {problem}").format(problem=translate(problem)))
    print(_("matches the ledger") if result.ok else _("does NOT match the ledger"))
    return 0 if result.ok else 1


def _shown(page: CheckedPage) -> str:
    amounts = {"period": page.period, "employee": page.employee_id,
               "gross": money(page.gross), "net": money(page.net)}
    if page.withheld is None:
        return _(SHOWN_GROSS).format(**amounts)
    return _(SHOWN).format(**amounts, withheld=money(page.withheld))
