"""Closing a period: freeze its statement at the current position, recording the
statement's SHA-256 and the audit chain's head there. One implementation for
`jixiao close` and `POST /periods/{period}/close`.

Two-person close (issue 14): when the ledger requires approval (`set_close_approval`),
the first close of a period only prepares it (records the statement's hash); a
different person's `--approve` closes it, provided nothing of the period was recorded
after the preparation. Over HTTP both people are authenticated users; on the command
line the actor is only declared, so there the rule is an audit control."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid5

from api.usecases.access import check_writes
from api.usecases.integrity import receipt_after_close
from api.usecases.ledger import ApplyResult, Batch, apply_batch
from api.usecases.ports import Caller, Workspace, parse_period, today_local, today_utc
from domain.application import IDEMPOTENCY_NAMESPACE
from domain.close_order import open_before
from domain.close_review import CloseApproved, ClosePrepared, approval_required
from domain.errors import ConflictError, ForbiddenError
from domain.events import PeriodClosed, period_of
from domain.facts import Facts, field_of
from domain.periods import Period
from domain.publicity import check_close_after_publicity
from domain.records import frozen_record
from projections.payout import Statement
from projections.restatement import statement_for, statement_sha256

# English ids, shown in the reader's language by their templates (api/i18n/error_templates.py):
# each once carried both languages at once.
NOT_PREPARED = "no close of {period} is prepared; run `jixiao close --period {period}` first"
SAME_PERSON = ("the person who prepared the close of {period} ({actor}) cannot approve it; "
               "another person approves it")
OUT_OF_ORDER = ("cannot prepare the close of {period}: {open} is still open; periods close "
                "in order, close {open} first")
VOID = ("the approval is void: {count} event(s) of {period} were recorded after the close "
        "was prepared; prepare the close again")


@frozen_record
class CloseRequest:
    period: str  # 2026-Q1 … 2026-Q4, 2026-YE
    reason: str | None = None
    idempotency_key: str | None = None  # a retry with the same key returns the first close
    approve: bool = False  # approve a prepared close (two-person close)
    # The day the close is judged on (publicity still running?); None: today in the
    # organisation's zone.
    today: date | None = None


@frozen_record
class CloseResult:
    closed: PeriodClosed  # position, statement_sha256, chain_head, recorded_at
    paid_cny: Decimal | None  # the frozen statement's total; None for a replayed close
    applied: ApplyResult
    prepared_by: str | None = None  # two-person close: who prepared it
    # What the close did besides closing: the receipt written, or that none was.
    notices: tuple[str, ...] = ()
    unrecorded: tuple[str, ...] = ()  # see `unrecorded_people`

    @property
    def replayed(self) -> bool:
        return self.applied.replayed


@frozen_record
class PrepareResult:
    prepared: ClosePrepared  # the statement's hash, for the approver to compare
    paid_cny: Decimal
    applied: ApplyResult
    notices: tuple[str, ...] = ()  # a preparation writes no receipt: the close will
    unrecorded: tuple[str, ...] = ()  # see `unrecorded_people`


def close_or_prepare(ws: Workspace, caller: Caller,
                     request: CloseRequest) -> CloseResult | PrepareResult:
    """`jixiao close`: close, prepare, or approve, as the ledger's setting requires."""
    facts = ws.facts()
    if request.approve:
        return approve_close(ws, caller, request)
    if approval_required(facts) and _earlier_close(facts, request) is None:
        return prepare_close(ws, caller, request)
    return close_period(ws, caller, request)


def prepare_close(ws: Workspace, caller: Caller, request: CloseRequest) -> PrepareResult:
    period = parse_period(request.period)
    facts = ws.facts()
    # The close would refuse it; refused now, before a second person is asked to approve.
    still_open = open_before(facts, period, facts.closes)
    if still_open:
        raise ConflictError(OUT_OF_ORDER.format(period=period, open="、".join(still_open)))
    check_close_after_publicity(facts, period, request.today or today_local())
    statement = closing_statement(ws, facts, period)
    row: dict[str, Any] = {"type": "prepare_close", "period": str(period),
                           "position": facts.last_position, "reason": request.reason,
                           "statement_sha256": statement_sha256(statement)}
    applied = apply_batch(ws, caller, Batch([("close", row)]))
    prepared = next(e for e in applied.recorded if isinstance(e, ClosePrepared))
    return PrepareResult(prepared, statement.total_paid_cny, applied,
                         unrecorded=unrecorded_people(facts, period, statement))


def approve_close(ws: Workspace, caller: Caller, request: CloseRequest) -> CloseResult:
    period = parse_period(request.period)
    facts = ws.facts()
    prepared = latest_preparation(facts, period)
    if prepared is None:
        raise ConflictError(NOT_PREPARED.format(period=period))
    if prepared.actor == caller.actor:
        raise ForbiddenError(SAME_PERSON.format(period=period, actor=caller.actor))
    check_close_after_publicity(facts, period, request.today or today_local())
    since = facts.positions[prepared.originator_id]
    later = [e for _, e in _events_after(facts, since) if period_of(e) == period
             and not isinstance(e, ClosePrepared | CloseApproved)]
    statement = closing_statement(ws, facts, period)
    if later or statement_sha256(statement) != prepared.statement_sha256:
        raise ConflictError(VOID.format(period=period, count=len(later)))
    approval = {"type": "approve_close", "period": str(period),
                "preparation_id": str(prepared.originator_id),
                "prepared_by": prepared.actor, "approved_by": caller.actor}
    return close_period(ws, caller, request, approval=approval,
                        prepared_by=prepared.actor)


def latest_preparation(facts: Facts, period: Period) -> ClosePrepared | None:
    return latest_preparations(facts).get(str(period))


def latest_preparations(facts: Facts) -> dict[str, ClosePrepared]:
    """Each period's latest live preparation, in one pass (a page lists every period)."""
    found: dict[str, ClosePrepared] = {}
    for event in facts.live.values():
        if isinstance(event, ClosePrepared):
            found[event.period] = event
    return found


def _events_after(facts: Facts, position: int) -> list[tuple[int, Any]]:
    return [(facts.positions[e.originator_id], e) for e in facts.events.values()
            if facts.positions[e.originator_id] > position]


def _earlier_close(facts: Facts, request: CloseRequest) -> PeriodClosed | None:
    """A retry of a close already recorded under the request's key."""
    key = request.idempotency_key
    if key is None:
        return None
    earlier = facts.events.get(uuid5(IDEMPOTENCY_NAMESPACE, key))
    return earlier if isinstance(earlier, PeriodClosed) else None


def close_period(ws: Workspace, caller: Caller, request: CloseRequest, *,
                 approval: dict[str, Any] | None = None,
                 prepared_by: str | None = None) -> CloseResult:
    if approval is not None:
        # Before the close: a closed period takes nothing new. The ledger records a close
        # in a batch of its own, so an approval whose close then fails stays on record
        # without effect; approving again is not void because of it.
        apply_batch(ws, caller, Batch([("approval", approval)]))
    period = parse_period(request.period)
    facts = ws.facts()
    row: dict[str, Any] = {"type": "close_period", "period": str(period),
                           "reason": request.reason, "position": facts.last_position}
    if caller.user is not None:
        check_writes(caller.user, [("close", row)], [], facts, today_utc())
    key = request.idempotency_key
    earlier = _earlier_close(facts, request)
    if earlier is not None and earlier.period == str(period):
        # A retry: the statement has moved on by the close itself, so compare the period.
        applied = ApplyResult((), (earlier,), facts.last_position,
                              {earlier.originator_id: facts.positions[earlier.originator_id]})
        return CloseResult(earlier, None, applied)
    check_close_after_publicity(facts, period, request.today or today_local())
    statement = closing_statement(ws, facts, period)
    row["statement_sha256"] = statement_sha256(statement)
    row["chain_head"] = ws.chain_head_at(facts.last_position)
    if key is not None:
        row["idempotency_key"] = key
    applied = apply_batch(ws, caller, Batch([("close", row)]))
    closed = next(e for e in (*applied.recorded, *applied.already_recorded)
                  if isinstance(e, PeriodClosed))
    notice = receipt_after_close(ws, caller, closed)
    unsealed = ws.seal_closed_years(period)
    notices = (notice,) if unsealed is None else (notice, unsealed)
    return CloseResult(closed, statement.total_paid_cny, applied, prepared_by, notices,
                       unrecorded_people(facts, period, statement))


def unrecorded_people(facts: Facts, period: Period, statement: Statement) -> tuple[str, ...]:
    """The people a quarter pays although nothing of that quarter was recorded for them:
    scheme 11 pays their title and base points at full attendance (S11-R32…R42,
    docs/schemes.md), which a clerk closing the quarter should see before it is frozen."""
    if period.kind != "quarter":
        return ()
    recorded = {field_of(e, "employee_id") for e in facts.in_period(period)}
    return tuple(p.employee_id for p in statement.people
                 if p.total_cny > 0 and p.employee_id not in recorded)


def closing_statement(ws: Workspace, facts: Facts, period: Period) -> Statement:
    """The statement a close records the hash of: from a snapshot of the sealed years when
    one serves at the same position, where it is the same statement (their periods are
    settled) without recomputing every earlier close's restatement, which made each close
    slower by a year of history (issue 18); else from the fold of every event."""
    lean = ws.snapshot_facts(period)
    if lean is not None and lean.last_position == facts.last_position:
        return statement_for(lean, period)
    return statement_for(facts, period)

