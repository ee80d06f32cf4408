"""The grades report and a subject's explanation over HTTP fit their response models
(the route checks each body strictly before it leaves, so a 200 is the proof), on the
schemes of example 7 (composites, band tables, ballots)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import cli_for
from fastapi.testclient import TestClient
from seeding import serve

from api.storage.session import Session
from api.usecases import users
from api.usecases.ports import Caller

FIXTURE = Path(__file__).parents[1] / "grades" / "fixtures" / "example-7" / "composites.jsonl"
YEARLY = ("changde-secretary-report", "wuchang-bank-managers", "rd-engineers")


@pytest.fixture(scope="module")
def auditor(
        tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    db = tmp_path_factory.mktemp("grades-http") / "ledger.db"
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(db)}
    cli_for("sqlite", {"SQLITE_DBNAME": str(db)}).ok("apply", str(FIXTURE))
    with Session(env) as session:
        token = users.add_user(session, Caller("seed"), users.NewUser(
            user_id="aud", name="aud", role="auditor"))
    with serve(env) as client:
        yield client, {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("scheme", YEARLY)
def test_a_grades_report_fits_its_model(auditor: tuple[TestClient, dict[str, str]],
                                        scheme: str) -> None:
    client, headers = auditor
    response = client.get("/periods/2025/grades", params={"scheme": scheme}, headers=headers)
    assert response.status_code == 200, response.text
    report = response.json()
    subjects = [s["subject_id"] for p in report["pipelines"] for s in p["subjects"]]
    assert subjects
    explained = client.get("/periods/2025/grades/explain", headers=headers,
                           params={"scheme": scheme, "subject": subjects[0]})
    assert explained.status_code == 200, explained.text
    assert explained.json()["subject_id"] == subjects[0]


@pytest.mark.parametrize("scheme", YEARLY)
def test_a_grades_report_with_figures_fits_its_model(
        auditor: tuple[TestClient, dict[str, str]], scheme: str) -> None:
    client, headers = auditor
    response = client.get("/periods/2025/grades", headers=headers,
                          params={"scheme": scheme, "figures": "true"})
    assert response.status_code == 200, response.text
    for pipeline in response.json()["pipelines"]:
        assert int(pipeline["figures"]["subjects"]) == len(pipeline["subjects"])
        assert all("employee_id" in s for s in pipeline["subjects"])
