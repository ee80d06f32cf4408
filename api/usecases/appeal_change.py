"""The fields a reviewer's "change" decision may set, derived from the contested entry
itself (a score's points, a deduction's count or minutes, attendance's scheduled days)
with their values as recorded, so the decision form offers them instead of a field name
typed by hand. Read with the same access check as the case page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from api.usecases.appeals import show_appeal
from api.usecases.ports import Caller, Workspace

# Identifiers and references are what the entry is about, never what a decision changes.
FIXED_FIELDS = frozenset({"year", "originator_version", "timestamp"})


def change_fields(ws: Workspace, caller: Caller, appeal_id: str,
                  today: date) -> list[dict[str, str]]:
    """[{"field", "value"}] of the contested entry's numbers, in the entry's own order;
    empty when the appeal contests a payout line (nothing to change field by field)."""
    case = show_appeal(ws, caller, appeal_id, today)
    entry_id = case["contested"]["entry_id"]
    entry = ws.facts().events.get(UUID(entry_id)) if entry_id else None
    if entry is None:
        return []
    body: dict[str, Any] = entry.model_dump()
    return [{"field": name, "value": str(value)} for name, value in body.items()
            if isinstance(value, int | Decimal) and not isinstance(value, bool)
            and name not in FIXED_FIELDS]


def preview_key(outcome: str, field: str, value: str) -> str:
    """What a previewed decision is known by: the decision form sends it back, and the
    decision is taken only for the very outcome and value last previewed."""
    if outcome != "change":
        return outcome
    return f"{outcome}|{field}|{value.strip()}"
