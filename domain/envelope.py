"""The envelope every stored fact and every command shares, and the field types bodies use.

Pay facts (domain/events.py) and grading facts (domain/sanctions.py) are both declared on
this base; domain/events.py then gathers both families into one registry. Keeping the
base here, below both, is what lets the registry import the grading facts without the
grading facts importing the registry back.
"""

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from types import UnionType
from typing import Annotated, Any, ClassVar, Literal, TypeVar, Union, get_args, get_origin
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from domain.money import cny_field, points_field, quantity_field
from domain.periods import period_text
from domain.strict_input import to_day, to_history_day, to_integer

# Commands are built here but imported from, and registered in, domain.events; they keep
# that module name so their schemas and reprs read as they always have.
COMMANDS_MODULE = "domain.events"

# Every number and date a fact carries has a range (domain/limits.py) and one spelling
# (domain/strict_input.py); stored events are read with the ranges only.
Exact = Annotated[Decimal, BeforeValidator(quantity_field)]
Points = Annotated[Decimal, BeforeValidator(points_field)]
Cny = Annotated[Decimal, BeforeValidator(cny_field)]
Int = Annotated[int, BeforeValidator(to_integer)]
Day = Annotated[date, BeforeValidator(to_day)]
HistoryDay = Annotated[date, BeforeValidator(to_history_day)]
PeriodText = Annotated[str, BeforeValidator(period_text)]


def _nfkc(value: Any) -> Any:
    # One identity per id however it was typed: full-width `Ｅ0001` is `E0001`.
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


# Ids in any script: a letter or digit, then letters, digits, '_', '.', '-' (\w is
# Unicode-aware in both Python's and pydantic's regex engines), after NFKC. No space or
# newline can pass the pattern, so "E0001\n" is refused, not trimmed.
CODE_PATTERN = r"^[^\W_][\w.\-]{0,63}$"
Code = Annotated[str, BeforeValidator(_nfkc), Field(pattern=CODE_PATTERN)]
# The ASCII texts CODE_PATTERN takes: for ASCII, `[^\W_]` is a letter or digit and `\w`
# adds '_' (domain/command_checking.py checks ASCII ids with this, not the Unicode one).
ASCII_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
NORMALIZE_CODE = _nfkc
Text = Annotated[str, Field(min_length=1, max_length=500)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class LedgerEvent(Frozen):
    """Envelope of every stored fact. `recorded_at` is when the ledger learned it."""

    class_version: ClassVar[int] = 1

    originator_id: UUID
    originator_version: int = 1
    recorded_at: datetime
    actor: Text
    reason: Text | None = None
    rule_ref: str | None = Field(default=None, max_length=200)
    evidence_ref: str | None = Field(default=None, max_length=500)
    idempotency_key: str | None = Field(default=None, max_length=200)
    supersedes: UUID | None = None

    @property
    def effective(self) -> str:
        """The period or date this fact belongs to (effective time)."""
        for name in ("period", "effective_on", "hired_on", "first_day", "effective_from"):
            value = getattr(self, name, None)
            if value is not None:
                return str(value)
        year = getattr(self, "year", None)
        return str(year) if year is not None else ""


class CommandEnvelope(Frozen):
    """What every command may carry besides its body. The actor is not here: the shell
    that authenticated the caller supplies it."""

    reason: Text | None = None
    rule_ref: str | None = Field(default=None, max_length=200)
    evidence_ref: str | None = Field(default=None, max_length=500)
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=200)
    supersedes: UUID | None = None

    event_class: ClassVar[type[LedgerEvent]]

    @model_validator(mode="after")
    def _corrections_say_why(self) -> "CommandEnvelope":
        if self.supersedes is not None and not self.reason:
            raise ValueError("a correction (supersedes) must give a reason")
        return self

    def to_event(self, *, originator_id: UUID, recorded_at: datetime, actor: str) -> LedgerEvent:
        if not _plain_envelope(originator_id, recorded_at, actor):
            # Let pydantic name what is wrong, as it always has.
            body = self.model_dump(exclude={"type"})
            return self.event_class(
                originator_id=originator_id, recorded_at=recorded_at, actor=actor, **body
            )
        # The body was validated as this command, by the same field types and model
        # validators the event has (its envelope fields are at least as strict), so
        # validating it again as the event could only repeat the work. This is pydantic's
        # model_construct, minus its generic per-field bookkeeping; the event codec tests
        # check the result is the event validation builds, down to the fields set.
        build = _BUILDERS.get(type(self)) or _event_builder(type(self), self.event_class)
        event: LedgerEvent = build(self.__dict__, originator_id, recorded_at, actor)
        return event


def event_maker(recorded_at: datetime, actor: str) -> Callable[[BaseModel, UUID], LedgerEvent]:
    """`command.to_event(originator_id=…, recorded_at=…, actor=…)` for a batch's commands,
    which share their recorded_at and actor: those checked once, not per command, and each
    command type's builder looked up once (a call with keywords per event cost a third of
    building it). The ids given are UUIDs, as `to_event` requires of its fast path."""
    if not _plain_envelope(UUID(int=0), recorded_at, actor):
        return lambda command, originator_id: command.to_event(  # type: ignore[attr-defined]
            originator_id=originator_id, recorded_at=recorded_at, actor=actor)
    builders: dict[type, Callable[..., LedgerEvent] | None] = {}

    def make(command: BaseModel, originator_id: UUID) -> LedgerEvent:
        cls = type(command)
        build = builders.get(cls, _UNKNOWN)
        if build is _UNKNOWN:
            build = builders[cls] = builder_of(cls)
        if build is None:  # a command type of its own making
            return command.to_event(  # type: ignore[attr-defined, no-any-return]
                originator_id=originator_id, recorded_at=recorded_at, actor=actor)
        event: LedgerEvent = build(command.__dict__, originator_id, recorded_at, actor)
        return event

    return make


_UNKNOWN: Any = object()


def builder_of(cls: type) -> Callable[..., LedgerEvent] | None:
    """The builder of command type `cls`'s events, `build(command.__dict__, originator_id,
    recorded_at, actor)` for a UUID id and an envelope that passes validation
    (`plain_envelope`), or None for a type that makes its own (`to_event`)."""
    if issubclass(cls, CommandEnvelope) and cls.to_event is CommandEnvelope.to_event:
        return _BUILDERS.get(cls) or _event_builder(cls, cls.event_class)
    return None


def plain_envelope(recorded_at: object, actor: object) -> bool:
    """Whether a batch's recorded_at and actor pass the events' validation unchanged."""
    return _plain_envelope(UUID(int=0), recorded_at, actor)


def _copied(value: Any) -> Any:
    """A copy of the dicts and lists in a validated value (the rest is immutable), so an
    event shares no container with its command; deepcopy's memo cost twice as much."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


_SCALARS = (str, int, bool, type(None), Decimal, date, datetime, UUID)


# Command type → its event builder (the command type names its event class).
_BUILDERS: dict[type, Callable[..., Any]] = {}


def _event_builder(command: type[BaseModel], cls: type[LedgerEvent]) -> Callable[..., Any]:
    """One function per (command, event) type that builds the event from the command's
    values, its fields unrolled in the event's order: the generic loop over the fields
    (dict.fromkeys, update, a copy check per field) was most of `to_event`'s time."""
    order = tuple(cls.model_fields)
    envelope = {"originator_id": "originator_id", "originator_version": "1",
                "recorded_at": "recorded_at", "actor": "actor"}
    unknown = [name for name in order
               if name not in envelope and name not in command.model_fields]
    if unknown:
        raise TypeError(f"{command.__name__} lacks {unknown} of {cls.__name__}")
    items = ", ".join(f"{name!r}: {envelope.get(name, f'given[{name!r}]')}" for name in order)
    lines = ["def build(given, originator_id, recorded_at, actor):",
             f"    values = {{{items}}}"]
    for name in order:
        if name not in envelope and not _scalar(cls.model_fields[name].annotation):
            lines += [f"    value = values[{name!r}]",
                      "    if isinstance(value, dict | list):",
                      f"        values[{name!r}] = copied(value)"]
    # The slots every model instance has, set through their descriptors: object.__setattr__
    # looks each name up on the class first (as domain/stored_decoding.py does).
    lines += ["    event = new(cls)",
              "    set_dict(event, values)",
              "    set_given(event, fields_set)",
              "    set_extra(event, None)",
              "    set_private(event, None)",
              "    return event"]
    slots = BaseModel.__dict__
    scope: dict[str, Any] = {"cls": cls, "new": object.__new__,
                             "set_dict": slots["__dict__"].__set__,
                             "set_given": slots["__pydantic_fields_set__"].__set__,
                             "set_extra": slots["__pydantic_extra__"].__set__,
                             "set_private": slots["__pydantic_private__"].__set__,
                             "copied": _copied,
                             # One set for every event of the type, as the stored
                             # decoder shares it (domain/stored_decoding.py): pydantic
                             # copies it before changing one (model_copy), and a frozen
                             # event is never changed in place.
                             "fields_set": set(order) - {"originator_version"}}
    exec("\n".join(lines), scope)  # noqa: S102 - generated from the models' own fields
    build: Callable[..., Any] = scope["build"]
    _BUILDERS[command] = build
    return build


def _scalar(annotation: Any) -> bool:
    """Whether a field of this type holds no dict or list."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _scalar(get_args(annotation)[0])
    if origin is Literal:
        return True
    if origin in (Union, UnionType):
        return all(_scalar(arg) for arg in get_args(annotation))
    return isinstance(annotation, type) and issubclass(annotation, _SCALARS)


def _plain_envelope(originator_id: object, recorded_at: object, actor: object) -> bool:
    """Whether the event's own envelope values would pass validation unchanged."""
    return (
        type(originator_id) is UUID
        and type(recorded_at) is datetime
        and isinstance(actor, str)
        and 1 <= len(actor) <= 500
    )


BodyT = TypeVar("BodyT", bound=BaseModel)


def _command(name: str, body: type[BodyT], event: type[LedgerEvent], doc: str
             ) -> type[BodyT]:
    # Typed as its body, so a narrowed command shows the body's fields to mypy; the
    # envelope's fields (idempotency_key …) are read with getattr where a body is known.
    namespace = {
        "__annotations__": {"type": Literal[name]},
        "__doc__": doc,
        "__module__": COMMANDS_MODULE,
        "event_class": event,
    }
    model_name = "".join(part.capitalize() for part in name.split("_"))
    return type(model_name, (CommandEnvelope, body), namespace)


class UnreadableValue(Frozen):
    """One reason a stored event does not read (domain/unreadable.py): where, what kind
    (pydantic's error type or our own code) and the values its wording needs."""

    field: str
    code: str
    context: tuple[tuple[str, str], ...] = ()


class InvalidEntry(LedgerEvent):
    """A stored event that no longer reads as its type (a value out of range, written by
    an older version). The fold keeps it out of the live facts and reports it, so one bad
    value costs one entry, not every report. Never stored: the stored event stays as it
    was written."""

    stored_type: str
    problem: str  # English, as `--json` gives it; the shells word `problems`
    problems: tuple[UnreadableValue, ...] = ()
