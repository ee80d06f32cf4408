"""The ledger's settings over HTTP (issue 14): `GET /settings` for every user, `POST
/settings` for administrators; the date window set there holds every later command."""

from __future__ import annotations

from seeding import seeded, serve


def test_the_window_over_http(store) -> None:  # type: ignore[no-untyped-def]
    department = {"type": "define_department", "department_id": "w-1", "name": "W",
                  "kind": "clinical", "risk_coefficient": "1", "effective_on": "2031-01-02"}
    with serve(store.env) as client:
        served = seeded(store.env, client)
        before = served.get("employee", "/settings")
        refused = served.post("finance", "/settings", {"dates_to": "2030-12-31"})
        unknown = served.post("administrator", "/settings", {"dates_until": "2030-12-31"})
        accepted = served.post("administrator", "/commands", {**department, "department_id": "w-0"})
        changed = served.post("administrator", "/settings", {"dates_to": "2030-12-31"})
        one_person = served.post("administrator", "/settings", {"close_approval": False})
        not_a_switch = served.post("administrator", "/settings", {"close_approval": "no"})
        after = served.post("administrator", "/commands", department)
        what_if = served.post("finance", "/periods/2026-Q2/payout/what-if", [
            {"type": "record_leave", "employee_id": "li", "kind": "sick",
             "first_day": "2031-01-01", "last_day": "2031-01-02"}])
        served.close()
    assert before.status_code == 200, before.text
    assert before.json()["dates_to"] == "2099-12-31"
    assert refused.status_code == 403, refused.text
    assert unknown.status_code == 422, unknown.text
    assert unknown.json()["error"]["problems"][0]["field"] == "dates_until"
    assert accepted.status_code == 201, accepted.text
    assert changed.status_code == 200, changed.text
    assert changed.json()["dates_to"] == "2030-12-31"
    assert one_person.status_code == 200, one_person.text
    assert one_person.json()["close_approval"] is False
    assert one_person.json()["dates_to"] == "2030-12-31"
    assert not_a_switch.status_code == 422, not_a_switch.text
    assert not_a_switch.json()["error"]["problems"][0]["field"] == "close_approval"
    assert after.status_code == 422, after.text
    problems = after.json()["error"]["problems"]
    assert [p["field"] for p in problems] == ["effective_on"]
    assert all("2030-12-31" in p["reason"] for p in problems)
    assert what_if.status_code == 422, what_if.text
    assert "2030-12-31" in what_if.text
