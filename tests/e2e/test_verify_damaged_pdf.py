"""A PDF that pypdf fails to read for reasons of its own, outside PdfReadError, is
refused as damaged in the reader's language, not with a traceback; and what pypdf logs
as an error while reading a page is not printed beside the answer, in English."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from builders import Cli

DAMAGED = {"en": "error: the PDF is damaged and cannot be read: print the payslips again\n",
           None: "错误：PDF 文件已损坏，无法读取：请重新生成工资条\n"}
ROOT = Path(__file__).resolve().parents[2]


def _pdf(objects: list[bytes]) -> bytes:
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return out


def _one_page(*, encoding: bytes = b"/Identity-H", widths: bytes = b"[1 [500]]",
              stream: bytes = b"") -> bytes:
    """A page of one glyph in a CID font, damaged where the arguments say."""
    text = b"BT /F1 12 Tf <0001> Tj ET"
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding " + encoding +
        b" /DescendantFonts [6 0 R] >>",
        f"<< /Length {len(text)} ".encode() + stream + b" >>\nstream\n" + text +
        b"\nendstream",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /W " + widths +
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
    ])


def _cli(sqlite_env: dict[str, str], lang: str | None) -> Cli:
    cli = Cli({"JIXIAO_DB": sqlite_env["SQLITE_DBNAME"], "JIXIAO_ACTOR": "test"}, lang=lang)
    cli.ok("init")
    return cli


@pytest.mark.parametrize("lang", ["en", None])
@pytest.mark.parametrize("damage", [
    {"widths": b"[1000 132 500]"},  # a width range that runs backwards: LimitReachedError
    {"stream": b"/Filter /Bogus"},  # a filter pypdf does not know: NotImplementedError
])
def test_a_pdf_pypdf_cannot_read_for_reasons_of_its_own_is_refused_as_damaged(
        sqlite_env, tmp_path: Path, lang: str | None, damage: dict[str, bytes]) -> None:  # type: ignore[no-untyped-def]
    cli = _cli(sqlite_env, lang)
    path = tmp_path / "payslips.pdf"
    path.write_bytes(_one_page(**damage))
    run = cli("verify-document", str(path))
    assert (run.code, run.err) == (2, DAMAGED[lang])



@pytest.mark.parametrize("lang", ["en", None])
def test_what_pypdf_logs_as_an_error_is_not_printed_beside_the_answer(
        sqlite_env, tmp_path: Path, lang: str | None) -> None:  # type: ignore[no-untyped-def]
    """An encoding pypdf does not know it reads as UTF-16 and logs at ERROR ("Advanced
    encoding … not implemented yet"), in English: the page has no code, and that is all
    that is said. A process of its own: pytest's log capture would swallow the line
    that logging's last resort prints to a terminal."""
    _cli(sqlite_env, lang)
    path = tmp_path / "payslips.pdf"
    path.write_bytes(_one_page(encoding=b"/IdentityWH"))
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("JIXIAO_", "POSTGRES_", "PERSISTENCE_"))}
    environ.update({"JIXIAO_ACTOR": "test", "PYTHONPATH": str(ROOT),
                    "JIXIAO_DB": sqlite_env["SQLITE_DBNAME"]})
    if lang:
        environ["JIXIAO_LANG"] = lang
    run = subprocess.run([sys.executable, "-m", "api.cli_launch", "verify-document", str(path)],
                         cwd=ROOT, env=environ, capture_output=True, text=True, timeout=300,
                         check=False)
    assert (run.returncode, run.stderr) == (1, "")
    assert run.stdout.splitlines()[-1] == ("does NOT match the ledger" if lang else "与账本不符")
