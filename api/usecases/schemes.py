"""Schemes as a finance office handles them: list the shipped ones (and a ledger's
adopted ones), show one's rules, copy one to edit, check a file, compare two, preview a
file on a period's statements without writing, adopt it from a date; and the JSON Schema
of scheme files (docs/schemes.md, "Adapt a scheme")."""

from __future__ import annotations

import difflib
import hashlib
import json
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from api.usecases.grades import GradesQuery, grades
from api.usecases.ledger import ApplyResult, Batch, apply_batch
from api.usecases.ports import Caller, Workspace, parse_period
from api.usecases.reports import DiffQuery, ReportQuery, diff, payout
from api.usecases.scheme_catalogue import committed_index, scheme_coverage
from api.usecases.scheme_check import CheckedScheme, SchemeProblem, check_text, read_with_lines
from api.usecases.scheme_rules import Change, RuleLine, changes, rule_lines
from domain.errors import ConflictError, InvalidRequestError, NotFoundError, Problem
from domain.grading import GradingScheme
from domain.labels import document_label
from domain.records import frozen_record
from domain.scheme import PAY_SCHEME_KIND, HospitalPayScheme
from domain.shipped_schemes import load_shipped_scheme, shipped_scheme_names

__all__ = [
    "SCHEMA_FILE",
    "AdoptedScheme",
    "Change",
    "CheckedScheme",
    "RuleLine",
    "SchemeFile",
    "SchemeProblem",
    "SchemeSummary",
    "adopt_scheme",
    "adopted_schemes",
    "check_scheme_file",
    "diff_schemes",
    "load_scheme",
    "new_scheme",
    "preview_scheme",
    "scheme_json_schema",
    "shipped_schemes",
    "show_scheme",
]

SCHEMA_FILE = "scheme.schema.json"

# The human words of this module, in one place: English message ids, with their Chinese
# in api/i18n/error_templates.py's templates (one with a guess, one without).
NO_FILE = "no scheme file {path}: the path does not exist or is not a file"
NO_SCHEME = "no shipped scheme and no file {name!r}; the shipped schemes: {known}"
NO_SCHEME_GUESS = ("no shipped scheme and no file {name!r}; did you mean {guess}? The "
                   "shipped schemes: {known}")
NOT_VALID = ("the scheme file {path} has {count} problem(s): run `jixiao scheme check` on it "
             "first")
OUTPUT_EXISTS = "the file {path} exists already; it is not overwritten"
NO_AGAINST = ("name the adopted grading scheme to compare with, --against: {known}")
BAD_NAME = "a scheme name is letters, digits, -, _ and ."
NEW_HEADER = ("# {name} v{version}: copied by `jixiao scheme new` from {source} "
              "(由 {source} 复制，改完后用 jixiao scheme check 检查).\n"
              "# Change the numbers and items, keep each rule's ref (its catalogue id and "
              "seed line), then\n# jixiao scheme check FILE; jixiao scheme preview FILE; "
              "jixiao scheme adopt FILE --effective DATE.\n")


@frozen_record
class SchemeFile:
    """A scheme document with where it came from: a shipped name or a file path."""

    label: str
    text: str
    document: dict[str, Any]
    lines: dict[tuple[str, ...], int]
    shipped: bool


def _shipped_text(name: str) -> str:
    return (resources.files("domain") / "schemes" / f"{name}.yaml").read_text(encoding="utf-8")


def load_scheme(name_or_path: str, *, shipped_only: bool = False) -> SchemeFile:
    """A shipped scheme by name, or a scheme file (not `shipped_only`: the HTTP API reads
    no files); a name that is neither is an error naming the shipped ones (and the
    nearest, when there is one)."""
    path = Path(name_or_path)
    names = shipped_scheme_names()
    if not shipped_only and (path.suffix in {".yaml", ".yml", ".json"} or path.is_file()):
        if not path.is_file():
            raise InvalidRequestError(NO_FILE.format(path=name_or_path))
        text, shipped = path.read_text(encoding="utf-8"), False
    elif name_or_path in names:
        text, shipped = _shipped_text(name_or_path), True
    else:
        guess = difflib.get_close_matches(name_or_path, names, n=1)
        if guess:
            raise NotFoundError(NO_SCHEME_GUESS.format(name=name_or_path, guess=guess[0],
                                                       known=", ".join(names)))
        raise NotFoundError(NO_SCHEME.format(name=name_or_path, known=", ".join(names)))
    checked = check_text(text)
    if checked.document is None:
        raise InvalidRequestError(str(checked.problems[0]))
    _, lines = read_with_lines(text)
    return SchemeFile(name_or_path, text, checked.document, lines, shipped)


# ---------------------------------------------------------------------------- reading


@frozen_record
class SchemeSummary:
    name: str
    kind: str
    version: int
    title: str
    seed: str  # the seed file the scheme comes from: 002
    source: str
    effective_from: str
    cited_rules: int  # catalogue rules it cites
    catalogue_rules: int  # rules of the catalogue schemes it draws on

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "version": self.version,
                "title": self.title, "seed": self.seed, "source": self.source,
                "effective_from": self.effective_from,
                "coverage": {"cited": self.cited_rules, "of": self.catalogue_rules}}


def shipped_schemes() -> list[SchemeSummary]:
    """Every scheme shipped with the product; no ledger needed."""
    index = committed_index()
    rows = []
    for name in shipped_scheme_names():
        document = load_shipped_scheme(name)
        cited, total = scheme_coverage(name, document, index)
        source = str(document.get("source", ""))
        rows.append(SchemeSummary(
            name, str(document.get("kind", PAY_SCHEME_KIND)), int(document["version"]),
            str(document["title"]), source[:3], source, str(document["effective_from"]),
            cited, total))
    return rows


@frozen_record
class AdoptedScheme:
    scheme_id: str
    version: int
    kind: str
    effective_from: str
    sha256: str
    recorded_at: str
    actor: str

    def to_json(self) -> dict[str, Any]:
        return {"scheme_id": self.scheme_id, "version": self.version, "kind": self.kind,
                "effective_from": self.effective_from, "sha256": self.sha256,
                "recorded_at": self.recorded_at, "actor": self.actor}


def adopted_schemes(ws: Workspace, caller: Caller) -> list[AdoptedScheme]:
    """The ledger's adoptions, in the order they take effect (the latest of a kind on or
    before a period's first day is the one in force)."""
    return [AdoptedScheme(e.scheme_id, e.version, str(e.document.get("kind", PAY_SCHEME_KIND)),
                          e.effective_from.isoformat(), e.sha256, e.recorded_at.isoformat(),
                          e.actor)
            for e in ws.facts().index.schemes]


def show_scheme(name_or_path: str, *, shipped_only: bool = False) -> dict[str, Any]:
    """A scheme's identity and its rules, each with its catalogue id and seed line."""
    scheme = load_scheme(name_or_path, shipped_only=shipped_only)
    document = scheme.document
    rules = [r.to_json() for r in rule_lines(document, scheme.lines, scheme.text)]
    described = _calculation_texts(document)
    for rule in rules:  # a calculation reads as its own values (15 % of 0–10 000 …)
        rule["text"] = described.get(rule["path"], rule["text"])
    return {"name": name_or_path, "id": document.get("id"), "kind": document.get("kind",
            PAY_SCHEME_KIND), "version": document.get("version"),
            "title": document_label(document.get("title")), "source": document.get("source"),
            "effective_from": str(document.get("effective_from")),
            "rules": rules,
            "not_computable": [dict(e) for e in document.get("not_computable") or []]}


def _calculation_texts(document: dict[str, Any]) -> dict[str, str]:
    """`calculations.NAME` → the calculation described from its parameters."""
    if document.get("kind") != "grading" or not document.get("calculations"):
        return {}
    scheme = GradingScheme.model_validate(document)
    return {f"calculations.{name}": calc.describe()
            for name, calc in (scheme.calculations or {}).items()}


def check_scheme_file(path: str) -> CheckedScheme:
    """Every problem of a scheme file, each with its line and reason."""
    file = Path(path)
    if not file.is_file():
        # The caller named the file: a wrong path is bad input (exit 2), not a lookup.
        raise InvalidRequestError(NO_FILE.format(path=path))
    return check_text(file.read_text(encoding="utf-8"))


def diff_schemes(a: str, b: str, *, shipped_only: bool = False) -> dict[str, Any]:
    """What changes from A to B (shipped names or files), rule by rule."""
    left = load_scheme(a, shipped_only=shipped_only)
    right = load_scheme(b, shipped_only=shipped_only)
    found = changes(left.document, right.document)
    return {"from": a, "to": b, "changes": [c.to_json() for c in found]}


def scheme_json_schema() -> dict[str, Any]:
    """The JSON Schema of a scheme file, from the scheme models (any kind)."""
    kinds = Annotated[HospitalPayScheme | GradingScheme, Field(discriminator="kind")]
    schema: dict[str, Any] = TypeAdapter(kinds).json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "jixiao scheme (考核方案)", **schema}


def committed_json_schema() -> str:
    return (resources.files("api.usecases") / SCHEMA_FILE).read_text(encoding="utf-8")


def json_schema_text() -> str:
    return json.dumps(scheme_json_schema(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# ---------------------------------------------------------------------------- writing


def new_scheme(name: str, source: str, output: str, *, effective: date | None = None,
               force: bool = False) -> dict[str, Any]:
    """A copy of a scheme to edit under a new name (version 1), or the next version of
    the same scheme; its comments kept and a header saying where it came from."""
    if not _valid_name(name):
        raise InvalidRequestError(BAD_NAME)
    original = load_scheme(source)
    target = Path(output)
    if target.exists() and not force:
        raise ConflictError(OUTPUT_EXISTS.format(path=output))
    old_version = int(original.document.get("version", 1))
    version = old_version + 1 if name == original.document.get("id") else 1
    lines = original.text.splitlines(keepends=True)
    replace = {("id",): f"id: {name}\n", ("version",): f"version: {version}\n"}
    if effective is not None:
        replace[("effective_from",)] = f"effective_from: {effective.isoformat()}\n"
    for key, line in replace.items():
        if key in original.lines:
            lines[original.lines[key] - 1] = line
    header = NEW_HEADER.format(name=name, version=version,
                               source=f"{original.document.get('id')}@{old_version}")
    target.write_text(header + "".join(lines), encoding="utf-8")
    return {"name": name, "version": version, "from": source, "output": str(target)}


def _valid_name(name: str) -> bool:
    return bool(name) and name[0].isalnum() and all(c.isalnum() or c in "-_." for c in name)


def _checked(path: str) -> dict[str, Any]:
    checked = check_scheme_file(path)
    if checked.problems:
        raise InvalidRequestError(NOT_VALID.format(path=path, count=len(checked.problems)))
    assert checked.document is not None
    return json.loads(json.dumps(checked.document, default=str))  # type: ignore[no-any-return]


def _adopt_row(document: dict[str, Any], reason: str | None) -> dict[str, Any]:
    digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:16]
    row: dict[str, Any] = {"type": "adopt_scheme", "document": document,
                           "idempotency_key": f"scheme:{document.get('id')}:{digest}"}
    if reason:
        row["reason"] = reason
    return row


def preview_scheme(ws: Workspace, caller: Caller, path: str, period: str,
                   against: str | None = None) -> dict[str, Any]:
    """A period's statements now and under the proposed scheme, side by side, and who
    gains or loses; nothing is written. A pay scheme is taken as in force from the
    period's first day, whatever its own date. A grading scheme's grades are compared with
    those of `against` (default: the adopted grading scheme of the same id, else the only
    one adopted)."""
    document = _checked(path)
    kind = document.get("kind", PAY_SCHEME_KIND)
    key = f"{document['id']}@{document['version']}"
    if kind != PAY_SCHEME_KIND:
        batch = Batch([(path, _adopt_row(document, None))], precheck_users=False)
        current = against or _grading_in_force(ws, str(document["id"]))
        return {"kind": kind, "period": period, "scheme": key, "against": current,
                "effective_from": document["effective_from"],
                "current": grades(ws, caller, GradesQuery(period, current, figures=False)),
                "proposed": grades(ws, caller, GradesQuery(period, str(document["id"]),
                                                           what_if=batch, figures=False))}
    first_day = parse_period(period).first_day
    document["effective_from"] = min(date.fromisoformat(str(document["effective_from"])),
                                     first_day).isoformat()
    batch = Batch([(path, _adopt_row(document, None))], precheck_users=False)
    return {"kind": kind, "period": period, "scheme": key,
            "effective_from": document["effective_from"],
            "current": payout(ws, caller, ReportQuery(period, figures=False)),
            "proposed": payout(ws, caller, ReportQuery(period, what_if=batch, figures=False)),
            "diff": diff(ws, caller, DiffQuery(period, "now", "now", what_if=batch))}


def _grading_in_force(ws: Workspace, scheme_id: str) -> str:
    adopted = sorted({e.scheme_id for e in ws.facts().index.schemes
                      if e.document.get("kind") != PAY_SCHEME_KIND})
    if scheme_id in adopted:
        return scheme_id
    if len(adopted) == 1:
        return adopted[0]
    raise InvalidRequestError(NO_AGAINST.format(known=", ".join(adopted) or "—"))


def adopt_scheme(ws: Workspace, caller: Caller, path: str, effective: date,
                 reason: str | None = None) -> ApplyResult:
    """Record the adoption of a scheme file from `effective`: from that day it replaces
    the scheme of its kind in force; earlier periods keep theirs."""
    document = _checked(path)
    document["effective_from"] = effective.isoformat()
    return apply_batch(ws, caller, Batch([(path, _adopt_row(document, reason))]))


def problems_of(checked: CheckedScheme) -> list[Problem]:
    return [Problem(f"line {p.line}" if p.line else "file", p.path or "-", p.reason)
            for p in checked.problems]
