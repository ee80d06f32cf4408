"""Medians of runs, ratios to the raw-store baseline, the targets, and the machine."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

MB = 1024 * 1024

# (result key, phase, label, unit); rates in events/s, times in s or ms, memory in MB.
METRICS: tuple[tuple[str, str, str, str], ...] = (
    ("events", "ingest", "events recorded", "events"),
    ("ingest_rate", "ingest", "ingest, batched parse_commands + record", "events/s"),
    ("raw_insert_rate", "baseline", "raw insert, executemany", "rows/s"),
    ("raw_copy_rate", "baseline", "raw insert, COPY", "rows/s"),
    ("fold_rate", "replay", "replay: fresh Ledger(env).facts() fold", "events/s"),
    ("fold_first_rate", "replay", "  the first fold of the process (cold)", "events/s"),
    ("replay_rate", "replay", "replay into all projections (fold + catch_up)", "events/s"),
    ("raw_read_rate", "baseline", "raw select + json.loads", "rows/s"),
    # CPU time, not wall time: on a shared machine the wall-time ratio moves with the load.
    ("fold_cpu_rate", "replay", "fold, per CPU second", "events/s"),
    ("raw_read_cpu_rate", "baseline", "raw select + json.loads, per CPU second", "rows/s"),
    ("fold_pairs", "replay", "fold ÷ raw read: pairs measured (median of)", "pairs"),
    ("fold_vs_read_wall_min", "replay", "  fold ÷ raw read, wall, lowest pair", "%"),
    ("fold_vs_read_wall_max", "replay", "  fold ÷ raw read, wall, highest pair", "%"),
    ("fold_vs_read_cpu_min", "replay", "  fold ÷ raw read, CPU, lowest pair", "%"),
    ("fold_vs_read_cpu_max", "replay", "  fold ÷ raw read, CPU, highest pair", "%"),
    ("audit_verify_seconds", "replay", "audit chain verify (chain + one walk)", "s"),
    ("views_seconds", "replay", "view catch-up (all payable periods)", "s"),
    ("payout_warm_s", "queries", "payout, warm view, warm session", "s"),
    ("payout_warm_new_session_s", "queries", "payout, warm view, new session", "s"),
    ("payout_cold_s", "queries", "payout, cold (statement_for)", "s"),
    ("explain_cached_ms", "queries", "explain one person, statement cached", "ms"),
    ("explain_depth5_ms", "queries", "explain one person, cached, depth 5 (CLI text)", "ms"),
    ("explain_nodes", "queries", "  nodes in the explanation (default depth 12)", "nodes"),
    ("explain_uncached_ms", "queries", "explain one person, not cached", "ms"),
    ("whatif_ms", "queries", "what-if one appeal (preview + recompute + explain)", "ms"),
    ("whatif_preview_ms", "queries", "  of which preview (checked batch, facts with it)", "ms"),
    ("whatif_recompute_ms", "queries", "  of which recompute the period", "ms"),
    ("cli_bare_ms", "cli", "bare start: python -c 'import sqlite3, json'", "ms"),
    ("cli_bare_cpu_ms", "cli", "  its CPU (user + system)", "ms"),
    ("cli_help_ms", "cli", "jixiao --help, whole process", "ms"),
    ("cli_payout_ms", "cli", "jixiao payout --period, whole process", "ms"),
    ("cli_payout_x_bare", "cli", "  of a bare start", "×"),
    ("cli_payout_cpu_ms", "cli", "  its CPU (user + system)", "ms"),
    ("cli_explain_ms", "cli", "jixiao explain --employee, whole process", "ms"),
    ("cli_explain_x_bare", "cli", "  of a bare start", "×"),
    ("cli_explain_cpu_ms", "cli", "  its CPU (user + system)", "ms"),
    ("cli_whatif_ms", "cli", "jixiao payout --with (what-if), whole process", "ms"),
    ("cli_whatif_x_bare", "cli", "  of a bare start", "×"),
    ("cli_whatif_cpu_ms", "cli", "  its CPU (user + system)", "ms"),
    ("ingest_rss_peak", "ingest", "peak RSS, ingest", "MB"),
    ("fold_rss_peak", "replay", "peak RSS, replay fold", "MB"),
    ("fold_bytes_per_event", "replay", "replay fold RSS growth per event", "bytes"),
    ("views_rss_peak", "replay", "peak RSS, view catch-up", "MB"),
    ("queries_rss_peak", "queries", "peak RSS, queries", "MB"),
)
RATIOS = {
    "ingest_rate": ("raw_insert_rate", "raw_copy_rate"),
    "fold_rate": ("raw_read_rate",),
    "replay_rate": ("raw_read_rate",),
    "fold_cpu_rate": ("raw_read_cpu_rate",),
}


def _cmd(*argv: str) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10,
                              check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    free = _cmd("free", "-h")
    memory = next((line.split()[1] for line in free.splitlines() if line.startswith("Mem:")), "")
    return {
        "nproc": _cmd("nproc") or str(os.cpu_count()),
        "memory": memory,
        "free_h": free,
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "eventsourcing": metadata.version("eventsourcing"),
        "pydantic": metadata.version("pydantic"),
        "psycopg": metadata.version("psycopg"),
        "postgres": _cmd(shutil.which("postgres") or "postgres", "--version"),
    }


def flatten(run: dict[str, Any]) -> dict[str, Any]:
    """One run's phases merged into one dict of figures."""
    merged: dict[str, Any] = {}
    # In phase order: the raw read's rates the replay phase measured beside the fold
    # replace the baseline phase's.
    for phase in ("ingest", "baseline", "replay", "queries", "cli"):
        merged.update({k: v for k, v in run.get(phase, {}).items()
                       if isinstance(v, (int, float)) and not isinstance(v, bool)})
    return merged


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of each figure over the runs that have it, with the run count."""
    flat = [flatten(run) for run in runs]
    keys = sorted({k for f in flat for k in f})
    summary: dict[str, Any] = {}
    for key in keys:
        values = [f[key] for f in flat if key in f]
        summary[key] = statistics.median(values)
        summary[f"{key}__n"] = len(values)
    for key, bases in RATIOS.items():
        for base in bases:
            if key in summary and summary.get(base):
                summary[f"{key}__vs__{base}"] = summary[key] / summary[base]
    # The fold's ratio as the replay phase measured it, in pairs beside the raw read: the
    # median of the pairs' ratios (bench/phases.py), not a ratio of two medians.
    for key, paired in (("fold_rate__vs__raw_read_rate", "fold_vs_read_wall_median"),
                        ("fold_cpu_rate__vs__raw_read_cpu_rate", "fold_vs_read_cpu_median")):
        if paired in summary:
            summary[key] = summary[paired]
    return summary


def fmt(value: float, unit: str) -> str:
    if unit == "MB":
        return f"{value / MB:,.0f}"
    if unit in ("events/s", "rows/s", "events", "bytes", "nodes", "pairs"):
        return f"{value:,.0f}"
    if unit == "%":
        return f"{value:.1%}"
    if unit == "×":
        return f"{value:,.1f}×"
    if unit == "ms":
        return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"
    return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"


def table(summaries: dict[str, dict[str, Any]]) -> str:
    """Markdown: one row per figure, one column (plus ratio) per backend."""
    backends = list(summaries)
    head = "| figure | unit | " + " | ".join(f"{b} | ratio to raw" for b in backends) + " |"
    rule = "|---|---|" + "---:|---|" * len(backends)
    lines = [head, rule]
    for key, _phase, label, unit in METRICS:
        if not any(key in s for s in summaries.values()):
            continue
        cells = []
        for backend in backends:
            s = summaries[backend]
            if key not in s:
                cells += ["–", ""]
                continue
            ratio = " / ".join(f"{s[f'{key}__vs__{base}']:.1%} of {base.split('_')[1]}"
                               for base in RATIOS.get(key, ())
                               if f"{key}__vs__{base}" in s)
            cells += [fmt(s[key], unit), ratio]
        lines.append(f"| {label} | {unit} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets(summary: dict[str, Any], staff: int) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for one backend."""
    rows = []

    def verdict(ok: bool | None) -> str:
        return "n/a" if ok is None else ("met" if ok else "NOT met")

    ratio = summary.get("ingest_rate__vs__raw_insert_rate")
    rows.append(("ingest ≥ 50 % of raw insert (executemany)",
                 "–" if ratio is None else f"{ratio:.1%}",
                 verdict(None if ratio is None else ratio >= 0.5)))
    ratio = summary.get("ingest_rate__vs__raw_copy_rate")
    if ratio is not None:
        rows.append(("ingest ≥ 50 % of raw insert (COPY)", f"{ratio:.1%}", verdict(ratio >= 0.5)))
    for key, how in (("fold_rate__vs__raw_read_rate", "wall"),
                     ("fold_cpu_rate__vs__raw_read_cpu_rate", "CPU")):
        ratio = summary.get(key)
        rows.append((f"fold ≥ 50 % of raw select + json.loads ({how} time)",
                     "–" if ratio is None else f"{ratio:.1%}",
                     verdict(None if ratio is None else ratio >= 0.5)))
    ratio = summary.get("replay_rate__vs__raw_read_rate")
    rows.append(("replay ≥ 50 % of raw read + decode", "–" if ratio is None else f"{ratio:.1%}",
                 verdict(None if ratio is None else ratio >= 0.5)))
    value = summary.get("payout_warm_s")
    rows.append((f"payout ≤ 2 s from warm views ({staff:,} staff measured)",
                 "–" if value is None else f"{value:.3f} s",
                 verdict(None if value is None else value <= 2)))
    for key, label in (("explain_cached_ms", "explain ≤ 100 ms (statement cached)"),
                       ("explain_uncached_ms", "explain ≤ 100 ms (not cached)"),
                       ("whatif_ms", "what-if ≤ 100 ms")):
        value = summary.get(key)
        rows.append((label, "–" if value is None else f"{value:,.1f} ms",
                     verdict(None if value is None else value <= 100)))
    for verb in ("payout", "explain", "whatif"):
        value = summary.get(f"cli_{verb}_x_bare")
        rows.append((f"CLI {verb} ≤ 10× a bare Python start (whole process)",
                     "–" if value is None else
                     f"{summary[f'cli_{verb}_ms']:,.0f} ms, {value:.1f}× bare",
                     verdict(None if value is None else value <= 10)))
    value = summary.get("fold_bytes_per_event")
    rows.append(("replay memory flat in the number of events",
                 "–" if value is None else f"{value:,.0f} bytes of RSS per event folded",
                 verdict(None if value is None else value < 50)))
    return rows


def targets_table(rows: list[tuple[str, str, str]]) -> str:
    lines = ["| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in rows]
    return "\n".join(lines)


def combined(reports: list[dict[str, Any]]) -> str:
    """One markdown table, a column per (result file, backend); ratios in brackets."""
    columns = []
    for report in reports:
        for backend, summary in report["summary"].items():
            shape = report["shape"]
            runs = len(report["runs"][backend])
            label = (f"{report['name']} {backend} ({shape['staff'] // shape['organisations']:,}"
                     f" staff/org; {runs} run{'s' if runs > 1 else ''})")
            columns.append((label, summary))
    lines = ["| figure | unit | " + " | ".join(label for label, _ in columns) + " |",
             "|---|---|" + "---:|" * len(columns)]
    for key, _phase, label, unit in METRICS:
        if not any(key in s for _, s in columns):
            continue
        cells = []
        for _, s in columns:
            if key not in s:
                cells.append("–")
                continue
            ratios = [f"{s[f'{key}__vs__{base}']:.1%}" for base in RATIOS.get(key, ())
                      if f"{key}__vs__{base}" in s]
            cells.append(fmt(s[key], unit) + (f" ({' / '.join(ratios)})" if ratios else ""))
        lines.append(f"| {label} | {unit} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """`python -m bench.report [--combined] RESULTS.json …`: the tables of saved runs."""
    if not argv:
        print("usage: python -m bench.report [--combined] bench/results/NAME.json …",
              file=sys.stderr)
        return 2
    if argv[0] == "--combined":
        print(combined([json.loads(Path(path).read_text()) for path in argv[1:]]))
        return 0
    for path in argv:
        report = json.loads(Path(path).read_text())
        shape = report["shape"]
        runs = {b: len(r) for b, r in report["runs"].items()}
        print(f"## {report['name']}: {shape['organisations']} organisation(s), "
              f"{shape['staff']:,} staff, {shape['departments']:,} departments "
              f"(runs: {runs}; code {report.get('code', {}).get('commit', '?')[:10]}; "
              f"loader {report.get('loader', 'ledger')})\n")
        print(table(report["summary"]))
        for backend, summary in report["summary"].items():
            staff = shape["staff"] // shape["organisations"]
            print(f"\n{backend} targets:\n\n{targets_table(targets(summary, staff))}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
