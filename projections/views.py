"""Materialised payout statements: a cache of `calculate`, never a second implementation.

The abstract view is here, one implementation per database in
`api/storage/statement_views.py`. A catch-up pulls the notification log from the view's
tracked position, recomputes only the periods the new events touch, and writes those
statements together with the new position in one transaction, so each notification is
applied exactly once even if two catch-ups race (the loser rolls back).
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import field
from typing import Any

from domain.errors import BusyError, ConflictError, DomainError, InvalidRequestError, Problem
from domain.events import (
    EntryVoided,
    LedgerEvent,
    PeriodClosed,
    PoolDeclared,
    loaded_family,
)
from domain.facts import Facts
from domain.periods import Period
from domain.records import frozen_record
from domain.scheme import canonical_dumps
from projections.figure_rows import figure_rows, reports_carry_figures
from projections.payout import CalculationBlockedError
from projections.payout.extras import reaches_later_years
from projections.restatement import statement_for

VIEW_NAME = "statements"
# The stored entries the fold left out as invalid, at the view's position: a payout from
# the warm view names them as a fresh fold would, without folding (api.storage.warm_view).
INVALID_ENTRIES_NOTE = "invalid_entries"
# Whether the ledger's reports carry their figures maps by default, at the view's
# position: a payout from the warm view adds the stored maps exactly when a fresh one would.
REPORT_FIGURES_NOTE = "report_figures"

# A catch-up's (stage, statements computed, of how many), for a shell's progress bar:
# computing a period's statement is the slow part (≈4 s each on the county preset), and
# after an upgrade every period is computed again. REBUILD_STAGE when the view was emptied
# on open because another version computed its rows (`StatementView.emptied_for_other_code`).
CatchUpProgress = Callable[[str, int, int], None]
STATEMENTS_STAGE, REBUILD_STAGE = "statements", "rebuild"


@frozen_record
class RowFault:
    """Why a stored statement row cannot be trusted, as data: `verify` words it in the
    reader's language (api/i18n/findings.py); `str()` is the English a warning carries."""

    reason: str  # "row_edited" | "row_ahead" | "row_unlike_close"
    values: tuple[tuple[str, str | int], ...]

    def __str__(self) -> str:
        return ROW_FAULT_TEXTS[self.reason].format(**dict(self.values))


class TamperedWarning(str):
    """A recomputed row's warning: English text (machine output, `--json`, a served
    statement's hash) that keeps its fault, so each shell words it in its reader's
    language (api/i18n/findings.py); storage cannot know that language."""

    fault: RowFault

    def __new__(cls, fault: RowFault) -> TamperedWarning:
        warning = super().__new__(cls, f"the view was tampered with; recomputed from the "
                                       f"events: {fault}")
        warning.fault = fault
        return warning


# The English of each fault, as warnings and snapshot notes have always said it; the
# catalogue's message ids for `verify` are the same texts.
ROW_FAULT_TEXTS = {
    "row_edited": "statement row {period}: its content does not hash to its stored "
                  "sha256 {sha256}… (edited in the database)",
    "row_ahead": "statement row {period}: computed at position {position}, after the "
                 "view's position {view_position}",
    "row_unlike_close": "statement row {period}: sha256 {sha256}… differs from "
                        "{recorded}… recorded when the period was closed",
}


@frozen_record
class StoredStatement:
    period: str
    status: str  # "ok" or "blocked"
    body: str  # canonical JSON of the statement, or the blocking message
    sha256: str  # of `body`; a read recomputes it, so an edited body shows
    # The notification position the row was computed at. Not part of equality: the same
    # statement computed at two positions is the same statement.
    position: int = field(default=0, compare=False)
    # Its figures, subject → canonical JSON (`projections.figure_rows`), saved beside it:
    # `explain` and a payout with figures read them instead of recomputing the period.
    # None for a blocked statement and for a row read back (they are read by subject).
    figures: dict[str, str] | None = field(default=None, compare=False, repr=False)

    def fault(self, view_position: int) -> RowFault | None:
        """Why this row cannot be trusted, or None. The body must hash to the stored hash,
        and the row cannot have been computed after the view's own position."""
        if content_sha256(self.body) != self.sha256:
            return RowFault("row_edited", (("period", self.period),
                                           ("sha256", self.sha256[:12])))
        if self.position > view_position:
            return RowFault("row_ahead", (("period", self.period), ("position", self.position),
                                          ("view_position", view_position)))
        return None

    def problem(self, view_position: int) -> str | None:
        fault = self.fault(view_position)
        return None if fault is None else str(fault)


def content_sha256(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


class StatementView(ABC):
    # Set by an open that dropped the rows another version of the code computed (another
    # calculation's stamp, or an older table): the next catch-up computes every period.
    emptied_for_other_code: bool = False

    @abstractmethod
    def position(self) -> int:
        """The last notification id applied (0 when none)."""

    @abstractmethod
    def get(self, period: str) -> StoredStatement | None: ...

    @abstractmethod
    def periods(self) -> list[str]: ...

    def rows(self) -> list[StoredStatement]:
        """Every stored row (for verification)."""
        return [row for row in (self.get(p) for p in sorted(self.periods())) if row]

    @abstractmethod
    def save(self, statements: Iterable[StoredStatement], expected: int, position: int) -> None:
        """Upsert statements and move the tracking row from `expected` to `position`, in one
        transaction; ConflictError if another catch-up moved it first."""

    def note(self, name: str) -> tuple[int, str] | None:
        """A note kept beside the statements: (the position it holds at, its text)."""
        del name
        return None

    def save_note(self, name: str, position: int, text: str) -> None:  # noqa: B027 - optional
        """Keep a note (a cache, like the rows: one lost is recomputed, never trusted
        at another position)."""

    def close(self) -> None:  # noqa: B027 - optional for implementations
        pass


# ---------------------------------------------------------------------------- catch-up


def raise_stored(stored: StoredStatement) -> None:
    """Raise the error a blocked statement was stored with."""
    detail = json.loads(stored.body)
    if detail["problems"] is not None and detail["code"] == CalculationBlockedError.code:
        raise CalculationBlockedError(stored.period, [Problem(**p) for p in detail["problems"]])
    kind = {"conflict": ConflictError}.get(detail["code"], InvalidRequestError)
    raise kind(detail["message"])


def render_statement(facts: Facts, period: Period) -> StoredStatement:
    """The stored form of a period's statement: canonical JSON, or why it is blocked."""
    figures = None
    try:
        statement = statement_for(facts, period)
        body = canonical_dumps(statement.to_json())
        figures = figure_rows(statement.book)
        status = "ok"
    except DomainError as error:
        # Kept as structure, so a read from the view raises the very error a fresh
        # calculation would: same message, same problems.
        problems = getattr(error, "problems", None)
        body = canonical_dumps({
            "code": error.code,
            "message": str(error),
            "problems": None if problems is None else [
                {"where": p.where, "field": p.field, "reason": p.reason} for p in problems],
        })
        status = "blocked"
    return StoredStatement(str(period), status, body, content_sha256(body), facts.last_position,
                           figures)


def payable_periods(facts: Facts) -> set[Period]:
    """Every quarter with a pool, and the year end of every year that has one."""
    periods: set[Period] = set()
    for event in facts.live.values():
        if isinstance(event, PoolDeclared):
            period = Period.parse(event.period)
            periods.add(period)
            periods.add(Period(period.year, "year_end", 0))
    return periods


def touched_periods(facts: Facts, events: Sequence[LedgerEvent]) -> set[Period] | None:
    """The periods new events can change, or None for 'all of them' (roster, scheme).

    A quarter's facts move its own statement, the later quarters of its year (the bank)
    and the year end (the mean quarterly score and the reserve)."""
    touched: set[Period] = set()
    neutral = _neutral_families()
    for event in events:
        if isinstance(event, neutral) or _pay_neutral(event):
            continue
        related = [event]
        target = event.target_id if isinstance(event, EntryVoided) else event.supersedes
        if target is not None and target in facts.events:
            related.append(facts.events[target])
        if target is not None and facts.closes and any(
            getattr(fact, "period", None) in facts.closes for fact in related
        ):
            return None  # a restatement may settle in any later open quarter, even next year
        if isinstance(event, PeriodClosed):
            return None
        for fact in related:
            period_text = getattr(fact, "period", None)
            year = getattr(fact, "year", None)
            if isinstance(period_text, str):
                period = Period.parse(period_text)
                touched.add(Period(period.year, "year_end", 0))
                if period.kind == "quarter":
                    touched.update(Period(period.year, "quarter", q)
                                   for q in range(period.index, 5))
            elif isinstance(year, int):
                if reaches_later_years(fact):  # the later years' periods move too
                    return None
                touched.update(Period(year, "quarter", q) for q in range(1, 5))
                touched.add(Period(year, "year_end", 0))
            elif not isinstance(fact, EntryVoided):
                return None
    return touched


def _neutral_families() -> tuple[type, ...]:
    """The users and their passwords, the access log, the close approval setting and
    payroll's own facts
    (personal details, withholding, the payment channel: read by payslips and the bank
    file, never by a statement): facts that move no pay figure (`_pay_neutral`), by
    loaded_family, once a `touched_periods`: their modules are imported with their first
    fact, so none of theirs exists before. Payroll's facts name `pay_period`, not
    `period`, and were taken for 'every period': a withholding import rewrote the whole
    view at the next read."""
    return (*loaded_family("domain.user_facts", "USER_BODIES"),
            *loaded_family("domain.close_review", "APPROVAL_SETTINGS"),
            *loaded_family("domain.access_log", "ACCESS_EVENTS"),
            *loaded_family("domain.personal", "PAYROLL_EVENTS"),
            *loaded_family("domain.passwords", "PASSWORD_EVENTS"))


def _pay_neutral(event: LedgerEvent) -> bool:
    """Facts that move no pay figure by themselves, beside `_neutral_families`: appeal
    steps (a decision's corrections are events of their own), the grading vocabulary and
    the ledger's settings. A read records an access event; were it taken for a change of
    every period, the next read would rewrite every row before checking it."""
    return (type(event).__module__ == "domain.sanctions") or type(event).__name__ in (
        "AppealFiled", "AppealAssigned", "AppealDecided", "AppealEscalated",
        "LedgerConfigured")


def catch_up(ledger: Any, view: StatementView, tampered: dict[str, RowFault] | None = None,
             progress: CatchUpProgress | None = None) -> int:
    """Bring the view up to the ledger's last notification; returns statements written.

    A row about to be rewritten is checked first: an edited one is named in `tampered`
    (period → problem, when given), so a catch-up never quietly heals the evidence of
    tampering. `progress` hears of each statement computed (`CatchUpProgress`)."""
    expected = view.position()
    if ledger.max_position() <= expected:
        # Up to date: a report from a new process reads one row, without folding the store.
        _note_invalid_entries(ledger, view, expected)
        return 0
    facts: Facts = ledger.facts()
    if facts.last_position <= expected:
        return 0
    # Only up to what the facts hold: a write racing this catch-up is left for the next.
    new_events = folded_after(facts, expected)
    if new_events is None:
        new_events = [event for position, event in ledger.read(after=expected)
                      if position <= facts.last_position]
    payable = payable_periods(facts)
    touched = touched_periods(facts, new_events)
    targets = payable if touched is None else (touched & payable)
    periods = sorted(targets)
    statements = _rendered(facts, periods, progress,
                           REBUILD_STAGE if view.emptied_for_other_code else STATEMENTS_STAGE)
    if tampered is not None:
        for period in periods:
            row = view.get(str(period))
            fault = None if row is None else row.fault(expected)
            if fault is not None:
                tampered[str(period)] = fault
    view.save(statements, expected, facts.last_position)
    view.emptied_for_other_code = False  # rebuilt: a later catch-up is an ordinary one
    _save_notes(view, facts)
    return len(statements)


def _rendered(facts: Facts, periods: list[Period], progress: CatchUpProgress | None,
              stage: str) -> list[StoredStatement]:
    statements: list[StoredStatement] = []
    if progress is not None and periods:
        progress(stage, 0, len(periods))  # before the first: a shell says why it waits
    for period in periods:
        statements.append(render_statement(facts, period))
        if progress is not None:
            progress(stage, len(statements), len(periods))
    return statements


def _note_invalid_entries(ledger: Any, view: StatementView, position: int) -> None:
    """The notes of a view caught up before notes were kept (or one lost): written once,
    by the first catch-up that finds one missing (a fold, if this process has none)."""
    if all((note := view.note(name)) is not None and note[0] == position
           for name in (INVALID_ENTRIES_NOTE, REPORT_FIGURES_NOTE)):
        return
    facts: Facts = ledger.facts()
    if facts.last_position == position:
        _save_notes(view, facts)


def _save_notes(view: StatementView, facts: Facts) -> None:
    view.save_note(INVALID_ENTRIES_NOTE, facts.last_position, invalid_entries_text(facts))
    view.save_note(REPORT_FIGURES_NOTE, facts.last_position,
                   json.dumps(reports_carry_figures(facts)))


def invalid_entries_text(facts: Facts) -> str:
    return json.dumps(facts.invalid_entries(), ensure_ascii=False, sort_keys=True)


def folded_after(facts: Facts, position: int) -> list[LedgerEvent] | None:
    """The events the fold took in after `position`, in notification order, or None when
    the facts do not reach back that far. The fold has just read and decoded them: reading
    them from the store again cost as much as the rest of a small catch-up."""
    newer: list[LedgerEvent] = []
    earliest = None
    for event_id in reversed(facts.events):
        earliest = facts.positions[event_id]
        if earliest <= position:
            break
        newer.append(facts.events[event_id])
    else:
        if earliest is not None and earliest > position + 1:
            return None  # folded from later on (a snapshot): the store has the rest
    newer.reverse()
    return newer


CATCH_UP_ATTEMPTS_MAX = 8  # lost races in a row before the conflict is the caller's


def catch_up_settled(ledger: Any, view: StatementView,
                     tampered: dict[str, RowFault] | None = None,
                     progress: CatchUpProgress | None = None) -> int:
    """`catch_up`, where losing a race to another process is not an error: the winner
    moved the view on, so the loser re-reads its position and catches up the rest. Each
    lost race means someone else's catch-up committed, so the retries are bounded by the
    writers, not by luck; past CATCH_UP_ATTEMPTS_MAX the ConflictError stands."""
    for attempt in range(1, CATCH_UP_ATTEMPTS_MAX + 1):
        try:
            return catch_up(ledger, view, tampered, progress)
        except ConflictError as error:
            # A busy store (a lock timeout) is a conflict too, but not a race we lost:
            # retrying would only wait the timeout again.
            if isinstance(error, BusyError) or attempt == CATCH_UP_ATTEMPTS_MAX:
                raise
            # The winner filled the view: what is left is an ordinary catch-up, not the
            # rebuild after an upgrade a shell announced once.
            view.emptied_for_other_code = False
    return 0
