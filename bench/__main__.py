"""`python -m bench`: run the benchmark on SQLite and/or PostgreSQL and report medians.

    python -m bench --preset hospital --backend both --runs 3
    python -m bench --preset county --backend sqlite --runs 3
    python -m bench --preset province --backend sqlite --runs 1 --phases ingest,baseline,replay
    python -m bench --preset hospital --backend sqlite --runs 1 --profile ingest
    python -m bench --list

Every phase runs in its own child process with a time limit (`--phase-timeout`); a phase
stopped at its limit reports what it finished and is marked `timed_out`.

The code measured is a commit (`--code`, default HEAD), exported with `git archive` into
bench/results/code/<commit>/ beside a copy of bench/ and of the row generator
(api/scenarios/), so edits in the working tree during
a long run do not change what is measured; `--code worktree` measures the working tree.
PostgreSQL is a throwaway cluster started with tests/pgcluster.py (fsync off, as in the
tests) unless JIXIAO_TEST_POSTGRES_HOST names a server. Raw results:
bench/results/<name>.json.
"""
# ruff: noqa: PLC0415 - the runner imports no core code and psycopg only for PostgreSQL

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.generator import PRESET_NOTES, PRESETS, Shape, shape_for
from bench.report import (
    SINGLE_RUN_TARGETS,
    machine,
    single,
    summarise,
    table,
    targets,
    targets_table,
)
from bench.stores import discard, prepare

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PHASES = ("ingest", "baseline", "replay", "queries", "cli")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="hospital", choices=sorted(PRESETS))
    parser.add_argument("--organisations", type=int)
    parser.add_argument("--departments", type=int)
    parser.add_argument("--staff", type=int)
    parser.add_argument("--events-per-person", dest="events_per_person_per_period", type=float,
                        help="events per person per quarter (2 = score + attendance only)")
    parser.add_argument("--years", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--backend", default="both", choices=("sqlite", "postgres", "both"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=5000, help="rows per apply batch")
    parser.add_argument("--loader", default="ledger", choices=("ledger", "direct"),
                        help="direct: build the store without the batch checks (province)")
    parser.add_argument("--period", default=None, help="period to pay (default: last quarter)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="repeats of the fast queries (median)")
    parser.add_argument("--fold-pairs", type=int, default=5,
                        help="replay: raw read + fold pairs after a warm-up pair (median)")
    parser.add_argument("--phases", default=",".join(PHASES))
    parser.add_argument("--fold-only", action="store_true",
                        help="replay: the fold only, no view catch-up")
    parser.add_argument("--phase-timeout", type=float, default=1800.0)
    parser.add_argument("--profile", default="",
                        help="comma-separated phases to run under cProfile (first run only)")
    parser.add_argument("--code", default="HEAD",
                        help="commit to measure (git archive), or 'worktree'")
    parser.add_argument("--workdir", default=str(RESULTS / "work"))
    parser.add_argument("--name", default=None, help="results file name (without .json)")
    parser.add_argument("--keep", action="store_true", help="keep the stores after the run")
    parser.add_argument("--list", action="store_true", help="list the presets and exit")
    return parser.parse_args(argv)


def git(*argv: str) -> str:
    return subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def code_tree(ref: str) -> tuple[Path, dict[str, Any]]:
    """The folder the phases run in: a `git archive` of the commit plus this bench/."""
    if ref == "worktree":
        return ROOT, {"ref": "worktree", "commit": git("rev-parse", "HEAD"),
                      "worktree_changes": len(git("status", "--porcelain").splitlines())}
    commit = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    folder = RESULTS / "code" / commit[:12]
    if not (folder / "domain").exists():
        staging = folder.with_name(folder.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        archive = subprocess.Popen(["git", "archive", "--format=tar", commit], cwd=ROOT,
                                   stdout=subprocess.PIPE)
        with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
            tar.extractall(staging, filter="data")
        if archive.wait() != 0:
            raise RuntimeError(f"git archive {commit} failed")
        staging.rename(folder)
    shutil.rmtree(folder / "bench", ignore_errors=True)
    shutil.copytree(ROOT / "bench", folder / "bench",
                    ignore=shutil.ignore_patterns("results", "__pycache__"))
    # The rows come from the package's scenario generator: measure every commit on this
    # checkout's rows, as with bench/ itself (older commits have no api/scenarios).
    shutil.rmtree(folder / "api" / "scenarios", ignore_errors=True)
    shutil.copytree(ROOT / "api" / "scenarios", folder / "api" / "scenarios",
                    ignore=shutil.ignore_patterns("__pycache__"))
    subject = git("log", "-1", "--format=%cI %s", commit)
    return folder, {"ref": ref, "commit": commit, "subject": subject}


CODE = ROOT  # where the phases run; set by main() from --code


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("POSTGRES_", "PERSISTENCE_", "JIXIAO_DB"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CODE), env.get("PYTHONPATH")]))
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def run_phase(phase: str, args: dict[str, Any], folder: Path, timeout: float) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    args_path, out_path = folder / f"{phase}.args.json", folder / f"{phase}.out.json"
    args_path.write_text(json.dumps(args))
    out_path.unlink(missing_ok=True)
    print(f"- {phase}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    timed_out = False
    try:
        code = subprocess.run([sys.executable, "-m", "bench.phases", phase, str(args_path),
                               str(out_path)], cwd=CODE, env=child_env(), timeout=timeout,
                              check=False).returncode
    except subprocess.TimeoutExpired:
        timed_out, code = True, -1
        print(f"\n  {phase}: stopped at the {timeout:.0f} s limit", file=sys.stderr)
    result: dict[str, Any] = json.loads(out_path.read_text()) if out_path.exists() else {}
    result["wall_seconds"] = time.perf_counter() - started
    result["loadavg_after"] = os.getloadavg()[0]
    if timed_out:
        result["timed_out"] = True
    elif code != 0:
        result["failed"] = code
    return result


def start_postgres() -> tuple[dict[str, Any], Any]:
    host = os.environ.get("JIXIAO_TEST_POSTGRES_HOST")
    if host:
        server = {"host": host, "port": int(os.environ.get("JIXIAO_TEST_POSTGRES_PORT") or 5432),
                  "user": os.environ.get("JIXIAO_TEST_POSTGRES_USER") or "postgres",
                  "password": os.environ.get("JIXIAO_TEST_POSTGRES_PASSWORD", ""),
                  "dbname": os.environ.get("JIXIAO_TEST_POSTGRES_DBNAME") or "jixiao_test"}
        return server, lambda: None
    sys.path.insert(0, str(CODE / "tests"))
    from pgcluster import start_cluster

    print("starting a throwaway PostgreSQL cluster (tests/pgcluster.py)", file=sys.stderr)
    pg, stop = start_cluster()
    return {"host": pg.host, "port": pg.port, "user": pg.user, "password": pg.password,
            "dbname": pg.dbname}, stop


def postgres_version(server: dict[str, Any]) -> str:
    from bench.stores import pg_connect

    with pg_connect({"server": server}) as db:
        return str(db.execute("SHOW server_version").fetchone()[0])


def main(argv: list[str] | None = None) -> int:
    global CODE  # set once, before any phase runs
    options = parse_args(argv)
    if options.list:
        for name, shape in PRESETS.items():
            print(f"{name:15} {PRESET_NOTES[name]}  (~{shape.estimated_events():,} events)")
        return 0
    shape: Shape = shape_for(
        options.preset, organisations=options.organisations, departments=options.departments,
        staff=options.staff, events_per_person_per_period=options.events_per_person_per_period,
        years=options.years, seed=options.seed)
    phases = [p for p in options.phases.split(",") if p]
    unknown = set(phases) - set(PHASES)
    if unknown:
        print(f"error: unknown phases {sorted(unknown)}; phases: {', '.join(PHASES)}",
              file=sys.stderr)
        return 2
    backends = ["sqlite", "postgres"] if options.backend == "both" else [options.backend]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    name = options.name or f"{options.preset}-{options.backend}-{stamp}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    profile = {p for p in options.profile.split(",") if p}

    CODE, code = code_tree(options.code)
    print(f"bench {name}: {shape.to_json()} (~{shape.estimated_events():,} events), "
          f"backends {backends}, {options.runs} run(s), phases {phases}, code {code}",
          file=sys.stderr)
    report: dict[str, Any] = {"name": name, "preset": options.preset, "shape": shape.to_json(),
                              "batch": options.batch, "loader": options.loader,
                              "fold_only": options.fold_only,
                              "phases": phases, "code": code,
                              "machine": machine(), "runs": {}, "summary": {}}
    server, stop = (None, lambda: None)
    try:
        if "postgres" in backends:
            server, stop = start_postgres()
            report["machine"]["postgres_server"] = postgres_version(server)
        # Run by run, alternating the backends: a long benchmark stopped early still has
        # as many runs of one backend as of the other, measured under the same conditions.
        runs_of: dict[str, list[dict[str, Any]]] = {backend: [] for backend in backends}
        for number in range(1, options.runs + 1):
            for backend in backends:
                runs = runs_of[backend]
                print(f"\n== {backend}, run {number}/{options.runs}", file=sys.stderr)
                token = uuid.uuid4().hex[:8]
                folder = Path(options.workdir) / f"{name}-{backend}-{number}"
                target: dict[str, Any] = {"backend": backend, "dir": str(folder / "store")}
                if backend == "postgres":
                    target.update(server=server, prefix=f"b{token}")
                prepare(target, shape.organisations)
                run: dict[str, Any] = {}
                try:
                    for phase in phases:
                        args = {"target": target, "shape": shape.to_json(),
                                "batch": options.batch, "period": options.period,
                                "repeats": options.repeats, "loader": options.loader,
                                "fold_only": options.fold_only,
                                "fold_pairs": options.fold_pairs}
                        if phase in profile and number == 1:
                            args["profile"] = str(RESULTS / f"{name}-{backend}-{phase}.prof")
                        run[phase] = run_phase(phase, args, folder, options.phase_timeout)
                        if run[phase].get("timed_out") or run[phase].get("failed"):
                            break  # later phases depend on this one
                finally:
                    if not options.keep:
                        discard(target, shape.organisations)
                runs.append(run)
                report["runs"][backend] = runs
                report["summary"][backend] = summarise(runs)
                (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2))
    finally:
        stop()

    print(f"\n{name}: {shape.to_json()}, median of {options.runs} run(s)\n")
    print(table(report["summary"]))
    print("\nissue 18's targets this run measures (all of them: python -m bench.targets):\n")
    print(targets_table(targets(single(report), only=SINGLE_RUN_TARGETS)))
    print(f"\nraw results: {RESULTS / (name + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
