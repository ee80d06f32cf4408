"""Every intermediate as a named figure, in maps a checker can read beside each line.

A figure's key names its subject and its name: `person:<id>:<name>`, `dept:<id>:<name>`,
or an organisation-level key (`hospital:…`, `pool:…`). The *name* — the key without the
subject — is what `docs/figures.md` documents and what stays stable across periods and
ledgers; the value is the figure's canonical text (money to the fen where the figure is
an amount paid, exact decimals or `n/d` otherwise), the same text `explain` shows.

The maps are built beside the statement, never inside it: a closed statement's hash is
over its canonical JSON, and an added key would break every close ever recorded.
"""

from __future__ import annotations

import re
from typing import Any

from domain.records import frozen_record
from projections.figure_tree import merged_figures
from projections.figures import Figure, Ledgerbook

# A subject's figures are keyed `<kind>:<subject id>:<name>`; ids never contain ":".
SUBJECT_KINDS = {"person": "people", "dept": "departments"}
_SUBJECT_KEY = re.compile(r"^(person|dept):([^:]+):(.+)$")


@frozen_record
class FigureName:
    """Where a figure sits: people/departments/organisation, whose, and its stable name."""

    level: str  # "people" | "departments" | "organisation"
    subject: str | None
    name: str

    @property
    def pattern(self) -> str:
        """The documented form of the key: the subject id as a placeholder."""
        if self.level == "people":
            return f"person:{{employee_id}}:{self.name}"
        if self.level == "departments":
            return f"dept:{{department_id}}:{self.name}"
        return self.name


def figure_name(key: str) -> FigureName:
    match = _SUBJECT_KEY.match(key)
    if match is None:
        return FigureName("organisation", None, key)
    return FigureName(SUBJECT_KINDS[match[1]], match[2], match[3])


@frozen_record
class FigureMaps:
    people: dict[str, dict[str, str]]
    departments: dict[str, dict[str, str]]
    organisation: dict[str, str]


def figure_maps(book: Ledgerbook) -> FigureMaps:
    """Each person's, each department's and the organisation's figures, name → value."""
    people: dict[str, dict[str, str]] = {}
    departments: dict[str, dict[str, str]] = {}
    organisation: dict[str, str] = {}
    for key, figure in book.figures.items():
        where = figure_name(key)
        if where.level == "people":
            people.setdefault(str(where.subject), {})[where.name] = figure.value_text()
        elif where.level == "departments":
            departments.setdefault(str(where.subject), {})[where.name] = figure.value_text()
        else:
            organisation[where.name] = figure.value_text()
    return FigureMaps(people, departments, organisation)


def with_figures(statement_json: dict[str, Any], book: Ledgerbook) -> dict[str, Any]:
    """A statement's JSON with a `figures` map on every person and department line and
    one for the organisation; every existing field is kept as it was."""
    maps = figure_maps(book)
    return merged_figures(statement_json, maps.people, maps.departments, maps.organisation)


def catalogue_entry(figure: Figure) -> dict[str, str]:
    """What `docs/figures.md` lists for a figure: its unit, formula and rule."""
    return {"unit": figure.unit, "formula": figure.formula,
            "rule": figure.ref.rule if figure.ref is not None else ""}
