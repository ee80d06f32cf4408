"""A refusal that names an entry's kind (a correction of another kind, a column an entry
kind does not use) names it in the reader's words under Chinese: the kind is the ledger's
word, not a value a person typed, so the allow-list of translated placeholders
(api/i18n/messages.py, WORDS) must hold it. It read 「条目 … 是 ScoreRecorded，不是
扣分记录」 and 「deduction 条目不使用此列」 once the allow-list replaced the deny-list."""

from __future__ import annotations

import json
from pathlib import Path

from builders import GOLDEN, Cli

SCORE = "ec8c33db-cb0f-5464-8a61-d411ddca3287"  # example 1's first score of zhang


def ledger(tmp_path: Path) -> dict[str, str]:
    store = {"JIXIAO_DB": str(tmp_path / "ex1.db"), "JIXIAO_ACTOR": "test"}
    Cli(store).ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    return store


def test_a_correction_of_another_kind_names_both_kinds_in_chinese(tmp_path: Path) -> None:
    store = ledger(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"type": "record_deduction", "period": "2026-Q1",
                               "employee_id": "li", "kind": "error", "supersedes": SCORE,
                               "reason": "wrong kind"}) + "\n", encoding="utf-8")
    zh = Cli(store, lang=None)("apply", str(bad))
    assert zh.code == 2
    assert (f"  第 1 行：supersedes：条目 {SCORE} 是 分数记录，不是 扣分记录；更正只能替换同类事实"
            in zh.err.splitlines()), zh.err
    en = Cli(store)("apply", str(bad))
    assert (f"  line 1: supersedes: entry {SCORE} is a ScoreRecorded, not a DeductionRecorded; "
            "a correction replaces a fact of its own kind") in en.err.splitlines(), en.err


def test_a_column_an_entry_kind_does_not_use_names_the_kind_in_chinese(tmp_path: Path) -> None:
    store = ledger(tmp_path)
    sheet = tmp_path / "entries.csv"
    sheet.write_text("period,employee_id,entry,kind,minutes,points,scheduled_days,"
                     "idempotency_key\n"
                     "2026-Q1,li,deduction,late,10,,30,k1\n"
                     "2026-Q1,li,score,,,40,,k2\n", encoding="utf-8")
    zh = Cli(store, lang=None)("import", "entries", str(sheet)).err
    assert "  第 2 行：scheduled_days：扣分记录 条目不使用此列；请留空" in zh.splitlines(), zh
    assert "  第 3 行：kind：为空；得分 条目必须填写" in zh.splitlines(), zh
    en = Cli(store)("import", "entries", str(sheet)).err
    assert "  row 2: scheduled_days: not used by a deduction entry; leave it empty" in \
        en.splitlines(), en
