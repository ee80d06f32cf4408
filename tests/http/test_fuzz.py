"""Schemathesis against the app's own OpenAPI schema: generated requests to every
operation, as every role (administrator, finance, department head, reviewer, auditor,
employee, and no one), over a SQLite store seeded with worked example 1. Whatever it
sends, the server must never answer 5xx, and every body it answers with must fit the
response schema the document gives for its status.

The roles take turns within each operation (case n of an operation is sent as role
n mod 7), so every operation is tried by every role with the same number of cases as
one role had before. Bounded (`max_examples` per operation) and derandomized, so CI runs
the same cases every time; the last test prints how many were tried (docs/reliability.md
records the figure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance
from seeding import ROLES, seed

from api.http.app import create_app
from api.http.settings import ServerSettings

EXAMPLES_PER_OPERATION = 40
# The coverage phase enumerates boundary values of every field of every variant of the
# command union (~4000 requests per command route); those two routes are fuzzed instead,
# with the same bounded number of examples as the others.
CONFIG = SchemathesisConfig.from_dict({"seed": 20261121, "operations": [
    {"include-path-regex": "^/commands", "phases": {"coverage": {"enabled": False}}}]})


# What was tried, per (operation, role), and the status classes answered.
TRIED: Counter[tuple[str, str]] = Counter()
ANSWERED: Counter[int] = Counter()


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "ledger.db"
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
    tokens = seed(env)
    app = create_app(ServerSettings(store_env=env))
    yield app, tokens
    app.state.ledger.close()


# The schema of an app that never opens a store: the operations and their parameters.
# (schemathesis' lazy `from_fixture` loader does not run on pytest 9, so the schema is
# loaded here and each case is sent to the seeded app of the fixture.)
schema = schemathesis.openapi.from_dict(create_app(ServerSettings()).openapi(), config=CONFIG)


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_generated_request_makes_the_server_fail(
        case: Any, fuzzed_app: tuple[Any, dict[str, str]]) -> None:
    app, tokens = fuzzed_app
    operation = f"{case.method.upper()} {case.path}"
    role = ROLES[sum(n for (op, _), n in TRIED.items() if op == operation) % len(ROLES)]
    TRIED[(operation, role)] += 1
    headers = {} if role == "anonymous" else {"Authorization": f"Bearer {tokens[role]}"}
    response = case.call(app=app, headers=headers)
    ANSWERED[response.status_code // 100] += 1
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])


def test_every_operation_was_tried_by_every_role(
        capsys: pytest.CaptureFixture[str], fuzzed_app: tuple[Any, dict[str, str]]) -> None:
    """Runs after the generated cases (pytest keeps file order): an operation with fewer
    cases than roles (one without parameters) is sent once more by each role it missed;
    then the summary line."""
    if not TRIED:
        pytest.skip("the generated cases were not selected in this run")
    app, tokens = fuzzed_app
    operations = {f"{op.method.upper()} {op.path}": op for op in _operations()}
    for name, operation in operations.items():
        for role in ROLES:
            if not TRIED[(name, role)]:
                headers = {} if role == "anonymous" else {
                    "Authorization": f"Bearer {tokens[role]}"}
                TRIED[(name, role)] += 1
                case = operation.Case()
                response = case.call(app=app, headers=headers)
                ANSWERED[response.status_code // 100] += 1
                case.validate_response(response, checks=[not_a_server_error])
    tried = sum(TRIED.values())
    line = (f"fuzz: {tried} generated requests over {len(operations)} operations x "
            f"{len(ROLES)} roles; answered by class: "
            f"{', '.join(f'{k}xx={n}' for k, n in sorted(ANSWERED.items()))}")
    with capsys.disabled():  # the figure belongs in the run's log, passed or not
        print(f"\n{line}")
    assert ANSWERED[5] == 0
    missing = {(op, role) for op in operations for role in ROLES if not TRIED[(op, role)]}
    assert not missing, sorted(missing)


def _operations() -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]
