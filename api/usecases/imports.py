"""Importing a spreadsheet (`jixiao import`, `POST /imports/{kind}`, later the web
upload) and writing the template to fill in (`jixiao template`): one use case each.

All or nothing by default: a refused file writes nothing and names every problem by
sheet, row and column. `skip_bad` records the good rows and returns the refused ones,
which can be written out, fixed and imported again. Each row's idempotency key comes from
its normalised content (api/sheets/rows.py), so the same rows imported twice, even from a
re-saved workbook, are recorded once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence, Set
from dataclasses import replace
from datetime import date
from itertools import chain, islice
from typing import Any
from uuid import UUID

from api.i18n.messages import place, translate
from api.sheets import text
from api.sheets.columns import (
    DEPARTMENT_KIND_CHINESE,
    Kind,
    field_column,
    kind_of,
    kind_word,
    scrubbed,
)
from api.sheets.marking import Mark, write_errors, write_rejected
from api.sheets.readers import SheetFile, Source, open_sheet
from api.sheets.rows import CommandRow, Progress, Read, content_key, stream_commands
from api.sheets.templates import Lists, entry_values, write_template
from api.usecases.access import RowsForbiddenError
from api.usecases.import_roles import import_kinds, importing_caller
from api.usecases.ledger import ApplyResult, Batch, apply_batch
from api.usecases.personal import Vault
from api.usecases.personal_import import (
    PersonalSheet,
    SealedDetails,
    check_personal_import,
    masks_of,
    seal_personal_rows,
)
from api.usecases.ports import Caller, Workspace
from api.usecases.roster_details import seal_roster_details
from api.usecases.sealed_writes import recorded_ids
from api.usecases.streaming import RowChunk, apply_row_chunks
from api.usecases.template_labels import labelled_lists, readable, roster_example, unused_id
from domain.application import idempotency_id
from domain.errors import ForbiddenError, InvalidRequestError, Problem, RejectedError
from domain.events import SchemeAdopted
from domain.facts import Facts
from domain.records import frozen_record
from domain.seen_index import SeenIndex
from domain.shipped_schemes import load_shipped_scheme
from domain.users import a_role

SHIPPED_SCHEME = "xinghe-county-hospital"
SKIP_ROUNDS = 5  # the ledger's refusals of one round cannot create new ones; a bound anyway


@frozen_record
class ImportRequest:
    """`errors_to`: where the highlighted copy is written when rows are refused;
    `rejected_to`: where the refused rows go with `skip_bad`."""

    kind: str
    source: Source
    encoding: str | None = None
    sheet: str | None = None
    skip_bad: bool = False
    errors_to: str | None = None
    rejected_to: str | None = None
    # How the caller's shell imports a kind, told when the file is another kind's (the
    # CLI's verb by default; HTTP its endpoint; None on the page, which lists the kinds).
    command: str | None = text.CLI_IMPORT


@frozen_record
class ImportResult:
    applied: ApplyResult | None  # None when nothing was left to record
    format: str
    encoding: str | None
    sheet: str | None
    rows: int  # data rows read
    warnings: tuple[str, ...]
    warning_count: int
    notes: tuple[str, ...]  # what the file said about itself (hidden sheets ignored)
    rejected: tuple[Problem, ...]  # with skip_bad: the problems of the rows left out
    written: tuple[str, ...]  # the files written for the person (errors copy, rejected rows)
    unchanged: int = 0  # people whose personal details were already recorded as given

    @property
    def recorded(self) -> int:
        return 0 if self.applied is None else len(self.applied.recorded)

    @property
    def already_recorded(self) -> int:
        return 0 if self.applied is None else len(self.applied.already_recorded)


def import_sheet(ws: Workspace, caller: Caller, request: ImportRequest, *,
                 progress: Progress | None = None, vault: Vault | None = None
                 ) -> ImportResult:
    """Read the file, check every row, and record them all (or, with skip_bad, the good
    ones); a refusal writes the errors copy first when asked. `vault`: the data keys a
    roster's bank columns are sealed with. The file is read a chunk of rows at a time
    (api/sheets/rows.py `stream_commands`): what is kept across the file is its problems
    and warnings, not its rows; all-or-nothing holds because every chunk is checked
    before any is saved, in one transaction (domain/chunked_writes.py)."""
    kind = kind_of(request.kind)
    if kind.name == "personal":
        check_personal_import(caller, vault)
    caller = importing_caller(caller, request.kind)
    sheet = open_sheet(request.source, encoding=request.encoding, sheet=request.sheet)
    if request.skip_bad:
        return _import_good(ws, caller, request, kind, sheet, progress=progress,
                            vault=vault)
    read, chunks = _stream(request, kind, sheet, progress)
    parts = _parts(ws, caller, kind, read, chunks, vault=vault, skip=frozenset(),
                   all_problems=True)
    try:
        applied = _record(ws, caller, parts, sheet, progress, skip_bad=False)
    except RejectedError as error:
        problems = _named(read, error.problems)
        _write_errors(request, read, problems)
        raise RejectedError(problems) from None
    except RowsForbiddenError as error:  # rows not the caller's: named by column as well
        raise RowsForbiddenError(_named(read, error.problems)) from None
    return _result(applied, read, [], ())


def _stream(request: ImportRequest, kind: Kind, sheet: SheetFile, progress: Progress | None
            ) -> tuple[Read, Iterator[list[CommandRow]]]:
    try:
        return stream_commands(kind, sheet, progress, command=request.command)
    except RejectedError as error:
        _write_errors(request, None, error.problems)
        raise


def _result(applied: ApplyResult | None, read: Read, refused: list[Problem],
            written: tuple[str, ...]) -> ImportResult:
    sheet = read.sheet
    return ImportResult(applied, sheet.format, sheet.encoding, sheet.sheet, read.read,
                        tuple(read.warnings), read.warning_count, tuple(sheet.notes),
                        tuple(refused), written, read.unchanged)


def _parts(ws: Workspace, caller: Caller, kind: Kind, read: Read,
           chunks: Iterator[list[CommandRow]], *, vault: Vault | None, skip: Set[int],
           all_problems: bool) -> Iterator[RowChunk]:
    """Each chunk's rows keyed, with their sealed details, less the rows in `skip`; then
    a last part holding the problems: every one found reading (`all_problems`), or the
    header's only (with skip_bad the rows' problems are the refused, not a refusal)."""
    known = recorded_ids(ws)  # not `ws.facts()`: the write is checked on a snapshot first
    seen: SeenIndex[int] = SeenIndex()  # rows of each content so far: on disk past a chunk
    people = PersonalSheet()
    for chunk in chunks:
        if kind.name == "personal":  # the rows are the sealed details (or nothing)
            assert vault is not None  # check_personal_import
            # A file refused as a whole seals nothing: no data key is made for nothing.
            sealed = seal_personal_rows(ws, vault, read, [r for r in chunk if r[2] not in skip],
                                        people, all_or_nothing=all_problems)
            rows = []
        else:
            rows = _keyed(kind, read, chunk, known, seen)
            sealed = seal_roster_details(ws, caller, vault, read, chunk)
        read.personal.clear()  # sealed: a chunk's details are not kept for the file's end
        read.problems += sealed.problems
        rows = [(where, command) for where, command in _with_details(rows, sealed)
                if _row_of(where) not in skip]
        yield RowChunk(rows, trusted=bool(sealed.rows))
    yield RowChunk([], read.problems if all_problems else read.problems[:read.header_problems])


def _record(ws: Workspace, caller: Caller, parts: Iterator[RowChunk], sheet: SheetFile,
            progress: Progress | None, *, skip_bad: bool) -> ApplyResult | None:
    """One batch, as before streaming, when the file fits in a chunk; else chunk by chunk
    in one transaction (api/usecases/streaming.py)."""
    head = list(islice(parts, 3))
    if len(head) == 3:
        return apply_row_chunks(ws, caller, chain(head, parts),
                                max(sheet.claimed_rows - 1, 0), progress=progress)
    rows = [row for part in head for row in part.rows]
    problems = [problem for part in head for problem in part.problems]
    if any(part.trusted for part in head):
        caller = Caller(caller.actor)  # checked by the sealing: no role's command
    if skip_bad and problems:
        raise RejectedError(problems)
    if skip_bad and not rows:
        return None
    return apply_batch(ws, caller, Batch(rows, tuple(problems), numbered=True,
                                         precheck_users=False), progress=progress)


def _import_good(ws: Workspace, caller: Caller, request: ImportRequest, kind: Kind,
                 sheet: SheetFile, *, progress: Progress | None, vault: Vault | None
                 ) -> ImportResult:
    """Record the rows the ledger accepts; the rows it refuses join the refused. Each
    round reads the file again without the rows refused so far (a set of row numbers),
    so no round holds the file's rows."""
    skip: set[int] = set()
    ledger_refused: list[Problem] = []
    for _ in range(SKIP_ROUNDS):
        read, chunks = _stream(request, kind, sheet, progress)
        parts = _parts(ws, caller, kind, read, chunks, vault=vault, skip=skip,
                       all_problems=False)
        try:
            applied = _record(ws, caller, parts, sheet, progress, skip_bad=True)
        except RejectedError as error:
            if read.header_problems:
                _write_errors(request, read, read.problems)
                raise RejectedError(read.problems) from None
            problems = _named(read, error.problems)
            bad = {row for p in problems if (row := _row_of(p.where)) is not None}
            if not bad - skip:
                raise RejectedError(problems) from None  # not a row's fault: refuse it all
            skip |= bad
            ledger_refused += problems
            continue
        refused = [*read.problems, *ledger_refused]
        return _result(applied, read, refused, _write_refused(request, read, refused))
    raise RejectedError([*read.problems, *ledger_refused])


def _with_details(rows: list[tuple[str, dict[str, Any]]], sealed: SealedDetails
                  ) -> list[tuple[str, dict[str, Any]]]:
    """Each hire followed by its sealed details (named by the same row, so a refused row
    leaves with both); a row whose details are wrong is left out with its hire. With no
    hires (the personal kind) the sealed details are the rows."""
    if not rows:
        return sealed.rows
    if not sealed.rows and not sealed.problems:
        return rows
    bad = {_row_of(p.where) for p in sealed.problems}
    details = dict(sealed.rows)
    out: list[tuple[str, dict[str, Any]]] = []
    for where, command in rows:
        if _row_of(where) in bad:
            continue
        out.append((where, command))
        if where in details:
            out.append((where, details[where]))
    return out


def _keyed(kind: Kind, read: Read, chunk: list[CommandRow], known: Callable[[UUID], bool],
           seen: SeenIndex[int]) -> list[tuple[str, dict[str, Any]]]:
    """The rows with their idempotency keys: the file's own, else the content key (`seen`
    counts identical rows across the file's chunks). A CSV row recorded before content
    keys existed (`file:<digest>:row N`, the file's bytes) keeps that key, so importing
    an old file again still records nothing."""
    keyed = []
    for where, command, number in chunk:
        if "idempotency_key" not in command:
            key = content_key(kind, command, seen)
            legacy = f"file:{read.sheet.digest}:row {number}"
            if read.sheet.format == "csv" and known(idempotency_id(legacy)):
                key = legacy
            command["idempotency_key"] = key  # in place: no copy of the chunk's rows
        keyed.append((where, command))
    return keyed


def _named(read: Read, problems: Sequence[Problem]) -> list[Problem]:
    """The ledger's problems by the file's columns (it names the command's fields)."""
    named = []
    for problem in problems:
        field = problem.field
        column = field_column(field.split(".")[0], "record_score")
        if field and field.split(".")[0] in _FIELDS:
            field = read.column_name(column)
        # The ledger quotes the values it refuses: no more of a cell than a problem repeats.
        reason = scrubbed(problem.reason, column) if problem.field else problem.reason
        named.append(replace(problem, field=field, reason=reason))
    return named


_FIELDS = frozenset({"employee_id", "department_id", "title_grade", "post", "category",
                     "participation_class", "kind", "item", "period", "points", "count",
                     "minutes", "scheduled_days", "hired_on", "probation_until", "name",
                     "workload_base", "workload_actual", "medical_revenue_cny",
                     "full_cost_cny", "amount_cny", "risk_coefficient", "effective_on",
                     "admin_class", "admin_role"})
_ROW = re.compile(r"row (\d+)")


def _row_of(where: str) -> int | None:
    found = _ROW.search(where)
    return int(found.group(1)) if found else None


def _marks(read: Read | None, problems: Sequence[Problem]) -> list[Mark]:
    marks = []
    for problem in problems:
        row = _row_of(problem.where)
        if row is None:
            continue
        marks.append(Mark(row, _column_number(read, problem.field), translate(problem.reason)))
    return marks


def _column_number(read: Read | None, field: str) -> int | None:
    if read is None or not field:
        return None
    for number, (column, written) in enumerate(
            zip(read.header.columns, read.header.written, strict=True), start=1):
        if field in (written, column) or (column is not None
                                          and field == read.column_name(column)):
            return number
    return None


def _write_errors(request: ImportRequest, read: Read | None,
                  problems: Sequence[Problem]) -> str | None:
    if request.errors_to is None:
        return None
    sheet = read.sheet if read is not None else open_sheet(
        request.source, encoding=request.encoding, sheet=request.sheet)
    write_errors(sheet, _marks(read, problems), request.errors_to,
                 masks=masks_of(kind_of(request.kind), sheet, read))
    return request.errors_to


def _write_refused(request: ImportRequest, read: Read, refused: list[Problem]
                   ) -> tuple[str, ...]:
    if not refused:
        return ()
    written = []
    if request.rejected_to is not None:
        reasons: dict[int, list[str]] = {}
        for problem in refused:
            row = _row_of(problem.where)
            if row is not None:
                field = f"{place(problem.field)}: " if problem.field else ""
                reasons.setdefault(row, []).append(f"{field}{translate(problem.reason)}")
        write_rejected(read.sheet, read.header.written,
                       {row: "; ".join(r) for row, r in reasons.items()}, request.rejected_to,
                       masks=masks_of(kind_of(request.kind), read.sheet, read))
        written.append(request.rejected_to)
    if (errors := _write_errors(request, read, refused)) is not None:
        written.append(errors)
    return tuple(written)


# ---------------------------------------------------------------------------- templates


EXAMPLE_REASONS = {"withholding": "工资系统报送的累计预扣个税"}
# Worked example 1's ward (seeds-002.md §4): its figures, its pool, the ward itself.
SETUP_EXAMPLE = {
    "workload_base": "1000", "workload_actual": "1000", "medical_revenue_cny": "100000.00",
    "full_cost_cny": "100000.00", "amount_cny": "30962.50", "department_name": "内科",
    "department_kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-01-01",
}
PERSONAL_EXAMPLE = "示例"  # no roster code: an import says so if the row is left in


@frozen_record
class TemplateRequest:
    kind: str
    format: str
    output: str
    encoding: str = "utf-8-sig"


def template(ws: Workspace | None, caller: Caller, request: TemplateRequest) -> str:
    """Write the template of an import kind; with no ledger, the shipped scheme's lists.
    Its lists are what `caller` may read (template_labels.readable): a head's template
    names only their departments and their people."""
    kind = kind_of(request.kind)
    if request.format not in ("xlsx", "csv"):
        raise InvalidRequestError(text.NO_TEMPLATE_FORMAT)
    if caller.user is not None and kind.name not in import_kinds(caller):
        raise ForbiddenError(text.NO_TEMPLATE_FOR_ROLE.format(
            role=a_role(caller.user.role), kind=kind_word(kind.name)))
    facts = ws.facts() if ws is not None else None
    lists = template_lists(facts, caller)
    if kind.name == "roster":  # imported unchanged, the example never touches someone hired
        lists = roster_example(lists, facts.employee_ids() if facts is not None else ())
    if kind.name == "departments":  # new codes are typed: no drop-down of the known ones
        taken = facts.department_ids() if facts is not None else ()
        code = next(f"new_ward{n or ''}" for n in range(len(taken) + 1)
                    if f"new_ward{n or ''}" not in taken)
        lists = replace(lists, values={k: v for k, v in lists.values.items()
                                       if k != "department_id"},
                        example={**lists.example, "department_id": code,
                                 "department_name": "新科室"},
                        listed_example={**lists.listed_example, "department_id": code})
    if kind.name == "pool":  # a pool is an amount or a revenue, never both
        lists = replace(lists, example={**lists.example, "medical_revenue_cny": ""})
    if kind.name in EXAMPLE_REASONS:  # a reason that fits the kind's example row
        lists = replace(lists, example={**lists.example, "reason": EXAMPLE_REASONS[kind.name]})
    if kind.name == "personal":  # nobody's: an example row left in is refused, not recorded
        # both the code and the drop-down's label: the label of the first person on the
        # roster put their name on the example's bank account
        lists = replace(lists, example={**lists.example, "employee_id": PERSONAL_EXAMPLE},
                        listed_example={**lists.listed_example,
                                        "employee_id": PERSONAL_EXAMPLE})
    write_template(kind, lists, request.format, request.output, request.encoding)
    return request.output


def template_lists(facts: Facts | None, caller: Caller) -> Lists:
    """The drop-downs: the ledger's departments and people the caller may read and its
    newest pay scheme's items; with no ledger (or no scheme in it) the shipped scheme's."""
    document = _scheme_document(facts)
    departments, people = readable(facts, caller)
    items = (*document.get("deductions", {}),
             *(name for name, rule in document.get("items", {}).items()
               if isinstance(rule, dict) and rule.get("entered")))
    ratios = document.get("participation", {}).get("ratios", {})
    classes = sorted({c for by_class in ratios.values() for c in by_class})
    values = {"department_id": departments, "employee_id": people, "kind": tuple(items),
              "entry": entry_values(), "title_grade": tuple(document.get("title_points", {})),
              "post": tuple(document.get("posts", {})), "category": tuple(ratios),
              "participation_class": tuple(classes),
              "department_kind": tuple(DEPARTMENT_KIND_CHINESE.values())}
    quarter = document.get("period") == "quarter"
    example = {
        # A head with nobody in their departments is shown nobody's 工号 (and name).
        "employee_id": people[0] if people else unused_id(facts.employee_ids() if facts else ()),
        "name": "张三",
        "department_id": departments[0] if departments else "internal",
        "title_grade": next(iter(document.get("title_points", {})), ""),
        "post": next(iter(document.get("posts", {})), ""), "category": "regular",
        "participation_class": "full", "hired_on": date(2026, 1, 1).isoformat(),
        "period": "2026-Q1" if quarter else "2026-01", "entry": "deduction",
        "kind": "late", "count": "1", "minutes": "10", "reason": "迟到 10 分钟",
        "pay_period": "2026-Q1" if quarter else "2026-01", "tax_withheld_cny": "123.45",
        "bank_name": "中国工商银行某某支行", "bank_account": "6222 0000 0000 0000",
        "id_number": "11010519491231002X",  # GB 11643's own example: its check digit holds
        **SETUP_EXAMPLE,
    }
    return labelled_lists(facts, Lists({k: v for k, v in values.items() if v}, example), quarter)


def _scheme_document(facts: Facts | None) -> dict[str, Any]:
    if facts is not None:
        adopted = [e for e in facts.live.values() if isinstance(e, SchemeAdopted)
                   and e.document.get("kind") != "grading"]
        if adopted:
            newest = max(adopted, key=lambda e: (e.effective_from,
                                                 facts.positions[e.originator_id]))
            return newest.document
    return load_shipped_scheme(SHIPPED_SCHEME)
