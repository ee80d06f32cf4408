"""rank() and rank_low() inside figures (docs/grades.md): competition ranking ("1224"),
ties sharing the best place, whatever the order the subjects were enrolled in. A figure
ranks an earlier figure of every subject of the scope, never only those read so far."""

from __future__ import annotations

import random
from typing import Any

from builders import memory_ledger, record
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.grading import GradingPeriod
from domain.shipped_schemes import load_shipped_scheme
from projections.grading.report import grades_report

REF = {"rule": "S1-R07", "source": "002_db447562deed9801.txt:L57"}


def _scheme_with_places() -> dict[str, Any]:
    document = load_shipped_scheme("family-doctor-evaluation")
    county = document["pipelines"][0]
    county["figures"] = [*county["figures"],
                         {"name": "place", "expr": "rank('total')", "ref": REF},
                         {"name": "place_low", "expr": "rank_low('total')", "ref": REF}]
    return document


def _places(scores: dict[str, int]) -> dict[str, tuple[str, str]]:
    rows: list[dict[str, Any]] = [{"type": "adopt_scheme", "document": _scheme_with_places()}]
    for sid, score in scores.items():
        rows.append({"type": "enrol_subject", "subject_id": sid, "name": sid, "kind": "unit",
                     "enrolled_on": "2024-01-01"})
        rows += [{"type": "record_grade_input", "subject_id": sid, "grading_period": "2025",
                  "component": component, "value": value}
                 for component, value in (("system_building", "0"), ("facilities", "0"),
                                          ("contract_service", str(score)))]
    ledger = memory_ledger()
    record(ledger, *rows)
    report = grades_report(ledger.facts(), GradingPeriod.parse("2025"))
    figures = {s["subject_id"]: s["figures"]
               for s in report["pipelines"][0]["subjects"]}
    return {sid: (f["place"], f["place_low"]) for sid, f in figures.items()}


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=9),
       st.randoms(use_true_random=False))
def test_places_are_competition_ranks_in_any_enrolment_order(
        scores: list[int], shuffle: random.Random) -> None:
    named = {f"c{n}": score for n, score in enumerate(scores)}
    order = list(named)
    shuffle.shuffle(order)
    places = _places({sid: named[sid] for sid in order})
    assert places == _places(named)
    for sid, score in named.items():
        better = sum(1 for other in named.values() if other > score)
        worse = sum(1 for other in named.values() if other < score)
        assert places[sid] == (str(better + 1), str(worse + 1))
