"""`python -m bench.insert_order`: what SQLite's insert of a chunked apply costs by the
order of its keys (issue 18, target 3), SQLite alone, no ledger.

    python -m bench.insert_order [--rows 20000,200000] [--runs 5]

The events table as eventsourcing's SQLite application recorder makes it (rows in rowid
order, the primary key (originator_id, originator_version) an index beside them), WAL, the
chunked write's page cache (api/storage/sqlite_writes.py), 1,000 rows already there, then
each size in chunks of 5,000 rows in one transaction, one layout after the other, runs
interleaved. Layouts:

* `random`  - ids as the apply's are (uuid5 of a file's digest and line: random);
* `growing` - one random prefix a batch and the line after it: ids in key order;
* `sorted`  - random ids, each chunk sorted by id and given its rowids explicitly (the
  log's order kept, the index's inserts in key order within a chunk);
* `no-index` - the table without the index: the part no key order can change.

Prints one JSON line per insert (wall, CPU) and, per layout, the median over the runs of
the largest size's CPU over the smallest's.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from api.storage.sqlite_writes import BULK_CACHE_KIB
from api.usecases.streaming import CHUNK_ROWS

STATE = os.urandom(300)  # about a stored deduction's body
TABLE = ("CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, "
         "topic TEXT, state BLOB{key})")
INSERT = ("INSERT INTO stored_events (originator_id, originator_version, topic, state) "
          "VALUES (?, ?, ?, ?)")
LAYOUTS = ("random", "growing", "sorted", "no-index")


def ids(layout: str, count: int) -> list[str]:
    if layout != "growing":
        return [uuid.uuid4().hex for _ in range(count)]
    prefix = uuid.uuid4().hex[:16]
    return [f"{prefix}{line:016x}" for line in range(count)]


def insert(folder: Path, layout: str, count: int) -> dict[str, object]:
    db = folder / f"{layout}-{count}.db"
    connection = sqlite3.connect(db, isolation_level=None)
    key = "" if layout == "no-index" else ", PRIMARY KEY (originator_id, originator_version)"
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(TABLE.format(key=key))
    connection.executemany(INSERT, [(i, 1, "domain.events:EmployeeHired", STATE)
                                    for i in ids("random", 1000)])
    rows = [(i, 1, "domain.events:DeductionRecorded", STATE) for i in ids(layout, count)]
    connection.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    started, cpu = time.perf_counter(), time.process_time()
    connection.execute("BEGIN")
    last = connection.execute("SELECT max(rowid) FROM stored_events").fetchone()[0]
    for at in range(0, count, CHUNK_ROWS):
        chunk = rows[at:at + CHUNK_ROWS]
        if layout == "sorted":
            numbered = sorted(((last + at + n + 1, *row) for n, row in enumerate(chunk)),
                              key=lambda row: row[1])
            connection.executemany("INSERT INTO stored_events (rowid, originator_id, "
                                   "originator_version, topic, state) VALUES (?, ?, ?, ?, ?)",
                                   numbered)
        else:
            connection.executemany(INSERT, chunk)
    connection.execute("COMMIT")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    connection.close()
    for leftover in folder.glob(f"{db.name}*"):
        leftover.unlink()
    return {"layout": layout, "rows": count, "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu, 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="20000,200000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.rows.split(","))
    ratios: dict[str, list[float]] = {layout: [] for layout in LAYOUTS}
    seconds: dict[str, list[list[float]]] = {layout: [] for layout in LAYOUTS}
    with tempfile.TemporaryDirectory() as folder:
        for run in range(1, args.runs + 1):
            order = LAYOUTS if run % 2 else LAYOUTS[::-1]  # neither always first
            for layout in order:
                cpu = []
                for count in sizes:
                    line = insert(Path(folder), layout, count)
                    print(json.dumps({**line, "run": run}), flush=True)
                    cpu.append(float(str(line["cpu_seconds"])))
                ratios[layout].append(round(cpu[-1] / cpu[0], 2))
                seconds[layout].append(cpu)
    for layout, each in ratios.items():
        print(json.dumps({"layout": layout, "rows": [sizes[0], sizes[-1]],
                          "cpu_seconds": [statistics.median(run[at] for run in seconds[layout])
                                          for at in (0, -1)],
                          "cpu_time_ratio": statistics.median(each), "each_run": each}))


if __name__ == "__main__":
    main()
