"""Reading a PDF back (pypdf): the text of each page, for `jixiao verify-document`."""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from domain.errors import InvalidRequestError


def page_texts(content: bytes) -> list[str]:
    try:
        reader = PdfReader(io.BytesIO(content))
        return [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as error:
        raise InvalidRequestError(f"not a readable PDF file: {error}") from None
