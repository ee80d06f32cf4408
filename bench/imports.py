"""`python -m bench.imports`: the spreadsheet import at scale (issue 13), not in CI.

    python -m bench.imports --rows 20000,200000 --format xlsx,csv [--full 200000]

For each size and format it writes an entries file (XLSX with openpyxl's write-only mode;
CSV in GB18030), then, each in its own child process so each peak RSS is its own:

* `stream` - the file adapter alone (api/sheets/readers.py): every row read and every
  cell made exact, nothing kept: the part whose memory must not grow with the rows;
* `read`  - the file read into checked commands (api/sheets: streaming, header, cells,
  command models), nothing recorded; the commands are kept for the all-or-nothing batch;
* `full`  - (sizes given to --full) `import_sheet` into a fresh SQLite ledger with 1,000
  people: reading plus the all-or-nothing batch, which holds every command and event.

Prints one JSON line per measurement (seconds, rows per second, peak RSS in MiB).
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from api.sheets.cells import exact
from api.sheets.columns import kind_of
from api.sheets.readers import Source, open_sheet
from api.sheets.rows import read_commands
from api.storage.session import Session, store_env
from api.usecases.imports import ImportRequest, import_sheet
from api.usecases.ports import Caller

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
    started = time.perf_counter()
    if phase == "stream":
        sheet = open_sheet(Source(path))
        count, problems = 0, 0
        for raw in sheet.rows():
            count += 1
            problems += sum(exact(cell, "text").problem is not None for cell in raw.cells)
    elif phase == "read":
        read = read_commands(kind_of("entries"), open_sheet(Source(path)))
        count, problems = read.read, len(read.problems)
    else:
        with Session(store_env(db, {})) as session:
            result = import_sheet(session, Caller("bench"), ImportRequest("entries",
                                                                          Source(path)))
        count, problems = result.recorded, len(result.rejected)
    seconds = time.perf_counter() - started
    peak = high_water_mib()
    print(json.dumps({"phase": phase, "file": Path(path).name, "rows": count,
                      "problems": problems, "seconds": round(seconds, 2),
                      "rows_per_s": round(count / seconds), "rss_before_mib": round(before, 1),
                      "peak_rss_mib": round(peak, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="20000,200000")
    parser.add_argument("--format", default="xlsx,csv")
    parser.add_argument("--full", default="", help="sizes to import into a ledger as well")
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
            for count in (int(n) for n in args.rows.split(",")):
                path = write_file(root, count, fmt)
                phases = ["stream", "read", *(["full"] if count in full else [])]
                for phase in phases:
                    db = root / f"{fmt}-{count}.db"
                    if phase == "full":
                        subprocess.run([sys.executable, "-m", "api.cli", "apply", "--db",
                                        str(db), str(setup)], check=True,
                                       capture_output=True)
                    subprocess.run([sys.executable, "-m", "bench.imports", "--child", phase,
                                    str(path), str(db)], check=True)


if __name__ == "__main__":
    main()
