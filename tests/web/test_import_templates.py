"""The import page offers a blank template beside each kind the reader may import; a
head's template lists only the people of the departments they head (issue 13)."""

from __future__ import annotations

import io
import re

import openpyxl
from fastapi.testclient import TestClient
from web_support import Demo, sign_in

from api.storage.session import Session
from api.usecases.ports import today_local


def _links(client: TestClient) -> set[str]:
    page = client.get("/web/import")
    assert page.status_code == 200, page.text[-800:]
    return set(re.findall(r'href="(/web/import/template/[^"]+)"', page.text))


def _people(content: bytes) -> set[str]:
    """The 工号 list of the template's hidden `lists` sheet (codes in brackets)."""
    sheet = openpyxl.load_workbook(io.BytesIO(content))["lists"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("工号(employee_id)") + 1
    return {re.sub(r".*\((.+)\)$", r"\1", str(row[column - 1])) for row
            in sheet.iter_rows(min_row=2, values_only=True) if row[column - 1]}


def test_a_head_downloads_an_entries_template_of_their_own_people(
        app_client: TestClient, demo: Demo) -> None:
    sign_in(app_client, "head", demo.passwords["head"])
    links = _links(app_client)
    assert {link.split("?")[0] for link in links} == {"/web/import/template/entries"}
    assert len(links) == 3  # XLSX and two CSV encodings
    reply = app_client.get("/web/import/template/entries?format=xlsx")
    assert reply.status_code == 200, reply.text[-400:]
    assert "filename*=UTF-8''" in reply.headers["content-disposition"]
    with Session(demo.env) as session:
        facts = session.facts()
        today = today_local()
        headed = session.users().users["head"].department_ids
        own = {p for p in facts.employee_ids() if (state := facts.employee_on(p, today))
               is not None and state.department_id in headed}
        everyone = set(facts.employee_ids())
    listed = _people(reply.content)
    assert listed == own
    assert listed < everyone
    assert app_client.get("/web/import/template/roster").status_code == 403


def test_an_employee_is_offered_no_template(app_client: TestClient, demo: Demo) -> None:
    sign_in(app_client, "employee", demo.passwords["employee"])
    assert app_client.get("/web/import/template/entries").status_code == 403
