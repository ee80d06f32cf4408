"""The Chinese name of each figure of a period's statement, for the figures export: the
label its calculation gave it (the names docs/figures.md lists) in the documents'
language (api/i18n/figures), without the subject a row already names."""

from __future__ import annotations

from api.i18n import use_language
from api.i18n.codes import DOCUMENT_LANGUAGE
from api.i18n.figures import label
from api.usecases.period_facts import period_facts
from api.usecases.ports import Workspace
from domain.periods import Period
from projections.restatement import statement_for


def figure_names(ws: Workspace, period: Period) -> dict[str, str]:
    """Figure key (`person:li:score`, `hospital:average_bonus`) → its Chinese name."""
    book = statement_for(period_facts(ws, period), period).book
    names = {}
    with use_language(DOCUMENT_LANGUAGE):
        for key, figure in book.figures.items():
            subject, colon, _ = figure.label.partition(": ")
            shown = label(figure.label)
            # "Li: title points" reads "Li：职称分": the row names Li already.
            names[key] = shown.removeprefix(f"{subject}：") if colon else shown
    return names
