"""The statements view is stamped with the code that computed its rows
(api/storage/code_digest.py), on SQLite and PostgreSQL: a view another code computed, or
one from before stamps, is emptied on open and built again from the events as a fresh
view is, so a plain payout, the warm path and a what-if (which seeds its unmoved people
and departments from the stored row) give this code's figures only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from builders import GOLDEN, cli_for, later_quarter_batch, launched

from api.storage import code_digest
from api.storage.code_digest import VIEW_STAMP_NOTE, calculation_digest
from api.storage.session import Session
from domain.errors import ConflictError
from projections.payout import department
from projections.views import catch_up_settled

PERIOD = "2026-Q1"


@contextmanager
def _older_code(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Another version of the calculation: its largest remainder moves one fen from the
    last share to the first (as the reviewer's /tmp/rev-seed/oldcode.py), and its sources
    have another digest."""
    real = department.allocate_largest_remainder

    def moved(total: Decimal, weights: Any) -> dict[str, Decimal]:
        shares = dict(real(total, weights))
        keys = sorted(shares)
        shares[keys[0]] += Decimal("0.01")
        shares[keys[-1]] -= Decimal("0.01")
        return shares

    with monkeypatch.context() as patch:
        patch.setattr(department, "allocate_largest_remainder", moved)
        patch.setattr(code_digest, "calculation_digest", lambda: "0" * 64)
        yield


def _store(store: Any, tmp_path: Path) -> tuple[dict[str, str], list[list[str]]]:
    """example-1 recorded, and the verbs compared: plain payouts, and what-ifs of another
    quarter's figures, which move nobody of this one (each department's split seeded)."""
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    batch = later_quarter_batch(tmp_path)
    verbs = [["payout", "--period", PERIOD, "--json"], ["payout", "--period", PERIOD],
             ["payout", "--period", PERIOD, "--with", str(batch), "--json"],
             ["payout", "--period", PERIOD, "--with", str(batch), "--figures", "--json"],
             ["explain", "--period", PERIOD, "--employee", "li", "--with", str(batch),
              "--json"]]
    return dict(cli.environ), verbs


def _on_view(store: Any, *statements: tuple[str, tuple[str, ...]]) -> None:
    """SQL run on the statements view's own connection, committed; `{mark}` is the
    backend's parameter mark."""
    mark = "?" if store.backend == "sqlite" else "%s"
    with Session(store.env) as session:
        connection = session.view.connection
        for sql, parameters in statements:
            connection.execute(sql.format(mark=mark), parameters)
        if store.backend == "postgres":
            connection.commit()


def _forget_view(store: Any) -> None:
    """The view as never built: its rows gone, at position 0."""
    _on_view(store, ("DELETE FROM jixiao_statements", ()), ("DELETE FROM jixiao_figures", ()),
             ("UPDATE jixiao_view_tracking SET position = 0", ()))


def _stamp(store: Any) -> tuple[int, tuple[int, str] | None]:
    with Session(store.env) as session:
        return session.view.position(), session.view.note(VIEW_STAMP_NOTE)


def test_a_view_another_code_computed_is_rebuilt(  # type: ignore[no-untyped-def]
        store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    environ, verbs = _store(store, tmp_path)
    fresh = [launched(argv, environ) for argv in verbs]  # this code, its view built by the first
    assert [code for code, _, _ in fresh] == [0] * len(verbs), fresh
    position, stamp = _stamp(store)
    assert stamp == (position, calculation_digest())
    _forget_view(store)
    with _older_code(monkeypatch):
        older = launched(verbs[0], environ)
        # the older code's statement, stored for it: served to it warm
        assert older[1] != fresh[0][1]
        assert launched(verbs[0], environ) == older
    assert _stamp(store)[1] == (position, "0" * 64)
    # This code's answers, whichever verb runs first: the warm path declines the row of
    # another code and the full path empties the view before reading it.
    for first in range(len(verbs)):
        if first:
            _forget_view(store)
            with _older_code(monkeypatch):
                assert launched(verbs[0], environ) == older
        again = [launched(verbs[(first + n) % len(verbs)], environ) for n in range(len(verbs))]
        assert again == fresh[first:] + fresh[:first], verbs[first]
        assert _stamp(store) == (position, (position, calculation_digest()))


def test_a_view_without_a_stamp_is_rebuilt(  # type: ignore[no-untyped-def]
        store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every view written before stamps has none: it counts as another code's. (A view
    written by the older code above, its stamp note then deleted.)"""
    environ, verbs = _store(store, tmp_path)
    fresh = [launched(argv, environ) for argv in verbs]
    _forget_view(store)
    with _older_code(monkeypatch):
        launched(verbs[0], environ)
    _on_view(store, ("DELETE FROM jixiao_view_notes WHERE name = {mark}", (VIEW_STAMP_NOTE,)))
    assert [launched(argv, environ) for argv in verbs] == fresh


def _stamp_as_other_codes(store: Any) -> None:
    """The view's rows stamped as another version's, as an upgrade finds them."""
    _on_view(store, ("UPDATE jixiao_view_notes SET body = {mark} WHERE name = {mark}",
                     ("0" * 64, VIEW_STAMP_NOTE)))


def _catch_up_heard(env: dict[str, str]) -> tuple[bool, list[tuple[str, int, int]], bool]:
    """A session's view opened: whether it was emptied for another code's rows, what its
    catch-up reported (projections.views.CatchUpProgress), and the flag after it."""
    heard: list[tuple[str, int, int]] = []
    with Session(env) as session:
        session.catch_up_progress = lambda *report: heard.append(report)
        emptied = session.view.emptied_for_other_code
        session.catch_up_view()
        return emptied, heard, session.view.emptied_for_other_code


def test_a_rebuild_for_another_codes_rows_is_reported_statement_by_statement(
        store: Any, tmp_path: Path) -> None:
    """The CLI draws these as a bar and says once why it waits (api/cli/sessions.py):
    the rebuild after an upgrade took ≈19 s of silence on the county preset."""
    _store(store, tmp_path)
    emptied, heard, _ = _catch_up_heard(store.env)  # the view's first build: no rebuild
    periods = heard[-1][2] if heard else 0
    assert not emptied
    assert periods > 0
    assert heard == [("statements", done, periods) for done in range(periods + 1)]
    _stamp_as_other_codes(store)
    emptied, heard, after = _catch_up_heard(store.env)
    assert emptied
    assert not after
    assert heard == [("rebuild", done, periods) for done in range(periods + 1)]
    assert _catch_up_heard(store.env) == (False, [], False)  # rebuilt: this code's rows
    assert _stamp(store)[1] == (_stamp(store)[0], calculation_digest())


def test_a_view_opened_before_its_first_rows_is_not_taken_for_another_codes(
        store: Any, tmp_path: Path) -> None:
    """A view opened while the ledger had no event has its table but not yet the figures
    beside it (made by the first save), as an older version's table has: that is this
    code's empty view, so its first build is an ordinary catch-up, never announced as the
    rebuild after an upgrade ("jixiao was updated: …", api/cli/sessions.py)."""
    for _ in range(2):
        with Session(store.env) as session:
            assert not session.view.emptied_for_other_code
    _store(store, tmp_path)  # example-1 applied
    emptied, heard, _ = _catch_up_heard(store.env)  # the view's first build
    assert not emptied
    assert heard
    assert {stage for stage, _, _ in heard} == {"statements"}


def test_a_rebuild_lost_to_another_process_is_not_announced_again(
        store: Any, tmp_path: Path) -> None:
    """Two processes rebuilding after an upgrade: the loser's retry catches up only what
    the winner left, an ordinary catch-up, not the rebuild said once ("jixiao was
    updated: …" would be printed a second time)."""
    _store(store, tmp_path)
    _catch_up_heard(store.env)  # built by this code
    _stamp_as_other_codes(store)
    heard: list[tuple[str, int, int]] = []
    with Session(store.env) as session:
        view, save = session.view, session.view.save

        def lost(statements: Any, expected: int, position: int) -> None:
            view.save = save  # type: ignore[method-assign]
            save(statements, expected, position - 1)  # the winner's, a step behind
            raise ConflictError("the statements view was caught up by another process")

        view.save = lost  # type: ignore[method-assign]
        assert view.emptied_for_other_code
        catch_up_settled(session.ledger, view, None, lambda *report: heard.append(report))
    periods = heard[0][2]
    assert heard[:periods + 1] == [("rebuild", done, periods) for done in range(periods + 1)]
    assert heard[periods + 1:]  # the retry: the periods the step behind touches
    assert {stage for stage, _, _ in heard[periods + 1:]} == {"statements"}
