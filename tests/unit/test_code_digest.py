"""The digests of this code's sources (api/storage/code_digest.py): the statements view's
stamp and the fold snapshot's code version share one read of `domain/`."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.storage import code_digest, facts_codec
from api.storage.code_digest import DIGEST_CACHE, folder_digest, stamped_by_this_code


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "calc" / "sub").mkdir(parents=True)
    (tmp_path / "calc" / "a.py").write_text("A = 1\n")
    (tmp_path / "calc" / "sub" / "b.py").write_text("B = 2\n")
    monkeypatch.setattr(code_digest, "ROOT", tmp_path)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(sys, "pycache_prefix", None)
    folder_digest.cache_clear()
    yield tmp_path / "calc"
    folder_digest.cache_clear()


def _digest() -> bytes:
    folder_digest.cache_clear()
    return folder_digest("calc")


@pytest.fixture
def aged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every source as if changed long ago: its digest is remembered."""
    monkeypatch.setattr(code_digest, "RACY_NS", -1)


def _remembered(tree: Path) -> str | None:
    path = tree / "__pycache__" / DIGEST_CACHE
    return path.read_text() if path.exists() else None


def _fresh_digest(tree: Path) -> bytes:
    """The digest as the sources give it, written out by hand."""
    digest = hashlib.sha256()
    for path in sorted(tree.rglob("*.py"), key=lambda p: str(p.relative_to(tree.parent))):
        digest.update(str(path.relative_to(tree.parent)).encode())
        digest.update(path.read_bytes())
    return digest.digest()


@pytest.mark.parametrize("remembering", [False, True])
def test_a_source_changed_moved_added_or_removed_changes_the_digest(
        tree: Path, remembering: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if remembering:
        monkeypatch.setattr(code_digest, "RACY_NS", -1)
    first = _digest()
    assert (_remembered(tree) is not None) is remembering
    (tree / "__pycache__").mkdir(exist_ok=True)
    (tree / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    (tree / "notes.txt").write_text("not code")
    assert _digest() == first  # only sources count
    (tree / "sub" / "b.py").write_text("B = 3\n")
    changed = _digest()
    assert changed != first
    (tree / "sub" / "b.py").rename(tree / "b.py")
    assert _digest() not in (first, changed)
    (tree / "b.py").unlink()
    assert _digest() not in (first, changed)
    before = (tree / "a.py").stat().st_mtime_ns
    (tree / "a.py").write_text("A = 2\n")  # the same size: its times tell
    # Past the clock's tick for certain (within one, only the racy window protects).
    os.utime(tree / "a.py", ns=(before, before + 10**9))
    assert _digest() == _fresh_digest(tree)


def test_a_remembered_digest_is_the_sources_digest_and_is_used(tree: Path, aged: None) -> None:
    first = _digest()
    assert _remembered(tree) is not None
    assert _fresh_digest(tree) == first
    (tree / "__pycache__" / DIGEST_CACHE).write_text(
        _remembered(tree).split()[0] + " " + "ab" * 32)  # type: ignore[union-attr]
    assert _digest() == bytes.fromhex("ab" * 32)  # read, not computed


@pytest.mark.parametrize("text", ["", "garbage", "a b c", "key " + "zz" * 32, "\xff"])
def test_a_remembered_digest_of_other_stats_or_unreadable_is_not_used(
        tree: Path, aged: None, text: str) -> None:
    first = _digest()
    (tree / "__pycache__" / DIGEST_CACHE).write_text(text, encoding="latin-1")
    assert _digest() == first
    assert _remembered(tree) != text  # written again


def test_a_digest_of_a_source_changed_just_now_is_not_remembered(tree: Path) -> None:
    """An edit of the same size within the file system clock's tick keeps size and times."""
    _digest()
    assert _remembered(tree) is None


@pytest.mark.parametrize("told", ["dont_write_bytecode", "pycache_prefix"])
def test_nothing_is_remembered_when_python_keeps_bytecode_out_of_the_sources(
        tree: Path, aged: None, monkeypatch: pytest.MonkeyPatch, told: str) -> None:
    monkeypatch.setattr(sys, told, True if told == "dont_write_bytecode" else str(tree.parent))
    _digest()
    assert _remembered(tree) is None


def test_a_folder_that_cannot_be_written_is_still_digested(tree: Path, aged: None) -> None:
    (tree / "__pycache__").write_text("a file where the folder would be")
    assert _digest() == _fresh_digest(tree)


def test_a_view_is_this_code_s_when_stamped_by_it_at_its_position() -> None:
    this = code_digest.calculation_digest()
    assert stamped_by_this_code(0, None)  # empty: nothing of another code in it
    assert stamped_by_this_code(7, (7, this))
    assert not stamped_by_this_code(7, None)  # written before stamps
    assert not stamped_by_this_code(7, (7, "0" * 64))  # another code's
    assert not stamped_by_this_code(7, (5, this))  # caught up since by a code without stamps


def test_the_snapshot_s_code_version_follows_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fold snapshot's version still changes with `domain/`, read once for both."""
    before = facts_codec.code_version()
    assert before != code_digest.calculation_digest()
    monkeypatch.setattr(facts_codec, "folder_digest", lambda folder: b"another domain")
    facts_codec.code_version.cache_clear()
    try:
        assert facts_codec.code_version() != before
    finally:
        monkeypatch.undo()
        facts_codec.code_version.cache_clear()
    assert facts_codec.code_version() == before
