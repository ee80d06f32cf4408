"""Checking rows into commands fast: each field by its own pydantic validators, once per
distinct value, instead of a whole pydantic validation per row.

A batch repeats its values (ids, periods, kinds, counts) across thousands of rows, and the
per-row validation was a fifth of ingest. Here each field of a command model gets a
TypeAdapter of exactly its annotation and constraints, run with the batch's validation
context (the day window) and remembered per distinct plain value (text, integer, null);
free text of bounded length is checked inline; the model's after-validators then run on
the built command, as pydantic would run them.

The fast path never refuses a row: anything it does not accept (a missing or unknown
key, a value a field refuses, a cross-field rule) raises `NotFast`, and the caller
validates that row with pydantic, which accepts it or words every problem as before. So
the fast path may be stricter than pydantic, never looser; the commands it builds are
the ones pydantic builds, down to the fields set (tests/unit/test_command_checking.py).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from typing import Annotated, Any, Union

import annotated_types
from pydantic import BaseModel, BeforeValidator, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from domain.envelope import ASCII_CODE, CODE_PATTERN, NORMALIZE_CODE
from domain.stored_decoding import MEMO_MAX, NotFast, Unsupported, model_checks

_MISSING = object()
# Values remembered per field: equal values of these types are the same value (a
# Decimal 1.0 equals 1 but is not the same entry, so it is checked each time), and no
# value of one equals a value of another (bool and float are not among them), so the
# memos are keyed by the value alone.
_MEMO_TYPES = frozenset((str, int, type(None)))
# What the checks remember for one validation context (`memos_for`): a value checked
# under one day window is never taken for another. Per field a memo (`_memo_key`), and
# per checker the list of its fields' memos.
Memos = dict[Any, Any]
_BY_CONTEXT: dict[Any, Memos] = {}
_SLOTS = BaseModel.__dict__
# A model's slots, set through their descriptors (object.__setattr__ looks each name up
# on the class first), as the generated checks set them.
_MODEL_SLOTS = {"new": object.__new__, "set_dict": _SLOTS["__dict__"].__set__,
                "set_given": _SLOTS["__pydantic_fields_set__"].__set__,
                "set_extra": _SLOTS["__pydantic_extra__"].__set__,
                "set_private": _SLOTS["__pydantic_private__"].__set__}
_NEW = object.__new__
_CONTEXTS_MAX = 8


def memos_for(context: Mapping[str, Any]) -> Memos:
    """The memos of a validation context, kept from batch to batch: ids, periods and
    kinds repeat across batches too. Two threads may share them: a value is remembered
    under its own context, and whatever a race drops is only checked again."""
    key = frozenset(context.items())
    memos = _BY_CONTEXT.get(key)
    if memos is None:
        if len(_BY_CONTEXT) >= _CONTEXTS_MAX:
            _BY_CONTEXT.clear()
        memos = _BY_CONTEXT[key] = {}
    return memos


class _Text:
    """A plain string field with length bounds (or None when optional): checked inline,
    as pydantic's lax str does for a str, code points counted."""

    __slots__ = ("high", "low", "optional")

    def __init__(self, low: int, high: int, optional: bool) -> None:
        self.low, self.high, self.optional = low, high, optional

    def check(self, raw: Any, context: Any, memo: dict[Any, Any]) -> Any:
        if type(raw) is str and self.low <= len(raw) <= self.high:
            return raw
        if raw is None and self.optional:
            return None
        raise NotFast


class _Memo:
    """A field's own validators, remembering (in the batch's memo) what each distinct
    plain value gave. The adapter is made at the field's first value not remembered: a
    field the process's rows always leave out (or whose values an equal field of another
    command already checked) costs none (≈0.1 ms an adapter, once a process)."""

    __slots__ = ("annotation", "validate")

    def __init__(self, annotation: Any) -> None:
        self.annotation = annotation
        # Replaced by the adapter's own validator at its first call: a slot read per value
        # after that, as when the adapter was made up front (a property was a call each).
        self.validate: Callable[..., Any] = self._first_value

    def _first_value(self, raw: Any, **kwargs: Any) -> Any:
        validate = self.validate = _adapter(self.annotation).validator.validate_python
        return validate(raw, **kwargs)

    def check(self, raw: Any, context: Any, memo: dict[Any, Any]) -> Any:
        if type(raw) not in _MEMO_TYPES:
            return _validated(self.validate, raw, context)
        value = memo.get(raw, _MISSING)
        if value is _MISSING:
            value = _validated(self.validate, raw, context)
            if len(memo) >= MEMO_MAX:
                memo.clear()
            memo[raw] = value
        return value


class _Code:
    """A `Code` field (domain/envelope.py), or `Code | None`: NFKC, then its pattern. A
    text that is ASCII after NFKC is checked by the pattern's ASCII reading, which takes
    exactly the ASCII texts the Unicode pattern takes; anything else goes to the field's
    own validators, made on first need (`_Memo`): pydantic-core compiling the Unicode
    pattern was 15-76 ms of a process's first batch, more than the rest of the checkers'
    set-up."""

    __slots__ = ("annotation", "full", "optional")

    def __init__(self, annotation: Any, optional: bool) -> None:
        self.annotation, self.optional = annotation, optional
        self.full = _Memo(annotation)

    def check(self, raw: Any, context: Any, memo: dict[Any, Any]) -> Any:
        if type(raw) is str:
            value = NORMALIZE_CODE(raw)
            if value.isascii() and ASCII_CODE.fullmatch(value):
                if len(memo) >= MEMO_MAX:
                    memo.clear()
                memo[raw] = value
                return value
        elif raw is None and self.optional:
            return None
        return self.full.check(raw, context, memo)


def _validated(validate: Callable[..., Any], raw: Any, context: Any) -> Any:
    try:
        return validate(raw, context=context)
    except ValidationError:
        raise NotFast from None


# A command type's first rows, this many, go through `CommandChecker.loop`; its generated
# function (`_compile_shape`, for the keys of the row that comes next) is made at the
# next, and so is each further one (`_Shapes`) after as many rows of other keys.
# Compiling one costs ≈0.5 ms of CPU, and most of a file's command types come a few
# times (a hospital's first batch: 11 types, 7 of them in under 25 rows): compiling
# each at its first row was ≈7 ms of a hospital ingest.
COMPILE_AFTER = 64


class CommandChecker:
    """The fast check of one command model's rows."""

    def __init__(self, cls: type[BaseModel]) -> None:
        self.cls = cls
        self.order = tuple(cls.model_fields)
        self.names = frozenset(self.order)
        self.fields: list[tuple[str, _Text | _Memo | _Code, Callable[[], Any] | None]] = [
            (name, _plan(info), _default_of(info)) for name, info in cls.model_fields.items()]
        self.checks = tuple(model_checks(cls))
        self.memo_keys = tuple(_memo_key(self, number, field)
                               for number, (_, field, _) in enumerate(self.fields))
        self._compiled: Callable[..., BaseModel] | None = None
        self._general: Callable[..., BaseModel] | None = None
        self._looped = 0
        self.check: Callable[..., BaseModel] = self._first_rows

    def __call__(self, row: Mapping[str, Any], context: Any, memos: Memos) -> BaseModel:
        """The command pydantic would build from `row` with `context`, or NotFast."""
        return self.check(row, context, memos)

    def compiled(self) -> Callable[..., BaseModel]:
        """The generated check of any row (made once)."""
        general = self._general
        if general is None:
            general = self._general = self._compile()
        return general

    def compiled_for(self, row: Mapping[str, Any]) -> Callable[..., BaseModel]:
        """The generated check of rows with exactly `row`'s keys (made once a checker;
        rows with other keys go on to `_Shapes`), or `compiled` itself when `row` is not a
        plain dict of this model's fields; `check` from then on."""
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = self.check = self._shaped_or_general(row, 1)
        return compiled

    def _shaped_or_general(self, row: Mapping[str, Any], shapes: int) -> Callable[..., BaseModel]:
        """The shaped check of `row`'s keys, the `shapes`-th of this checker, or the general
        check past SHAPES_MAX of them or for a row no shaped check can take."""
        shaped = (self._compile_shape(row, _Shapes(self, shapes))
                  if shapes <= SHAPES_MAX and type(row) is dict
                  and self.names.issuperset(row) else None)
        return shaped or self.compiled()

    def _first_rows(self, row: Mapping[str, Any], context: Any, memos: Memos) -> BaseModel:
        # A caller may hold this bound method past the compile (a batch looks each type's
        # check up once): it hands on to the generated check then.
        compiled = self._compiled
        if compiled is None:
            self._looped += 1
            if self._looped <= COMPILE_AFTER:
                return self.loop(row, context, memos)
            compiled = self.compiled_for(row)
        return compiled(row, context, memos)

    def loop(self, row: Mapping[str, Any], context: Any, memos: Memos) -> BaseModel:
        """What the generated check does, as a loop over the fields: the same command,
        the same memos filled, NotFast for the same rows (tests check both alike)."""
        if not self.names.issuperset(row):
            raise NotFast
        field_memos = memos.get(self)
        if field_memos is None:
            field_memos = memos[self] = [memos.setdefault(k, {}) for k in self.memo_keys]
        values: dict[str, Any] = {}
        for (name, field, default), memo in zip(self.fields, field_memos, strict=True):
            raw = row.get(name, _MISSING)
            if raw is _MISSING:
                if default is None:
                    raise NotFast  # a required field left out
                value = default()
            elif isinstance(field, _Text):
                value = field.check(raw, context, memo)
            else:
                value = memo.get(raw, _MISSING) if type(raw) in _MEMO_TYPES else _MISSING
                if value is _MISSING:
                    value = field.check(raw, context, memo)
            values[name] = value
        command = _NEW(self.cls)
        _SLOTS["__dict__"].__set__(command, values)
        _SLOTS["__pydantic_fields_set__"].__set__(command, set(row))
        _SLOTS["__pydantic_extra__"].__set__(command, None)
        _SLOTS["__pydantic_private__"].__set__(command, None)
        try:
            for check in self.checks:
                if check(command) is not command:
                    raise NotFast
        except (ValueError, TypeError, AssertionError, ArithmeticError):
            raise NotFast from None
        return command

    def _compile(self) -> Callable[..., BaseModel]:
        """One function per command model, its fields unrolled: a loop over the fields
        with a call per check cost more than the memo saved."""
        lines = ["def check(row, context, memos):",
                 "    if not names.issuperset(row):",
                 "        raise NotFast",  # an unknown key: pydantic names it
                 "    field_memos = memos.get(key)",
                 "    if field_memos is None:",
                 "        field_memos = memos[key] = [memos.setdefault(k, {}) for k in memo_keys]",
                 # Each field's memo a local, in one unpacking: an index per field cost more.
                 f"    {''.join(f'm{n}, ' for n in range(len(self.fields)))}= field_memos"
                 if self.fields else ""]
        scope: dict[str, Any] = {"names": self.names, "NotFast": NotFast, "MISSING": _MISSING,
                                 "key": self, "memo_keys": self.memo_keys,
                                 "cls": self.cls, **_MODEL_SLOTS}
        for number, (name, field, default) in enumerate(self.fields):
            scope[f"d{number}"], scope[f"f{number}"] = default, field
            constant = getattr(default, "constant", _MISSING)
            scope[f"c{number}"] = constant
            lines += [f"    r = row.get({name!r}, MISSING)",
                      "    if r is MISSING:",
                      "        raise NotFast" if default is None  # a required field left out
                      else f"        v{number} = c{number}" if constant is not _MISSING
                      else f"        v{number} = d{number}()"]
            if isinstance(field, _Text):
                lines += [f"    elif type(r) is str and {field.low} <= len(r) <= {field.high}:",
                          f"        v{number} = r",
                          f"    elif r is None and {field.optional}:",
                          f"        v{number} = None",
                          "    else:",
                          "        raise NotFast"]
            else:
                lines += ["    else:",
                          f"        v{number} = m{number}.get(r, MISSING)"
                          " if type(r) in MEMO_TYPES else MISSING",
                          f"        if v{number} is MISSING:",
                          f"            v{number} = f{number}.check(r, context, m{number})"]
        items = ", ".join(f"{name!r}: v{number}"
                          for number, (name, _, _) in enumerate(self.fields))
        lines += [*_command_lines(items, "set(row)"), *self._cross_field_lines(scope),
                  "    return command"]
        scope["MEMO_TYPES"] = _MEMO_TYPES
        exec("\n".join(lines), scope)  # noqa: S102 - generated from the model's own fields
        return scope["check"]  # type: ignore[no-any-return]

    def _compile_shape(self, row: Mapping[str, Any],
                       other: Callable[..., BaseModel]) -> Callable[..., BaseModel] | None:
        """`_compile` for the rows whose keys are exactly `row`'s (a file's rows of a type
        come in a few shapes): a field left out is its default at once, with no look-up
        of each field the row leaves out (most of them: a deduction names 5 of its 12),
        no test of unknown keys, and the code is half as long to compile; a row with
        other keys goes to `other`. None when such a row lacks a required field (it never
        takes the fast path: the general check declines it). The set of the fields given
        is one set for every command of the shape, as the event builders share theirs
        (domain/envelope.py): a frozen model's set is never changed in place, and
        pydantic's model_copy copies it before it adds to it."""
        given = [(number, name, field, default)
                 for number, (name, field, default) in enumerate(self.fields) if name in row]
        absent = [(number, default) for number, (name, _, default) in enumerate(self.fields)
                  if name not in row]
        if any(default is None for _, default in absent):
            return None
        lines = ["def check(row, context, memos):",
                 f"    if type(row) is not dict or len(row) != {len(given)}:",
                 "        return other(row, context, memos)",
                 *(f"    r{number} = row.get({name!r}, MISSING)" for number, name, _, _ in given),
                 # As many keys, not the same ones (no exception: a type's rows of two
                 # shapes with as many keys, as a hospital's deductions, come interleaved).
                 "    if " + " or ".join(f"r{number} is MISSING" for number, _, _, _ in given)
                 + ":" if given else "    if False:",
                 "        return other(row, context, memos)",
                 "    field_memos = memos.get(key)",
                 "    if field_memos is None:",
                 "        field_memos = memos[key] = [memos.setdefault(k, {}) for k in memo_keys]",
                 f"    {''.join(f'm{n}, ' for n in range(len(self.fields)))}= field_memos"
                 if self.fields else ""]
        scope: dict[str, Any] = {"NotFast": NotFast, "MISSING": _MISSING, "key": self,
                                 "memo_keys": self.memo_keys, "other": other,
                                 "cls": self.cls, "given": set(row),
                                 "MEMO_TYPES": _MEMO_TYPES, **_MODEL_SLOTS}
        if isinstance(other, _Shapes):
            other.scope = scope
        values = {number: f"v{number}" for number, _, _, _ in given}
        for number, default in absent:
            constant = getattr(default, "constant", _MISSING)
            if constant is not _MISSING:
                scope[f"c{number}"] = constant
                values[number] = f"c{number}"
            else:
                scope[f"d{number}"] = default
                lines.append(f"    v{number} = d{number}()")
                values[number] = f"v{number}"
        for number, _, field, _ in given:
            scope[f"f{number}"] = field
            lines += _given_lines(number, field)
        items = ", ".join(f"{name!r}: {values[number]}"
                          for number, (name, _, _) in enumerate(self.fields))
        lines += [*_command_lines(items, "given"), *self._cross_field_lines(scope),
                  "    return command"]
        exec("\n".join(lines), scope)  # noqa: S102 - generated from the model's own fields
        return scope["check"]  # type: ignore[no-any-return]

    def _cross_field_lines(self, scope: dict[str, Any]) -> list[str]:
        """The model's cross-field rules on the built command, unrolled; pydantic words
        any refusal."""
        if not self.checks:
            return []
        lines = ["    try:"]
        for number in range(len(self.checks)):
            scope[f"k{number}"] = self.checks[number]
            lines += [f"        if k{number}(command) is not command:",
                      "            raise NotFast"]
        return [*lines, "    except (ValueError, TypeError, AssertionError, ArithmeticError):",
                "        raise NotFast from None"]


def _given_lines(number: int, field: _Text | _Memo | _Code) -> list[str]:
    """A shaped check's lines for field `number`, given as `r{number}`: its value as
    `v{number}`, checked as `_compile`'s lines check it."""
    if isinstance(field, _Text):
        return [f"    if type(r{number}) is str and {field.low} <= len(r{number}) <= {field.high}:",
                f"        v{number} = r{number}",
                f"    elif r{number} is None and {field.optional}:",
                f"        v{number} = None",
                "    else:",
                "        raise NotFast"]
    return [f"    v{number} = m{number}.get(r{number}, MISSING)"
            f" if type(r{number}) in MEMO_TYPES else MISSING",
            f"    if v{number} is MISSING:",
            f"        v{number} = f{number}.check(r{number}, context, m{number})"]


# The shaped checks one command type may have: a file's rows of a type come in a few
# shapes (a hospital's deductions in three: with minutes, with points, with neither),
# each a cheap test of the row's length and keys before the next.
SHAPES_MAX = 4


class _Shapes:
    """The rows a shaped check hands on (other keys): looped, as a type's first rows are,
    then the next shaped check, made for the keys of the row that comes when there have
    been enough of them to be worth its compile; from then on the shaped check hands its
    rows to that one itself (`scope`, its globals: no call of this per row)."""

    __slots__ = ("checker", "looped", "next", "scope", "shapes")

    def __init__(self, checker: CommandChecker, shapes: int) -> None:
        self.checker, self.shapes, self.looped = checker, shapes, 0
        self.next: Callable[..., BaseModel] | None = None
        self.scope: dict[str, Any] = {}

    def __call__(self, row: Mapping[str, Any], context: Any, memos: Memos) -> BaseModel:
        following = self.next
        if following is None:
            self.looped += 1
            if self.looped <= COMPILE_AFTER:
                return self.checker.loop(row, context, memos)
            following = self.next = self.checker._shaped_or_general(row, self.shapes + 1)
            self.scope["other"] = following
        return following(row, context, memos)


def _memo_key(checker: CommandChecker, number: int, field: _Text | _Memo | _Code) -> Any:
    """Where a field's memo is kept among a context's memos: with every field of an equal
    annotation, whatever its command (equal annotations validate alike, as `_adapter`
    takes them: a batch names each employee in its hires, scores, deductions and
    attendance, and each was checked once per command type); else its own."""
    annotation = getattr(field, "annotation", None)
    if annotation is not None:
        key = ("field", type(field), annotation)
        try:
            hash(key)
        except TypeError:  # unhashable metadata: its own memo
            return (checker, number)
        return key
    return (checker, number)


@cache
def command_checker(cls: type[BaseModel]) -> CommandChecker | None:
    """The fast check of `cls`'s rows, or None when the model is left to pydantic (field
    validators, validators before or around the model, aliases, private state)."""
    decorators = cls.__pydantic_decorators__
    if (decorators.field_validators or decorators.validators or cls.__private_attributes__
            or any(d.info.mode != "after" for d in decorators.model_validators.values())
            or any(info.alias or info.validation_alias for info in cls.model_fields.values())
            or cls.model_config.get("extra") != "forbid"):
        return None
    try:
        return CommandChecker(cls)
    except Unsupported:
        return None


def _plan(info: FieldInfo) -> _Text | _Memo | _Code:
    text = _plain_text(info)
    if text is not None:
        return text
    metadata = list(info.metadata)
    annotation: Any = info.annotation
    whole = Annotated[annotation, *metadata] if metadata else annotation
    optional = _code_field(annotation, metadata)
    if optional is not None:
        return _Code(whole, optional)
    return _Memo(whole)


def _code_field(annotation: Any, metadata: list[Any]) -> bool | None:
    """Whether a field is `Code | None` (True) or `Code` (False), or None when it is
    neither: str with exactly Code's NFKC before-validator and pattern."""
    optional = False
    if typing.get_origin(annotation) in (Union, types.UnionType) and not metadata:
        members = typing.get_args(annotation)
        if len(members) != 2 or type(None) not in members:
            return None
        inner = next(m for m in members if m is not type(None))
        if typing.get_origin(inner) is not Annotated:
            return None
        annotation, *given = typing.get_args(inner)
        metadata = [m for item in given
                    for m in (item.metadata if isinstance(item, FieldInfo) else [item])]
        optional = True
    if annotation is not str or len(metadata) != 2:
        return None
    before, pattern = metadata
    if not (isinstance(before, BeforeValidator) and before.func is NORMALIZE_CODE):
        return None
    if isinstance(pattern, FieldInfo) or getattr(pattern, "__dict__", None) != {
            "pattern": CODE_PATTERN}:
        return None
    return optional


# The adapters made so far, by annotation: the command models share most of their field
# types (ids, periods, reasons), and making an adapter was most of a process's first
# batch (0.2 s for the fifteen commands of a hospital's file).
_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(annotation: Any) -> TypeAdapter[Any]:
    """A TypeAdapter of `annotation`, shared by equal annotations (equal types with equal
    constraints and the same validator functions validate alike)."""
    try:
        adapter = _ADAPTERS.get(annotation)
    except TypeError:  # unhashable metadata: its own adapter
        return TypeAdapter(annotation)
    if adapter is None:
        adapter = _ADAPTERS[annotation] = TypeAdapter(annotation)
    return adapter


def _plain_text(info: FieldInfo) -> _Text | None:
    """A str (or str | None) field whose only constraints are lengths."""
    annotation = info.annotation
    metadata = list(info.metadata)
    optional = False
    if typing.get_origin(annotation) in (Union, types.UnionType):
        members = typing.get_args(annotation)
        if len(members) != 2 or type(None) not in members:
            return None
        annotation = next(m for m in members if m is not type(None))
        optional = True
        if typing.get_origin(annotation) is Annotated:  # `Text | None`
            annotation, *inner = typing.get_args(annotation)
            metadata = [*(m for item in inner for m in (
                item.metadata if isinstance(item, FieldInfo) else [item])), *metadata]
    if annotation is not str:
        return None
    low, high = 0, 1 << 30
    for item in metadata:
        if isinstance(item, annotated_types.MinLen):
            low = item.min_length
        elif isinstance(item, annotated_types.MaxLen) and item.max_length is not None:
            high = item.max_length
        else:
            return None
    return _Text(low, high, optional)


def _default_of(info: FieldInfo) -> Callable[[], Any] | None:
    if info.is_required():
        return None
    factory = info.default_factory
    if factory is None and isinstance(info.default, str | int | date | None):
        return _Constant(info.default)
    if factory is not None and not info.default_factory_takes_validated_data:
        return factory  # type: ignore[return-value]
    return lambda: info.get_default(call_default_factory=True)


class _Constant:
    """An immutable default, put in the command as it is."""

    __slots__ = ("constant",)

    def __init__(self, constant: Any) -> None:
        self.constant = constant

    def __call__(self) -> Any:
        return self.constant


def _command_lines(items: str, given: str) -> list[str]:
    """A generated check's lines that make the command from its checked values (`items`,
    a dict display's inside) and the names the row gave (`given`, an expression)."""
    # The model's slots set through their descriptors (object.__setattr__ looks each
    # name up on the class first).
    return ["    command = new(cls)",
            f"    set_dict(command, {{{items}}})",
            f"    set_given(command, {given})",
            "    set_extra(command, None)",
            "    set_private(command, None)"]
