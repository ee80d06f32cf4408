"""The facts snapshot's body (api/storage/facts_codec.py) gives back the fold it was made
of, for every stored ledger of the old-ledger fixture (every kind of event the scenarios
record, corrections and voids among them), and its unpickler names nothing but what the
encoder writes: no class of ours ever reaches pickle's BUILD, and a state with a field
more or less than `Facts` is refused."""

from __future__ import annotations

import enum
import io
import json
import os
import pickle
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from builders import fold_state

from api.storage import facts_codec
from api.storage.facts_codec import FORMAT, SnapshotRefused, decode, encode
from domain import fold_plans
from domain.application import Ledger
from domain.envelope import UnreadableValue
from domain.facts import Facts
from domain.scheme import Frozen, Ref
from domain.scheme_kinds import parse_scheme

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "old_ledger"
STORES = sorted(p.name for p in FIXTURE.iterdir() if (p / "ledger.db").exists())


def _state(facts: Facts) -> Any:
    return fold_state(facts, lambda e: (type(e), e.__dict__, e.__pydantic_fields_set__))


@pytest.mark.parametrize("name", STORES)
def test_a_body_gives_back_the_fold(name: str, tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    shutil.copyfile(FIXTURE / name / "ledger.db", db)
    ledger = Ledger({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(db)})
    try:
        facts = ledger.facts()
        again = decode(encode(facts))
    finally:
        ledger.close()
    assert facts.events
    assert _state(again) == _state(facts)
    # Live facts are the very events of `events`, as in a fold (one object, indexed twice).
    assert all(again.live[i] is again.events[i] for i in again.live)
    assert again.index.owned is None
    # Every adopted pay scheme comes back parsed, as a fresh parse of its document,
    # whether or not the fold had asked for it (a fresh fold has parsed none); a grading
    # scheme is parsed when asked, as before (its models stay out of a load).
    assert not facts.index.parsed
    adopted = {event.originator_id: event for event in facts.index.schemes
               if event.document.get("kind", "hospital_two_level") == "hospital_two_level"}
    assert again.index.parsed.keys() == adopted.keys()
    for key, scheme in again.index.parsed.items():
        fresh = parse_scheme(adopted[key].document)
        assert type(scheme) is type(fresh)
        assert scheme == fresh
        assert scheme.sha256 == fresh.sha256
        assert scheme.model_fields_set == fresh.model_fields_set


def test_a_body_naming_anything_else_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self) -> Any:
            return os.system, (f"touch {marker}",)

    with pytest.raises(pickle.UnpicklingError):
        decode(pickle.dumps((FORMAT, Evil()), protocol=5))
    assert not marker.exists()


def test_a_body_of_another_format_is_refused() -> None:
    with pytest.raises(SnapshotRefused, match="format"):
        decode(pickle.dumps((FORMAT + 1, {}), protocol=5))


def _build(module: str, name: str, attribute: str, value: bytes) -> bytes:
    """A body that names a global and applies pickle's BUILD to it with a slot state
    {attribute: value}: `setattr` on the object `find_class` returned."""
    return (f"c{module}\n{name}\n".encode() + b"N}X" + len(attribute).to_bytes(4, "little")
            + attribute.encode() + value + b"s\x86b.")


def test_a_body_cannot_set_an_attribute_of_a_domain_class() -> None:
    """The review's 40-byte body: `Plan.void = False` for the whole process (every void
    would then fold as a live fact), even though the body itself was refused."""
    before = fold_plans.Plan.__dict__["void"]
    body = _build("domain.fold_plans", "Plan", "void", b"\x89")
    assert len(body) == 40
    with pytest.raises(SnapshotRefused, match=r"may not name domain\.fold_plans\.Plan"):
        decode(body)
    assert fold_plans.Plan.__dict__["void"] is before


@pytest.mark.parametrize("name", ["_event_maker", "_uuid", "_tzinfo", "_unreadable"])
def test_a_build_on_a_builder_changes_only_that_loads_copy(name: str) -> None:
    before = getattr(facts_codec, name).__doc__
    with pytest.raises(SnapshotRefused):  # loaded, but a function is not a body
        decode(_build(facts_codec.__name__, name, "__doc__", b"X\x01\x00\x00\x00x"))
    assert getattr(facts_codec, name).__doc__ == before


@pytest.mark.parametrize("pair", sorted(facts_codec._VALUES))
def test_a_build_on_a_value_type_fails(pair: tuple[str, str]) -> None:
    cls = facts_codec._VALUES[pair]
    assert cls.__flags__ & (1 << 8)  # Py_TPFLAGS_IMMUTABLETYPE: setattr raises
    with pytest.raises(TypeError):
        decode(_build(*pair, "evil", b"\x88"))
    assert not hasattr(cls, "evil")


@pytest.mark.parametrize("name", ["UUID", "SafeUUID"])
def test_classes_reached_through_builders_are_not_named(name: str) -> None:
    with pytest.raises(SnapshotRefused):
        decode(pickle.dumps(getattr(uuid, name), protocol=5))


def encode_state(loaded: Any) -> bytes:
    out = io.BytesIO()
    facts_codec._Exactly(out).dump(loaded)
    return out.getvalue()


@pytest.mark.parametrize("change", ["more", "fewer", "index-more", "kind", "settings"])
def test_a_state_with_other_fields_is_refused(change: str, tmp_path: Path) -> None:
    """A field more or less than the fold's, or of another kind, refuses the body."""

    def edit(state: dict[str, Any]) -> None:
        if change == "more":
            state["sealed"] = None
        elif change == "fewer":
            del state["unique"]
        elif change == "index-more":
            state["index"]["extra"] = {}
        elif change == "settings":  # an event, but no settings event: the fold's is one
            state["settings"] = next(iter(state["events"].values()))
        else:
            state["events"] = []

    shutil.copyfile(FIXTURE / "example-1" / "ledger.db", tmp_path / "ledger.db")
    ledger = Ledger({"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                     "SQLITE_DBNAME": str(tmp_path / "ledger.db")})
    try:
        loaded = decode_raw(encode(ledger.facts()))
    finally:
        ledger.close()
    edit(loaded[2])
    with pytest.raises(SnapshotRefused):
        decode(encode_state(loaded))


def decode_raw(body: bytes) -> Any:
    return facts_codec._Exact(io.BytesIO(body)).load()


def test_the_encoder_refuses_what_the_decoder_would() -> None:
    class Colour(enum.Enum):
        RED = 1

    with pytest.raises(pickle.PicklingError):
        encode_state((FORMAT, {"x": Colour.RED}))


def _example_raw(tmp_path: Path, name: str = "example-3") -> tuple[Facts, Any]:
    shutil.copyfile(FIXTURE / name / "ledger.db", tmp_path / "ledger.db")
    ledger = Ledger({"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                     "SQLITE_DBNAME": str(tmp_path / "ledger.db")})
    try:
        facts = ledger.facts()
        return facts, decode_raw(encode(facts))
    finally:
        ledger.close()


def test_a_fold_s_live_facts_and_positions_are_written_flat(tmp_path: Path) -> None:
    """A fold's live facts are its events in their order, less the replaced ones; its
    positions are keyed as its events: both are written as lists (facts_codec._flatten)."""
    facts, raw = _example_raw(tmp_path)
    state = raw[2]
    assert state["live"] == [key for key in facts.events if key not in facts.live]
    assert state["live"]  # example-3 corrects an entry: a replaced event is named
    assert state["positions"] == list(facts.positions.values())
    again = decode(encode_state(raw))
    assert list(again.live) == list(facts.live)
    assert list(again.positions.items()) == list(facts.positions.items())
    assert all(again.live[key] is again.events[key] for key in again.live)


def test_live_facts_and_positions_as_dicts_are_read_too(tmp_path: Path) -> None:
    """What is not a fold's shape (live facts out of the events' order) is written as
    dicts, and read back as they were."""
    facts, _ = _example_raw(tmp_path)
    flipped = dict(reversed(list(facts.live.items())))
    made_up = Facts(**{**{name: facts.__dict__[name] for name in facts_codec.FACTS_FIELDS},
                       "live": flipped})
    state = decode_raw(encode(made_up))[2]
    assert type(state["live"]) is dict
    assert type(state["positions"]) is list
    assert list(decode(encode(made_up)).live) == list(flipped)


@pytest.mark.parametrize("change", ["live-unknown", "live-twice", "live-not-a-uuid",
                                    "positions-fewer", "positions-more"])
def test_flat_live_facts_or_positions_that_do_not_fit_the_events_are_refused(
        change: str, tmp_path: Path) -> None:
    _, raw = _example_raw(tmp_path)
    state = raw[2]
    if change == "live-unknown":
        state["live"].append(uuid.uuid4())
    elif change == "live-twice":
        state["live"].append(state["live"][0])
    elif change == "live-not-a-uuid":
        state["live"].append(str(state["live"][0]))
    elif change == "positions-fewer":
        state["positions"].pop()
    else:
        state["positions"].append(10**6)
    with pytest.raises(SnapshotRefused):
        decode(encode_state(raw))


def test_equal_texts_of_events_are_one_object_after_a_load(tmp_path: Path) -> None:
    """A body writes each text of the events' fields once (a load then makes it once);
    the values are the fold's (test_a_body_gives_back_the_fold)."""
    facts, _ = _example_raw(tmp_path)
    again = decode(encode(facts))
    actors = {id(event.actor) for event in again.events.values()}
    assert len(actors) == len({event.actor for event in again.events.values()})
    assert len(actors) < len(again.events)


def test_an_invalid_entry_s_reasons_go_through_and_come_back_alike() -> None:
    """An `InvalidEntry` holds `UnreadableValue`s: a body refused them, so a store with one
    such entry never had a snapshot."""
    given = UnreadableValue(field="points", code="decimal_max_digits",
                            context=(("max_digits", "12"),))
    default = UnreadableValue(field="", code="unreadable")  # `context` left to its default
    loaded = decode_raw(encode_state((FORMAT, {"x": (given, default)})))[1]["x"]
    assert [(v, v.__pydantic_fields_set__) for v in loaded] == [
        (given, {"field", "code", "context"}), (default, {"field", "code"})]


@pytest.mark.parametrize("values", [
    {"field": "a", "code": "b"},  # a field fewer
    {"field": "a", "code": "b", "context": (), "more": ""},
    {"field": 1, "code": "b", "context": ()},
    {"field": "a", "code": "b", "context": [("k", "v")]},  # a list is not what a fold holds
    {"field": "a", "code": "b", "context": (("k", 1),)},
    {"field": "a", "code": "b", "context": (("k", "v", "w"),)},
])
def test_an_unreadable_value_of_another_state_is_refused_both_ways(
        values: dict[str, Any]) -> None:
    with pytest.raises(SnapshotRefused):
        facts_codec._unreadable(values, set(values))
    constructed = UnreadableValue.model_construct(field="a", code="b")
    facts_codec._SET_DICT(constructed, dict(values))  # exactly this state, unvalidated
    with pytest.raises(pickle.PicklingError):
        encode_state((FORMAT, {"x": constructed}))


def _text(text: str) -> bytes:
    return b"\x8c" + bytes([len(text)]) + text.encode()  # SHORT_BINUNICODE


def test_an_unreadable_value_keeps_the_state_it_was_checked_with() -> None:
    """A body may name the dict and set it gave `_unreadable` again (pickle's memo) and add
    to them after the call: the value keeps what was checked, not what was added."""
    body = (b"\x80\x05" + _text(facts_codec.__name__) + _text("_unreadable") + b"\x93"
            + b"}\x94(" + _text("field") + _text("f") + _text("code") + _text("c")
            + _text("context") + b")u"  # EMPTY_DICT, memo 0, its three fields
            + b"\x8f\x94(" + _text("field") + _text("code") + b"\x90"  # a set, memo 1
            + b"\x86R"  # _unreadable(values, given)
            + b"h\x00" + _text("code") + b"K\x07s0"  # values["code"] = 7, after the call
            + b"h\x00" + _text("more") + _text("x") + b"s0"
            + b"h\x01(" + _text("anything") + b"\x900.")
    loaded = decode_raw(body)
    assert loaded.__dict__ == {"field": "f", "code": "c", "context": ()}
    assert loaded.__pydantic_fields_set__ == {"field", "code"}


@pytest.mark.parametrize("first", [("period", "period"), tuple(map(str, range(256)))])
def test_texts_written_first_that_encode_would_not_write_are_refused(
        first: tuple[str, ...], tmp_path: Path) -> None:
    _, raw = _example_raw(tmp_path)
    with pytest.raises(SnapshotRefused, match="texts written first"):
        decode(encode_state((raw[0], first, raw[2])))


def test_the_most_used_texts_are_written_first(tmp_path: Path) -> None:
    """Every field name of the events, then their most repeated values, come before the
    state, so that pickle refers to each with a short memo number (facts_codec's note)."""
    facts, raw = _example_raw(tmp_path)
    first = raw[1]
    names = {name for event in facts.events.values() for name in event.__dict__}
    assert names <= set(first)
    assert len(first) == len(set(first)) < 256
    values = {value for event in facts.events.values() for value in event.__dict__.values()
              if type(value) is str}
    assert set(first) - names  # and values named by several entries
    assert set(first) - names <= values


@pytest.mark.parametrize("first", [(1,), ["period"], None])
def test_texts_written_first_that_are_not_texts_are_refused(first: Any,
                                                            tmp_path: Path) -> None:
    _, raw = _example_raw(tmp_path)
    with pytest.raises(SnapshotRefused, match="texts written first"):
        decode(encode_state((raw[0], first, raw[2])))


def test_a_fold_loaded_from_a_body_is_written_as_short_as_a_fresh_one(tmp_path: Path) -> None:
    """A loaded event's field names are the load's own objects, not its class's written
    first: each name is still written once (it was written again, past the short memo
    numbers, and a snapshot rewritten on top of a served one was a quarter longer)."""
    facts, _ = _example_raw(tmp_path, "demo")
    fresh = encode(facts)
    again = encode(decode(fresh))
    assert len(again) <= len(fresh) * 1.01


# ------------------------------------------------------------------ parsed schemes


def test_a_load_uses_its_schemes_without_building_pydantic_s_schema(tmp_path: Path) -> None:
    """The point of keeping them: a process that loads a body validates no scheme again
    (pydantic builds a deferred model's schema on its first validation or dump)."""
    facts, _ = _example_raw(tmp_path, "demo")
    (tmp_path / "body").write_bytes(encode(facts))
    pay = next(parse_scheme(e.document) for e in reversed(facts.index.schemes)
               if e.document.get("kind") == "hospital_two_level")
    script = f"""
import json, sys
from pathlib import Path
from api.storage.facts_codec import decode
from domain.scheme import HospitalPayScheme
facts = decode(Path({str(tmp_path / "body")!r}).read_bytes())
pay = next(s for s in facts.index.parsed.values() if isinstance(s, HospitalPayScheme))
print(json.dumps([pay.sha256, sorted(pay.staff_rules.categories), pay.key,
                  HospitalPayScheme.__pydantic_complete__]))
"""
    answer = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                            text=True, cwd=Path(__file__).resolve().parents[2]).stdout
    assert json.loads(answer) == [pay.sha256, sorted(pay.staff_rules.categories), pay.key,
                                  False]


def _with_parsed(tmp_path: Path, edit: Callable[[dict[Any, Any]], None]) -> bytes:
    _, loaded = _example_raw(tmp_path, "demo")
    edit(loaded[2]["index"]["parsed"])
    return encode_state(loaded)


def test_a_parsed_scheme_of_no_adopted_scheme_is_refused(tmp_path: Path) -> None:
    def moved(parsed: dict[Any, Any]) -> None:
        key = next(iter(parsed))
        parsed[uuid.uuid4()] = parsed.pop(key)

    with pytest.raises(SnapshotRefused, match="parsed"):
        decode(_with_parsed(tmp_path, moved))


def test_a_parsed_scheme_of_another_kind_is_refused(tmp_path: Path) -> None:
    facts, _ = _example_raw(tmp_path, "demo")
    grading = next(e for e in facts.index.schemes if e.document.get("kind") == "grading")

    def swapped(parsed: dict[Any, Any]) -> None:
        # The pay scheme's parse filed under the grading scheme's adoption.
        parsed[grading.originator_id] = parsed.pop(next(iter(parsed)))

    with pytest.raises(SnapshotRefused, match="parsed"):
        decode(_with_parsed(tmp_path, swapped))


@pytest.mark.parametrize("change", [{"version": 99}, {"id": "another-hospital"}])
def test_a_parsed_scheme_filed_under_another_adoption_is_refused(
        tmp_path: Path, change: dict[str, Any]) -> None:
    """The parse of another pay scheme (another version, another id) under an adoption's
    key would answer with that scheme's rules: refused, as every other misfiled entry."""
    def refiled(parsed: dict[Any, Any]) -> None:
        key, scheme = next(iter(parsed.items()))
        parsed[key] = parse_scheme({**scheme.model_dump(mode="json"), **change})

    with pytest.raises(SnapshotRefused, match="parsed"):
        decode(_with_parsed(tmp_path, refiled))


def _part_body(topic: str, values: Any, given: Any, kept: Any) -> bytes:
    class Stand:
        def __reduce__(self) -> Any:
            return facts_codec._scheme_part, (topic, values, given, kept)

    return pickle.dumps(Stand(), protocol=5)


def test_a_scheme_part_reads_back_as_written() -> None:
    ref = {"rule": "S11-R31", "source": "002_db447562deed9801.txt:L969", "default": None}
    loaded = facts_codec._Exact(io.BytesIO(
        _part_body("domain.scheme:Ref", ref, {"rule", "source"}, {}))).load()
    assert loaded == Ref(rule="S11-R31", source="002_db447562deed9801.txt:L969")
    assert loaded.model_fields_set == {"rule", "source"}


@pytest.mark.parametrize(("topic", "values", "given", "kept"), [
    ("domain.scheme:Ref", {"rule": "S11-R31"}, set(), {}),  # a field fewer
    ("domain.scheme:Ref", {"rule": "x", "source": "y", "default": None, "z": 1}, set(), {}),
    ("domain.scheme:Ref", {"rule": "x", "source": "y", "default": None}, {"z"}, {}),
    ("domain.scheme:Ref", {"rule": "x", "source": "y", "default": None}, set(), {"sha256": "0"}),
    ("domain.scheme:Ref", {"rule": "x", "source": "y", "default": None}, [], {}),
    ("domain.scheme:BaseModel", {}, set(), {}),  # not a scheme's model
    ("domain.events:SchemeAdopted", {}, set(), {}),  # an event, not a scheme's model
    ("domain.facts:Facts", {}, set(), {}),
    ("domain.grading:PayLine", {}, set(), {}),  # a grading scheme's: parsed when asked
    ("os:system", {}, set(), {}),
    ("domain.scheme:Ref.__class__", {}, set(), {}),
])
def test_a_scheme_part_of_another_state_or_class_is_refused(topic: str, values: Any,
                                                            given: Any, kept: Any) -> None:
    with pytest.raises(SnapshotRefused):
        facts_codec._Exact(io.BytesIO(_part_body(topic, values, given, kept))).load()


def test_the_encoder_refuses_a_scheme_model_a_load_would() -> None:
    class Elsewhere(Frozen):  # a scheme-shaped model of a module a load never imports
        name: str = "x"

    with pytest.raises(pickle.PicklingError):
        encode_state((FORMAT, Elsewhere()))
    from domain.grading import PayLine  # noqa: PLC0415 - a grading scheme's, kept out

    with pytest.raises(pickle.PicklingError):
        encode_state((FORMAT, PayLine.model_construct()))


def _text(text: str) -> bytes:
    data = text.encode()
    return b"X" + len(data).to_bytes(4, "little") + data  # BINUNICODE


def test_a_scheme_part_s_given_names_added_to_after_its_check_are_not_its_own() -> None:
    """Pickle's memo lets a body name the set of given fields again after the builder
    checked it, and add to it (as `_unreadable`'s note says): the part keeps a copy."""
    body = (b"\x80\x04capi.storage.facts_codec\n_scheme_part\n(" + _text("domain.scheme:Ref")
            + b"}(" + _text("rule") + _text("x") + _text("source") + _text("y")
            + _text("default") + b"Nu"
            + b"\x8f(" + _text("rule") + b"\x90\x94"  # the given set, memo 0
            + b"}tR"
            + b"h\x00(" + _text("not_a_field") + b"\x900"  # added to after the call
            + b".")
    loaded = facts_codec._Exact(io.BytesIO(body)).load()
    assert loaded.model_fields_set == {"rule"}
