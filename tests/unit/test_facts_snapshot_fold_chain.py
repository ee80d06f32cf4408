"""The chain computed over the rows a fold takes in (api/storage/fold_chain.py) is the
stored chain's (projections/chain_links.py): the same links from the same rows, whether
read (ids as text or UUIDs) or written by the session itself; a fold it cannot follow is
lost, and only a fold hashed up to exactly its last position may be signed."""

from __future__ import annotations

import secrets
import shutil
import sqlite3
from pathlib import Path
from uuid import uuid4

from builders import snapshot_key_file

from api.storage.fold_chain import HashedFold
from api.storage.session import Session
from api.storage.snapshot_key import SNAPSHOT_KEY_ENV
from projections.chain_links import GENESIS, StoredRecord, extend_chain

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures/old_ledger/example-1/ledger.db"


def _rows(first: int, count: int) -> list[tuple[int, object, int, str, bytes]]:
    return [(first + n * 2, uuid4(), n + 1, "domain.events:PoolDeclared",
             secrets.token_bytes(40)) for n in range(count)]  # positions with gaps


def _chain(rows: list[tuple[int, object, int, str, bytes]], head: str = GENESIS) -> str:
    records = [StoredRecord(p, i, v, t, s) for p, i, v, t, s in rows]  # type: ignore[arg-type]
    return extend_chain(head, records)[-1].link


def test_the_rows_read_hash_to_the_stored_chains_links() -> None:
    rows = _rows(1, 5)
    fold = HashedFold()
    fold.read(0, rows[:2])
    fold.read(rows[1][0], [(p, str(i), v, t, s) for p, i, v, t, s in rows[2:]])  # text ids
    assert (fold.position, fold.head) == (rows[-1][0], _chain(rows))
    assert fold.signable(rows[-1][0]) == _chain(rows)
    assert fold.signable(rows[-2][0]) is None  # not hashed up to exactly there


def test_from_a_snapshots_head_and_the_sessions_own_rows() -> None:
    rows = _rows(1, 3)
    head = _chain(rows)
    fold = HashedFold(rows[-1][0], head)
    written = [(i, v, t, s) for _, i, v, t, s in _rows(0, 2)]
    first = rows[-1][0] + 1
    fold.wrote(first, written)
    expected = _chain([(first + n, *row) for n, row in enumerate(written)], head)
    assert fold.signable(first + 1) == expected


def test_a_fold_it_cannot_follow_is_lost_until_it_starts_again() -> None:
    rows = _rows(1, 3)
    fold = HashedFold()
    fold.read(0, rows)
    fold.wrote(rows[-1][0] + 2, [(uuid4(), 1, "t", b"x")])  # not right after: lost
    assert fold.lost
    assert fold.signable(fold.position) is None
    fold.read(fold.position, _rows(20, 1))
    assert fold.lost  # stays lost
    fold.restart()
    fold.read(0, rows)
    assert fold.signable(rows[-1][0]) == _chain(rows)
    other = HashedFold()
    other.read(3, rows)  # onto a fold at another position than its own
    assert other.lost


def test_a_row_whose_id_is_no_uuid_loses_the_fold_not_the_read() -> None:
    fold = HashedFold()
    fold.read(0, [(1, "not-a-uuid", 1, "t", b"x")])
    assert fold.lost
    assert fold.signable(1) is None


def test_an_id_of_32_characters_that_is_no_uuid_is_refused_as_uuid_does() -> None:
    for text in ("0" * 30 + " 1", "g" * 32, "é" * 32):
        fold = HashedFold()
        fold.read(0, [(1, text, 1, "t", b"x")])
        assert fold.lost, text


def test_a_version_no_link_can_hold_loses_the_fold_not_the_read() -> None:
    fold = HashedFold()
    fold.read(0, [(1, "0" * 32, -1, "domain.events:PoolDeclared", b"{}")])
    assert fold.lost


def test_a_damaged_row_folds_alike_with_and_without_a_key(tmp_path: Path) -> None:
    """A row whose version was set to -1 (an edit, or damage) must not stop keyed reads."""
    shutil.copyfile(FIXTURE, tmp_path / "ledger.db")
    key = snapshot_key_file(tmp_path / "snapshot.key")
    plain = {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
             "SQLITE_DBNAME": str(tmp_path / "ledger.db")}
    db = sqlite3.connect(plain["SQLITE_DBNAME"])
    db.execute("UPDATE stored_events SET originator_version = -1 WHERE rowid = 6")
    db.commit()
    db.close()
    with Session(plain) as session:
        without_key = session.ledger.facts().last_position
    with Session({**plain, SNAPSHOT_KEY_ENV: str(key)}) as session:
        assert session.ledger.facts().last_position == without_key
