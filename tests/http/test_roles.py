"""Who may do what: every role against every endpoint, as one status-code table, on
SQLite and PostgreSQL (docs/http.md has the same table in words).

Each write row is allowed to exactly one role; that role's request records it, every
other role's request is refused and writes nothing. Rows are independent of each other's
order. Columns: administrator, finance, department head (of `internal`), appeals
reviewer, auditor, employee (li, in `internal`), anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import uuid5

import pytest
from seeding import CLOSE_Q1_KEY, LI_COMPLAINT, Q2_WANG_SCORE_KEY, ROLES, Served

from domain.application import IDEMPOTENCY_NAMESPACE
from domain.shipped_schemes import load_shipped_scheme


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str
    codes: str  # one status per role, in ROLES order
    body: Any = None
    key: str | None = None  # a fixed Idempotency-Key (else one per row and role)

    def expected(self, role: str) -> int:
        return int(self.codes.split()[ROLES.index(role)])


def command(title: str, codes: str, **body: Any) -> Row:
    return Row(title, "POST", "/commands", codes, body)


#            admin fin head rev  aud  emp  anon
EVERYONE = "200 200 200 200 200 200 401"
GLOBAL = "200 200 403 200 200 403 401"  # the whole organisation
HEADS = "200 200 200 200 200 403 401"  # the head's department, not the employee
# Someone else's person or department: answered as if it did not exist (issue 14).
HEADS_OBJECT = "200 200 200 200 200 404 401"
GLOBAL_OBJECT = "200 200 404 200 200 404 401"
NOBODY_ELSE = "403 403 403 403 403 403 401"
ADMIN = "201 403 403 403 403 403 401"
FINANCE = "403 201 403 403 403 403 401"
HEAD = "403 403 201 403 403 403 401"

MATRIX = (
    Row("health", "GET", "/health", "200 200 200 200 200 200 200"),
    Row("me", "GET", "/me", EVERYONE),
    Row("command schemas", "GET", "/schema/commands", EVERYONE),
    Row("users", "GET", "/users", GLOBAL),
    Row("users, paged", "GET", "/users?limit=2&after=admin", GLOBAL),
    Row("employees (each role sees its scope)", "GET", "/employees?on=2026-06-01", EVERYONE),
    Row("departments (a head's own, an employee none)", "GET", "/departments", EVERYONE),
    Row("periods", "GET", "/periods?limit=10", EVERYONE),
    Row("appeal queue, paged", "GET", "/appeals?today=2026-05-01&all=true&limit=2", EVERYONE),
    Row("payout", "GET", "/periods/2026-Q1/payout", EVERYONE),
    Row("payout as of", "GET", "/periods/2026-Q1/payout?as_of=2099-01-01T00:00:00Z", EVERYONE),
    Row("reconciliation", "GET", "/periods/2026-Q1/reconciliation", GLOBAL),
    Row("explain own pay", "GET", "/periods/2026-Q1/explain?employee=li&depth=2", EVERYONE),
    Row("explain a colleague", "GET", "/periods/2026-Q1/explain?employee=zhang", HEADS_OBJECT),
    Row("explain a department", "GET", "/periods/2026-Q1/explain?department=internal",
        HEADS_OBJECT),
    Row("explain a person's figure", "GET",
        "/periods/2026-Q1/explain?figure=person:li:score", EVERYONE),
    Row("explain a hospital figure", "GET",
        "/periods/2026-Q1/explain?figure=hospital:per_point", GLOBAL),
    Row("own statements", "GET", "/employees/li/statements", EVERYONE),
    Row("a colleague's statements", "GET", "/employees/zhang/statements", HEADS_OBJECT),
    Row("another department's person", "GET", "/employees/chen/statements", GLOBAL_OBJECT),
    Row("own history", "GET", "/employees/li/history", EVERYONE),
    Row("another department's person's history", "GET", "/employees/chen/history",
        GLOBAL_OBJECT),
    Row("department history", "GET", "/departments/internal/history", HEADS_OBJECT),
    Row("another department's history", "GET", "/departments/surgery/history", GLOBAL_OBJECT),
    Row("diff", "GET", "/periods/2026-Q1/diff?from=closed&to=now", HEADS),
    Row("restatement", "GET", "/periods/2026-Q1/restatement", EVERYONE),
    Row("audit log", "GET", "/audit/events?type=record_score&limit=5", GLOBAL),
    Row("chain verification", "GET", "/audit/verify", GLOBAL),
    # payroll (issue 13): this server has no master key, so the bank file is refused
    # (422) to the roles allowed it, after the role check (403 for the others).
    Row("own personal details (masked)", "GET", "/employees/li/personal-details", EVERYONE),
    Row("a colleague's personal details", "GET", "/employees/zhang/personal-details", HEADS_OBJECT),
    Row("payroll file", "GET", "/periods/2026-Q1/payroll-file?format=csv", GLOBAL),
    Row("bank file without a master key", "GET", "/periods/2026-Q1/bank-file",
        "422 422 403 403 403 403 401"),
    # writes: administrator
    command("adopt a scheme version", ADMIN, type="adopt_scheme", document={
        **load_shipped_scheme("xinghe-county-hospital"),
        "version": load_shipped_scheme("xinghe-county-hospital")["version"] + 1,
        "effective_from": "2027-01-01"}),
    command("define a department", ADMIN, type="define_department",
            department_id="radiology", name="放射科 radiology", kind="clinical",
            risk_coefficient="1", effective_on="2026-07-01"),
    command("hire", ADMIN, type="hire_employee", employee_id="zhao", name="Zhao",
            department_id="surgery", title_grade="practitioner", hired_on="2026-07-01"),
    command("transfer", ADMIN, type="transfer_employee", employee_id="chen",
            department_id="surgery", effective_on="2026-08-01"),
    command("record leave", ADMIN, type="record_leave", employee_id="zhang", kind="sick",
            first_day="2026-05-04", last_day="2026-05-06"),
    command("register a user", ADMIN, type="register_user", user_id="new-auditor",
            name="New Auditor", role="auditor", token_sha256="ab" * 32),
    # writes: finance
    command("declare a pool", FINANCE, type="declare_pool", period="2026-Q4",
            amount_cny="50000.00"),
    command("department figures", FINANCE, type="record_department_figures",
            period="2026-Q2", department_id="internal", workload_base="1000",
            workload_actual="900", medical_revenue_cny="90000.00", full_cost_cny="80000.00"),
    command("control indicator", FINANCE, type="record_control_indicator", period="2026-Q2",
            department_id="internal", indicator="drug_revenue_ratio", limit="0.4",
            actual="0.35"),
    command("department penalty", FINANCE, type="record_department_penalty",
            period="2026-Q2", department_id="internal", kind="pharmacy_shortage",
            retail_value_cny="120.00"),
    Row("close a period (a retry of the seed's close)", "POST", "/periods/2026-Q1/close",
        FINANCE, {"reason": "quarter paid"}, key=CLOSE_Q1_KEY),
    # writes: department head, in their department only
    command("score", HEAD, type="record_score", period="2026-Q2", employee_id="li",
            item="quantity", points="35"),
    command("deduction", HEAD, type="record_deduction", period="2026-Q2", employee_id="zhang",
            kind="late", minutes=10),
    command("attendance", HEAD, type="record_attendance", period="2026-Q2", employee_id="wang",
            scheduled_days="62"),
    command("void a score (by its writer's role)", HEAD, type="void_entry",
            target_id="UUID-OF-THE-SEEDED-Q2-SCORE", reason="entered twice"),
    command("score someone in another department", NOBODY_ELSE, type="record_score",
            period="2026-Q2", employee_id="chen", item="quantity", points="35"),
    # appeals: the queue and one appeal are scoped like the payout; a preview shows
    # everyone the decision touches
    Row("appeal queue", "GET", "/appeals?today=2026-05-01&all=true", EVERYONE),
    Row("an appeal of li", "GET", "/appeals/SEED-A", EVERYONE),
    Row("an appeal of another department's person", "GET", "/appeals/SEED-CHEN",
        GLOBAL_OBJECT),
    Row("an unknown appeal", "GET", "/appeals/NO-SUCH", "404 404 404 404 404 404 401"),
    Row("preview a decision", "GET", "/appeals/SEED-A/preview?outcome=revoke", GLOBAL),
    command("file an appeal for li", "201 403 201 403 403 201 401", type="file_appeal",
            appeal_id="M-{role}", appellant_employee_id="li",
            contested_entry_id=LI_COMPLAINT, grounds="withdrawn", received_on="2026-04-01",
            filed_on="2026-04-03"),
    command("file an appeal for another department's person", ADMIN, type="file_appeal",
            appeal_id="M-chen-{role}", appellant_employee_id="chen",
            contested_period="2026-Q2", contested_employee_id="chen", grounds="missing",
            received_on="2026-07-01", filed_on="2026-07-02"),
    command("assign an appeal", "201 403 403 201 403 403 401", type="assign_appeal",
            appeal_id="SEED-A", reviewer="reviewer-{role}"),
    command("decide an appeal (the assigned reviewer)", "403 403 403 201 403 403 401",
            type="decide_appeal", appeal_id="SEED-D", outcome="uphold",
            decided_on="2026-04-20"),
    command("escalate a decided appeal", "201 403 201 201 403 201 401",
            type="escalate_appeal", appeal_id="SEED-E-{role}", grounds="still wrong",
            filed_on="2026-04-14"),
    # grading: no rulebook is adopted, so an allowed entry is the ledger's to refuse (422)
    command("enrol a graded subject", ADMIN, type="enrol_subject",
            subject_id="s-{role}", name="S", unit_id="internal", enrolled_on="2026-01-01"),
    command("a complaint about a subject of the head's department", "422 403 422 403 403 403 401",
            type="record_complaint", subject_id="s-internal", kind="patient",
            received_on="2026-03-01"),
    command("a complaint about a subject of another department", "422 403 403 403 403 403 401",
            type="record_complaint", subject_id="s-surgery", kind="patient",
            received_on="2026-03-01"),
    command("a sanction", "422 403 403 403 403 403 401", type="record_sanction",
            subject_id="s-internal", kind="warning", decided_on="2026-03-01"),
    Row("grades", "GET", "/periods/2026-03/grades", "404 404 403 404 404 403 401"),
    # payroll's withholding and the payment channel: finance's (issue 13)
    command("record a withholding", FINANCE, type="record_withholding", pay_period="2026-Q3",
            employee_id="li", tax_withheld_cny="12.34"),
    command("declare who pays", FINANCE, type="declare_payment_channel", channel="bank_file",
            from_period="2026-Q4"),
    # the period's files: scoped as the reports they come from
    Row("statement file", "GET", "/periods/2026-Q1/exports/statement", EVERYONE),
    Row("reconciliation file", "GET", "/periods/2026-Q1/exports/reconciliation?format=csv",
        GLOBAL),
    Row("payroll file", "GET", "/periods/2026-Q1/exports/payroll", GLOBAL),
    Row("grades explained", "GET", "/periods/2026-03/grades/explain?subject=s-internal",
        "404 404 403 404 404 403 401"),
    # what-if: nothing is written
    Row("payout what-if", "POST", "/periods/2026-Q1/payout/what-if", GLOBAL,
        [{"type": "void_entry", "target_id": LI_COMPLAINT, "reason": "what if"}]),
    Row("a batch with one row outside the head's departments", "POST", "/commands/batch",
        NOBODY_ELSE, [
            {"type": "record_score", "period": "2026-Q2", "employee_id": "zhang",
             "item": "quantity", "points": "30"},
            {"type": "record_score", "period": "2026-Q2", "employee_id": "chen",
             "item": "quantity", "points": "30"}]),
)


def _for_role(body: Any, role: str) -> Any:
    """`{role}` in a body's text becomes the role, so a row every role may write once
    (an appeal id, the appeal a role escalates) stays independent of the others."""
    if isinstance(body, dict):
        return {k: _for_role(v, role) for k, v in body.items()}
    if isinstance(body, list):
        return [_for_role(v, role) for v in body]
    return body.replace("{role}", role) if isinstance(body, str) else body


def _seeded_score_id() -> str:
    return str(uuid5(IDEMPOTENCY_NAMESPACE, Q2_WANG_SCORE_KEY))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", MATRIX, ids=[row.name for row in MATRIX])
def test_each_role_may_do_exactly_what_its_row_says(served: Served, row: Row, role: str) -> None:
    key = row.key or f"matrix:{row.name}:{role}" if row.method == "POST" else None
    body = _for_role(row.body, role)
    if isinstance(body, dict) and body.get("target_id") == "UUID-OF-THE-SEEDED-Q2-SCORE":
        body = {**body, "target_id": _seeded_score_id()}
    before = served.event_count()
    if row.method == "GET":
        response = served.client.get(row.path, headers=served.headers(role))
    else:
        response = served.client.post(row.path, headers=served.headers(role, key), json=body)
    assert response.status_code == row.expected(role), response.text
    if response.status_code >= 400:
        assert served.event_count() == before  # a refused request writes nothing
        assert response.json()["error"]["code"]


def test_every_route_is_in_the_matrix(served: Served) -> None:
    routes = {(m, r.path) for r in served.client.app.routes  # type: ignore[attr-defined]
              for m in getattr(r, "methods", ()) if m in ("GET", "POST")}
    documented = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
    covered = {(row.method, row.path.split("?")[0]) for row in MATRIX}
    templates = {(m, p) for m, p in routes if p not in documented}
    missing = [(m, p) for m, p in templates if not any(
        m == cm and _matches(p, cp) for cm, cp in covered)]
    assert missing == []


def _matches(template: str, path: str) -> bool:
    parts, actual = template.strip("/").split("/"), path.strip("/").split("/")
    return len(parts) == len(actual) and all(
        p.startswith("{") or p == a for p, a in zip(parts, actual, strict=True))
