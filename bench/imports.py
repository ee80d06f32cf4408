"""`python -m bench.imports`: the spreadsheet import at scale (issue 13), not in CI.

    python -m bench.imports --rows 20000,200000 --format xlsx,csv [--full 200000]

For each size and format it writes an entries file (XLSX with openpyxl's write-only mode;
CSV in GB18030), then, each in its own child process so each peak RSS is its own:

* `stream` - the file adapter alone (api/sheets/readers.py): every row read and every
  cell made exact, nothing kept: the part whose memory must not grow with the rows;
* `read`  - the file read into checked commands (api/sheets: streaming, header, cells,
  command models), nothing recorded, every command kept (`read_commands`: how the import
  read before it streamed);
* `chunks` - the same, streamed (`stream_commands`, as `import_sheet` reads): each chunk
  of commands is dropped once read, as the import hands it to the ledger's check;
* `full`  - (sizes given to --full) `import_sheet` into a fresh SQLite ledger with 1,000
  people: reading plus the all-or-nothing write, chunk by chunk in one transaction.
* `apply` - (sizes given to --apply) `jixiao apply` of a JSON Lines file of as many
  deductions into a fresh SQLite ledger with 1,000 people (api/usecases/streaming.py:
  read, checked and saved in chunks, in one transaction).

Prints one JSON line per measurement: seconds (wall), CPU seconds over the same span
(`cpu_seconds`: the phase's work, as the wall's; `process_cpu_seconds` adds the child's
start and imports, about half a second that would flatter the CPU ratio), rows per second
and peak RSS in MiB. Then, for `apply` and each format's `full` import, one line with the
largest size's wall, CPU and peak RSS over the smallest's (issue 18, target 3: ten times
the rows in at most eleven times the time; issue 13: a peak RSS within about 10 % of the
smaller size's): `--runs` runs (default 5), each the sizes one after the other on a fresh
store seeded alike from the same files; each run's ratios are shown, and the ratios are
their medians: on a shared machine one run's wall says little (the 200,000-row apply
spread 6.6-9.0 s at one commit, three runs' ratios 9.0-11.2x). Each size's median wall
and CPU are given beside them.

    python -m bench.imports --rows 0 --apply 20000,200000 [--runs 5]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from api.sheets.cells import exact
from api.sheets.columns import kind_of
from api.sheets.readers import Source, open_sheet
from api.sheets.rows import read_commands, stream_commands
from api.storage.session import Session, store_env
from api.usecases.imports import ImportRequest, import_sheet
from api.usecases.ports import Caller
from api.usecases.streaming import apply_jsonl, open_jsonl

HEADER = ["期间", "工号", "姓名", "类别", "项目", "次数", "分钟", "原因"]
PEOPLE = 1000


def rows(count: int) -> list[list[object]]:
    kinds = ("late", "left_early", "off_post")
    return [["2026-Q1", f"E{n % PEOPLE:04d}", f"员工{n % PEOPLE}", "deduction",
             kinds[n % 3], 1, 6 + n % 50, f"第 {n} 次"] for n in range(count)]


def write_file(folder: Path, count: int, fmt: str) -> Path:
    path = folder / f"entries-{count}.{fmt}"
    if fmt == "csv":
        with path.open("w", encoding="gb18030", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(HEADER)
            writer.writerows(rows(count))
        return path
    book = Workbook(write_only=True)
    ws = book.create_sheet("分数")
    ws.append(HEADER)
    for row in rows(count):
        ws.append(row)
    book.save(path)
    return path


def write_jsonl(folder: Path, count: int) -> Path:
    """`count` deductions, as the entries import would make them, one per line."""
    path = folder / f"apply-{count}.jsonl"
    kinds = ("late", "left_early", "off_post")
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps({"type": "record_deduction", "period": "2026-Q1",
                                  "employee_id": f"E{n % PEOPLE:04d}", "kind": kinds[n % 3],
                                  "count": "1", "minutes": str(6 + n % 50),
                                  "reason": f"第 {n} 次"}, ensure_ascii=False) + "\n")
    return path


def setup_jsonl(folder: Path) -> Path:
    path = folder / "setup.jsonl"
    lines = [{"type": "adopt_scheme", "scheme": "xinghe-county-hospital"},
             {"type": "define_department", "department_id": "internal", "name": "内科",
              "kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-01-01"},
             *({"type": "hire_employee", "employee_id": f"E{n:04d}", "name": f"员工{n}",
                "department_id": "internal", "title_grade": "practitioner",
                "hired_on": "2020-01-01"} for n in range(PEOPLE))]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
                    encoding="utf-8")
    return path


def high_water_mib() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(phase: str, path: str, db: str) -> None:
    before = high_water_mib()
    started, cpu_started = time.perf_counter(), time.process_time()
    if phase == "stream":
        sheet = open_sheet(Source(path))
        count, problems = 0, 0
        for raw in sheet.rows():
            count += 1
            problems += sum(exact(cell, "text").problem is not None for cell in raw.cells)
    elif phase == "read":
        read = read_commands(kind_of("entries"), open_sheet(Source(path)))
        count, problems = read.read, len(read.problems)
    elif phase == "chunks":
        streamed, chunks = stream_commands(kind_of("entries"), open_sheet(Source(path)))
        count = sum(len(chunk) for chunk in chunks)
        problems = len(streamed.problems)
    elif phase == "apply":
        with open_jsonl(path) as source, Session(store_env(db, {})) as session:
            applied = apply_jsonl(session, Caller("bench"), source)
        count, problems = len(applied.recorded), 0
    else:
        with Session(store_env(db, {})) as session:
            result = import_sheet(session, Caller("bench"), ImportRequest("entries",
                                                                          Source(path)))
        count, problems = result.recorded, len(result.rejected)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = high_water_mib()
    print(json.dumps({"phase": phase, "file": Path(path).name, "rows": count,
                      "problems": problems, "seconds": round(seconds, 3),
                      "cpu_seconds": round(cpu, 3), "rows_per_s": round(count / seconds),
                      "rss_before_mib": round(before, 1), "peak_rss_mib": round(peak, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="20000,200000")
    parser.add_argument("--format", default="xlsx,csv")
    parser.add_argument("--full", default="", help="sizes to import into a ledger as well")
    parser.add_argument("--apply", default="", help="sizes of JSON Lines files to apply")
    parser.add_argument("--runs", type=int, default=5,
                        help="runs of the sizes for --full and --apply (ratios: medians)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    full = {int(n) for n in args.full.split(",") if n}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        setup = setup_jsonl(root)
        for fmt in args.format.split(","):
            files = {}
            for count in (int(n) for n in args.rows.split(",") if int(n)):
                files[count] = path = write_file(root, count, fmt)
                for phase in ("stream", "read", "chunks"):
                    _run(phase, path, root / f"{fmt}-{count}.db")
            _ratios(f"{fmt} import linearity", _repeated(
                "full", {n: p for n, p in files.items() if n in full}, setup, args.runs))
        inputs = {count: write_jsonl(root, count)
                  for count in sorted(int(n) for n in args.apply.split(",") if n)}
        _ratios("apply linearity", _repeated("apply", inputs, setup, args.runs))


def _repeated(phase: str, inputs: dict[int, Path], setup: Path,
              runs: int) -> list[list[dict[str, Any]]]:
    """`runs` runs of the phase, each over every size, smallest first, each size on a
    fresh store seeded from `setup` (the same commands each time) and removed after."""
    results = []
    repeats = runs if len(inputs) > 1 else min(runs, len(inputs))  # no ratio: once
    for number in range(1, repeats + 1):
        measured = []
        for count, path in sorted(inputs.items()):
            db = _seed(setup, setup.parent / f"{phase}-{count}-{number}.db")
            measured.append(_run(phase, path, db, number))
            for leftover in db.parent.glob(f"{db.name}*"):
                leftover.unlink()
        results.append(measured)
    return results


def _ratios(phase: str, runs: list[list[dict[str, Any]]]) -> None:
    """Each run's largest size's figures over its smallest's: wall and CPU time (issue 18,
    target 3) and peak memory (target: within about 10 %, issue 13's memory that does not
    grow); the line's ratios are the medians over the runs, each run's listed after."""
    runs = [run for run in runs if len(run) > 1]  # a ratio needs two sizes
    if not runs:
        return
    each = [{"run": number, "time_ratio": _over(run, "seconds"),
             "cpu_time_ratio": _over(run, "cpu_seconds"),
             "peak_rss_ratio": _over(run, "peak_rss_mib")}
            for number, run in enumerate(runs, start=1)]
    small, large = runs[0][0], runs[0][-1]
    sizes = [{"rows": size["rows"],
              **{key: round(statistics.median(float(run[at][key]) for run in runs), 3)
                 for key in ("seconds", "cpu_seconds", "peak_rss_mib")}}
             for at, size in ((0, small), (-1, large))]
    print(json.dumps({"phase": phase, "rows": [small["rows"], large["rows"]],
                      "rows_ratio": round(large["rows"] / small["rows"], 2),
                      "runs": len(each),
                      **{key: round(statistics.median(r[key] for r in each), 2)
                         for key in ("time_ratio", "cpu_time_ratio", "peak_rss_ratio")},
                      "each_run": each, "size_medians": sizes}), flush=True)


def _over(run: list[dict[str, Any]], key: str) -> float:
    return round(float(run[-1][key]) / float(run[0][key]), 2)


def _seed(setup: Path, db: Path) -> Path:
    subprocess.run([sys.executable, "-m", "api.cli", "apply", "--db", str(db), str(setup)],
                   check=True, capture_output=True)
    return db


def _run(phase: str, path: Path, db: Path, number: int | None = None) -> dict[str, Any]:
    """One phase in its own process; with the process's CPU seconds (user + system, its
    start and imports included) beside the phase's own."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "bench.imports", "--child", phase,
                           str(path), str(db)], check=True, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_cpu_seconds"] = round(after.ru_utime + after.ru_stime
                                          - before.ru_utime - before.ru_stime, 2)
    if number is not None:
        result["run"] = number
    result["loadavg"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result), flush=True)
    return result


if __name__ == "__main__":
    main()
