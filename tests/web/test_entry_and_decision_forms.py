"""Two forms: the head's grid has a deductions column (the period's deductions of each
person, and a new one added by kind and count, previewed and saved like a score); the
reviewer's "change" decision offers the contested entry's own fields with their
recorded values, and a decision is recorded only as last previewed."""

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
from api.usecases import audit
from api.usecases.ports import Caller
from domain.periods import Period

PERIOD, OWN, STRANGER = "2026-Q1", "E0001", "E0095"  # E0095 is not in the head's department


@pytest.fixture(scope="module")
def ledger(demo_master: Demo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    demo = copy_demo(demo_master, tmp_path_factory.mktemp("forms"))
    appeal = Ledger(demo.env).file_appeal()
    app = create_app(ServerSettings(store_env=demo.env))
    clients = {}
    for role in ("head", "reviewer", "reviewer2"):
        client = TestClient(app)
        clients[role] = (client, sign_in(client, role, demo.passwords[role]))
    return {"demo": demo, "appeal": appeal, "clients": clients}


def deductions_of(env: dict[str, str], employee: str) -> list[dict[str, Any]]:
    with Session(env) as session:
        events = audit.employee_history(session, Caller("demo"), employee, 0, 5000)["events"]
    return [e for e in events if e["type"] == "DeductionRecorded" and e["period"] == PERIOD
            and e["live"]]


def test_the_grid_shows_each_persons_deductions(ledger: dict[str, Any]) -> None:
    client, _ = ledger["clients"]["head"]
    page = html.unescape(client.get(f"/web/entry?period={PERIOD}").text)
    rows = {m.group(1): m.group(2) for m in re.finditer(
        r'<tr><th scope="row">(E\d+) [^<]*</th>(.*?)</tr>', page, re.S)}
    assert rows
    shown_any = False
    for employee, row in rows.items():
        cell = row.split('<td class="deductions">', 1)[1]
        for recorded in deductions_of(ledger["demo"].env, employee):
            assert f"×{recorded['count']}" in cell, (employee, recorded)
            shown_any = True
        assert f'name="deduct_kind:{employee}"' in cell
    assert shown_any  # the demo has deductions in the quarter


def test_the_grid_names_its_department_as_people_know_it(ledger: dict[str, Any]) -> None:
    client, _ = ledger["clients"]["head"]
    page = html.unescape(client.get(f"/web/entry?period={PERIOD}").text)
    with Session(ledger["demo"].env) as session:
        defined = session.facts().department_on("internal", Period.parse(PERIOD).last_day)
    assert defined is not None
    assert defined.name != "internal"
    title = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert title is not None
    assert defined.name in title.group(1)
    assert "· internal ·" not in title.group(1)  # the id alone, as it was shown before
    assert f'<option value="internal" selected>{defined.name}</option>' in page


def test_a_new_deduction_is_previewed_then_saved(ledger: dict[str, Any]) -> None:
    client, csrf = ledger["clients"]["head"]
    form = {"csrf": csrf, "period": PERIOD, "department": "internal",
            f"deduct_kind:{OWN}": "error", f"deduct_count:{OWN}": "2"}
    before = deductions_of(ledger["demo"].env, OWN)
    preview = client.post("/web/entry/preview", data=form)
    assert preview.status_code == 200, preview.text[:500]
    assert "1 个单元格有修改" in preview.text
    row = re.search(rf"<tr><td>{OWN} [^<]*</td>(.*?)</tr>", preview.text, re.S)
    assert row is not None
    assert "negative" in row.group(1)  # two errors lower their pay
    assert deductions_of(ledger["demo"].env, OWN) == before  # a preview writes nothing
    saved = client.post("/web/entry/save", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:500]
    added = [e for e in deductions_of(ledger["demo"].env, OWN) if e not in before]
    assert [(e["kind"], e["count"], e["actor"]) for e in added] == [("error", 2, "head")]


def test_a_deduction_of_an_unknown_kind_or_a_stranger_is_refused(ledger: dict[str, Any]) -> None:
    client, csrf = ledger["clients"]["head"]
    base = {"csrf": csrf, "period": PERIOD, "department": "internal"}
    theirs = deductions_of(ledger["demo"].env, STRANGER)
    unknown = client.post("/web/entry/save", data={
        **base, f"deduct_kind:{OWN}": "no_such_kind", f"deduct_count:{OWN}": "1"})
    assert unknown.status_code == 422
    assert f"{OWN}.deduction:no_such_kind" in unknown.text  # the row, named
    stranger = client.post("/web/entry/save", data={
        **base, f"deduct_kind:{STRANGER}": "error", f"deduct_count:{STRANGER}": "1"})
    assert stranger.status_code == 403
    assert deductions_of(ledger["demo"].env, STRANGER) == theirs


def test_the_change_form_offers_the_contested_entrys_fields(ledger: dict[str, Any]) -> None:
    with Session(ledger["demo"].env) as session:
        events = audit.employee_history(session, Caller("demo"), OWN, 0, 5000)["events"]
    appeal = next(e for e in events if e["type"] == "AppealFiled")
    contested = next(e for e in events if e["id"] == appeal["contested_entry_id"])
    client, _ = ledger["clients"]["reviewer"]
    page = html.unescape(client.get(f"/web/appeals/{ledger['appeal']}").text)
    options = re.findall(r'<select id="field" name="field">(.*?)</select>', page, re.S)
    assert options
    assert re.findall(r'<option value="([^"]+)"', options[0]) == ["points"]
    assert f"现为 {contested['points']}" in options[0]
    assert f'name="value" value="{contested["points"]}"' in page


def test_a_decision_is_recorded_only_as_last_previewed(ledger: dict[str, Any]) -> None:
    assigner, csrf2 = ledger["clients"]["reviewer2"]
    appeal = ledger["appeal"]
    assigner.post(f"/web/appeals/{appeal}/assign", data={"csrf": csrf2, "reviewer": "reviewer"})
    client, csrf = ledger["clients"]["reviewer"]
    decision = {"csrf": csrf, "outcome": "change", "field": "points", "value": "48",
                "reason": "核对门诊日志"}
    unpreviewed = client.post(f"/web/appeals/{appeal}/decide", data=decision)
    assert unpreviewed.status_code == 422
    assert "请先预览此决定对各人的影响，再记录决定" in unpreviewed.text
    assert "preview this" not in unpreviewed.text
    english = client.post(f"/web/appeals/{appeal}/decide", data=decision,
                          headers={"Accept-Language": "en"})
    assert english.status_code == 422
    assert "Preview this decision&#39;s effect on each person first, then record it" in \
        english.text
    assert "请先预览" not in english.text
    other = client.get(f"/web/appeals/{appeal}/preview",
                       params={"outcome": "change", "field": "points", "value": "47"},
                       headers={"HX-Request": "true"}).text
    stale = re.search(r'name="previewed" value="([^"]*)"', other)
    assert stale is not None
    refused = client.post(f"/web/appeals/{appeal}/decide",
                          data={**decision, "previewed": stale.group(1)})
    assert refused.status_code == 422  # previewed 47, deciding 48
    shown = client.get(f"/web/appeals/{appeal}/preview",
                       params={"outcome": "change", "field": "points", "value": "48"},
                       headers={"HX-Request": "true"}).text
    key = re.search(r'name="previewed" value="([^"]*)"', shown)
    assert key is not None
    decided = client.post(f"/web/appeals/{appeal}/decide",
                          data={**decision, "previewed": key.group(1)}, follow_redirects=False)
    assert decided.status_code == 303, decided.text[:500]
