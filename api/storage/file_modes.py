"""Whether a file or folder may be written, as the ledger decides it: here, apart from
api/storage/read_only.py, so the warm payout path (api/storage/warm_view.py), which does
not import that module's stores, asks the same question."""

from __future__ import annotations

import os
import stat
from pathlib import Path

WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def may_write(path: Path) -> bool:
    """This user may write `path`, and its mode lets somebody write it: `os.access` says
    yes to root for any file, a mode without any write bit is an owner's "read only"."""
    try:
        granted = path.stat().st_mode & WRITE_BITS
    except OSError:
        return False
    return bool(granted) and os.access(path, os.W_OK)
