"""Which of a period's files a caller may download, for the pages' download list: the
same role rules the files' own use cases apply (api/usecases/downloads.py, documents.py,
letters.py), read here so a page never offers a file its reader would be refused. The
files themselves are made by those use cases; a test asks each offered file of each role
and each file not offered, so this list and the rules cannot drift apart."""

from __future__ import annotations

from dataclasses import replace

from api.usecases.appeals import _visible_state
from api.usecases.grades import parse_grading_period
from api.usecases.personal import may_read_whole
from api.usecases.ports import Caller, Workspace, parse_period, today_utc
from domain.appeals import appeals_of
from domain.errors import InvalidRequestError, NotFoundError
from domain.records import frozen_record
from projections.grading.gather import grading_schemes_in_force

TABLES = ("xlsx", "csv", "pdf")
# The kinds of file with a remark of their own (api/web/downloads_text.py words them).
NOTED = frozenset({"statement", "payroll", "bank", "events", "payslips", "letters"})


@frozen_record
class Offer:
    """A file by its kind (`what`); the page titles it and words `note`, a kind of
    remark (the file's own, or why it cannot be made yet), in the reader's language."""
    what: str
    formats: tuple[str, ...]
    encodings: bool  # a CSV among the formats, whose encoding the reader chooses
    note: str = ""
    items: tuple[str, ...] = ()  # letters: the decided appeals, one letter each


def offers(ws: Workspace, caller: Caller, period_text: str, *,
           has_master_key: bool) -> list[Offer]:
    """The files of `period_text` this caller may have, in the order a clerk needs them."""
    period = parse_period(period_text)
    user = caller.user
    everything = user is None or user.reads_everything
    facts = ws.facts()
    found = [_offer("statement", TABLES)]
    if everything:
        found.append(_offer("reconciliation", TABLES))
    if everything and facts.close_of(str(period)) is not None:
        found.append(_offer("restatement", TABLES))
    found.append(_offer("figures", TABLES))
    if everything:
        found.append(_offer("payroll", ("xlsx", "csv")))
    if may_read_whole(caller):
        found.append(_bank(facts.close_of(str(period)) is not None, has_master_key))
    if everything:
        found.append(_offer("payslips", ("pdf", "xlsx")))
        if _graded(ws, period_text):
            found.append(_offer("grades", TABLES))
        found.append(_offer("events", TABLES))
    decided = decided_appeals(ws, caller)
    if decided:
        found.append(replace(_offer("letters", ("pdf",)), items=decided))
    return found


def _bank(closed: bool, has_master_key: bool) -> Offer:
    """Offered to finance and administrators, made once the period is closed and the
    server holds the master key; until then it says why not."""
    if not has_master_key:
        return Offer("bank", (), False, "no_key")
    if not closed:
        return Offer("bank", (), False, "bank_open")
    return _offer("bank", ("csv",))


def decided_appeals(ws: Workspace, caller: Caller) -> tuple[str, ...]:
    """The decided appeals whose letters the caller may read (`jixiao export letters`)."""
    facts = ws.facts()
    today = today_utc()
    found = []
    for appeal_id, state in sorted(appeals_of(facts).items()):
        if not any(r.decision is not None for r in state.reviews):
            continue
        try:
            _visible_state(caller, facts, appeal_id, today)
        except NotFoundError:
            continue
        found.append(appeal_id)
    return tuple(found)


def _offer(what: str, formats: tuple[str, ...]) -> Offer:
    return Offer(what, formats, "csv" in formats and what != "bank",
                 what if what in NOTED else "")


def _graded(ws: Workspace, period_text: str) -> bool:
    """Whether a grading scheme is in force for the period (else its grades are none)."""
    try:
        period = parse_grading_period(period_text)
    except InvalidRequestError:  # a year end: no grading period
        return False
    return bool(grading_schemes_in_force(ws.facts(), period))
