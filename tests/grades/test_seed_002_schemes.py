"""The seed-002 schemes shipped with issue 16 (schemes 1, 5, 10, 9/12.1, 12.4, 12.7,
12.8, 12.9, 12.11), each run through `jixiao apply` and `jixiao grades` on a small
ledger; none has a worked example in the catalogue, so the cases come from its rules."""

from __future__ import annotations

from typing import Any

import pytest
from builders import cli_for
from gradebook import grade_map, grades, subjects, write_jsonl


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def _enrol(sid: str, kind: str = "person", **scopes: str) -> dict[str, Any]:
    row: dict[str, Any] = {"type": "enrol_subject", "subject_id": sid, "name": sid,
                           "kind": kind, "enrolled_on": "2024-01-01"}
    if scopes:
        row["scopes"] = scopes
    return row


def _input(sid: str, period: str, component: str, value: object) -> dict[str, Any]:
    return {"type": "record_grade_input", "subject_id": sid, "grading_period": period,
            "component": component, "value": str(value)}


def _propose(scheme: str, pipeline: str, sid: str, period: str, grade: str) -> dict[str, Any]:
    return {"type": "propose_grade", "subject_id": sid, "grading_period": period,
            "rulebook": scheme, "pipeline": pipeline, "grade": grade}


def _apply(cli, tmp_path, scheme: str, rows: list[dict[str, Any]]) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(write_jsonl(tmp_path / "rows.jsonl",
                                    [{"type": "adopt_scheme", "scheme": scheme}, *rows])))


def _effects(subject: dict[str, Any]) -> list[str]:
    return [c["rule"] for c in subject["consequences"]]


def test_scheme_1_parts_are_capped_and_the_last_three_are_summoned(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    scores = {"t1": (16, 18, 66), "t2": (15, 17, 60), "t3": (12, 15, 50), "t4": (12, 15, 50),
              "t5": (10, 10, 40), "t6": (20, 18, 60)}
    rows: list[dict[str, Any]] = []
    for sid, parts in scores.items():
        rows.append(_enrol(sid, "unit"))
        for name, value in zip(("system_building", "facilities", "contract_service"), parts,
                               strict=True):
            rows.append(_input(sid, "2025", name, value))
    _apply(cli, tmp_path, "family-doctor-evaluation", rows)
    units = subjects(grades(cli, "2025"), "county")
    assert units["t1"]["score"] == "100"
    assert units["t6"]["score"] == "94"  # 20 is capped at the reference 16
    # t5 is last; t3 and t4 tie for 2nd from the bottom; t2 is 4th: all tied included.
    summoned = sorted(k for k, v in units.items() if _effects(v) == ["S1-R07"])
    assert summoned == ["t3", "t4", "t5"]


def test_scheme_5_annual_mean_and_the_pay_step_rules(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    scheme = "company-quarterly-assessment"
    rows = [_enrol("mgr") | {"scopes": {"class": "middle"}},
            _enrol("clerk") | {"scopes": {"class": "general"}}]
    for quarter, (mgr, clerk) in enumerate(((70, 90), (75, 88), (80, 92), (95, 86)), 1):
        period = f"2025-Q{quarter}"
        rows += [_input("mgr", period, "score", mgr), _input("clerk", period, "score", clerk)]
        rows += [_propose(scheme, "quarterly", "mgr", period,
                          "unqualified" if quarter in (1, 2) else "average"),
                 _propose(scheme, "quarterly", "clerk", period, "good")]
    rows += [_propose(scheme, "annual", "mgr", "2025", "unqualified"),
             _propose(scheme, "annual", "clerk", "2025", "excellent")]
    _apply(cli, tmp_path, scheme, rows)
    report = grades(cli, "2025")
    annual = subjects(report, "annual")
    assert annual["mgr"]["score"] == "80"  # (70 + 75 + 80 + 95) ÷ 4
    assert annual["clerk"]["score"] == "89"
    assert _effects(annual["mgr"]) == ["S5-R13", "S5-R16"]
    assert _effects(annual["clerk"]) == ["S5-R12", "S5-R14"]
    q2 = subjects(grades(cli, "2025-Q2"), "quarterly")["mgr"]
    assert _effects(q2) == ["S5-R16"]  # two quarters running 不合格


def test_scheme_10_every_target_or_not_met(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = {"birth_rate_permille": 12, "planned_birth_years": 3, "unplanned_multiple_births": 0,
            "late_marriage_pct": 80, "late_childbearing_pct": 81, "timely_contraception_pct": 85,
            "statistics_accuracy_pct": 98, "awareness_pct": 90, "publicity_reach_pct": 95,
            "permit_accuracy_pct": 99, "reproductive_health_pct": 98, "follow_up_pct": 98,
            "years_without_selective_termination": 3, "eugenics_education_pct": 90,
            "defect_intervention_pct": 60, "new_support_households": 2,
            "statistics_omissions": 0, "informed_choice_pct": 90,
            "contraception_implementation_pct": 98, "contraception_effective_pct": 98,
            "years_without_petitions": 5, "satisfaction_pct": 90,
            "self_governing_villages_pct": 90, "model_villages_pct": 60,
            "qualified_associations_pct": 95}
    rows = [_enrol("township", "unit"), _enrol("short", "unit")]
    rows += [_input("township", "2025", k, v) for k, v in good.items()]
    short = {**good, "birth_rate_permille": "12.1"}
    rows += [_input("short", "2025", k, v) for k, v in short.items()]
    _apply(cli, tmp_path, "family-planning-quality-service", rows)
    units = subjects(grades(cli, "2025"), "targets")
    assert (units["township"]["score"], units["township"]["grade"]) == ("25", "met")
    assert (units["short"]["score"], units["short"]["grade"]) == ("24", "not_met")
    assert units["short"]["figures"]["r01_met"] == "6"


def test_scheme_9_report_checks_and_the_meetings_grade(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    scheme = "education-bureau-secretaries"
    rows = [_enrol("sec-a"), _enrol("sec-b"), _input("sec-b", "2025", "report_chars", 3200),
            _propose(scheme, "evaluation", "sec-a", "2025", "good"),
            _propose(scheme, "evaluation", "sec-b", "2025", "average")]
    _apply(cli, tmp_path, scheme, rows)
    people = subjects(grades(cli, "2025"), "evaluation")
    assert (people["sec-a"]["grade"], people["sec-b"]["grade"]) == ("good", "average")
    assert _effects(people["sec-b"]) == ["S12.1-R03", "S12.1-R04"]


@pytest.mark.parametrize(("scheme", "grade", "rules"), [
    ("college-organ-secretaries", "poor", ["S12.4-R03"]),
    ("city-organ-secretaries", "fairly_poor", []),
    ("tongchuan-village-secretaries", "fairly_good", []),
])
def test_secretaries_four_grades(cli, tmp_path, scheme: str, grade: str,  # type: ignore[no-untyped-def]
                                 rules: list[str]) -> None:
    _apply(cli, tmp_path, scheme, [_enrol("sec"), _propose(scheme, "evaluation", "sec",
                                                           "2025", grade)])
    person = subjects(grades(cli, "2025"), "evaluation")["sec"]
    assert person["grade"] == grade
    assert _effects(person) == rules


def test_scheme_12_11_not_good_caps_the_annual_grade(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    scheme = "town-party-secretaries"
    rows = [_enrol("good"), _enrol("fair"),
            _propose(scheme, "report", "good", "2025", "good"),
            _propose(scheme, "report", "fair", "2025", "fairly_good"),
            _propose(scheme, "annual", "good", "2025", "excellent"),
            _propose(scheme, "annual", "fair", "2025", "excellent")]
    _apply(cli, tmp_path, scheme, rows)
    assert grade_map(grades(cli, "2025"), "annual") == {"good": "excellent", "fair": "competent"}


def test_scheme_12_7_lagging_organisations_per_area(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows: list[dict[str, Any]] = []
    for n in range(1, 12):  # 11 rural: ⌈1.1⌉ = 2 lagging
        rows += [_enrol(f"r{n:02d}", "unit", area="rural"),
                 _input(f"r{n:02d}", "2025", "score", 60 + n)]
    for n in range(1, 5):  # 4 community: ⌈0.2⌉ = 1 lagging
        rows += [_enrol(f"c{n}", "unit", area="community"),
                 _input(f"c{n}", "2025", "score", 70 + n)]
    _apply(cli, tmp_path, "xiaogan-county-secretaries", rows)
    units = subjects(grades(cli, "2025"), "organisations")
    lagging = sorted(k for k, v in units.items() if _effects(v) == ["S12.7-R10"])
    assert lagging == ["c1", "r01", "r02"]
