"""Personal details and the payroll and bank files over HTTP, on SQLite and PostgreSQL:
whole for finance and administrators, masked for every other role that may read the
person, and absent from every other role's bodies."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from builders import Cli, cli_for
from fastapi.testclient import TestClient
from seeding import Served, seed

from api.http.app import create_app
from api.http.settings import ServerSettings

ACCOUNT = "6222021234561234"
ID_NUMBER = "43010219800101109X"
TAX = Decimal("10.00")


@pytest.fixture
def served(store, tmp_path: Path) -> Iterator[Served]:  # type: ignore[no-untyped-def]
    key = tmp_path / "master.key"
    cli = cli_for(store.backend, store.env)
    cli.ok("keys", "master", "--output", str(key))
    tokens = seed(store.env)
    cli = Cli({**cli.environ, "JIXIAO_MASTER_KEY_FILE": str(key)})
    cli.ok("close", "--period", "2026-Q1")
    people = [p["employee_id"] for p in cli.payout("2026-Q1")["people"]]
    rows = ["pay_period,employee_id,tax_withheld_cny"]
    for n, person in enumerate(people, start=1):
        account = ACCOUNT if person == "li" else f"62270000{n:08d}"
        cli.ok("personal", "record", "--employee", person, "--account", account,
               "--id-number", ID_NUMBER, "--bank-name", "中国农业银行")
        rows.append(f"2026-Q1,{person},{TAX}")
    (tmp_path / "tax.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    cli.ok("import", "withholding", str(tmp_path / "tax.csv"))
    app = create_app(ServerSettings(store_env=store.env, master_key_file=str(key)))
    with TestClient(app) as client:
        yield Served(store.env, client, tokens)


WHOLE = ("administrator", "finance")
MASKED = ("head", "reviewer", "auditor", "employee")


def test_personal_details_are_whole_for_finance_and_masked_for_the_rest(served) -> None:  # type: ignore[no-untyped-def]
    for role in WHOLE:
        body = served.get(role, "/employees/li/personal-details").json()
        assert (body["bank_account"], body["id_number"], body["masked"]) == (
            ACCOUNT, ID_NUMBER, False), role
    for role in MASKED:
        reply = served.get(role, "/employees/li/personal-details")
        assert reply.status_code == 200, (role, reply.text)
        body = reply.json()
        assert body["bank_account"] == "6222 **** **** 1234", role
        assert body["masked"] is True
        assert ID_NUMBER not in reply.text
        assert "19800101" not in reply.text
    # Someone else's details answer as if they did not exist (issue 14).
    assert served.get("employee", "/employees/zhang/personal-details").status_code == 404
    assert served.get("anonymous", "/employees/li/personal-details").status_code == 401


def test_the_bank_file_is_finances_and_pays_net(served) -> None:  # type: ignore[no-untyped-def]
    for role in (*MASKED,):
        assert served.get(role, "/periods/2026-Q1/bank-file").status_code == 403, role
    reply = served.get("finance", "/periods/2026-Q1/bank-file")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    rows = list(csv.reader(io.StringIO(base64.b64decode(body["content_base64"]).decode("gbk"))))
    paid = Decimal(served.get("finance", "/periods/2026-Q1/reconciliation").json()
                   ["lines"][-1]["amount"]) * -1
    assert Decimal(rows[-1][3]) == Decimal(body["paid_total"]) == paid - TAX * body["rows"]
    assert ACCOUNT in {row[1] for row in rows}


def test_other_roles_exports_and_the_event_log_carry_no_personal_data(served) -> None:  # type: ignore[no-untyped-def]
    finance = served.get("finance", "/periods/2026-Q1/payroll-file", format="csv").json()
    assert ID_NUMBER in base64.b64decode(finance["content_base64"]).decode("utf-8-sig")
    for role in ("auditor", "reviewer"):
        body = served.get(role, "/periods/2026-Q1/payroll-file", format="csv").json()
        text = base64.b64decode(body["content_base64"]).decode("utf-8-sig")
        assert ID_NUMBER not in text
        assert "430**************X" in text
    assert served.get("head", "/periods/2026-Q1/payroll-file").status_code == 403
    log = served.get("auditor", "/audit/events", limit=1000)
    assert log.status_code == 200, log.text
    assert "PersonalDetailsRecorded" in log.text
    for secret in (ACCOUNT, ID_NUMBER, "农业"):
        assert secret not in log.text



def _withheld_in_history(served: Served, role: str, employee_id: str) -> list[str]:
    reply = served.get(role, f"/employees/{employee_id}/history", limit=1000)
    assert reply.status_code == 200, (role, employee_id, reply.text)
    return [e["tax_withheld_cny"] for e in reply.json()["events"]
            if e["type"] == "WithholdingRecorded"]


def _withheld_in_statement(served: Served, role: str) -> dict[str, str]:
    reply = served.get(role, "/periods/2026-Q1/exports/statement", format="csv")
    assert reply.status_code == 200, (role, reply.text)
    lines = reply.content.decode("utf-8-sig").splitlines()[:-1]  # the stamp last
    return {row["工号"]: row["代扣个税"] for row in csv.DictReader(lines) if row["工号"]}


def test_a_head_sees_the_withholding_of_their_people_and_of_no_one_else(served) -> None:  # type: ignore[no-untyped-def]
    """The tax withheld is pay, read as the person's pay is (docs/security.md): a head in
    the history of each of their people and in their statement export, an employee
    their own; anyone else's answers as if it did not exist."""
    people = ("zhang", "li", "wang")  # internal's, the department `head` heads
    for person in people:
        assert _withheld_in_history(served, "head", person) == [str(TAX)], person
    assert _withheld_in_statement(served, "head") == dict.fromkeys(people, str(TAX))
    assert served.get("head", "/employees/chen/history").status_code == 404  # surgery's
    assert _withheld_in_history(served, "employee", "li") == [str(TAX)]
    assert _withheld_in_statement(served, "employee") == {"li": str(TAX)}
    assert served.get("employee", "/employees/zhang/history").status_code == 404

