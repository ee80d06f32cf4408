"""`jixiao scheme check`: every problem of a scheme file, each with its YAML line and a
reason a clerk understands, in the reader's language (`SchemeProblem.worded`); `--json`
keeps the English reason, the message id with its values.

Two passes over the same file: the scheme model's own validation (pydantic), its errors
mapped back to the line of the key they name through yaml's node marks; then the checks
a finance office needs and the model does not make (shares that do not add up, band
tables with a gap or an overlap, a quota over 100 %).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from pydantic import ValidationError

from api.i18n import gettext
from api.i18n.messages import translate
from domain.records import frozen_record
from domain.scheme import ADOPTING, resolve_path
from domain.scheme_kinds import SCHEME_KINDS, parse_scheme
from domain.shipped_schemes import shipped_scheme_loader

Path = tuple[str, ...]

# The clerk's words for pydantic's error types; {field} is the key, {expected} the choices.
# English message ids: their Chinese are templates of api/i18n/error_templates.py (the same
# texts, which the catalogue is extracted from; tests/unit/test_scheme_check_words.py
# checks that each has its Chinese).
REASONS = {
    "missing": "missing parameter {field}",
    "union_tag_invalid": "unknown calculation kind {tag}; the kinds: {expected}",
    "extra_forbidden": "unknown parameter {field}: a typo?",
    "literal_error": "{field} is not one of the allowed values: {expected}",
    "decimal_parsing": "{field} must be a number",
    "decimal_type": "{field} must be a number",
    "int_parsing": "{field} must be a whole number",
    "int_type": "{field} must be a whole number",
    "date_from_datetime_parsing": "{field} must be a date such as 2026-01-01",
    "date_parsing": "{field} must be a date such as 2026-01-01",
    "date_type": "{field} must be a date such as 2026-01-01",
    "string_pattern_mismatch": "{field}: a seed source is written file:line, such as "
                               "002_db447562deed9801.txt:L849",
    "dict_type": "{field} must hold name: value lines",
    "tuple_type": "{field} must be a list, each item starting with -",
    "bool_parsing": "{field} must be true or false",
    "greater_than_equal": "{field} is too small: {msg}",
    "less_than_equal": "{field} is too large: {msg}",
}
NOT_A_MAPPING = "a scheme file is a YAML document of name: value lines"
UNKNOWN_KIND = "unknown scheme kind {kind}; the kinds: {known}"
BAD_YAML = "the file is not valid YAML: {problem}"
# A value of a reason that is itself a message (pydantic's own words for a bound)
_MESSAGES = frozenset({"msg"})


@frozen_record
class SchemeProblem:
    line: int | None
    path: str  # the key, dotted: pool.rate, pipelines.0.bands.rows.2
    reason: str  # English: the template filled in
    # The reason's template and values, to word it in the reader's language; none: the
    # reason is a message of its own (a model validator's), translated as it is.
    template: str = ""
    values: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "path": self.path, "reason": self.reason}

    def worded(self) -> str:
        """The reason in the current language."""
        if not self.template:  # a model validator's problems, joined by "; "
            return translate(self.reason)
        return gettext(self.template).format(**{
            name: translate(value) if name in _MESSAGES else value
            for name, value in self.values})

    def __str__(self) -> str:
        """English, as a refusal carries it (a shell translates it with the templates
        `line {line}: {reason}` and `line {line}, {path}: {reason}`)."""
        if self.line is None:
            return self.reason
        if not self.path:
            return f"line {self.line}: {self.reason}"
        return f"line {self.line}, {self.path}: {self.reason}"


def _problem(line: int | None, path: str, template: str, **values: Any) -> SchemeProblem:
    texts = tuple((name, str(value)) for name, value in values.items())
    return SchemeProblem(line, path, template.format(**dict(texts)), template, texts)


@frozen_record
class CheckedScheme:
    document: dict[str, Any] | None
    problems: tuple[SchemeProblem, ...]
    scheme: Any = None  # the parsed scheme when there is no problem


class _CheckLoader(yaml.SafeLoader):
    """The safe loader, except that an impossible date (2026-13-01) stays text for the
    scheme model to refuse with its line, instead of failing the whole file."""


def _date_or_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_CheckLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_or_text)


def read_with_lines(text: str) -> tuple[Any, dict[Path, int]]:
    """The document and, for every key and list item, the 1-based line it starts on."""
    node = yaml.compose(text, Loader=shipped_scheme_loader())
    lines: dict[Path, int] = {}

    def walk(node: yaml.Node, path: Path) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                lines[(*path, str(key.value))] = key.start_mark.line + 1
                walk(value, (*path, str(key.value)))
        elif isinstance(node, yaml.SequenceNode):
            for at, item in enumerate(node.value):
                lines[(*path, str(at))] = item.start_mark.line + 1
                walk(item, (*path, str(at)))

    if node is not None:
        walk(node, ())
    return yaml.load(text, Loader=_CheckLoader), lines  # noqa: S506 (a safe loader)


def check_text(text: str) -> CheckedScheme:
    """Every problem of a scheme file's text, in line order; the parsed scheme if none."""
    try:
        document, lines = read_with_lines(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        return CheckedScheme(None, (_problem(line, "", BAD_YAML, problem=problem),))
    if not isinstance(document, dict):
        return CheckedScheme(None, (_problem(1, "", NOT_A_MAPPING),))
    problems = list(_model_problems(document, lines)) + list(_clerk_problems(document, lines))
    if any(p.reason.startswith(ALSO_PREFIX) for p in problems) and (
            located := list(_citations_located(document, lines))):
        # The model names the missing values for the whole document; show each at its line.
        problems = [p for p in problems if not p.reason.startswith(ALSO_PREFIX)] + located
    problems.sort(key=lambda p: (p.line or 0, p.path))
    scheme = parse_scheme(document, ADOPTING) if not problems else None
    return CheckedScheme(document, tuple(_unique(problems)), scheme)


def _unique(problems: list[SchemeProblem]) -> Iterator[SchemeProblem]:
    seen: set[SchemeProblem] = set()
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            yield problem


def _line(lines: Mapping[Path, int], path: Path) -> int | None:
    """The line of the deepest part of `path` the file has (a missing key: its parent)."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1


def _model_problems(document: dict[str, Any], lines: Mapping[Path, int]
                    ) -> Iterator[SchemeProblem]:
    kind = document.get("kind", "hospital_two_level")
    if not isinstance(kind, str) or kind not in SCHEME_KINDS:
        yield _problem(lines.get(("kind",), 1), "kind", UNKNOWN_KIND, kind=kind,
                       known=", ".join(sorted(SCHEME_KINDS)))
        return
    try:
        SCHEME_KINDS[kind].model_validate(document, context=ADOPTING)
    except ValidationError as error:
        for item in error.errors():
            path = _known_path(tuple(str(p) for p in item["loc"]), lines)
            yield _reason(_line(lines, path), path, item)


def _known_path(loc: Path, lines: Mapping[Path, int]) -> Path:
    """pydantic's location with its own annotations (union members, validator names)
    dropped: only the keys and indexes of the file, and a missing key's name."""
    path: Path = ()
    for part in loc:
        if (*path, part) in lines or _FIELD.match(part):
            path = (*path, part)
    return path


_FIELD = re.compile(r"^([a-z_][a-z0-9_]*|\d+)$")


def _reason(line: int | None, path: Path, item: Mapping[str, Any]) -> SchemeProblem:
    field = path[-1] if path else "—"
    kind = item["type"]
    if kind == "value_error" and "decimal number" in str(item["msg"]):
        kind = "decimal_parsing"  # the scheme's own number parser (domain/money.py)
    template = REASONS.get(kind)
    if template is None:
        # a model validator's own message (domain/calculations.py …), a template itself
        return SchemeProblem(line, ".".join(path),
                             str(item["msg"]).removeprefix("Value error, "))
    ctx = item.get("ctx") or {}
    expected = ctx.get("expected") or ctx.get("expected_tags", "")
    values = {"field": field, "expected": expected, "msg": item["msg"],
              "tag": ctx.get("tag", "")}
    return _problem(line, ".".join(path), template, **{
        name: value for name, value in values.items() if "{" + name + "}" in template})


# ------------------------------------------------------------------ a clerk's checks

ALSO_PREFIX = "also_implements:"
NO_VALUE_AT = ("no value at {at}: also_implements' at is the path of the value in the "
               "scheme that computes the rule, such as pipelines.annual.figures.total")
SHARES_NOT_SUM = "the tranches' shares of the held-back part add up to {total}, not 100 %"
RESERVE_OVER_POOL = "the year-end reserve rate {reserve} exceeds the pool rate {rate}"
RATE_OVER_ONE = "{field} is {value}, a share over 100 %"
CLINICAL_NOT_100 = ("the clinical points per head (quantity {q} + quality {u} + ethics {e}) "
                    "add up to {total}, not 100")
QUOTA_OVER = "the quota of the grade {grade}, {share}, is over 100 %"
QUOTAS_OVER = "the quotas add up to {total}, over 100 %"
BAND_OVERLAP = ("bands overlap: this band's lower bound {low} is not below the one above it, "
                "{high}; this band is never reached")
BAND_GAP = ("bands leave a gap: scores below {low} get no grade; leave the last band "
            "without min")
BAND_GRADE = "a band names the grade {grade}, which grades does not define"
STUDY_BANDS = ("study-leave bands must rise by months, and the last one has no upper "
               "bound")
# Every template above, for the test that each has its Chinese in the catalogue
TEMPLATES = (*REASONS.values(), NOT_A_MAPPING, UNKNOWN_KIND, BAD_YAML, NO_VALUE_AT,
             SHARES_NOT_SUM, RESERVE_OVER_POOL, RATE_OVER_ONE, CLINICAL_NOT_100, QUOTA_OVER,
             QUOTAS_OVER, BAND_OVERLAP, BAND_GAP, BAND_GRADE, STUDY_BANDS)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _items(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [(str(k), v) for k, v in value.items()]
    if isinstance(value, list):
        return [(str(i), v) for i, v in enumerate(value)]
    return []


def _clerk_problems(document: dict[str, Any], lines: Mapping[Path, int]
                    ) -> Iterator[SchemeProblem]:
    def problem(path: Path, template: str, **values: Any) -> SchemeProblem:
        return _problem(_line(lines, path), ".".join(path), template, **values)

    if document.get("kind", "hospital_two_level") == "hospital_two_level":
        yield from _hospital_checks(document, problem)
    for at, pipeline in _items(document.get("pipelines")):
        if isinstance(pipeline, dict):
            yield from _pipeline_checks(("pipelines", at), pipeline, problem)


def _citations_located(document: dict[str, Any], lines: Mapping[Path, int]
                       ) -> Iterator[SchemeProblem]:
    for at, cited in _items(document.get("also_implements")):
        if isinstance(cited, dict) and isinstance(cited.get("at"), str) and not resolve_path(
                document, cited["at"]):
            path = ("also_implements", at, "at")
            yield _problem(_line(lines, path), ".".join(path), NO_VALUE_AT, at=cited["at"])


def _section(document: dict[str, Any], key: str) -> dict[str, Any]:
    value = document.get(key)
    return value if isinstance(value, dict) else {}


def _hospital_checks(document: dict[str, Any], problem: Any) -> Iterator[SchemeProblem]:
    pool = _section(document, "pool")
    rate, reserve = _number(pool.get("rate")), _number(pool.get("year_end_reserve_rate"))
    if rate is not None and rate > 1:
        yield problem(("pool", "rate"), RATE_OVER_ONE, field="rate", value=rate)
    if rate is not None and reserve is not None and reserve > rate:
        yield problem(("pool", "year_end_reserve_rate"),
                      RESERVE_OVER_POOL, reserve=reserve, rate=rate)
    clinical = _section(document, "clinical")
    parts = [_number(clinical.get(k)) for k in
             ("quantity_per_head", "quality_per_head", "ethics_per_head")]
    if all(p is not None for p in parts) and sum(p for p in parts if p) != 100:
        q, u, e = parts
        yield problem(("clinical",), CLINICAL_NOT_100, q=q, u=u, e=e, total=sum(
            p for p in parts if p))
    for name, post in _items(document.get("posts")):
        share = _number(post.get("bonus_rate")) if isinstance(post, dict) else None
        if share is not None and share > 1:
            yield problem(("posts", name, "bonus_rate"),
                          RATE_OVER_ONE, field=f"posts.{name}.bonus_rate", value=share)
    study = document.get("study_leave")
    bands = study.get("bands") if isinstance(study, dict) else None
    if isinstance(bands, list) and bands:
        months = [b.get("up_to_months") if isinstance(b, dict) else None for b in bands]
        rising = all(isinstance(m, int) for m in months[:-1]) and months[:-1] == sorted(
            set(months[:-1]))  # type: ignore[type-var]
        if not rising or months[-1] is not None:
            yield problem(("study_leave", "bands"), STUDY_BANDS)


def _pipeline_checks(at: Path, pipeline: dict[str, Any], problem: Any
                     ) -> Iterator[SchemeProblem]:
    grades = {g.get("code") for g in pipeline.get("grades") or [] if isinstance(g, dict)}
    bands = pipeline.get("bands")
    rows = bands.get("rows") if isinstance(bands, dict) else None
    if isinstance(rows, list):
        yield from _band_checks((*at, "bands", "rows"), rows, grades, problem)
    total = Decimal(0)
    for index, quota in _items(pipeline.get("quotas")):
        share = _number(quota.get("max_share")) if isinstance(quota, dict) else None
        if share is None:
            continue
        total += share
        if share > 1:
            yield problem((*at, "quotas", index, "max_share"),
                          QUOTA_OVER, grade=quota.get("grade"), share=share)
    scopes = {q.get("scope") for q in pipeline.get("quotas") or [] if isinstance(q, dict)}
    if total > 1 and len(scopes) == 1:
        yield problem((*at, "quotas"), QUOTAS_OVER, total=total)
    for index, line in _items(pipeline.get("pay")):
        if isinstance(line, dict) and line.get("kind") == "held_back":
            # The tranches share out what is held back (1 − immediate_share).
            shares = [_number(t.get("share")) for t in line.get("tranches") or []
                      if isinstance(t, dict)]
            if shares and all(s is not None for s in shares) and sum(
                    s for s in shares if s) != 1:
                yield problem((*at, "pay", index, "tranches"), SHARES_NOT_SUM,
                              total=sum(s for s in shares if s))
            immediate = _number(line.get("immediate_share"))
            if immediate is not None and immediate > 1:
                yield problem((*at, "pay", index, "immediate_share"), RATE_OVER_ONE,
                              field="immediate_share", value=immediate)


def _band_checks(at: Path, rows: list[Any], grades: set[Any], problem: Any
                 ) -> Iterator[SchemeProblem]:
    previous: Decimal | None = None
    plain = [(i, r) for i, r in enumerate(rows) if isinstance(r, dict) and not r.get("when")]
    for index, row in plain:
        if grades and row.get("grade") not in grades:
            yield problem((*at, str(index), "grade"), BAND_GRADE, grade=row.get("grade"))
        low = _number(row.get("min"))
        if low is not None and previous is not None and low >= previous:
            yield problem((*at, str(index), "min"), BAND_OVERLAP, low=low, high=previous)
        previous = low if low is not None else previous
    if plain and _number(plain[-1][1].get("min")) is not None:
        index, row = plain[-1]
        yield problem((*at, str(index), "min"), BAND_GAP, low=row.get("min"))
