"""`Facts.with_events` copies on write: for any valid stream cut anywhere, the facts with
the rest of the events equal a fold of all of them, and the facts it was made from do not
change (a what-if must never leak into the ledger's own state)."""

from __future__ import annotations

from typing import Any

from builders import memory_ledger
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streams import Stream, hospital_streams

from api.scenarios.demo import demo_commands
from domain.facts import Facts


def _snapshot(facts: Facts) -> dict[str, Any]:
    """Everything the fold maintains, as plain values (lists compared by identity of
    their events, in order)."""
    index = facts.index
    tables = {name: {key: [id(e) for e in items] for key, items in getattr(index, name).items()}
              for name in ("departments", "roster", "leaves", "by_period", "by_year",
                           "by_employee")}
    return {"events": list(facts.events), "live": list(facts.live),
            "replaced_by": dict(facts.replaced_by), "positions": dict(facts.positions),
            "closes": dict(facts.closes), "unique": dict(facts.unique),
            "last_position": facts.last_position, "schemes": [id(e) for e in index.schemes],
            **tables}


def _events(rows: list[dict[str, Any]]) -> list[tuple[int, Any]]:
    ledger = memory_ledger()
    for start in range(0, len(rows), 200):
        part = rows[start:start + 200]
        ledger.record(ledger.parse_commands([(f"row {n}", r) for n, r in enumerate(part)]),
                      "test")
    return list(ledger.read())


def _check(events: list[tuple[int, Any]], cut: int) -> None:
    before = Facts.fold(events[:cut])
    untouched = _snapshot(before)
    after = before.with_events(event for _, event in events[cut:])
    assert _snapshot(after) == _snapshot(Facts.fold(events))
    assert _snapshot(before) == untouched
    # And again from the copy: a copy of a copy shares nothing it changes either.
    again = after.with_events([])
    assert _snapshot(again) == _snapshot(after)


DEMO = _events(demo_commands())


@settings(max_examples=25, deadline=None)
@given(cut=st.integers(0, len(DEMO)))
def test_the_demo_cut_anywhere(cut: int) -> None:
    _check(DEMO, cut)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream=hospital_streams(), data=st.data())
def test_any_stream_cut_anywhere(stream: Stream, data: st.DataObject) -> None:
    events = _events(list(stream.commands))
    _check(events, data.draw(st.integers(0, len(events))))


def _check_base_moves(events: list[tuple[int, Any]], cut: int, more: int) -> None:
    """A what-if's tables are layered over the facts it was made from (domain/overlay.py);
    when those facts then take more events, the what-if keeps what it was made of, and a
    what-if of the what-if too."""
    before = Facts.fold(events[:cut])
    after = before.with_events(event for _, event in events[cut:cut + more])
    again = after.with_events(event for _, event in events[cut + more:cut + 2 * more])
    made, made_again = _snapshot(after), _snapshot(again)
    for position, event in events[cut:]:
        before.apply(position, event)
    assert _snapshot(after) == made
    assert _snapshot(again) == made_again
    assert _snapshot(before) == _snapshot(Facts.fold(events))


@settings(max_examples=25, deadline=None)
@given(cut=st.integers(0, len(DEMO)), more=st.integers(0, 40))
def test_the_facts_a_what_if_was_made_from_move_on(cut: int, more: int) -> None:
    _check_base_moves(DEMO, cut, more)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream=hospital_streams(), data=st.data())
def test_a_stream_s_facts_move_on_under_a_what_if(stream: Stream, data: st.DataObject) -> None:
    events = _events(list(stream.commands))
    _check_base_moves(events, data.draw(st.integers(0, len(events))),
                      data.draw(st.integers(0, 30)))
