"""A period's individual scores seeded from the statement stored for the same facts.

A what-if in a new process (`jixiao payout --with`) folds the ledger and computes the
period again on the hypothetical facts; a what-if carries the scores computed on the facts
it starts from (`projections.whatif.carry_over`, `projections.person_inputs`), but a new
process has computed none, so it scored every person again (≈0.2 s of CPU at hospital
size) to change one. The statements view keeps the period's statement, hash-checked and
computed at a known position, and its person lines carry each person's score, ratio,
points and reason as exact texts (`projections.payout.line_memo.person_lines` copies them
from the person's `PersonScore`): when the statement is of exactly the facts the what-if
starts from, those are read from it (`seed_person_scores`), and the preview scores again
only the people its events concern.

Only the values a statement reads are taken from the view, parsed back exactly; the
figures that explain them are computed from the person's own inputs when something first
reads them (`_LazyFigures`), so an explanation or a merged book never holds a figure
rebuilt from JSON. A line that is missing, rounded or not of the person on the roster is
not seeded (that person is scored as before).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from domain.events import LeaveRecorded, LedgerEvent
from domain.facts import EmployeeState, Facts
from domain.money import calc_context
from domain.periods import Period
from domain.scheme import Scheme
from projections.figures import Figure, LazyFigures
from projections.memo import memo_of
from projections.payout.seeded_splits import remember_stored_splits
from projections.person_inputs import PERSON_RUNS, person_inputs
from projections.scoring import PersonScore, person_figures, scored

# The period's statement as stored for exactly the facts being seeded, parsed; None when
# there is none to trust (the caller checks the row's hash and position).
StatementReader = Callable[[], Mapping[str, Any] | None]


def seed_person_scores(facts: Facts, period: Period, read: StatementReader, *,
                       splits: bool = True) -> int:
    """Seed `facts`' memo with the stored scores of `period`'s roster, and with `splits`
    the stored splits of the departments whose people were all seeded
    (`remember_stored_splits`); how many people were seeded. Nothing is seeded for a
    period scored on these facts already.

    A report that reads the figures asks for no splits: it computes each split's figures
    anyway (`_LazySplitFigures`), and computed they are the result, never a stored one that
    differs (a row edited and its hash written anew would make the two disagree)."""
    if period.kind != "quarter":
        return 0  # a year end's lines are not its people's quarterly scores
    if facts.close_of(str(period)) is not None:
        # Its stored row is the frozen statement, of the facts at its close: a correction
        # since (restated) is not in its lines, and seeding them would restate nothing.
        return 0
    scheme: Scheme | None = facts.scheme_for(period)
    if scheme is None:
        return 0
    runs = memo_of(facts).setdefault(PERSON_RUNS, {})
    if (period, id(scheme)) in runs:
        return 0
    statement = read()
    lines = None if statement is None else statement.get("people")
    if not isinstance(lines, list) or (period, id(scheme)) in runs:
        return 0  # nothing to trust, or reading computed it: nothing to seed
    by_id = {line.get("employee_id"): line for line in lines}
    inputs = person_inputs(facts, period)
    results: list[Any] = []
    exact: dict[str, Fraction | None] = {}  # each text parsed once (Fraction's parser is slow)
    seeded: dict[str, list[tuple[PersonScore, Mapping[str, Any]]]] = {}
    unseeded: set[str] = set()  # the departments split again in any case
    for person in inputs.roster:
        line = by_id.get(person.employee_id)
        score = _stored_score(person, line, exact)
        if score is None:
            results.append(None)  # scored as before
            unseeded.add(person.department_id)
            continue
        seeded.setdefault(person.department_id, []).append((score, line))  # type: ignore[arg-type]
        own = tuple(inputs.entries.get(person.employee_id, ()))
        leaves = tuple(facts.leaves_of(person.employee_id))
        results.append(scored(score, _LazyFigures(person, own, leaves, period, scheme),
                              (scheme, own, leaves)))
    runs[period, id(scheme)] = (scheme, results)
    if splits:
        remember_stored_splits(facts, statement, seeded, unseeded)  # type: ignore[arg-type]
    return sum(result is not None for result in results)


def _stored_score(person: EmployeeState, line: Mapping[str, Any] | None,
                  exact: dict[str, Fraction | None]) -> PersonScore | None:
    """The person's score as their stored line gives it, or None when it does not give it
    exactly (no line, a line of someone else's department or category, a value rounded
    for display)."""
    if line is None:
        return None
    get = line.get  # ≈1,000 lines a hospital what-if: one lookup of the method
    if get("department_id") != person.department_id or (
            get("category") != person.category or get("name") != person.name):
        return None
    status, reason = get("status"), get("reason")
    participates = True if status == "paid" else False if status == "excluded" else None
    if participates is None or not isinstance(reason, str) or participates == bool(reason):
        return None  # a taking part person has no reason; an excluded one always has one
    score, ratio, points = (_exact(get("score"), exact), _exact(get("ratio"), exact),
                            _exact(get("points"), exact))
    if score is None or ratio is None or points is None:
        return None
    return PersonScore(person.employee_id, person.name, person.department_id, participates,
                       reason, score, ratio, points, person.post, person.title_grade,
                       person.category, person.event_ids)


_UNSEEN = object()


def _exact(text: Any, known: dict[str, Fraction | None]) -> Fraction | None:
    """An exact value from its text (`exact_text`: a decimal or n/d); None when absent,
    not a text or rounded for display (a trailing "…")."""
    if type(text) is not str:
        return None
    value = known.get(text, _UNSEEN)
    if value is not _UNSEEN:
        return value  # type: ignore[return-value]
    value = None
    if not text.endswith("…"):
        try:
            value = _fraction(text)
        except (ValueError, ZeroDivisionError):
            value = None
    known[text] = value
    return value


# A plain decimal, as `exact_text` writes most values: read without Fraction's parser
# (≈2,000 texts a hospital what-if); anything else (n/d, a longer decimal) is Fraction's.
_DECIMAL_TEXT = re.compile(r"(-?)([0-9]{1,40})(?:\.([0-9]{1,40}))?")

# What `exact_text` can write, and so all a stored score's text needs: it never writes an
# exponent (a decimal is digits and a point, anything else n/d), and it writes each integer
# with str(), which refuses more digits than Python's int-string limit. Fraction's parser
# takes an exponent and computes 10**exponent: "1e999999999" would hang the what-if.
STORED_TEXT_DIGITS_MAX = sys.int_info.default_max_str_digits  # 4,300
# A decimal's digits are one str() (its point inside, its places ≤ EXACT_TEXT_MAX_BITS); an
# n/d's are two of at most EXACT_TEXT_MAX_BITS bits (61 digits) each.
STORED_TEXT_CHARS_MAX = STORED_TEXT_DIGITS_MAX + 2  # a sign and a point


def _fraction(text: str) -> Fraction:
    """`Fraction(text)`, faster for a plain decimal; ValueError for a text `exact_text`
    cannot have written (an exponent, or longer than it writes)."""
    plain = _DECIMAL_TEXT.fullmatch(text)
    if plain is None:
        if len(text) > STORED_TEXT_CHARS_MAX or "e" in text or "E" in text:
            raise ValueError(f"not an exact text: {text[:40]!r}")
        return Fraction(text)
    sign, whole, places = plain.groups()
    digits = int(whole + places) if places else int(whole)
    return Fraction(-digits if sign else digits, 10 ** len(places) if places else 1)


class _LazyFigures(LazyFigures):
    """A seeded person's figures, computed from their inputs when first read (a scored
    person always writes figures; saying so scores nobody)."""

    __slots__ = ("_leaves", "_own", "_period", "_person", "_scheme")

    def __init__(self, person: EmployeeState, own: tuple[LedgerEvent, ...],
                 leaves: tuple[LeaveRecorded, ...], period: Period, scheme: Scheme) -> None:
        super().__init__()
        self._person, self._own, self._leaves = person, own, leaves
        self._period, self._scheme = period, scheme

    def _compute(self) -> dict[str, Figure]:
        with calc_context():
            return person_figures(self._person, self._own, self._leaves, self._period,
                                  self._scheme)[1]
