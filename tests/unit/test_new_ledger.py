"""The private file a new SQLite ledger is built in, and its link into place (api/storage/
new_ledger.py), where the CLI cannot reach: a -wal still beside the private file when it
is linked (a connection the verb left open) holds writes that the ledger's path would
not read; the sweep of dead builds' private files, and what it leaves."""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from api.storage import new_ledger as new_ledger_module
from api.storage.backups import copy_backup
from api.storage.new_ledger import NEW_LEDGER_KEY, new_ledger
from api.storage.plain_store import EVENTS_TABLE
from api.storage.session import ledger_location
from domain.errors import ConflictError


def _env(path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_writes_still_in_a_wal_beside_the_private_file_are_in_the_placed_ledger(
        tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    made = new_ledger(_env(path))
    assert made is not None
    env = made.env(_env(path))
    assert (env[NEW_LEDGER_KEY], ledger_location(env)) == (str(path), str(path))
    assert Path(env["SQLITE_DBNAME"]).name.startswith(".new.db.new-")
    left_open = sqlite3.connect(made.private, isolation_level=None)
    try:
        left_open.execute("PRAGMA journal_mode=WAL")
        left_open.execute("CREATE TABLE t (x)")
        left_open.execute("INSERT INTO t VALUES (1)")
        assert Path(f"{made.private}-wal").stat().st_size > 0
        made.place()
    finally:
        left_open.close()
    assert _names(tmp_path) == ["new.db"]
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_a_private_file_still_being_read_is_not_placed(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    made = new_ledger(_env(path))
    assert made is not None
    with closing(sqlite3.connect(made.private, isolation_level=None)) as writer, \
            closing(sqlite3.connect(made.private, isolation_level=None)) as reader:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("CREATE TABLE t (x)")
        reader.execute("BEGIN")
        reader.execute("SELECT * FROM t").fetchall()  # holds its snapshot of the WAL
        writer.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(RuntimeError, match="still open"):
            made.place()
    assert _names(tmp_path) == []


@pytest.mark.parametrize("name", [":memory:", "file:x?mode=memory&cache=shared"])
def test_a_store_with_no_file_of_its_name_is_made_as_before(name: str) -> None:
    assert new_ledger({"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                       "SQLITE_DBNAME": name}) is None


def test_a_missing_folder_is_left_to_the_opener_to_say(tmp_path: Path) -> None:
    assert new_ledger(_env(tmp_path / "no-such-folder" / "new.db")) is None
    assert _names(tmp_path) == []


def test_a_probe_link_that_fails_otherwise_leaves_no_private_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe link refused for another reason than a file system without hard links
    (an I/O error, a full disk, a quota): the private file was left behind, hidden, and
    the error came out as a traceback. Now it is removed and the ledger is made at its
    path as before, where SQLite says what is wrong naming the path."""
    def refused(source: object, target: object) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(new_ledger_module.os, "link", refused)
    assert new_ledger(_env(tmp_path / "new.db")) is None
    assert _names(tmp_path) == []


def _dead_build(folder: Path, name: str, token: str, *tails: str) -> list[str]:
    """What a build killed outright leaves: its files, unlocked."""
    made = [f".{name}.new-{token}{tail}" for tail in ("", *tails)]
    for file in made:
        (folder / file).write_bytes(b"")
    return made


def test_a_sweep_removes_dead_builds_of_its_name_only(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    _dead_build(tmp_path, "new.db", "0" * 16, "-wal", "-shm", "-journal", "-link")
    (tmp_path / f".new.db.new-{'1' * 16}-wal").write_bytes(b"")  # its file removed already
    others = _dead_build(tmp_path, "other.db", "2" * 16, "-wal")
    unlike = [".new.db.new-notours", f".new.db.new-{'3' * 16}.bak", "new.db.new-" + "4" * 16]
    for name in unlike:
        (tmp_path / name).write_bytes(b"")
    os.mkfifo(tmp_path / f".new.db.new-{'5' * 16}")  # no regular file: not a build's
    live = new_ledger(_env(path))
    assert live is not None
    with closing(sqlite3.connect(live.private, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (x)")
    # SQLite's POSIX locks and the fds it closed dropped nothing of the build's flock.
    new_ledger_module.sweep(path)
    assert _names(tmp_path) == sorted(
        [*others, *unlike, f".new.db.new-{'5' * 16}", live.private.name])
    live.discard()
    new_ledger_module.sweep(path)
    assert ".new.db.new-" + "5" * 16 in _names(tmp_path)


def test_a_file_swept_before_its_builder_locked_it_is_made_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Made and locked are two steps: a sweeper may take the lock of a file made a
    moment before, and remove it. The builder built in a file that no longer had a
    name, and its link failed at the end."""
    locks: list[int] = []
    flock = new_ledger_module.flock

    def swept_first(fd: int, operation: int) -> None:
        if not locks:  # a sweeper in another process, between the making and the lock
            for private in tmp_path.glob(".new.db.new-*"):
                private.unlink()
        locks.append(fd)
        flock(fd, operation)

    monkeypatch.setattr(new_ledger_module, "flock", swept_first)
    made = new_ledger(_env(tmp_path / "new.db"))
    assert made is not None
    assert len(locks) == 2
    assert _names(tmp_path) == [made.private.name]
    made.discard()
    assert _names(tmp_path) == []


def test_a_sweep_leaves_what_it_may_not_open_or_remove(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another user's build in a shared folder, a folder made read-only: said by no
    error, and the verb goes on."""
    path = tmp_path / "new.db"
    left = _dead_build(tmp_path, "new.db", "0" * 16, "-wal")

    def refused(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    with monkeypatch.context() as patch:
        patch.setattr(Path, "unlink", refused)
        new_ledger_module.sweep(path)
    assert _names(tmp_path) == left
    with monkeypatch.context() as patch:
        patch.setattr(new_ledger_module.os, "open", refused)
        new_ledger_module.sweep(path)
    assert _names(tmp_path) == left  # its lock unknown: maybe a live build's
    new_ledger_module.sweep(path)
    assert _names(tmp_path) == []


class _Stopped(Exception):
    pass


def test_a_restore_copy_stops_at_a_signal_half_way(tmp_path: Path) -> None:
    """The sqlite3 module copied a backup in one call into C: a SIGTERM (raised as
    SystemExit, api/storage/new_ledger.py) waited for the whole copy (over a second
    for 256 MiB) before the restore could stop. Copied in steps, it stops at the next."""
    backup = tmp_path / "backup.db"
    with closing(sqlite3.connect(backup)) as db:
        db.execute(f"CREATE TABLE {EVENTS_TABLE} (x)")
        db.execute("CREATE TABLE ballast (b BLOB)")
        db.executemany("INSERT INTO ballast VALUES (randomblob(?))", [(8 << 20,)] * 8)
        db.commit()

    def stop(_signum: int, _frame: object) -> None:
        raise _Stopped

    before = signal.signal(signal.SIGALRM, stop)
    target = tmp_path / "copy.db"
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.005)
        with pytest.raises(_Stopped):
            copy_backup(str(backup), str(target))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
    copied = target.stat().st_size if target.exists() else 0
    assert copied < backup.stat().st_size / 2



def test_sigterm_is_put_back_when_the_last_of_a_process_builds_ends(tmp_path: Path) -> None:
    """Two builds in one process, ended in another order than begun: the first's end put
    back the handler before it while the second still built, and the second's end then
    put back the first's unwinding, left installed for good."""
    before = signal.getsignal(signal.SIGTERM)
    first = new_ledger(_env(tmp_path / "first.db"))
    second = new_ledger(_env(tmp_path / "second.db"))
    assert first is not None
    assert second is not None
    try:
        first.discard()
        assert signal.getsignal(signal.SIGTERM) is new_ledger_module._stopped
    finally:
        first.discard()
        second.discard()
        after = signal.signal(signal.SIGTERM, before)
    assert after == before
    assert _names(tmp_path) == []


@pytest.mark.parametrize("under_it", ["removed", "replaced"])
def test_a_private_file_not_the_builds_own_is_not_placed(
        tmp_path: Path, under_it: str) -> None:
    """Its lock lost (NFS emulates `flock` with byte-range locks that go when SQLite's
    connections close), a sweeper removed the private file, and another file may stand
    at its name: the link failed with a traceback (FileNotFoundError), or put that
    other file at the path."""
    path = tmp_path / "new.db"
    made = new_ledger(_env(path))
    assert made is not None
    with closing(sqlite3.connect(made.private)) as db:
        db.execute("CREATE TABLE t (x)")
    made.private.unlink()
    if under_it == "replaced":
        made.private.write_bytes(b"somebody else's")
    with pytest.raises(ConflictError) as refused:
        made.place()
    assert str(refused.value) == (
        f"the new ledger this command was building for {path} was removed by another "
        "process (its folder's file system may lose a file's lock: keep a SQLite ledger "
        "on a local disk): nothing was written; run it again")
    left = [made.private.name] if under_it == "replaced" else []
    assert _names(tmp_path) == left
    if left:
        assert made.private.read_bytes() == b"somebody else's"
    assert signal.getsignal(signal.SIGTERM) is not new_ledger_module._stopped


@pytest.mark.parametrize("there", ["free", "taken"])
def test_a_signal_as_the_ledger_is_linked_says_what_was_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, there: str) -> None:
    """SIGTERM (SIGHUP, SIGINT alike) come just after the link put the ledger at its path,
    before the handler before the build was back: `Stopped` was raised, the verb said
    "the new ledger was not made" and exited 143 with the ledger made. Now it goes to the
    handler put back, as if a moment later; come while the link fails (a ledger there
    already), nothing was placed and the build unwinds as before."""
    path = tmp_path / "new.db"
    seen: list[int] = []
    before = signal.signal(signal.SIGTERM, lambda signum, _frame: seen.append(signum))
    try:
        made = new_ledger(_env(path))
        assert made is not None
        if there == "taken":  # by another process, while this one built
            path.write_bytes(b"another's ledger")
        link = os.link

        def linked_then_stopped(source: Path, target: Path) -> None:
            try:
                link(source, target)
            finally:
                signal.raise_signal(signal.SIGTERM)  # its handler runs as this returns

        monkeypatch.setattr(os, "link", linked_then_stopped)
        if there == "free":
            made.place()
        else:
            with pytest.raises(new_ledger_module.Stopped) as stopped:
                made.place()
            assert stopped.value.code == 128 + signal.SIGTERM
    finally:
        signal.signal(signal.SIGTERM, before)
    assert seen == ([signal.SIGTERM] if there == "free" else [])
    assert _names(tmp_path) == ["new.db"]
    if there == "taken":
        assert path.read_bytes() == b"another's ledger"


def test_a_signal_as_the_build_goes_to_be_placed_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGTERM come once the verb's block ended, as `place` was called and before its
    own unwinding began: `Stopped` went out of `placed` with the private file left."""
    made = new_ledger(_env(tmp_path / "new.db"))
    assert made is not None

    def stopped_at_its_start(_self: object, _then: object = None) -> None:
        new_ledger_module._stopped(signal.SIGTERM, None)

    monkeypatch.setattr(new_ledger_module.NewLedger, "place", stopped_at_its_start)
    with pytest.raises(new_ledger_module.Stopped), made.placed():
        pass
    assert _names(tmp_path) == []
    assert signal.getsignal(signal.SIGTERM) is not new_ledger_module._stopped


def test_a_sweep_removes_only_regular_files_beside_a_private_file_gone(
        tmp_path: Path) -> None:
    """SQLite's files of a build whose private file is gone were removed whatever they
    were: a symbolic link, a FIFO (a folder stopped the rest of its build's files)."""
    folder = tmp_path / "ledgers"
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("kept")
    first, second = (f".new.db.new-{digit * 16}" for digit in "01")
    (folder / f"{first}-wal").mkdir()
    (folder / f"{first}-shm").write_bytes(b"")  # SQLite's: removed
    (folder / f"{second}-wal").symlink_to(elsewhere)
    os.mkfifo(folder / f"{second}-journal")
    (folder / f"{second}-shm").symlink_to(tmp_path / "nowhere")
    new_ledger_module.sweep(folder / "new.db")
    assert _names(folder) == sorted(
        [f"{first}-wal", f"{second}-wal", f"{second}-journal", f"{second}-shm"])
    assert elsewhere.read_text() == "kept"
