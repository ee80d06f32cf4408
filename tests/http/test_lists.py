"""The list endpoints: each role sees its scope (through the use cases), pages chain by
`next_after` to the whole list, and every body fits its model; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from seeding import Served

ALL_EMPLOYEES = ["chen", "li", "wang", "zhang"]


def _ids(served: Served, role: str, path: str, items: str, key: str, **params: Any) -> list[str]:
    response = served.get(role, path, **params)
    assert response.status_code == 200, response.text
    return [row[key] for row in response.json()[items]]


@pytest.mark.parametrize(("role", "expected"), [
    ("administrator", ALL_EMPLOYEES), ("auditor", ALL_EMPLOYEES),
    ("finance", ALL_EMPLOYEES), ("head", ["li", "wang", "zhang"]), ("employee", ["li"])])
def test_the_roster_shows_each_role_its_scope(served: Served, role: str,
                                              expected: list[str]) -> None:
    assert _ids(served, role, "/employees", "employees", "employee_id",
                on="2026-06-01") == expected


@pytest.mark.parametrize(("role", "expected"), [
    ("administrator", ["internal", "surgery"]), ("reviewer", ["internal", "surgery"]),
    ("head", ["internal"]), ("employee", [])])
def test_departments_show_a_head_their_own_and_an_employee_none(
        served: Served, role: str, expected: list[str]) -> None:
    assert _ids(served, role, "/departments", "departments", "department_id") == expected


def test_pages_chain_to_the_whole_roster(served: Served) -> None:
    seen: list[str] = []
    after: str | None = None
    for _ in range(10):  # bounded: 4 people, 1 a page
        params: dict[str, Any] = {"limit": 1, "on": "2026-06-01"}
        if after is not None:
            params["after"] = after
        body = served.get("administrator", "/employees", **params).json()
        seen += [e["employee_id"] for e in body["employees"]]
        after = body["next_after"]
        if after is None:
            break
    assert seen == ALL_EMPLOYEES


def test_a_department_defined_later_is_listed_as_first_defined(served: Served) -> None:
    body = served.get("administrator", "/departments", on="2026-01-15").json()
    surgery = next(d for d in body["departments"] if d["department_id"] == "surgery")
    assert surgery["effective_on"] == "2026-04-01"
    assert body["on"] == "2026-01-15"


def test_periods_list_the_closed_quarter_with_its_statement_hash(served: Served) -> None:
    periods = {p["period"]: p for p in served.get("employee", "/periods").json()["periods"]}
    assert periods["2026-Q1"]["closed"] is True
    assert len(periods["2026-Q1"]["statement_sha256"]) == 64
    assert all(not p["closed"] for name, p in periods.items() if name != "2026-Q1")


def test_users_page_by_id_and_unpaged_stay_as_they_were(served: Served) -> None:
    whole = served.get("administrator", "/users").json()
    assert list(whole) == ["users"]  # no paging asked: the body of before
    ids = [u["user_id"] for u in whole["users"]]
    first = served.get("administrator", "/users", limit=3).json()
    rest = served.get("administrator", "/users", after=first["next_after"]).json()
    assert [u["user_id"] for u in first["users"] + rest["users"]] == ids
    assert rest["next_after"] is None
    assert not any("token_sha256" in u for u in whole["users"])


def test_the_appeal_queue_pages_in_its_own_order(served: Served) -> None:
    params = {"today": "2026-05-01", "all": "true"}
    whole = [a["appeal_id"] for a in served.get("administrator", "/appeals",
                                                **params).json()["appeals"]]
    seen: list[str] = []
    after: str | None = None
    for _ in range(len(whole) + 1):
        page = served.get("administrator", "/appeals", limit=2,
                          **params, **({"after": after} if after else {})).json()
        seen += [a["appeal_id"] for a in page["appeals"]]
        after = page["next_after"]
        if after is None:
            break
    assert seen == whole


def test_an_employee_pages_only_their_own_appeals(served: Served) -> None:
    body = served.get("employee", "/appeals", today="2026-05-01", all="true", limit=50).json()
    assert body["appeals"]
    assert all(a["appellant"] == "li" for a in body["appeals"])
    assert body["next_after"] is None
