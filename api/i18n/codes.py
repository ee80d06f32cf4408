"""What a person calls the codes the ledger stores (employment categories, pay statuses,
title grades, posts, participation classes, deduction kinds, score items), in the current
language: exports print these where a clerk reads (the id, when a machine needs it, stays
in a column of its own), and templates offer them in drop-downs as 「label (code)」, which
the import reads back as the code (api/sheets/cells.py).

The message ids are the ones the pages and the explanation already translate (web.po,
cli.po, figures.po), so each code has one Chinese name everywhere. A code with no name
shows as itself, so a scheme's new code is readable before it is named."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from api.i18n import N_, gettext, use_language
from api.i18n import figures as figure_words

DOCUMENT_LANGUAGE: Final = "zh_CN"

# The hospital scheme's deduction kinds (domain/schemes/xinghe-county-hospital.yaml, with
# the seed's words); the pages' grid (api/web/labels.py) names them with the same ids.
DEDUCTION_LABELS: Final = {
    "error": N_("Error (each time)"), "accident": N_("Accident (all points)"),
    "valid_complaint": N_("Valid complaint (all points)"),
    "bribe": N_("Red envelope taken (all points)"),
    "roster_disobeyed": N_("Roster disobeyed"), "absent_half_day": N_("Absent half a day"),
    "absent_day": N_("Absent a day or more"), "no_licence": N_("No practising licence"),
    "late": N_("Late"), "left_early": N_("Left early"), "off_post": N_("Off post"),
    "ethics_breach": N_("Ethics breach"), "overtime_addition": N_("Overtime addition"),
}
# A payout line's status (projections/payout/statement.py), a graded subject's
# (projections/grading/model.py SubjectResult) and the category the figure words lack.
OWN_NAMES: Final = {"paid": N_("paid"), "excluded": N_("excluded"),
                    "lump_sum": N_("lump-sum wage"),
                    "graded": N_("graded"), "scored": N_("scored"), "no_grade": N_("no grade"),
                    "not_assessed": N_("not assessed"), "pending": N_("grade pending"),
                    "blocked": N_("blocked by missing input"),
                    # posts the figure words lack, in the seed's words (S11-R35,
                    # 002_db447562deed9801.txt:L995)
                    "medical_affairs_director": N_("director of medical affairs"),
                    "nursing_director": N_("director of nursing"),
                    "deputy_nursing_director": N_("deputy director of nursing"),
                    "clinical_centre_director": N_("director of a clinical centre"),
                    "leader_heading_clinical": N_("hospital leader heading a clinical department")}


def code_name(code: str) -> str:
    """「迟到」 for late, 「在编」 for regular, 「副高」 for associate_senior; else the code."""
    named = DEDUCTION_LABELS.get(code) or OWN_NAMES.get(code)
    if named is not None:
        return gettext(named)
    return figure_words.pgettext(code)


def in_documents(name: Callable[[str], str], code: str) -> str:
    """A code's name as exports and templates print it: in Chinese, as every header of
    those files is, whatever language the CLI or the page speaks."""
    with use_language(DOCUMENT_LANGUAGE):
        return name(code)


def labelled(name: str, code: str) -> str:
    """「内科 (internal)」: the name a person knows and the code the import reads back; the
    code alone when it has no other name."""
    return code if not name or name == code else f"{name} ({code})"
