"""An unknown export format or encoding, an unknown payslip format and a short password are
refused in one language: Chinese by default, English under `--lang en`, the typed value
and the choices as they are."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.builders import Cli

CASES = [
    (("export", "statement", "--period", "2026-Q1", "--format", "docx"),
     "格式 'docx' 不支持；可选：xlsx, csv, pdf",
     "unsupported format 'docx'; choose one of xlsx, csv, pdf"),
    (("export", "statement", "--period", "2026-Q1", "--format", "csv", "--encoding",
      "latin1"), "编码 'latin1' 不支持；可选：utf-8-sig, utf-8, gbk, gb18030",
     "unsupported encoding 'latin1'; choose one of utf-8-sig, utf-8, gbk, gb18030"),
    (("payslips", "--period", "2026-Q1", "--format", "docx"),
     "工资条格式 'docx' 不支持；可选：pdf, xlsx",
     "unsupported payslip format 'docx'; choose one of pdf, xlsx"),
    (("users", "passwd", "admin", "--password-stdin"), "密码须为 10–256 个字符",
     "a password needs 10 to 256 characters"),
]


@pytest.fixture
def ledger(tmp_path: Path) -> dict[str, str]:
    store = {"JIXIAO_DB": str(tmp_path / "formats.db"), "JIXIAO_ACTOR": "test"}
    assert Cli(store)("init").code == 0
    Cli(store).ok("users", "add", "admin", "--role", "administrator")
    return store


@pytest.mark.parametrize(("argv", "chinese", "english"), CASES,
                         ids=[argv[0] + " " + argv[-1] for argv, _, _ in CASES])
def test_a_refused_value_reads_in_the_readers_language(
        ledger: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *,
        argv: tuple[str, ...], chinese: str, english: str) -> None:
    out = ("--output", str(tmp_path / "out")) if argv[0] != "users" else ()
    monkeypatch.setattr("sys.stdin", io.StringIO("short\nshort\n"))
    assert Cli(ledger, lang=None)(*argv, *out).err == f"错误：{chinese}\n"
    assert Cli(ledger, lang=None)("--lang", "en", *argv, *out).err == f"error: {english}\n"
