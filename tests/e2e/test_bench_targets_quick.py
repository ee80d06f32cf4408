"""Smoke test of `python -m bench.targets --quick` on SQLite (about 40 s): one run of the
smoke shapes writes its raw results and a targets table in which every target has a row,
each with a figure from this run or "not measured" and why. No timing is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_quick_run_on_sqlite_writes_every_target(tmp_path: Path) -> None:
    name = f"targets-test-{uuid.uuid4().hex[:8]}"
    out = tmp_path / "targets.md"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.targets", "--quick", "--backend", "sqlite", "--code",
         "worktree", "--name", name, "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    raw = ROOT / "bench" / "results" / f"{name}.json"
    try:
        results = json.loads(raw.read_text())
    finally:
        raw.unlink(missing_ok=True)
        for report in (ROOT / "bench" / "results").glob(f"{name}-*.json"):
            report.unlink()
    assert results["quick"] is True
    assert set(results["presets"]) == {"smoke"}
    assert results["imports"]["linearity"]["rows"] == [200, 2000]
    assert {line["years"] for line in results["snapshots"]["lines"]} == {1, 2}
    assert "fixture" in results["missing"]
    # the province what-if's tool on the smoke store, or why not (it is another branch's)
    if (ROOT / "bench" / "whatif_cpu.py").exists():
        assert results["province_whatif"]["shape"]["staff"] == 40
    else:
        assert "bench/whatif_cpu.py" in results["missing"]["province"]

    text = out.read_text()
    assert text.startswith("## Issue 18's targets at ")
    assert "(--quick: smoke shapes, not a measurement)" in text
    for number in range(1, 9):
        assert f"\n| {number}. " in text
    assert "| 1 | smoke, sqlite, wall |" in text
    assert "| 3 | apply time, CPU | 200 → 2,000 rows, median of 5 runs; runs' ratios " in text
    assert "| 7 | old-ledger fixture (tests/e2e/test_old_ledger.py) | not measured |" in text
    assert "### smoke: 1 organisation(s), 40 staff" in text
    assert "[bench.targets" in done.stderr  # progress lines
