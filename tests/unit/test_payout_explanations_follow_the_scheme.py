"""Explanations quote the scheme in force, not the scheme the code was written against:
change scheme 11's numbers, recompute the worked examples, and every explanation text
that cites one of those numbers shows the new value and none shows the old."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from builders import GOLDEN, memory_ledger, record

from domain.periods import Period
from domain.shipped_schemes import load_shipped_scheme
from projections.figures import Figure
from projections.payout import calculate

SCHEME = "xinghe-county-hospital"


def _changed(document: dict[str, Any]) -> dict[str, Any]:
    """Scheme 11 with every number its explanation texts cite moved (a new version)."""
    changed = copy.deepcopy(document)
    changed["version"] = 99
    changed["clinical"].update(quantity_per_head=57, quality_per_head=33, ethics_per_head=23)
    changed["items"]["discipline"]["floor"] = -5
    changed["admin"]["classes"][2]["top_n"] = 2
    changed["study_leave"]["bands"][1]["rate"] = "0.65"
    changed["year_end"].update(cme_min_credits=24, cme_shortfall_points=-7,
                               refused_training_points=-6)
    return changed


# figure key suffix → (text as scheme 11 writes it, text under the changed scheme)
CITED = {
    ":quantity": ("50 × head-count × (actual workload ÷ base workload)",
                  "57 × head-count × (actual workload ÷ base workload)"),
    ":quality": ("max(0, 30 × head-count − quality deductions)",
                 "max(0, 33 × head-count − quality deductions)"),
    ":ethics": ("max(0, 20 × head-count − ethics deductions)",
                "max(0, 23 × head-count − ethics deductions)"),
    ":item:discipline": ("max(0, base + Σ deductions)", "max(-5, base + Σ deductions)"),
    ":base": ("mean per-capita of the top 3 clinical departments × head-count",
              "mean per-capita of the top 2 clinical departments × head-count"),
    ":year_end_penalties": (
        "−10 if CME credits < 20; −10 if a training placement was refused",
        "−7 if CME credits < 24; −6 if a training placement was refused"),
}
OLD_PHRASES = ("50 ×", "30 ×", "20 ×", "top 3", "at 60 %", "−10", "< 20")


def _rows(name: str, document: dict[str, Any] | None) -> list[dict[str, Any]]:
    lines = (GOLDEN / name).read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]
    if document is not None:
        rows = [{"type": "adopt_scheme", "document": document,
                 "idempotency_key": r["idempotency_key"]}
                if r["type"] == "adopt_scheme" else r for r in rows]
    return rows


EXTRA_YEAR_END = [
    {"type": "record_cme_credits", "employee_id": "a", "year": 2026, "credits": "18",
     "idempotency_key": "cme-a"},
    {"type": "record_training_refusal", "employee_id": "b", "year": 2026,
     "idempotency_key": "refused-b"},
]
EXAMPLES = [("example-2/commands.jsonl", "2026-Q1", []),
            ("example-4/study-leave.jsonl", "2026-Q1", []),
            ("example-4/year-end.jsonl", "2026-YE", EXTRA_YEAR_END)]


def _figures(document: dict[str, Any] | None) -> Iterator[Figure]:
    for name, period, extra in EXAMPLES:
        ledger = memory_ledger()
        record(ledger, *_rows(name, document), *extra)
        yield from calculate(ledger.facts(), Period.parse(period)).book.figures.values()


def _texts(figure: Figure) -> list[str]:
    return [figure.label, figure.formula, *(value for _, value in figure.literals)]


@pytest.fixture(scope="module")
def shipped() -> list[Figure]:
    return list(_figures(None))


@pytest.fixture(scope="module")
def changed() -> list[Figure]:
    return list(_figures(_changed(load_shipped_scheme(SCHEME))))


@pytest.mark.parametrize("suffix", sorted(CITED))
def test_a_text_citing_a_scheme_number_shows_the_number_in_force(
    shipped: list[Figure], changed: list[Figure], suffix: str,
) -> None:
    old, new = CITED[suffix]
    before = {f.formula for f in shipped if f.key.endswith(suffix)} - {"not computable"}
    after = {f.formula for f in changed if f.key.endswith(suffix)} - {"not computable"}
    assert old in before
    assert new in after
    assert old not in after


def test_the_study_leave_reason_quotes_the_band_rate_in_force(
    shipped: list[Figure], changed: list[Figure],
) -> None:
    def reasons(figures: list[Figure]) -> set[str]:
        return {v for f in figures for k, v in f.literals if k == "reason" and "hospital" in v}

    assert any("at 60 % of same-level pay" in r for r in reasons(shipped))
    assert any("at 65 % of same-level pay" in r for r in reasons(changed))


def test_no_explanation_under_the_changed_scheme_quotes_an_old_number(
    changed: list[Figure],
) -> None:
    stale = [(f.key, text) for f in changed for text in _texts(f)
             if any(phrase in text for phrase in OLD_PHRASES)]
    assert stale == []
