"""Appeals, grades and the what-if over HTTP, on SQLite and PostgreSQL: an employee files,
an administrator assigns a reviewer user, the reviewer previews and revokes and the
payout changes; a recused reviewer is refused by name; a what-if writes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from seeding import LI_COMPLAINT, Served, seeded, serve

from api.storage.session import Session


@pytest.fixture
def fresh(store) -> Iterator[Served]:  # type: ignore[no-untyped-def]
    with serve(store.env) as client:
        served = seeded(store.env, client)
        yield served
        served.close()


SECOND_QUARTER = [
    {"type": "declare_pool", "period": "2026-Q2", "amount_cny": "30962.50"},
    {"type": "record_department_figures", "period": "2026-Q2", "department_id": "internal",
     "workload_base": "1000", "workload_actual": "1000", "medical_revenue_cny": "100000.00",
     "full_cost_cny": "100000.00"},
    {"type": "record_department_figures", "period": "2026-Q2", "department_id": "surgery",
     "workload_base": "1000", "workload_actual": "1000", "medical_revenue_cny": "100000.00",
     "full_cost_cny": "100000.00"},
]


def _restated(served: Served) -> list[str]:
    """Who the closed 2026-Q1 owes a different amount now."""
    report = served.get("finance", "/periods/2026-Q1/restatement").json()
    return [row["id"] for row in report["people"]]


def _only_the_read_was_logged(served: Served, count: int) -> None:
    """Nothing of a what-if or a preview is written: the one new event is the access
    log's record that the caller was shown people's pay (issue 14)."""
    with Session(served.env) as session:
        new = [type(event).__name__ for _, event in session.ledger.read(after=count)]
    assert new == ["PersonalDataRead"]


def _file(served: Served, appeal_id: str, entry: str) -> None:
    filed = served.post("employee", "/commands", {
        "type": "file_appeal", "appeal_id": appeal_id, "appellant_employee_id": "li",
        "contested_entry_id": entry, "grounds": "the patient withdrew the complaint",
        "received_on": "2026-04-01", "filed_on": "2026-04-03"})
    assert filed.status_code == 201, filed.text


def test_an_appeal_filed_assigned_previewed_and_revoked(fresh: Served) -> None:
    assert _restated(fresh) == []
    _file(fresh, "H-1", LI_COMPLAINT)
    shown = fresh.get("employee", "/appeals/H-1").json()
    assert (shown["status"], shown["filed_by"]) == ("filed", "li-user")
    assigned = fresh.post("administrator", "/commands",
                          {"type": "assign_appeal", "appeal_id": "H-1", "reviewer": "rev"})
    assert assigned.status_code == 201, assigned.text
    queue = fresh.get("head", "/appeals", today="2026-05-20").json()["appeals"]
    assert [(a["appeal_id"], a["overdue"]) for a in queue if a["appeal_id"] == "H-1"] == [
        ("H-1", True)]  # 20 working days after 3 April have passed by 20 May

    count = fresh.event_count()
    preview = fresh.get("reviewer", "/appeals/H-1/preview", outcome="revoke")
    assert preview.status_code == 200, preview.text
    assert preview.json()["reviewer_recusals"] == {"rev": []}
    _only_the_read_was_logged(fresh, count)  # a preview writes nothing else

    decided = fresh.post("reviewer", "/commands", {
        "type": "decide_appeal", "appeal_id": "H-1", "outcome": "revoke",
        "decided_on": "2026-04-20", "reason": "withdrawn"})
    assert decided.status_code == 201, decided.text
    assert len(decided.json()["events"]) > 1  # the decision and its correction
    assert fresh.get("employee", "/appeals/H-1").json()["status"] == "decided: revoke"
    assert "li" in _restated(fresh)  # the revoked deduction is restated (the pool too)


def test_a_recused_reviewer_is_refused_by_name(fresh: Served) -> None:
    # The reviewer user recorded li's 2026-Q2 score (say, before changing roles).
    with Session(fresh.env) as session:
        ledger = session.ledger
        report = ledger.record(ledger.parse_commands([("row", {
            "type": "record_score", "period": "2026-Q2", "employee_id": "li",
            "item": "quantity", "points": "20"})]), "rev")
    entry = str(report.recorded[0].originator_id)
    _file(fresh, "H-2", entry)
    refused = fresh.post("administrator", "/commands",
                         {"type": "assign_appeal", "appeal_id": "H-2", "reviewer": "rev"})
    assert refused.status_code == 422, refused.text
    reasons = [p["reason"] for p in refused.json()["error"]["problems"]]
    assert any("rev 须回避" in r and "审核人录入了被申诉的条目" in r for r in reasons)


def test_an_employee_files_only_for_themselves(fresh: Served) -> None:
    count = fresh.event_count()
    refused = fresh.post("employee", "/commands", {
        "type": "file_appeal", "appeal_id": "H-3", "appellant_employee_id": "zhang",
        "contested_entry_id": LI_COMPLAINT, "grounds": "x", "received_on": "2026-04-01",
        "filed_on": "2026-04-03"})
    assert refused.status_code == 403
    assert fresh.event_count() == count
    assert "file_appeal" in fresh.get("employee", "/me").json()["may_issue"]


def test_a_what_if_writes_nothing(fresh: Served) -> None:
    count = fresh.event_count()
    blocked = fresh.get("auditor", "/periods/2026-Q2/payout")
    assert blocked.json()["error"]["code"] == "calculation_blocked"
    response = fresh.post("auditor", "/periods/2026-Q2/payout/what-if", SECOND_QUARTER)
    assert response.status_code == 200, response.text
    assert {p["employee_id"] for p in response.json()["people"]} >= {"li", "wang", "zhang"}
    _only_the_read_was_logged(fresh, count)
    bad = fresh.post("auditor", "/periods/2026-Q1/payout/what-if", [{"type": "nope"}])
    assert bad.status_code == 422
    assert bad.json()["error"]["problems"][0]["where"] == "row 0"
