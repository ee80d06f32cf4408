"""`GET /periods/{p}/payout?figures=true`: every intermediate by name, scoped like the
statement; without the flag the body is what it always was."""

from __future__ import annotations

from seeding import Served


def test_figures_for_finance_are_every_line_and_the_organisation(served: Served) -> None:
    body = served.get("finance", "/periods/2026-Q1/payout", figures="true").json()
    people = {p["employee_id"]: p for p in body["people"]}
    # Worked example 1 (S11-R32…R42): the sheet of Li, by figure name.
    assert {k: people["li"]["figures"][k] for k in (
        "pre_attendance", "attendance", "score", "pay")} == {
        "pre_attendance": "100", "attendance": "3.125", "score": "96.875", "pay": "9687.50"}
    internal = next(d for d in body["departments"] if d["department_id"] == "internal")
    assert internal["figures"]["points"] == "309.625"
    assert "pool:distributable" in body["figures"]
    plain = served.get("finance", "/periods/2026-Q1/payout").json()
    assert "figures" not in plain
    assert {k: v for k, v in body.items() if k not in ("figures", "people", "departments")} == {
        k: v for k, v in plain.items() if k not in ("people", "departments")}


def test_an_employee_sees_only_their_own_figures(served: Served) -> None:
    body = served.get("employee", "/periods/2026-Q1/payout", figures="true").json()
    assert [p["employee_id"] for p in body["people"]] == ["li"]
    assert body["people"][0]["figures"]["score"] == "96.875"
    assert "figures" not in body  # organisation-wide figures are finance's and auditors'
