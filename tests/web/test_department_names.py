"""Pages that list people name each person's department as people know it (its name at
the period's end), not by its id: the reviewer's preview of a decision and finance's
restatement, as the head's grid does."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from journey_support import Ledger
from web_support import Demo, copy_demo, sign_in

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.session import Session
from api.usecases.ledger import Batch, apply_batch
from domain.periods import Period

PERIOD = "2026-Q1"


@pytest.fixture(scope="module")
def decided(demo_master: Demo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A closed 2026-Q1 with a filed appeal, previewed by a reviewer, then decided."""
    demo = copy_demo(demo_master, tmp_path_factory.mktemp("names"))
    ledger = Ledger(demo.env)
    ledger.close_q1()
    appeal = ledger.file_appeal()
    app = create_app(ServerSettings(store_env=demo.env))
    with TestClient(app) as reviewer, TestClient(app) as finance:
        sign_in(reviewer, "reviewer", demo.passwords["reviewer"])
        preview = reviewer.get(f"/web/appeals/{appeal}/preview",
                               params={"outcome": "change", "field": "points", "value": "48"},
                               headers={"HX-Request": "true"})
        ledger.decide(appeal)
        sign_in(finance, "finance", demo.passwords["finance"])
        restated = finance.get(f"/web/periods/{PERIOD}/restated")
    with Session(demo.env) as session:
        facts = session.facts()
        names = {d: facts.department_on(d, Period.parse(PERIOD).last_day)
                 for d in facts.department_ids()}
    return {"preview": preview, "restated": restated,
            "names": {d: defined.name for d, defined in names.items() if defined}}


def department_cells(page: str) -> list[str]:
    """The second cell of each person's row (科室)."""
    return re.findall(r"<tr><td>E\d+ [^<]*</td><td>([^<]*)</td>", html.unescape(page))


@pytest.mark.parametrize("page", ["preview", "restated"])
def test_people_are_listed_with_their_departments_name(decided: dict[str, Any],
                                                       page: str) -> None:
    answer = decided[page]
    assert answer.status_code == 200, answer.text[:500]
    cells = department_cells(answer.text)
    assert cells, answer.text[:1500]
    names = decided["names"]
    assert all(name != department for department, name in names.items())
    assert set(cells) <= set(names.values())
    assert not set(cells) & set(names)  # no id where a name belongs


def _names(demo: Demo) -> dict[str, str]:
    with Session(demo.env) as session:
        facts = session.facts()
        defined = {d: facts.department_on(d, Period.parse(PERIOD).last_day)
                   for d in facts.department_ids()}
    return {d: found.name for d, found in defined.items() if found}


def _signed_in(demo: Demo, role: str, language: str) -> TestClient:
    client = TestClient(create_app(ServerSettings(store_env=demo.env)))
    sign_in(client, role, demo.passwords[role])
    client.get(f"/language/{language}")
    return client


# a name, then its id in small print (as the event type column shows the class id)
NAMED = r'([^<>]+?) <small class="muted type-id">([^<]+)</small>'


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_employees_history_names_each_periods_department(demo: Demo,
                                                             language: str) -> None:
    names = _names(demo)
    with _signed_in(demo, "employee", language) as client:
        answer = client.get("/web/me/history")
    assert answer.status_code == 200, answer.text[-800:]
    rows = re.findall(r"<tr><td><a [^>]*>[^<]*</a></td><td>" + NAMED + "</td>",
                      html.unescape(answer.text))
    assert rows, answer.text[-1500:]
    assert all(names[department] == name for name, department in rows), rows


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_auditors_history_names_the_department_an_event_is_about(
        demo: Demo, language: str) -> None:
    names = _names(demo)
    department = sorted(names)[0]
    with _signed_in(demo, "auditor", language) as client:
        answer = client.get("/web/audit", params={"subject": department})
    assert answer.status_code == 200, answer.text[-800:]
    about = re.findall(r"<td>[\w-]* " + NAMED + r"[^<]*</td><td>[^<]*</td></tr>",
                       html.unescape(answer.text))
    assert about, answer.text[-1500:]
    assert set(about) == {(names[department], department)}


def test_a_departments_definitions_are_each_named_as_they_defined_it(
        demo_master: Demo, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A definition has no period: it was named by the department's last name, so the
    event that defined 内科 read as about the department renamed since."""
    demo = copy_demo(demo_master, tmp_path_factory.mktemp("renamed"))
    first = _names(demo)["internal"]
    renamed = {"type": "define_department", "department_id": "internal",
               "name": "大内科 general medicine", "kind": "clinical",
               "risk_coefficient": "1.10", "effective_on": "2026-07-01"}
    Ledger(demo.env).as_user("admin", apply_batch, Batch([("rename", renamed)]))
    with _signed_in(demo, "auditor", "en") as client:
        answer = client.get("/web/audit", params={"subject": "internal",
                                                  "type": "DepartmentDefined"})
    assert answer.status_code == 200, answer.text[-800:]
    about = re.findall(r"<td>[\w-]* " + NAMED + r"[^<]*</td><td>[^<]*</td></tr>",
                       html.unescape(answer.text))
    assert about == [(first, "internal"), (renamed["name"], "internal")], about
