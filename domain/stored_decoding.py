"""Reading stored events fast: msgspec typed decoding instead of a second pydantic pass.

Events are validated when written, but a read must still refuse a stored value that no
longer reads as its type (an InvalidEntry, domain/envelope.py) rather than trust it.
Per event type, a msgspec Struct generated from the pydantic model checks the JSON's
shape, types, literals and plain ranges in C; each field that has pydantic validators of
its own (ids, periods, decimals, dates …) is then checked by exactly those validators, once
per distinct stored value (ids and periods repeat across thousands of events); the event
is built as pydantic's `model_construct` would, and the model's own checks run on it.

The fast path never decides that an event is invalid: whatever it does not accept raises
`NotFast`, and the caller validates that event with pydantic, which accepts it or words
the error exactly as before. So the fast path may be stricter than pydantic, never
looser; tests/unit/test_stored_decoding.py compares both on every event type.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal, Union
from uuid import UUID

import annotated_types
import msgspec
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from domain.envelope import Code, Frozen, LedgerEvent
from domain.strict_input import STORED_CONTEXT

# Distinct values remembered per field before the memo starts again: ids, periods,
# points and dates repeat; a free text that does not repeat only costs its slot.
MEMO_MAX = 1 << 16
# The envelope's columns, not the stored body's: they come from the store's own fields.
_COLUMNS = ("originator_id", "originator_version")
_MISS = object()
_UUID_TEXT = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class NotFast(Exception):
    """The fast path does not vouch for this stored event: validate it with pydantic."""


class Unsupported(Exception):
    """A model the fast paths cannot check field by field (pydantic does it)."""


_Check = Callable[[Any], Any]


class _Field:
    """One body field: its name, its check of the decoded value (None: msgspec's type was
    the whole check), and its default when the stored body leaves it out."""

    __slots__ = ("check", "default", "name")

    def __init__(self, name: str, check: _Check | None, default: Callable[[], Any]) -> None:
        self.name = name
        self.check = check
        self.default = default


class StoredDecoder:
    """The fast reader of one event type's stored bodies."""

    def __init__(self, cls: type[LedgerEvent]) -> None:
        self.cls = cls
        self.order = tuple(cls.model_fields)
        self.fields: list[_Field] = []
        complete: list[tuple[str, Any]] = []
        partial: list[tuple[str, Any, Any]] = []
        for name, info in cls.model_fields.items():
            if name in _COLUMNS:
                continue
            wire, check = _plan_field(info)
            complete.append((name, wire))
            partial.append((name, wire | msgspec.UnsetType, msgspec.UNSET))
            self.fields.append(_Field(name, check, _default_of(info)))
        # Events are stored with every field (model_dump), so the common body decodes as
        # the complete struct; an older body without a newer field takes `partial`.
        self._partial = msgspec.json.Decoder(msgspec.defstruct(
            f"Partial{cls.__name__}", partial, forbid_unknown_fields=True)).decode
        self._checks = tuple(model_checks(cls))
        self.decode = self._compile(msgspec.json.Decoder(msgspec.defstruct(
            f"Stored{cls.__name__}", complete, forbid_unknown_fields=True)).decode)

    def _with_defaults(self, state: bytes, originator_id: UUID,
                       originator_version: int) -> LedgerEvent:
        """A body that leaves fields out (written before they existed): their defaults."""
        try:
            raw = msgspec.structs.astuple(self._partial(state))
        except msgspec.MsgspecError:
            raise NotFast from None
        values: dict[str, Any] = {"originator_id": originator_id,
                                  "originator_version": originator_version}
        given = set(_COLUMNS)
        for spec, value in zip(self.fields, raw, strict=True):
            if value is msgspec.UNSET:
                values[spec.name] = spec.default()
                continue
            given.add(spec.name)
            values[spec.name] = value if spec.check is None else spec.check(value)
        event = object.__new__(self.cls)
        _build(event, {name: values[name] for name in self.order}, given)
        return _checked(event, self._checks)

    def _compile(self, decode: Callable[[bytes], Any]) -> Callable[..., LedgerEvent]:
        """`decode(state, originator_id, originator_version)`: one function per event
        type, its fields unrolled (a loop over the fields with a call per check cost more
        than msgspec's whole decode)."""
        names = [f"r{number}" for number in range(len(self.fields))]
        lines = [
            "def decode(state, originator_id, originator_version):",
            "    if type(originator_id) is not UUID:",
            "        originator_id = canonical_uuid(originator_id)",
            "    if type(originator_version) is not int:",
            "        raise NotFast",
            "    try:",
            "        body = complete(state)",
            "    except MsgspecError:",
            "        return with_defaults(state, originator_id, originator_version)",
            f"    {', '.join(names)}, = astuple(body)",
        ]
        scope: dict[str, Any] = {
            "complete": decode, "MsgspecError": msgspec.MsgspecError, "NotFast": NotFast,
            "UUID": UUID, "canonical_uuid": _canonical_uuid, "astuple": msgspec.structs.astuple,
            "with_defaults": self._with_defaults, "MISS": _MISS, "cls": self.cls,
            "new": object.__new__, "set_dict": _SET_DICT, "set_given": _SET_GIVEN,
            "set_extra": _SET_EXTRA, "set_private": _SET_PRIVATE,
            "checked": _checked, "checks": self._checks,
            # One set of the names for every event of the type: a set per event was a
            # third of an event's memory. pydantic copies it before it changes one (in
            # model_copy), and a frozen event is never changed in place.
            "given": set(self.order),
        }
        for number, spec in enumerate(self.fields):
            check = spec.check
            if isinstance(check, _Memo):
                scope[f"m{number}"], scope[f"s{number}"] = check.memo, check
                lines += [f"    v{number} = m{number}.get(r{number}, MISS)",
                          f"    if v{number} is MISS:",
                          f"        v{number} = s{number}(r{number})"]
            elif check is not None:
                scope[f"s{number}"] = check
                lines.append(f"    v{number} = s{number}(r{number})")
            else:
                lines.append(f"    v{number} = r{number}")
        position = {spec.name: number for number, spec in enumerate(self.fields)}
        items = ", ".join(f"{name!r}: {name if name in _COLUMNS else f'v{position[name]}'}"
                          for name in self.order)
        # What `_build` does, inline: a call per event is a measurable share here.
        lines += ["    event = new(cls)",
                  f"    set_dict(event, {{{items}}})",
                  "    set_given(event, given)",
                  "    set_extra(event, None)",
                  "    set_private(event, None)",
                  "    return checked(event, checks) if checks else event"]
        exec("\n".join(lines), scope)  # noqa: S102 - generated from the model's own fields
        return scope["decode"]  # type: ignore[no-any-return]


def _build(event: LedgerEvent, values: dict[str, Any], given: set[str]) -> None:
    # What model_construct does, without its generic per-field bookkeeping: every value
    # was checked by the field's own validators.
    _SET_DICT(event, values)
    _SET_GIVEN(event, given)
    _SET_EXTRA(event, None)
    _SET_PRIVATE(event, None)


# The slots every pydantic model instance has, set through their descriptors directly:
# `object.__setattr__` looked each name up on the class first, a third of building an
# event. `object.__new__` likewise skips looking `__new__` up through the model's bases
# (a model defines none of its own).
_SET_DICT = BaseModel.__dict__["__dict__"].__set__
_SET_GIVEN = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__


def _checked(event: LedgerEvent, checks: tuple[Callable[[Any], Any], ...]) -> LedgerEvent:
    """The model's cross-field rules, run on the built event; any refusal is pydantic's to
    word."""
    for check in checks:
        try:
            if check(event) is not event:
                raise NotFast
        except (ValueError, TypeError, AssertionError, ArithmeticError):
            raise NotFast from None
    return event


def _canonical_uuid(value: Any) -> UUID:
    """A store's id column given as text: only the canonical spelling, which every UUID
    parser reads alike; pydantic decides any other."""
    if not isinstance(value, str) or _UUID_TEXT.fullmatch(value) is None:
        raise NotFast
    return UUID(value)


@cache
def stored_decoder(cls: type[LedgerEvent]) -> StoredDecoder | None:
    """The fast reader of `cls`, or None when the type is left to pydantic (a free-form
    document, a field validator, private state)."""
    decorators = cls.__pydantic_decorators__
    if (decorators.field_validators or decorators.validators or cls.__private_attributes__
            or any(d.info.mode != "after" for d in decorators.model_validators.values())):
        return None
    try:
        return StoredDecoder(cls)
    except Unsupported:
        return None


def fast_reader(cls: type[LedgerEvent]) -> Callable[..., LedgerEvent] | None:
    """`decode(state, originator_id, originator_version)` for `cls`, or None. A class past
    version 1 reads older bodies through its upcasts, on pydantic's path."""
    decoder = stored_decoder(cls) if cls.class_version == 1 else None
    return decoder.decode if decoder is not None else None


# ------------------------------------------------------------------ fields


def _plan_field(info: FieldInfo) -> tuple[Any, _Check | None]:
    """(msgspec type of the stored value, check giving the field's value or raising
    NotFast). Plain types msgspec checks exactly need no check of their own; the others
    are checked by pydantic's own validators for the field, memoised per value."""
    annotation: Any = info.annotation
    metadata = list(info.metadata)
    exact = _exact_wire(annotation, metadata)
    if exact is not None:
        return exact, None
    wire = _wire(annotation)
    try:
        key: Any = (annotation, *metadata)
        hash(key)
    except TypeError:
        key = None
    check = _CHECKS.get(key) if key is not None else None
    if check is None:
        check = _new_check(annotation, metadata, wire)
        if key is not None:
            # One check per field type, shared by every event type that has it: a memo
            # learns an id or an instant once, not once per event type.
            _CHECKS[key] = check
    return wire, check


_CHECKS: dict[Any, _Check] = {}


def forget_values() -> None:
    """Drop every value the field checks remember (the checks themselves stay): the next
    fold checks each stored value as a new process's first fold does (bench/phases.py)."""
    for check in _CHECKS.values():
        memo = getattr(check, "memo", None)
        if memo is not None:
            memo.clear()
# A batch's events share their recorded instant; a store written one event at a time has
# as many instants as events, so that memo is kept small.
INSTANT_MEMO_MAX = 1 << 10


def _new_check(annotation: Any, metadata: list[Any], wire: Any) -> _Check:
    def adapter() -> TypeAdapter[Any]:
        return TypeAdapter(Annotated[annotation, *metadata] if metadata else annotation)

    if _flat_dict(wire):
        return _DictMemo(adapter())
    if _contains_dict(wire):
        return _direct(adapter())
    if _contains(annotation, datetime):
        return _Memo(adapter, INSTANT_MEMO_MAX)
    return _Memo(adapter, quick=_quick_check(annotation, metadata))


# Ids (`Code`) in plain ASCII letters, digits, '_', '.' and '-' are a subset of what the
# Code pattern accepts, and NFKC leaves them as they are: read as stored, without
# pydantic. Compiling the Code pattern's Unicode classes (pydantic-core's regex) took
# 0.13-0.15 s of the first fold in a process; an id outside the subset still pays it.
_ASCII_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")


def _ascii_code(raw: Any) -> bool:
    return type(raw) is str and raw.isascii() and _ASCII_CODE.fullmatch(raw) is not None


def _ascii_code_or_none(raw: Any) -> bool:
    return raw is None or _ascii_code(raw)


class _CodeShapes(Frozen):  # deferred: no schema is built, only the fields collected
    one: Code
    optional: Code | None = None


_QUICK: dict[Any, Callable[[Any], bool]] = {
    (info.annotation, *info.metadata): quick
    for info, quick in ((_CodeShapes.model_fields["one"], _ascii_code),
                        (_CodeShapes.model_fields["optional"], _ascii_code_or_none))}


def _quick_check(annotation: Any, metadata: list[Any]) -> Callable[[Any], bool] | None:
    """A check that vouches for the common values of this field type without pydantic
    (a value it does not vouch for is validated as usual), or None."""
    try:
        return _QUICK.get((annotation, *metadata))
    except TypeError:
        return None


class _Memo:
    """A field's check, remembering the value each distinct stored value read as. Its
    pydantic validator is built on the first value `quick` does not vouch for."""

    __slots__ = ("limit", "make", "memo", "quick", "validate")

    def __init__(self, make: Callable[[], TypeAdapter[Any]], limit: int = MEMO_MAX,
                 quick: Callable[[Any], bool] | None = None) -> None:
        self.make = make
        self.validate: Callable[..., Any] | None = None
        self.memo: dict[Any, Any] = {}
        self.limit = limit
        self.quick = quick

    def _validated(self, raw: Any) -> Any:
        if self.validate is None:
            self.validate = self.make().validate_python
        return _validated(self.validate, raw)

    def __call__(self, raw: Any) -> Any:
        try:
            return self.memo[raw]
        except KeyError:
            pass
        except TypeError:  # a dict inside: no key; checked each time
            return self._validated(raw)
        value = raw if self.quick is not None and self.quick(raw) else self._validated(raw)
        if len(self.memo) >= self.limit:
            self.memo.clear()
        self.memo[raw] = value
        return value


class _DictMemo:
    """A flat dict field's check (most often `{}`), remembering what each distinct stored
    dict read as; every event gets a dict of its own (a copy), as validation gives it."""

    __slots__ = ("memo", "validate")

    def __init__(self, adapter: TypeAdapter[Any]) -> None:
        self.validate = adapter.validate_python
        self.memo: dict[Any, Any] = {}

    def __call__(self, raw: Any) -> Any:
        if type(raw) is not dict:
            return _validated(self.validate, raw)  # None, for an optional one
        key = tuple(raw.items())
        try:
            value = self.memo.get(key)
        except TypeError:  # a container inside after all
            return _validated(self.validate, raw)
        if value is None:
            value = _validated(self.validate, raw)
            if len(self.memo) >= MEMO_MAX:
                self.memo.clear()
            self.memo[key] = value
        return dict(value)


def _flat_dict(wire: Any) -> bool:
    """A dict (or an optional one) of plain keys and values: hashable as its items."""
    options = _union_members(wire) or (wire,)
    dicts = [option for option in options if typing.get_origin(option) is dict]
    return len(dicts) == 1 and all(
        option is type(None) or option is dicts[0] for option in options) and not any(
        arg is Any or _contains_dict(arg) or typing.get_origin(arg) in (tuple, list)
        for arg in typing.get_args(dicts[0]))


def _direct(adapter: TypeAdapter[Any]) -> _Check:
    # The adapter's core validator itself: the adapter's wrapper cost as much again.
    validate = adapter.validator.validate_python

    def check(raw: Any) -> Any:
        try:
            return validate(raw, context=STORED_CONTEXT)
        except ValidationError:
            raise NotFast from None

    return check


def _validated(validate: Callable[..., Any], raw: Any) -> Any:
    try:
        return validate(raw, context=STORED_CONTEXT)
    except ValidationError:
        raise NotFast from None


_PLAIN_EXACT = (bool, UUID, type(None))


def _exact_wire(annotation: Any, metadata: list[Any]) -> Any:
    """The msgspec type that checks this field exactly as pydantic does, or None.

    Exact only for: plain strings with length bounds (msgspec counts code points, as
    pydantic does), integers with bounds, UUIDs, booleans, literals, and those or None."""
    if any(not isinstance(m, annotated_types.MinLen | annotated_types.MaxLen
                          | annotated_types.Ge | annotated_types.Le) for m in metadata):
        return None
    options = _union_members(annotation)
    if options is None:
        options = (annotation,)
    meta = _msgspec_meta(metadata)
    # `str | None` with bounds: pydantic bounds the string and lets None through, as
    # msgspec does with the bounds on the string alone.
    nullable_bounded = len(options) == 2 and type(None) in options
    wires: list[Any] = []
    for option in options:
        if option is str or option is int:
            wires.append(Annotated[option, meta] if meta is not None else option)
        elif option is type(None) and nullable_bounded:
            wires.append(option)
        elif option in _PLAIN_EXACT or typing.get_origin(option) is Literal:
            if meta is not None:
                return None
            wires.append(option)
        else:
            return None
    return Union[tuple(wires)] if len(wires) > 1 else wires[0]


def _msgspec_meta(metadata: list[Any]) -> msgspec.Meta | None:
    bounds: dict[str, int] = {}
    for item in metadata:
        if isinstance(item, annotated_types.MinLen):
            bounds["min_length"] = item.min_length
        elif isinstance(item, annotated_types.MaxLen):
            bounds["max_length"] = item.max_length if item.max_length is not None else 0
        elif isinstance(item, annotated_types.Ge):
            bounds["ge"] = int(item.ge)  # type: ignore[call-overload]
        elif isinstance(item, annotated_types.Le):
            bounds["le"] = int(item.le)  # type: ignore[call-overload]
    return msgspec.Meta(**bounds) if bounds else None  # type: ignore[call-overload]


def _union_members(annotation: Any) -> tuple[Any, ...] | None:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return typing.get_args(annotation)
    return None


def _wire(annotation: Any) -> Any:
    """The JSON shape a stored value of this type has, as a msgspec type: what the field's
    validators then receive. Decimals and dates are stored as text."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _wire(typing.get_args(annotation)[0])
    members = _union_members(annotation)
    if members is not None:
        return Union[tuple(_wire(member) for member in members)]
    if origin is Literal or annotation in (str, int, bool, type(None)):
        return annotation
    if annotation is Any:
        # A free-form value (a scheme's document): msgspec reads JSON as pydantic does,
        # and refuses what it reads otherwise (NaN, ±Infinity), which pydantic then reads.
        return Any
    if annotation in (Decimal, date, datetime):
        return str
    if annotation is UUID:
        return UUID
    if origin is tuple:
        args = typing.get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple[_wire(args[0]), ...]  # type: ignore[misc]
    if origin is dict:
        key, value = typing.get_args(annotation)
        return dict[_wire(key), _wire(value)]  # type: ignore[misc]
    raise Unsupported(annotation)  # Any, nested models …: pydantic reads those


def _contains(annotation: Any, kind: type) -> bool:
    if annotation is kind:
        return True
    return any(_contains(arg, kind) for arg in typing.get_args(annotation)
               if not isinstance(arg, FieldInfo))


def _contains_dict(wire: Any) -> bool:
    return typing.get_origin(wire) is dict or any(
        _contains_dict(arg) for arg in typing.get_args(wire))


def _default_of(info: FieldInfo) -> Callable[[], Any]:
    if info.is_required():
        return _missing
    return lambda: info.get_default(call_default_factory=True)


def _missing() -> Any:
    raise NotFast  # msgspec refuses a missing required field first; this is a backstop


def model_checks(cls: type[Any]) -> list[Callable[[Any], Any]]:
    """The model's own after-validators (cross-field rules), as plain calls on an instance
    (a stored event's here, a command's in domain/command_checking.py)."""
    checks = []
    for decorator in cls.__pydantic_decorators__.model_validators.values():
        function = decorator.func
        if len(inspect.signature(function).parameters) != 1:
            raise Unsupported(function)
        checks.append(function)
    return checks
