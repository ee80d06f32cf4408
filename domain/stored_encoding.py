"""The stored bytes of an event: canonical JSON (sorted keys, UTF-8, no spaces).

`json` with these options wrote every stored event so far; its encoder was a tenth of
ingest. msgspec writes the same bytes for the values a JSON dump of an event holds
(strings, ints, booleans, null, lists, objects with string keys) in a tenth of the time,
but writes floats differently (`1e16` for `1e+16`, null for NaN). So it encodes only the
event types whose fields cannot hold a float (no `float`, `Any` or `object` anywhere in
their annotations); the others (a scheme's free document) keep `json`.
tests/unit/test_stored_encoding.py checks both give the same bytes for every event type.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal, Union
from uuid import UUID

import msgspec
from pydantic import BaseModel

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
    hints = typing.get_type_hints(cls, include_extras=True)
    plain = all(_holds_no_float(hint, set()) for name, hint in hints.items()
                if name in cls.model_fields)
    return _FAST.encode if plain else canonical_bytes


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
        hints = typing.get_type_hints(hint, include_extras=True)
        return all(_holds_no_float(h, seen) for n, h in hints.items() if n in hint.model_fields)
    return isinstance(hint, type) and issubclass(hint, _PLAIN) and not issubclass(hint, float)


def _is_text_key(key: Any) -> bool:
    """Keys the dump writes as the same strings in the same order either way."""
    if typing.get_origin(key) is Annotated:
        return _is_text_key(typing.get_args(key)[0])
    if typing.get_origin(key) is Literal:
        return all(isinstance(arg, str) for arg in typing.get_args(key))
    return key is str
