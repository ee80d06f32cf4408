"""`jixiao apply FILE` for a file of any size: read, checked and saved in chunks.

A file of up to `CHUNK_ROWS` lines goes through `apply_batch` exactly as before. A longer
one is read a chunk of lines at a time; each chunk's rows are parsed and checked (shape,
the caller's rights, the ledger's rules against the facts with the earlier chunks) and
its events encoded once and set aside (domain/chunked_writes.py); when every chunk has
passed, all are saved in one transaction. A bad line anywhere still writes nothing and
every problem is named by its line, as before; memory holds a chunk of the input and a
lean index of the earlier chunks' entries, not the file's events (domain/chunked_writes.py).
The facts of the ledger before the batch are the fold from the snapshot of closed years
while one serves (`_apply_on_seal`), so they grow with the open years, not with history:
a batch whose answer could differ there (a refused row, a retry, a change to a sealed
year) is checked again, file read again, against every event. A spreadsheet import
(`apply_row_chunks`) is read once, sealing personal details as it goes, so it is checked
against every event.

Default idempotency keys come from the file's digest and the line number, as before: the
file is read twice (digest, then rows), stdin is first copied to a temporary file.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import field
from datetime import date
from pathlib import Path
from types import TracebackType

from api.usecases.access import check_writes
from api.usecases.ledger import (
    ApplyResult,
    Batch,
    Progress,
    Rows,
    apply_batch,
    ordered_problems,
    parse_line,
    read_jsonl_batch,
    with_default_keys,
)
from api.usecases.ports import Caller, Workspace, today_utc
from api.usecases.written_events import WrittenEvents, WrittenPositions
from domain.chunked_writes import Chunk, NotOnThisFold, record_chunks
from domain.errors import (
    DomainError,
    InvalidRequestError,
    NotFoundError,
    Problem,
    RejectedError,
)
from domain.events import LedgerEvent
from domain.facts import Facts
from domain.records import frozen_record, mutable_record
from projections.snapshots import Seal, fits_seal

CHUNK_ROWS = 5000  # lines per chunk: the bench's batch, a few MB of rows and commands
_BLOCK = 1 << 20
NOT_UTF8 = "the file is not UTF-8; save it as UTF-8"


@frozen_record
class RowChunk:
    """Rows read from one part of a file, the problems found reading it, and whether the
    caller's rights over these rows were checked already (a roster's sealed details)."""

    rows: Rows
    problems: list[Problem] = field(default_factory=list)
    trusted: bool = False


@mutable_record
class JsonlSource:
    """A JSON Lines file, its digest and its number of lines; stdin copied to a
    temporary file that closing removes."""

    path: str
    digest: str
    lines: int
    temporary: bool = False

    def __enter__(self) -> JsonlSource:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.temporary:
            Path(self.path).unlink(missing_ok=True)


def open_jsonl(path: str) -> JsonlSource:
    """The file's digest and line count, read in blocks; the errors `read_jsonl` gives
    for a missing file or a directory."""
    temporary = path == "-"
    if temporary:
        with tempfile.NamedTemporaryFile(prefix="jixiao-apply-", delete=False) as copy:
            shutil.copyfileobj(sys.stdin.buffer, copy, _BLOCK)
        path = copy.name
    digest, lines, last = hashlib.sha256(), 0, b"\n"
    try:
        with Path(path).open("rb") as source:
            while block := source.read(_BLOCK):
                digest.update(block)
                lines += block.count(b"\n")
                last = block[-1:]
    except FileNotFoundError:
        raise NotFoundError(f"no file {path!r}") from None
    except IsADirectoryError:
        raise InvalidRequestError(f"{path!r} is a directory, not a JSON Lines file") from None
    return JsonlSource(path, digest.hexdigest()[:16], lines + (last != b"\n"), temporary)


def apply_jsonl(ws: Workspace, caller: Caller, source: JsonlSource, *,
                progress: Progress | None = None, chunk_rows: int | None = None,
                today: date | None = None) -> ApplyResult:
    """Check every line and record them all or none, a chunk of lines at a time."""
    chunk_rows = chunk_rows or CHUNK_ROWS
    if source.lines <= chunk_rows:
        return apply_batch(ws, caller, read_jsonl_batch(source.path), progress=progress,
                           today=today)

    def chunks() -> Iterator[tuple[Rows, list[Problem], bool]]:
        return ((rows, problems, False) for rows, problems in read_chunks(source, chunk_rows))

    # The file can be read again: checked on the fold from a snapshot first.
    written = _apply_on_seal(ws, caller, chunks(), source.lines, progress=progress,
                             today=today)
    if written is not None:
        return written
    return _apply_chunks(ws, caller, chunks(), source.lines, progress=progress, today=today)


def apply_row_chunks(ws: Workspace, caller: Caller, chunks: Iterable[RowChunk], total: int,
                     *, progress: Progress | None = None) -> ApplyResult:
    """A spreadsheet import read a chunk at a time (api/usecases/imports.py), all or none:
    every chunk checked, then all saved in one transaction."""
    return _apply_chunks(ws, caller, ((c.rows, c.problems, c.trusted) for c in chunks),
                         total, progress=progress)


def _apply_on_seal(ws: Workspace, caller: Caller,
                   chunks: Iterable[tuple[Rows, list[Problem], bool]], total: int, *,
                   progress: Progress | None = None, today: date | None = None
                   ) -> ApplyResult | None:
    """The chunked batch checked against the fold from a snapshot of closed years that the
    session keeps (as `write_on_seal` checks a small one), so a large batch of the open
    year folds no sealed year; None, with nothing written, when its answer could differ
    from the fold of every event's (`NotOnThisFold`): the caller checks it there."""
    facts = ws.sealed_facts()
    seal = None if facts is None else facts.sealed
    if facts is None or not isinstance(seal, Seal):
        return None
    try:
        return _apply_chunks(ws, caller, chunks, total, progress=progress, today=today,
                             on=(facts, lambda events: fits_seal(facts, seal, events)))
    except NotOnThisFold:
        return None
    finally:
        ws.drop_sealed_facts()  # the batch was folded into it, its plain entries not


def _apply_chunks(ws: Workspace, caller: Caller,
                  chunks: Iterable[tuple[Rows, list[Problem], bool]], total: int, *,
                  progress: Progress | None = None, today: date | None = None,
                  on: tuple[Facts, Callable[[Sequence[LedgerEvent]], bool]] | None = None,
                  ) -> ApplyResult:
    """`on`: a fold from a snapshot to check against, and what fits it (`_apply_on_seal`)."""
    day = today or today_utc()

    def checked(rows: Rows, problems: list[Problem], trusted: bool) -> Chunk:
        ledger = ws.ledger
        commands, found, pending = ledger.check_rows(
            rows, ledger.day_window(None if on is None else on[0]))
        if caller.user is not None and not trusted:
            if on is None:
                check_writes(caller.user, rows, commands, ws.facts(), day)
            else:
                try:
                    check_writes(caller.user, rows, commands, on[0], day)
                except DomainError as error:  # a refusal is named by the full fold
                    raise NotOnThisFold from error
        return Chunk(commands, [*problems, *found], pending)

    def counted(stage: str, done: int, of: int) -> None:
        if progress is not None:
            progress(stage, done, of or total)

    try:
        report = record_chunks(ws.ledger, (checked(*chunk) for chunk in chunks),
                               caller.actor, progress=counted,
                               facts=None if on is None else on[0],
                               fits=None if on is None else on[1])
    except RejectedError as error:
        raise RejectedError(ordered_problems(Batch([], numbered=True),
                                             error.problems)) from None
    ws.chain_up_quietly()
    # Counted, read back only if asked for: the events of 200,000 rows are not kept.
    written = WrittenEvents(ws.ledger, report.first_position,
                            report.first_position + report.recorded)
    return ApplyResult(written, report.already_recorded, report.last_position,
                       WrittenPositions(report.retry_positions, written))


def read_chunks(source: JsonlSource, chunk_rows: int
                ) -> Iterator[tuple[Rows, list[Problem]]]:
    """(rows with their default keys, lines that are not JSON objects), `chunk_rows`
    lines at a time, numbered and split as `read_jsonl` does the whole text."""
    rows: Rows = []
    problems: list[Problem] = []
    number = offset = 0
    with Path(source.path).open("rb") as lines:
        for raw in lines:
            try:
                text = raw.decode("utf-8-sig" if offset == 0 else "utf-8")
            except UnicodeDecodeError as error:
                raise RejectedError([Problem(f"byte {offset + error.start}", "",
                                             NOT_UTF8)]) from None
            offset += len(raw)
            for line in text.splitlines():
                number += 1
                parsed = parse_line(number, line)
                if isinstance(parsed, Problem):
                    problems.append(parsed)
                elif parsed is not None:
                    rows.append(parsed)
            if len(rows) + len(problems) >= chunk_rows:
                yield with_default_keys(rows, source.digest), problems
                rows, problems = [], []
    if rows or problems:
        yield with_default_keys(rows, source.digest), problems

