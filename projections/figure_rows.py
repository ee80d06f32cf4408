"""A statement's figures as the statements view keeps them beside it: one row per
subject (a person, a department, the organisation) holding each of its figures' JSON,
and one row of the figure maps that reports with `figures` add to every line. From these
`jixiao explain` and a payout with figures answer without recomputing the period
(`api.storage.warm_view`), with the very walk and merge the computed book goes through
(`projections.figure_tree`)."""

from __future__ import annotations

import json
from typing import Any

from domain.facts import Facts
from domain.scheme import canonical_dumps
from domain.settings import LedgerConfigured
from projections.figure_tree import MAPS_SUBJECT, SUBJECTS_ROW, figure_subject
from projections.figures import Ledgerbook


def figure_rows(book: Ledgerbook) -> dict[str, str]:
    """Subject → the canonical JSON of its figures (key → `Figure.to_json`), and
    MAPS_SUBJECT → the figure maps (people, departments, organisation), SUBJECTS_ROW →
    the subjects that have a row."""
    # The figure names' map (≈0.8 ms to import) with a book to store: a what-if stores none.
    from projections.figure_map import figure_name  # noqa: PLC0415

    by_subject: dict[str, dict[str, Any]] = {}
    maps: dict[str, dict[str, Any]] = {"people": {}, "departments": {}, "organisation": {}}
    for key, figure in book.figures.items():
        data = by_subject.setdefault(figure_subject(key), {})[key] = figure.to_json()
        # projections.figure_map.figure_maps, from the value text just rendered.
        where = figure_name(key)
        level = maps[where.level]
        if where.subject is not None:
            level = level.setdefault(where.subject, {})
        level[where.name] = data["value"]
    # In the figures' own key order, not sorted: the text rendering lists a figure's
    # literals in the order the calculation named them.
    rows = {subject: json.dumps(figures, ensure_ascii=False, separators=(",", ":"))
            for subject, figures in by_subject.items()}
    rows[SUBJECTS_ROW] = canonical_dumps(sorted(by_subject))
    rows[MAPS_SUBJECT] = canonical_dumps(maps)
    return rows


def reports_carry_figures(facts: Facts) -> bool:
    """The ledger's setting: its latest live LedgerConfigured asks reports to carry
    their figures maps (ledgers made by `jixiao init`)."""
    # The latest folded (`Facts.settings`) is the latest live one when it is live, and
    # none folded is none live: the live facts scanned only when it was withdrawn (a
    # hospital's 18,500, ≈1.5 ms of a what-if, for a ledger that has no settings).
    folded = facts.settings
    if folded is None:
        return False
    if facts.live.get(folded.originator_id) is folded:
        return bool(folded.report_figures)
    latest = next((e for e in reversed(facts.live.values())
                   if isinstance(e, LedgerConfigured)), None)
    return bool(latest is not None and latest.report_figures)
