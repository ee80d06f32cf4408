"""An upload written to a temporary file a piece at a time, for the API's import and the
web page's: the readers stream from the file, so a 200,000-row workbook is never held in
memory whole."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Callable


async def spooled(pieces: AsyncIterator[bytes], limit: int,
                  too_large: Callable[[], Exception]) -> str:
    """The path of a temporary file holding the pieces (the caller deletes it); raises
    `too_large()` once they pass `limit` bytes, leaving no file behind."""
    size = 0
    with tempfile.NamedTemporaryFile(prefix="jixiao-upload-", delete=False) as spool:
        try:
            async for piece in pieces:
                size += len(piece)
                if size > limit:
                    raise too_large()
                spool.write(piece)
        except BaseException:
            spool.close()
            os.unlink(spool.name)
            raise
    return spool.name
