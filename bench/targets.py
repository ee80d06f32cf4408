"""`python -m bench.targets`: every measurement of issue 18's targets, at one commit, in
one run, and the table docs/benchmarks.md shows.

    python -m bench.targets --code HEAD --out docs/benchmarks-latest.md \\
        [--suite "passed:2,345 passed on both backends at 36d2693"] [--notes notes.json]
    python -m bench.targets --quick --backend sqlite      # a minute: the smoke shapes

Steps, each a child process of the measured commit (`--code`, as `python -m bench`), one
after the other, with its progress on stderr:

* hospital - `python -m bench --preset hospital --backend both`: every phase (targets 1,
             2, 4 and explain of 5);
* county   - `python -m bench --preset county`, phases ingest, baseline, replay (with the
             view catch-up) and queries: the fold and ingest of the larger preset (1, 2)
             and its in-process what-if (10,000 staff), shown as standing in for the
             province's when the province step has no figure;
* province - the province what-if in process (5), SQLite only: a province store built with
             the direct loader (about 3 minutes and 2.3 GB; the ledger's batch checks are
             not what this measures), then `python -m bench.whatif_cpu` on it (the fold and
             the period's statement once, then the what-if's CPU and wall medians of 5);
* imports  - `python -m bench.imports --apply 20000,200000 --runs 9`: `jixiao apply`
             linearity (3), the median of nine runs' ratios (about 2 minutes: the small
             apply's CPU varies by ±15 % between runs, which moves one run's ratio by
             ±1.5, so five runs' median still crossed the line either way);
* snapshots - `python -m bench.snapshots --years 1 5`: fold memory of a five-year hospital
             ledger against one year (6);
* fixture  - the old-ledger fixture tests on both backends (7; the full suite's status is
             given with --suite, never assumed).

A step that fails or times out leaves its figures out; the table then says "not measured"
and why. Writes bench/results/<name>.json (all raw results) and the markdown (`--out`, or
stdout).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.__main__ import RESULTS, ROOT, code_tree
from bench.report import NOT_MEASURED, Check, combined, machine, table, targets, targets_table

# The steps and their arguments, full and --quick. Quick: the smoke shapes, fewer rows,
# the same code paths (a test of the runner, not a measurement).
FULL: dict[str, Any] = {
    "hospital": {"preset": "hospital", "phases": "ingest,baseline,replay,queries,cli"},
    "county": {"preset": "county", "phases": "ingest,baseline,replay,queries"},
    "imports": ["--rows", "0", "--format", "csv", "--apply", "20000,200000", "--runs", "9"],
    "snapshots": ["--preset", "hospital", "--years", "1", "5"],
    "fixture": True,
    "province": "province",
}
QUICK: dict[str, Any] = {
    "hospital": {"preset": "smoke", "phases": "ingest,baseline,replay,queries,cli"},
    "county": None,  # the smoke run stands in for both presets
    "imports": ["--rows", "0", "--format", "csv", "--apply", "200,2000", "--runs", "5"],
    "snapshots": ["--preset", "smoke", "--years", "1", "2"],
    "fixture": False,
    "province": "smoke",
}
STEPS = ("hospital", "county", "imports", "snapshots", "fixture", "province")
WHATIF_TOOL = "bench/whatif_cpu.py"  # the what-if's CPU medians on a kept store


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.targets", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--code", default="HEAD",
                        help="commit to measure (git archive), or 'worktree'")
    parser.add_argument("--backend", default="both", choices=("sqlite", "postgres", "both"))
    parser.add_argument("--runs", type=int, default=1, help="runs of each preset (median)")
    parser.add_argument("--quick", action="store_true",
                        help="the smoke shapes: tests the runner, measures nothing useful")
    parser.add_argument("--steps", default=",".join(STEPS),
                        help=f"comma-separated subset of {', '.join(STEPS)}")
    parser.add_argument("--suite", default=None, metavar="STATUS:TEXT",
                        help="the full suite's status at this commit, as run elsewhere: "
                             "'passed:…' or 'failed:…'")
    parser.add_argument("--notes", default=None,
                        help="JSON file: target number → the profile that explains its miss")
    parser.add_argument("--step-timeout", type=float, default=3600.0)
    parser.add_argument("--name", default=None, help="results file name (without .json)")
    parser.add_argument("--out", default=None, help="markdown file (default: stdout)")
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(f"[bench.targets {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def run(argv: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None,
        capture: bool = False) -> subprocess.CompletedProcess[str]:
    """A step's process; its stderr (the progress lines) passes through."""
    return subprocess.run(argv, cwd=cwd, env=env, timeout=timeout, check=False, text=True,
                          stdout=subprocess.PIPE if capture else None)


def code_env(code: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), env.get("PYTHONPATH")]))
    return env


def bench_step(spec: dict[str, Any], options: argparse.Namespace, name: str,
               timeout: float) -> dict[str, Any]:
    """One `python -m bench` run (its own PostgreSQL cluster); its saved report."""
    argv = [sys.executable, "-m", "bench", "--preset", spec["preset"], "--backend",
            options.backend, "--runs", str(options.runs), "--phases", spec["phases"],
            "--code", options.code, "--name", name]
    done = run(argv, ROOT, timeout, capture=True)  # its tables: ours are written below
    path = RESULTS / f"{name}.json"
    if not path.exists():
        raise RuntimeError(f"python -m bench exited {done.returncode} with no results")
    report: dict[str, Any] = json.loads(path.read_text())
    if done.returncode != 0:
        report["exit"] = done.returncode
    return report


def json_lines(text: str) -> list[dict[str, Any]]:
    lines = []
    for line in text.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def imports_step(argv: list[str], code: Path, timeout: float) -> dict[str, Any]:
    done = run([sys.executable, "-m", "bench.imports", *argv], code, timeout,
               env=code_env(code), capture=True)
    lines = json_lines(done.stdout)
    if done.returncode != 0:
        raise RuntimeError(f"python -m bench.imports exited {done.returncode}")
    linearity = next((line for line in lines if line.get("phase") == "apply linearity"), None)
    return {"argv": argv, "lines": lines, "linearity": linearity}


def snapshots_step(argv: list[str], backend: str, code: Path, timeout: float
                   ) -> dict[str, Any]:
    done = run([sys.executable, "-m", "bench.snapshots", *argv, "--backend", backend], code,
               timeout, env=code_env(code), capture=True)
    lines = json_lines(done.stdout)
    for line in lines:  # "hospital-5y.db" / ".pg": the ledger's number of years
        line["years"] = int(Path(line["ledger"]).stem.rpartition("-")[2].removesuffix("y"))
    if done.returncode != 0 and not lines:
        raise RuntimeError(f"python -m bench.snapshots exited {done.returncode}")
    return {"argv": argv, "lines": lines, "exit": done.returncode}


def fixture_step(code: Path, backend: str, timeout: float) -> dict[str, Any]:
    """The old-ledger fixture (byte-identical reports, verified chain) at this commit."""
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "tests/e2e/test_old_ledger.py"]
    if backend != "both":
        argv += ["-k", backend]
    done = run(argv, code, timeout, env=code_env(code), capture=True)
    summary = next((line for line in reversed(done.stdout.splitlines())
                    if " passed" in line or " failed" in line or " error" in line), "")
    counts: dict[str, Any] = {"exit": done.returncode, "line": summary.strip("= ")}
    for word in ("passed", "failed", "skipped", "error", "errors"):
        for part in summary.split(","):
            bits = part.strip(" =").split()
            if len(bits) >= 2 and bits[1] == word and bits[0].isdigit():
                counts[word] = int(bits[0])
    return counts


def province_step(options: argparse.Namespace, preset: str, code: Path, name: str,
                  timeout: float) -> dict[str, Any]:
    """The province what-if in process (SQLite): the store built with the direct loader
    (minutes; the ledger's batch checks are not what this measures), then the what-if's
    CPU medians (`python -m bench.whatif_cpu`) on it; the store is removed after."""
    if not (code / WHATIF_TOOL).exists():
        raise RuntimeError(f"{WHATIF_TOOL} (the in-process what-if of a kept store) is not "
                           "in this checkout")
    store_name = f"{name}-{preset}-store"
    workdir = RESULTS / "work"
    argv = [sys.executable, "-m", "bench", "--preset", preset, "--backend", "sqlite",
            "--runs", "1", "--phases", "ingest", "--loader", "direct", "--keep",
            "--code", options.code, "--name", store_name, "--workdir", str(workdir)]
    folder = workdir / f"{store_name}-sqlite-1"
    try:
        built = run(argv, ROOT, timeout, capture=True)
        store = folder / "store" / "org-000.db"
        if built.returncode != 0 or not store.exists():
            raise RuntimeError(f"building the {preset} store exited {built.returncode}")
        build = json.loads((RESULTS / f"{store_name}.json").read_text())
        done = run([sys.executable, "-m", "bench.whatif_cpu", str(store)], code, timeout,
                   env=code_env(code), capture=True)
        lines = json_lines(done.stdout)
        if done.returncode != 0 or not lines or "median" not in lines[-1]:
            raise RuntimeError(f"python -m bench.whatif_cpu exited {done.returncode}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ingest = build["runs"]["sqlite"][0]["ingest"]
    return {"preset": preset, "shape": build["shape"], "backend": "sqlite",
            "events": ingest.get("events"), "build_seconds": ingest.get("wall_seconds"),
            **lines[-1]}


def suite_status(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    status, _, rest = text.partition(":")
    if status not in ("passed", "failed"):
        raise SystemExit("--suite: 'passed:TEXT' or 'failed:TEXT'")
    return {"status": status, "text": rest.strip() or status}


def measure(options: argparse.Namespace) -> dict[str, Any]:
    plan = QUICK if options.quick else FULL
    steps = [s for s in options.steps.split(",") if s]
    unknown = set(steps) - set(STEPS)
    if unknown:
        raise SystemExit(f"unknown steps {sorted(unknown)}; steps: {', '.join(STEPS)}")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    name = options.name or f"targets-{'quick-' if options.quick else ''}{stamp}"
    code, about = code_tree(options.code)
    options.code = about["commit"] if options.code != "worktree" else "worktree"
    fold_presets = [plan["hospital"]["preset"]]
    if plan["county"]:
        fold_presets.append(plan["county"]["preset"])
    whatif = (plan["county"] or plan["hospital"])["preset"]
    results: dict[str, Any] = {
        "name": name, "quick": options.quick, "code": about, "backends": (
            ["sqlite", "postgres"] if options.backend == "both" else [options.backend]),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(), "loadavg_start": os.getloadavg(), "presets": {},
        "roles": {"fold": fold_presets, "cli": plan["hospital"]["preset"],
                  "explain": plan["hospital"]["preset"], "whatif": whatif},
        "missing": {}, "same_answers": {}, "steps": {}}
    suite = suite_status(options.suite)
    if suite:
        results["same_answers"]["suite"] = suite
    if options.notes:
        results["notes"] = json.loads(Path(options.notes).read_text())
    out = RESULTS / f"{name}.json"
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def save() -> None:
        results["seconds"] = time.perf_counter() - started
        out.write_text(json.dumps(results, indent=2, default=str))

    benches = [(step, plan[step]) for step in ("hospital", "county") if plan[step]]
    for step, spec in benches:
        if step not in steps:
            results["missing"][spec["preset"]] = f"step {step} not run (--steps)"
            continue
        say(f"{step}: python -m bench --preset {spec['preset']} --phases {spec['phases']}")
        began = time.perf_counter()
        try:
            results["presets"][spec["preset"]] = bench_step(
                spec, options, f"{name}-{spec['preset']}", options.step_timeout)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            results["missing"][spec["preset"]] = f"{step} step failed: {error}"
        results["steps"][step] = time.perf_counter() - began
        save()
    for step, action in (
            ("province", lambda: province_step(options, plan["province"], code, name,
                                               options.step_timeout)),
            ("imports", lambda: imports_step(plan["imports"], code, options.step_timeout)),
            ("snapshots", lambda: snapshots_step(plan["snapshots"], options.backend, code,
                                                 options.step_timeout)),
            ("fixture", lambda: fixture_step(code, options.backend, options.step_timeout))):
        if step not in steps or not plan[step]:
            results["missing"][step] = (f"step {step} not run" +
                                        (" (--quick)" if options.quick else " (--steps)"))
            continue
        say(f"{step}")
        began = time.perf_counter()
        try:
            value = action()
            if step == "fixture":
                results["same_answers"]["fixture"] = value
            elif step == "province":
                results["province_whatif"] = value
            else:
                results[step] = value
        except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
            results["missing"][step] = f"{step} step failed: {error}"
        results["steps"][step] = time.perf_counter() - began
        save()
    save()
    say(f"done in {results['seconds'] / 60:,.1f} min; raw results: {out}")
    return results


def markdown(results: dict[str, Any]) -> str:
    """The section docs/benchmarks.md takes: the targets, then every figure measured."""
    code = results.get("code", {})
    commit = str(code.get("commit", "?"))[:10]
    quick = " (--quick: smoke shapes, not a measurement)" if results.get("quick") else ""
    minutes = results.get("seconds", 0) / 60
    subject = code.get("subject") or code.get("ref")
    lines = [f"## Issue 18's targets at {commit}{quick}", "",
             f"One run of `python -m bench.targets` at commit `{commit}`"
             + (f" ({subject})" if subject else "") + ", started "
             f"{results.get('started', '?')}, {minutes:,.1f} min, backends "
             f"{', '.join(results.get('backends', []))}; load average at the start "
             f"{float(results.get('loadavg_start', [0])[0]):.1f}. Machine: "
             f"{results.get('machine', {}).get('nproc', '?')} cores, "
             f"{results.get('machine', {}).get('cpu', '?')}. Raw results: "
             f"`bench/results/{results.get('name', '?')}.json`. Wall figures are medians "
             "of the runs (one unless --runs); the CLI's are medians of ≥ 5 starts.", "",
             targets_table(targets(results), results.get("notes")), ""]
    for preset, report in results.get("presets", {}).items():
        shape = report.get("shape", {})
        runs = {b: len(r) for b, r in report.get("runs", {}).items()}
        lines += [f"### {preset}: {shape.get('organisations', '?')} organisation(s), "
                  f"{shape.get('staff', 0):,} staff, {shape.get('departments', 0):,} "
                  f"departments (phases {', '.join(report.get('phases', []))}; runs {runs})",
                  "", table(report.get("summary", {})), ""]
    province = results.get("province_whatif")
    if province:
        median = province["median"]
        lines += [f"### The {province['preset']} what-if in process (`python -m bench.whatif_cpu`"
                  f", {province['backend']}, median of {province.get('repeats', '?')})", "",
                  f"Store: {province.get('events') or 0:,} events, built in "
                  f"{province.get('build_seconds') or 0:,.0f} s with the direct loader; "
                  f"period {province.get('period', '?')}.", "",
                  "| part | seconds |", "|---|---:|"]
        lines += [f"| {key.removesuffix('_s').replace('_', ' ')} | {value:,.3f} |"
                  for key, value in median.items()]
        lines.append("")
    if results.get("imports"):
        lines += apply_runs(results["imports"])
    if results.get("snapshots"):
        lines += ["### Fold memory against history (`python -m bench.snapshots`)", "",
                  "| ledger | backend | fold | stored events | held | RSS added MB | "
                  "B per open-year event |", "|---|---|---|---:|---:|---:|---:|"]
        lines += [f"| {line['ledger']} | {line['backend'].rsplit('.', 1)[-1]} | "
                  f"{line['mode']} | {line['stored_events']:,} | {line['held_events']:,} | "
                  f"{line['rss_growth_bytes'] / 1024 / 1024:,.1f} | "
                  f"{line['bytes_per_open_year_event']:,} |"
                  for line in results["snapshots"]["lines"]]
        lines.append("")
    missing = results.get("missing", {})
    if missing:
        lines += ["### Not measured in this run", ""]
        lines += [f"* {step}: {why}" for step, why in missing.items()]
        lines.append("")
    if len(results.get("presets", {})) > 1:
        lines += ["### The presets side by side", "",
                  combined(list(results["presets"].values())), ""]
    return "\n".join(lines)


def apply_runs(imports: dict[str, Any]) -> list[str]:
    """Each run of `jixiao apply` at each size, then each run's ratios (their medians are
    the verdict's figures). CPU is the phase's, over the wall's span; the process's adds
    its start and imports."""
    lines = ["### `jixiao apply` at two sizes (`python -m bench.imports`)", "",
             "| run | rows | wall s | CPU s | process CPU s | peak RSS MiB | load |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {line.get('run', 1)} | {line['rows']:,} | {line['seconds']:,.2f} | "
              f"{line.get('cpu_seconds', 0):,.2f} | {line.get('process_cpu_seconds', 0):,.2f} | "
              f"{line['peak_rss_mib']:,.1f} | {line.get('loadavg', 0):.1f} |"
              for line in imports.get("lines", []) if line.get("phase") == "apply"]
    linearity = imports.get("linearity") or {}
    if linearity.get("each_run"):
        lines += ["", "| run | wall ratio | CPU ratio | peak RSS ratio |",
                  "|---:|---:|---:|---:|"]
        lines += [f"| {r['run']} | {r['time_ratio']:.2f}× | {r['cpu_time_ratio']:.2f}× | "
                  f"{r['peak_rss_ratio']:.2f}× |" for r in linearity["each_run"]]
        lines.append(f"| median | {linearity['time_ratio']:.2f}× | "
                     f"{linearity['cpu_time_ratio']:.2f}× | {linearity['peak_rss_ratio']:.2f}× |")
    if linearity.get("size_medians"):
        runs = linearity.get("runs", 1)
        lines += ["", f"| rows | median wall s ({runs} run{'s' * (runs != 1)}) | median CPU s | "
                  "median peak RSS MiB |", "|---:|---:|---:|---:|"]
        lines += [f"| {s['rows']:,} | {s['seconds']:,.2f} | {s['cpu_seconds']:,.2f} | "
                  f"{s['peak_rss_mib']:,.1f} |" for s in linearity["size_medians"]]
    return [*lines, ""]


def verdict(checks: list[Check], number: int) -> str:
    met = [c.met for c in checks if c.target == number]
    if False in met:
        return "NOT met"
    return NOT_MEASURED if None in met else "met"


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    results = measure(options)
    text = markdown(results)
    if options.out:
        Path(options.out).write_text(text + "\n")
        say(f"markdown: {options.out}")
    else:
        print(text)
    checks = targets(results)
    say("targets: " + "; ".join(f"{n} {verdict(checks, n)}"
                                for n in sorted({c.target for c in checks})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
