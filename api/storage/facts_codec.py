"""The body of the snapshot of the fold (api/storage/facts_snapshot.py): the folded `Facts`
as a pickle, and the unpickler that reads nothing but what `encode` writes.

Why pickle: the facts are a graph (an event sits in `events`, `live` and several index
lists), which pickle keeps shared in one C decode; building pydantic events from any
other encoding costs what the fold costs. Pickle runs code named by its data, so a body
is unpickled only after its HMAC checked out (facts_snapshot.py), and then by `_Exact`,
which is defence in depth, not the defence:

* `find_class` answers an exact list: five builders (`_event_maker`, `_uuid`, `_tzinfo`,
  `_unreadable`, `_scheme_part`) and five value types. Every other class a fold holds
  (events, UUIDs, pydantic's `TzInfo`, an invalid entry's `UnreadableValue` reasons, the
  models of a parsed pay scheme) is reached through a builder, by name, so no class of
  ours is ever on pickle's stack:
  pickle's BUILD applies a state with `setattr` to whatever object is there, and on a
  class that sets a class attribute for the whole process (`Plan.void = False` from a
  40-byte body, refused or not). The value types are immutable C types, on which BUILD
  fails; the builders are fresh copies made for each load, so a BUILD on one changes a
  function no one else calls.
* The state must have exactly `Facts`'s fields (and its index `_Index`'s), each of the
  kind the fold keeps: a field more or less refuses the body.

Two fields are written flatter when they can be (a third of a load was hashing UUIDs
into dicts, each hash a Python call): `live` as the ids of `events` that are not live,
when the live facts are those very events in their order (a fold's always are), and
`positions` as a list in the order of `events`, when its keys are theirs in that order;
a load rebuilds both as dicts (`events.copy()` keeps the hashes). Events are built by one
builder per class (`_event_maker`), named once a body, and the equal texts of their fields
are written as one object (a hospital's 48,800 texts hold 20,600 values: an employee's id
in every entry about them), which pickle then refers to instead of making each again.

The texts a body refers to most (the events' field names, then the most repeated values)
are written first (`_first_texts`), so that each later reference to one is a 2-byte memo
read instead of a 5-byte one: pickle numbers its memo as it writes, and a reference below
256 is the short kind. A hospital's body: 3.75 → 2.77 MB, so less to read, sign and
hold; a load reads them as it reads any text, and nothing else of the body depends on them.

The adopted pay schemes are kept parsed (`Facts.index.parsed`, a cache the fold fills
when a report asks), with the values each model keeps cached (`SNAPSHOT_KEPT`: the
scheme's hash, its staff rules). Parsing one is pydantic's validation of a document
checked when it was adopted, and the first one in a process builds pydantic's schema of
every model of the scheme (≈5 ms of a what-if); a load builds neither. A body names each
model by its topic, of `domain.scheme` only; its fields must be the model's.

Enum members are refused: they are process-wide singletons (a BUILD on one would change
it for everyone), and no event holds one; `encode` refuses what `decode` would, so a
session never writes a snapshot no one can read."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import pickle
import sys
from collections import Counter
from collections.abc import Callable, Collection
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import FunctionType
from typing import Any, TypeVar
from uuid import UUID, SafeUUID

import pydantic
from pydantic import BaseModel
from pydantic_core import TzInfo

from api.storage.code_digest import ROOT, folder_digest
from domain import scheme as scheme_models
from domain.envelope import LedgerEvent, UnreadableValue
from domain.events import SchemeAdopted
from domain.facts import Facts, _Index, cycle_collection_paused
from domain.scheme import PAY_SCHEME_KIND, Frozen, HospitalPayScheme
from domain.scheme_kinds import parse_scheme
from domain.settings import SETTINGS_EVENTS
from domain.stored_topics import UnknownStoredType, stored_class

FORMAT = 5
# Memo numbers below this are referred to in 2 bytes (pickle's BINGET), above in 5.
_SHORT_MEMO = 256
_SAMPLE_EVERY = 8  # events whose texts are counted for `_first_texts`
# Facts' own fields that are a process's, not the fold's: rebuilt empty on load.
_TRANSIENT = ("_upto", "_layers", "sealed")
FACTS_FIELDS = tuple(f.name for f in dataclasses.fields(Facts) if f.name not in _TRANSIENT)
INDEX_FIELDS = tuple(f.name for f in dataclasses.fields(_Index))
# The kind of each field as the fold keeps it (None allowed where the fold has None).
_KINDS: dict[str, tuple[type, ...]] = {
    # live and positions: a list when written flat (see the module's note).
    "events": (dict,), "live": (dict, list), "replaced_by": (dict,), "positions": (dict, list),
    "closes": (dict,), "invalid": (dict,), "unique": (dict,), "last_position": (int,),
    "last_recorded_at": (datetime, type(None)), "settings": (*SETTINGS_EVENTS, type(None)),
    "index": (dict,), "revision": (int,),
    "schemes": (list,), "parsed": (dict,), "departments": (dict,), "roster": (dict,),
    "leaves": (dict,), "by_period": (dict,), "by_year": (dict,), "by_employee": (dict,),
    "owned": (type(None),),
}


class SnapshotRefused(pickle.UnpicklingError):
    """A body that is not what `encode` writes."""


# ------------------------------------------------------------------ builders


_new = object.__new__
_Model = TypeVar("_Model", bound=BaseModel)
_SET_DICT = BaseModel.__dict__["__dict__"].__set__
_SET_GIVEN = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__
_SET_INT = UUID.__dict__["int"].__set__
_SET_SAFE = UUID.__dict__["is_safe"].__set__
_UNKNOWN = SafeUUID.unknown
_UUID_END = 1 << 128
_EVENT_CLASSES: dict[str, type[LedgerEvent]] = {}  # topic -> class, filled as met


def _topic(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _event_class(topic: Any) -> type[LedgerEvent]:
    """An event class by its topic: a class of `domain`, imported when its family is not
    yet (a CLI verb imports only the families it needs)."""
    found = _EVENT_CLASSES.get(topic) if type(topic) is str else None
    if found is not None:
        return found
    try:  # the stored events' own resolver, which imports nothing outside `domain`
        found = stored_class(topic) if type(topic) is str else None
    except UnknownStoredType:
        found = None
    if found is None or _topic(found) != topic:  # a snapshot names classes by their own
        raise SnapshotRefused(f"{topic!r} is not a ledger event")
    _EVENT_CLASSES[topic] = found
    return found


def _event_maker(topic: str) -> Callable[..., Any]:
    """The builder of the events of one class (a new one each call: a body names it once
    and calls it for each of its events)."""
    cls = _EVENT_CLASSES.get(topic) or _event_class(topic)
    every = _all_fields(cls)
    new, set_dict, set_given = _new, _SET_DICT, _SET_GIVEN
    set_extra, set_private = _SET_EXTRA, _SET_PRIVATE

    def event(values: dict[str, Any], given: set[str] | None = None) -> Any:
        """An event as the fold held it (pydantic's `__setstate__` costs four times
        this)."""
        if type(values) is not dict or not (given is None or type(given) is set):
            raise SnapshotRefused(f"not the state of a {topic}")
        made = new(cls)
        set_dict(made, values)
        set_given(made, every if given is None else given)
        set_extra(made, None)
        set_private(made, None)
        return made

    return event


@cache
def _all_fields(cls: type[LedgerEvent]) -> set[str]:
    # One set per type, shared, as the stored decoder does: events are frozen.
    return set(cls.model_fields)


def _uuid(number: int) -> UUID:
    if type(number) is not int or not 0 <= number < _UUID_END:
        raise SnapshotRefused("not a UUID")
    uuid = _new(UUID)
    _SET_INT(uuid, number)
    _SET_SAFE(uuid, _UNKNOWN)
    return uuid


def _tzinfo(seconds: int) -> TzInfo:
    return TzInfo(seconds)  # what a load calls instead is a cache of TzInfo (`_Exact`)


_UNREADABLE_FIELDS = frozenset(UnreadableValue.model_fields)


def _unreadable_state(values: Any, given: Any) -> bool:
    """Whether this is an `UnreadableValue`'s state as the fold holds it: two texts and
    pairs of texts (an `InvalidEntry`'s reasons, domain/unreadable.py)."""
    return (type(values) is dict and values.keys() == _UNREADABLE_FIELDS
            and type(given) is set and given <= _UNREADABLE_FIELDS
            and type(values["field"]) is str and type(values["code"]) is str
            and type(values["context"]) is tuple
            and all(type(pair) is tuple and len(pair) == 2
                    and type(pair[0]) is str and type(pair[1]) is str
                    for pair in values["context"]))


def _unreadable(values: dict[str, Any], given: set[str]) -> UnreadableValue:
    """One reason a stored entry does not read, as the fold held it: without it a store
    holding one such entry never had a snapshot (the write refused the whole body)."""
    if type(values) is dict and type(given) is set:
        # Kept as copies: a body may name the same dict or set again after this call
        # (pickle's memo) and add to it, past the check below.
        values, given = values.copy(), given.copy()
    if not _unreadable_state(values, given):
        raise SnapshotRefused("not the state of an UnreadableValue")
    return _as_held(UnreadableValue, values, given)


def _as_held(cls: type[_Model], values: dict[str, Any], given: set[str]) -> _Model:
    """A model of `cls` with the state given, checked by its builder (what pydantic's
    `__setstate__` does; `_event_maker` does the same inline, once per event)."""
    made = _new(cls)
    _SET_DICT(made, values)
    _SET_GIVEN(made, given)
    _SET_EXTRA(made, None)
    _SET_PRIVATE(made, None)
    return made


# The module of the pay scheme's models (every one a `domain.scheme.Frozen`): the kind
# every payout reads. Other kinds (grading) are parsed when asked, as before: keeping
# them would import their models (≈15 ms) into every load of a ledger that has one.
SCHEME_MODULE = scheme_models.__name__
_SCHEME_CLASSES: dict[str, type[BaseModel]] = {}  # topic -> class, filled as met


def _scheme_class(topic: Any) -> type[BaseModel]:
    """A model of a pay scheme by its topic: a `Frozen` of `SCHEME_MODULE`, by name."""
    found = _SCHEME_CLASSES.get(topic) if type(topic) is str else None
    if found is not None:
        return found
    module, _, name = topic.partition(":") if type(topic) is str else ("", "", "")
    if module == SCHEME_MODULE and name.isidentifier():
        found = getattr(scheme_models, name, None)
    if not (isinstance(found, type) and issubclass(found, Frozen) and _topic(found) == topic):
        raise SnapshotRefused(f"{topic!r} is not a model of a pay scheme")
    _SCHEME_CLASSES[topic] = found
    return found


def _scheme_part(topic: str, values: dict[str, Any], given: set[str],
                 kept: dict[str, Any]) -> Any:
    """One model of a parsed scheme as the fold held it, with the values its class keeps
    cached (`SNAPSHOT_KEPT`): pydantic's validation of a document already checked when it
    was adopted, and its schema built for that, are what a load saves."""
    cls = _scheme_class(topic)
    fields = cls.model_fields
    if type(given) is set:  # a copy, as `_unreadable`'s: a body may add to it after the check
        given = given.copy()
    if not (type(values) is dict and values.keys() == fields.keys()
            and type(given) is set and given <= values.keys()
            and type(kept) is dict and kept.keys() <= set(getattr(cls, "SNAPSHOT_KEPT", ()))):
        raise SnapshotRefused(f"not the state of a {topic}")
    return _as_held(cls, {**values, **kept}, given)


# ------------------------------------------------------------------ encoding


class _Maker:
    """Stands in a body for the builder of one class's events (`_event_maker`): one per
    class and body, so pickle writes it once and refers to it after."""

    __slots__ = ("topic",)

    def __init__(self, topic: str) -> None:
        self.topic = topic

    def __call__(self, *_: Any) -> Any:
        # Pickle asks that what a reduce names be callable; a load calls the builder.
        raise TypeError("a stand-in for _event_maker's builder in a body, never called")


def _reduce_maker(maker: _Maker) -> Any:
    return _event_maker, (maker.topic,)


def _reduce_uuid(uuid: UUID) -> Any:
    return _uuid, (uuid.int,)


def _reduce_tzinfo(zone: TzInfo) -> Any:
    return _tzinfo, zone.__reduce__()[1]


def _reduce_unreadable(value: UnreadableValue) -> Any:
    values, given = dict(value.__dict__), set(value.__pydantic_fields_set__)
    if (not _unreadable_state(values, given) or value.__pydantic_extra__ is not None
            or value.__pydantic_private__ is not None):
        raise pickle.PicklingError("an UnreadableValue a load would refuse")
    return _unreadable, (values, given)


def _reducers(first: tuple[str, ...]) -> dict[type, Callable[[Any], Any]]:
    table: dict[type, Callable[[Any], Any]] = {UUID: _reduce_uuid, TzInfo: _reduce_tzinfo,
                                                _Maker: _reduce_maker,
                                                UnreadableValue: _reduce_unreadable}
    makers: dict[type, _Maker] = {}
    # Each text of a field as one object: the one written first, else the first met.
    texts: dict[str, str] = {text: text for text in first}

    def reduce_event(event: LedgerEvent) -> Any:
        if event.__pydantic_extra__ is not None or event.__pydantic_private__ is not None:
            raise pickle.PicklingError(f"{type(event).__name__} holds more than its fields")
        kind = type(event)
        maker = makers.get(kind) or makers.setdefault(kind, _Maker(_topic(kind)))
        given = event.__pydantic_fields_set__
        # The names too: an event loaded from a snapshot holds the load's own objects of
        # them, not the class's written first, and each would be written again.
        values = {texts.setdefault(name, name):
                  texts.setdefault(value, value) if type(value) is str else value
                  for name, value in event.__dict__.items()}
        if given == _all_fields(kind):
            return maker, (values,)
        return maker, (values, given)

    for root, reduce in ((LedgerEvent, reduce_event), (Frozen, _reduce_scheme_part)):
        classes: list[type] = [root]
        while classes:
            cls = classes.pop()
            table[cls] = reduce
            classes += cls.__subclasses__()
    return table


def _reduce_scheme_part(part: BaseModel) -> Any:
    kind = type(part)
    if (kind.__module__ != SCHEME_MODULE or part.__pydantic_extra__ is not None
            or part.__pydantic_private__ is not None):
        raise pickle.PicklingError(f"{kind.__name__} is not a model of a scheme a load reads")
    kept = {name: getattr(part, name) for name in getattr(kind, "SNAPSHOT_KEPT", ())}
    state = part.__dict__
    values = {name: state[name] for name in kind.model_fields}
    return _scheme_part, (_topic(kind), values, set(part.__pydantic_fields_set__), kept)


class _Exactly(pickle.Pickler):
    """Writes only what `_Exact` reads: anything else (an enum member, an object of
    another class) fails the write, so no session stores a body every read refuses."""

    def __init__(self, out: io.BytesIO, first: tuple[str, ...] = ()) -> None:
        super().__init__(out, protocol=5)
        self._reduce = _reducers(first).get

    def reducer_override(self, obj: Any) -> Any:
        # Called for every object but pickle's own containers and atoms.
        reduce = self._reduce(type(obj))
        if reduce is not None:
            return reduce(obj)
        if type(obj) in _PLAIN or (type(obj) in (type, FunctionType) and obj in _NAMED):
            return NotImplemented  # pickle's own way: by name, or REDUCE on a value type
        raise pickle.PicklingError(f"a facts snapshot holds no {type(obj).__name__}")


def encode(facts: Facts) -> bytes:
    """The fold's state as a body (what `decode` reads back)."""
    state = {name: facts.__dict__[name] for name in FACTS_FIELDS}
    _flatten(state)
    index = dict(facts.index.__dict__)
    index["parsed"] = _parsed_schemes(facts)
    index["owned"] = None
    state["index"] = index
    first = _first_texts(facts.events.values())
    out = io.BytesIO()
    _Exactly(out, first).dump((FORMAT, first, state))
    return out.getvalue()


def _parsed_schemes(facts: Facts) -> dict[UUID, Any]:
    """Every adopted pay scheme parsed, as `scheme_on` would parse it (a write parses
    those the fold did not ask for, so what a body holds does not depend on what a process
    happened to compute). One a parse refuses is left out: it is refused again when asked."""
    parsed = facts.index.parsed
    kept: dict[UUID, Any] = {}
    for event in facts.index.schemes:
        if not _pay_document(event.document):
            continue
        scheme = parsed.get(event.originator_id)
        if scheme is None:
            try:
                scheme = parse_scheme(event.document)
            except ValueError:
                continue
        kept[event.originator_id] = scheme
    return kept


def _first_texts(events: Collection[LedgerEvent]) -> tuple[str, ...]:
    """The texts written before the state (see the module's note): the field names of the
    events' classes (an event's keys are its class's), then the values most repeated in
    one event in `_SAMPLE_EVERY` (counting them all cost a write ≈40 %), as many as fit
    below the short memo numbers (a text takes one, the tuple of them one more)."""
    classes: dict[type[LedgerEvent], None] = dict.fromkeys(map(type, events))
    names = tuple(dict.fromkeys(name for cls in classes for name in cls.model_fields))
    sample = list(events)[::_SAMPLE_EVERY]
    values = Counter(value for event in sample for value in event.__dict__.values()
                     if type(value) is str)
    names = names[:_SHORT_MEMO - 1]  # `decode` refuses more (the events have 144 today)
    room = _SHORT_MEMO - 1 - len(names)
    taken = set(names)
    common = [text for text, count in values.most_common(room + len(names))
              if count > 1 and text not in taken]
    return (*names, *common[:room])


def _flatten(state: dict[str, Any]) -> None:
    """`live` and `positions` written flat where a load can rebuild them exactly (see the
    module's note); as dicts otherwise."""
    events, live, positions = state["events"], state["live"], state["positions"]
    if all(events.get(key) is event for key, event in live.items()):
        dead = [key for key in events if key not in live]
        if [key for key in events if key in live] == list(live):
            state["live"] = dead
    if list(positions) == list(events):
        state["positions"] = list(positions.values())


# ------------------------------------------------------------------ decoding


# Immutable C types (pickle's BUILD on them fails), named as pickle names them.
_VALUES: dict[tuple[str, str], type] = {
    ("datetime", "date"): date, ("datetime", "datetime"): datetime,
    ("datetime", "timezone"): timezone, ("datetime", "timedelta"): timedelta,
    ("decimal", "Decimal"): Decimal}
_PLAIN = frozenset(_VALUES.values())


def _fresh(function: FunctionType) -> Callable[[], Any]:
    """A maker of copies of a builder: one a load, so a BUILD on it is on no one else's."""
    return lambda: FunctionType(function.__code__, function.__globals__, function.__name__)


_BUILDERS: dict[tuple[str, str], Callable[[], Any]] = {
    (__name__, "_event_maker"): _fresh(_event_maker),  # type: ignore[arg-type]
    (__name__, "_uuid"): _fresh(_uuid),  # type: ignore[arg-type]
    (__name__, "_tzinfo"): lambda: functools.cache(TzInfo),  # one zone object per offset
    (__name__, "_unreadable"): _fresh(_unreadable),  # type: ignore[arg-type]
    (__name__, "_scheme_part"): _fresh(_scheme_part),  # type: ignore[arg-type]
}
_NAMED = frozenset((*_PLAIN, _event_maker, _uuid, _tzinfo, _unreadable, _scheme_part))


class _Exact(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        value = _VALUES.get((module, name))
        if value is not None:
            return value
        builder = _BUILDERS.get((module, name))
        if builder is not None:
            return builder()
        raise SnapshotRefused(f"a facts snapshot may not name {module}.{name}")


def _fields(state: Any, names: tuple[str, ...], what: str) -> dict[str, Any]:
    if type(state) is not dict or state.keys() != set(names):
        raise SnapshotRefused(f"not the fields of {what}")
    for name in names:
        if not isinstance(state[name], _KINDS[name]):
            raise SnapshotRefused(f"{what}.{name} is a {type(state[name]).__name__}")
    return state


def decode(body: bytes) -> Facts:
    """The facts a body holds; `SnapshotRefused` (or pickle's errors) when it is not one."""
    with cycle_collection_paused():  # as a fold: everything it makes stays alive
        loaded = _Exact(io.BytesIO(body)).load()
    if not (type(loaded) is tuple and len(loaded) == 3 and loaded[0] == FORMAT):
        raise SnapshotRefused("not a facts snapshot of this format")
    first = loaded[1]
    if (type(first) is not tuple or not all(type(text) is str for text in first)
            or len(first) >= _SHORT_MEMO or len(set(first)) != len(first)):
        raise SnapshotRefused("the texts written first are not texts as `encode` writes them")
    state = _fields(loaded[2], FACTS_FIELDS, "Facts")
    _unflatten(state)
    index = _fields(state["index"], INDEX_FIELDS, "Facts.index")
    _check_parsed(index)
    state["index"] = _Index(**index)
    return Facts(**state)


def _check_parsed(index: dict[str, Any]) -> None:
    """The parsed schemes are of adopted pay schemes, each a pay scheme, each the parse of
    the adoption it is filed under by what names it (the document's id, the adoption's
    version): one filed under another would answer with that scheme's rules."""
    adopted = {event.originator_id: event for event in index["schemes"]
               if isinstance(event, SchemeAdopted)}
    for key, scheme in index["parsed"].items():
        event = adopted.get(key)
        if (event is None or type(scheme) is not HospitalPayScheme
                or not _pay_document(event.document)
                or scheme.__dict__.get("id") != event.document.get("id")
                or scheme.__dict__.get("version") != event.version):
            raise SnapshotRefused("Facts.index.parsed holds what no adopted pay scheme parses to")


def _pay_document(document: Any) -> bool:
    """Whether an adopted document is a pay scheme's, the kind a body keeps parsed (its
    kind read as `parse_scheme` reads it)."""
    return (isinstance(document, dict)
            and document.get("kind", PAY_SCHEME_KIND) == PAY_SCHEME_KIND)


def _unflatten(state: dict[str, Any]) -> None:
    """`live` and `positions` as dicts again (what `_flatten` wrote flat)."""
    events = state["events"]
    if type(state["live"]) is list:
        live = events.copy()  # the keys' hashes copied, not asked again
        for key in state["live"]:
            if type(key) is not UUID or live.pop(key, None) is None:
                raise SnapshotRefused("Facts.live names an event twice or none of events")
        state["live"] = live
    if type(state["positions"]) is list:
        if len(state["positions"]) != len(events):
            raise SnapshotRefused("Facts.positions are not one a event")
        state["positions"] = dict(zip(events, state["positions"], strict=True))


@cache
def code_version() -> str:
    """What a body's classes and fold depend on: the sources of `domain/` and of the
    snapshot's own modules (this codec, the stored row, its key, the hashing of the fold
    and the chain's link it must equal), and the versions of
    Python and pydantic (their pickled forms)."""
    digest = hashlib.sha256(f"{FORMAT}:{sys.version}:{pydantic.VERSION}".encode())
    # `domain/` as the statements view's stamp reads it (api.storage.code_digest): once.
    digest.update(folder_digest("domain"))
    here = Path(__file__).resolve().parent
    own = [here / "facts_codec.py", here / "facts_snapshot.py", here / "snapshot_key.py",
           here / "fold_chain.py", ROOT / "projections" / "chain_links.py"]
    for path in own:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
