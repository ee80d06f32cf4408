"""A SQLite URI as the ledger (`--db file:…`, `JIXIAO_DB=file:…?mode=ro`) is refused,
exit code 2, naming it, in Chinese and English, with nothing written. Before, only
eventsourcing took it: `payout` said "no ledger", and `apply` said it made a new ledger
and wrote the file the URI named, under `JIXIAO_READ_ONLY=1` too (which judges a file
path, and found none)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from builders import GOLDEN, Cli, launched


def _digest(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.iterdir())}


@pytest.mark.parametrize("given", ["option", "environment"])
def test_a_sqlite_uri_as_the_ledger_is_refused_and_nothing_written(
        tmp_path: Path, given: str) -> None:
    ledger = tmp_path / "store" / "ledger.db"
    ledger.parent.mkdir()
    Cli({"JIXIAO_DB": str(ledger)}).ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"type": "record_deduction", "period": "2026-Q1",
                                 "employee_id": "wang", "kind": "late",
                                 "minutes": 15}) + "\n", encoding="utf-8")
    before = _digest(ledger.parent)
    uri = f"file:{ledger}"
    runs = []
    for argv, extra in ((["apply", str(batch)], {"JIXIAO_READ_ONLY": "1"}),
                        (["apply", str(batch)], {}),
                        (["payout", "--period", "2026-Q1"], {}),
                        (["payout", "--period", "2026-Q1", "--with", str(batch)], {})):
        for lang in ("en", "zh"):
            if given == "option":
                words, environ = [*argv, "--db", uri], {}
            else:
                words, environ = argv, {"JIXIAO_DB": f"{uri}?mode=ro"}
            runs.append(launched(words, {**environ, **extra, "JIXIAO_LANG": lang}))
    assert [code for code, _, _ in runs] == [2] * len(runs), [err for _, _, err in runs]
    english, chinese = runs[0][2], runs[1][2]
    assert "is a SQLite URI, which jixiao does not open" in english
    assert "nothing was written" in english
    assert "SQLite URI" in chinese
    assert "未写入任何内容" in chinese
    assert _digest(ledger.parent) == before


def test_a_sqlite_uri_as_a_backup_or_a_restores_input_is_refused(tmp_path: Path) -> None:
    """`backup --output file:…`: SQLite made the file the URI named, then the copy's size
    was asked of a file named "file:…", a traceback (exit 1) after the backup was written.
    `restore file:…` said the backup at a path that is one was no backup."""
    store = tmp_path / "store"
    store.mkdir()
    ledger = store / "ledger.db"
    Cli({"JIXIAO_DB": str(ledger)}).ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    backup = store / "backup.db"
    Cli({"JIXIAO_DB": str(ledger)}).ok("backup", "--output", str(backup))
    before = _digest(store)
    runs = {(verb, lang): launched(argv, {"JIXIAO_LANG": lang, "JIXIAO_ACTOR": "test"})
            for verb, argv in (
                ("backup", ["backup", "--db", str(ledger), "--output", f"file:{store}/copy.db"]),
                ("restore", ["restore", f"file:{backup}", "--db", str(store / "new.db")]))
            for lang in ("en", "zh")}
    assert _digest(store) == before
    assert [code for code, _, _ in runs.values()] == [2] * 4, [e for _, _, e in runs.values()]
    assert runs["backup", "en"][2] == (
        f"error: the backup file:{store}/copy.db is a SQLite URI, which jixiao does not "
        "open: give the backup's file path; nothing was written\n")
    assert runs["restore", "en"][2] == (
        f"error: the backup file:{backup} is a SQLite URI, which jixiao does not open: give "
        "the backup's file path; nothing was written\n")
    assert runs["backup", "zh"][2] == (
        f"错误：备份 file:{store}/copy.db 是 SQLite URI，jixiao 不打开这种形式：请给出备份的文件"
        "路径；未写入任何内容\n")
    assert "Traceback" not in "".join(err for _, _, err in runs.values())
