"""`jixiao import KIND FILE` and `jixiao template KIND`: spreadsheets in (XLSX, or CSV in
UTF-8, UTF-8 with BOM, GBK or GB18030), and the templates to fill in."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.options import ENVIRON, Actor, Db, Json, caller, open_session
from api.cli.render import progress_bars
from api.i18n import N_, _
from api.i18n.messages import problem_line, refusal, translate
from api.storage.keys import master_key_path, open_vault
from api.storage.session import ledger_exists
from api.storage.store_env import store_env

if TYPE_CHECKING:
    # At run time each verb imports it: openpyxl is slow to import and `jixiao` starts once
    # per verb, most of which read no spreadsheet.
    from api.usecases import imports

app = typer.Typer()

# The sentences this shell prints (English ids; api/i18n translates them, Chinese by
# default).
READ_CSV = N_("read as CSV, encoding {encoding}")
READ_XLSX = N_("read sheet {sheet!r}")
IMPORTED = N_("imported {recorded} event(s) from {file}; {already} already recorded")
REFUSED = N_("{count} row(s) refused, not imported:")
WROTE = N_("written: {path}")
WARNINGS = N_("{count} value(s) normalised:")
MORE = N_("… and {count} more")
TEMPLATE = N_("template written: {path}")
UNCHANGED = N_("{count} person(s)' personal details as recorded already: not written again")


class ImportKind(str, Enum):
    roster = "roster"
    entries = "entries"
    withholding = "withholding"
    personal = "personal"
    departments = "departments"
    pool = "pool"
    figures = "figures"


class Encoding(str, Enum):
    utf_8 = "utf-8"
    utf_8_sig = "utf-8-sig"
    gbk = "gbk"
    gb18030 = "gb18030"


class TemplateFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"


EncodingOption = Annotated[Encoding | None, typer.Option(
    "--encoding", help="Read (or write) CSV in this encoding; by default a BOM decides, "
    "else UTF-8, else GB18030.")]


@app.command("import")
def import_sheet(*, kind: Annotated[ImportKind, typer.Argument(help="What the file holds.")],
                 file: Annotated[str, typer.Argument(help="XLSX or CSV file ('-' for stdin).")],
                 db: Db = None, actor: Actor = None, encoding: EncodingOption = None,
                 sheet: Annotated[str | None, typer.Option(
                     "--sheet", help="The workbook's sheet (default: the first visible).")] = None,
                 skip_bad: Annotated[bool, typer.Option(
                     "--skip-bad", help="Import the good rows; refuse only the bad ones.")] = False,
                 rejected: Annotated[str | None, typer.Option(
                     "--rejected", help="With --skip-bad: write the refused rows here, to fix "
                     "and import again.")] = None,
                 errors: Annotated[str | None, typer.Option(
                     "--errors", help="Write a copy of the file with the bad cells highlighted "
                     "and commented (XLSX).")] = None,
                 key_file: Annotated[str | None, typer.Option(
                     "--key-file", help="roster, personal: the master key that seals the bank "
                     "columns (开户行, 银行账号, 身份证号); default $JIXIAO_MASTER_KEY_FILE.",
                     show_default=False)] = None,
                 json_out: Json = False) -> int:
    """Import a spreadsheet of one kind (the kinds are listed under KIND), all or nothing."""
    from api.sheets.readers import Source  # noqa: PLC0415 - openpyxl (see the top)
    from api.usecases import imports  # noqa: PLC0415 - openpyxl (see the top)
    from domain.errors import RejectedError  # noqa: PLC0415 - imported with the use case

    source = Source(file, sys.stdin.buffer.read()) if file == "-" else Source(file)
    request = imports.ImportRequest(kind.value, source, encoding.value if encoding else None,
                                    sheet, skip_bad, errors, rejected)
    key_path = master_key_path(key_file, ENVIRON.get())
    try:
        with open_session(db) as session, progress_bars() as progress:
            # Only a roster and personal details carry them; other kinds never need the key.
            vault = (open_vault(session.env, key_path)
                     if key_path and kind in (ImportKind.roster, ImportKind.personal)
                     else None)
            result = imports.import_sheet(session, caller(actor), request,
                                          progress=progress, vault=vault)
    except RejectedError as error:  # every verb's refusal, with the reader's colons
        print(refusal(str(error), error.problems), file=sys.stderr)
        return 2
    if json_out:
        print(json.dumps(_summary(file, result), ensure_ascii=False, sort_keys=True))
        return 0
    print(_(READ_CSV).format(encoding=result.encoding) if result.format == "csv"
          else _(READ_XLSX).format(sheet=result.sheet))
    print(_(IMPORTED).format(recorded=result.recorded, file=file, already=result.already_recorded))
    if result.unchanged:
        print(_(UNCHANGED).format(count=result.unchanged))
    _diagnostics(result)
    return 0


def _diagnostics(result: imports.ImportResult) -> None:
    for note in result.notes:
        print(translate(note), file=sys.stderr)
    if result.warning_count:
        print(_(WARNINGS).format(count=result.warning_count), file=sys.stderr)
        for warning in result.warnings:
            print(f"  {translate(warning)}", file=sys.stderr)
        if result.warning_count > len(result.warnings):
            print(f"  {_(MORE).format(count=result.warning_count - len(result.warnings))}",
                  file=sys.stderr)
    if result.rejected:
        rows = {p.where for p in result.rejected}
        print(_(REFUSED).format(count=len(rows)), file=sys.stderr)
        for problem in result.rejected:
            print(f"  {problem_line(problem)}", file=sys.stderr)
    for path in result.written:
        print(_(WROTE).format(path=path), file=sys.stderr)


def _summary(file: str, result: imports.ImportResult) -> dict[str, object]:
    return {"file": file, "format": result.format, "encoding": result.encoding,
            "sheet": result.sheet, "rows": result.rows, "recorded": result.recorded,
            "already_recorded": result.already_recorded, "unchanged": result.unchanged,
            "warnings": list(result.warnings),
            "warning_count": result.warning_count, "notes": list(result.notes),
            "rejected": [{"where": p.where, "field": p.field, "reason": p.reason}
                         for p in result.rejected],
            "written": list(result.written)}


@app.command("template")
def template(*, kind: Annotated[ImportKind, typer.Argument(help="The import kind.")],
             output: Annotated[str, typer.Option("--output", help="The file to write.")],
             fmt: Annotated[TemplateFormat, typer.Option("--format")] = TemplateFormat.xlsx,
             db: Db = None, encoding: EncodingOption = None) -> int:
    """Write an empty workbook to fill in: headers, drop-down lists, an example row.
    Lists come from the ledger (--db, $JIXIAO_DB or ./jixiao.db, as every verb opens);
    where there is none yet, from the shipped scheme."""
    from api.usecases import imports  # noqa: PLC0415 - openpyxl (see the top)

    request = imports.TemplateRequest(kind.value, fmt.value, output,
                                      encoding.value if encoding else "utf-8-sig")
    # The same ledger every other verb opens: a clerk who set $JIXIAO_DB gets their
    # people and departments in the drop-downs without repeating --db.
    if not ledger_exists(store_env(db, ENVIRON.get())):
        imports.template(None, caller(None), request)
    else:
        with open_session(db) as session:
            imports.template(session, caller(None), request)
    print(_(TEMPLATE).format(path=output))
    return 0
