"""A what-if in a new process reads its period's people from the statement stored for the
facts it starts from (api/usecases/stored_scores.py, projections/seeded_scores.py) and
scores again only the people its batch concerns, on SQLite and PostgreSQL. Its answer
must be the full computation's byte for byte (payout and explanation); a stored row that
was edited, or a view of other facts (a write since the fold), seeds nobody."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from builders import GOLDEN, cli_for, later_quarter_batch, launched

import api.usecases.ledger as ledger_usecases
from api.storage.session import Session
from api.usecases import stored_scores
from domain.periods import Period
from domain.scheme import canonical_dumps
from projections.payout import seeded_splits, split_memo
from projections.restatement import restatement_of
from projections.views import content_sha256

PERIOD = "2026-Q1"


def _warm(store: Any) -> dict[str, str]:
    """example-1 recorded (three people, scores and deductions) and its view caught up."""
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    cli.ok("payout", "--period", PERIOD)
    return dict(cli.environ)


@contextmanager
def _seeding(monkeypatch: pytest.MonkeyPatch, *, on: bool) -> Iterator[list[int]]:
    """Count the people each what-if seeds; with `on` False, seed nobody (the full
    computation, as before the seeding)."""
    seeded: list[int] = []
    real = stored_scores.seed_stored_scores

    def spy(*args: Any, **options: Any) -> int:
        count = real(*args, **options) if on else 0
        seeded.append(count)
        return count

    with monkeypatch.context() as patch:
        patch.setattr(ledger_usecases, "seed_stored_scores", spy)
        yield seeded


def _batches(store: Any, tmp_path: Path) -> dict[str, Path]:
    """An upheld appeal (a correction of one of zhang's late entries) and a new entry for
    wang: each concerns one person of three."""
    with Session(store.env) as session:
        late = next(e for e in session.ledger.facts().events.values()
                    if getattr(e, "employee_id", None) == "zhang"
                    and getattr(e, "kind", None) == "late" and getattr(e, "minutes", 0) == 6)
    rows = {
        "appeal": {"type": "record_deduction", "period": PERIOD, "employee_id": "zhang",
                   "kind": "late", "minutes": 2, "supersedes": str(late.originator_id),
                   "reason": "appeal upheld: 2 minutes, not 6"},
        "entry": {"type": "record_deduction", "period": PERIOD, "employee_id": "wang",
                  "kind": "late", "minutes": 90},
    }
    paths = {}
    for name, row in rows.items():
        paths[name] = tmp_path / f"{name}.jsonl"
        paths[name].write_text(json.dumps(row) + "\n", encoding="utf-8")
    return paths


def _verbs(batch: Path) -> list[list[str]]:
    return [["payout", "--period", PERIOD, "--with", str(batch)],
            ["payout", "--period", PERIOD, "--with", str(batch), "--json"],
            ["payout", "--period", PERIOD, "--with", str(batch), "--figures", "--json"],
            *(["explain", "--period", PERIOD, "--employee", who, "--with", str(batch),
               "--json"] for who in ("zhang", "li", "wang"))]


def _answers(argv_list: list[list[str]], environ: dict[str, str],
             monkeypatch: pytest.MonkeyPatch, *, seed: bool) -> tuple[list[Any], list[int]]:
    with _seeding(monkeypatch, on=seed) as seeded:
        return [launched(argv, environ) for argv in argv_list], seeded


def test_a_seeded_what_if_is_the_full_computation_s(  # type: ignore[no-untyped-def]
        store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    environ = _warm(store)
    plain = launched(["payout", "--period", PERIOD, "--json"], environ)
    for name, batch in _batches(store, tmp_path).items():
        verbs = _verbs(batch)
        full, none = _answers(verbs, environ, monkeypatch, seed=False)
        seeded, counts = _answers(verbs, environ, monkeypatch, seed=True)
        assert seeded == full, name
        assert [code for code, _, _ in full] == [0] * len(verbs), full
        assert none == [0] * len(verbs)
        assert counts == [3] * len(verbs), counts  # everyone seeded, the concerned rescored
        assert full[1][1] != plain[1], f"{name}: the what-if changed nothing"


def test_an_edited_row_seeds_nobody(  # type: ignore[no-untyped-def]
        store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    environ = _warm(store)
    batch = _batches(store, tmp_path)["entry"]
    verbs = _verbs(batch)[:2]
    full, _ = _answers(verbs, environ, monkeypatch, seed=False)

    def raise_li(body: str) -> str:  # li's points, as someone editing the table would
        statement = json.loads(body)
        for line in statement["people"]:
            if line["employee_id"] == "li":
                line["score"] = line["points"] = "1000"
        return json.dumps(statement, ensure_ascii=False)

    _edit_row(store, PERIOD, raise_li)
    seeded, counts = _answers(verbs, environ, monkeypatch, seed=True)
    assert counts == [0] * len(verbs)
    # The answers are the full computation's (stderr also names the edited row).
    assert [(code, out) for code, out, _ in seeded] == [(code, out) for code, out, _ in full]


def test_a_view_of_other_facts_seeds_nobody(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _warm(store)
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"type": "record_deduction", "period": PERIOD,
                                "employee_id": "li", "kind": "late", "minutes": 45}) + "\n",
                    encoding="utf-8")
    with Session(store.env) as session:
        facts = session.facts()
        cli_for(store.backend, store.env).ok("apply", str(more))  # another process writes
        assert stored_scores.seed_stored_scores(session, facts, Period.parse(PERIOD)) == 0
    with Session(store.env) as session:  # the facts as they stand now: seeded
        assert stored_scores.seed_stored_scores(session, session.facts(),
                                                Period.parse(PERIOD)) == 3


def _edit_row(store: Any, period: str, edit: Callable[[str], str], *,
              rehash: bool = False) -> None:
    """Rewrite a stored statement's body, leaving its recorded hash as it was (or, with
    `rehash`, writing the new body's)."""
    with Session(store.env) as session:
        session.catch_up_view()
        row = session.view.get(period)
        assert row is not None
        mark = "?" if store.backend == "sqlite" else "%s"
        connection = session.view.connection
        body = edit(row.body)
        connection.execute(f"UPDATE jixiao_statements SET body = {mark}, sha256 = {mark} "
                           f"WHERE period = {mark}",
                           (body, content_sha256(body) if rehash else row.sha256, period))
        if store.backend == "postgres":
            connection.commit()


def test_a_department_the_what_if_does_not_move_is_split_by_the_stored_statement(  # type: ignore[no-untyped-def]
        store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch of another quarter's department figures moves nobody of this one: the
    department's split is the stored statement's (projections/payout/seeded_splits.py),
    its figures computed when `--figures` and explain read them, and every answer the full
    computation's."""
    environ = _warm(store)
    batch = later_quarter_batch(tmp_path)
    verbs = _verbs(batch)
    full, _ = _answers(verbs, environ, monkeypatch, seed=False)
    splits: list[str] = []
    real = split_memo.split_department_pay

    def counted(line: Any, *args: Any) -> Any:
        splits.append(line.department_id)
        return real(line, *args)

    with monkeypatch.context() as patch:
        patch.setattr(split_memo, "split_department_pay", counted)
        patch.setattr(seeded_splits, "split_department_pay", counted)
        plain_payout, _ = _answers(verbs[:2], environ, monkeypatch, seed=True)
        assert splits == []  # taken, and its figures not read by the payout itself
        seeded, counts = _answers(verbs, environ, monkeypatch, seed=True)
    assert [code for code, _, _ in full] == [0] * len(verbs), full
    assert counts == [3] * len(verbs)
    assert plain_payout == full[:2]
    assert seeded == full
    assert splits  # --figures and explain read the figures: computed then, and equal


def test_a_closed_period_s_frozen_row_seeds_nobody(  # type: ignore[no-untyped-def]
        store, tmp_path: Path) -> None:
    """A closed quarter's row is its frozen statement, of the facts at its close: a
    correction recorded since is not in its lines. Seeded onto today's facts, they made a
    long-lived session's restatement of that quarter (and the next quarter's settlement
    of it) nothing."""
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    cli.ok("payout", "--period", PERIOD)
    cli.ok("close", "--period", PERIOD)
    with Session(store.env) as session:
        late = next(e for e in session.ledger.facts().events.values()
                    if getattr(e, "employee_id", None) == "zhang"
                    and getattr(e, "kind", None) == "late" and getattr(e, "minutes", 0) == 6)
    correction = tmp_path / "correction.jsonl"
    correction.write_text(json.dumps({
        "type": "record_deduction", "period": PERIOD, "employee_id": "zhang", "kind": "late",
        "minutes": 2, "supersedes": str(late.originator_id), "reason": "late correction"})
        + "\n", encoding="utf-8")
    cli.ok("apply", str(correction))
    cli.ok("payout", "--period", PERIOD)  # the view caught up: the row stays the frozen one
    with Session(store.env) as session:
        assert stored_scores.seed_stored_scores(session, session.facts(),
                                                Period.parse(PERIOD)) == 0
        assert restatement_of(session.facts(), Period.parse(PERIOD)).people


def test_a_stored_split_unlike_the_computed_one_is_never_a_traceback(  # type: ignore[no-untyped-def]
        store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A row edited and its hash written anew (or a view of other code, were it not
    emptied on open): its split is not the computation's. A report that reads the figures
    seeds no split, so it computes them all (their figures and result agree) instead of
    stopping at the invariant of `_LazySplitFigures`; a plain what-if serves the row's
    shares, as a plain payout serves the row."""
    environ = _warm(store)
    batch = later_quarter_batch(tmp_path)
    verbs = _verbs(batch)[2:]  # --figures and explain
    full, _ = _answers(verbs, environ, monkeypatch, seed=False)

    def move_a_fen(body: str) -> str:  # as another largest remainder would have split
        statement = json.loads(body)
        pays = {line["employee_id"]: line for line in statement["people"]}
        pays["li"]["pay"] = str(Decimal(pays["li"]["pay"]) + Decimal("0.01"))
        pays["zhang"]["pay"] = str(Decimal(pays["zhang"]["pay"]) - Decimal("0.01"))
        return canonical_dumps(statement)

    _edit_row(store, PERIOD, move_a_fen, rehash=True)
    seeded, counts = _answers(verbs, environ, monkeypatch, seed=True)
    assert counts == [3] * len(verbs)  # trusted: its hash is right
    assert seeded == full
    # Without figures, the stored shares are taken (nothing computes the split).
    code, out, _ = launched(["payout", "--period", PERIOD, "--with", str(batch), "--json"], environ)
    with Session(store.env) as session:
        row = session.view.get(PERIOD)
    assert code == 0
    assert row is not None
    assert _pays(out) == _pays(row.body) != _pays(full[0][1])


def _pays(body: str) -> dict[str, str]:
    return {line["employee_id"]: line["pay"] for line in json.loads(body)["people"]}
