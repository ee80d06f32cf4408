"""Opening a SQLite ledger by a path that is wrong or read-only, through the `jixiao`
script in a process of its own: a mistyped path is told as such (never "busy, retry")
and creates nothing; a read-only ledger answers every read as a writable one does and
refuses a write, naming the file, with its bytes unchanged.

A ledger is made read-only three ways: `JIXIAO_READ_ONLY=1`, or its file or its folder
without any write bit (`chmod a-w`), which binds root too (api/storage/read_only.py
`read_only`): the suite runs as root, whom `os.access` never refuses. The pure choice of
the URI for a read-only folder is unit-tested (tests/unit/test_read_only_ledger.py)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from builders import GOLDEN

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = GOLDEN / "example-3" / "commands.jsonl"
PERIOD = "2026-Q4"


def _jixiao(*argv: str, env: dict[str, str] | None = None,
            prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("JIXIAO_", "POSTGRES_", "PERSISTENCE_"))}
    environ.update({"JIXIAO_ACTOR": "test", "PYTHONPATH": str(ROOT), **(env or {})})
    return subprocess.run([*prefix, sys.executable, "-m", "api.cli_launch", *argv], cwd=ROOT,
                          env=environ, capture_output=True, text=True, timeout=300,
                          check=False)


def _digest(folder: Path) -> dict[str, str]:
    """The folder's files by name; SQLite's own -shm beside a WAL file it read (made
    where the folder may be written, even by a `mode=ro` reader) is left out, and a -wal
    only if it holds no frame: neither is the ledger nor changes it."""
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.iterdir())
            if not path.name.endswith("-shm") and not (
                path.name.endswith("-wal") and path.stat().st_size == 0)}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ledger") / "ledger.db"
    done = _jixiao("apply", str(EXAMPLE), "--db", str(path))
    assert done.returncode == 0, done.stderr
    return path


READS = [("payout", "--period", PERIOD), ("verify",), ("events",),
         ("explain", "--period", PERIOD, "--employee", "li"),
         ("export", "statement", "--period", PERIOD, "--output", "unused.xlsx"),
         ("users", "list")]


@pytest.mark.parametrize("verb", READS, ids=lambda verb: verb[0])
def test_a_read_of_a_mistyped_path_names_it_and_creates_nothing(tmp_path: Path,
                                                                  verb: tuple[str, ...]) -> None:
    for typo in (tmp_path / "typo.db", tmp_path / "no-such-folder" / "ledger.db"):
        run = _jixiao(*verb, "--db", str(typo))
        assert (run.returncode, run.stdout) == (3, ""), run.stderr
        assert run.stderr.strip() == f"错误：{typo} 处没有账本（用 `jixiao init` 新建）"
        assert list(tmp_path.iterdir()) == []
    run = _jixiao("--lang", "en", *verb, "--db", str(tmp_path / "typo.db"))
    assert run.returncode == 3
    assert f"no ledger at {tmp_path / 'typo.db'}" in run.stderr


@pytest.mark.parametrize("words", [("users", "--db", "{typo}", "list"),
                                   ("users", "--actor", "someone", "list", "--db", "{typo}")],
                         ids=str)
def test_users_list_makes_no_ledger_whatever_the_order_of_the_words(
        tmp_path: Path, words: tuple[str, ...]) -> None:
    typo = tmp_path / "typo.db"
    run = _jixiao("--lang", "en", *(word.format(typo=typo) for word in words))
    assert run.returncode == 3, run.stderr
    assert f"no ledger at {typo}" in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_write_into_a_missing_folder_is_bad_input_not_busy(tmp_path: Path) -> None:
    typo = tmp_path / "no-such-folder" / "ledger.db"
    run = _jixiao("apply", str(EXAMPLE), "--db", str(typo))
    assert run.returncode == 2, run.stderr
    assert f"无法打开账本文件 {typo}" in run.stderr
    assert "重试" not in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_serve_refuses_a_path_no_request_could_open(tmp_path: Path) -> None:
    typo = tmp_path / "no-such-folder" / "ledger.db"
    run = _jixiao("serve", "--port", "1", "--db", str(typo))
    assert run.returncode == 2, run.stderr
    assert f"无法打开账本文件 {typo}" in run.stderr
    run = _jixiao("serve", "--port", "1", "--db", str(tmp_path))
    assert run.returncode == 2, run.stderr
    assert list(tmp_path.iterdir()) == []


def test_serve_makes_no_ledger_at_a_path_with_none(tmp_path: Path) -> None:
    """`serve` at a new path started, and its first request with a token made an empty
    ledger there (that knew no user, so refused every sign-in). Refused before serving,
    naming the path and the verbs that make a ledger; nothing made, no -wal or -shm."""
    new = tmp_path / "new.db"
    chinese = _jixiao("serve", "--port", "1", "--db", str(new))
    english = _jixiao("serve", "--port", "1", "--db", str(new), env={"JIXIAO_LANG": "en"})
    assert (chinese.returncode, english.returncode) == (2, 2), chinese.stderr
    assert chinese.stderr.strip() == (
        f"错误：{new} 处没有账本，`jixiao serve` 也不会新建账本：请先在此建立账本（`jixiao "
        "init` 新建，`jixiao restore` 从备份恢复，或 `jixiao demo` 写出演示年度），或检查 "
        "--db 和 JIXIAO_DB；未写入任何内容")
    assert english.stderr.strip() == (
        f"error: no ledger at {new}, and `jixiao serve` makes none: make one there first "
        "(`jixiao init`, `jixiao restore` from a backup, or `jixiao demo`), or check --db "
        "and JIXIAO_DB; nothing was written")
    assert list(tmp_path.iterdir()) == []
    # Named by JIXIAO_DB rather than --db, alike.
    default = _jixiao("serve", "--port", "1", env={"JIXIAO_DB": str(new)})
    assert default.returncode == 2, default.stderr
    assert list(tmp_path.iterdir()) == []


# root without the capabilities that pass every permission check: a user the mode of a
# folder binds (`nobody` could not reach the interpreter under /root).
NO_OVERRIDE = ("setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search")


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="needs root (to give the folder away) and setpriv")
@pytest.mark.parametrize("verb", [("init",), ("apply", str(EXAMPLE)),
                                  ("payout", "--period", PERIOD), ("serve", "--port", "1")],
                         ids=lambda verb: verb[0])
def test_a_ledger_in_a_folder_this_user_may_not_enter_is_named_not_a_traceback(
        tmp_path: Path, verb: tuple[str, ...]) -> None:
    """`Path.exists` raised PermissionError (a traceback, exit 1) for a path under a
    folder another user owns with mode 0700: said as a file that cannot be opened."""
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    os.chown(private, 65534, 65534)  # nobody's
    path = private / "x.db"
    english = _jixiao("--lang", "en", *verb, "--db", str(path), prefix=NO_OVERRIDE)
    chinese = _jixiao(*verb, "--db", str(path), prefix=NO_OVERRIDE)
    assert (english.returncode, chinese.returncode) == (2, 2), english.stderr
    assert english.stderr.strip() == (
        f"error: cannot open the ledger file {path}: check that its folder exists, that it "
        "is not a folder itself, and that this user may read and write it; nothing was "
        "written")
    assert f"无法打开账本文件 {path}" in chinese.stderr
    assert "Traceback" not in english.stderr + chinese.stderr
    assert list(private.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="needs root (to give the folder away) and setpriv")
def test_a_backup_into_a_folder_this_user_may_not_enter_is_named_not_a_traceback(
        tmp_path: Path) -> None:
    """`backup --output` asked `Path.exists` too: a PermissionError traceback (exit 1)."""
    ledger = tmp_path / "ledger.db"
    assert _jixiao("apply", str(EXAMPLE), "--db", str(ledger)).returncode == 0
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    os.chown(private, 65534, 65534)  # nobody's
    copy = private / "copy.db"
    run = _jixiao("--lang", "en", "backup", "--db", str(ledger), "--output", str(copy),
                  prefix=NO_OVERRIDE)
    assert run.returncode == 2, run.stderr
    assert f"error: cannot open the ledger file {copy}" in run.stderr
    assert "Traceback" not in run.stderr
    assert list(private.iterdir()) == []


class ReadOnly(NamedTuple):
    path: Path
    env: dict[str, str]  # the environment the verbs run with


# (journal mode, what makes it read-only): the setting, or no write bit on the file or on
# its folder (a WAL file there with no -shm is then read `immutable=1`).
HOW = [("wal", "setting"), ("delete", "setting"), ("wal", "file"), ("delete", "file"),
       ("wal", "folder")]


@pytest.fixture(params=HOW, ids="-".join)
def read_only_copy(ledger: Path, tmp_path: Path,
                   request: pytest.FixtureRequest) -> Iterator[ReadOnly]:
    """A copy in WAL mode, as jixiao writes one, or in rollback mode (made by another tool)."""
    journal, how = request.param
    folder = tmp_path / "audit"
    folder.mkdir()
    copy = folder / "ledger.db"
    shutil.copyfile(ledger, copy)
    with sqlite3.connect(copy) as db:
        assert db.execute(f"PRAGMA journal_mode={journal}").fetchone()[0] == journal
    db.close()
    if how == "file":
        copy.chmod(0o444)
    elif how == "folder":
        folder.chmod(0o555)
    try:
        yield ReadOnly(copy, {"JIXIAO_READ_ONLY": "1"} if how == "setting" else {})
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("verb", [("payout", "--period", PERIOD, "--json"), ("verify",),
                                  ("payout", "--period", PERIOD)], ids=str)
def test_a_read_only_ledger_answers_as_the_writable_one(ledger: Path, read_only_copy: ReadOnly,
                                                         verb: tuple[str, ...]) -> None:
    copy, env = read_only_copy
    before = _digest(copy.parent)
    files = sorted(copy.parent.iterdir())
    writable = _jixiao(*verb, "--db", str(ledger))
    assert writable.returncode == 0, writable.stderr
    run = _jixiao(*verb, "--db", str(copy), env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout == writable.stdout
    assert _digest(copy.parent) == before
    if not copy.parent.stat().st_mode & 0o222:  # nothing made there, no -shm either
        assert sorted(copy.parent.iterdir()) == files


def test_a_write_to_a_read_only_ledger_is_refused_naming_it(read_only_copy: ReadOnly) -> None:
    copy, env = read_only_copy
    before = _digest(copy.parent)
    run = _jixiao("apply", str(GOLDEN / "example-1" / "commands.jsonl"),
                  "--db", str(copy), env=env)
    assert run.returncode == 4, run.stderr
    assert f"账本 {copy} 是只读的" in run.stderr
    assert "Traceback" not in run.stderr
    assert _digest(copy.parent) == before
    run = _jixiao("--lang", "en", "init", "--db", str(copy), env=env)
    assert run.returncode == 4  # a ledger is there already: nothing to do with read-only
    assert _digest(copy.parent) == before


def test_a_read_only_setting_never_creates_a_ledger(tmp_path: Path) -> None:
    """`JIXIAO_READ_ONLY=1` with a mistyped path: `apply` would make a new ledger there
    and record into it; it is refused as any write to a read-only ledger, nothing made."""
    missing = tmp_path / "typo.db"
    run = _jixiao("--lang", "en", "apply", str(EXAMPLE), "--db", str(missing),
                  env={"JIXIAO_READ_ONLY": "1"})
    assert run.returncode == 4, run.stderr
    assert f"the ledger {missing} is read-only" in run.stderr
    assert "created" not in run.stderr
    assert list(tmp_path.iterdir()) == []
    run = _jixiao("serve", "--port", "1", "--db", str(missing), env={"JIXIAO_READ_ONLY": "1"})
    assert run.returncode == 4, run.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("verb", [
    ("init",), ("apply", str(EXAMPLE)), ("restore", "BACKUP"), ("demo",),
    ("serve", "--port", "1")], ids=lambda verb: verb[0])
def test_no_ledger_is_made_in_a_folder_nobody_may_write(
        ledger: Path, tmp_path: Path, verb: tuple[str, ...]) -> None:
    """A folder without any write bit (`chmod a-w`) is read-only for root as for anyone,
    as a file is (`may_write`): root made a new ledger there (`init`, `apply`, `restore`,
    `demo`; `serve` on its first write), which its owner had marked read-only. Refused
    as a write to a read-only ledger, naming the path, before anything is made."""
    backup = tmp_path / "ledger.backup"
    assert _jixiao("backup", "--db", str(ledger), "--output", str(backup)).returncode == 0
    folder = tmp_path / "sealed"
    folder.mkdir()
    folder.chmod(0o555)
    new = folder / "new.db"
    argv = [str(backup) if word == "BACKUP" else word for word in verb]
    try:
        english = _jixiao("--lang", "en", *argv, "--db", str(new))
        chinese = _jixiao(*argv, "--db", str(new))
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)
    assert (english.returncode, chinese.returncode) == (4, 4), english.stderr
    # There is no ledger to call read-only, nor a copy of it to write to: said as such.
    assert f"no ledger at {new}, and none may be made there" in english.stderr
    assert "give a path in a folder that may be written" in english.stderr
    assert "is read-only" not in english.stderr
    assert "nothing was written" in english.stderr
    assert "created" not in english.stderr
    assert f"{new} 处没有账本，也不能在此新建" in chinese.stderr
    assert "Traceback" not in english.stderr + chinese.stderr


def test_a_demo_never_replaces_a_ledger_it_may_not_write(ledger: Path, tmp_path: Path) -> None:
    """`demo --force` deletes the ledger at its path and writes a new one: with
    JIXIAO_READ_ONLY=1 it did so all the same; now refused before anything is deleted."""
    copy = tmp_path / "ledger.db"
    shutil.copy(ledger, copy)
    before = _digest(tmp_path)
    run = _jixiao("--lang", "en", "demo", "--force", "--db", str(copy),
                  env={"JIXIAO_READ_ONLY": "1"})
    assert run.returncode == 4, run.stderr
    assert f"the ledger {copy} is read-only" in run.stderr
    assert "Writing" not in run.stderr
    assert _digest(tmp_path) == before
