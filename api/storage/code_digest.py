"""Digests of this code's own sources: what a stored cache says it was computed with.

Two caches are only good for the code that wrote them: the fold snapshot
(`api.storage.facts_codec.code_version`: its pickled classes and fold are `domain/`'s)
and the statements view (`calculation_digest`: its rows are `calculate`'s, which is
`domain/` and `projections/`). Each folder is read and hashed once a process, whichever
asks first, so the two never read `domain/` twice; a plain `payout` from the warm view
pays one stat of each source (≈0.2 ms) once a folder's digest is remembered, no import."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from contextlib import suppress
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# The calculation's sources: a change to any of them may change a stored statement.
CALCULATION_FOLDERS = ("domain", "projections")


# Each folder's digest is remembered beside its bytecode, under the stat of every source
# (`_remembered`): reading and hashing the ≈0.9 MB of sources cost ≈2 ms a process.
DIGEST_CACHE = "jixiao-sources.sha256"
# A source changed this recently is not vouched for by its stat (git's "racily clean"):
# the file system's clock ticks coarser than its nanoseconds, so an edit of the same size
# within one tick would keep size and times. Such a digest is computed, never remembered.
RACY_NS = 2_000_000_000


@cache
def folder_digest(folder: str) -> bytes:
    """SHA-256 of the `.py` files under `ROOT/folder`, their relative paths and bytes,
    in sorted order (a file moved, added or removed changes it)."""
    base = ROOT / folder
    files = _sources(base)
    key = _stat_key(files)
    remembered = _remembered(base, key)
    if remembered is not None:
        return remembered
    digest = hashlib.sha256()
    for relative, path, _ in files:
        digest.update(relative.replace(os.sep, "/").encode())
        with open(path, "rb") as file:
            digest.update(file.read())
    newest = max((max(stat.st_mtime_ns, stat.st_ctime_ns) for *_, stat in files), default=0)
    if time.time_ns() - newest > RACY_NS:
        _remember(base, key, digest.digest())
    return digest.digest()


def _sources(base: Path) -> list[tuple[str, str, os.stat_result]]:
    """The `.py` files under `base` (not in `__pycache__`, not through a linked folder),
    by relative path, each with its stat."""
    found: list[tuple[str, str, os.stat_result]] = []
    folders = [str(base)]
    root = len(str(ROOT)) + 1  # `base` is under ROOT: its entries' paths start with it
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir():
                    if entry.name != "__pycache__" and not entry.is_symlink():
                        folders.append(entry.path)
                elif entry.name.endswith(".py"):
                    found.append((entry.path[root:], entry.path, entry.stat()))
    found.sort(key=lambda file: file[:2])
    return found


def _stat_key(files: list[tuple[str, str, os.stat_result]]) -> str:
    """What the sources' stats say of them: a change to a file's bytes changes its size or
    its times (the change time cannot be set back), a replaced file its inode."""
    key = hashlib.sha256()
    for relative, _, stat in files:
        key.update(f"{relative}\0{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}:"
                   f"{stat.st_ino}\n".encode())
    return key.hexdigest()


def _remembered(base: Path, key: str) -> bytes | None:
    try:
        text = (base / "__pycache__" / DIGEST_CACHE).read_text(encoding="ascii")
        stats, digest = text.split()
        return bytes.fromhex(digest) if stats == key and len(digest) == 64 else None
    except (OSError, ValueError):  # none yet, unreadable or not ours: computed
        return None


def _remember(base: Path, key: str, digest: bytes) -> None:
    """Written as Python writes bytecode: not at all when told not to, never half (a
    replace), and not an error where the folder cannot be written (an installed copy)."""
    if sys.dont_write_bytecode or sys.pycache_prefix is not None:
        return  # told to write no bytecode, or to keep it out of the source tree
    folder = base / "__pycache__"
    partial = folder / f"{DIGEST_CACHE}.{os.getpid()}"
    try:
        folder.mkdir(exist_ok=True)
        partial.write_text(f"{key} {digest.hex()}\n", encoding="ascii")
        os.replace(partial, folder / DIGEST_CACHE)
    except OSError:
        with suppress(OSError):
            partial.unlink(missing_ok=True)


@cache
def calculation_digest() -> str:
    """The stamp of the statements view: the code that computes its rows."""
    digest = hashlib.sha256(b"calculation:")
    for folder in CALCULATION_FOLDERS:
        digest.update(folder_digest(folder))
    return digest.hexdigest()


# The statements view's note (jixiao_view_notes) of the code its rows were computed
# with, at the view's position: written with every save, in its transaction.
VIEW_STAMP_NOTE = "calculation_code"


def stamped_by_this_code(view_position: int, note: tuple[int, str] | None) -> bool:
    """Whether a view at `view_position` with this stamp note holds only this code's rows.
    An empty view is (it has none); a view without a stamp (every store before stamps) or
    caught up since by a code that writes none (the stamp's position behind) is not."""
    if view_position == 0:
        return True
    return note is not None and note[0] == view_position and note[1] == calculation_digest()
