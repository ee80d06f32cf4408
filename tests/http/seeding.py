"""A seeded ledger for the HTTP tests, and a client that speaks as one of its users.

The seed is worked example 1 (one clinical department, `internal`: zhang, li, wang,
2026-Q1 paid and closed), a second department (`surgery`, from 2026-04-01, with chen),
one 2026-Q2 score, and one user per role, plus a disabled user and a rotated token.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from builders import GOLDEN, cli_for
from fastapi.testclient import TestClient

from api.http import accounts
from api.http.app import create_app
from api.http.runtime import SessionFactory
from api.http.settings import ServerSettings
from api.store import Session

EXTRA_FACTS: list[dict[str, Any]] = [
    {"type": "define_department", "department_id": "surgery", "name": "外科 surgery",
     "kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-04-01",
     "idempotency_key": "seed-surgery"},
    {"type": "hire_employee", "employee_id": "chen", "name": "Chen",
     "department_id": "surgery", "title_grade": "practitioner", "hired_on": "2026-04-01",
     "idempotency_key": "seed-hire-chen"},
]
# (role in the tests, user id, role, scope)
USERS: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("administrator", "admin", "administrator", {}),
    ("finance", "fin", "finance", {}),
    ("head", "head-internal", "department_head", {"department_ids": ["internal"]}),
    ("reviewer", "rev", "appeals_reviewer", {}),
    ("auditor", "aud", "auditor", {}),
    ("employee", "li-user", "employee", {"employee_id": "li"}),
    ("disabled", "gone", "finance", {}),
    ("rotated", "rot", "finance", {}),
)
ROLES = ("administrator", "finance", "head", "reviewer", "auditor", "employee", "anonymous")
CLOSE_Q1_KEY = "close-2026-Q1"
Q2_WANG_SCORE_KEY = "seed-q2-wang-quantity"


@dataclass
class Served:
    """A running app over a seeded store, and the tokens of its users."""

    env: dict[str, str]
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)
    _probe: Session | None = None

    def headers(self, role: str, key: str | None = None) -> dict[str, str]:
        headers = {} if role == "anonymous" else {"Authorization": f"Bearer {self.tokens[role]}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def get(self, role: str, path: str, **params: Any) -> Any:
        return self.client.get(path, headers=self.headers(role), params=params or None)

    def post(self, role: str, path: str, body: Any = None, key: str | None = None) -> Any:
        return self.client.post(path, headers=self.headers(role, key), json=body)

    def event_count(self) -> int:
        if self._probe is None:
            self._probe = Session(self.env)
        return self._probe.ledger.max_position()

    def close(self) -> None:
        if self._probe is not None:
            self._probe.close()


def seed(env: dict[str, str]) -> dict[str, str]:
    """Write the seed; returns every user's token (the rotated user's *old* one)."""
    backend = "postgres" if env["PERSISTENCE_MODULE"] == "eventsourcing.postgres" else "sqlite"
    cli_for(backend, env).ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    tokens: dict[str, str] = {}
    with Session(env) as session:
        ledger = session.ledger
        ledger.record(ledger.parse_commands([(f"seed {i}", row)
                                             for i, row in enumerate(EXTRA_FACTS)]), "seed")
        for name, user_id, role, scope in USERS:
            tokens[name] = accounts.add_user(ledger, "seed", user_id=user_id, name=user_id,
                                             role=role, **scope)
        accounts.disable_user(ledger, "seed", "gone", reason="left the hospital")
        accounts.rotate_token(ledger, "seed", "rot", reason="token leaked")
    return tokens


@contextlib.contextmanager
def serve(env: dict[str, str], open_session: SessionFactory = Session) -> Iterator[TestClient]:
    app = create_app(ServerSettings(store_env=env), open_session)
    with TestClient(app) as client:
        yield client


def seeded(env: dict[str, str], client: TestClient) -> Served:
    served = Served(env, client, seed(env))
    # Finance closes 2026-Q1 and the head records one 2026-Q2 score, through the API.
    closed = served.post("finance", "/periods/2026-Q1/close", {"reason": "quarter paid"},
                         key=CLOSE_Q1_KEY)
    assert closed.status_code == 201, closed.text
    scored = served.post("head", "/commands", {
        "type": "record_score", "period": "2026-Q2", "employee_id": "wang",
        "item": "quantity", "points": "30"}, key=Q2_WANG_SCORE_KEY)
    assert scored.status_code == 201, scored.text
    return served
