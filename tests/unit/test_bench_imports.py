"""`python -m bench.imports`' linearity line (issue 18, target 3): each run's ratios of the
largest size over the smallest, wall and CPU over the same span, and their medians."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(ROOT))

from bench.imports import _ratios  # noqa: E402


def _run(rows: int, seconds: float, cpu: float, rss: float) -> dict[str, Any]:
    return {"phase": "apply", "rows": rows, "seconds": seconds, "cpu_seconds": cpu,
            "process_cpu_seconds": cpu + 0.5, "peak_rss_mib": rss}


def test_the_ratios_are_the_medians_of_each_runs(capsys: pytest.CaptureFixture[str]) -> None:
    _ratios("apply linearity", [
        [_run(20_000, 0.7, 0.6, 80.0), _run(200_000, 8.4, 6.0, 84.0)],
        [_run(20_000, 0.8, 0.6, 80.0), _run(200_000, 8.0, 6.6, 88.0)],
        [_run(20_000, 0.7, 0.5, 80.0), _run(200_000, 7.35, 5.5, 80.0)]])
    line = json.loads(capsys.readouterr().out)
    assert line["runs"] == 3
    assert [r["time_ratio"] for r in line["each_run"]] == [12.0, 10.0, 10.5]
    assert (line["time_ratio"], line["cpu_time_ratio"], line["peak_rss_ratio"]) == (
        10.5, 11.0, 1.05)
    # The CPU ratio is the phase's own, not the process's: its start and imports (a
    # constant half second here) would make ten times the rows look cheaper.
    assert [r["cpu_time_ratio"] for r in line["each_run"]] == [10.0, 11.0, 11.0]
    # Each size's own medians, beside the ratios' (not their quotient: a run's sizes are
    # measured one after the other, under the same load).
    assert line["size_medians"] == [
        {"rows": 20_000, "seconds": 0.7, "cpu_seconds": 0.6, "peak_rss_mib": 80.0},
        {"rows": 200_000, "seconds": 8.0, "cpu_seconds": 6.0, "peak_rss_mib": 84.0}]


def test_one_size_has_no_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    _ratios("apply linearity", [[_run(20_000, 0.7, 0.6, 80.0)]])
    assert capsys.readouterr().out == ""
