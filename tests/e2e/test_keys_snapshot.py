"""`jixiao keys snapshot --output FILE`, through the command line: a key file of its own
for the snapshot of the fold (api/storage/snapshot_key.py), owner-only from its creation,
never written over unless --force, and then only over a snapshot key, never the master
key; the key it writes is the one a what-if's session signs and reads the snapshot with,
on SQLite and PostgreSQL. Chinese unless --lang en."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from builders import GOLDEN, Cli, cli_for, fold_reads, snapshot_row

from api.storage.snapshot_key import SNAPSHOT_KEY_ENV

PERIOD = "2026-Q1"


def _zh() -> Cli:
    return Cli({}, lang=None)  # no JIXIAO_LANG: the default language


def test_the_key_is_written_owner_only_and_told_in_chinese(tmp_path: Path) -> None:
    key = tmp_path / "snapshot.key"
    run = _zh().ok("keys", "snapshot", "--output", str(key))
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_text().strip()) == 44  # 32 bytes in base64
    assert "快照密钥已写入" in run.out
    assert f"JIXIAO_SNAPSHOT_KEY_FILE={key}" in run.out
    assert "无需备份" in run.out
    assert "个人信息" in run.out
    english = Cli({}).ok("keys", "snapshot", "--output", str(tmp_path / "other.key")).out
    assert "snapshot key written to" in english
    assert "needs no backup" in english


def test_an_existing_file_is_never_written_over(tmp_path: Path) -> None:
    key = tmp_path / "snapshot.key"
    _zh().ok("keys", "snapshot", "--output", str(key))
    before = key.read_bytes()
    run = _zh()("keys", "snapshot", "--output", str(key))
    assert run.code != 0
    assert "已存在，不会覆盖" in run.err
    assert "--force" in run.err
    assert key.read_bytes() == before


def test_force_replaces_a_snapshot_key_and_says_what_that_costs(tmp_path: Path) -> None:
    key = tmp_path / "snapshot.key"
    _zh().ok("keys", "snapshot", "--output", str(key))
    before = key.read_bytes()
    run = _zh().ok("keys", "snapshot", "--output", str(key), "--force")
    assert key.read_bytes() != before
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert "原来的密钥已被替换" in run.out
    assert "拒绝一次" in run.out
    assert [p.name for p in tmp_path.iterdir()] == ["snapshot.key"]  # no spare left


def test_force_never_replaces_the_master_key_or_another_file(tmp_path: Path) -> None:
    master, notes = tmp_path / "master.key", tmp_path / "notes.txt"
    Cli({}).ok("keys", "master", "--output", str(master))
    notes.write_text("not a key\n")
    kept = master.read_bytes()
    cli = Cli({"JIXIAO_MASTER_KEY_FILE": str(master)}, lang=None)
    run = cli("keys", "snapshot", "--output", str(master), "--force")
    assert run.code != 0
    assert "是主密钥" in run.err
    run = cli("keys", "snapshot", "--output", str(notes), "--force")
    assert run.code != 0
    assert "不是快照密钥文件" in run.err
    assert master.read_bytes() == kept
    assert notes.read_text() == "not a key\n"


def test_a_mistyped_option_exits_non_zero_in_chinese(tmp_path: Path) -> None:
    run = _zh()("keys", "snapshot", "--outptu", str(tmp_path / "k"))
    assert run.code != 0
    assert "没有选项" in run.err
    assert "--output" in run.err
    assert not (tmp_path / "k").exists()


def _snapshot_position(env: dict[str, str]) -> int | None:
    row = snapshot_row(env)
    return None if row is None else row[0]


def test_a_what_if_signs_and_reads_the_snapshot_with_the_key_it_wrote(
        store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "snapshot.key"
    base = cli_for(store.backend, store.env)
    base.ok("keys", "snapshot", "--output", str(key))
    cli = Cli({**base.environ, SNAPSHOT_KEY_ENV: str(key)})
    env = {**store.env, SNAPSHOT_KEY_ENV: str(key)}
    cli.ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    position = _snapshot_position(env)
    assert position is not None  # written under the new key
    batch = tmp_path / "what-if.jsonl"
    batch.write_text(json.dumps({"type": "record_deduction", "period": PERIOD,
                                 "employee_id": "wang", "kind": "late",
                                 "minutes": 90}) + "\n", encoding="utf-8")
    starts = fold_reads(monkeypatch)
    with_key = cli.ok("payout", "--period", PERIOD, "--with", str(batch))
    assert "snapshot" not in with_key.err  # read and accepted: no warning
    assert starts[0] == position  # the fold started from the snapshot
    without = Cli(base.environ).ok("payout", "--period", PERIOD, "--with", str(batch))
    assert with_key.out == without.out
    # A replaced key: the old snapshot is refused once, named, and the answer the same.
    cli.ok("keys", "snapshot", "--output", str(key), "--force")
    refused = cli.ok("payout", "--period", PERIOD, "--with", str(batch))
    assert "snapshot" in refused.err
    assert refused.out == without.out
    again = cli.ok("payout", "--period", PERIOD, "--with", str(batch))
    assert "snapshot" not in again.err
    assert again.out == without.out


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_force_keeps_the_owner_the_service_reads_the_key_as(tmp_path: Path) -> None:
    key = tmp_path / "snapshot.key"
    _zh().ok("keys", "snapshot", "--output", str(key))
    os.chown(key, 65534, 65534)  # as `chown jixiao: /etc/jixiao/snapshot.key`
    _zh().ok("keys", "snapshot", "--output", str(key), "--force")
    assert (key.stat().st_uid, key.stat().st_gid) == (65534, 65534)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_force_refuses_a_symbolic_link_and_names_where_it_leads(tmp_path: Path) -> None:
    """Followed, it would write where the operator did not name (here the master key,
    with JIXIAO_MASTER_KEY_FILE unset in this shell); replaced, the file it led to would
    keep the old key."""
    master, link = tmp_path / "master.key", tmp_path / "snapshot.key"
    Cli({}).ok("keys", "master", "--output", str(master))
    kept = master.read_bytes()
    link.symlink_to(master)
    run = _zh()("keys", "snapshot", "--output", str(link), "--force")
    assert run.code == 2
    assert f"{link} 是指向 {master} 的符号链接" in run.err
    english = Cli({})("keys", "snapshot", "--output", str(link), "--force")
    assert english.code == 2
    assert f"{link} is a symbolic link to {master}" in english.err
    assert link.is_symlink()
    assert master.read_bytes() == kept


def test_force_refuses_a_hard_link_to_the_master_key(tmp_path: Path) -> None:
    master, other = tmp_path / "master.key", tmp_path / "snapshot.key"
    Cli({}).ok("keys", "master", "--output", str(master))
    other.hardlink_to(master)
    run = Cli({"JIXIAO_MASTER_KEY_FILE": str(master)}, lang=None)(
        "keys", "snapshot", "--output", str(other), "--force")
    assert run.code == 4
    assert "是主密钥" in run.err


def test_force_refuses_a_folder_or_a_pipe_without_waiting(tmp_path: Path) -> None:
    folder, pipe = tmp_path / "folder", tmp_path / "pipe"
    folder.mkdir()
    os.mkfifo(pipe)  # reading it would wait for a writer forever
    for path in (folder, pipe):
        run = _zh()("keys", "snapshot", "--output", str(path), "--force")
        assert run.code == 2
        assert f"{path} 不是快照密钥文件" in run.err
        assert "Traceback" not in run.err
    assert folder.is_dir()
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "pipe"]  # no spare


def test_a_folder_that_is_not_there_is_named_not_a_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "snapshot.key"
    run = _zh()("keys", "snapshot", "--output", str(missing))
    assert run.code == 2
    assert f"无法写入 {missing}" in run.err
    assert "Traceback" not in run.err
    english = Cli({})("keys", "snapshot", "--output", str(missing))
    assert f"{missing} cannot be written" in english.err


def test_verify_after_a_key_change_says_the_old_snapshot_was_not_checked(
        store: Any, tmp_path: Path) -> None:
    """The old snapshot fails the MAC under the new key: never used, so exit 0 and a
    plain note, not a finding that every key change would raise."""
    key = tmp_path / "snapshot.key"
    base = cli_for(store.backend, store.env)
    base.ok("keys", "snapshot", "--output", str(key))
    cli = Cli({**base.environ, SNAPSHOT_KEY_ENV: str(key)}, lang=None)
    cli.ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    cli.ok("keys", "snapshot", "--output", str(key), "--force")
    run = cli("verify")
    assert run.code == 0, run.out + run.err
    assert run.out.startswith("哈希链完好")
    assert "未核对事实快照：其消息认证码与本环境的快照密钥不符" in run.out
    batch = tmp_path / "none.jsonl"
    batch.write_text("", encoding="utf-8")
    cli.ok("payout", "--period", PERIOD, "--with", str(batch))  # refolds, signs anew
    again = cli("verify")
    assert again.code == 0
    assert "与按库中事件重新计算到该位置的结果一致" in again.out
