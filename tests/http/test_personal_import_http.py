"""`POST /imports/personal`: the personal-details import over HTTP (the server's master
key), on SQLite and PostgreSQL: finance and administrators only, no value in a reply."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import cli_for
from fastapi.testclient import TestClient
from seeding import Served, seed

from api.http.app import create_app
from api.http.settings import ServerSettings

SHEET = ("工号,姓名,开户行,银行账号,身份证号\r\n"
         "li,李四,中国银行,６２１７ ００００ １１１１ ２２２２,"
         "11010519491231002X\r\n").encode("gbk")
MISTYPED = SHEET.replace(b"11010519491231002X", b"11010519491231002Y")


@pytest.fixture
def served(store, tmp_path: Path) -> Iterator[Served]:  # type: ignore[no-untyped-def]
    key = tmp_path / "master.key"
    cli_for(store.backend, store.env).ok("keys", "master", "--output", str(key))
    tokens = seed(store.env)
    app = create_app(ServerSettings(store_env=store.env, master_key_file=str(key)))
    with TestClient(app) as client:
        served = Served(store.env, client, tokens)
        yield served
        served.close()


def _post(served: Served, role: str, body: bytes) -> Any:
    return served.client.post("/imports/personal", headers=served.headers(role),
                              params={"filename": "个人信息.csv"}, content=body)


def test_finance_imports_personal_details_once_and_nobody_else_may(served) -> None:  # type: ignore[no-untyped-def]
    before = served.event_count()
    for role in ("head", "reviewer", "auditor", "employee"):
        assert _post(served, role, SHEET).status_code == 403, role
    refused = _post(served, "finance", MISTYPED)
    assert refused.status_code == 422
    assert "11010519491231002" not in refused.text
    assert served.event_count() == before
    reply = _post(served, "finance", SHEET)
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert (body["recorded"], body["unchanged"], body["warning_count"]) == (1, 0, 1)
    for secret in ("6217000011112222", "６２１７", "11010519491231002X"):
        assert secret not in reply.text, secret
    shown = served.get("finance", "/employees/li/personal-details").json()
    assert (shown["bank_account"], shown["id_number"]) == ("6217000011112222",
                                                          "11010519491231002X")
    again = _post(served, "administrator", SHEET).json()
    assert (again["recorded"], again["unchanged"]) == (0, 1)
    assert served.event_count() == before + 1
