"""Results from outside the ledger (`record_outside_result`), as the grading rules read
them: a prior year's grade the ledger never computed, a grade a higher body gave, a
count from another system. Indexed once per fold of the facts."""

from __future__ import annotations

from domain.facts import Facts
from domain.procedure_events import OutsideResultRecorded
from projections.memo import memo_of

Key = tuple[str, str, str]  # subject, name, grading period


def outside_result(facts: Facts, rulebook: str, subject_id: str, name: str,
                   period: str) -> OutsideResultRecorded | None:
    """The live outside result for the subject, name and period: the one recorded for
    this rulebook, else one recorded for every rulebook."""
    index = memo_of(facts).get("outside results")
    if index is None:
        index = {}
        for event in facts.live.values():
            if isinstance(event, OutsideResultRecorded):
                key = (event.subject_id, event.name, event.grading_period)
                index.setdefault(key, {})[event.rulebook] = event
        memo_of(facts)["outside results"] = index
    found = index.get((subject_id, name, period), {})
    chosen = found.get(rulebook) or found.get(None)
    return chosen if isinstance(chosen, OutsideResultRecorded) else None


def source_text(event: OutsideResultRecorded) -> str:
    ref = f", {event.source_ref}" if event.source_ref else ""
    return f"recorded from outside the ledger: {event.source}{ref}"
