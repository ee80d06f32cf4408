"""Issue 18's targets table (bench/report.py `targets`, `targets_table`) from synthetic
results: each verdict's threshold, and a missing figure shown as not measured, never
guessed."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(ROOT))

from bench.report import Check, targets, targets_table  # noqa: E402
from bench.targets import markdown  # noqa: E402

PHASES = ["ingest", "baseline", "replay", "queries", "cli"]


def _summary(**over: float) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "ingest_rate": 40_000, "raw_insert_rate": 100_000, "raw_copy_rate": 100_000,
        "fold_rate": 60_000, "raw_read_rate": 100_000,
        "fold_cpu_rate": 60_000, "raw_read_cpu_rate": 100_000,
        "explain_uncached_ms": 50.0, "whatif_ms": 500.0, "whatif_preview_ms": 100.0,
        "whatif_recompute_ms": 300.0,
        "cli_bare_ms": 30.0, "cli_repeats": 5,
        "cli_payout_ms": 120.0, "cli_payout_x_bare": 4.0, "cli_payout_cpu_ms": 110.0,
        "cli_explain_ms": 90.0, "cli_explain_x_bare": 3.0,
        "cli_whatif_ms": 270.0, "cli_whatif_x_bare": 9.0,
    }
    figures.update(over)
    return figures


def _report(preset: str, staff: int, **over: float) -> dict[str, Any]:
    run = {phase: {"complete": True} for phase in PHASES}
    return {"name": preset, "preset": preset, "phases": PHASES,
            "shape": {"organisations": 1, "staff": staff, "departments": staff // 50},
            "runs": {"sqlite": [copy.deepcopy(run)], "postgres": [copy.deepcopy(run)]},
            "summary": {"sqlite": _summary(**over), "postgres": _summary(**over)}}


def _snapshot(backend: str, years: int, growth: int) -> dict[str, Any]:
    return {"ledger": f"hospital-{years}y.db", "backend": f"eventsourcing.{backend}",
            "mode": "session", "years": years, "stored_events": 18_000 * years,
            "held_events": 18_000, "rss_growth_bytes": growth,
            "bytes_per_open_year_event": growth // 18_000}


def results() -> dict[str, Any]:
    """Every target met, every figure there."""
    return {
        "code": {"commit": "0123456789abcdef"}, "seconds": 1800.0, "started": "now",
        "backends": ["sqlite", "postgres"],
        "presets": {"hospital": _report("hospital", 1000),
                    "province": _report("province", 100_000)},
        "roles": {"fold": ["hospital"], "cli": "hospital", "explain": "hospital",
                  "whatif": "province"},
        "imports": {"lines": [], "linearity": {
            "phase": "apply linearity", "rows": [20_000, 200_000], "rows_ratio": 10.0,
            "runs": 5, "time_ratio": 10.5, "cpu_time_ratio": 10.2, "peak_rss_ratio": 1.05}},
        "snapshots": {"lines": [_snapshot(b, y, 25_000_000) for b in ("sqlite", "postgres")
                                for y in (1, 5)]},
        "same_answers": {"fixture": {"exit": 0, "passed": 20, "line": "20 passed in 9s"},
                         "suite": {"status": "passed", "text": "2,345 passed"}},
        "missing": {},
    }


def _of(checks: list[Check], target: int, where: str = "") -> list[Check]:
    return [c for c in checks if c.target == target and where in c.where]


def test_every_target_met() -> None:
    checks = targets(results())
    assert sorted({c.target for c in checks}) == list(range(1, 9))
    assert all(c.met for c in checks), [c for c in checks if not c.met]
    # fold: one check per preset, backend and clock; CLI: per backend and verb
    assert len(_of(checks, 1)) == 4
    assert len(_of(checks, 4)) == 6
    text = targets_table(checks)
    assert "NOT met" not in text
    assert "not measured" not in text
    assert "| 1 | hospital, sqlite, wall | 60,000 events/s; raw 100,000 rows/s | 60.0% |" in text


@pytest.mark.parametrize(("target", "where", "change", "met"), [
    # fold ≥ 50 % of the raw read, wall and CPU apart
    (1, "sqlite, wall", {"fold_rate": 50_000}, True),
    (1, "sqlite, wall", {"fold_rate": 49_999}, False),
    (1, "sqlite, CPU", {"fold_cpu_rate": 49_999}, False),
    # ingest: 35 % of executemany on SQLite, 25 % of COPY on PostgreSQL
    (2, "sqlite", {"ingest_rate": 35_000}, True),
    (2, "sqlite", {"ingest_rate": 34_999}, False),
    (2, "postgres", {"ingest_rate": 25_000, "raw_insert_rate": 10**9}, True),
    (2, "postgres", {"ingest_rate": 24_999}, False),
    # whole processes ≤ 10× the bare start
    (4, "payout --period", {"cli_payout_x_bare": 10.0}, True),
    (4, "payout --with", {"cli_whatif_x_bare": 10.1}, False),
    (5, "explain uncached", {"explain_uncached_ms": 100.0}, True),
    (5, "explain uncached", {"explain_uncached_ms": 100.1}, False),
    (5, "what-if", {"whatif_ms": 1000.0}, True),
    (5, "what-if", {"whatif_ms": 1000.1}, False),
])
def test_a_threshold(target: int, where: str, change: dict[str, float], met: bool) -> None:
    given = results()
    for preset in given["presets"].values():
        for summary in preset["summary"].values():
            summary.update(change)
    checks = _of(targets(given), target, where)
    assert checks
    assert {c.met for c in checks} == {met}
    if not met:
        assert f"**{checks[0].verdict}**" in targets_table(checks)


def test_too_few_cli_starts_are_not_a_figure() -> None:
    given = results()
    given["presets"]["hospital"]["summary"]["sqlite"]["cli_repeats"] = 3
    checks = _of(targets(given), 4, "sqlite")
    assert {c.verdict for c in checks} == {"not measured: median of 3 starts, fewer than 5"}
    assert {c.figure for c in checks} == {"not measured"}


@pytest.mark.parametrize(("linearity", "where", "met"), [
    ({"time_ratio": 11.0}, "time, wall", True),
    ({"time_ratio": 11.01}, "time, wall", False),
    ({"cpu_time_ratio": 11.5}, "time, CPU", False),
    ({"peak_rss_ratio": 1.10}, "peak RSS", True),
    ({"peak_rss_ratio": 1.11}, "peak RSS", False),
])
def test_apply_linearity(linearity: dict[str, float], where: str, met: bool) -> None:
    given = results()
    given["imports"]["linearity"].update(linearity)
    assert [c.met for c in _of(targets(given), 3, where)] == [met]


@pytest.mark.parametrize("runs", [None, 1, 3, 4])
def test_apply_time_from_fewer_than_five_runs_is_not_a_figure(runs: int | None) -> None:
    given = results()
    if runs is None:  # a results file from before --runs: one run
        del given["imports"]["linearity"]["runs"]
    else:
        given["imports"]["linearity"]["runs"] = runs
    checks = _of(targets(given), 3)
    of_runs = f"median of {runs or 1} run{'s' * ((runs or 1) != 1)}, fewer than 5"
    assert [(c.where, c.verdict) for c in checks] == [
        ("apply time, wall", f"not measured: {of_runs}"),
        ("apply time, CPU", f"not measured: {of_runs}"),
        ("apply peak RSS", "met")]  # memory does not swing with the machine's load


def test_apply_runs_are_each_shown_with_their_median() -> None:
    given = results()
    given["imports"]["lines"] = [
        {"phase": "apply", "rows": rows, "run": run, "seconds": seconds, "cpu_seconds": cpu,
         "process_cpu_seconds": cpu + 0.5, "peak_rss_mib": 80.0, "loadavg": 1.0}
        for run in range(1, 6) for rows, seconds, cpu in ((20_000, 0.7, 0.6), (200_000, 7.0, 6.3))]
    given["imports"]["linearity"]["each_run"] = [
        {"run": run, "time_ratio": ratio, "cpu_time_ratio": 10.2, "peak_rss_ratio": 1.05}
        for run, ratio in ((1, 10.1), (2, 11.9), (3, 10.5), (4, 9.6), (5, 10.8))]
    given["imports"]["linearity"]["size_medians"] = [
        {"rows": 20_000, "seconds": 0.7, "cpu_seconds": 0.6, "peak_rss_mib": 80.0},
        {"rows": 200_000, "seconds": 7.0, "cpu_seconds": 6.3, "peak_rss_mib": 80.0}]
    text = markdown(given)
    assert "| 2 | 200,000 | 7.00 | 6.30 | 6.80 | 80.0 | 1.0 |" in text
    assert "| 2 | 11.90× | 10.20× | 1.05× |" in text
    assert "| median | 10.50× | 10.20× | 1.05× |" in text
    assert "| 200,000 | 7.00 | 6.30 | 80.0 |" in text  # each size's medians, 5 runs
    assert "median wall s (5 runs)" in text
    [wall] = _of(targets(given), 3, "wall")
    # The runs' spread is shown beside the median that decides.
    assert wall.figure == "20,000 → 200,000 rows, median of 5 runs; runs' ratios 9.60–11.90×"
    assert (wall.ratio, wall.met) == ("10.50×", True)


@pytest.mark.parametrize(("five_years", "met"), [(26_250_000, True), (26_500_000, False)])
def test_memory_flat_in_history(five_years: int, met: bool) -> None:
    given = results()
    given["snapshots"]["lines"] = [_snapshot("sqlite", 1, 25_000_000),
                                   _snapshot("sqlite", 5, five_years)]
    checks = _of(targets(given), 6)
    assert [c.met for c in checks] == [met]
    assert checks[0].ratio == ("1.05×" if met else "1.06×")


def test_a_what_if_on_a_smaller_shape_is_not_the_province() -> None:
    given = results()
    given["presets"]["county"] = _report("county", 10_000)
    given["roles"]["whatif"] = "county"
    checks = _of(targets(given), 5, "what-if")
    assert all("stands in for the province: 10,000 staff" in c.where for c in checks)
    assert {c.verdict for c in checks} == {
        "not measured: at province size (met at 10,000 staff); no province what-if in these "
        "results"}
    for summary in given["presets"]["county"]["summary"].values():
        summary["whatif_ms"] = 1500.0  # over on the smaller shape: over on the province
    assert {c.verdict for c in _of(targets(given), 5, "what-if")} == {"NOT met"}


def test_missing_figures_are_not_measured_and_say_why() -> None:
    given = results()
    given["roles"]["fold"] = ["hospital", "county"]
    given["missing"]["county"] = "county step failed: python -m bench exited 1"
    given["presets"]["hospital"]["runs"]["postgres"][0]["replay"]["timed_out"] = True
    del given["presets"]["hospital"]["summary"]["sqlite"]["explain_uncached_ms"]
    del given["imports"]
    del given["snapshots"]
    given["missing"]["snapshots"] = "snapshots step failed: boom"
    given["same_answers"] = {}
    checks = targets(given)

    def verdicts(target: int, where: str = "") -> set[str]:
        return {c.verdict for c in _of(checks, target, where)}

    assert verdicts(1, "county") == {
        "not measured: county step failed: python -m bench exited 1"}
    assert verdicts(1, "hospital, postgres") == {
        "not measured: phase replay stopped at its time limit"}
    assert verdicts(1, "hospital, sqlite") == {"met"}
    assert verdicts(5, "sqlite, explain") == {
        "not measured: the run has no explain_uncached_ms"}
    assert verdicts(3) == {"not measured: no apply linearity in these results"}
    assert verdicts(6) == {"not measured: snapshots step failed: boom"}
    assert verdicts(7) == {"not measured: not run", "not measured: no status given (--suite)"}
    for check in checks:
        if check.met is None:
            assert check.figure == "not measured"
            assert check.ratio == ""
    summary = targets_table(checks).split("\n\n")[0]
    assert "| 3. linear apply" in summary
    assert "not measured (3 of 3) |" in summary


def test_one_table_is_met_only_when_every_miss_is_explained() -> None:
    given = results()
    given["same_answers"]["suite"] = {"status": "failed", "text": "2 failed"}
    given["imports"]["linearity"]["peak_rss_ratio"] = 2.0
    [eight] = _of(targets(given), 8)
    assert eight.verdict == ("NOT met (misses of targets 3, 7 without a profile note "
                             "(--notes))")
    given["notes"] = {"3": "profile: the batch's ids", "7": "two flaky tests"}
    [eight] = _of(targets(given), 8)
    assert eight.met
    text = targets_table(targets(given), given["notes"])
    assert "**Target 3.** profile: the batch's ids" in text
    assert "| 3. linear apply: ten times the rows in at most eleven times the time, memory " \
        "bounded by the batch | **NOT met** (1 of 3) |" in text


def test_the_markdown_section() -> None:
    given = results()
    given["name"] = "targets-x"
    text = markdown(given)
    assert text.startswith("## Issue 18's targets at 0123456789")
    assert "`bench/results/targets-x.json`" in text
    assert "### hospital: 1 organisation(s), 1,000 staff" in text
    assert "| ingest, batched parse_commands + record | events/s | 40,000 |" in text
    assert "Not measured in this run" not in text


def test_the_province_what_if_replaces_the_stand_in() -> None:
    given = results()
    given["roles"]["whatif"] = "hospital"
    given["province_whatif"] = {
        "preset": "province", "backend": "sqlite", "shape": {"staff": 100_000},
        "repeats": 5, "median": {"cpu_s": 0.9, "wall_s": 1.2, "preview_s": 0.1,
                                 "recompute_s": 0.7, "explain_s": 0.1}}
    checks = _of(targets(given), 5, "what-if")
    assert [(c.where, c.figure, c.verdict) for c in checks] == [
        ("province (100,000 staff), sqlite, what-if in process, median of 5, CPU",
         "0.900 s CPU (preview 0.100 s, recompute 0.700 s, explain 0.100 s)", "met"),
        ("province (100,000 staff), sqlite, what-if in process, median of 5, wall",
         "1.200 s wall", "NOT met")]
    given["province_whatif"]["shape"]["staff"] = 10_000  # within a second: not the province
    assert [c.verdict for c in _of(targets(given), 5, "what-if")] == [
        "not measured: at province size (met at 10,000 staff)", "NOT met"]
    del given["province_whatif"]["median"]["wall_s"]
    assert [c.verdict for c in _of(targets(given), 5, "what-if")][1] == (
        "not measured: no wall_s in the what-if's medians")


def test_the_markdown_says_what_was_not_measured() -> None:
    given = results()
    given["province_whatif"] = {
        "preset": "province", "backend": "sqlite", "shape": {"staff": 100_000},
        "events": 1_854_685, "build_seconds": 187.0, "period": "2026-Q1", "repeats": 5,
        "median": {"cpu_s": 2.5, "wall_s": 3.0, "recompute_s": 2.0}}
    given["missing"]["fixture"] = "step fixture not run (--quick)"
    del given["same_answers"]["fixture"]
    text = markdown(given)
    assert "### The province what-if in process (`python -m bench.whatif_cpu`, sqlite, " \
        "median of 5)" in text
    assert "Store: 1,854,685 events, built in 187 s" in text
    assert "| recompute | 2.000 |" in text
    assert "### Not measured in this run\n\n* fixture: step fixture not run (--quick)" in text
    assert "| 7 | old-ledger fixture (tests/e2e/test_old_ledger.py) | not measured |  | " \
        "all pass, none skipped | not measured: step fixture not run (--quick) |" in text
