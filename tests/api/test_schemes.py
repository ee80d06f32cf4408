"""`jixiao scheme`: a finance office takes the hospital scheme, changes its numbers,
checks, compares, previews and adopts the copy, through the command line only
(docs/schemes.md, "Adapt a scheme")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain import scheme
from tests.builders import GOLDEN, Cli, cli_for

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli({"JIXIAO_DB": str(tmp_path / "none.db"), "JIXIAO_ACTOR": "test"})


def _variant(cli: Cli, tmp_path: Path, **edits: str) -> Path:
    path = tmp_path / "variant.yaml"
    cli.ok("scheme", "new", "xinghe-variant", "--from", "xinghe-county-hospital",
           "--output", str(path))
    text = path.read_text(encoding="utf-8")
    for old, new in edits.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------- list and show


def test_list_needs_no_ledger_and_names_every_shipped_scheme(cli: Cli, tmp_path: Path) -> None:
    shipped = cli.ok("scheme", "list", "--json").json()
    assert shipped["adopted"] is None
    rows = {s["name"]: s for s in shipped["shipped"]}
    assert len(rows) == len(list((Path(__file__).parents[2] / "domain/schemes").glob("*.yaml")))
    hospital = rows["xinghe-county-hospital"]
    assert (hospital["kind"], hospital["version"], hospital["seed"],
            hospital["effective_from"]) == ("hospital_two_level", 2, "002", "2026-01-01")
    assert hospital["coverage"]["cited"] > 30
    assert not (tmp_path / "none.db").exists()
    assert "xinghe-county-hospital" in cli.ok("scheme", "list").out


def test_show_lists_the_rules_with_seed_lines_in_chinese_where_the_scheme_has_them(
        cli: Cli) -> None:
    shown = cli.ok("scheme", "show", "xinghe-county-hospital", "--json").json()
    pool = next(r for r in shown["rules"] if r["path"] == "pool")
    assert (pool["rule"], pool["source"]) == ("S11-R06", "002_db447562deed9801.txt:L849")
    assert "9%" in pool["text"]
    assert {r["rule"] for r in shown["rules"]} >= {"S11-R57", "S11-R58", "S11-R60"}
    text = cli.ok("scheme", "show", "education-evaluation").out
    assert "最后评议分" in text
    assert "SCO-02" in text


def test_show_lists_a_rule_a_value_computes_besides_its_own_at_that_value(cli: Cli) -> None:
    shown = cli.ok("scheme", "show", "education-evaluation", "--json").json()
    at_total = {r["rule"]: r for r in shown["rules"]
                if r["path"] == "pipelines.annual.figures.total"}
    assert {"SCO-03", "SCO-04"} <= set(at_total)
    assert at_total["SCO-03"]["source"] == "001_db486f6b0daf494c.txt:L192"


def test_show_names_a_rule_computed_by_another_value_in_one_language(cli: Cli) -> None:
    en = cli.ok("scheme", "show", "education-evaluation").out
    assert "computed by pipelines.annual.figures.total too" in en
    zh = Cli(cli.environ, lang=None).ok("scheme", "show", "education-evaluation").out
    assert "由 pipelines.annual.figures.total 一并计算" in zh
    assert "computed by" not in zh
    assert "一并计算" not in en
    shown = Cli(cli.environ, lang=None).ok("scheme", "show", "education-evaluation",
                                           "--json").json()
    assert "computed by pipelines.annual.figures.total too" in {r["text"] for r in
                                                                shown["rules"]}


def test_a_file_that_is_no_yaml_is_refused_in_one_language(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\n  - a: [\n", encoding="utf-8")
    en = cli("scheme", "show", str(path))
    assert en.code == 2
    assert "line 2: the file is not valid YAML: " in en.err
    assert not CHINESE.search(en.err)
    zh = Cli(cli.environ, lang=None)("scheme", "show", str(path))
    assert zh.code == 2
    assert "第 2 行：YAML 格式错误：" in zh.err
    assert "not valid" not in zh.err


def test_show_reads_a_file_whose_labels_are_written_in_two_languages(
        cli: Cli, tmp_path: Path) -> None:
    """`{zh, en}` (docs/schemes.md, "Labels in two languages") is the one text `zh (en)`:
    `show` titles the file and words its rules in the reader's language, and its JSON
    gives the text the model reads and hashes, as for the same scheme written so."""
    shipped = Path(__file__).parents[2] / "domain/schemes/company-quarterly-assessment.yaml"
    text = shipped.read_text(encoding="utf-8")
    for old, new in (
            ("title: 公司季度绩效考核 (company quarterly performance assessment)",
             "title: {zh: 公司季度绩效考核, en: company quarterly performance assessment}"),
            ("label: 季度考核成绩 (上级评分)", "label: {zh: 季度考核成绩, en: quarterly score}")):
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "apart.yaml"
    path.write_text(text, encoding="utf-8")
    en = cli.ok("scheme", "show", str(path)).out.splitlines()
    assert en[0] == "company quarterly performance assessment"
    [score] = [line for line in en if line.startswith("S5-R10 ")]
    assert "quarterly score" in score
    zh = Cli(cli.environ, lang=None).ok("scheme", "show", str(path)).out.splitlines()
    assert zh[0] == "公司季度绩效考核"
    [score] = [line for line in zh if line.startswith("S5-R10 ")]
    assert "季度考核成绩" in score
    assert "quarterly" not in score
    shown = cli.ok("scheme", "show", str(path), "--json").json()
    assert shown["title"] == "公司季度绩效考核 (company quarterly performance assessment)"
    assert "季度考核成绩 (quarterly score)" in {r["text"] for r in shown["rules"]}


def test_check_says_why_an_english_that_is_a_note_is_refused_in_one_language(
        cli: Cli, tmp_path: Path) -> None:
    """{zh: 季度考核, en: quarterly}: 「quarterly」 is a scope, read as a note, so the two
    would not be shown apart; the finding says so, in the reader's language."""
    shipped = Path(__file__).parents[2] / "domain/schemes/company-quarterly-assessment.yaml"
    text = shipped.read_text(encoding="utf-8").replace(
        "label: 季度考核 (quarter)", "label: {zh: 季度考核, en: quarterly}", 1)
    path = tmp_path / "note.yaml"
    path.write_text(text, encoding="utf-8")
    en = cli("scheme", "check", str(path))
    assert en.code == 2
    assert "label '季度考核' / 'quarterly': the English reads as a note" in en.out + en.err
    zh = Cli(cli.environ, lang=None)("scheme", "check", str(path))
    assert zh.code == 2
    said = zh.out + zh.err
    assert "标签「季度考核」/「quarterly」：该英文读作附注" in said
    assert "reads as a note" not in said


def test_check_names_the_line_of_a_citation_whose_value_is_not_there(
        cli: Cli, tmp_path: Path) -> None:
    shipped = Path(__file__).parents[2] / "domain/schemes/education-evaluation.yaml"
    lines = shipped.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines, 1) if "rule: SCO-04" in line)
    lines[at - 1] = lines[at - 1].replace("figures.total", "figures.totl")
    path = tmp_path / "cited.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = cli("scheme", "check", str(path))  # --lang en
    assert run.code == 2
    assert f"line {at} also_implements." in run.out
    assert "no value at pipelines.annual.figures.totl: also_implements' at is" in run.out
    assert not CHINESE.search(run.out)
    zh = Cli(cli.environ, lang=None)("scheme", "check", str(path))  # the default
    assert zh.code == 2
    assert f"第 {at} 行 also_implements." in zh.out
    assert "「pipelines.annual.figures.totl」处没有这个值：also_implements 的 at" in zh.out
    assert "no value" not in zh.out
    # --json is data: the English reason, whichever the language
    (problem,) = Cli(cli.environ, lang=None)("scheme", "check", str(path), "--json").json()[
        "problems"]
    assert problem["reason"].startswith("no value at pipelines.annual.figures.totl:")


def test_a_mistyped_scheme_name_is_refused_naming_the_known_ones(cli: Cli) -> None:
    run = cli("scheme", "show", "xinghe-county-hospitl")
    assert run.code == 3
    assert run.err.startswith("error: no shipped scheme and no file 'xinghe-county-hospitl'; "
                              "did you mean xinghe-county-hospital? The shipped schemes: ")
    assert "education-evaluation" in run.err
    assert "z-college-accountability" in run.err
    run = Cli(cli.environ, lang=None)("scheme", "show", "xinghe-county-hospitl")  # default
    assert run.err.startswith("错误：没有名为 'xinghe-county-hospitl' 的内置方案，也没有这个"
                              "文件。是不是「xinghe-county-hospital」？内置方案：")


# ------------------------------------------------------------------- new and check


def test_new_copies_with_a_new_name_and_a_header_and_checks_clean(
        cli: Cli, tmp_path: Path) -> None:
    path = _variant(cli, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# xinghe-variant v1: copied by `jixiao scheme new` from "
                           "xinghe-county-hospital@2")
    assert "\nid: xinghe-variant\n" in text
    assert "\nversion: 1\n" in text
    assert "「按当季全院医疗总收入的9%核定」" in text  # the comments travel with the copy
    run = cli.ok("scheme", "check", str(path))
    assert run.out == f"{path}: no problems found: xinghe-variant@1, kind hospital_two_level\n"
    run = Cli(cli.environ, lang=None).ok("scheme", "check", str(path))  # the default
    assert run.out == f"{path}：没有发现问题：xinghe-variant@1，类型 hospital_two_level\n"
    again = cli("scheme", "new", "x2", "--from", "xinghe-county-hospital",
                "--output", str(path))
    assert (again.code, again.err) == (
        4, f"error: the file {path} exists already; it is not overwritten\n")
    again = Cli(cli.environ, lang=None)("scheme", "new", "x2", "--from",
                                        "xinghe-county-hospital", "--output", str(path))
    assert (again.code, again.err) == (4, f"错误：文件 {path} 已存在，不会覆盖\n")


def test_check_names_every_problem_with_its_line_and_exits_2(cli: Cli, tmp_path: Path) -> None:
    path = _variant(cli, tmp_path, **{
        'year_end_reserve_rate: "0.03"': 'year_end_reserve_rate: "0.30"',
        "quality_per_head: 30": "quality_per_head: 35",
        "  multiple_of_average_bonus: 2": "  multiple_of_avrage_bonus: 2",
        "multiple: 2,": "multiple: two,",
    })
    lines = path.read_text(encoding="utf-8").splitlines()

    def line_of(text: str) -> int:
        return next(n for n, line in enumerate(lines, 1) if line.lstrip().startswith(text))

    run = cli("scheme", "check", str(path), "--json")
    assert run.code == 2
    problems = {(p["line"], p["path"]): p["reason"] for p in run.json()["problems"]}
    assert problems[(line_of("year_end_reserve_rate"), "pool.year_end_reserve_rate")] == \
        "the year-end reserve rate 0.30 exceeds the pool rate 0.09"
    assert "add up to 105, not 100" in problems[(line_of("clinical:"), "clinical")]
    assert problems[(line_of("multiple_of_avrage_bonus"), "cap.multiple_of_avrage_bonus")] \
        == "unknown parameter multiple_of_avrage_bonus: a typo?"
    assert problems[(line_of("cap:"), "cap.multiple_of_average_bonus")] == \
        "missing parameter multiple_of_average_bonus"
    assert problems[(line_of("pharmacy_shortage"), "penalties.pharmacy_shortage.multiple")] \
        == "multiple must be a number"
    text = cli("scheme", "check", str(path))  # --lang en
    assert text.code == 2
    assert f"  line {line_of('clinical:')} clinical: the clinical points per head" in text.out
    assert not CHINESE.search(text.out.replace(path.name, ""))
    zh = Cli(cli.environ, lang=None)("scheme", "check", str(path))  # the default
    assert zh.code == 2
    for reason in (f"  第 {line_of('clinical:')} 行 clinical: 临床科室每人基本分（数量 50 + "
                   "质量 35 + 医德 20）合计 105，应为 100 分",
                   "年终预留比例 0.30 大于绩效提取比例 0.09", "「multiple」应为数字",
                   "缺少参数「multiple_of_average_bonus」",
                   "未知参数「multiple_of_avrage_bonus」，是否拼写有误？"):
        assert reason in zh.out
    assert not re.search(r"(must|missing|unknown|exceeds|add up)", zh.out)


@pytest.mark.parametrize(("edit", "reason"), [
    (("{up_to_months: 12,", "{up_to_months: 100000,"), "up_to_months is too large"),
    (("{up_to_months: 1,", "{up_to_months: 0,"), "up_to_months is too small"),
])
def test_check_bounds_a_study_leave_band_s_months(cli: Cli, tmp_path: Path,
                                                 edit: tuple[str, str], reason: str) -> None:
    """A band's months are checked as other numbers are, by line: unbounded, 100000
    passed, and the band's end (projections/scoring.py `add_months`) lay past year 9999:
    a ValueError instead of a payout."""
    path = _variant(cli, tmp_path, **{edit[0]: edit[1]})
    run = cli("scheme", "check", str(path), "--json")
    assert run.code == 2, run.out
    (problem,) = run.json()["problems"]
    assert problem["path"].startswith("study_leave.bands.")
    assert reason in problem["reason"]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert edit[1] in lines[problem["line"] - 1]


def test_a_band_adopted_with_more_months_than_the_bound_reads_as_it_was(
        sqlite_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An adopted scheme is never edited: a band adopted with 121 months, before the bound
    (any number passed), is read as it was adopted. Bounded on read too, every payout of
    such a ledger, even of periods before the adoption, and `verify` ended in a
    ValidationError traceback."""
    cli = cli_for("sqlite", sqlite_env)
    cli.ok("apply", str(GOLDEN / "example-2" / "commands.jsonl"))
    path = _variant(cli, tmp_path, **{"{up_to_months: 12,": "{up_to_months: 121,"})
    with monkeypatch.context() as before_the_bound:
        before_the_bound.setattr(scheme, "STUDY_LEAVE_MONTHS", (1, 100000))
        cli.ok("scheme", "adopt", str(path), "--effective", "2026-04-01")
    assert cli("scheme", "check", str(path)).code == 2  # a new adoption is bounded
    assert cli.payout("2026-Q1")["scheme"]["key"] == "xinghe-county-hospital@2"
    assert cli.payout("2026-Q2")["scheme"]["key"] == "xinghe-variant@1"
    assert "chain intact" in cli.ok("verify").out


def test_check_finds_an_unknown_kind(cli: Cli, tmp_path: Path) -> None:
    path = _variant(cli, tmp_path, **{"kind: hospital_two_level": "kind: hospital_2_level"})
    run = cli("scheme", "check", str(path), "--json")
    assert run.code == 2
    (problem,) = run.json()["problems"]
    assert problem["path"] == "kind"
    assert "unknown scheme kind hospital_2_level" in problem["reason"]
    assert "grading" in problem["reason"]


def _grading_copy(cli: Cli, tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "grading.yaml"
    cli.ok("scheme", "new", "meiling-variant", "--from", "meiling-subdistrict-quarterly",
           "--output", str(path))
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("edit", "reason", "marker"), [
    (('max_share: "0.25"', 'max_share: "1.25"'),
     "the quota of the grade excellent, 1.25, is over 100 %", "1.25"),
    (("{grade: good, min: 75, min_inclusive: true}",
      "{grade: good, min: 95, min_inclusive: true}"), "bands overlap", "min: 95"),
])
def test_check_finds_a_quota_over_100_and_a_band_overlap(
        cli: Cli, tmp_path: Path, edit: tuple[str, str], reason: str, marker: str) -> None:
    path = _grading_copy(cli, tmp_path, *edit)
    run = cli("scheme", "check", str(path), "--json")
    assert run.code == 2
    lines = path.read_text(encoding="utf-8").splitlines()
    (problem,) = [p for p in run.json()["problems"] if reason in p["reason"]]
    assert marker in lines[problem["line"] - 1]


def test_check_finds_a_band_table_with_a_gap(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "gap.yaml"
    cli.ok("scheme", "new", "edu-variant", "--from", "education-evaluation",
           "--output", str(path))
    text = path.read_text(encoding="utf-8").replace("- {grade: fail}",
                                                      "- {grade: fail, min: 40}")
    path.write_text(text, encoding="utf-8")
    run = cli("scheme", "check", str(path), "--json")
    assert run.code == 2
    (problem,) = run.json()["problems"]
    assert "bands leave a gap" in problem["reason"]
    assert "40" in problem["reason"]
    assert "{grade: fail, min: 40}" in text.splitlines()[problem["line"] - 1]


@pytest.mark.parametrize("name", ["xinghe-county-hospital", "meiling-subdistrict-quarterly",
                                  "dongkou-health-centres", "hospital-performance-ethics"])
def test_every_checked_shipped_scheme_is_clean(cli: Cli, tmp_path: Path, name: str) -> None:
    path = tmp_path / "copy.yaml"
    cli.ok("scheme", "new", "copy", "--from", name, "--output", str(path))
    cli.ok("scheme", "check", str(path))


# ------------------------------------------------------------------- diff


def test_diff_shows_what_changes_rule_by_rule(cli: Cli, tmp_path: Path) -> None:
    path = _variant(cli, tmp_path, **{'rate: "0.09"': 'rate: "0.10"',
                                      "multiple_of_average_bonus: 2":
                                      "multiple_of_average_bonus: 3"})
    found = cli.ok("scheme", "diff", "xinghe-county-hospital", str(path), "--json").json()
    changes = {c["path"]: c for c in found["changes"]}
    assert changes["pool.rate"]["rules"] == ["S11-R06"]
    assert (changes["pool.rate"]["before"], changes["pool.rate"]["after"]) == ("0.09", "0.10")
    assert changes["cap.multiple_of_average_bonus"]["rules"] == ["S11-R57"]
    assert changes["id"]["rules"] == []
    # The copy starts at version 1; the shipped scheme is at version 2.
    assert set(changes) == {"id", "version", "pool.rate", "cap.multiple_of_average_bonus"}
    assert cli.ok("scheme", "diff", "education-evaluation",
                  "education-evaluation").out == "no changes\n"
    assert Cli(cli.environ, lang=None).ok("scheme", "diff", "education-evaluation",
                                          "education-evaluation").out == "两者相同\n"


# ------------------------------------------------------------------- preview and adopt


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_preview_writes_nothing_and_adopt_replaces_the_scheme_from_its_date(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    env = request.getfixturevalue({"sqlite": "sqlite_env", "postgres": "pg_env"}[backend])
    cli = cli_for(backend, env)
    cli.ok("apply", str(GOLDEN / "example-2" / "commands.jsonl"))
    path = _variant(cli, tmp_path, **{'rate: "0.09"': 'rate: "0.10"'})
    before_q1, before_q2 = cli.payout("2026-Q1"), cli.payout("2026-Q2")
    events = cli.event_count()

    shown = cli.ok("scheme", "preview", str(path), "--period", "2026-Q2", "--json").json()
    assert shown["current"] == before_q2
    assert shown["proposed"]["scheme"]["key"] == "xinghe-variant@1"
    assert shown["diff"]["total"]["delta"] != "0.00"
    assert cli.event_count() == events  # nothing written
    previewed = cli.ok("scheme", "preview", str(path), "--period", "2026-Q2").out
    assert previewed.startswith(
        "preview 2026-Q2: current xinghe-county-hospital@2 → proposed xinghe-variant@1 (as "
        "if in force from 2026-01-01; nothing written)\n")
    assert "\nemployee " in previewed
    previewed = Cli(cli.environ, lang=None).ok("scheme", "preview", str(path), "--period",
                                               "2026-Q2").out
    assert previewed.startswith(
        "预览 2026-Q2：现行 xinghe-county-hospital@2 → 拟用 xinghe-variant@1（按自 "
        "2026-01-01 起生效计算；未写入任何内容）\n")
    assert "\n员工 " in previewed
    assert "合计：" in previewed

    run = cli.ok("scheme", "adopt", str(path), "--effective", "2026-04-01")
    assert "xinghe-variant@1" in run.out
    assert "2026-04-01" in run.out
    assert cli.payout("2026-Q1") == before_q1  # earlier periods keep theirs
    after_q2 = cli.payout("2026-Q2")
    assert after_q2["scheme"]["key"] == "xinghe-variant@1"
    assert after_q2["people"] == shown["proposed"]["people"]
    adopted = cli.ok("scheme", "list", "--json", "--adopted").json()["adopted"]
    assert [(a["scheme_id"], a["effective_from"]) for a in adopted] == [
        ("xinghe-county-hospital", "2026-01-01"), ("xinghe-variant", "2026-04-01")]
    retry = cli.ok("scheme", "adopt", str(path), "--effective", "2026-04-01")
    assert "1 already recorded" in retry.out


def test_adopt_refuses_a_file_with_problems_and_writes_nothing(
        sqlite_env: dict[str, str], tmp_path: Path) -> None:
    cli = cli_for("sqlite", sqlite_env)
    cli.ok("apply", str(GOLDEN / "example-2" / "commands.jsonl"))
    events = cli.event_count()
    path = _variant(cli, tmp_path, **{"quality_per_head: 30": "quality_per_head: 31"})
    run = cli("scheme", "adopt", str(path), "--effective", "2026-04-01")
    assert run.code == 2
    assert "jixiao scheme check" in run.err
    assert cli("scheme", "adopt", str(path), "--effective", "2026-13-01").code == 2
    assert cli.event_count() == events


def test_json_schema_prints_the_committed_schema(cli: Cli) -> None:
    committed = Path(__file__).parents[2] / "api/usecases/scheme.schema.json"
    assert cli.ok("scheme", "json-schema").out == committed.read_text(encoding="utf-8"), (
        "the committed scheme.schema.json is stale: run "
        "`jixiao scheme json-schema > api/usecases/scheme.schema.json`")


def test_preview_of_a_grading_scheme_shows_grades_now_and_proposed(
        sqlite_env: dict[str, str], tmp_path: Path) -> None:
    cli = cli_for("sqlite", sqlite_env)
    cli.ok("apply", str(Path(__file__).parents[1] / "grades/fixtures/we-6/composites.jsonl"))
    path = tmp_path / "edu2.yaml"
    cli.ok("scheme", "new", "edu2", "--from", "education-evaluation", "--output", str(path))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("min: 90, min_inclusive: true", "min: 85, min_inclusive: true"),
                    encoding="utf-8")
    events = cli.event_count()
    shown = cli.ok("scheme", "preview", str(path), "--period", "2025", "--json").json()
    assert shown["against"] == "education-evaluation"

    def grade(side: str) -> str:
        (pipeline,) = shown[side]["pipelines"]
        return next(s["grade"] for s in pipeline["subjects"] if s["subject_id"] == "O")

    assert (grade("current"), grade("proposed")) == ("very_good", "excellent")
    assert cli.event_count() == events
    out = cli.ok("scheme", "preview", str(path), "--period", "2025").out
    assert "Bureau office O" in out


def test_check_reports_an_impossible_date_and_broken_yaml_by_line(
        cli: Cli, tmp_path: Path) -> None:
    path = _variant(cli, tmp_path, **{"effective_from: 2026-01-01": "effective_from: 2026-13-01"})
    run = cli("scheme", "check", str(path), "--json")
    assert run.code == 2
    (problem,) = run.json()["problems"]
    assert problem["path"] == "effective_from"
    assert problem["reason"] == "effective_from must be a date such as 2026-01-01"
    path.write_text(path.read_text(encoding="utf-8").replace("pool:\n", "pool: [\n", 1),
                    encoding="utf-8")
    broken = cli("scheme", "check", str(path), "--json")
    assert broken.code == 2
    (problem,) = broken.json()["problems"]
    assert problem["reason"].startswith("the file is not valid YAML: ")
    assert problem["line"] is not None
