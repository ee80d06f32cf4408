"""Adopted scheme versions are immutable (docs/schemes-versioning.md): every shipped
`id@version` is locked with the SHA-256 of its content in domain/schemes/versions.lock.json,
so a released version edited in place, a skipped number or an unlocked version fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.usecases import scheme_versions
from api.usecases.scheme_versions import (
    lock_problems,
    locked_with,
    read_lock,
    shipped_versions,
)
from domain.scheme_kinds import parse_scheme
from domain.shipped_schemes import load_shipped_scheme


def test_every_shipped_version_is_locked_with_its_content() -> None:
    assert lock_problems(read_lock(), shipped_versions()) == []


def test_the_lock_keeps_the_versions_that_were_replaced() -> None:
    locked = read_lock()
    for key in ("online-shop-service@1", "hospital-medical-disputes@1"):
        assert key in locked
        assert locked[key] != locked[key.replace("@1", "@2")]


def _edited(name: str) -> dict[str, str]:
    document = load_shipped_scheme(name)
    document["pipelines"][0]["label"] += " (edited)"
    scheme = parse_scheme(document)
    return {**shipped_versions(), scheme.key: scheme.sha256}


def test_a_released_version_edited_in_place_fails() -> None:
    problems = lock_problems(read_lock(), _edited("family-doctor-evaluation"))
    assert problems == ["family-doctor-evaluation@1: a released version was edited in place; "
                        "a change of content is a new version, version 2"]


def test_a_new_version_is_the_next_number_and_must_be_locked() -> None:
    locked = read_lock()
    shipped = dict(shipped_versions())
    digest = shipped.pop("family-doctor-evaluation@1")
    skipped = {**shipped, "family-doctor-evaluation@3": "0" * 64}
    assert lock_problems(locked, skipped) == [
        "family-doctor-evaluation@3: the next version is 2"]
    nxt = {**shipped, "family-doctor-evaluation@2": "0" * 64}
    assert [p.split(":")[0] for p in lock_problems(locked, nxt)] == [
        "family-doctor-evaluation@2"]
    assert lock_problems(locked_with(locked, nxt), nxt) == []
    # Going back to the older version once a newer one is locked is refused too.
    back = {**shipped, "family-doctor-evaluation@1": digest}
    assert "a later version is locked" in lock_problems(locked_with(locked, nxt), back)[0]


def test_locking_never_changes_a_locked_version() -> None:
    locked = read_lock()
    edited = _edited("family-doctor-evaluation")
    assert locked_with(locked, edited)["family-doctor-evaluation@1"] == \
        locked["family-doctor-evaluation@1"]


@pytest.mark.parametrize(("language", "said", "not_said"), [
    ("zh_CN", "family-doctor-evaluation@1：已采用的版本被原地修改；内容改变须另立新版本 version 2",
     "edited in place"),
    ("en", "family-doctor-evaluation@1: a released version was edited in place; a change of "
     "content is a new version, version 2", "原地修改"),
])
def test_the_lock_tool_refuses_an_edited_version_in_one_language(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        *, language: str, said: str, not_said: str) -> None:
    lock = tmp_path / "versions.lock.json"
    lock.write_text(scheme_versions.LOCK_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(scheme_versions, "LOCK_FILE", lock)  # never the committed lock
    monkeypatch.setattr(scheme_versions, "shipped_versions",
                        lambda: _edited("family-doctor-evaluation"))
    monkeypatch.setenv("JIXIAO_LANG", language)
    assert scheme_versions.main([]) == 1
    err = capsys.readouterr().err
    assert said in err
    assert not_said not in err
