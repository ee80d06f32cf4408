"""What a person typed is shown as typed: an entry's reason in `jixiao diff` and in
`grades explain`'s history reads as the person wrote it, in every language, even where it
is one of the catalogue's words (a void "sick" read 「病」 under Chinese). Only the reasons
the ledger writes itself (an appeal's correction, a derived fact's) are translated."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from builders import Cli

FIXTURES = Path(__file__).parents[1] / "grades" / "fixtures"
# A catalogue word (a leave's kind: 病 under Chinese) and a reason typed in Chinese.
WORD_REASON = "sick"
CHINESE_REASON = "迟到已核实，撤回"


def cli(db: Path, lang: str | None) -> Cli:
    return Cli({"JIXIAO_DB": str(db), "JIXIAO_ACTOR": "test"}, lang=lang)


def events(db: Path) -> list[dict[str, Any]]:
    out = cli(db, "en").ok("events", "--json", "--limit", "100000").out
    return [json.loads(line) for line in out.splitlines()]


def applied(db: Path, rows: list[dict[str, Any]]) -> None:
    batch = db.with_suffix(".jsonl")
    batch.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                     encoding="utf-8")
    cli(db, "en").ok("apply", str(batch))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo; then two of 2026-Q1's deductions voided, one with a reason that is a
    catalogue word, one with a reason in Chinese; the instant before the voids."""
    db = tmp_path_factory.mktemp("reasons-diff") / "demo.db"
    cli(db, "en").ok("demo", "--db", str(db))
    deductions = [e for e in events(db) if e["type"] == "DeductionRecorded"
                  and e["period"] == "2026-Q1"][:2]
    before = datetime.now(UTC).isoformat()
    applied(db, [{"type": "void_entry", "target_id": d["originator_id"], "reason": reason}
                 for d, reason in zip(deductions, (WORD_REASON, CHINESE_REASON), strict=True)])
    return {"db": db, "before": before}


@pytest.mark.parametrize("lang", [None, "en"])
def test_a_diff_shows_a_void_s_reason_as_typed(demo: dict[str, Any], lang: str | None) -> None:
    out = cli(demo["db"], lang).ok("diff", "--period", "2026-Q1", "--from",
                                   demo["before"]).out
    voids = [line for line in out.splitlines() if line.startswith("  ") and "S11-R" in line
             and ("作废" in line or "voided" in line)]
    assert len(voids) == 2, out
    colon, semicolon = ("：", "；") if lang is None else (": ", "; ")
    assert sum(f"{colon}{WORD_REASON}{semicolon}" in line for line in voids) == 1, voids
    assert sum(f"{colon}{CHINESE_REASON}{semicolon}" in line for line in voids) == 1, voids
    assert "病" not in out


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """E2's quarter, F's `lates` input voided with a catalogue word for a reason and its
    `routine` input superseded with a reason in Chinese."""
    db = tmp_path_factory.mktemp("reasons-grades") / "e2.db"
    cli(db, "en").ok("apply", str(FIXTURES / "e2" / "quarter.jsonl"))
    inputs = {e["component"]: e for e in events(db)
              if e["type"] == "GradeInputRecorded" and e["subject_id"] == "F"}
    routine = inputs["routine"]
    applied(db, [
        {"type": "void_entry", "target_id": inputs["lates"]["originator_id"],
         "reason": WORD_REASON},
        {"type": "record_grade_input", "subject_id": "F", "grading_period": "2025-Q1",
         "component": "routine", "value": routine["value"],
         "supersedes": routine["originator_id"], "reason": CHINESE_REASON}])
    return db


@pytest.mark.parametrize("lang", [None, "en"])
def test_a_grade_s_history_shows_a_correction_s_reason_as_typed(
        graded: Path, lang: str | None) -> None:
    out = cli(graded, lang).ok("grades", "explain", "--period", "2025-Q1",
                               "--subject", "F").out
    history = [line for line in out.splitlines()
               if line.startswith(("  历史：", "  history: "))]
    colon = "：" if lang is None else ": "
    assert sorted(line.rsplit(colon, 1)[1] for line in history) == sorted(
        [WORD_REASON, CHINESE_REASON]), out
    assert "病" not in out
    if lang is None:  # the entry's kind in the reader's words, not the event's class name
        assert all(line.startswith("  历史：等级评定依据 ") for line in history), history
