"""Documents: a whole hospital's payslips (`jixiao payslips`) as PDF and as XLSX.

    python -m bench.documents [--runs 3] [--period 2026-Q3] [--code DIR]

Writes a `jixiao demo` ledger into a scratch folder, then runs `jixiao payslips` for
every department in each format as whole processes, the formats alternating, and prints
each run's CPU seconds (user + system of the child: the machine may be busy, the CPU
time holds) and the median per format. --code measures another checkout (a folder with
api/ and domain/, e.g. a `git archive` of an older commit) on the same ledger.
Not a phase of `python -m bench`: the demo ledger, not a preset's rows, is the case.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_of(argv: list[str], env: dict[str, str]) -> float:
    """CPU seconds (user + system) the command took, as a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.documents", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--period", default="2026-Q3")
    parser.add_argument("--code", default=str(ROOT), help="checkout to measure")
    args = parser.parse_args(argv)
    env = dict(os.environ, PYTHONPATH=str(Path(args.code).resolve()))
    cli = [sys.executable, "-m", "api.cli"]
    times: dict[str, list[float]] = {"pdf": [], "xlsx": []}
    with tempfile.TemporaryDirectory(prefix="bench-documents-") as scratch:
        db = str(Path(scratch) / "demo.db")
        subprocess.run([*cli, "demo", "--db", db], env=env, check=True,
                       stdout=subprocess.DEVNULL, cwd=scratch)
        for run in range(args.runs):
            for fmt, values in times.items():
                out = str(Path(scratch) / f"{fmt}-{run}")
                seconds = cpu_of([*cli, "payslips", "--db", db, "--period", args.period,
                                  "--format", fmt, "--output", out], env)
                files = len(os.listdir(out))
                values.append(seconds)
                print(f"run {run + 1} {fmt:4}: {seconds:6.2f} s CPU, {files} files",
                      flush=True)
    for fmt, values in times.items():
        print(f"median {fmt:4}: {statistics.median(values):6.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
