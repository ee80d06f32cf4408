"""Coverage that cannot lie: the committed catalogue index is what the catalogues say, the
table in docs/schemes.md is what the index and the shipped schemes say, and every worked
example fixture is counted once and run by a test.

The catalogues are `../shared/rules` beside the clone (a worktree: beside its main
checkout). Without them the index test FAILS: a coverage claim nobody can check is not
skipped into silence."""

from __future__ import annotations

from pathlib import Path

from api.usecases.scheme_catalogue import (
    DOCS_BEGIN,
    DOCS_END,
    EXAMPLE_FIXTURES,
    build_index,
    committed_index,
    coverage,
    coverage_markdown,
    index_text,
    shared_rules_dir,
)

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "python -m api.usecases.scheme_catalogue"


def test_the_committed_catalogue_index_is_what_the_catalogues_say() -> None:
    rules = shared_rules_dir(ROOT)
    assert rules.is_dir(), (
        f"the rule catalogues are missing: expected {rules} (shared/ beside the clone). "
        "Coverage is checked against them; put shared/ beside the repository.")
    committed = (ROOT / "api/usecases/catalogue_index.json").read_text(encoding="utf-8")
    assert index_text(build_index(rules)) == committed, (
        f"api/usecases/catalogue_index.json is stale: run `{REGENERATE}`")


def test_the_coverage_table_in_the_docs_is_the_generated_one() -> None:
    docs = (ROOT / "docs/schemes.md").read_text(encoding="utf-8")
    start, end = docs.index(DOCS_BEGIN), docs.index(DOCS_END) + len(DOCS_END)
    assert docs[start:end] == coverage_markdown(coverage()), (
        f"the coverage table in docs/schemes.md is stale: run `{REGENERATE}`")


def test_every_catalogue_scheme_has_a_row_with_consistent_counts() -> None:
    index = committed_index()
    rows = coverage(index)
    assert len(rows) == len(index["schemes"]) >= 50
    for row in rows:
        assert row.implemented + row.not_computable <= row.rules, row
        assert row.examples_with_fixture <= row.examples, row
    hospital = next(r for r in rows if (r.seed, r.scheme) == ("002", "11"))
    # The computable rules in the hospital scheme; its procedural ones declared apart.
    assert hospital.shipped == ("seed-002-procedures-not-computable", "xinghe-county-hospital")
    assert hospital.examples == hospital.examples_with_fixture == 4


def test_a_rule_declared_not_computable_is_counted_with_its_reason() -> None:
    index = {"schemes": [{"catalogue": "seeds-002", "seed": "002", "scheme": "16",
                          "title": "Salesperson", "rules": ["S16-R01", "S16-R02"]}],
             "examples": []}
    documents = {"sales": {"id": "sales", "not_computable": [
        {"rule": "S16-R02", "source": "002_db447562deed9801.txt:L2440",
         "why": "the commission table is garbled"}],
        "pay": {"ref": {"rule": "S16-R01", "source": "002_db447562deed9801.txt:L2433"}}}}
    (row,) = coverage(index, documents)
    assert (row.rules, row.implemented, row.not_computable) == (2, 1, 1)
    assert row.not_computable_why == ("S16-R02: the commission table is garbled",)
    assert row.shipped == ("sales",)


def test_every_fixture_directory_is_mapped_to_its_worked_example_and_run_by_a_test() -> None:
    fixtures = {str(p.relative_to(ROOT)) for folder in ("tests/golden", "tests/grades/fixtures")
                for p in (ROOT / folder).iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert fixtures == set(EXAMPLE_FIXTURES), "map each fixture to its worked example"
    examples = {(e["catalogue"], e["example"]) for e in committed_index()["examples"]}
    tests = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    for folder, example in EXAMPLE_FIXTURES.items():
        assert example in examples, (folder, example)
        name = Path(folder).name
        assert f'"{name}' in tests or f"'{name}" in tests, f"no test runs {folder}"


def test_the_shared_path_is_found_from_a_clone_anywhere(tmp_path: Path) -> None:
    clone = tmp_path / "somewhere" / "jixiao"
    (clone.parent / "shared" / "rules").mkdir(parents=True)
    clone.mkdir()
    assert shared_rules_dir(clone) == clone.parent / "shared" / "rules"
    main, worktree = tmp_path / "main", tmp_path / "trees" / "wt"
    (main / ".git" / "worktrees" / "wt").mkdir(parents=True)
    (main / ".git" / "worktrees" / "wt" / "commondir").write_text("../..\n")
    (tmp_path / "shared" / "rules").mkdir(parents=True)
    worktree.mkdir(parents=True)
    (worktree / ".git").write_text(f"gitdir: {main}/.git/worktrees/wt\n")
    assert shared_rules_dir(worktree) == tmp_path / "shared" / "rules"
