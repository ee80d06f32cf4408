"""Grades over HTTP: `jixiao grades --json` and `jixiao grades explain --json`. The report
shows every subject of a rulebook, so it is for the roles that read everything (heads
and employees are refused: a grading subject's unit is not tied to the roster)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.http.access import require_everything
from api.http.queries import _facts
from api.http.runtime import Backend
from domain.errors import InvalidRequestError
from domain.grading import GradingPeriod
from domain.users import User


def _period(text: str) -> GradingPeriod:
    try:
        return GradingPeriod.parse(text)
    except ValueError as error:
        raise InvalidRequestError(str(error)) from None


def report(backend: Backend, user: User, period: str, scheme: str | None,
           as_of: datetime | None) -> dict[str, Any]:
    from projections.grades import grades_report

    require_everything(user, "the grades")
    return grades_report(_facts(backend, as_of), _period(period), scheme)


def explain(backend: Backend, user: User, period: str, subject: str, scheme: str | None,
            as_of: datetime | None) -> dict[str, Any]:
    from projections.grades import explain_subject

    require_everything(user, "the grades")
    return explain_subject(_facts(backend, as_of), _period(period), subject, scheme)
