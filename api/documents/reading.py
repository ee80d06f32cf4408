"""Reading a PDF back (pypdf): the text of each page, for `jixiao verify-document`.

A file that cannot be read is refused with a reason a clerk acts on, in their language
(api/i18n/error_templates.py): pypdf's own words ("EOF marker not found", "Stream has
ended unexpectedly") are about the file's insides, in English, and help no one who
holds a payslip; they are neither shown nor logged."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from domain.errors import InvalidRequestError

NOT_PDF = ("the file is not a PDF: only payslip PDFs can be checked; write the payslips "
           "as PDF and check that file")
WORKBOOK = ("the file is a workbook (XLSX), not a PDF: only payslip PDFs can be checked; "
            "write the payslips as PDF and check that file")
DAMAGED = "the PDF is damaged and cannot be read: print the payslips again"
ZIP = b"PK\x03\x04"  # XLSX (and DOCX, …) are ZIP files
# pypdf accepts a header this far into the file, as readers do.
HEADER_WITHIN = 1024

# What it logs goes to stderr through logging's last resort, in English, beside our
# answer: its warnings, and its errors too ("Advanced encoding … not implemented yet",
# logged at ERROR while it reads on).
logging.getLogger("pypdf").setLevel(logging.CRITICAL)


def page_texts(content: bytes) -> list[str]:
    if content.startswith(ZIP):
        raise InvalidRequestError(WORKBOOK)
    if b"%PDF-" not in content[:HEADER_WITHIN]:
        raise InvalidRequestError(NOT_PDF)
    try:
        reader = PdfReader(io.BytesIO(content))
        return [page.extract_text() or "" for page in reader.pages]
    # Not only PdfReadError: a damaged font fails with LimitReachedError (a width range
    # that runs backwards), a mangled filter name with NotImplementedError.
    except (PyPdfError, NotImplementedError, ValueError, KeyError):
        raise InvalidRequestError(DAMAGED) from None
