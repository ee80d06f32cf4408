"""Issue 14, item 7: an explanation shows a reader only what is theirs to read, at any
depth; objects outside their scope answer as missing; reads of another person's data
are recorded in the ledger (who, when, whose)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from seeding import ROLES, Served

from api.storage.session import Session
from api.usecases.ports import Caller
from api.usecases.reports import ExplainQuery, explain

PERIOD = "2026-Q1"
PEOPLE = ("zhang", "li", "wang")  # worked example 1: all three in `internal`
# What each role may see of a person's figures; the employee user is li.
READABLE = {"administrator": set(PEOPLE), "finance": set(PEOPLE), "head": set(PEOPLE),
            "reviewer": set(PEOPLE), "auditor": set(PEOPLE), "employee": {"li"}}


def _nodes(trees: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    stack = list(trees)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.get("because") or ())


def _people_named(node: dict[str, Any]) -> set[str]:
    named = set()
    for key in (node["key"], *node["inputs"]):
        kind, _, rest = key.partition(":")
        if kind == "person":
            named.add(rest.split(":", 1)[0])
    return named


def _every_figure(served: Served) -> list[str]:
    """Every figure key of the period's explanations, as the administrator sees them."""
    keys: set[str] = set()
    for query in [*(f"employee={p}" for p in PEOPLE), "department=internal"]:
        body = served.get("administrator", f"/periods/{PERIOD}/explain?{query}&depth=64")
        assert body.status_code == 200, body.text
        for node in _nodes(body.json()["explain"]):
            keys.add(node["key"])
            keys.update(node["inputs"])
    return sorted(keys)


def _queries(served: Served) -> list[str]:
    return [*(f"employee={p}" for p in PEOPLE), "department=internal",
            *(f"figure={key}" for key in _every_figure(served))]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_no_explanation_names_a_person_the_reader_may_not_read(served: Served,
                                                               role: str) -> None:
    hidden = set(PEOPLE) - READABLE[role]
    shown = 0
    for query in _queries(served):
        response = served.get(role, f"/periods/{PERIOD}/explain?{query}&depth=64")
        if response.status_code == 404:
            continue  # out of scope answers as missing
        assert response.status_code in (200, 403), (query, response.text)
        if response.status_code == 403:
            continue  # an organisation-wide figure, refused by role
        shown += 1
        trees = response.json()["explain"]
        for node in _nodes(trees):
            assert _people_named(node) <= READABLE[role], (role, query, node["key"])
        text = json.dumps(trees, ensure_ascii=False)
        for person in hidden:
            assert f"person:{person}:" not in text, (role, query)
    assert shown > 0


def test_an_employee_sees_their_departments_aggregates_but_no_colleague(
        served: Served) -> None:
    response = served.get("employee", f"/periods/{PERIOD}/explain?employee=li&depth=64")
    assert response.status_code == 200, response.text
    nodes = list(_nodes(response.json()["explain"]))
    keys = {node["key"] for node in nodes}
    assert any(k.startswith("dept:internal:") for k in keys)  # total points, value of a point
    assert any(node.get("inputs_hidden") for node in nodes)  # colleagues: counted, not named
    for colleague in ("zhang", "wang"):
        assert not any(colleague in json.dumps(node) for node in nodes)


def test_a_colleague_answers_as_missing(served: Served) -> None:
    colleague = served.get("employee", "/employees/zhang/statements")
    nobody = served.get("employee", "/employees/nobody/statements")
    assert colleague.status_code == nobody.status_code == 404
    assert colleague.json()["error"]["code"] == nobody.json()["error"]["code"]


def test_reading_another_persons_explanation_is_recorded(served: Served) -> None:
    before = served.event_count()
    assert served.get("head", f"/periods/{PERIOD}/explain?employee=zhang").status_code == 200
    assert served.event_count() == before + 1
    log = served.get("auditor", "/audit/events", type="record_access", limit=1000).json()
    last = log["events"][-1]
    # Whose data the answer held: zhang's lines, and the department's points of all three.
    assert (last["actor"], last["subject_employee_ids"]) == ("head-internal",
                                                             ["li", "wang", "zhang"])
    assert last["view"] == f"explain {PERIOD}"
    assert last["recorded_at"]
    # Reading one's own explanation is not another person's data: nothing recorded.
    before = served.event_count()
    assert served.get("employee", f"/periods/{PERIOD}/explain?employee=li").status_code == 200
    assert served.event_count() == before


def _last_access(served: Served) -> dict[str, object]:
    log = served.get("auditor", "/audit/events", type="record_access", limit=1000).json()
    return log["events"][-1]  # type: ignore[no-any-return]


def test_what_if_and_preview_reads_of_peoples_pay_are_recorded(served: Served) -> None:
    """A what-if shows real lines beside the hypothetical ones; an appeal preview shows
    people's pay now and as if decided: both are reads of other people's pay."""
    # (PERIOD is closed: the what-if adds a later fact, which leaves its lines as they are.)
    late = [{"type": "record_deduction", "period": "2026-Q2", "employee_id": "wang",
             "kind": "late", "minutes": 90}]
    before = served.event_count()
    what_if = served.post("finance", f"/periods/{PERIOD}/payout/what-if", late)
    assert what_if.status_code == 200, what_if.text
    assert served.event_count() == before + 1
    last = _last_access(served)
    assert (last["actor"], last["view"]) == ("fin", f"what-if payout {PERIOD}")
    assert last["subject_employee_ids"] == sorted(
        line["employee_id"] for line in what_if.json()["people"])
    preview = served.get("finance", "/appeals/SEED-A/preview", outcome="revoke")
    assert preview.status_code == 200, preview.text
    assert served.event_count() == before + 2
    last = _last_access(served)
    assert (last["actor"], last["view"]) == ("fin", "appeal preview SEED-A")
    assert last["subject_employee_ids"] == sorted(r["id"] for r in preview.json()["people"])
    assert last["subject_employee_ids"]


def test_the_use_case_filters_alike(served: Served) -> None:
    with Session(served.env) as session:
        li = session.users().users["li-user"]
        result = explain(session, Caller.of(li),
                         ExplainQuery(PERIOD, employee="li", depth=64))
    for node in _nodes(result["explain"]):
        assert _people_named(node) <= {"li"}
