"""Schemathesis against the app's own OpenAPI schema: generated requests to every
operation, authenticated as an administrator (who may write) over a SQLite store seeded
with worked example 1. Whatever it sends, the server must never answer 5xx, and every
body it answers with must fit the response schema the document gives for its status.

Bounded (`max_examples` per operation) and derandomized, so CI runs the same cases in
well under a minute."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance
from seeding import seed

from api.http.app import create_app
from api.http.settings import ServerSettings

EXAMPLES_PER_OPERATION = 40
# The coverage phase enumerates boundary values of every field of every variant of the
# command union (~4000 requests per command route); those two routes are fuzzed instead,
# with the same bounded number of examples as the others.
CONFIG = SchemathesisConfig.from_dict({"seed": 20261121, "operations": [
    {"include-path-regex": "^/commands", "phases": {"coverage": {"enabled": False}}}]})


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "ledger.db"
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
    tokens = seed(env)
    app = create_app(ServerSettings(store_env=env))
    yield app, tokens["administrator"]
    app.state.ledger.close()


# The schema of an app that never opens a store: the operations and their parameters.
# (schemathesis' lazy `from_fixture` loader does not run on pytest 9, so the schema is
# loaded here and each case is sent to the seeded app of the fixture.)
schema = schemathesis.openapi.from_dict(create_app(ServerSettings()).openapi(), config=CONFIG)


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_generated_request_makes_the_server_fail(case: Any,
                                                     fuzzed_app: tuple[Any, str]) -> None:
    app, token = fuzzed_app
    response = case.call(app=app, headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
