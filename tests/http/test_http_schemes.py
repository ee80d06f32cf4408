"""The read-only scheme routes: the shipped schemes and the ledger's adoptions, one
scheme's rules, a diff of two shipped schemes, the JSON Schema; each body fits its model,
and a file path is no scheme name over HTTP. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from seeding import Served


def test_the_list_shows_shipped_and_adopted_schemes(served: Served) -> None:
    response = served.get("employee", "/schemes")
    assert response.status_code == 200, response.text
    body = response.json()
    assert "xinghe-county-hospital" in {s["name"] for s in body["shipped"]}
    assert [(a["scheme_id"], a["effective_from"]) for a in body["adopted"]] == [
        ("xinghe-county-hospital", "2026-01-01")]
    assert served.get("employee", "/schemes", adopted="false").json()["adopted"] is None


def test_a_scheme_shows_its_rules_and_a_mistyped_name_is_404_naming_the_known(
        served: Served) -> None:
    shown = served.get("finance", "/schemes/xinghe-county-hospital").json()
    assert any(r["rule"] == "S11-R06" and r["path"] == "pool" for r in shown["rules"])
    missing = served.get("finance", "/schemes/xinghe-county-hospitl")
    assert missing.status_code == 404
    assert "xinghe-county-hospital" in missing.text


@pytest.mark.parametrize("name", ["..%2F..%2Fpyproject.toml", "scheme.yaml"])
def test_a_file_is_no_scheme_over_http(served: Served, name: str) -> None:
    assert served.get("finance", f"/schemes/{name}").status_code == 404


def test_a_diff_of_two_shipped_schemes_and_the_json_schema(served: Served) -> None:
    same = served.get("finance", "/schemes/education-evaluation/diff/education-evaluation")
    assert same.status_code == 200, same.text
    assert same.json() == {"from": "education-evaluation", "to": "education-evaluation",
                           "changes": []}
    other = served.get("finance", "/schemes/rd-engineers/diff/education-evaluation").json()
    assert other["changes"]
    schema = served.get("finance", "/scheme-json-schema").json()
    assert {"hospital_two_level", "grading"} <= set(schema["discriminator"]["mapping"])
