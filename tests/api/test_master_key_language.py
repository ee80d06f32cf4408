"""The master key's refusals (api/storage/keys.py) in one language: Chinese by default,
English under `--lang en`, the path as given."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import Cli


@pytest.fixture
def ledger(tmp_path: Path) -> dict[str, str]:
    store = {"JIXIAO_DB": str(tmp_path / "keys.db"), "JIXIAO_ACTOR": "test"}
    assert Cli(store)("init").code == 0
    return store


def test_the_master_keys_refusals_read_in_the_readers_language(
        ledger: dict[str, str], tmp_path: Path) -> None:
    key, bad, none = tmp_path / "master.key", tmp_path / "bad.key", tmp_path / "none.key"
    bad.write_text("not a key\n", encoding="utf-8")
    Cli(ledger).ok("keys", "master", "--output", str(key))
    show = ("personal", "show", "--employee", "x", "--key-file")
    cases = [
        (("keys", "master", "--output", str(key)), f"文件 {str(key)!r} 已存在，不会覆盖",
         f"the file {str(key)!r} exists already; it is not overwritten"),
        (("personal", "show", "--employee", "x"),
         "没有主密钥：请用 --key-file 或环境变量 JIXIAO_MASTER_KEY_FILE 指定",
         "no master key: give --key-file or set JIXIAO_MASTER_KEY_FILE"),
        ((*show, str(none)), f"主密钥文件不存在：{str(none)!r}",
         f"no master key file {str(none)!r}"),
        ((*show, str(bad)), f"主密钥文件 {str(bad)!r} 格式不对：应为 base64 编码的 32 字节",
         f"the master key file {str(bad)!r} must hold 32 bytes in base64"),
    ]
    for argv, chinese, english in cases:
        assert Cli(ledger, lang=None)(*argv).err == f"错误：{chinese}\n"
        assert Cli(ledger, lang=None)("--lang", "en", *argv).err == f"error: {english}\n"
