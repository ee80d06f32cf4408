"""A verb that may create its ledger (`apply`, `import`, `users`) at a path with no ledger
builds it under a private name in the same folder and links it into place only when the
verb succeeds (api/storage/new_ledger.py): a refused write leaves no file at the path
(an empty ledger there was taken for one by every later verb) and no private file; a
ledger another process made at the path meanwhile is kept, and this verb is refused; a
file system without hard links gets the ledger at its path directly, as before.
`restore` copies a backup the same way.

Through the `jixiao` script in a process of its own where no hook is needed; in-process
(tests/builders.py `Cli`) where the other process, or the file system, is simulated."""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from builders import GOLDEN, Cli

from api.storage import new_ledger

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = GOLDEN / "example-3" / "commands.jsonl"
BAD_ROWS = '{"type": "no_such_command"}\n'
BAD_SHEET = "employee_id\nli\n"


def _jixiao(*argv: str) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("JIXIAO_", "POSTGRES_", "PERSISTENCE_"))}
    environ.update({"JIXIAO_ACTOR": "test", "PYTHONPATH": str(ROOT)})
    return subprocess.run([sys.executable, "-m", "api.cli_launch", *argv], cwd=ROOT,
                          env=environ, capture_output=True, text=True, timeout=300,
                          check=False)


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, str]:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(BAD_ROWS, encoding="utf-8")
    sheet = tmp_path / "roster.csv"
    sheet.write_text(BAD_SHEET, encoding="utf-8")
    return {"ROWS": str(rows), "SHEET": str(sheet)}


@pytest.mark.parametrize("verb", [
    ("apply", "ROWS"), ("import", "roster", "SHEET"), ("users", "add", "u1", "--role", "x")],
    ids=lambda verb: verb[0])
def test_a_refused_write_at_a_new_path_leaves_no_file_behind(
        tmp_path: Path, inputs: dict[str, str], verb: tuple[str, ...]) -> None:
    """It left an empty 12 KiB ledger at the path ("nothing was written"), which every
    later verb then took for a ledger."""
    folder = tmp_path / "ledgers"
    folder.mkdir()
    new = folder / "new.db"
    argv = [inputs.get(word, word) for word in verb]
    english = _jixiao("--lang", "en", *argv, "--db", str(new))
    assert english.returncode == 2, english.stderr
    assert "nothing was written" in english.stderr
    assert "created a new one" not in english.stderr
    assert "Traceback" not in english.stderr
    assert _names(folder) == []
    chinese = _jixiao(*argv, "--db", str(new))
    assert chinese.returncode == 2, chinese.stderr
    assert "已新建" not in chinese.stderr
    assert _names(folder) == []
    # Not taken for a ledger afterwards.
    run = _jixiao("--lang", "en", "events", "--db", str(new))
    assert run.returncode == 3, run.stderr
    assert f"no ledger at {new}" in run.stderr


def test_a_write_that_succeeds_at_a_new_path_puts_its_ledger_there_and_says_so_once(
        tmp_path: Path) -> None:
    new = tmp_path / "new.db"
    run = _jixiao("--lang", "en", "apply", str(EXAMPLE), "--db", str(new))
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("created a new one") == 1
    assert f"no ledger was at {new}: created a new one" in run.stderr
    assert run.stdout.startswith("recorded 42 event(s); 0 already recorded"), run.stdout
    assert ".new-" not in run.stdout + run.stderr  # the private name is never shown
    assert _names(tmp_path) == ["new.db"]
    # The mode SQLite gives a new database file: 0644 less the umask.
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o644 & ~umask
    verify = _jixiao("--lang", "en", "verify", "--db", str(new))
    assert verify.returncode == 0, verify.stderr
    assert verify.stdout.startswith("chain intact: 42 event(s)"), verify.stdout
    again = _jixiao("--lang", "en", "apply", str(EXAMPLE), "--db", str(new))
    assert again.returncode == 0, again.stderr
    assert "created" not in again.stderr
    assert "0 event(s); 42 already recorded" in again.stdout


@pytest.mark.parametrize("lang", ["en", None], ids=["en", "zh"])
def test_a_ledger_another_process_made_meanwhile_is_kept_and_the_verb_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str | None) -> None:
    """Another process made a ledger at the path while this verb ran on its private
    file: the link finds the path taken; that ledger is untouched, nothing of this
    verb's is left, and it says so, to be run again."""
    new = tmp_path / "new.db"
    link = os.link

    def made_meanwhile(source: Any, target: Any) -> None:
        if Path(target) == new and not new.exists():  # just before the link
            theirs = _jixiao("apply", str(GOLDEN / "example-1" / "commands.jsonl"),
                             "--db", str(new))
            assert theirs.returncode == 0, theirs.stderr
        link(source, target)

    monkeypatch.setattr(new_ledger.os, "link", made_meanwhile)
    run = Cli({"JIXIAO_DB": str(new), "JIXIAO_ACTOR": "test"}, lang=lang)("apply", str(EXAMPLE))
    assert run.code == 4, run.err
    if lang == "en":
        assert run.err.strip() == (
            f"error: another process made a ledger at {new} while this command was "
            "running: nothing was written; run it again")
    else:
        assert run.err.strip() == (
            f"错误：命令运行期间另一个进程已在 {new} 新建了账本：未写入任何内容；请再运行一次")
    assert "created a new one" not in run.err
    assert _names(tmp_path) == ["new.db"]
    monkeypatch.undo()
    theirs = Cli({"JIXIAO_DB": str(new), "JIXIAO_ACTOR": "other"})
    assert theirs.event_count() == 20  # example-1's, and none of example-3's 42
    assert theirs.ok("verify").out.startswith("chain intact: 20 event(s)")


def test_a_file_system_without_hard_links_gets_the_ledger_at_its_path_as_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(source: Any, target: Any) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM), str(source), None, str(target))

    monkeypatch.setattr(new_ledger.os, "link", refused)
    new = tmp_path / "new.db"
    cli = Cli({"JIXIAO_DB": str(new), "JIXIAO_ACTOR": "test"})
    run = cli("apply", str(EXAMPLE))
    assert run.code == 0, run.err
    assert run.err.count(f"no ledger was at {new}: created a new one") == 1
    assert cli.ok("verify").out.startswith("chain intact: 42 event(s)")
    assert [name for name in _names(tmp_path) if not name.endswith(("-wal", "-shm"))] == [
        "new.db"]


def _backup(tmp_path: Path) -> Path:
    cli = Cli({"JIXIAO_DB": str(tmp_path / "source.db"), "JIXIAO_ACTOR": "test"})
    cli.ok("apply", str(EXAMPLE))
    backup = tmp_path / "backup.db"
    cli.ok("backup", "--output", str(backup))
    return backup


def test_a_restore_that_fails_half_way_leaves_no_file_behind(tmp_path: Path) -> None:
    """A backup with SQLite's header and nothing else SQLite can read: the copy fails.
    It left an empty file at the path, which every later verb took for a ledger."""
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"not a database page " * 200)
    folder = tmp_path / "ledgers"
    folder.mkdir()
    new = folder / "restored.db"
    run = _jixiao("--lang", "en", "restore", str(broken), "--db", str(new))
    assert run.returncode != 0, run.stderr
    assert "restored" not in run.stderr
    assert _names(folder) == []


def test_a_restore_never_writes_over_a_ledger_made_meanwhile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process made a ledger at the path after the restore found none there:
    the copy wrote over it (SQLite's backup replaces every page of its target)."""
    backup = _backup(tmp_path)
    folder = tmp_path / "ledgers"
    folder.mkdir()
    new = folder / "restored.db"
    link = os.link

    def made_meanwhile(source: Any, target: Any) -> None:
        if Path(target) == new and not new.exists():
            theirs = _jixiao("apply", str(GOLDEN / "example-1" / "commands.jsonl"),
                             "--db", str(new))
            assert theirs.returncode == 0, theirs.stderr
        link(source, target)

    monkeypatch.setattr(new_ledger.os, "link", made_meanwhile)
    run = Cli({"JIXIAO_ACTOR": "test"})("restore", str(backup), "--db", str(new))
    assert run.code == 4, run.err
    assert f"another process made a ledger at {new}" in run.err
    assert _names(folder) == ["restored.db"]
    monkeypatch.undo()
    theirs = Cli({"JIXIAO_DB": str(new), "JIXIAO_ACTOR": "other"})
    assert theirs.event_count() == 20  # example-1's, not the backup's 42


def test_a_stale_wal_at_a_new_path_never_replaces_the_new_ledger(tmp_path: Path) -> None:
    """A -wal left at the path by a ledger that is gone (its process killed, then the
    file deleted to start over): SQLite deletes such a -wal when it opens an empty file
    there, but read it over a whole ledger linked into place, so the events this verb
    said it recorded were gone (and `verify` said "chain intact: 0 event(s)"). The
    ledger is now made at its path as before."""
    new = tmp_path / "new.db"
    other = sqlite3.connect(new, isolation_level=None)
    try:
        other.execute("PRAGMA journal_mode=WAL")
        other.execute("PRAGMA wal_autocheckpoint=0")
        other.execute("CREATE TABLE other (x)")
        other.execute("INSERT INTO other VALUES (1)")
        stale = Path(f"{new}-wal").read_bytes()
    finally:
        other.close()
    new.unlink()
    Path(f"{new}-wal").write_bytes(stale)
    run = _jixiao("--lang", "en", "apply", str(EXAMPLE), "--db", str(new))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("recorded 42 event(s)"), run.stdout
    verify = _jixiao("--lang", "en", "verify", "--db", str(new))
    assert verify.stdout.startswith("chain intact: 42 event(s)"), verify.stdout + verify.stderr
    assert ".new-" not in "".join(_names(tmp_path))


@pytest.mark.parametrize("shorter", [25, 29], ids=["probe", "journal"])
def test_a_name_too_long_for_the_private_name_gets_the_ledger_at_its_path(
        tmp_path: Path, shorter: int) -> None:
    """A ledger's name that the folder takes, with its -wal and -journal, but not once
    made the private name (22 characters more) with its probe link's or SQLite's
    -journal: the verb failed with a traceback naming the hidden file, and left it
    behind (a name the folder's limit less 25), or SQLite could not make its files
    (less 29)."""
    new = tmp_path / ("a" * (os.pathconf(tmp_path, "PC_NAME_MAX") - shorter))
    run = _jixiao("--lang", "en", "apply", str(EXAMPLE), "--db", str(new))
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout.startswith("recorded 42 event(s)"), run.stdout
    assert _names(tmp_path) == [new.name]


def test_a_verb_stopped_by_sigterm_leaves_no_private_file(tmp_path: Path) -> None:
    """`kill`, `timeout` or a service stopped while the verb builds its new ledger: the
    private file, its -wal and -shm were left hidden beside the path for good."""
    new = tmp_path / "new.db"
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("JIXIAO_", "POSTGRES_", "PERSISTENCE_"))}
    environ.update({"JIXIAO_ACTOR": "test", "PYTHONPATH": str(ROOT)})
    verb = subprocess.Popen(
        [sys.executable, "-m", "api.cli_launch", "apply", str(EXAMPLE), "--db", str(new)],
        cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        # Its -wal: the verb's session is open on the private file.
        while not any(tmp_path.glob(".new.db.new-*-wal")) and verb.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.001)
        verb.send_signal(signal.SIGTERM)
        code = verb.wait(timeout=120)
    finally:
        verb.kill()
        verb.wait()
    assert _names(tmp_path) == []
    assert code == 128 + signal.SIGTERM
