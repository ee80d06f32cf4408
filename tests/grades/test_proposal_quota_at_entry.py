"""A grade proposal against its quota at entry (worked example 6a of seeds-002.md), through
`jixiao apply`: the places are counted within the batch as well as against the ledger,
and a place freed in the same batch (a proposal corrected to a lower grade) can be
taken by the next row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import cli_for
from gradebook import FIXTURES, grades, pipeline, write_jsonl

SCHEME = "shaping-street-quarterly"


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(FIXTURES / "example-6" / "street-quotas.jsonl"))
    return cli


def _propose(subject: str, grade: str, **extra: str) -> dict[str, str]:
    return {"type": "propose_grade", "subject_id": subject, "grading_period": "2025-Q1",
            "rulebook": SCHEME, "pipeline": "quarterly", "grade": grade, **extra}


def test_the_second_proposal_of_a_batch_in_a_line_of_two_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    count = cli.event_count()
    run = cli("apply", str(write_jsonl(tmp_path / "l2.jsonl", [
        _propose("L2-01", "excellent"), _propose("L2-02", "excellent")])))
    assert run.code == 2
    assert "line 2: grade: QuotaExceeded" in run.err
    assert "floor(0.4 × 2) = 1" in run.err
    assert "line 1:" not in run.err
    assert cli.event_count() == count


def test_a_place_freed_in_the_batch_can_be_taken_by_the_next_row(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    events = [json.loads(x) for x in
              cli.ok("events", "--json", "--limit", "100000").out.splitlines()]
    [first] = [e["originator_id"] for e in events
               if e["type"] == "GradeProposed" and e["subject_id"] == "L7-01"]
    cli.ok("apply", str(write_jsonl(tmp_path / "swap.jsonl", [
        _propose("L7-01", "competent", supersedes=str(first), reason="街道党政班子会议更正"),
        _propose("L7-03", "excellent")])))
    [line] = [q for q in pipeline(grades(cli, "2025-Q1"), "quarterly")["quotas"]
              if q["scope_value"] == "L7"]
    assert (line["limit"], line["kept"], line["demoted"]) == (2, ["L7-02", "L7-03"], [])
