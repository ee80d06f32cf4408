"""The values a command names that the scheme in force must know: title grades, posts,
employment categories, leave, deduction and penalty kinds, entered items, controls, and
the kinds of period the scheme pays by (part of the batch check, domain/validation.py)."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from pydantic import BaseModel

from domain.periods import Period
from domain.scheme import Scheme


def _check_staff_words(command: BaseModel, scheme: Scheme, problem: Any) -> None:
    """Employment categories and leave kinds are the scheme's words, not the engine's."""
    staff = scheme.staff_rules
    category = command.__dict__.get("category")
    if category is not None and category not in staff.categories:
        problem("category", f"unknown category {category!r}; {scheme.key} knows "
                f"{', '.join(sorted(staff.categories))}")
    elif category is not None and staff.categories[category].pay == "performance":
        classes = scheme.participation.ratios.get(category, {})
        participation = command.__dict__.get("participation_class", "full")
        if participation not in classes:
            problem("participation_class", f"{category} staff take part as one of "
                    f"{', '.join(sorted(classes)) or '(none)'}, not {participation!r}")
    if type(command).__name__ == "RecordLeave":
        kind = command.kind  # type: ignore[attr-defined]
        if kind not in staff.leave.kinds:
            problem("kind", f"unknown leave kind {kind!r}; {scheme.key} knows "
                    f"{', '.join(staff.leave.kinds)}")


# The command fields `_check_against_scheme` reads: its answer depends on these values,
# the command's type and the scheme only.
_SCHEME_FIELDS = ("title_grade", "post", "category", "participation_class", "kind", "item",
                  "indicator", "period")
_FLAGS = ("points", "minutes")  # read only as given or not
# What the scheme check reads of a command: these fields' values, and of the flags only
# whether each is given (domain/plain_runs.py groups a run of entries by them).
SCHEME_READS = (_SCHEME_FIELDS, _FLAGS)


def scheme_problems(memo: dict[tuple[Any, ...], tuple[tuple[str, str], ...]],
                    command: BaseModel, scheme: Scheme) -> tuple[tuple[str, str], ...]:
    """(field, reason) of each value of `command` that `scheme` does not know, worked out
    once per distinct set of the values read: a batch repeats a few items, kinds and
    periods thousands of times, and this check was a tenth of the batch check. `memo` is
    kept for one batch, whose scope holds its schemes alive (their ids are not reused)."""
    cls = type(command)
    values_of = _KEYS.get(cls) or _key_of(cls)
    key: tuple[Any, ...] | None = (id(scheme), cls, *values_of(command.__dict__))
    try:
        found = memo.get(key)  # type: ignore[arg-type]
    except TypeError:  # a value that cannot be a key: checked as it is
        found, key = None, None
    if found is None:
        problems: list[tuple[str, str]] = []
        _check_against_scheme(command, scheme,
                              lambda field_name, reason: problems.append((field_name, reason)))
        found = tuple(problems)
        if key is not None:
            memo[key] = found
    return found


_KEYS: dict[type, Callable[[dict[str, Any]], tuple[Any, ...]]] = {}


def _key_of(cls: type[BaseModel]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """The values of a command of type `cls` that `_check_against_scheme` reads (every
    field of a model is in its `__dict__`; the fields it lacks read as absent)."""
    names = tuple(name for name in _SCHEME_FIELDS if name in cls.model_fields)
    flags = tuple(name for name in _FLAGS if name in cls.model_fields)
    key: Callable[[dict[str, Any]], tuple[Any, ...]]
    if len(names) > 1 and not flags:
        key = itemgetter(*names)  # the values in one C call
    else:
        # Unrolled: a generator per command was a quarter of this check.
        items = [f"given[{name!r}]" for name in names] + [
            f"given[{name!r}] is None" for name in flags]
        key = eval(f"lambda given: ({''.join(item + ', ' for item in items)})")  # noqa: S307 - the names above
    _KEYS[cls] = key
    return key


def _check_against_scheme(command: BaseModel, scheme: Scheme, problem: Any) -> None:
    title = command.__dict__.get("title_grade")
    if title is not None and title not in scheme.title_points:
        problem("title_grade", f"unknown title grade {title!r}; the scheme knows "
                f"{', '.join(sorted(scheme.title_points))}")
    post = command.__dict__.get("post")
    if post is not None and post not in scheme.posts:
        problem("post",
                f"unknown post {post!r}; the scheme knows {', '.join(sorted(scheme.posts))}")
    _check_staff_words(command, scheme, problem)
    type_name = type(command).__name__
    if type_name == "RecordDeduction":
        kind = command.kind  # type: ignore[attr-defined]
        rule = scheme.deductions.get(kind)
        if rule is None:
            problem("kind", f"unknown deduction kind {kind!r}; the scheme knows "
                    f"{', '.join(sorted(scheme.deductions))}")
        else:
            points = command.points  # type: ignore[attr-defined]
            if rule.discretionary is not None and points is None:
                problem("points", f"{kind} is discretionary: give the points (a positive "
                        "magnitude)")
            if rule.discretionary is None and points is not None:
                problem("points", f"{kind} has fixed points in the scheme; do not give points")
            if rule.minute_bands and command.minutes is None:  # type: ignore[attr-defined]
                problem("minutes", f"{kind} is banded by minutes: give minutes")
            if not rule.minute_bands and command.minutes is not None:  # type: ignore[attr-defined]
                problem("minutes", f"{kind} is not measured in minutes; leave minutes out")
    if type_name == "RecordScore":
        item = scheme.items.get(command.item)  # type: ignore[attr-defined]
        if item is None or not item.entered:
            entered = sorted(name for name, i in scheme.items.items() if i.entered)
            problem("item", f"{command.item!r} is not an entered item; entered items: "  # type: ignore[attr-defined]
                    f"{', '.join(entered)}")
    if type_name == "RecordDepartmentPenalty":
        kind = command.kind  # type: ignore[attr-defined]
        if kind not in scheme.penalties:
            problem("kind", f"unknown penalty kind {kind!r}; the scheme knows "
                    f"{', '.join(sorted(scheme.penalties))}")
    if type_name == "RecordControlIndicator":
        indicator = command.indicator  # type: ignore[attr-defined]
        if indicator not in {c.indicator for c in scheme.controls}:
            problem("indicator", f"the scheme has no control on {indicator!r}")
    period_text = command.__dict__.get("period")
    if isinstance(period_text, str):
        period = Period.parse(period_text)
        allowed = ("quarter", "year_end")
        if period.kind not in allowed:
            problem("period", f"{scheme.key} pays by quarter (2026-Q1) and year end (2026-YE), "
                    f"not {period.kind}")
        elif period.kind == "year_end" and type_name not in ("AdjustPool", "ClosePeriod"):
            problem("period", "only adjust_pool takes a year-end period; year-end facts are "
                    "recorded by year (record_annual_target_score, record_assessment, …)")
