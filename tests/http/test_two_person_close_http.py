"""Issue 14, item 8, over HTTP: both people of a two-person close are authenticated
users; one prepares, another approves; a raw close_period is refused meanwhile."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from builders import cli_for
from seeding import Served, seeded, serve

from api.storage.session import Session
from api.usecases import users
from api.usecases.ports import Caller


@pytest.fixture
def fresh(store) -> Iterator[tuple[Served, str]]:  # type: ignore[no-untyped-def]
    with serve(store.env) as client:
        served = seeded(store.env, client)
        with Session(store.env) as session:
            second = users.add_user(session, Caller("seed"), users.NewUser(
                user_id="fin-2", name="fin-2", role="finance"))
        yield served, second
        served.close()


def test_two_finance_users_close_a_period_between_them(
        fresh: tuple[Served, str]) -> None:
    served, second = fresh
    setting = served.post("administrator", "/commands",
                          {"type": "set_close_approval", "required": True})
    assert setting.status_code == 201, setting.text
    raw = served.post("finance", "/commands", {
        "type": "close_period", "period": "2026-Q2", "position": 1,
        "statement_sha256": "0" * 64})
    assert raw.status_code == 403, raw.text
    for department in ("internal", "surgery"):
        figures = served.post("finance", "/commands", {
            "type": "record_department_figures", "period": "2026-Q2",
            "department_id": department, "workload_base": "1000", "workload_actual": "1000",
            "medical_revenue_cny": "100000.00", "full_cost_cny": "100000.00"})
        assert figures.status_code == 201, figures.text
    pool = served.post("finance", "/commands", {"type": "declare_pool", "period": "2026-Q2",
                                                "amount_cny": "30962.50"})
    assert pool.status_code == 201, pool.text
    later = served.post("finance", "/commands", {"type": "declare_pool", "period": "2026-Q3",
                                                 "amount_cny": "30962.50"})
    assert later.status_code == 201, later.text
    out_of_order = served.post("finance", "/periods/2026-Q3/close", {"reason": "paid"})
    assert out_of_order.status_code == 409, out_of_order.text
    assert "2026-Q2 尚未结账" in out_of_order.text
    prepared = served.post("finance", "/periods/2026-Q2/close", {"reason": "paid"})
    assert prepared.status_code == 201, prepared.text
    same = served.post("finance", "/periods/2026-Q2/close", {"approve": True})
    assert same.status_code == 403
    approved = served.client.post("/periods/2026-Q2/close", json={"approve": True},
                                  headers={"Authorization": f"Bearer {second}"})
    assert approved.status_code == 201, approved.text
    types = [e["type"] for e in approved.json()["events"]]
    assert "PeriodClosed" in types


def _q2_paid(served: Served) -> None:
    for department in ("internal", "surgery"):
        figures = served.post("finance", "/commands", {
            "type": "record_department_figures", "period": "2026-Q2",
            "department_id": department, "workload_base": "1000", "workload_actual": "1000",
            "medical_revenue_cny": "100000.00", "full_cost_cny": "100000.00"})
        assert figures.status_code == 201, figures.text
    pool = served.post("finance", "/commands", {"type": "declare_pool", "period": "2026-Q2",
                                                "amount_cny": "30962.50"})
    assert pool.status_code == 201, pool.text


def test_an_http_close_reports_that_no_outside_receipt_was_written(  # type: ignore[no-untyped-def]
        store) -> None:
    """The notice `jixiao close` prints on stderr is in the close's response body, in the
    request's language (here English; the next test, the Chinese default)."""
    with serve(store.env) as client:
        served = seeded(store.env, client)
        _q2_paid(served)
        closed = client.post("/periods/2026-Q2/close", json={"reason": "paid"},
                             headers={**served.headers("finance"), "Accept-Language": "en"})
        served.close()
    assert closed.status_code == 201, closed.text
    assert closed.json()["notices"] == [
        "no signing key is configured (JIXIAO_SIGNING_KEY): no outside receipt was written "
        "for this close; only the database vouches for it"]
    assert "PeriodClosed" in [e["type"] for e in closed.json()["events"]]


def test_an_http_close_names_the_receipt_it_wrote(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("keys", "new", "--output", str(tmp_path / "keys"))
    env = {**store.env, "JIXIAO_SIGNING_KEY": str(tmp_path / "keys" / "jixiao-signing.pem"),
           "JIXIAO_RECEIPT_DIR": str(tmp_path / "receipts")}
    with serve(env) as client:
        served = seeded(env, client)
        _q2_paid(served)
        closed = served.post("finance", "/periods/2026-Q2/close", {"reason": "paid"})
        served.close()
    assert closed.status_code == 201, closed.text
    [receipt] = list((tmp_path / "receipts").glob("receipt-2026-Q2-*.json"))
    assert closed.json()["notices"] == [f"已写出签名回执：{receipt}"]
