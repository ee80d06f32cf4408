"""`jixiao` starts a new Python for every verb, so what building its command tree imports
is paid by every payout and every explanation. The server, spreadsheet, PDF and
template libraries belong to the verbs that use them. Each check runs in a fresh
interpreter: this test process has imported them all already."""

from __future__ import annotations

import json
import os
import shutil
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
MODULES = "print(json.dumps(sorted(sys.modules)), file=sys.stderr)"


def _modules(code: str, report: str = MODULES) -> set[str]:
    """The modules (by `report`: whole names, or top-level packages) a new process running
    `code` has imported."""
    done = subprocess.run([sys.executable, "-c", f"import json, sys\n{code}\n{report}"],
                          cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _imported(code: str) -> set[str]:
    return _modules(code, REPORT)


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


# The grading, procedure and sanction families (domain/events.py keeps them lazy): a pay
# ledger's what-if never needs their models, checks or reports.
LAZY = ("domain.sanctions", "domain.procedure_events", "domain.grading", "domain.procedures",
        "domain.grading_checks", "domain.policies", "domain.derived_facts", "domain.publicity",
        "projections.procedures", "projections.grading")
OLD_LEDGER = ROOT / "tests" / "fixtures" / "old_ledger"


def _of_lazy_family(name: str) -> bool:
    return any(name == family or name.startswith(f"{family}.") for family in LAZY)


def test_a_what_if_on_a_pay_ledger_imports_no_grading_facts(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    shutil.copyfile(OLD_LEDGER / "example-1" / "ledger.db", db)  # pay facts only
    batch = tmp_path / "what-if.jsonl"
    batch.write_text(json.dumps({"type": "record_deduction", "period": "2026-Q1",
                                 "employee_id": "zhang", "kind": "late", "minutes": 3,
                                 "reason": "what-if"}) + "\n", encoding="utf-8")
    argv = ["payout", "--period", "2026-Q1", "--with", str(batch), "--db", str(db)]
    imported = _modules(f"from api.cli_launch import main\nassert main({argv!r}) == 0")
    assert "domain.ledger_reads" in imported  # the probe saw the ledger folded
    # It records nothing, so it reads without the eventsourcing Application (≈14 ms to
    # import): api/storage/plain_store.py.
    assert sorted(name for name in imported if name == "domain.application" or
                  name.split(".")[0] == "eventsourcing") == []
    # babel: money is written in babel's shape without it (api/i18n/formats.py);
    # importlib.metadata (with email and zipfile): pydantic's plugin loader's, when no
    # plugin is installed (api/plugin_discovery.py).
    assert imported.isdisjoint({"typer", "psycopg", "babel", "importlib.metadata", "email",
                                "zipfile"}), sorted(imported & {"importlib.metadata", "email"})
    assert sorted(filter(_of_lazy_family, imported)) == []
    # Appeals' rules and the working calendar are imported with a batch's appeal steps.
    assert imported.isdisjoint({"domain.appeals", "domain.calendar", "chinese_calendar"})


@pytest.mark.parametrize(("argv", "expected"), [
    (["grades", "--period", "2025", "--json"], "grades-2025.json"),
    (["restatement", "--period", "2026-Q1", "--json"], "restatement-2026-Q1.json"),
    (["appeal", "list", "--all", "--today", "2026-07-10", "--json"], "appeal-list.json"),
], ids=["grades", "restatement", "appeals"])
def test_a_new_process_reads_grading_facts_it_has_not_imported(
        argv: list[str], expected: str, tmp_path: Path) -> None:
    """A new `jixiao` process imports the lazy families when it meets their first stored
    fact (the old demo ledger has sanctions, grade inputs and appeals) and reports exactly
    what tests/e2e/test_old_ledger.py expects of it in process."""
    db = tmp_path / "ledger.db"
    shutil.copyfile(OLD_LEDGER / "demo" / "ledger.db", db)
    done = subprocess.run([sys.executable, "-m", "api.cli_launch", *argv, "--db", str(db)],
                          cwd=ROOT, env={**ENV, "JIXIAO_ACTOR": "test"}, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (OLD_LEDGER / "demo" / "expected" / expected).read_text(
        encoding="utf-8")


def test_a_new_process_refuses_a_second_procedure_fact_it_has_only_read(tmp_path: Path) -> None:
    """Procedure facts' uniqueness (one holiday notice a year) holds in a process that
    has folded the stored notice but not imported their checks' module: the plain
    what-if, which runs without the command tree (api/cli_launch.py)."""
    db = tmp_path / "ledger.db"
    shutil.copyfile(OLD_LEDGER / "example-1" / "ledger.db", db)

    def run(*argv: str, notice: str) -> subprocess.CompletedProcess[str]:
        rows = tmp_path / f"{notice}.jsonl"
        rows.write_text(json.dumps({"type": "record_holiday_notice", "year": 2026,
                                    "notice": notice}) + "\n", encoding="utf-8")
        return subprocess.run([sys.executable, "-m", "api.cli_launch", *argv, str(rows),
                               "--db", str(db)], cwd=ROOT, env={**ENV, "JIXIAO_LANG": "en"},
                              capture_output=True, text=True, timeout=300, check=False)

    assert run("apply", notice="first").returncode == 0
    again = run("payout", "--period", "2026-Q1", "--with", notice="second")
    assert again.returncode == 2, again.stdout[-500:] + again.stderr
    assert "already recorded (holiday notice 2026)" in again.stderr


def test_a_what_if_makes_only_the_command_models_its_batch_names(tmp_path: Path) -> None:
    """The pay command models are made on first use (domain/events.py `_COMMANDS`), and the
    small families (access log, two-person close, passwords, payroll) are imported with
    their first command or stored fact: a what-if of one deduction makes one model and
    imports none of them (nor what SMALL_FAMILIES names besides)."""
    db = tmp_path / "ledger.db"
    shutil.copyfile(OLD_LEDGER / "example-1" / "ledger.db", db)
    batch = tmp_path / "what-if.jsonl"
    batch.write_text(json.dumps({"type": "record_deduction", "period": "2026-Q1",
                                 "employee_id": "zhang", "kind": "late", "minutes": 3,
                                 "reason": "what-if"}) + "\n", encoding="utf-8")
    argv = ["payout", "--period", "2026-Q1", "--with", str(batch), "--db", str(db)]
    report = ("from domain import events\nprint(json.dumps(sorted(set(events._COMMAND_TYPES) & "
              "set(vars(events)))), file=sys.stderr)\n" + MODULES)
    done = subprocess.run([sys.executable, "-c", f"import json, sys\nfrom api.cli_launch import "
                           f"main\nassert main({argv!r}) == 0\n{report}"], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    *_, made, modules = done.stderr.strip().splitlines()
    assert json.loads(made) == ["RecordDeduction"]
    assert set(json.loads(modules)).isdisjoint(SMALL_FAMILIES), sorted(
        set(json.loads(modules)) & SMALL_FAMILIES)


# Also the chunked write (domain/written.py), the warm view's reader (a stored close is
# api/storage/recorded_closes.py) and the chain's walk (api/storage/chain.py `verify`),
# which a what-if never uses; nor the writers (stored rows, streamed writes), the ids
# index of a large import, the shipped schemes' reader (importlib.resources), shutil
# (with zlib, bz2 and lzma: a terminal's width only) and the restatement with figures.
SMALL_FAMILIES = {"domain.access_log", "domain.close_review", "domain.passwords",
                  "domain.user_facts", "domain.personal", "domain.chunked_writes",
                  "api.storage.warm_view",
                  "api.usecases.warm_reports", "projections.audit", "domain.stored_encoding",
                  "domain.streamed_writes", "domain.seen_index", "domain.shipped_schemes",
                  "importlib.resources", "tempfile", "shutil", "bz2", "lzma",
                  "projections.restated"}


def test_a_small_family_is_imported_alone_with_its_first_command() -> None:
    """A read of personal data records an access (`record_access`): its family is imported,
    not the grading ones the whole registry would bring."""
    imported = _modules("from domain.events import command_model\n"
                        "assert command_model('record_access') is not None")
    assert "domain.access_log" in imported
    assert imported.isdisjoint({"domain.sanctions", "domain.procedure_events",
                                "domain.personal", "domain.close_review"})


def test_threads_asking_for_one_command_model_get_one_class() -> None:
    """Two classes of one command type would fail every check by identity."""
    _modules("import threading\nfrom domain.events import command_model\n"
             "start = threading.Barrier(8)\nfound = []\n"
             "def ask():\n    start.wait()\n    found.append(command_model('record_score'))\n"
             "threads = [threading.Thread(target=ask) for _ in range(8)]\n"
             "[t.start() for t in threads]\n[t.join() for t in threads]\n"
             "assert len(found) == 8 and len(set(map(id, found))) == 1, found")


# The ledger's layers and the libraries they bring: a list of verbs needs none of them.
LOADER = "pydantic.plugin._loader"
LEDGER = ("domain", "projections", "pydantic", "pydantic_core", "eventsourcing")


@pytest.mark.parametrize("argv", [
    ["--help"], [], ["--lang", "en", "--help"], ["appeal", "--help"], ["export"],
    ["payuot"], ["appeal", "fiel"], ["--lang", "fr", "keys", "--help"],
], ids=["help", "no-words", "help-en", "group-help", "group", "mistyped", "mistyped-in-group",
        "bad-language"])
def test_the_list_of_verbs_imports_no_ledger(argv: list[str]) -> None:
    """`jixiao --help`, a group's and a mistyped verb's usage are drawn from the list of
    verbs (api/cli/verb_list.py): ≈0.13 s of CPU where the whole tree took ≈0.45 s."""
    imported = _modules(f"from api.cli_launch import main\nassert main({argv!r}) in (0, 2)")
    assert "typer" in imported  # the probe saw the help drawn
    # pydantic's plugin loader's stand-in (api/plugin_discovery.py) is not pydantic.
    ledger = sorted(name for name in imported - {LOADER}
                    if name.partition(".")[0] in LEDGER)
    assert ledger == []
