"""A snapshot's row reads back as it was saved on SQLite and PostgreSQL, its body longer
than the pieces PostgreSQL reads it in (so that the connection's input buffer does not
keep a whole body, which grows with every sealed year): every character, multi-byte ones
across a piece's edge included, and its hash check still names an edited body."""

from __future__ import annotations

import pytest

from api.storage import snapshots
from api.storage.session import Session
from api.storage.snapshots import open_snapshots, snapshot_problem
from projections.views import StoredStatement, content_sha256


def test_a_long_body_reads_back_whole_and_checked(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(snapshots, "BODY_PIECE", 7)
    body = '{"resident":["' + "绩效考核" * 11 + 'x"],"through":2026}'
    Session(store.env).close()  # the events' table (and schema) exist
    kept = open_snapshots(store.env)
    try:
        kept.save(StoredStatement("sealed-through-2026", "ok", body, content_sha256(body), 0))
        kept.save(StoredStatement("sealed-through-2025", "ok", "{}", content_sha256("{}"), 0))
        rows = list(kept.newest_first())
        assert {row.period: row.body for row in rows} == {
            "sealed-through-2026": body, "sealed-through-2025": "{}"}
        assert all(snapshot_problem(row, 0) is None for row in rows)
        edited = body.replace("绩效", "奖金", 1)
        kept.save(StoredStatement("sealed-through-2026", "ok", edited, content_sha256(body), 0))
        [row] = [row for row in kept.newest_first() if row.period == "sealed-through-2026"]
        assert row.body == edited
        assert snapshot_problem(row, 0) is not None
    finally:
        kept.close()


@pytest.mark.parametrize("length", [0, 1, 7, 8, 15])
def test_bodies_of_every_length_around_a_piece(store, monkeypatch, length) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(snapshots, "BODY_PIECE", 7)
    body = ("年" * length)
    Session(store.env).close()
    kept = open_snapshots(store.env)
    try:
        kept.save(StoredStatement("sealed-through-2026", "ok", body, content_sha256(body), 0))
        [row] = list(kept.newest_first())
        assert row.body == body
    finally:
        kept.close()
