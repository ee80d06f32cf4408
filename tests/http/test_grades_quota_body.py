"""A quota's base N over HTTP (issue 15, item 4): the subjects the base leaves out
(`not_counted`) fit the grades report's response model (the route checks each body
strictly before it leaves, so a 200 is the proof), on worked example 6a's street with
three members of the line of 7 on long leave."""

from __future__ import annotations

import json
from pathlib import Path

from builders import cli_for
from seeding import serve

from api.storage.session import Session
from api.usecases import users
from api.usecases.ports import Caller

FIXTURE = Path(__file__).parents[1] / "grades" / "fixtures" / "example-6" / "street-quotas.jsonl"


def test_a_quota_names_who_is_not_counted_in_its_base(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(db)}
    cli = cli_for("sqlite", {"SQLITE_DBNAME": str(db)})
    cli.ok("apply", str(FIXTURE))
    leave = tmp_path / "leave.jsonl"
    leave.write_text("".join(json.dumps({
        "type": "record_grade_input", "subject_id": who, "grading_period": "2025-Q1",
        "component": "leave_days", "value": "60"}) + "\n" for who in ("L7-05", "L7-06")),
        encoding="utf-8")
    cli.ok("apply", str(leave))
    with Session(env) as session:
        token = users.add_user(session, Caller("seed"), users.NewUser(
            user_id="aud", name="aud", role="auditor"))
    with serve(env) as client:
        response = client.get("/periods/2025-Q1/grades", headers={
            "Authorization": f"Bearer {token}"}, params={"figures": "true"})
    assert response.status_code == 200, response.text
    [pipeline] = response.json()["pipelines"]
    [line] = [q for q in pipeline["quotas"] if q["scope_value"] == "L7"]
    assert (line["headcount"], line["limit"]) == (5, 2)
    assert line["not_counted"] == [{"subject_id": "L7-05", "status": "not_assessed"},
                                   {"subject_id": "L7-06", "status": "not_assessed"}]
