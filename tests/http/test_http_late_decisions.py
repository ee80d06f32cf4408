"""A late appeal decision over HTTP, on SQLite and PostgreSQL (issue 15): the appeal's
view carries `decided_late` for the appellant and the reviewer, and the restatement of
the closed period carries `appeals_decided_late` for finance."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from seeding import LI_COMPLAINT, Served, seeded, serve


@pytest.fixture
def fresh(store) -> Iterator[Served]:  # type: ignore[no-untyped-def]
    with serve(store.env) as client:
        served = seeded(store.env, client)
        yield served
        served.close()


def test_a_late_decision_shows_on_the_appeal_and_the_restatement(fresh: Served) -> None:
    filed = fresh.post("employee", "/commands", {
        "type": "file_appeal", "appeal_id": "H-9", "appellant_employee_id": "li",
        "contested_entry_id": LI_COMPLAINT, "grounds": "withdrawn",
        "received_on": "2026-04-01", "filed_on": "2026-04-03"})
    assert filed.status_code == 201, filed.text
    assert fresh.post("administrator", "/commands", {
        "type": "assign_appeal", "appeal_id": "H-9", "reviewer": "rev"}).status_code == 201
    assert fresh.get("employee", "/appeals/H-9").json().get("decided_late") is None
    # 20 working days after 3 April end on 7 May; decided on 8 May.
    decided = fresh.post("reviewer", "/commands", {
        "type": "decide_appeal", "appeal_id": "H-9", "outcome": "revoke",
        "decided_on": "2026-05-08", "reason": "withdrawn"})
    assert decided.status_code == 201, decided.text
    for role in ("employee", "reviewer"):
        [late] = fresh.get(role, "/appeals/H-9").json()["decided_late"]
        assert (late["appeal_id"], late["level"], late["decided_on"]) == (
            "H-9", 1, "2026-05-08")
    restatement = fresh.get("finance", "/periods/2026-Q1/restatement")
    assert restatement.status_code == 200, restatement.text
    assert restatement.json()["appeals_decided_late"] == [late]
