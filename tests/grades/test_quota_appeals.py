"""Quota tie-breaks are deterministic and recorded, and an appeal that changes a score
re-runs the quota: a hospital runs its pay scheme (with the appeals desk) and a grading
scheme side by side; the grading input is appealed through `jixiao appeal`."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import uuid5

import pytest
from builders import GOLDEN, cli_for
from gradebook import grades, pipeline, subjects, write_jsonl

from domain.application import IDEMPOTENCY_NAMESPACE

REF = {"rule": "004-S18-R9", "source": "004_deb0a29d71ec55ac.txt:L1093", "default": "AMB-22"}
WARD = {
    "kind": "grading", "id": "ward-quarterly", "version": 1, "rulebook": "test",
    "title": "A ward's quarterly grades with a one-in-three 优秀 quota",
    "effective_from": "2026-01-01", "source": "004_deb0a29d71ec55ac.txt:L1093",
    "pipelines": [{
        "name": "quarterly", "label": "quarterly", "period": "quarter",
        "grades": [{"code": "excellent", "name": "优秀"}, {"code": "competent", "name": "称职"},
                   {"code": "incompetent", "name": "不称职"}],
        "inputs": {"score": {"label": "score"}},
        "figures": [{"name": "total", "expr": "score", "ref": REF}],
        "score": "total",
        "bands": {"source": "score", "ref": REF, "rows": [
            {"grade": "excellent", "min": "90"}, {"grade": "competent", "min": "60"},
            {"grade": "incompetent"}]},
        "quotas": [{"grade": "excellent", "max_share": "0.34", "rounding": "floor", "ref": REF}],
        "tie_break": {"mode": "recorded", "ref": REF}}],
}


def _score_id(who: str, quarter: str) -> str:
    return str(uuid5(IDEMPOTENCY_NAMESPACE, f"ward:{quarter}:{who}"))


@pytest.fixture
def cli(store, tmp_path: Path):  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))  # zhang, li, wang
    rows: list[dict[str, Any]] = [{"type": "adopt_scheme", "document": WARD}]
    rows += [{"type": "enrol_subject", "subject_id": who, "name": who,
              "enrolled_on": "2026-01-01"} for who in ("zhang", "li", "wang")]
    for quarter, scores in (("2026-Q1", {"zhang": 92, "li": 91, "wang": 70}),
                            ("2026-Q2", {"zhang": 90, "li": 90, "wang": 80})):
        rows += [{"type": "record_grade_input", "subject_id": who, "grading_period": quarter,
                  "component": "score", "value": str(value),
                  "idempotency_key": f"ward:{quarter}:{who}"} for who, value in scores.items()]
    cli.ok("apply", str(write_jsonl(tmp_path / "ward.jsonl", rows)))
    return cli


def test_an_appeal_that_changes_a_score_re_runs_the_quota(cli) -> None:  # type: ignore[no-untyped-def]
    before = subjects(grades(cli, "2026-Q1", "--scheme", "ward-quarterly"), "quarterly")
    assert (before["zhang"]["grade"], before["li"]["grade"]) == ("excellent", "competent")
    cli.ok("appeal", "file", "--appeal-id", "G-1", "--employee", "li",
           "--entry", _score_id("li", "2026-Q1"), "--grounds", "two items were not counted",
           "--received-on", "2026-04-01", "--filed-on", "2026-04-02")
    cli.ok("appeal", "assign", "G-1", "--reviewer", "reviewer-1")
    cli.ok("appeal", "decide", "G-1", "--outcome", "change", "--changes", '{"value": "95"}',
           "--reason", "the two items are confirmed", "--decided-on", "2026-04-10",
           "--actor", "reviewer-1")
    report = grades(cli, "2026-Q1", "--scheme", "ward-quarterly")
    after = subjects(report, "quarterly")
    assert (after["li"]["grade"], after["zhang"]["grade"]) == ("excellent", "competent")
    assert after["li"]["score"] == "95"
    [appeal] = [s for s in after["li"]["steps"] if s["stage"] == "appeal"]
    assert "input score 91 → 95 (appeal G-1 level 1: change)" in appeal["reason"]
    assert appeal["events"][0] == _score_id("li", "2026-Q1")
    [quota] = pipeline(report, "quarterly")["quotas"]
    assert (quota["kept"], quota["demoted"]) == (["li"], ["zhang"])


def test_a_tie_at_the_cut_off_waits_for_a_recorded_tie_break(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = grades(cli, "2026-Q2", "--scheme", "ward-quarterly")
    people = subjects(report, "quarterly")
    [quota] = pipeline(report, "quarterly")["quotas"]
    assert quota["tie"]["tied"] == ["li", "zhang"]
    assert quota["tie"]["decided_by"] is None
    assert (people["li"]["status"], people["zhang"]["status"]) == ("pending", "pending")
    assert "record_tie_break" in people["li"]["steps"][-1]["reason"]
    decision = {"type": "record_tie_break", "rulebook": "ward-quarterly", "pipeline": "quarterly",
                "grading_period": "2026-Q2", "grade": "excellent", "order": ["zhang", "li"],
                "reason": "leadership group meeting 2026-07-03: zhang's ward had no complaints",
                "idempotency_key": "tie:2026-Q2"}
    cli.ok("apply", str(write_jsonl(tmp_path / "tie.jsonl", [decision])))
    again = grades(cli, "2026-Q2", "--scheme", "ward-quarterly")
    people = subjects(again, "quarterly")
    assert (people["zhang"]["grade"], people["li"]["grade"]) == ("excellent", "competent")
    [quota] = pipeline(again, "quarterly")["quotas"]
    decided_by = str(uuid5(IDEMPOTENCY_NAMESPACE, "tie:2026-Q2"))
    assert quota["tie"]["decided_by"] == decided_by
    demotion = next(s for s in people["li"]["steps"] if s["stage"] == "quota")
    assert demotion["events"] == [decided_by]
    # Deterministic: the same facts give the same bytes.
    argv = ("grades", "--period", "2026-Q2", "--scheme", "ward-quarterly", "--json")
    assert cli.ok(*argv).out == cli.ok(*argv).out


def test_several_grading_schemes_in_force_need_a_choice(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = {**WARD, "id": "ward-quarterly-b"}
    cli.ok("apply", str(write_jsonl(tmp_path / "b.jsonl", [{"type": "adopt_scheme",
                                                            "document": other}])))
    run = cli("grades", "--period", "2026-Q1")
    assert run.code == 2
    assert "2 grading schemes are in force in 2026-Q1: ward-quarterly, ward-quarterly-b" in run.err
