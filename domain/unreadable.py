"""Why a stored event no longer reads as its type, as structure the shells word.

An `InvalidEntry` (domain/envelope.py) carries one `UnreadableValue` per problem: where
it is (the field's dotted path; "" for the entry as a whole), what kind it is (pydantic's
error type, or one of CODES for what is not a field's value) and the values its wording
needs. The English `reason` a report's `--json` keeps is made here from the same
structure, as it always read; the reader's language is the shells' (api/i18n/unreadable.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final
from uuid import UUID

from pydantic import ValidationError

from domain.envelope import InvalidEntry, UnreadableValue

if TYPE_CHECKING:
    from domain.stored_event import StoredColumns

__all__ = ["CODES", "UnreadableId", "invalid_entry", "reason_text", "unreadable_values"]

# Our own codes, beside pydantic's error types.
UNKNOWN_TYPE: Final = "unknown_event_type"  # the topic names no module or class of ours
NOT_AN_EVENT: Final = "not_an_event_type"  # it names one of ours that is not an event
UNREADABLE: Final = "unreadable"  # the stored body is not one (not JSON, an upcast failed)
UNREADABLE_ID: Final = "unreadable_id"  # the row's originator id is no UUID (domain/stored_ids.py)
CODES: Final = (UNKNOWN_TYPE, NOT_AN_EVENT, UNREADABLE, UNREADABLE_ID)
_TYPE_WORDING: Final = {UNKNOWN_TYPE: "unknown event type", NOT_AN_EVENT: "not an event type"}
_TEXT_MAX = 2000  # what one reason keeps of an edited row's text
_ID_MAX = 100  # what it keeps of an edited id, as projections.chain_links.shown_id does


class UnknownStoredType(ValueError):
    """A stored topic that names none of the ledger's event types."""

    def __init__(self, code: str, type_name: str) -> None:
        self.code, self.type_name = code, type_name
        super().__init__(f"{_TYPE_WORDING[code]}: {type_name!r}")


class UnreadableId(ValueError):
    """A stored row whose originator id is not a UUID: `stored` is its text, as `repr`
    shows it (quoted, control characters and bidi overrides escaped), bounded."""

    def __init__(self, stored: object, position: int) -> None:
        self.stored, self.position = repr(str(stored)[:_ID_MAX]), position
        super().__init__(f"stored id {self.stored} is not a UUID (position {position})")


def invalid_entry(stored_type: str, stored_event: StoredColumns,
                  error: Exception) -> InvalidEntry:
    """What the fold is given for a stored event that does not read as its type."""
    problems = unreadable_values(error)
    try:
        state = json.loads(stored_event.state)
        recorded_at = datetime.fromisoformat(state["recorded_at"])
        actor = str(state.get("actor") or "unknown")[:500] or "unknown"
    except (ValueError, TypeError, KeyError, AttributeError):
        recorded_at, actor = datetime(1970, 1, 1, tzinfo=UTC), "unknown"
    return InvalidEntry(
        originator_id=UUID(str(stored_event.originator_id)), recorded_at=recorded_at,
        actor=actor,
        stored_type=stored_type, problem=reason_text(problems), problems=problems)


def unreadable_values(error: Exception) -> tuple[UnreadableValue, ...]:
    """The problems an error reading a stored event names."""
    if isinstance(error, UnreadableId):
        return (UnreadableValue(field="", code=UNREADABLE_ID, context=(
            ("id", error.stored), ("position", str(error.position)))),)
    if isinstance(error, UnknownStoredType):
        return (UnreadableValue(field="", code=error.code,
                                context=(("type", error.type_name),)),)
    if not isinstance(error, ValidationError):
        first = (str(error).splitlines() or [""])[0][:_TEXT_MAX]
        return (UnreadableValue(field="", code=UNREADABLE, context=(("error", first),)),)
    values = []
    for e in error.errors():
        context = {str(k): str(v)[:_TEXT_MAX] for k, v in e.get("ctx", {}).items()}
        message = e["msg"].removeprefix("Value error, ")[:_TEXT_MAX]
        if context.get("error") != message:  # a value error's message is its error
            context["message"] = message  # a custom error type's wording is only here
        values.append(UnreadableValue(field=".".join(map(str, e["loc"])), code=e["type"],
                                      context=tuple(sorted(context.items()))))
    return tuple(values)


def reason_text(values: tuple[UnreadableValue, ...]) -> str:
    """The English reason, as reports have always given it (and `--json` keeps)."""
    parts = []
    for value in values:
        context = dict(value.context)
        if value.code in _TYPE_WORDING:
            parts.append(f"{_TYPE_WORDING[value.code]}: {context['type']!r}")
        elif value.code == UNREADABLE:
            parts.append(context["error"])
        elif value.code == UNREADABLE_ID:
            parts.append(f"stored id {context['id']} is not a UUID "
                         f"(position {context['position']})")
        else:
            message = context.get("message", context.get("error", value.code))
            parts.append(f"{value.field or 'body'}: {message}")
    return "; ".join(parts)[:_TEXT_MAX]
