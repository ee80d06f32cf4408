"""`GET /periods/{p}/payout?restated=true`: closed vs restated, scoped, 409 when open."""

from __future__ import annotations

from seeding import Served


def test_a_closed_period_restated_over_http(served: Served) -> None:
    response = served.get("finance", "/periods/2026-Q1/payout", restated="true")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["hash_verified"] is True
    assert body["closed"] == served.get("finance", "/periods/2026-Q1/payout",
                                        figures="true").json()
    plain = served.get("finance", "/periods/2026-Q1/payout").json()
    assert all("figures" not in line for line in plain["people"])  # opt-in (old clients)
    for person in body["people"]:
        assert person["figures"]["points"]["restated"] is not None
    assert {p["employee_id"] for p in body["people"]} == {
        p["employee_id"] for p in body["restated"]["people"]}


def test_restated_is_scoped_and_refused_for_an_open_period(served: Served) -> None:
    own = served.get("employee", "/periods/2026-Q1/payout", restated="true")
    assert own.status_code == 200, own.text
    body = own.json()
    assert body["delta_total"] is None
    assert body["pool"] == []
    assert len(body["people"]) <= 1
    open_period = served.get("finance", "/periods/2026-Q2/payout", restated="true")
    assert open_period.status_code == 409
    assert "2026-Q2 未结账，没有可重述的已结报表" in open_period.text
    assert "not closed" not in open_period.text
    english = served.client.get("/periods/2026-Q2/payout", params={"restated": "true"},
                                headers={**served.headers("finance"), "Accept-Language": "en"})
    assert english.status_code == 409
    assert "2026-Q2 is not closed: there is no closed statement to restate" in english.text
    assert "未结账" not in english.text
