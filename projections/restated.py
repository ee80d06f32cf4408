"""A closed period restated: the complete statement recomputed from everything known, beside
the frozen one, with the difference on every money line.

The frozen statement is the one a reprint gives (its hash verified against the close). The
restated one is the period calculated afresh, without the settlements of *earlier* closed
periods that the frozen one may carry (`restatement` column): those belong to the earlier
period's own restated view, and counting them here would show them twice. So a person's
restated total is pay + post bonus + study leave, the same amount `jixiao restatement`
compares, and its outstanding delta is paid once, in `settles_in`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.errors import ConflictError
from domain.facts import Facts
from domain.periods import Period
from projections.figure_map import with_figures
from projections.figures import money_text
from projections.payout import calculate
from projections.restatement import restatement_of, settles_in, statement_for, statement_sha256

# The payable lines of a person that a period's own calculation produces.
PERSON_LINES = ("pay", "post_bonus", "study_leave")
DEPARTMENT_LINES = ("pay_calculated", "controls", "penalties", "pay_after_controls", "cap",
                    "banked", "floor", "bank_before", "bank_drawn", "subsidy", "bank_after",
                    "settled", "undistributed")

# English, the message id: its Chinese is a template of api/i18n/error_templates.py, worded
# where it is shown
NOT_CLOSED = ("{period} is not closed: there is no closed statement to restate; use payout "
              "without --restated for the period's statement")


def restated_report(facts: Facts, period: Period) -> dict[str, Any]:
    """The frozen statement, the restated one and their differences, per person, per
    department and per pool line; `facts` is everything known (now, or as of a time)."""
    close = facts.close_of(str(period))
    if close is None:
        raise ConflictError(NOT_CLOSED.format(period=period))
    frozen = statement_for(facts, period)  # raises ConflictError if the hash no longer holds
    verified = statement_sha256(frozen) == close.statement_sha256
    fresh = calculate(facts, period)
    # Every figure (item 1 of issue 15) on both sides; the closed side's hash is over its
    # statement without them, checked above.
    closed = with_figures(frozen.to_json(), frozen.book)
    restated = with_figures(fresh.to_json(), fresh.book)
    summary = {row["id"]: row for row in restatement_of(facts, period).to_json()["people"]}
    target = settles_in(facts, period)
    people = _paired(closed["people"], restated["people"], "employee_id", PERSON_LINES)
    for row in people:
        closed_total = _sum(row["lines"], "closed")
        restated_total = _sum(row["lines"], "restated")
        outstanding = summary.get(row["employee_id"], {})
        row["figures"] = _figure_pairs(closed["people"], restated["people"], "employee_id",
                                       row["employee_id"])
        row.update(closed=money_text(closed_total), restated=money_text(restated_total),
                   delta=money_text(restated_total - closed_total),
                   settled_since=outstanding.get("settled_since", "0.00"),
                   outstanding=outstanding.get("outstanding", "0.00"))
    delta_total = sum((Decimal(r["delta"]) for r in people), Decimal(0))
    return {
        "period": str(period),
        "closed_sha256": close.statement_sha256,
        "hash_verified": verified,
        "closed_at": close.recorded_at.isoformat(),
        "settles_in": str(target) if target else None,
        "people": people,
        "departments": _paired(closed["departments"], restated["departments"],
                               "department_id", DEPARTMENT_LINES),
        "pool": _pool(closed["pool"], restated["pool"]),
        "year_end_lapse": _lapse(period, closed["departments"], restated["departments"]),
        "delta_total": money_text(delta_total),
        "outstanding": money_text(sum((Decimal(r["outstanding"]) for r in people),
                                      Decimal(0))),
        "closed": closed,
        "restated": restated,
    }


def _paired(before: list[dict[str, Any]], after: list[dict[str, Any]], key: str,
            lines: tuple[str, ...]) -> list[dict[str, Any]]:
    old = {row[key]: row for row in before}
    new = {row[key]: row for row in after}
    rows = []
    for subject in sorted(set(old) | set(new)):
        a, b = old.get(subject), new.get(subject)
        line = b if b is not None else old[subject]
        rows.append({key: subject, "name": line["name"],
                     **({"department_id": line["department_id"]} if key != "department_id"
                        else {}),
                     "in_closed": a is not None, "in_restated": b is not None,
                     "lines": {name: _delta(a[name] if a else None, b[name] if b else None)
                               for name in lines}})
    return rows


def _figure_pairs(before: list[dict[str, Any]], after: list[dict[str, Any]], key: str,
                  subject: str) -> dict[str, dict[str, str | None]]:
    """Each figure of one subject, closed and restated side by side (null: not computed
    on that side)."""
    old: dict[str, str] = next((r["figures"] for r in before if r[key] == subject), {})
    new: dict[str, str] = next((r["figures"] for r in after if r[key] == subject), {})
    return {name: {"closed": old.get(name), "restated": new.get(name)}
            for name in sorted(set(old) | set(new))}


def _delta(before: str | None, after: str | None) -> dict[str, str | None]:
    """One money line: absent (a subject not in one side) counts 0; a line a rule does not
    produce (no cap, no floor) stays null on that side."""
    change = Decimal(after or 0) - Decimal(before or 0)
    return {"closed": before, "restated": after, "delta": money_text(change)}


def _sum(lines: dict[str, dict[str, str | None]], side: str) -> Decimal:
    return sum((Decimal(v[side] or 0) for v in lines.values()), Decimal(0))


def _pool(before: list[dict[str, str]], after: list[dict[str, str]]) -> list[dict[str, Any]]:
    old = {row["line"]: row["amount"] for row in before}
    new = {row["line"]: row["amount"] for row in after}
    names = [row["line"] for row in after] + [n for n in old if n not in new]
    return [{"line": name, **_delta(old.get(name), new.get(name))} for name in names]


def _lapse(period: Period, before: list[dict[str, Any]],
           after: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The same-year bank that expires after a fourth quarter (超年度无效): a correction to
    an earlier quarter of a closed year moves it, so the restated year end names it."""
    if period.kind != "quarter" or period.index != 4:
        return None
    old = {d["department_id"]: d["bank_after"] for d in before}
    new = {d["department_id"]: d["bank_after"] for d in after}
    return [{"department_id": key, **_delta(old.get(key), new.get(key))}
            for key in sorted(set(old) | set(new))]
