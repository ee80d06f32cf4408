"""The digests of this code's sources (api/storage/code_digest.py): the statements view's
stamp and the fold snapshot's code version share one read of `domain/`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.storage import code_digest, facts_codec
from api.storage.code_digest import folder_digest, stamped_by_this_code


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "calc" / "sub").mkdir(parents=True)
    (tmp_path / "calc" / "a.py").write_text("A = 1\n")
    (tmp_path / "calc" / "sub" / "b.py").write_text("B = 2\n")
    monkeypatch.setattr(code_digest, "ROOT", tmp_path)
    folder_digest.cache_clear()
    yield tmp_path / "calc"
    folder_digest.cache_clear()


def _digest() -> bytes:
    folder_digest.cache_clear()
    return folder_digest("calc")


def test_a_source_changed_moved_added_or_removed_changes_the_digest(tree: Path) -> None:
    first = _digest()
    (tree / "__pycache__").mkdir()
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
