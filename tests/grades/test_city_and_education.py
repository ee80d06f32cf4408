"""WE-5 (rulebook CT, 001 L464–L484, L508) and WE-6 (rulebook ED, 001 L172–L208) of
seeds-000-001.md §12: category formulas, the 5-point deduction cap, vote averaging, the
veto, 末位, education composites and the band boundaries."""

from __future__ import annotations

import pytest
from builders import cli_for
from gradebook import FIXTURES, grade_map, grades, subjects


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def test_we5_city_units(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "we-5" / "units.jsonl"))
    units = subjects(grades(cli, "2025"), "annual")
    # U1: min(3 + 5, 5) = 5; 95 × 0.5 + 90 × 0.5 − 5 = 87.5 → 良.
    assert (units["U1"]["figures"]["deduction_applied"], units["U1"]["score"],
            units["U1"]["grade"]) == ("5", "87.5", "good")
    # U2: 375/95 with 不了解 at the mean (AMB-04), × 20 = 78.947368…; 92 × 0.7 + 0.3 × that − 3.
    u2 = units["U2"]
    assert u2["figures"]["vote_mean"] == "75/19"
    assert u2["figures"]["democratic"] == "1500/19"
    assert (u2["score"], u2["score_approx"], u2["grade"]) == ("8083/95", "85.084211", "good")
    # U3: 68.6 + 28.5 = 97.1 → 优, vetoed: not eligible for excellence, band unchanged.
    u3 = units["U3"]
    assert (u3["score"], u3["grade"]) == ("97.1", "excellent")
    assert [c["rule"] for c in u3["consequences"]] == ["ESC-13"]
    assert u3["consequences"][0]["default"] == "AMB-24"
    # Within category 2 {U2, U3}, U2 is last (末位): circulated criticism, flagged (AMB-23).
    assert [c["rule"] for c in u2["consequences"]] == ["SAN-36"]
    assert units["U1"]["consequences"] == []  # alone in category 1


def test_we6_education_composites_and_boundaries(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(FIXTURES / "we-6" / "composites.jsonl"))
    report = grades(cli, "2025")
    units = subjects(report, "annual")
    # One rater's sheet graded 1st, 2nd, 2nd, 3rd: 25 + 20 + 20 + 15 = 80.
    assert units["O"]["figures"]["sheet_score"] == "80"
    # O: 0.3 × 85 + 0.7 × 92 = 89.9 → 优良 (not 优秀); D: 80.5; S: 84.
    assert {k: (units[k]["score"], units[k]["grade"]) for k in "ODS"} == {
        "O": ("89.9", "very_good"), "D": ("80.5", "very_good"), "S": ("84", "very_good")}
    # AMB-02: half-open, lower-inclusive bands.
    got = grade_map(report, "annual")
    assert {k: got[k] for k in ("edge-90", "edge-80", "edge-60", "edge-59.99")} == {
        "edge-90": "excellent", "edge-80": "very_good", "edge-60": "pass", "edge-59.99": "fail"}
