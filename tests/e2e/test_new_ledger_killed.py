"""A new ledger's build (api/storage/new_ledger.py) killed outright, by SIGKILL or a power
cut, leaves its private file hidden beside the path; the builder holds a `flock` on it
for as long as it builds, so the next build of that name, or the next verb that may make
one there, removes the dead ones and never a live one. SIGTERM, SIGHUP and SIGINT unwind
every build that goes through it, `restore`'s too: nothing is left, exit 143, 129, 130.

Through the `jixiao` script in processes of their own: a lock and a signal are another
process's to see."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from builders import GOLDEN, Cli
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.session import store_env

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = GOLDEN / "example-3" / "commands.jsonl"
PRIVATE = re.compile(r"\.(.+)\.new-[0-9a-f]{16}")


def _environ() -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("JIXIAO_", "POSTGRES_", "PERSISTENCE_"))}
    environ.update({"JIXIAO_ACTOR": "test", "JIXIAO_LANG": "en", "PYTHONPATH": str(ROOT)})
    return environ


def _started(*argv: str, stdin: int | None = subprocess.DEVNULL) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "api.cli_launch", *argv], cwd=ROOT,
                            env=_environ(), stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _jixiao(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "api.cli_launch", *argv], cwd=ROOT,
                          env=_environ(), capture_output=True, text=True, timeout=300,
                          check=False)


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def _private_files(folder: Path) -> list[Path]:
    return [path for path in folder.iterdir() if PRIVATE.fullmatch(path.name)]


def _until(seen: Callable[[], bool], verb: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while not seen():
        assert verb.poll() is None, verb.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.001)


def _locked(private: Path) -> bool:
    """Whether its builder holds its lock: past its look that the file is still its own
    (removed before, it is made again under another name)."""
    try:
        held = os.open(private, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(held)  # the builder, were it waiting for the lock, takes it now
    return False


def _killed_mid_apply(new: Path) -> list[str]:
    """`apply` at `new` killed by SIGKILL while it builds: what it left."""
    verb = _started("apply", str(EXAMPLE), "--db", str(new))
    try:
        # Its -wal: the verb's session is open on the private file.
        _until(lambda: any(new.parent.glob(f".{new.name}.new-*-wal")), verb)
        verb.kill()
    finally:
        verb.kill()
        verb.communicate()
    assert verb.returncode == -signal.SIGKILL
    left = [name for name in _names(new.parent) if ".new-" in name]
    assert left, "the killed build left nothing: the test proves nothing"
    return left


def test_a_build_killed_outright_is_removed_by_the_next_build_of_that_name(
        tmp_path: Path) -> None:
    """It was left hidden beside the path for good (the private file, its -wal and
    -shm): nothing could tell it from a build running in another process."""
    new = tmp_path / "new.db"
    _killed_mid_apply(new)
    run = _jixiao("apply", str(EXAMPLE), "--db", str(new))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("recorded 42 event(s)"), run.stdout
    assert _names(tmp_path) == ["new.db"]


def test_a_build_killed_beside_a_ledger_made_since_is_removed_by_the_next_writing_verb(
        tmp_path: Path) -> None:
    """A ledger put at the path after the killed build by other means (copied in from a
    backup, say): no build of that name runs again there. A verb that may make a ledger
    removes it even when it finds one; a reading verb leaves the folder alone."""
    new = tmp_path / "new.db"
    left = _killed_mid_apply(new)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    made = _jixiao("init", "--db", str(elsewhere / "made.db"))
    assert made.returncode == 0, made.stderr
    shutil.copyfile(elsewhere / "made.db", new)
    read = _jixiao("events", "--db", str(new))
    assert read.returncode == 0, read.stderr
    assert set(left) <= set(_names(tmp_path))
    run = _jixiao("apply", str(EXAMPLE), "--db", str(new))
    assert run.returncode == 0, run.stderr
    assert not _private_files(tmp_path)
    assert not [name for name in _names(tmp_path) if ".new-" in name]


def test_init_at_the_path_of_a_build_killed_outright_removes_what_it_left(
        tmp_path: Path) -> None:
    """`init` builds its ledger as `apply` does, so it sweeps first."""
    new = tmp_path / "new.db"
    _killed_mid_apply(new)
    init = _jixiao("init", "--db", str(new))
    assert init.returncode == 0, init.stderr
    assert _names(tmp_path) == ["new.db"]


def test_a_live_build_is_never_removed_by_another_process(tmp_path: Path) -> None:
    """`users add --password-stdin` waits for its password inside the verb, its private
    file made: another process building a ledger at the same path, and then a verb
    writing to the ledger it placed there, both leave that file. When the password
    comes, the first verb finds the path taken (exit 4) and prints no token: the ledger
    that would hold it was never placed."""
    new = tmp_path / "new.db"
    waiting = _started("users", "add", "u1", "--role", "auditor", "--password-stdin",
                       "--db", str(new), stdin=subprocess.PIPE)
    try:
        _until(lambda: bool(_private_files(tmp_path)), waiting)
        [private] = _private_files(tmp_path)
        other = _jixiao("apply", str(EXAMPLE), "--db", str(new))
        assert other.returncode == 0, other.stderr
        assert private.exists()
        writing = _jixiao("users", "add", "u2", "--role", "auditor", "--db", str(new))
        assert writing.returncode == 0, writing.stderr
        assert private.exists()
        out, err = waiting.communicate("a long enough password\n", timeout=120)
    finally:
        waiting.kill()
        waiting.wait()
    assert waiting.returncode == 4, err
    assert out == ""
    assert "token" not in err
    assert err.strip() == (f"error: another process made a ledger at {new} while this "
                           "command was running: nothing was written; run it again")
    assert _names(tmp_path) == ["new.db"]
    users = Cli({"JIXIAO_DB": str(new), "JIXIAO_ACTOR": "test"}).ok("users", "list").out
    assert '"u2"' in users
    assert '"u1"' not in users


def _large_backup(tmp_path: Path) -> Path:
    """A ledger's backup with 64 MiB of ballast beside its events: copied in a good part
    of a second, long enough to be stopped half way."""
    cli = Cli({"JIXIAO_DB": str(tmp_path / "source.db"), "JIXIAO_ACTOR": "test"})
    cli.ok("apply", str(EXAMPLE))
    backup = tmp_path / "backup.db"
    cli.ok("backup", "--output", str(backup))
    with closing(sqlite3.connect(backup)) as db:
        db.execute("CREATE TABLE ballast (b BLOB)")
        db.executemany("INSERT INTO ballast VALUES (randomblob(?))", [(8 << 20,)] * 8)
        db.commit()
    return backup


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:  # removed between the listing and now
        return 0


def test_a_restore_stopped_by_sigterm_leaves_nothing(tmp_path: Path) -> None:
    """Only the CLI session's build unwound on SIGTERM: `restore` killed half way
    through its copy left the private file and its -journal hidden beside the path."""
    backup = _large_backup(tmp_path)
    folder = tmp_path / "ledgers"
    folder.mkdir()
    verb = _started("restore", str(backup), "--db", str(folder / "restored.db"))
    try:
        # The copy under way: pages in the private file.
        _until(lambda: any(_size(path) for path in _private_files(folder)), verb)
        verb.send_signal(signal.SIGTERM)
        _, err = verb.communicate(timeout=120)
    finally:
        verb.kill()
        verb.wait()
    assert verb.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    assert _names(folder) == []


@pytest.mark.parametrize("stop", [signal.SIGHUP, signal.SIGINT, signal.SIGTERM],
                         ids=["hup", "int", "term"])
def test_a_build_stopped_by_its_terminal_or_ctrl_c_leaves_nothing_and_says_so(
        tmp_path: Path, stop: signal.Signals) -> None:
    """SIGHUP (the terminal closed) killed the build outright: its private file, -wal
    and -shm were left hidden beside the path until the next build of that name. SIGINT
    (Ctrl-C) and SIGTERM unwound it, silently. Each now unwinds, says so, and exits with
    the code a shell reports for a process the signal killed."""
    new = tmp_path / "new.db"
    verb = _started("apply", str(EXAMPLE), "--db", str(new))
    try:
        _until(lambda: any(tmp_path.glob(".new.db.new-*-wal")), verb)
        verb.send_signal(stop)
        out, err = verb.communicate(timeout=120)
    finally:
        verb.kill()
        verb.wait()
    assert verb.returncode == 128 + stop, err
    assert (out, err) == ("", f"stopped by {stop.name}: the new ledger was not made; "
                              "nothing was written\n")
    assert _names(tmp_path) == []


def test_a_build_that_ignores_sighup_goes_on_when_its_terminal_closes(tmp_path: Path) -> None:
    """`nohup jixiao apply …`: SIGHUP ignored on purpose, the unwinding must not take
    its place and stop the verb."""
    new = tmp_path / "new.db"
    verb = subprocess.Popen(
        [sys.executable, "-m", "api.cli_launch", "apply", str(EXAMPLE), "--db", str(new)],
        cwd=ROOT, env=_environ(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))  # noqa: PLW1509
    try:
        _until(lambda: any(tmp_path.glob(".new.db.new-*-wal")), verb)
        verb.send_signal(signal.SIGHUP)
        out, err = verb.communicate(timeout=120)
    finally:
        verb.kill()
        verb.wait()
    assert verb.returncode == 0, err
    assert out.startswith("recorded 42 event(s)"), out
    assert _names(tmp_path) == ["new.db"]


@pytest.mark.parametrize("made_read_only", ["file", "folder"])
def test_a_write_refused_on_a_read_only_ledger_removes_nothing_first(
        tmp_path: Path, made_read_only: str) -> None:
    """`chmod a-w` on the ledger or its folder: `apply` is refused (exit 4, nothing
    written), but it swept the killed build's files beside the ledger before it was."""
    new = tmp_path / "new.db"
    left = _killed_mid_apply(new)
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    made = _jixiao("init", "--db", str(elsewhere / "made.db"))
    assert made.returncode == 0, made.stderr
    shutil.copyfile(elsewhere / "made.db", new)
    read_only = new if made_read_only == "file" else tmp_path
    mode = read_only.stat().st_mode
    read_only.chmod(mode & ~0o222)
    try:
        run = _jixiao("apply", str(EXAMPLE), "--db", str(new))
        names = _names(tmp_path)
    finally:
        read_only.chmod(mode)
    assert run.returncode == 4, run.stderr
    assert "read-only" in run.stderr
    assert set(left) <= set(names)


def _reading_its_password(verb: subprocess.Popen[str]) -> bool:
    """Whether the verb waits in its read of standard input (a pipe): its session open,
    its files made, nothing of them in use until the password comes."""
    try:
        return "pipe_read" in Path(f"/proc/{verb.pid}/wchan").read_text()
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(),
                    reason="what a process waits in is read from Linux's /proc")
def test_a_build_whose_private_file_went_under_it_places_nothing(tmp_path: Path) -> None:
    """On NFS a build's lock can go when SQLite's connections close, and a sweeper then
    remove its private file (here `rm`, while `users add` waits for its password): the
    verb's next connection made the private name anew, and the link put that file, with
    none of what went into the removed one, at the path, the token printed. Now refused
    like a path taken (exit 4), printing no token."""
    new = tmp_path / "new.db"
    waiting = _started("users", "add", "u1", "--role", "auditor", "--password-stdin",
                       "--db", str(new), stdin=subprocess.PIPE)
    try:
        _until(lambda: _reading_its_password(waiting), waiting)
        [private] = _private_files(tmp_path)
        assert _locked(private)
        private.unlink()
        out, err = waiting.communicate("a long enough password\n", timeout=120)
    finally:
        waiting.kill()
        waiting.wait()
    assert waiting.returncode == 4, err
    assert out == ""
    assert err.strip() == (
        f"error: the new ledger this command was building for {new} was removed by "
        "another process (its folder's file system may lose a file's lock: keep a SQLite "
        "ledger on a local disk): nothing was written; run it again")
    assert not new.exists()
    # What stands at the private name now is not the build's own: left to the next sweep.
    again = _jixiao("apply", str(EXAMPLE), "--db", str(new))
    assert again.returncode == 0, again.stderr
    assert _names(tmp_path) == ["new.db"]


# `jixiao` whose link into place is followed at once by a signal to itself (the probe
# link, the same call, let be): the window between the link and the handlers put back.
_SIGNALLED_AFTER_THE_LINK = """
import os, runpy, sys
link, stop = os.link, int(sys.argv.pop(1))
def linked(source, target, **kw):
    link(source, target, **kw)
    if not str(target).endswith("-link"):
        os.kill(os.getpid(), stop)
os.link = linked
runpy.run_module("api.cli_launch", run_name="__main__")
"""


@pytest.mark.parametrize("stop", [signal.SIGHUP, signal.SIGINT, signal.SIGTERM],
                         ids=["hup", "int", "term"])
def test_a_signal_just_after_the_link_does_not_say_nothing_was_made(
        tmp_path: Path, stop: signal.Signals) -> None:
    """The signal came once the ledger was at its path, before the handlers were back:
    the verb said "the new ledger was not made; nothing was written" with the ledger made.
    Now it stops the verb as it would a moment later, the ledger kept."""
    new = tmp_path / "new.db"
    run = subprocess.run(
        [sys.executable, "-c", _SIGNALLED_AFTER_THE_LINK, str(int(stop)), "apply",
         str(EXAMPLE), "--db", str(new)],
        cwd=ROOT, env=_environ(), stdin=subprocess.DEVNULL, capture_output=True,
        text=True, timeout=300, check=False)
    assert run.returncode in (-stop, 128 + stop), run.stderr
    assert "not made" not in run.stderr
    assert "Traceback" not in run.stderr
    assert _names(tmp_path) == ["new.db"]
    events = _jixiao("verify", "--db", str(new))
    assert events.returncode == 0, events.stderr


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["int", "term"])
def test_a_signal_just_after_the_link_still_shows_the_new_users_token(
        tmp_path: Path, stop: signal.Signals) -> None:
    """`users add` on a path with no ledger, stopped once the new ledger was linked into
    place: the ledger was kept, with the user, and the verb ended before it printed the
    token, which nobody could see again. Now the token is shown first, and it signs in."""
    new = tmp_path / "new.db"
    run = subprocess.run(
        [sys.executable, "-c", _SIGNALLED_AFTER_THE_LINK, str(int(stop)), "--lang", "en",
         "users", "add", "boss", "--role", "administrator", "--db", str(new)],
        cwd=ROOT, env=_environ(), stdin=subprocess.DEVNULL, capture_output=True,
        text=True, timeout=300, check=False)
    assert run.returncode in (-stop, 128 + stop), run.stderr
    assert "Traceback" not in run.stderr
    assert ("boss: the token below is shown once; the ledger keeps only its SHA-256"
            in run.stderr)
    [token] = run.stdout.split()
    assert _names(tmp_path) == ["new.db"]
    client = TestClient(create_app(ServerSettings(store_env=store_env(str(new), {}))))
    with client:
        me = client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert (me.status_code, me.json()["user_id"]) == (200, "boss")
