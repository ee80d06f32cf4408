"""The stored bytes of an event: canonical JSON (sorted keys, UTF-8, no spaces).

`json` with these options wrote every stored event so far; its encoder was a tenth of
ingest. msgspec writes the same bytes for the values a JSON dump of an event holds
(strings, ints, booleans, null, lists, objects with string keys) in a tenth of the time,
but writes floats differently (`1e16` for `1e+16`, null for NaN). So it encodes only the
event types whose fields cannot hold a float (no `float`, `Any` or `object` anywhere in
their annotations); the others (a scheme's free document) keep `json`.
tests/unit/test_stored_encoding.py checks both give the same bytes for every event type.

An event whose fields are all plain values (`direct_dump`) is not dumped by pydantic at
all: msgspec writes its field values (UUIDs, dates, datetimes, Decimals) straight to the
bytes pydantic's JSON dump would have given; the dump was a tenth of ingest.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal, Union, cast
from uuid import UUID

import msgspec
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from pydantic import BaseModel, PlainSerializer, WrapSerializer
from pydantic.fields import FieldInfo

# One encoder for every event: json.dumps with options builds a new one on each call.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
_FAST = msgspec.json.Encoder(order="sorted")
# Types whose JSON dump is a string, an int, a boolean or null.
_PLAIN = (str, int, bool, type(None), Decimal, date, datetime, UUID)


def canonical_bytes(data: Any) -> bytes:
    return _CANONICAL.encode(data).encode()


@cache
def encoder_for(cls: type[BaseModel]) -> Callable[[Any], bytes]:
    """The encoder of a JSON dump of `cls`: msgspec's when no float can be in it."""
    hints = _hints(cls)
    plain = all(_holds_no_float(hint, set()) for name, hint in hints.items()
                if name in cls.model_fields)
    return _FAST.encode if plain else canonical_bytes


@cache
def _hints(cls: type) -> dict[str, Any]:
    """`cls`'s annotations, evaluated once: each type's writer asks three times (which
    encoder, a plain dump, free fields), and evaluating them was most of the ≈4 ms a
    hospital ingest spent setting up its writers."""
    return typing.get_type_hints(cls, include_extras=True)


# The envelope's columns, stored beside the body rather than in it.
_COLUMNS = ("originator_id", "originator_version")


def stored_state(event: BaseModel, class_version: int) -> bytes:
    """The stored body of an event: its JSON dump less the columns, canonical bytes."""
    cls = type(event)
    if direct_dump(cls):
        state = dict(event.__dict__)
        del state["originator_id"], state["originator_version"]
    else:
        state = event.model_dump(mode="json", exclude=set(_COLUMNS))
    if class_version > 1:
        state["class_version"] = class_version
    return encoder_for(cls)(state)


# Event type → the function giving its stored body (`state_writer`).
STATE_WRITERS: dict[type, Callable[[Any], bytes]] = {}
# Event type → the encoder of its field values less the columns, for the types whose
# writer is only that (`state_writer`'s first kind): `stored_rows_of` does it inline.
DIRECT_ENCODERS: dict[type, Callable[[Any], bytes]] = {}


def state_writer(cls: type[BaseModel]) -> Callable[[Any], bytes]:
    """`stored_state` for events of type `cls`, its per-type questions (a plain dump? which
    encoder? past version 1?) answered once: asked per event they were a third of it."""
    writer = STATE_WRITERS.get(cls)
    if writer is not None:
        return writer
    class_version: int = getattr(cls, "class_version", 1)
    if direct_dump(cls) and class_version == 1:
        encode = encoder_for(cls)

        def writer(event: Any) -> bytes:
            state = dict(event.__dict__)
            del state["originator_id"], state["originator_version"]
            return encode(state)
        DIRECT_ENCODERS[cls] = encode
    elif class_version == 1 and (free := free_fields(cls)):
        def writer(event: Any) -> bytes:
            state = dict(event.__dict__)
            if not all(_plain_json(state[name]) for name in free):
                return stored_state(event, class_version)
            del state["originator_id"], state["originator_version"]
            return canonical_bytes(msgspec.to_builtins(state))
    else:
        def writer(event: Any) -> bytes:
            return stored_state(event, class_version)
    STATE_WRITERS[cls] = writer
    return writer


@cache
def free_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The `dict[str, Any]` fields of `cls` (a scheme's document) when every other field
    is a plain value as `direct_dump` takes it; else none. An event of such a type whose
    free values hold only JSON's own values (no float, whose text the two dumps could
    write differently) is written without pydantic: its dump was the only use of the
    adoption event's serializer, whose build (once per process) compiles the Unicode id
    pattern (≈15 ms of a hospital ingest)."""
    hints = _hints(cls)
    free = tuple(name for name in cls.model_fields if hints[name] == dict[str, Any])
    return free if _dumps_plainly(cls, free) else ()


def _plain_json(value: Any) -> bool:
    """Whether a free value holds only text-keyed objects, lists, text, ints, booleans and
    null (no float, date or other object: for those the writer asks pydantic)."""
    kind = type(value)
    if kind is dict:
        return all(type(key) is str and _plain_json(item) for key, item in value.items())
    if kind is list:
        return all(_plain_json(item) for item in value)
    return kind in (str, int, bool) or value is None


# originator id, version, topic, state: a stored event as our recorders insert it.
StoredRow = tuple[UUID | str, int, str, bytes]


def stored_rows_of(events: Iterable[BaseModel]) -> list[StoredRow]:
    """The stored rows of events (what a StoredEvent of each would hold), as tuples: no
    StoredEvent per event, each type's topic and state writer looked up once a batch."""
    writers: dict[type, tuple[str, Callable[[Any], bytes], Callable[[Any], bytes] | None]] = {}
    rows: list[StoredRow] = []
    append = rows.append
    for event in events:
        cls = type(event)
        writer = writers.get(cls)
        if writer is None:
            write = STATE_WRITERS.get(cls) or state_writer(cls)
            writer = writers[cls] = (get_topic(cls), write, DIRECT_ENCODERS.get(cls))
        topic, write, encode = writer
        if encode is None:
            fields = event.__dict__
            append((fields["originator_id"], fields["originator_version"], topic, write(event)))
        else:  # the direct writer, inline: a call per event less (≈3 ms of a hospital)
            state = dict(event.__dict__)
            append((state.pop("originator_id"), state.pop("originator_version"), topic,
                    encode(state)))
    return rows


def insert_rows(recorder: Any, rows: list[StoredRow]) -> Sequence[int] | None:
    """`rows` in one transaction: as tuples to a recorder of ours (api/storage), which
    inserts them as they are, as StoredEvents to any other."""
    insert = getattr(recorder, "insert_rows", None)
    if insert is not None:
        return cast(Sequence[int], insert(rows))
    return cast(Sequence[int] | None,
                recorder.insert_events([StoredEvent(*row) for row in rows]))


@cache
def direct_dump(cls: type[BaseModel]) -> bool:
    """Whether msgspec writes `cls`'s field values as pydantic's JSON dump does: plain
    values only, no serializers, no computed or excluded fields."""
    return encoder_for(cls) == _FAST.encode and _dumps_plainly(cls, ())


def _dumps_plainly(cls: type[BaseModel], free: tuple[str, ...]) -> bool:
    """Whether pydantic's JSON dump of `cls` is its field values as they are: no
    serializers, no computed or excluded fields, the envelope's columns among its fields,
    and every field but the `free` ones a plain value."""
    decorators = cls.__pydantic_decorators__
    if (decorators.field_serializers or decorators.model_serializers
            or cls.model_computed_fields or not set(_COLUMNS) <= set(cls.model_fields)):
        return False
    hints = _hints(cls)
    return all(not info.exclude and _no_serializer(info.metadata)
               and (name in free or _plain_value(hints[name]))
               for name, info in cls.model_fields.items())


def _no_serializer(metadata: Any) -> bool:
    return not any(isinstance(item, PlainSerializer | WrapSerializer) or (
        isinstance(item, FieldInfo) and not _no_serializer(item.metadata)) for item in metadata)


def _plain_value(hint: Any) -> bool:
    """A scalar, or a list, tuple or text-keyed dict of them: both write these alike (no
    enums or models, and no other keys: that is where the two could differ)."""
    origin = typing.get_origin(hint)
    if origin is Annotated:
        value, *metadata = typing.get_args(hint)
        return _no_serializer(metadata) and _plain_value(value)
    if origin is Literal:
        return all(type(arg) in (str, int, bool) or arg is None for arg in typing.get_args(hint))
    if origin in (Union, types.UnionType, list, tuple):
        return all(arg is Ellipsis or _plain_value(arg) for arg in typing.get_args(hint))
    if origin is dict:
        key, value = typing.get_args(hint)
        return _is_text_key(key) and _plain_value(value)
    return hint in _PLAIN


def _holds_no_float(hint: Any, seen: set[type]) -> bool:
    origin = typing.get_origin(hint)
    if origin is Annotated:
        return _holds_no_float(typing.get_args(hint)[0], seen)
    if origin is Literal:
        return all(isinstance(arg, str | int | bool) and not isinstance(arg, float)
                   for arg in typing.get_args(hint))
    if origin in (Union, types.UnionType, list, tuple, frozenset, set):
        return all(arg is Ellipsis or _holds_no_float(arg, seen)
                   for arg in typing.get_args(hint))
    if origin is dict:
        key, value = typing.get_args(hint)
        return _is_text_key(key) and _holds_no_float(value, seen)
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        if hint in seen:
            return True
        seen.add(hint)
        hints = _hints(hint)
        return all(_holds_no_float(h, seen) for n, h in hints.items() if n in hint.model_fields)
    return isinstance(hint, type) and issubclass(hint, _PLAIN) and not issubclass(hint, float)


def _is_text_key(key: Any) -> bool:
    """Keys the dump writes as the same strings in the same order either way."""
    if typing.get_origin(key) is Annotated:
        return _is_text_key(typing.get_args(key)[0])
    if typing.get_origin(key) is Literal:
        return all(isinstance(arg, str) for arg in typing.get_args(key))
    return key is str
