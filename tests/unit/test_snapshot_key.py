"""The key of the snapshot of the fold (api/storage/snapshot_key.py) comes from a file
outside the store: its own file first, else the master key; derived, never the file's key
itself; and a SQLite store no other connection can open (in memory) keeps no snapshot."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from api.storage.facts_snapshot import in_memory
from api.storage.snapshot_key import (
    LABEL,
    MASTER_KEY_ENV,
    SNAPSHOT_KEY_ENV,
    SnapshotKeyError,
    create_snapshot_key,
    derive,
    snapshot_key,
)
from domain.errors import ConflictError


def _key_file(path: Path) -> tuple[str, bytes]:
    key = secrets.token_bytes(32)
    path.write_text(base64.b64encode(key).decode() + "\n")
    path.chmod(0o600)
    return str(path), key


def test_no_key_configured_is_no_key() -> None:
    assert snapshot_key({}) is None
    assert snapshot_key({SNAPSHOT_KEY_ENV: "", MASTER_KEY_ENV: ""}) is None


def test_the_dedicated_file_wins_over_the_master_key(tmp_path: Path) -> None:
    own, own_key = _key_file(tmp_path / "snapshot.key")
    master, master_key = _key_file(tmp_path / "master.key")
    assert snapshot_key({SNAPSHOT_KEY_ENV: own, MASTER_KEY_ENV: master}) == derive(own_key)
    assert snapshot_key({MASTER_KEY_ENV: master}) == derive(master_key)


def test_the_mac_key_is_derived_not_the_files_key(tmp_path: Path) -> None:
    path, key = _key_file(tmp_path / "master.key")
    derived = snapshot_key({MASTER_KEY_ENV: path})
    assert derived is not None
    assert len(derived) == 32
    assert derived != key
    assert derive(key) == derived  # the same file, the same key, in every process


def test_the_derivation_is_hkdf_sha256() -> None:
    """`derive` is RFC 5869's HKDF-SHA256 (no salt, `LABEL` as info), as `cryptography`
    computes it."""
    for _ in range(20):
        key = secrets.token_bytes(32)
        expected = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                        info=LABEL).derive(key)
        assert derive(key) == expected


@pytest.mark.parametrize("text", ["", "not base64!", base64.b64encode(b"short").decode()])
def test_an_unreadable_dedicated_file_is_named(tmp_path: Path, text: str) -> None:
    path = tmp_path / "snapshot.key"
    path.write_text(text)
    path.chmod(0o600)
    with pytest.raises(SnapshotKeyError):
        snapshot_key({SNAPSHOT_KEY_ENV: str(path)})
    with pytest.raises(SnapshotKeyError):
        snapshot_key({SNAPSHOT_KEY_ENV: str(tmp_path / "missing")})


def test_an_unreadable_master_key_is_no_key_here(tmp_path: Path) -> None:
    # The verbs that need the master key say so themselves; a read is not refused for it.
    assert snapshot_key({MASTER_KEY_ENV: str(tmp_path / "missing")}) is None


@pytest.mark.parametrize(("name", "memory"), [
    (":memory:", True), ("", True), ("file::memory:?cache=shared", True),
    ("file:ledger?mode=memory&cache=shared", True), ("ledger.db", False),
    ("/srv/jixiao/ledger.db", False)])
def test_a_sqlite_store_in_memory_keeps_no_snapshot(name: str, memory: bool) -> None:
    assert in_memory(name) is memory


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o660])
def test_a_key_file_others_may_read_or_write_is_refused_named(tmp_path: Path,
                                                              mode: int) -> None:
    """The key is all that stands between a database writer and a body the process
    unpickles: a file others can read (or replace) is refused, as ssh refuses such a
    private key, and the session names the miss (no snapshot)."""
    path, _ = _key_file(tmp_path / "snapshot.key")
    Path(path).chmod(mode)
    with pytest.raises(SnapshotKeyError, match="chmod 600"):
        snapshot_key({SNAPSHOT_KEY_ENV: path})
    assert snapshot_key({MASTER_KEY_ENV: path}) is None


def test_a_key_made_here_is_the_key_read_here(tmp_path: Path) -> None:
    path = str(tmp_path / "snapshot.key")
    assert create_snapshot_key(path) is False
    first = snapshot_key({SNAPSHOT_KEY_ENV: path})
    with pytest.raises(ConflictError):
        create_snapshot_key(path)
    assert snapshot_key({SNAPSHOT_KEY_ENV: path}) == first
    assert create_snapshot_key(path, replace=True) is True
    second = snapshot_key({SNAPSHOT_KEY_ENV: path})
    assert second is not None
    assert second != first


def test_a_file_swapped_in_while_replacing_is_not_replaced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks and the rename are apart: the file checked must still be the one there
    just before the rename (a key file swapped in meanwhile is left alone, no spare)."""
    from api.storage import snapshot_key as module  # noqa: PLC0415 - its private writer

    target = tmp_path / "snapshot.key"
    create_snapshot_key(str(target))
    real = module._write_new
    swapped = tmp_path / "other.key"

    def swap_then_write(path: Path, line: bytes, **options: object) -> None:
        if path != target:  # the spare: meanwhile another file takes the name
            swapped.write_text(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
            swapped.replace(target)
        real(path, line, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "_write_new", swap_then_write)
    before = target.read_bytes()
    with pytest.raises(ConflictError, match="changed while being replaced"):
        create_snapshot_key(str(target), replace=True)
    assert target.read_bytes() != before  # the file swapped in, left as it is
    assert [p.name for p in tmp_path.iterdir()] == ["snapshot.key"]
