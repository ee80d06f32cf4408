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
from uuid import uuid5

from builders import GOLDEN, cli_for
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.runtime import SessionFactory
from api.http.settings import ServerSettings
from api.storage.session import Session
from api.usecases import users
from api.usecases.ports import Caller
from domain.application import IDEMPOTENCY_NAMESPACE

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
# Appeals of li against the 2026-Q1 complaint deduction (worked example 1): SEED-A
# filed, SEED-D assigned to the reviewer `rev`, SEED-E-<role> decided (uphold) by `rev`
# for each role that may escalate; SEED-CHEN a payout-line appeal of chen (surgery).
LI_COMPLAINT = str(uuid5(IDEMPOTENCY_NAMESPACE, "ex1-li-complaint"))
ESCALATING_ROLES = ("administrator", "head", "reviewer", "employee")
SEED_APPEALS = ("SEED-A", "SEED-D", *(f"SEED-E-{r}" for r in ESCALATING_ROLES))


def _li_appeal(appeal_id: str) -> dict[str, Any]:
    return {"type": "file_appeal", "appeal_id": appeal_id, "appellant_employee_id": "li",
            "contested_entry_id": LI_COMPLAINT, "grounds": "the patient withdrew it",
            "received_on": "2026-04-01", "filed_on": "2026-04-03"}


APPEAL_FACTS: list[dict[str, Any]] = [
    *(_li_appeal(a) for a in SEED_APPEALS),
    {"type": "file_appeal", "appeal_id": "SEED-CHEN", "appellant_employee_id": "chen",
     "contested_period": "2026-Q2", "contested_employee_id": "chen",
     "grounds": "my points are missing", "received_on": "2026-07-01",
     "filed_on": "2026-07-02"},
    # Graded subjects (no grading rulebook is adopted: their entries are refused by the
    # ledger, after the right to write them is checked).
    {"type": "enrol_subject", "subject_id": "s-internal", "name": "S internal",
     "unit_id": "internal", "enrolled_on": "2026-01-01"},
    {"type": "enrol_subject", "subject_id": "s-surgery", "name": "S surgery",
     "unit_id": "surgery", "enrolled_on": "2026-01-01"},
]
ASSIGNMENTS = [{"type": "assign_appeal", "appeal_id": a, "reviewer": "rev"}
               for a in SEED_APPEALS if a != "SEED-A"]
DECISIONS = [{"type": "decide_appeal", "appeal_id": f"SEED-E-{r}", "outcome": "uphold",
              "decided_on": "2026-04-10"} for r in ESCALATING_ROLES]
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
        for rows, actor in ((EXTRA_FACTS, "seed"), (APPEAL_FACTS, "seed"),
                            (ASSIGNMENTS, "seed"), (DECISIONS, "rev")):
            ledger.record(ledger.parse_commands([(f"seed {i}", row)
                                                 for i, row in enumerate(rows)]), actor)
        seeder = Caller("seed")
        for name, user_id, role, scope in USERS:
            tokens[name] = users.add_user(session, seeder, users.NewUser(
                user_id=user_id, name=user_id, role=role, **scope))
        users.disable_user(session, seeder, "gone", reason="left the hospital")
        users.rotate_token(session, seeder, "rot", reason="token leaked")
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


class Clock:
    """A settable clock for the sign-in limits (ServerSettings.clock)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now
