"""Snapshots of closed years, on SQLite and PostgreSQL: a fold from one gives the very
statements a fold of every event gives, for every period and every as-of time; an edited
snapshot is named and not used; a late correction to a sealed year stops it serving.

The ledgers are the benchmarks' generated hospital (smoke size), recorded year by year
through `jixiao apply` with each year closed through `jixiao close` before the next."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from builders import cli_for

from api.storage.session import Session
from api.storage.snapshots import facts_from_snapshot, open_snapshots, take_snapshot
from bench.generator import iter_commands, shape_for
from domain.errors import DomainError
from domain.events import DeductionRecorded
from domain.facts import Facts
from domain.scheme import canonical_dumps
from projections.restatement import statement_for
from projections.views import content_sha256, payable_periods


def _year_of_row(row: dict[str, Any]) -> int | None:
    if isinstance(row.get("period"), str):
        return int(row["period"][:4])
    if isinstance(row.get("year"), int):
        return int(row["year"])
    for name in ("effective_on", "hired_on"):
        if isinstance(row.get(name), str):
            return int(row[name][:4])
    return None


def _years(rows: Iterator[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The generated rows cut where the next year's first dated row begins."""
    chunks: list[list[dict[str, Any]]] = [[]]
    year = 2026
    for row in rows:
        dated = _year_of_row(row)
        if dated is not None and dated > year:
            year = dated
            chunks.append([])
        chunks[-1].append(row)
    return chunks


def _build(store: Any, tmp_path: Path, years: int, closed_years: int,
           snapshot_after: int) -> None:
    """Record the years one by one, closing each of the first `closed_years` before the
    next; take the snapshot once year number `snapshot_after` (from 0) is recorded."""
    cli = cli_for(store.backend, store.env)
    chunks = _years(iter_commands(shape_for("smoke", years=years, staff=24), 0))
    assert len(chunks) == years
    for number, chunk in enumerate(chunks):
        path = tmp_path / f"year-{number}.jsonl"
        path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in chunk))
        cli.ok("apply", str(path))
        if number < closed_years:
            year = 2026 + number
            for period in [*(f"{year}-Q{q}" for q in range(1, 5)), f"{year}-YE"]:
                cli.ok("close", "--period", period)
        if number == snapshot_after:
            with Session(store.env) as session:
                assert take_snapshot(session.ledger, open_snapshots(store.env)) is not None


def _report(facts: Facts, period: Any) -> str:
    try:
        return canonical_dumps(statement_for(facts, period).to_json())
    except DomainError as error:  # a blocked period must block the same way
        return f"{type(error).__name__}: {error}"


def test_snapshot_on_and_off_give_the_same_reports_at_every_time(  # type: ignore[no-untyped-def]
        store, tmp_path) -> None:
    # 2026 and 2027 closed, the snapshot taken, 2028 recorded after it.
    _build(store, tmp_path, years=3, closed_years=2, snapshot_after=1)
    cli_for(store.backend, store.env).ok("close", "--period", "2028-Q1")
    with Session(store.env) as session:
        ledger, snapshots = session.ledger, open_snapshots(store.env)
        [row] = snapshots.rows()
        assert row.period == "sealed-through-2027"  # taken when 2027 closed
        everything = list(ledger.read())
        times = sorted({e.recorded_at for _, e in everything})
        # Every recording time after the snapshot's events, and the instants between.
        known = [t for t in times if t >= max(e.recorded_at for p, e in everything
                                              if p <= row.position)]
        instants = sorted({*known, *(t - timedelta(microseconds=1) for t in known)})
        earlier = [t for t in times if t < known[0]]
        served = 0
        for instant in [None, *instants[::max(1, len(instants) // 5)], instants[-1]]:
            full = ledger.facts(cutoff=instant)
            fast = facts_from_snapshot(ledger, snapshots, cutoff=instant)
            if instant is None or instant >= known[0]:
                assert fast is not None
                assert fast.sealed is not None
                served += 1
            if fast is None:
                continue
            # The sealed year's bulk is not held: everything else is.
            dropped = len(fast.sealed.dropped)  # type: ignore[attr-defined]
            assert len(full.events) - len(fast.events) == dropped > len(full.events) / 4
            for period in sorted(payable_periods(full)):
                assert _report(fast, period) == _report(full, period), (instant, period)
        assert served >= 3
        # Never for a time before it was taken: its facts were not all known then.
        for instant in earlier[-3:]:
            assert facts_from_snapshot(ledger, snapshots, cutoff=instant) is None


def test_an_edited_snapshot_is_named_and_not_used(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _build(store, tmp_path, years=2, closed_years=1, snapshot_after=1)
    snapshots = open_snapshots(store.env)
    [row] = snapshots.rows()
    data = json.loads(row.body)
    data["periods"].append("2027-Q1")  # would skip 2027-Q1's restatements
    snapshots.save(type(row)(row.period, row.status, canonical_dumps(data), row.sha256,
                             row.position))
    with Session(store.env) as session:
        problems: list[str] = []
        assert facts_from_snapshot(session.ledger, snapshots, problems=problems) is None
        assert problems
        assert "does not hash to its stored sha256" in problems[0]
        assert "sealed-through-2026" in problems[0]
    # Rewritten with a hash to match, it must still name the chain's head at its position.
    data["chain_head"] = "0" * 64
    body = canonical_dumps(data)
    snapshots.save(type(row)(row.period, row.status, body, content_sha256(body),
                             row.position))
    with Session(store.env) as session:
        problems = []
        assert facts_from_snapshot(session.ledger, snapshots, problems=problems) is None
        assert problems == [f"snapshot sealed-through-2026: the chain at position "
                            f"{row.position} is {json.loads(row.body)['chain_head'][:12]}…, "
                            f"not the head 000000000000… recorded at the close"]
    snapshots.save(row)  # the snapshot as taken serves again
    with Session(store.env) as session:
        assert facts_from_snapshot(session.ledger, snapshots) is not None


def test_a_late_correction_to_a_sealed_year_stops_its_snapshot(  # type: ignore[no-untyped-def]
        store, tmp_path) -> None:
    _build(store, tmp_path, years=2, closed_years=1, snapshot_after=1)
    snapshots = open_snapshots(store.env)
    with Session(store.env) as session:
        before = facts_from_snapshot(session.ledger, snapshots)
        assert before is not None
        facts = session.ledger.facts()
        late = next(e for e in facts.live.values()
                    if isinstance(e, DeductionRecorded) and e.period == "2026-Q2")
    correction = tmp_path / "late.jsonl"
    correction.write_text(json.dumps({
        "type": "record_deduction", "period": "2026-Q2", "employee_id": late.employee_id,
        "kind": "late", "minutes": 3, "supersedes": str(late.originator_id),
        "reason": "appeal upheld after the close: 3 minutes late"}) + "\n")
    cli_for(store.backend, store.env).ok("apply", str(correction))
    with Session(store.env) as session:
        ledger = session.ledger
        assert facts_from_snapshot(ledger, snapshots) is None  # the events are read
        # Nor does 2026 seal again while its restatement is outstanding in 2027-Q1.
        assert take_snapshot(ledger, snapshots) is None
        full = ledger.facts()
        assert full.close_of("2026-Q2") is not None  # the restatement settles in 2027
        restated = statement_for(full, next(iter(sorted(
            p for p in payable_periods(full) if p.year == 2027 and p.kind == "quarter"))))
        assert any(s["period"] == "2026-Q2" for s in restated.restatements)
