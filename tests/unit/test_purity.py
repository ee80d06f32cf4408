"""The pure core reads no clock, no environment, no files and no randomness, and never
touches float or builtin round (STYLE.md: "A 30-line test … keeps it so")."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The write side (the ledger and its chunked batches) stamps recording times, and so do
# the ledger's checks and previews without it (domain/ledger_reads.py: a what-if's batch
# is checked as recorded now); the view catch-up runs against the store; the stored-event
# reader selects from it.
SHELLS = {"domain/application.py", "domain/ledger_reads.py", "domain/chunked_writes.py",
          "projections/views.py", "domain/stored_reader.py"}
MODULES_BANNED = {"os", "random", "time", "uuid", "sqlite3", "psycopg"}
CALLS_BANNED = {"open", "print", "float", "round"}
CLOCK_READS = {"now", "today", "utcnow"}


def _violations(source: str, where: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename=where)):
        spot = f"{where}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [f"{spot} import {a.name}" for a in node.names
                      if a.name.split(".")[0] in MODULES_BANNED]
        elif isinstance(node, ast.ImportFrom) and (
            (node.module or "").split(".")[0] in MODULES_BANNED
        ):
            names = {a.name for a in node.names}
            if not (node.module == "uuid" and names == {"UUID"}):
                found.append(f"{spot} from {node.module} import {', '.join(sorted(names))}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in CALLS_BANNED:
                found.append(f"{spot} {node.func.id}(")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = node.func.value
            base_name = base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
            if node.func.attr in CLOCK_READS and base_name in {"datetime", "date"}:
                found.append(f"{spot} {base_name}.{node.func.attr}(")
        elif isinstance(node, ast.Constant) and isinstance(node.value, float):
            found.append(f"{spot} float literal {node.value!r}")
    return found


def test_the_pure_core_reads_no_clock_environment_files_or_randomness_and_uses_no_float() -> None:
    paths = sorted((*ROOT.glob("domain/*.py"), *ROOT.glob("projections/**/*.py")))
    checked = [p for p in paths if p.relative_to(ROOT).as_posix() not in SHELLS]
    assert len(checked) >= 10, checked
    assert [v for path in checked
            for v in _violations(path.read_text(encoding="utf-8"),
                                 path.relative_to(ROOT).as_posix())] == []


def test_the_purity_check_catches_each_banned_use() -> None:
    source = (
        "import os\nimport time as t\nfrom uuid import UUID, uuid4\nfrom random import choice\n"
        "from uuid import UUID\nimport datetime\nimport psycopg.sql\n"
        "datetime.datetime.now()\ndate.today()\ndatetime.utcnow()\nopen('f')\nprint(1)\n"
        "float('1')\nround(x, 2)\nx = 0.1\nDecimal('0.1').quantize(CENT)\n"
    )
    assert [v.split(" ", 1)[1] for v in _violations(source, "m.py")] == [
        "import os", "import time", "from uuid import UUID, uuid4", "from random import choice",
        "import psycopg.sql", "datetime.now(", "date.today(", "datetime.utcnow(", "open(",
        "print(", "float(", "round(", "float literal 0.1"]
