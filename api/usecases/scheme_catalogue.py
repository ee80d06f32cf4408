"""The rule catalogues (`../shared/rules/*.md`) as a small index, and the coverage table
built from it and the shipped schemes: which catalogue rules a shipped scheme implements,
which it declares not computable, which worked examples have an acceptance fixture.

The index is committed (`catalogue_index.json`) so neither the coverage table nor
`jixiao scheme list` needs files outside the package; tests regenerate it from
`../shared/rules` and fail when it differs. Regenerate both with

    python -m api.usecases.scheme_catalogue [RULES_DIR]
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from domain.records import frozen_record
from domain.shipped_schemes import load_shipped_scheme, shipped_scheme_names

INDEX_FILE = "catalogue_index.json"
UNACCOUNTED_FILE = "unaccounted_rules.json"
CATALOGUES = ("seeds-000-001", "seeds-002", "seeds-003-004")
DOCS_BEGIN = "<!-- BEGIN GENERATED: scheme coverage (python -m api.usecases.scheme_catalogue) -->"
DOCS_END = "<!-- END GENERATED: scheme coverage -->"
README_BEGIN = ("<!-- BEGIN GENERATED: shipped scheme coverage "
                "(python -m api.usecases.scheme_catalogue) -->")
README_END = "<!-- END GENERATED: shipped scheme coverage -->"

# Which worked example each acceptance fixture runs (directories under tests/); a test
# checks that every fixture directory is listed here and that each is used by a test.
EXAMPLE_FIXTURES: Mapping[str, tuple[str, str]] = {
    "tests/golden/example-1": ("seeds-002", "Example 1"),
    "tests/golden/example-2": ("seeds-002", "Example 2"),
    "tests/golden/example-3": ("seeds-002", "Example 3"),
    "tests/golden/example-4": ("seeds-002", "Example 4"),
    "tests/grades/fixtures/example-5": ("seeds-002", "Example 5"),
    "tests/grades/fixtures/example-6": ("seeds-002", "Example 6"),
    "tests/grades/fixtures/example-7": ("seeds-002", "Example 7"),
    "tests/grades/fixtures/example-8": ("seeds-002", "Example 8"),
    "tests/grades/fixtures/e1": ("seeds-003-004", "E1"),
    "tests/grades/fixtures/e2": ("seeds-003-004", "E2"),
    "tests/grades/fixtures/e3": ("seeds-003-004", "E3"),
    "tests/grades/fixtures/e4": ("seeds-003-004", "E4"),
    "tests/grades/fixtures/e5": ("seeds-003-004", "E5"),
    "tests/grades/fixtures/e6": ("seeds-003-004", "E6"),
    "tests/grades/fixtures/e7": ("seeds-003-004", "E7"),
    "tests/grades/fixtures/e8": ("seeds-003-004", "E8"),
    "tests/grades/fixtures/we-1": ("seeds-000-001", "WE-1"),
    "tests/grades/fixtures/we-2": ("seeds-000-001", "WE-2"),
    "tests/grades/fixtures/we-3": ("seeds-000-001", "WE-3"),
    "tests/grades/fixtures/we-4": ("seeds-000-001", "WE-4"),
    "tests/grades/fixtures/we-5": ("seeds-000-001", "WE-5"),
    "tests/grades/fixtures/we-6": ("seeds-000-001", "WE-6"),
}

# Seeds 000/001 are organised by rulebook; which seed file each rulebook is in (§0.2).
RULEBOOK_SEED = {"ES": "000", "ZC": "000", "HR": "000", "ST": "001", "ED": "001",
                 "TN": "001", "HO": "001", "CT": "001"}

_S002_SCHEME = re.compile(r"^### Scheme (\d+) — (.+)$")
_S002_SUB = re.compile(r"^\*\*(12\.\d+) (.+?)\*\*")
_S002_RULE = re.compile(r"\*\*S(\d+(?:\.\d+)?)-R(\d+)\*\*")
_S002_EXAMPLE = re.compile(r"^### (Example \d+) — (.+)$")
_S34_SCHEME = re.compile(r"^### (00[34]-[AS]\d+) (.+)$")
_S34_RULE = re.compile(r"^\| (00[34]-[AS]\d+)-R(\d+[a-z]?) \|")
_S34_EXAMPLE = re.compile(r"^### (E\d+)\. (.+)$")
_S01_BOOK = re.compile(r"^\| \*\*([A-Z]{2})\*\* \| (.+?) \|")
_S01_RULE = re.compile(r"^- \*\*([A-Z]{2,4}-\d+[a-z]?)\*\* \[([A-Z/]+)\]")
_S01_EXAMPLE = re.compile(r"^### (WE-\d+)\. (.+)$")


# ------------------------------------------------------------------- reading catalogues


def _scheme(catalogue: str, seed: str, key: str, title: str) -> dict[str, Any]:
    # The heading's seed line range is in the catalogue; the table keeps the name short.
    short = re.split(r" \(L\d|\. | — CORE|: ", title)[0]
    return {"catalogue": catalogue, "seed": seed, "scheme": key, "title": short.strip(),
            "rules": []}


def _parse_002(text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    schemes: dict[str, dict[str, Any]] = {}
    examples = []
    for line in text.splitlines():
        if (m := _S002_SCHEME.match(line)) and m[1] not in schemes:
            schemes[m[1]] = _scheme("seeds-002", "002", m[1], m[2])
        elif m := _S002_SUB.match(line):
            schemes[m[1]] = _scheme("seeds-002", "002", m[1], m[2])
        elif m := _S002_EXAMPLE.match(line):
            found = re.findall(r"\bS(\d+(?:\.\d+)?)\b", m[2])
            found += re.findall(r"scheme (\d+)", m[2])
            examples.append({"catalogue": "seeds-002", "example": m[1], "title": m[2],
                             "schemes": sorted(set(found), key=_natural)})
        for scheme, number in _S002_RULE.findall(line):
            rule = f"S{scheme}-R{number}"
            if scheme in schemes and rule not in schemes[scheme]["rules"]:
                schemes[scheme]["rules"].append(rule)
    # Scheme 12 is only a heading over its sub-schemes, which carry the rules.
    return [s for s in schemes.values() if s["rules"] or s["scheme"] != "12"], examples


def _parse_003_004(text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    schemes: dict[str, dict[str, Any]] = {}
    examples = []
    for line in text.splitlines():
        if (m := _S34_SCHEME.match(line)) and m[1] not in schemes:
            schemes[m[1]] = _scheme("seeds-003-004", m[1][:3], m[1], m[2])
        elif m := _S34_RULE.match(line):
            schemes[m[1]]["rules"].append(f"{m[1]}-R{m[2]}")
        elif m := _S34_EXAMPLE.match(line):
            found = re.findall(r"\b(00[34]-[AS]\d+)\b", m[2])
            examples.append({"catalogue": "seeds-003-004", "example": m[1], "title": m[2],
                             "schemes": sorted(set(found), key=_natural)})
    return list(schemes.values()), examples


def _parse_000_001(text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    schemes: dict[str, dict[str, Any]] = {}
    examples = []
    for line in text.splitlines():
        if (m := _S01_BOOK.match(line)) and m[1] in RULEBOOK_SEED:
            schemes[m[1]] = _scheme("seeds-000-001", RULEBOOK_SEED[m[1]], m[1], m[2])
        elif m := _S01_RULE.match(line):
            for book in m[2].split("/"):
                schemes[book]["rules"].append(m[1])
        elif m := _S01_EXAMPLE.match(line):
            found = re.findall(r"\[([A-Z/]+)\]", m[2])
            books = {book for tags in found for book in tags.split("/")}
            examples.append({"catalogue": "seeds-000-001", "example": m[1], "title": m[2],
                             "schemes": sorted(books)})
    return list(schemes.values()), examples


PARSERS = {"seeds-000-001": _parse_000_001, "seeds-002": _parse_002,
           "seeds-003-004": _parse_003_004}


def _natural(key: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", key)]


def build_index(rules_dir: Path) -> dict[str, Any]:
    """The index of the catalogues in `rules_dir`: schemes with their rule ids, and the
    worked examples with the schemes each exercises."""
    schemes: list[dict[str, Any]] = []
    examples: list[dict[str, Any]] = []
    for catalogue in CATALOGUES:
        path = rules_dir / f"{catalogue}.md"
        if not path.is_file():
            raise FileNotFoundError(f"rule catalogue {path} is missing")
        found, worked = PARSERS[catalogue](path.read_text(encoding="utf-8"))
        schemes += found
        examples += worked
    return {"generated_from": "shared/rules/{" + ",".join(CATALOGUES) + "}.md",
            "schemes": schemes, "examples": examples}


def index_text(index: Mapping[str, Any]) -> str:
    """One scheme or example a line: small, and a changed catalogue diffs line by line."""
    def rows(key: str) -> str:
        return ",\n".join("  " + json.dumps(row, ensure_ascii=False) for row in index[key])
    return (f'{{"generated_from": {json.dumps(index["generated_from"])},\n'
            f' "schemes": [\n{rows("schemes")}\n ],\n "examples": [\n{rows("examples")}\n ]}}\n')


def committed_index() -> dict[str, Any]:
    text = (resources.files("api.usecases") / INDEX_FILE).read_text(encoding="utf-8")
    index: dict[str, Any] = json.loads(text)
    return index


def shared_rules_dir(repo_root: Path) -> Path:
    """Where the catalogues sit: `shared/` beside the clone, wherever it is. A git
    worktree's clone is the main checkout its `.git` file points into, so a worktree
    placed elsewhere finds the same `shared/`."""
    root = repo_root.resolve()
    candidates = [root.parent / "shared" / "rules"]
    git = root / ".git"
    if git.is_file() and (text := git.read_text(encoding="utf-8")).startswith("gitdir:"):
        gitdir = (root / text.removeprefix("gitdir:").strip()).resolve()
        common = gitdir / "commondir"
        if common.is_file():
            gitdir = (gitdir / common.read_text(encoding="utf-8").strip()).resolve()
        candidates.append(gitdir.parent.parent / "shared" / "rules")
    return next((c for c in candidates if c.is_dir()), candidates[0])


# ------------------------------------------------------------------------- coverage


@frozen_record
class CoverageRow:
    catalogue: str
    seed: str
    scheme: str
    title: str
    rules: int
    implemented: int
    not_computable: int
    not_computable_why: tuple[str, ...]
    examples: int
    examples_with_fixture: int
    shipped: tuple[str, ...]  # the shipped scheme files that cite it
    # Rules neither implemented nor declared not computable (the list may only shrink:
    # UNACCOUNTED_FILE, checked by tests/api/test_every_rule_accounted.py).
    unaccounted: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"catalogue": self.catalogue, "seed": self.seed, "scheme": self.scheme,
                "title": self.title, "rules": self.rules, "implemented": self.implemented,
                "not_computable": self.not_computable,
                "not_computable_why": list(self.not_computable_why),
                "examples": self.examples, "examples_with_fixture": self.examples_with_fixture,
                "shipped": list(self.shipped), "unaccounted": list(self.unaccounted)}


def cited_rules(document: Any) -> Iterator[str]:
    """Every catalogue rule id a scheme document cites in a `ref` (any nesting)."""
    if isinstance(document, Mapping):
        if isinstance(document.get("rule"), str) and "source" in document:
            yield document["rule"]
        for value in document.values():
            yield from cited_rules(value)
    elif isinstance(document, list | tuple):
        for value in document:
            yield from cited_rules(value)


def declared_not_computable(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """`not_computable: [{rule, source, why}]` entries of a scheme document: rules the
    scheme says cannot be computed from the seed, with the reason."""
    entries = document.get("not_computable") or []
    return [(str(e.get("rule")), str(e.get("why", ""))) for e in entries
            if isinstance(e, Mapping)]


def coverage(index: Mapping[str, Any] | None = None,
             documents: Mapping[str, Mapping[str, Any]] | None = None) -> list[CoverageRow]:
    """One row per scheme of every catalogue, from the index and the shipped schemes."""
    index = index if index is not None else committed_index()
    if documents is None:
        documents = {name: load_shipped_scheme(name) for name in shipped_scheme_names()}
    citing: dict[str, set[str]] = {}
    undoable: dict[str, str] = {}
    for name, document in documents.items():
        for rule in cited_rules(document):
            citing.setdefault(rule, set()).add(name)
        for rule, why in declared_not_computable(document):
            undoable[rule] = why
            citing.setdefault(rule, set()).add(name)
    with_fixture = set(EXAMPLE_FIXTURES.values())
    rows = []
    for scheme in index["schemes"]:
        rules = scheme["rules"]
        worked = [e for e in index["examples"] if e["catalogue"] == scheme["catalogue"]
                  and scheme["scheme"] in e["schemes"]]
        rows.append(CoverageRow(
            scheme["catalogue"], scheme["seed"], scheme["scheme"], scheme["title"],
            len(rules), sum(1 for r in rules if r in citing and r not in undoable),
            sum(1 for r in rules if r in undoable),
            tuple(f"{r}: {undoable[r]}" for r in rules if r in undoable),
            len(worked),
            sum(1 for e in worked if (e["catalogue"], e["example"]) in with_fixture),
            tuple(sorted({n for r in rules for n in citing.get(r, ())})),
            tuple(r for r in rules if r not in citing)))
    return rows


def unaccounted_rules(rows: list[CoverageRow]) -> list[str]:
    """Catalogue rules no shipped scheme implements or declares not computable, each as
    `catalogue scheme rule` (a rule of two rulebooks counts in each)."""
    return [f"{r.seed} {r.scheme} {rule}" for r in rows for rule in r.unaccounted]


def unaccounted_text(rules: list[str]) -> str:
    return json.dumps({"unaccounted": rules}, ensure_ascii=False, indent=0) + "\n"


def committed_unaccounted() -> list[str]:
    text = (resources.files("api.usecases") / UNACCOUNTED_FILE).read_text(encoding="utf-8")
    return list(json.loads(text)["unaccounted"])


def scheme_coverage(name: str, document: Mapping[str, Any],
                    index: Mapping[str, Any] | None = None) -> tuple[int, int]:
    """(catalogue rules this scheme implements, rules of the catalogue schemes it draws
    on); a rule it declares not computable draws on its scheme but is not implemented."""
    index = index if index is not None else committed_index()
    named = set(cited_rules(document))
    cited = named - {rule for rule, _ in declared_not_computable(document)}
    drawn = [s for s in index["schemes"] if named & set(s["rules"])]
    total = {r for s in drawn for r in s["rules"]}
    return len(cited & total), len(total)


# ------------------------------------------------------------------------- the table


def coverage_markdown(rows: list[CoverageRow]) -> str:
    lines = [
        DOCS_BEGIN,
        "",
        "| Seed | Scheme | Title | Rules in catalogue | Implemented | Declared not "
        "computable | Not yet accounted for | Worked examples | With passing fixture | "
        "Shipped as |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        why = "; ".join(r.not_computable_why)
        lines.append(
            f"| {r.seed} | {r.scheme} | {_cell(r.title)} | {r.rules} | {r.implemented} | "
            f"{r.not_computable}{' (' + _cell(why) + ')' if why else ''} | "
            f"{', '.join(r.unaccounted) or '—'} | {r.examples} | "
            f"{r.examples_with_fixture} | {', '.join(r.shipped) or '—'} |")
    total = (sum(r.rules for r in rows), sum(r.implemented for r in rows),
             sum(r.not_computable for r in rows))
    shipped = sum(1 for r in rows if r.shipped)
    # Computable: a shipped scheme implements at least one of its rules; a scheme that
    # only declares its rules not computable is shipped but does not count.
    computable = sum(1 for r in rows if r.implemented)
    lines += ["", f"{len(rows)} catalogue schemes, {shipped} with a shipped scheme, "
              f"{computable} computable (at least one rule implemented); "
              f"{total[0]} catalogue rules, {total[1]} implemented, {total[2]} declared not "
              f"computable, {sum(len(r.unaccounted) for r in rows)} not yet accounted for.",
              "", DOCS_END]
    return "\n".join(lines)


def readme_markdown(rows: list[CoverageRow], names: list[str] | None = None) -> str:
    """Per shipped scheme of the registry: the catalogue rules it implements out of the
    rules of the catalogue schemes it draws on, and their worked examples with a passing
    fixture. Generated, never written by hand: a scheme added tomorrow appears here when
    the table is regenerated, and the README test fails until it is."""
    lines = [README_BEGIN, "",
             "| Shipped scheme | Catalogue schemes | Rules implemented | Worked examples "
             "with passing fixture |", "|---|---|---|---|"]
    for name in shipped_scheme_names() if names is None else names:
        drawn = [r for r in rows if name in r.shipped]
        sources = ", ".join(f"{r.seed} {r.scheme}" for r in drawn) or "—"
        implemented = sum(r.implemented for r in drawn)
        catalogue = sum(r.rules for r in drawn)
        examples = sum(r.examples for r in drawn)
        passing = sum(r.examples_with_fixture for r in drawn)
        lines.append(f"| `{name}` | {sources} | {implemented} of {catalogue} | "
                     f"{passing} of {examples} |")
    lines += ["", "A catalogue scheme several shipped schemes draw on counts in each of "
              "their rows;", "the full table, one row per catalogue scheme, is in "
              "`docs/schemes.md`.", "", README_END]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def spliced_docs(docs: str, table: str, begin: str = DOCS_BEGIN, end_marker: str = DOCS_END
                 ) -> str:
    """`docs` with the text between the generated-content markers replaced by `table`."""
    start, end = docs.find(begin), docs.find(end_marker)
    if start < 0 or end < start:
        raise ValueError("the file lacks the generated-content markers")
    return docs[:start] + table + docs[end + len(end_marker):]


def main(argv: list[str]) -> int:
    """Regenerate the committed index from the catalogues, and the docs table from it."""
    root = Path(__file__).resolve().parents[2]
    rules_dir = Path(argv[0]) if argv else shared_rules_dir(root)
    index = build_index(rules_dir)
    (Path(__file__).parent / INDEX_FILE).write_text(index_text(index), encoding="utf-8")
    docs = root / "docs" / "schemes.md"
    rows = coverage(index)
    table = coverage_markdown(rows)
    docs.write_text(spliced_docs(docs.read_text(encoding="utf-8"), table), encoding="utf-8")
    # The list of rules not yet accounted for only shrinks here; a rule newly left
    # unaccounted fails the test instead of joining it.
    still = [r for r in committed_unaccounted() if r in set(unaccounted_rules(rows))]
    (Path(__file__).parent / UNACCOUNTED_FILE).write_text(
        unaccounted_text(still), encoding="utf-8")
    readme = root / "README.md"
    readme.write_text(spliced_docs(readme.read_text(encoding="utf-8"), readme_markdown(rows),
                                   README_BEGIN, README_END), encoding="utf-8")
    print(f"wrote {INDEX_FILE} ({len(index['schemes'])} schemes) and the tables in {docs} "
          f"and {readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
