"""Every kind of error, as one table: status code, error code and the named problems,
on SQLite and PostgreSQL. Nothing in this table writes (each request is refused)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from seeding import Served


@dataclass(frozen=True)
class Case:
    name: str
    role: str
    method: str
    path: str
    status: int
    code: str
    problems: tuple[tuple[str, str], ...] = ()  # (where, field) that must be named
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


CASES = (
    # 401: who are you?
    Case("no credentials", "anonymous", "GET", "/me", 401, "unauthenticated"),
    Case("a token nobody holds", "anonymous", "GET", "/me", 401, "unauthenticated",
         headers={"Authorization": "Bearer jx_not-a-token"}),
    Case("not a bearer token", "anonymous", "GET", "/me", 401, "unauthenticated",
         headers={"Authorization": "Basic YWRtaW46YWRtaW4="}),
    Case("a disabled user's token", "disabled", "GET", "/me", 401, "unauthenticated"),
    Case("a token rotated away", "rotated", "GET", "/me", 401, "unauthenticated"),
    # 403: not yours
    Case("an employee writes", "employee", "POST", "/commands", 403, "forbidden",
         (("body", "type"),), body={"type": "record_score", "period": "2026-Q2",
                                    "employee_id": "li", "item": "quantity", "points": "99"}),
    Case("a forbidden type that does not even parse", "auditor", "POST", "/commands", 403,
         "forbidden", (("body", "type"),), body={"type": "declare_pool", "period": "no"}),
    Case("a head writes outside their departments", "head", "POST", "/commands", 403,
         "forbidden", (("body", "employee_id"),),
         body={"type": "record_score", "period": "2026-Q2", "employee_id": "chen",
               "item": "quantity", "points": "30"}),
    Case("an employee reads the reconciliation", "employee", "GET",
         "/periods/2026-Q1/reconciliation", 403, "forbidden"),
    # A colleague answers as if there were none (issue 14): 404, not 403.
    Case("an employee reads a colleague", "employee", "GET", "/employees/zhang/statements",
         404, "not_found"),
    # 404: no such thing
    Case("an unknown employee", "auditor", "GET", "/employees/nobody/statements", 404,
         "not_found"),
    Case("an unknown department", "auditor", "GET", "/departments/nowhere/history", 404,
         "not_found"),
    Case("an unknown figure", "auditor", "GET", "/periods/2026-Q1/explain?figure=no:such",
         404, "not_found"),
    Case("an employee not paid in the period", "auditor", "GET",
         "/periods/2026-Q1/explain?employee=chen", 404, "not_found"),
    Case("an unknown route", "auditor", "GET", "/no/such/route", 404, "http_404"),
    # 409: the state does not allow it
    Case("restating an open period", "auditor", "GET", "/periods/2026-Q2/restatement", 409,
         "conflict"),
    # 422: fix the request
    Case("an invalid field", "administrator", "POST", "/commands", 422, "rejected",
         (("body", "kind"),), body={"type": "define_department", "department_id": "x",
                                    "name": "X", "kind": "neither", "effective_on": "2026-01-01"}),
    Case("money with three decimals", "finance", "POST", "/commands", 422, "rejected",
         (("body", "amount_cny"),), raw=b'{"type": "declare_pool", "period": "2026-Q3", '
                                        b'"amount_cny": 1.234}'),
    Case("a closed period", "head", "POST", "/commands", 422, "rejected",
         (("body", "period"),), body={"type": "record_deduction", "period": "2026-Q1",
                                      "employee_id": "li", "kind": "late", "minutes": 5}),
    Case("a batch names every bad row and field", "head", "POST", "/commands/batch", 422,
         "rejected", (("row 1", "minutes"), ("row 2", "scheduled_days")), body=[
             {"type": "record_score", "period": "2026-Q3", "employee_id": "li",
              "item": "quantity", "points": "30"},
             {"type": "record_deduction", "period": "2026-Q3", "employee_id": "zhang",
              "kind": "late"},
             {"type": "record_attendance", "period": "2026-Q3", "employee_id": "wang",
              "scheduled_days": "-1"}]),
    Case("an unknown command type", "administrator", "POST", "/commands", 422, "rejected",
         (("body", "type"),), body={"type": "pay_everyone_double"}),
    Case("a body that is not JSON", "administrator", "POST", "/commands", 422, "rejected",
         (("body", ""),), raw=b"{not json"),
    Case("a batch that is not an array", "administrator", "POST", "/commands/batch", 422,
         "rejected", (("body", ""),), body={"type": "define_department"}),
    Case("a key in the body and the header", "administrator", "POST", "/commands", 422,
         "rejected", (("body", "idempotency_key"),),
         body={"type": "record_departure", "employee_id": "wang",
               "effective_on": "2026-12-31", "idempotency_key": "in-body"},
         headers={"Idempotency-Key": "in-header"}),
    Case("a period that is not one", "auditor", "GET", "/periods/2026-Q9/payout", 422,
         "invalid_request"),
    Case("a malformed as-of instant", "auditor", "GET",
         "/periods/2026-Q1/payout?as_of=yesterday", 422, "rejected", (("query", "as_of"),)),
    Case("a depth out of range", "auditor", "GET",
         "/periods/2026-Q1/explain?employee=li&depth=0", 422, "rejected",
         (("query", "depth"),)),
    Case("explain without a subject", "auditor", "GET", "/periods/2026-Q1/explain", 422,
         "invalid_request"),
    Case("a diff from a point that is not one", "auditor", "GET",
         "/periods/2026-Q1/diff?from=last-week", 422, "invalid_request"),
    Case("a period that cannot be calculated yet", "auditor", "GET",
         "/periods/2026-Q2/payout", 422, "calculation_blocked", (("2026-Q2", "pool"),)),
)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_error_has_its_status_code_and_names_its_problems(served: Served,
                                                               case: Case) -> None:
    before = served.event_count()
    headers = {**served.headers(case.role), **case.headers}
    if case.method == "GET":
        response = served.client.get(case.path, headers=headers)
    elif case.raw is not None:
        response = served.client.post(case.path, headers={
            **headers, "Content-Type": "application/json"}, content=case.raw)
    else:
        response = served.client.post(case.path, headers=headers, json=case.body)
    assert response.status_code == case.status, response.text
    error = response.json()["error"]
    assert error["code"] == case.code
    assert error["message"]
    named = {(p["where"], p["field"]) for p in error["problems"]}
    assert set(case.problems) <= named, error
    if case.status == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert served.event_count() == before
