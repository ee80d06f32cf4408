"""An explanation tree walked over figures in their JSON form, wherever they are kept: a
ledgerbook just computed (`Ledgerbook.tree`) or the rows the statements view stores
beside each statement (`api.storage.warm_view`), so `jixiao explain` can answer from
the view without recomputing the period. One walk for both, so the two answers are the
same by construction.

Standard library only: the command line's warm path imports this without the models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

# Explanations expand at most this many inputs of one figure: every department of a
# 50-department hospital, not every department of a province.
WIDE_INPUTS = 50

# The row of the figure maps (`projections.figure_map`), beside the subjects' rows; no
# subject is named so (`figure_subject` gives "person:…", "dept:…" or "").
MAPS_SUBJECT = "*maps"
# The row listing every subject that has a row (a deleted row is then found missing,
# not taken for a subject without figures); small, so an explanation reads it cheaply.
SUBJECTS_ROW = "*subjects"

# A figure's JSON (`Figure.to_json`: a fresh dict each call), or None when not computed.
FigureLookup = Callable[[str], dict[str, Any] | None]


class FigureSource(Protocol):
    """A period's statement (its JSON) and its figures, kept apart from the calculation
    (`api.storage.warm_view.StoredFigures`)."""

    @property
    def statement(self) -> dict[str, Any]: ...

    def figure(self, key: str) -> dict[str, Any] | None: ...

    def prefetch(self, keys: list[str]) -> None:
        """Make the figures of these keys ready to look up (one read, not many)."""


class UntrustedFigureError(Exception):
    """A stored figure row that may not be served (edited, or not of the statement beside
    it): the caller recomputes the period instead."""


def figure_subject(key: str) -> str:
    """The stored row a figure belongs to: `person:<id>`, `dept:<id>`, or "" for the
    organisation's figures (`hospital:…`, `pool:…`)."""
    kind, _, rest = key.partition(":")
    if kind in ("person", "dept") and ":" in rest:
        return f"{kind}:{rest.split(':', 1)[0]}"
    return ""


def explain_tree(lookup: FigureLookup, key: str, depth_max: int = 12,
                 seen: set[str] | None = None,
                 prefetch: Callable[[list[str]], None] | None = None) -> dict[str, Any]:
    """The explanation of one figure: itself and, recursively, its inputs. A figure
    already explained higher up the tree is named, not repeated; the inputs of a
    figure computed from very many others (a province's total points, over 2,000
    department scores) are named by key, not expanded: expanded, one person's
    explanation ran to 233,609 nodes, and any one input can be explained by its key.
    Asked for directly, such a figure lists its inputs one level deep. `prefetch`, when
    given, is told every figure's inputs before they are looked up one by one (stored
    rows are then read a node's inputs at a time, not a figure at a time)."""
    root = seen is None
    seen = set() if seen is None else seen
    seen.add(key)
    node = lookup(key)
    if node is None:
        raise KeyError(key)
    inputs: list[str] = list(node["inputs"])
    if len(inputs) > WIDE_INPUTS:
        if not root:
            node["because"] = []
            node["inputs_not_expanded"] = len(inputs)
            return node
        depth_max = 0
    if prefetch is not None:
        prefetch(inputs)
    children = []
    for child in inputs:
        found = lookup(child)
        if found is None:
            continue
        if child in seen:
            children.append({**found, "see_above": True})
        elif depth_max <= 0:
            children.append({**found, "truncated": True})
        else:
            children.append(explain_tree(lookup, child, depth_max - 1, seen, prefetch))
    node["because"] = children
    return node


def merged_figures(statement_json: dict[str, Any], people: dict[str, dict[str, str]],
                   departments: dict[str, dict[str, str]],
                   organisation: dict[str, str]) -> dict[str, Any]:
    """A statement's JSON with a `figures` map (name → value text) on every person and
    department line and one for the organisation; every existing field kept as it was."""
    return {
        **statement_json,
        "people": [{**line, "figures": dict(sorted(
            people.get(line["employee_id"], {}).items()))}
            for line in statement_json["people"]],
        "departments": [{**line, "figures": dict(sorted(
            departments.get(line["department_id"], {}).items()))}
            for line in statement_json["departments"]],
        "figures": dict(sorted(organisation.items())),
    }
