"""004-S18-R18's annual roll-up as a scheme option (issue 15): three quarterly 优秀
*permit* an annual 优秀 by default (the catalogue's reading of 「可以直接确定」), and
*derive* it when the scheme's option says so, the deciding rule named in the
explanation. Through `jixiao apply` and `jixiao grades` on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from builders import cli_for
from gradebook import explain, grades, subjects, write_jsonl
from test_subdistrict_quarterly import _quarter_rows

SCHEME = Path(__file__).parents[2] / "domain/schemes/meiling-subdistrict-quarterly.yaml"
PLAN = {"X": ["excellent", "excellent", "excellent", "good"],
        **{f"P{n:02d}": ["competent"] * 4 for n in range(1, 12)}}


def _year(adopt: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [adopt]
    for person in sorted(PLAN):
        rows.append({"type": "enrol_subject", "subject_id": person, "name": person,
                     "scopes": {"category": "general"}, "enrolled_on": "2025-01-01"})
    for person, quarters in sorted(PLAN.items()):
        for quarter, grade in enumerate(quarters, start=1):
            rows += _quarter_rows(person, quarter, grade, 1 if grade == "excellent" else 12)
    return rows


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def test_by_default_three_quarterly_excellents_permit_the_annual_grade(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(write_jsonl(tmp_path / "y.jsonl", _year(
        {"type": "adopt_scheme", "scheme": "meiling-subdistrict-quarterly"}))))
    x = subjects(grades(cli, "2025"), "annual")["X"]
    assert (x["status"], x["grade"], x["forced"]) == ("pending", None, None)
    assert any("直接确定为年度考核优秀" in c["effect"] for c in x["consequences"])


def test_the_derive_option_fixes_the_annual_grade_and_names_the_rule(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(json.dumps(yaml.safe_load(SCHEME.read_text(encoding="utf-8")),
                                     default=str))  # dates as text, as a JSON line has them
    assert document["tables"]["options"]["rollup_excellent_derives"] == "0"  # the default
    document["tables"]["options"]["rollup_excellent_derives"] = "1"
    cli.ok("apply", str(write_jsonl(tmp_path / "y.jsonl", _year(
        {"type": "adopt_scheme", "document": document}))))
    x = subjects(grades(cli, "2025"), "annual")["X"]
    assert x["grade"] == "excellent"
    assert x["forced"] == "excellent"
    # The explanation's forced step names the rule, its seed line and the option.
    told = str(explain(cli, "2025", "X"))
    assert "直接确定为年度考核优秀 (option rollup_excellent_derives = 1)" in told
    assert "004_deb0a29d71ec55ac.txt:L1115" in told
    # Someone with fewer than three is not forced.
    assert subjects(grades(cli, "2025"), "annual")["P01"]["forced"] is None
