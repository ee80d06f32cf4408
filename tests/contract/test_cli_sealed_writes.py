"""CLI writes checked on the fold from the snapshot of closed years, on SQLite and
PostgreSQL: `jixiao apply` and `jixiao import` of a small open-year batch never fold every
event (the session holds fewer events than are stored); a retry, a refused row and a
batch touching the sealed year go the full way and are answered exactly as with
snapshots off (`JIXIAO_SNAPSHOTS=off`); a CSV recorded under the old file keys in the
sealed year is still found. One small generated hospital: 2026 closed, 2027 open."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from builders import Cli, cli_for

from api.sheets.columns import kind_of
from api.sheets.readers import Source, open_sheet
from api.sheets.rows import read_commands
from api.storage.session import Session
from bench.generator import iter_commands, shape_for
from domain.events import DeductionRecorded, ScoreRecorded

OPEN = "2027-Q1"
SEALED_CSV = "period,employee_id,entry,kind,minutes,reason\n2026-Q2,{who},deduction,late,7,旧文件\n"


def _jsonl(path: Path, *rows: dict[str, Any]) -> str:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    return str(path)


def _build(store: Any, tmp_path: Path) -> tuple[Cli, Cli, Path]:
    """Two years, a 2026 CSV row recorded under the old file key, then 2026 closed by
    `jixiao close` (its last close snapshots it); the CLI as is and with snapshots off."""
    cli = cli_for(store.backend, store.env)
    rows = list(iter_commands(shape_for("smoke", years=2, staff=8), 0))
    cli.ok("apply", _jsonl(tmp_path / "two-years.jsonl", *rows))
    who = next(r["employee_id"] for r in rows if r.get("type") == "record_score")
    csv = tmp_path / "old.csv"
    csv.write_text(SEALED_CSV.format(who=who), encoding="utf-8")
    digest = hashlib.sha256(csv.read_bytes()).hexdigest()[:16]
    old = read_commands(kind_of("entries"), open_sheet(Source(str(csv))))
    cli.ok("apply", _jsonl(tmp_path / "old.jsonl", *(
        {**command, "idempotency_key": f"file:{digest}:{where}"}
        for where, command, _ in old.rows)))
    for period in [*(f"2026-Q{q}" for q in range(1, 5)), "2026-YE"]:
        cli.ok("close", "--period", period)
    return cli, Cli({**cli.environ, "JIXIAO_SNAPSHOTS": "off"}), csv


def test_cli_writes_of_the_open_year_fold_from_the_snapshot_and_answer_as_before(  # type: ignore[no-untyped-def]
        store, tmp_path, folds) -> None:
    cli, off, old_csv = _build(store, tmp_path)
    with Session({**store.env, "JIXIAO_SNAPSHOTS": "off"}) as probe:
        stored = probe.ledger.max_position()
        score = next(e for e in probe.facts().live.values()
                     if isinstance(e, ScoreRecorded) and e.period == OPEN)
        late = next(e for e in probe.facts().live.values()
                    if isinstance(e, DeductionRecorded) and e.period == "2026-Q3")
    row = {"type": "record_score", "period": OPEN, "employee_id": score.employee_id,
           "item": score.item, "points": str(score.points + 1),
           "supersedes": str(score.originator_id), "reason": "recounted",
           "idempotency_key": "cli-sealed-1"}
    batch = _jsonl(tmp_path / "open.jsonl", row)

    folds.clear()
    cli.ok("apply", batch)
    [(full, held)] = folds
    assert full == 0
    assert 0 < held < stored * 3 / 4
    # A retry, a refused row: the full way, answered as without snapshots.
    retried = cli.ok("apply", batch).out
    assert retried == off.ok("apply", batch).out
    assert "0 event(s); 1 already" in retried
    bad = _jsonl(tmp_path / "bad.jsonl", {**row, "idempotency_key": "cli-sealed-2",
                                          "employee_id": "NOBODY"})
    refused = [cli("apply", bad), off("apply", bad)]
    assert refused[0].code == refused[1].code == 2
    assert refused[0].err == refused[1].err
    assert "NOBODY" in refused[0].err

    # An import of the open year: the snapshot fold; the same keys the full fold gives.
    csv = tmp_path / "open.csv"
    csv.write_text(SEALED_CSV.replace("2026-Q2", OPEN).format(who=score.employee_id),
                   encoding="utf-8")
    folds.clear()
    assert "imported 1 event(s)" in cli.ok("import", "entries", str(csv)).out
    assert folds[0][0] == 0
    assert folds[0][1] < stored * 3 / 4
    assert "1 already recorded" in off.ok("import", "entries", str(csv)).out
    # The old CSV's row, keyed by its file in the sealed year, is found from the store.
    again = cli.ok("import", "entries", str(old_csv)).out
    assert "imported 0 event(s)" in again
    assert "1 already recorded" in again

    # A correction of the sealed year: checked against every event, as without snapshots.
    folds.clear()
    cli.ok("apply", _jsonl(tmp_path / "sealed.jsonl", {
        "type": "record_deduction", "period": "2026-Q3", "employee_id": late.employee_id,
        "kind": "late", "minutes": 3, "supersedes": str(late.originator_id),
        "reason": "appeal upheld", "idempotency_key": "cli-sealed-3"}))
    assert folds[0][0] > stored  # the fold of every event
    with Session(store.env) as after:
        assert after.ledger.max_position() == stored + 3  # score, import row, correction
        assert after.verify_chain().ok
