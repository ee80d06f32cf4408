"""Reports answered from the warm statements view alone, for a process that has nothing
else to do: the store owner's payout of a period (the command line's `jixiao payout`).
None means "not from the view" and the caller runs `api.usecases.reports.payout`, which
gives the same answer the long way (a view to catch up, a row to recompute, a what-if,
an as-of, a user's scope, an access to log)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from domain.periods import Period
from domain.records import frozen_record
from projections.figure_tree import (
    FigureLookup,
    FigureSource,
    UntrustedFigureError,
    explain_tree,
    merged_figures,
)

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from api.storage.warm_view import WarmStatement


@frozen_record
class WarmExplain:
    """`jixiao explain` in the form the warm path answers (no actor, as-of or what-if)."""

    period: str
    employee: str | None
    department: str | None
    figure: str | None
    depth: int


def owner_payout(read: Callable[[str], WarmStatement | None],
                 period_text: str) -> dict[str, Any] | None:
    """`reports.payout` for the store's owner (no user: nothing scoped, no access logged)
    with no as-of, what-if or figures, when the view can answer it unchanged."""
    try:
        period = Period.parse(period_text)
    except ValueError:
        return None  # the full path names the mistake
    found = read(str(period))
    # A note written before invalid entries carried their `problems` would answer
    # otherwise than the fold does: the full path answers until the next catch-up.
    if found is None or any("problems" not in entry for entry in found.invalid_entries):
        return None
    statement: dict[str, Any] = json.loads(found.body)
    if found.maps is not None:  # reports.payout's `with_figures`, from the stored maps
        maps = json.loads(found.maps)
        statement = merged_figures(statement, maps["people"], maps["departments"],
                                   maps["organisation"])
    if found.invalid_entries:  # as reports.payout names them: beside, not folded in
        statement = {**statement, "invalid_entries": found.invalid_entries}
    return statement


def explain_roots(figure: FigureLookup, employee: str | None, department: str | None,
                  figure_key: str | None) -> list[str]:
    """The figures an explanation starts from (none: no such person, department or
    figure in the period): a person's pay (or points, when unpaid) and post bonus, a
    department's settled pay, or the figure asked for."""
    if employee is not None:
        roots = [k for k in (f"person:{employee}:pay", f"person:{employee}:points")
                 if figure(k) is not None][:1]
        if roots and figure(f"person:{employee}:post_bonus") is not None:
            roots.append(f"person:{employee}:post_bonus")
        return roots
    key = f"dept:{department}:settled" if department is not None else str(figure_key)
    return [key] if figure(key) is not None else []


def line_departments(people: list[dict[str, Any]]) -> dict[str, str]:
    """Each paid person's department, from a statement's lines (who may read whose)."""
    return {line["employee_id"]: line["department_id"] for line in people}


def owner_explain(figures: Callable[[str], AbstractContextManager[FigureSource | None]],
                  query: WarmExplain) -> dict[str, Any] | None:
    """`reports.explain` for the store's owner (nothing scoped, no access logged) with no
    as-of or what-if, from the stored figures; None when they cannot answer it."""
    try:
        period = Period.parse(query.period)
    except ValueError:
        return None  # the full path names the mistake
    with figures(str(period)) as stored:
        if stored is None:
            return None
        try:
            roots = explain_roots(stored.figure, query.employee, query.department,
                                  query.figure)
            if not roots:
                return None  # the full path says what is missing
            trees = [explain_tree(stored.figure, root, query.depth, prefetch=stored.prefetch)
                     for root in roots]
        except UntrustedFigureError:
            return None
    return {"period": str(period), "explain": trees}
