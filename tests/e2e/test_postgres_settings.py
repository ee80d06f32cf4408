"""A PostgreSQL setting in seconds that is not one (POSTGRES_CONNECT_TIMEOUT,
POSTGRES_LOCK_TIMEOUT, POSTGRES_STATEMENT_TIMEOUT), through the `jixiao` script in a
process of its own: bad input naming the setting and its value (exit code 2), in Chinese
or English, before any connection is tried, on the warm paths too; `jixiao serve` refuses
it at start instead of failing every request. The server named is a closed port: with
right settings the same command is told "cannot connect" (exit 6), so a run that reached
the server could not pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.storage.store_env import keepalive_args, settings_problem

ROOT = Path(__file__).resolve().parents[2]
DOWN = {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": "1", "POSTGRES_DBNAME": "x", "POSTGRES_USER": "x",
        "POSTGRES_PASSWORD": "x"}
VERBS = (("payout", "--period", "2026-Q4"), ("payout", "--period", "2026-Q4", "--json"),
         ("explain", "--period", "2026-Q4", "--employee", "E1"), ("verify",))


def _jixiao(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("JIXIAO_", "POSTGRES_", "PERSISTENCE_"))}
    environ.update({"JIXIAO_ACTOR": "test", "PYTHONPATH": str(ROOT), **DOWN, **env})
    return subprocess.run([sys.executable, "-m", "api.cli_launch", *argv], cwd=ROOT,
                          env=environ, capture_output=True, text=True, timeout=60,
                          check=False)


@pytest.mark.parametrize(("key", "value", "least"), [
    ("POSTGRES_CONNECT_TIMEOUT", "0", 1), ("POSTGRES_LOCK_TIMEOUT", "abc", 0),
    ("POSTGRES_STATEMENT_TIMEOUT", "-1", 0)])
@pytest.mark.parametrize("verb", VERBS, ids=" ".join)
def test_a_setting_that_is_no_whole_number_of_seconds_is_bad_input(
        verb: tuple[str, ...], key: str, value: str, least: int) -> None:
    done = _jixiao(*verb, env={key: value})
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (f"错误：{key} 须为 {least} 至 2147483 之间的整数秒，"
                                   f"而不是 '{value}'：请改正该设置（见 docs/deploy.md）；"
                                   "未写入任何内容")


def test_in_english_and_with_a_right_setting() -> None:
    done = _jixiao("payout", "--period", "2026-Q4",
                   env={"POSTGRES_LOCK_TIMEOUT": "5s", "JIXIAO_LANG": "en"})
    assert done.returncode == 2
    assert ("POSTGRES_LOCK_TIMEOUT must be a whole number of seconds from 0 to 2147483, "
            "not '5s'") in done.stderr
    reached = _jixiao("payout", "--period", "2026-Q4", env={"POSTGRES_LOCK_TIMEOUT": "0",
                                                           "POSTGRES_CONNECT_TIMEOUT": "2"})
    assert reached.returncode == 6, reached.stderr  # right settings: the closed port told


def test_serve_refuses_it_at_start() -> None:
    done = _jixiao("serve", "--port", "1", env={"POSTGRES_CONNECT_TIMEOUT": "five"})
    assert done.returncode == 2
    assert "POSTGRES_CONNECT_TIMEOUT 须为 1 至 2147483 之间的整数秒" in done.stderr


def test_unset_or_empty_settings_are_right() -> None:
    assert settings_problem({}) is None
    assert settings_problem({"POSTGRES_LOCK_TIMEOUT": "", "POSTGRES_CONNECT_TIMEOUT": "1",
                             "POSTGRES_STATEMENT_TIMEOUT": "0"}) is None
    assert settings_problem({"POSTGRES_CONNECT_TIMEOUT": "０"}) is not None  # not ASCII


def test_a_setting_past_what_postgresql_takes_is_bad_input_too() -> None:
    # lock_timeout and statement_timeout are milliseconds in a 32-bit int on the server:
    # 2147484 s would fail every login ("invalid value for parameter"), told as the
    # server out of reach (exit 6, 503 on each request) instead of naming the setting.
    assert settings_problem({"POSTGRES_LOCK_TIMEOUT": "2147483"}) is None
    for key in ("POSTGRES_CONNECT_TIMEOUT", "POSTGRES_LOCK_TIMEOUT",
                "POSTGRES_STATEMENT_TIMEOUT"):
        assert settings_problem({key: "2147484"}) is not None, key


@pytest.mark.parametrize(("key", "value", "told"), [
    ("POSTGRES_KEEPALIVES_IDLE", "0", "须为 1 至 32767 之间的整数秒，而不是 '0'"),
    ("POSTGRES_KEEPALIVES_INTERVAL", "32768", "须为 1 至 32767 之间的整数秒，而不是 '32768'"),
    ("POSTGRES_KEEPALIVES_COUNT", "128", "须为 1 至 127 之间的整数，而不是 '128'"),
    ("POSTGRES_TCP_USER_TIMEOUT", "25s", "须为 0 至 2147483 之间的整数秒，而不是 '25s'")])
def test_a_keepalive_setting_out_of_its_range_is_bad_input(key: str, value: str,
                                                           told: str) -> None:
    """Linux refuses a keepalive idle time or interval above 32767 s and a count above
    127: libpq would fail every connection, told as the server out of reach (exit 6)."""
    done = _jixiao("payout", "--period", "2026-Q4", env={key: value})
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (f"错误：{key} {told}：请改正该设置（见 docs/deploy.md）；"
                                   "未写入任何内容")
    served = _jixiao("serve", "--port", "1", env={key: value, "JIXIAO_LANG": "en"})
    assert served.returncode == 2
    assert f"{key} must be a whole number" in served.stderr


def test_keepalive_settings_in_their_range_are_right() -> None:
    assert settings_problem({"POSTGRES_KEEPALIVES_IDLE": "32767",
                             "POSTGRES_KEEPALIVES_INTERVAL": "1",
                             "POSTGRES_KEEPALIVES_COUNT": "127",
                             "POSTGRES_TCP_USER_TIMEOUT": "0"}) is None
    assert settings_problem({"POSTGRES_KEEPALIVES_COUNT": "0"}) is not None


def test_keepalive_settings_whose_sum_passes_the_user_timeout_s_most_are_right() -> None:
    """POSTGRES_TCP_USER_TIMEOUT unset is IDLE + INTERVAL × COUNT, which settings in their
    ranges may take past its most: then its most, not bad input naming a setting that
    was never set (and `serve` started by the same settings failing every request)."""
    settings = {"POSTGRES_KEEPALIVES_INTERVAL": "20000", "POSTGRES_KEEPALIVES_COUNT": "127"}
    assert settings_problem(settings) is None
    assert keepalive_args(settings)["tcp_user_timeout"] == "2147483000"
    done = _jixiao("payout", "--period", "2026-Q4",
                   env={**settings, "POSTGRES_CONNECT_TIMEOUT": "2"})
    assert done.returncode == 6, done.stderr  # right settings: the closed port told


@pytest.mark.parametrize("verb", [*VERBS, ("apply", "commands.jsonl"), ("init",), ("demo",),
                                  ("serve", "--port", "1")], ids=" ".join)
def test_a_db_file_beside_postgresql_is_refused(tmp_path: Path, verb: tuple[str, ...]) -> None:
    """`--db FILE` where the environment chooses PostgreSQL was read past: a read
    answered from the database, a write went there (or, with the server down, was told
    "cannot connect"), and `serve` served it. Refused before anything is tried, naming
    both settings; no file made."""
    file = tmp_path / "mine.db"
    (tmp_path / "commands.jsonl").write_text("")
    argv = [str(tmp_path / word) if word.endswith(".jsonl") else word for word in verb]
    chinese = _jixiao(*argv, "--db", str(file), env={})
    english = _jixiao("--lang", "en", *argv, "--db", str(file), env={})
    assert (chinese.returncode, english.returncode) == (2, 2), chinese.stderr
    assert chinese.stderr.strip() == (
        f"错误：--db {file} 指定的是 SQLite 文件，而 PERSISTENCE_MODULE=eventsourcing.postgres "
        "选用的是 PostgreSQL 存储（POSTGRES_* 设置）：要用 PostgreSQL 请去掉 --db，要用该文件"
        "请取消 PERSISTENCE_MODULE；未写入任何内容")
    assert english.stderr.strip() == (
        f"error: --db {file} names a SQLite file, but PERSISTENCE_MODULE=eventsourcing."
        "postgres chooses the PostgreSQL store (POSTGRES_*): drop --db to use PostgreSQL, or "
        "unset PERSISTENCE_MODULE to use the file; nothing was written")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["commands.jsonl"]


@pytest.mark.parametrize("verb", [*VERBS, ("apply", "commands.jsonl"), ("init",), ("demo",),
                                  ("serve", "--port", "1")], ids=" ".join)
def test_jixiao_db_beside_postgresql_is_refused(tmp_path: Path, verb: tuple[str, ...]) -> None:
    """JIXIAO_DB where the environment chooses PostgreSQL was ignored without a word (a
    shell that exported a clerk's file, then the server's settings): refused as --db is,
    naming both settings; no file made. A --db beside both is the one named."""
    file = tmp_path / "mine.db"
    (tmp_path / "commands.jsonl").write_text("")
    argv = [str(tmp_path / word) if word.endswith(".jsonl") else word for word in verb]
    named = {"JIXIAO_DB": str(file)}
    chinese = _jixiao(*argv, env=named)
    english = _jixiao("--lang", "en", *argv, env=named)
    assert (chinese.returncode, english.returncode) == (2, 2), chinese.stderr
    assert chinese.stderr.strip() == (
        f"错误：JIXIAO_DB={file} 指定的是 SQLite 文件，而 PERSISTENCE_MODULE=eventsourcing."
        "postgres 选用的是 PostgreSQL 存储（POSTGRES_* 设置）：要用 PostgreSQL 请取消 "
        "JIXIAO_DB，要用该文件请取消 PERSISTENCE_MODULE；未写入任何内容")
    assert english.stderr.strip() == (
        f"error: JIXIAO_DB={file} names a SQLite file, but PERSISTENCE_MODULE=eventsourcing."
        "postgres chooses the PostgreSQL store (POSTGRES_*): unset JIXIAO_DB to use "
        "PostgreSQL, or unset PERSISTENCE_MODULE to use the file; nothing was written")
    option = tmp_path / "option.db"
    both = _jixiao("--lang", "en", *argv, "--db", str(option), env=named)
    assert both.returncode == 2
    assert both.stderr.strip().startswith(f"error: --db {option} names a SQLite file")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["commands.jsonl"]
