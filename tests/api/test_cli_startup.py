"""`jixiao` starts a new Python for every verb, so what building its command tree imports
is paid by every payout and every explanation. The server, spreadsheet, PDF and
template libraries belong to the verbs that use them. Each check runs in a fresh
interpreter: this test process has imported them all already."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Top-level packages only some verbs need (serve; imports, exports and documents;
# passwords), the PostgreSQL driver (these run on SQLite) and the test tool no verb needs.
HEAVY = ("fastapi", "starlette", "uvicorn", "openpyxl", "fpdf", "pypdf", "cn2an", "jinja2",
         "argon2", "psycopg", "schemathesis")
# The store is the --db file: no PostgreSQL from the environment the tests run in.
ENV = {key: value for key, value in os.environ.items()
       if not key.startswith(("POSTGRES_", "PERSISTENCE_", "JIXIAO_DB"))}
REPORT = "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})), " \
         "file=sys.stderr)"


def _imported(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", f"import json, sys\n{code}\n{REPORT}"],
                          cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("code", [
    "import api.cli",
    "from api.cli import main\nassert main(['--help']) == 0",
    "from api.cli import main\nassert main(['payout', '--help']) == 0",
    "from api.cli import main\nassert main(['explain', '--help']) == 0",
], ids=["import", "help", "payout-help", "explain-help"])
def test_the_command_tree_imports_no_heavy_library(code: str) -> None:
    imported = _imported(code)
    assert "api" in imported  # the probe sees what the code imported
    # typer comes with the command tree, which a verb builds, not with `import api.cli`
    # (a plain what-if runs without it: api/cli_launch.py).
    assert ("typer" in imported) == ("main(" in code)
    assert imported.isdisjoint(HEAVY), sorted(imported & set(HEAVY))


def test_a_payout_imports_no_heavy_library(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert subprocess.run([sys.executable, "-m", "api.cli", "demo", "--db", str(db)],
                          cwd=ROOT, env=ENV, capture_output=True, timeout=300,
                          check=False).returncode == 0
    for verb in (["payout"], ["explain", "--department", "endoscopy"]):
        imported = _imported("from api.cli import main\n"
                             f"assert main({[*verb, '--period', '2026-Q1', '--db', str(db)]!r})"
                             " == 0")
        assert "api" in imported
        assert imported.isdisjoint(HEAVY), (verb, sorted(imported & set(HEAVY)))
