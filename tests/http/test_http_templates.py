"""`GET /templates/{kind}`: an import kind's template over HTTP, the same use case as
`jixiao template`, its drop-downs scoped to the caller, on SQLite and PostgreSQL."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from seeding import Served

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_text(content: bytes) -> str:
    """Every cell of every sheet (the drop-downs' lists included), and every list a
    data validation spells out in its formula."""
    book = load_workbook(io.BytesIO(content))
    cells = [str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows()
             for cell in row if cell.value is not None]
    formulas = [str(v.formula1) for sheet in book.worksheets
                for v in sheet.data_validations.dataValidation]
    return "\n".join(cells + formulas)


def test_a_heads_template_lists_only_their_department_and_its_people(served: Served) -> None:
    reply = served.get("head", "/templates/entries", format="xlsx")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == XLSX
    assert "filename*=UTF-8''" in reply.headers["content-disposition"]
    shown = workbook_text(reply.content)
    assert all(f"({person})" in shown for person in ("zhang", "li", "wang"))
    assert "surgery" not in shown
    assert "chen" not in shown.lower()


def test_finance_and_administrators_get_everyone(served: Served) -> None:
    for role, kind in (("finance", "entries"), ("administrator", "personal")):
        reply = served.get(role, f"/templates/{kind}")
        assert reply.status_code == 200, (role, reply.text)
        shown = workbook_text(reply.content)
        assert "(chen)" in shown, role
        assert "(zhang)" in shown, role
    roster = workbook_text(served.get("administrator", "/templates/roster").content)
    assert "(surgery)" in roster
    assert "(internal)" in roster


def test_a_role_that_imports_nothing_or_not_that_kind_gets_no_template(served: Served) -> None:
    for role, kind in (("employee", "entries"), ("auditor", "entries"),
                       ("head", "roster"), ("reviewer", "entries")):
        reply = served.get(role, f"/templates/{kind}")
        assert reply.status_code == 403, (role, kind, reply.text)
        assert "模板" in reply.json()["error"]["message"], reply.text  # Chinese by default
    assert served.get("anonymous", "/templates/entries").status_code == 401
    assert served.get("finance", "/templates/payslips").status_code == 422


def test_a_csv_template_comes_in_the_encoding_asked_for(served: Served) -> None:
    reply = served.get("head", "/templates/entries", format="csv", encoding="gbk")
    assert reply.status_code == 200, reply.text
    header = reply.content.decode("gbk").splitlines()[0]
    assert header.split(",")[:2] == ["期间(period)", "工号(employee_id)"]
    as_json = served.client.get("/templates/entries", params={"format": "csv"},
                                headers={**served.headers("head"), "Accept": "application/json"})
    assert as_json.json()["title"] == "导入模板-考评录入.csv"
