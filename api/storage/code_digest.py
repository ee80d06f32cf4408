"""Digests of this code's own sources: what a stored cache says it was computed with.

Two caches are only good for the code that wrote them: the fold snapshot
(`api.storage.facts_codec.code_version`: its pickled classes and fold are `domain/`'s)
and the statements view (`calculation_digest`: its rows are `calculate`'s, which is
`domain/` and `projections/`). Each folder is read and hashed once a process, whichever
asks first, so the two never read `domain/` twice; a plain `payout` from the warm view
pays one read of the sources (≈1 ms), no import."""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# The calculation's sources: a change to any of them may change a stored statement.
CALCULATION_FOLDERS = ("domain", "projections")


@cache
def folder_digest(folder: str) -> bytes:
    """SHA-256 of the `.py` files under `ROOT/folder`, their relative paths and bytes,
    in sorted order (a file moved, added or removed changes it)."""
    files: list[tuple[str, str]] = []
    base = ROOT / folder
    for top, dirs, names in os.walk(base):
        dirs[:] = [name for name in dirs if name != "__pycache__"]
        files.extend((os.path.relpath(os.path.join(top, name), ROOT), os.path.join(top, name))
                     for name in names if name.endswith(".py"))
    digest = hashlib.sha256()
    for relative, path in sorted(files):
        digest.update(relative.replace(os.sep, "/").encode())
        with open(path, "rb") as file:
            digest.update(file.read())
    return digest.digest()


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
