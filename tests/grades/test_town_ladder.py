"""WE-1 of seeds-000-001.md §12 (ESC-11, 001 L344): the town efficiency-admonition ladder,
its reassignment and referral obligations, and a replay in another insertion order; and
the acceptance rule: revoking a trigger withdraws its derived warning and the grades
recompute."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import cli_for
from gradebook import FIXTURES, grades, subjects, write_jsonl

LADDER = FIXTURES / "we-1" / "ladder.jsonl"


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def _rows() -> list[dict[str, object]]:
    return [json.loads(line) for line in LADDER.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def _annual(cli, year: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    report = grades(cli, year)
    return {"c": subjects(report, "annual")["C"], "derived": report["derived"]}


def _state(view: dict) -> tuple:  # type: ignore[type-arg]
    c = view["c"]
    return (c["grade"], c["ceiling"], [(d["kind"], d["on"], d["status"]) for d in view["derived"]])


def test_we1_each_admonition_moves_the_constraint(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = _rows()
    cli.ok("apply", str(write_jsonl(tmp_path / "setup.jsonl", rows[:3])))
    seen = []
    for n, row in enumerate(rows[3:], start=1):
        cli.ok("apply", str(write_jsonl(tmp_path / f"event-{n}.jsonl", [row])))
        seen.append(_state(_annual(cli, "2025")))
    assert seen[0] == (None, "competent", [])  # 1: not 优秀
    assert seen[1] == ("basic", "competent", [])  # 2: fixed at 基本称职
    assert seen[2] == ("incompetent", "competent",  # 3: 不称职 and "reassign post"
                       [("reassignment_required", "2025-09-01", "open")])
    assert seen[3] == ("incompetent", "competent",  # 4: the reassignment discharges it
                       [("reassignment_required", "2025-09-01", "discharged")])
    assert seen[4] == seen[3]  # 5 is in 2026: 2025 is unchanged
    # 5: within a year of the reassignment → referral; independently 2026 is "not 优秀".
    year_2026 = _annual(cli, "2026")
    assert _state(year_2026) == (None, "competent",
                                 [("referral_required", "2026-05-11", "open")])
    referral = year_2026["derived"][0]
    assert referral["window"] == "2025-09-22..2026-09-22"
    assert len(referral["triggers"]) == 2  # the reassignment and the 2026 admonition
    assert referral["rule"] == "ESC-11"
    # The 95 score never lifts any of these constraints.
    assert _annual(cli, "2025")["c"]["figures"]["score_100"] == "95"


def test_we1_replay_in_another_insertion_order_gives_the_same_projection(
        cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """C's events as in the fixture; C2's the same events with the same effective dates,
    recorded in reverse order: the projections agree."""
    rows = _rows()
    mirrored = [{**row, "subject_id": "C2"} for row in reversed(rows[3:])]
    enrol = {**rows[1], "subject_id": "C2", "name": "Cadre C, replayed backwards"}
    cli.ok("apply", str(write_jsonl(tmp_path / "both.jsonl",
                                    [*rows, enrol, {**rows[2], "subject_id": "C2"}, *mirrored])))
    for year in ("2025", "2026"):
        report = grades(cli, year)
        people = subjects(report, "annual")
        for key in ("grade", "ceiling", "forced", "figures"):
            assert people["C"][key] == people["C2"][key]
        derived = {who: [(d["kind"], d["on"], d["status"], d["window"]) for d in report["derived"]
                         if d["subject_id"] == who] for who in ("C", "C2")}
        assert derived["C"] == derived["C2"]


def test_revoking_a_trigger_withdraws_its_derived_warning_and_the_grades_recompute(
        cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(LADDER))
    before = _annual(cli, "2025")
    assert before["c"]["grade"] == "incompetent"
    [obligation] = before["derived"]
    third = obligation["triggers"][-1]  # the 2025-09-01 admonition
    cli.ok("apply", str(write_jsonl(tmp_path / "revoke.jsonl", [{
        "type": "void_entry", "target_id": third,
        "reason": "review: the 2025-09-01 admonition revoked (撤销)"}])))
    after = _annual(cli, "2025")
    assert after["derived"] == []  # the reassignment obligation is withdrawn
    assert (after["c"]["grade"], after["c"]["figures"]["admonitions"]) == ("basic", "2")
    history = cli.ok("grades", "explain", "--period", "2025", "--subject", "C",
                     "--json").json()["results"][0]["corrections"]
    assert [(h["entry"], h["how"]) for h in history] == [(third, "voided")]
