"""Web sign-in passwords through the CLI (`users add … --password-stdin`, `users passwd`),
on SQLite and PostgreSQL: only an argon2id hash is recorded, the latest password counts,
a disabled user cannot sign in, and a short password is refused with nothing written."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from builders import cli_for

from api.storage.session import Session
from api.usecases.passwords import check_password

HEAD = ("--role", "department_head", "--department", "internal")


def _with_stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_passwords_are_set_checked_and_replaced(store: object, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    env = store.env  # type: ignore[attr-defined]
    cli = cli_for(store.backend, env)  # type: ignore[attr-defined]
    department = tmp_path / "department.jsonl"
    department.write_text('{"type": "define_department", "department_id": "internal", '
                          '"name": "内科", "kind": "clinical", "effective_on": "2026-01-01"}\n',
                          encoding="utf-8")
    cli.ok("apply", str(department))
    _with_stdin(monkeypatch, "correct horse battery\n")
    added = cli.ok("users", "add", "chen", *HEAD, "--password-stdin")
    assert added.out.strip().startswith("jx_")  # the token still comes, once
    with Session(env) as session:
        assert check_password(session, "chen", "correct horse battery") is not None
        assert check_password(session, "chen", "wrong horse battery") is None
        assert check_password(session, "nobody", "correct horse battery") is None
        stored = session.users().passwords["chen"]
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in cli.ok("events", "--json", "--limit", "100").out
    _with_stdin(monkeypatch, "a new and longer one\n")
    cli.ok("users", "passwd", "chen")
    _with_stdin(monkeypatch, "short\n")
    refused = cli("users", "passwd", "chen")
    assert refused.code == 2
    assert "10" in refused.err
    cli.ok("users", "disable", "chen", "--reason", "left")
    with Session(env) as session:
        assert check_password(session, "chen", "correct horse battery") is None
        assert check_password(session, "chen", "a new and longer one") is None  # disabled
        assert session.users().passwords["chen"] != stored  # replaced, not the short one


def test_users_passwd_names_an_unknown_user(store: object,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    cli = cli_for(store.backend, store.env)  # type: ignore[attr-defined]
    _with_stdin(monkeypatch, "long enough password\n")
    refused = cli("users", "passwd", "ghost")
    assert refused.code == 2
    assert "ghost" in refused.err


def test_a_user_added_with_a_short_password_is_not_added(store: object,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The user was registered, then the password refused (exit 2): a user with no
    password was left behind a refusal that says nothing was written."""
    cli = cli_for(store.backend, store.env)  # type: ignore[attr-defined]
    cli.ok("init")
    before = cli.event_count()
    _with_stdin(monkeypatch, "short\n")
    refused = cli("users", "add", "p2", "--role", "auditor", "--password-stdin")
    assert refused.code == 2, refused.err
    assert "10" in refused.err
    assert refused.out == ""  # no token for a user who does not exist
    assert cli.event_count() == before
    assert '"p2"' not in cli.ok("users", "list").out
    _with_stdin(monkeypatch, "long enough password\n")
    cli.ok("users", "add", "p2", "--role", "auditor", "--password-stdin")
    with Session(store.env) as session:  # type: ignore[attr-defined]
        assert check_password(session, "p2", "long enough password") is not None
    assert cli.event_count() == before + 2  # registered and its password, one batch
