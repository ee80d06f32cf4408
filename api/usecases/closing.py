"""Closing a period: freeze its statement at the current position, recording the
statement's SHA-256 and the audit chain's head there. One implementation for
`jixiao close` and `POST /periods/{period}/close`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import uuid5

from api.usecases.access import check_writes
from api.usecases.integrity import receipt_after_close
from api.usecases.ledger import ApplyResult, Batch, apply_batch
from api.usecases.ports import Caller, Workspace, parse_period, today_utc
from domain.application import IDEMPOTENCY_NAMESPACE
from domain.events import PeriodClosed
from projections.restatement import statement_for, statement_sha256


@dataclass(frozen=True)
class CloseRequest:
    period: str  # 2026-Q1 … 2026-Q4, 2026-YE
    reason: str | None = None
    idempotency_key: str | None = None  # a retry with the same key returns the first close


@dataclass(frozen=True)
class CloseResult:
    closed: PeriodClosed  # position, statement_sha256, chain_head, recorded_at
    paid_cny: Decimal | None  # the frozen statement's total; None for a replayed close
    applied: ApplyResult

    @property
    def replayed(self) -> bool:
        return self.applied.replayed


def close_period(ws: Workspace, caller: Caller, request: CloseRequest) -> CloseResult:
    period = parse_period(request.period)
    facts = ws.facts()
    row: dict[str, Any] = {"type": "close_period", "period": str(period),
                           "reason": request.reason, "position": facts.last_position}
    if caller.user is not None:
        check_writes(caller.user, [("close", row)], [], facts, today_utc())
    key = request.idempotency_key
    if key is not None:
        # A retry: the statement has moved on by the close itself, so compare the period.
        earlier = facts.events.get(uuid5(IDEMPOTENCY_NAMESPACE, key))
        if isinstance(earlier, PeriodClosed) and earlier.period == str(period):
            applied = ApplyResult((), (earlier,), facts.last_position,
                                  {earlier.originator_id: facts.positions[earlier.originator_id]})
            return CloseResult(earlier, None, applied)
    statement = statement_for(facts, period)
    row["statement_sha256"] = statement_sha256(statement)
    row["chain_head"] = ws.chain_head_at(facts.last_position)
    if key is not None:
        row["idempotency_key"] = key
    applied = apply_batch(ws, caller, Batch([("close", row)]))
    closed = next(e for e in (*applied.recorded, *applied.already_recorded)
                  if isinstance(e, PeriodClosed))
    receipt_after_close(ws, caller, closed)
    return CloseResult(closed, statement.total_paid_cny, applied)
