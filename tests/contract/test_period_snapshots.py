"""Snapshots of closed years, on SQLite and PostgreSQL, through the command line: closing
a year's last period snapshots it; a report of a later period then folds from the snapshot
and answers exactly as a fold of every event does (`JIXIAO_SNAPSHOTS=off`); an edited
snapshot is named on stderr and not used; a late correction to a sealed year stops it
serving; an as-of time before it was taken never reads it. Each on one small generated
hospital (8 people, two years): 2026 closed, 2027 open.
"""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from builders import Cli, cli_for, sql_on_store
from eventsourcing.persistence import DataError

from api.storage.session import Session
from api.storage.snapshots import open_snapshots
from bench.generator import iter_commands, shape_for
from domain.errors import DomainError
from domain.events import DeductionRecorded, ScoreRecorded
from domain.facts import Facts
from domain.periods import Period
from domain.scheme import canonical_dumps
from domain.stored_reader import select_rows
from projections.restatement import statement_for
from projections.views import content_sha256, payable_periods

OPEN, SEALED = "2027-Q1", "2026-Q3"


def _build(store: Any, tmp_path: Path) -> tuple[Cli, Cli]:
    """The ledger, 2026 closed through `jixiao close`; the CLI as is, and with snapshots
    off."""
    cli = cli_for(store.backend, store.env)
    rows = iter_commands(shape_for("smoke", years=2, staff=8), 0)
    path = tmp_path / "two-years.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    cli.ok("apply", str(path))
    for period in [*(f"2026-Q{q}" for q in range(1, 5)), "2026-YE"]:
        cli.ok("close", "--period", period)
    off = Cli({**cli.environ, "JIXIAO_SNAPSHOTS": "off"})
    return cli, off


def _reports(cli: Cli) -> list[str]:
    """A later period's payout (with figures) and one person's explanation."""
    payout = cli.ok("payout", "--period", OPEN, "--json", "--figures")
    employee = json.loads(payout.out)["people"][0]["employee_id"]
    return [payout.out,
            cli.ok("explain", "--period", OPEN, "--employee", employee, "--json").out]


def _report(facts: Facts, period: Period) -> str:
    try:
        return canonical_dumps(statement_for(facts, period).to_json())
    except DomainError as error:  # a blocked period must block the same way
        return f"{type(error).__name__}: {error}"


def test_a_closed_year_is_snapshotted_and_later_reports_fold_from_it_unchanged(  # type: ignore[no-untyped-def]
        store, tmp_path) -> None:
    cli, off = _build(store, tmp_path)
    [row] = open_snapshots(store.env).rows()
    assert row.period == "sealed-through-2026"  # taken by the close of 2026-YE
    assert _reports(cli) == _reports(off)
    with Session(store.env) as session:
        lean = session.lean_facts(Period.parse(OPEN))
        assert lean is not None
        assert lean.sealed is not None
        assert session.lean_facts(Period.parse(SEALED)) is None  # a sealed period: all
        full = session.facts()
        # The sealed year's scores, deductions … are not held; a report of any payable
        # period, sealed or open, is the same from either.
        assert len(lean.events) < len(full.events) * 3 / 4
        for period in sorted(payable_periods(full)):
            assert _report(lean, period) == _report(full, period), period
        assert session.lean_facts(Period.parse(OPEN)) is None  # one fold held, not two
        taken = max(e.recorded_at for e in full.events.values()
                    if full.positions[e.originator_id] <= row.position)
    # As known before the snapshot was taken: never from it.
    before, after = taken - timedelta(microseconds=1), taken
    with Session(store.env) as session:
        assert session.lean_facts(Period.parse(OPEN), before) is None
        assert session.lean_facts(Period.parse(OPEN), after) is not None
    for instant in (before.isoformat(), after.isoformat()):
        as_of = ("payout", "--period", OPEN, "--json", "--figures", "--as-of", instant)
        assert cli.ok(*as_of).out == off.ok(*as_of).out


def test_an_edited_snapshot_is_named_and_not_used_and_a_late_correction_stops_it(  # type: ignore[no-untyped-def]
        store, tmp_path) -> None:
    cli, off = _build(store, tmp_path)
    snapshots = open_snapshots(store.env)
    [row] = snapshots.rows()
    expected = off.ok("payout", "--period", OPEN, "--json", "--figures")
    assert "snapshot" not in expected.err
    data = json.loads(row.body)
    data["periods"].append("2027-Q1")  # would skip 2027-Q1's restatements
    snapshots.save(type(row)(row.period, row.status, canonical_dumps(data), row.sha256,
                             row.position))
    edited = cli.ok("payout", "--period", OPEN, "--json", "--figures")
    assert edited.out == expected.out
    assert "a snapshot failed its check" in edited.err
    assert "sealed-through-2026" in edited.err
    assert "does not hash" in edited.err
    # Rewritten with a hash to match, it must still name the chain's head at its position.
    data["chain_head"] = "0" * 64
    body = canonical_dumps(data)
    snapshots.save(type(row)(row.period, row.status, body, content_sha256(body),
                             row.position))
    forged = cli.ok("payout", "--period", OPEN, "--json", "--figures")
    assert forged.out == expected.out
    assert "not the head 000000000000…" in forged.err
    snapshots.save(row)  # the snapshot as taken serves again
    snapshots.close()
    with Session(store.env) as session:
        assert session.lean_facts(Period.parse(OPEN)) is not None
        assert not session.integrity_warnings
        late = next(e for e in session.facts().live.values()
                    if isinstance(e, DeductionRecorded) and e.period == "2026-Q2")
    # A correction to the sealed year after its close: the snapshot stops serving.
    correction = tmp_path / "late.jsonl"
    correction.write_text(json.dumps({
        "type": "record_deduction", "period": "2026-Q2", "employee_id": late.employee_id,
        "kind": "late", "minutes": 3, "supersedes": str(late.originator_id),
        "reason": "appeal upheld after the close: 3 minutes late"}) + "\n")
    cli.ok("apply", str(correction))
    with Session(store.env) as session:
        assert session.lean_facts(Period.parse(OPEN)) is None  # every event is read
    # The restatement of 2026-Q2 settles in 2027: the same with or without the snapshot.
    corrected = cli.ok("payout", "--period", OPEN, "--json", "--figures").out
    assert corrected == off.ok("payout", "--period", OPEN, "--json", "--figures").out
    assert any(s["period"] == "2026-Q2" for s in json.loads(corrected)["restatements"])


@pytest.mark.parametrize("edit", ["body", "id"])
def test_a_year_sealed_while_an_event_was_edited_is_not_snapshotted(  # type: ignore[no-untyped-def]
        store, tmp_path, edit) -> None:
    """An open year's score edited when 2026-YE closes, and put back after: `verify` then
    says the chain is intact. A snapshot taken over the edited row used to serve it (the
    served check reads the link at its position, not the rows it copied): the edited
    points in every later payout (or, an id that is no UUID, a snapshot that never
    serves and a year never sealed again). None is taken over rows that are not the
    chained ones."""
    # PostgreSQL's uuid column refuses the id edit: nothing changes, the year is sealed.
    refused = store.backend == "postgres" and edit == "id"
    cli = cli_for(store.backend, store.env)
    rows = iter_commands(shape_for("smoke", years=2, staff=8), 0)
    path = tmp_path / "two-years.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    cli.ok("apply", str(path))
    for period in [f"2026-Q{q}" for q in range(1, 5)]:
        cli.ok("close", "--period", period)
    with Session(store.env) as session:
        facts = session.facts()
        [(position, event)] = [
            (facts.positions[i], e) for i, e in facts.live.items()
            if isinstance(e, ScoreRecorded) and e.period == "2027-Q1"][:1]
        [(_, _, _, _, state)] = select_rows(session.ledger.recorder, position, 1)
        with pytest.raises(DataError) if refused else contextlib.nullcontext() as caught:
            _update(session, position, "not-a-uuid" if edit == "id" else None,
                    json.dumps({**json.loads(state), "points": "0"}).encode()
                    if edit == "body" else None)
        if refused:
            assert isinstance(caught.value.__cause__, psycopg.errors.InvalidTextRepresentation)
    cli.ok("close", "--period", "2026-YE")
    if refused:
        assert open_snapshots(store.env).rows() != []
        return
    with Session(store.env) as session:
        _update(session, position, event.originator_id.hex if edit == "id" else None,
                state)
    assert open_snapshots(store.env).rows() == []
    verified = cli("verify")
    assert verified.code == 0, verified.out
    off = Cli({**cli.environ, "JIXIAO_SNAPSHOTS": "off"})
    assert _reports(cli) == _reports(off)


def _update(session: Session, position: int, originator_id: str | None,
            state: bytes | None) -> None:
    """The row at `position` given another id or body, straight in the database."""
    column, value = ("originator_id", originator_id) if originator_id else ("state", state)
    sql_on_store(session.ledger.recorder, f"UPDATE {{events}} SET {column}=? WHERE {{id}}=?",
                 value, position)
