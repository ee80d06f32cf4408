"""Smoke test of the benchmark (`python -m bench`): the smallest preset runs every phase
on both backends and the report renders. No timing is asserted: CI machines vary, and
docs/benchmarks.md holds the measured figures."""

from __future__ import annotations

import hashlib
import json
import sys
import uuid
from pathlib import Path
from typing import Any

# bench/ is not an installed package (it is not part of the product): import it from the
# checkout, as `python -m bench` does.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generator import PRESETS, Shape, iter_commands, shape_for  # noqa: E402
from bench.phases import PHASES, Results  # noqa: E402
from bench.report import (  # noqa: E402
    SINGLE_RUN_TARGETS,
    single,
    summarise,
    table,
    targets,
    targets_table,
)
from bench.stores import discard, prepare  # noqa: E402

SHAPE = PRESETS["smoke"]
# The smoke preset's rows (canonical JSON, one row a line), as the hand-written bench
# generator made them before it became the package's `synthetic-organisation` scenario:
# the scenario reproduces them byte for byte, so earlier measurements stay comparable.
# Changed once since: departments named in Chinese only (临床科室3, was 临床科室 clinical 3),
# 7 or 10 bytes shorter a department; with the old names the rows give cb0f8172….
SMOKE_ROWS = 763
SMOKE_SHA256 = "84b9f17541431b9ebb267294a42a5308c39eb0838940745e63086c889e000374"


def _target(store: Any, folder: Path) -> dict[str, Any]:
    if store.backend == "sqlite":
        return {"backend": "sqlite", "dir": str(folder / "store")}
    env = store.env
    return {"backend": "postgres", "prefix": f"s{uuid.uuid4().hex[:8]}",
            "server": {"host": env["POSTGRES_HOST"], "port": int(env["POSTGRES_PORT"]),
                       "user": env["POSTGRES_USER"], "password": env["POSTGRES_PASSWORD"],
                       "dbname": env["POSTGRES_DBNAME"]}}


def test_generator_is_deterministic_and_shaped() -> None:
    first = list(iter_commands(SHAPE, 0))
    assert first == list(iter_commands(SHAPE, 0))
    hires = [r for r in first if r["type"] == "hire_employee"]
    assert len(hires) == SHAPE.staff
    assert sum(r["type"] == "define_department" for r in first) == SHAPE.departments
    assert len({r["idempotency_key"] for r in first}) == len(first)
    two = shape_for("smoke", organisations=2, departments=4, staff=40)
    assert two.staff_of(0) + two.staff_of(1) == 40
    assert Shape(staff=100, departments=10).estimated_events() > 0


def test_the_smoke_rows_are_the_same_row_for_row() -> None:
    rows = list(iter_commands(SHAPE, 0))
    text = "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in rows)
    assert len(rows) == SMOKE_ROWS
    assert hashlib.sha256(text.encode()).hexdigest() == SMOKE_SHA256


def test_every_phase_runs_on_the_smoke_preset(store: Any, tmp_path: Path) -> None:
    target = _target(store, tmp_path)
    prepare(target, SHAPE.organisations)
    run: dict[str, Any] = {}
    try:
        for phase in ("ingest", "baseline", "replay", "queries", "cli"):
            out = Results(str(tmp_path / f"{phase}.json"))
            PHASES[phase]({"target": target, "shape": SHAPE.to_json(), "batch": 250,
                           "period": None, "repeats": 1}, out)
            run[phase] = dict(out)
    finally:
        discard(target, SHAPE.organisations)

    ingest, baseline, replay, queries, cli = (run[p] for p in PHASES)
    assert ingest["events"] == ingest["rows"] == baseline["rows"] == replay["fold_events"]
    assert baseline["raw_read_rows"] == baseline["rows"]
    # The fold measured in pairs beside the raw read (median of five after a warm-up).
    assert replay["fold_pairs"] == 5
    assert replay["raw_read_rows"] == replay["fold_events"]
    assert (replay["fold_vs_read_cpu_min"] <= replay["fold_vs_read_cpu_median"]
            <= replay["fold_vs_read_cpu_max"])
    assert replay["fold_first_rate"] > 0
    assert replay["statements_written"] == 5  # four quarters and the year end
    assert queries["view_warm"] is True
    assert queries["people"] > 0
    assert queries["explain_nodes"] > 1
    assert queries["whatif_pay_before"] != queries["whatif_pay_after"]  # the appeal counts
    # Whole `jixiao` processes (each exited 0, or the phase raised) beside a bare start.
    assert cli["cli_repeats"] >= 5
    assert all(cli[f"cli_{verb}_ms"] > cli["cli_bare_ms"] > 0
               for verb in ("help", "payout", "explain", "whatif"))

    summary = summarise([run])
    assert "ingest_rate__vs__raw_insert_rate" in summary
    assert summary["fold_rate__vs__raw_read_rate"] == replay["fold_vs_read_wall_median"]
    assert summary["fold_cpu_rate__vs__raw_read_cpu_rate"] == replay["fold_vs_read_cpu_median"]
    assert "| fold ÷ raw read: pairs measured (median of) |" in table({store.backend: summary})
    assert "| ingest, batched parse_commands + record |" in table({store.backend: summary})
    assert "| jixiao payout --with (what-if), whole process |" in table({store.backend: summary})
    report = {"name": "smoke", "preset": "smoke", "phases": list(PHASES), "shape": SHAPE.to_json(),
              "runs": {store.backend: [run]}, "summary": {store.backend: summary}}
    checks = targets(single(report), only=SINGLE_RUN_TARGETS)
    # every check of targets 1, 2, 4 and 5 has its figure from this run (the what-if on
    # 40 staff is not the province's: that one says so)
    assert {c.target for c in checks} == {1, 2, 4, 5}
    assert all(c.figure != "not measured" for c in checks), checks
    assert f"| 4 | smoke, {store.backend}, payout --with |" in targets_table(checks)
