"""The class a stored event's topic names, only when it is one of the ledger's event types.

A topic is text in the store. Resolved the way eventsourcing resolves it (`resolve_topic`
imports the module the text names and returns whatever attribute it names), an edited
row made every reader stop with a traceback, and could make it import any module on the
path. Only a topic in our own `domain` package naming a `LedgerEvent` class is read; any
other is an `UnknownStoredType`, which the readers isolate as an `InvalidEntry`, the way
they isolate a body that no longer reads: one edited row costs one entry, not every report.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from domain.envelope import LedgerEvent
from domain.unreadable import NOT_AN_EVENT, UNKNOWN_TYPE, UnknownStoredType

__all__ = ["UnknownStoredType", "stored_class", "stored_type_name"]

_NAME_MAX = 200  # a type name is reported; an edited topic may be any length
# Topics read so far, by the event class each names: resolved and checked once a topic,
# not once an event (a type without a fast reader asks here for each of its events).
_classes: dict[str, type[LedgerEvent]] = {}


def stored_type_name(topic: str) -> str:
    """What a report calls the stored type: the topic's class name, bounded."""
    return topic.rpartition(":")[2][:_NAME_MAX] or topic[:_NAME_MAX]


def stored_class(topic: str) -> type[LedgerEvent]:
    known = _classes.get(topic)
    if known is not None:
        return known
    module, _, name = topic.partition(":")
    if not name or not (module == "domain" or module.startswith("domain.")):
        raise UnknownStoredType(UNKNOWN_TYPE, stored_type_name(topic))
    try:
        found = _resolve(topic)
    except Exception as error:  # any failure to resolve gives the same answer
        raise UnknownStoredType(UNKNOWN_TYPE, stored_type_name(topic)) from error
    if not (isinstance(found, type) and issubclass(found, LedgerEvent)):
        raise UnknownStoredType(NOT_AN_EVENT, stored_type_name(topic))
    _classes[topic] = found
    return found


def _resolve(topic: str) -> Any:
    """What `module:qualified.name` names, as eventsourcing's `resolve_topic` finds it
    (its module imported, then each name looked up), without importing eventsourcing: a
    read-only process (a what-if) need not (domain/stored_event.py). No topic of ours was
    ever registered under another name, which is all its registry adds."""
    module, _, name = topic.partition(":")
    found: Any = import_module(module)
    for part in name.split("."):
        found = getattr(found, part)
    return found
