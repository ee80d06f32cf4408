"""`jixiao users` says what it did in one language: Chinese by default, English under
`--lang en`; never English inside a Chinese run, nor both side by side. The token itself
(standard output) is the same in both."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.builders import Cli


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


@pytest.fixture
def ledger(tmp_path: Path) -> dict[str, str]:
    store = {"JIXIAO_DB": str(tmp_path / "users.db"), "JIXIAO_ACTOR": "test"}
    assert Cli(store)("init").code == 0
    return store


def test_users_speaks_chinese_by_default(ledger: dict[str, str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cli = Cli(ledger, lang=None)
    _stdin(monkeypatch, "long enough password\n")
    added = cli.ok("users", "add", "u1", "--role", "auditor", "--password-stdin")
    assert added.out.startswith("jx_")
    assert added.err == "u1：下面的令牌只显示这一次；账本只保存其 SHA-256\n"
    _stdin(monkeypatch, "another long password\n")
    assert cli.ok("users", "passwd", "u1").err == "已为 u1 设置登录密码\n"
    assert cli.ok("users", "disable", "u1", "--reason", "left").err == "已停用 u1\n"
    assert cli("users", "add", "u2").err == "错误：users add 需要给出 --role\n"
    assert cli("users", "passwd").err == "错误：users passwd 需要给出用户 id\n"


def test_users_speaks_english_under_lang_en(ledger: dict[str, str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    cli = Cli(ledger, lang=None)
    _stdin(monkeypatch, "long enough password\n")
    added = cli.ok("--lang", "en", "users", "add", "u1", "--role", "auditor",
                   "--password-stdin")
    assert added.err == ("u1: the token below is shown once; the ledger keeps only its "
                         "SHA-256\n")
    _stdin(monkeypatch, "another long password\n")
    assert cli.ok("--lang", "en", "users", "passwd", "u1").err == "password set for u1\n"
    assert cli.ok("--lang", "en", "users", "disable", "u1").err == "disabled u1\n"
    assert cli("--lang", "en", "users", "add", "u2").err == "error: users add needs --role\n"


@pytest.mark.parametrize(("lang", "prompts", "refusal"), [
    (None, ["新密码：", "再输一次："], "错误：两次输入的密码不一致\n"),
    ("en", ["new password: ", "the same password again: "], "error: the passwords differ\n"),
], ids=["zh", "en"])
def test_a_password_typed_at_a_terminal_is_asked_in_the_readers_language(
        ledger: dict[str, str], monkeypatch: pytest.MonkeyPatch, lang: str | None,
        prompts: list[str], refusal: str) -> None:
    asked: list[str] = []
    typed = iter(["long enough password", "not the same password"])

    def getpass(prompt: str) -> str:
        asked.append(prompt)
        return next(typed)

    Cli(ledger).ok("users", "add", "u1", "--role", "auditor")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", getpass)
    run = Cli(ledger, lang=lang)("users", "passwd", "u1")
    assert (run.code, asked, run.err) == (2, prompts, refusal)


@pytest.mark.parametrize(("lang", "told"), [
    (None, "账本中还没有用户：请用 `jixiao users add ID --role administrator` 添加第一位管理员\n"),
    ("en", "the ledger has no users yet: add the first administrator with `jixiao users add "
           "ID --role administrator`\n"),
], ids=["zh", "en"])
def test_users_list_on_a_ledger_without_users_says_how_to_add_one(
        ledger: dict[str, str], lang: str | None, told: str) -> None:
    """It printed nothing, exit 0: as a ledger whose users could not be read. Standard
    output stays one JSON line a user, none here."""
    listed = Cli(ledger, lang=lang).ok("users", "list")
    assert (listed.out, listed.err) == ("", told)
    Cli(ledger).ok("users", "add", "u1", "--role", "auditor")
    assert Cli(ledger, lang=lang).ok("users", "list").err == ""
