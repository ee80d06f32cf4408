"""What a newcomer's tour of the demo hospital year (README, docs/spreadsheets.md,
docs/appeals.md) printed half in English under the Chinese default: the year end's pool
lines, a statement's notes, the two-person close's refusals, a late appeal's window and
an appeal whose review deadline no calendar knows yet. Each reads in one language, the
reader's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from builders import Cli

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("tour") / "demo.db"
    Cli({}).ok("demo", "--db", str(db))
    return db


@pytest.fixture
def ledger(demo: Path, tmp_path: Path) -> Path:
    """A copy of the demo year this test may write to."""
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo.read_bytes())
    return copy


def chinese(db: Path) -> Cli:
    return Cli({"JIXIAO_DB": str(db), "JIXIAO_ACTOR": "test"}, lang=None)


def english(db: Path) -> Cli:
    return Cli({"JIXIAO_DB": str(db), "JIXIAO_ACTOR": "test"}, lang="en")


def test_the_year_end_pool_names_each_quarter_s_reserve_in_the_reader_s_language(
        demo: Path) -> None:
    zh = chinese(demo).ok("payout", "--period", "2026-YE").out
    assert "奖金池：2026-Q1 年终预留 ¥535,047.72；2026-Q2 年终预留 ¥614,165.16" in zh
    assert "reserve" not in zh
    en = english(demo).ok("payout", "--period", "2026-YE").out
    assert "Pool: reserve 2026-Q1 ¥535,047.72, reserve 2026-Q2 ¥614,165.16" in en


def test_a_statement_s_notes_read_in_the_reader_s_language(demo: Path) -> None:
    zh = chinese(demo).ok("payout", "--period", "2026-Q4").out.splitlines()
    notes = [line for line in zh if line.startswith("备注：")]
    assert notes == ["备注：方案 xinghe-county-hospital@2（002_db447562deed9801.txt:L805-L1073）",
                     "备注：调节金结余年末失效（超年度无效）：¥25,005.68"]
    en = english(demo).ok("payout", "--period", "2026-Q4").out.splitlines()
    assert [line for line in en if line.startswith("note: ")] == [
        "note: scheme xinghe-county-hospital@2 (002_db447562deed9801.txt:L805-L1073)",
        "note: the bank's balance lapsing at the year end: ¥25,005.68"]


def test_per_point_pay_reads_in_yuan_a_point(demo: Path) -> None:
    """Per-point pay is stored with the unit "ratio" (explain's JSON is kept as it was),
    and its line read 「… 比率」 / "… ratio"."""
    asked = ("explain", "--period", "2026-Q3", "--employee", "E0001")
    zh = chinese(demo).ok(*asked).out
    [line] = [line for line in zh.splitlines() if "每分值金额（参考） = " in line]
    assert "98.130841… (= 12482243/127200) 元/分  [S11-R32" in line
    en = english(demo).ok(*asked).out
    [line] = [line for line in en.splitlines() if "per-point pay (indicative) = " in line]
    assert "98.130841… (= 12482243/127200) yuan per point  [S11-R32" in line
    hospital = ("explain", "--period", "2026-Q3", "--figure", "hospital:per_point")
    assert chinese(demo).ok(*hospital).out.startswith("全院每分值金额（参考） = 106.99")
    assert chinese(demo).ok(*hospital).out.splitlines()[0].endswith(
        "… 元/分  [S11-R09 002_db447562deed9801.txt:L857-L863]")
    assert english(demo).ok(*hospital).out.splitlines()[0].endswith(
        "… yuan per point  [S11-R09 002_db447562deed9801.txt:L857-L863]")
    [figure] = json.loads(chinese(demo).ok(*hospital, "--json").out)["explain"]
    assert figure["unit"] == "ratio"  # the data as it was


def test_the_two_person_close_refuses_in_one_language(ledger: Path, tmp_path: Path) -> None:
    zh, en = chinese(ledger), english(ledger)
    zh.ok("settings", "--two-person-close")  # as docs/spreadsheets.md's clerk does
    # periods close in order: refused before a second person is asked
    for cli, said in ((zh, "错误：不能准备 2026-Q3 的结账：2026-Q1、2026-Q2 尚未结账；期间须按顺序"
                           "结账，请先结账 2026-Q1、2026-Q2。"),
                      (en, "error: cannot prepare the close of 2026-Q3: 2026-Q1、2026-Q2 is still "
                           "open; periods close in order, close 2026-Q1、2026-Q2 first")):
        refused = cli("close", "--period", "2026-Q3", "--actor", "fin-wang")
        assert refused.code != 0
        assert refused.err.strip() == said
    for cli, said in ((zh, "错误：2026-Q1 尚未准备结账；请先运行 "
                           "`jixiao close --period 2026-Q1`。"),
                      (en, "error: no close of 2026-Q1 is prepared; run `jixiao close --period "
                           "2026-Q1` first")):
        refused = cli("close", "--period", "2026-Q1", "--approve", "--actor", "fin-li")
        assert refused.code != 0
        assert refused.err.strip() == said
    zh.ok("close", "--period", "2026-Q1", "--actor", "fin-wang")
    for cli, said in ((zh, "错误：准备结账的人不能同时批准：2026-Q1 的结账由 fin-wang 准备；"
                           "请由另一位有权限的人批准。"),
                      (en, "error: the person who prepared the close of 2026-Q1 (fin-wang) cannot "
                           "approve it; another person approves it")):
        refused = cli("close", "--period", "2026-Q1", "--approve", "--actor", "fin-wang")
        assert refused.code != 0
        assert refused.err.strip() == said
    late = tmp_path / "late.jsonl"
    late.write_text(json.dumps({"type": "adjust_pool", "period": "2026-Q1",
                                "amount_cny": "1.00", "reason": "late"}) + "\n")
    zh.ok("apply", str(late))
    for cli, said in ((zh, "批准无效：准备之后 2026-Q1 又记录了 1 条事实；请重新准备结账。"),
                      (en, "the approval is void: 1 event(s) of 2026-Q1 were recorded after the "
                           "close was prepared; prepare the close again")):
        refused = cli("close", "--period", "2026-Q1", "--approve", "--actor", "fin-li")
        assert refused.code == 4
        assert said in refused.err
        assert bool(CHINESE.search(refused.err)) == (cli is zh)


def _deduction(cli: Cli) -> dict[str, str]:
    events = (json.loads(line) for line in cli.ok("events", "--json", "--limit",
                                                  "100000").out.splitlines())
    return next(e for e in events
                if e["type"] == "DeductionRecorded" and e["period"] == "2026-Q1")


def test_a_late_appeal_names_its_window_in_working_days(ledger: Path) -> None:
    zh = chinese(ledger)
    entry = _deduction(zh)
    filing = ("appeal", "file", "--appeal-id", "A-1", "--employee", entry["employee_id"],
              "--entry", entry["originator_id"], "--grounds", "x",
              "--received-on", "2026-04-01", "--filed-on", "2026-05-06")
    refused = zh(*filing)
    assert refused.code == 2
    assert "逾期：2026-04-01 之后 10 个工作日的期限已于 2026-04-16 截止" in refused.err
    assert "working" not in refused.err
    assert ("late: the window of 10 working days after 2026-04-01 closed on 2026-04-16"
            in english(ledger)(*filing).err)


def test_an_appeal_whose_review_deadline_is_not_known_yet_says_so_by_name(
        ledger: Path) -> None:
    zh = chinese(ledger)
    entry = _deduction(zh)
    # a review of 20 working days from mid-December reaches a year no calendar knows
    zh.ok("appeal", "file", "--appeal-id", "A-2", "--employee", entry["employee_id"],
          "--entry", entry["originator_id"], "--grounds", "x",
          "--received-on", "2026-12-07", "--filed-on", "2026-12-08")
    shown = zh.ok("appeal", "show", "A-2").out
    assert "期限无法计算: 2027 年的法定节假日安排尚未录入" in shown
    assert "deadline_unknown" not in shown
    assert "deadline unknown: " in english(ledger).ok("appeal", "show", "A-2").out


def test_a_line_that_is_not_json_is_named_by_its_column_in_the_reader_s_words(
        tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{a: 1}\n  {"type": "hire_employee"} x\n')
    db = tmp_path / "new.db"
    zh = chinese(db)("apply", str(bad))
    assert zh.code == 2
    # Python's own words were kept: 「Expecting property name …: line 1 column 2 (char 1)」
    # on every line of the file, whichever line it was
    assert zh.err.splitlines()[1:] == [
        "  第 1 行：不是有效的 JSON（第 2 列）："
        "此处应是用双引号括起的字段名（末尾多了逗号，或字段名没加双引号）",
        "  第 2 行：不是有效的 JSON（第 29 列）："
        "一个 JSON 对象之后还有多余的内容（每行只写一条命令）"]
    en = english(db)("apply", str(bad))
    assert en.err.splitlines()[1:] == [
        "  line 1: not valid JSON at column 2: Expecting property name enclosed in double quotes",
        "  line 2: not valid JSON at column 29: Extra data"]


def test_what_a_grading_year_withheld_is_named_as_money_not_as_python_writes_a_dict(
        tmp_path: Path) -> None:
    db = tmp_path / "e1.db"
    fixture = Path(__file__).parents[1] / "grades" / "fixtures" / "e1" / "year.jsonl"
    chinese(db).ok("apply", str(fixture))
    zh = chinese(db).ok("grades", "--period", "2025").out.splitlines()[-1]
    # where it goes is the scheme's label, written in both languages (「not paid (扣完为止;
    # …)」); the adopted scheme's bytes are hashed, so the reader's words come from the
    # catalogue (api/i18n/grades.py)
    assert zh == ("发放：7 行，实发 ¥10,740.00，暂扣 ¥4,980.00（不发放（扣完为止；"
                  "原文未写去向）），差额 ¥0.00")
    en = english(db).ok("grades", "--period", "2025").out.splitlines()[-1]
    assert en == ("Pay: 7 line(s), paid ¥10,740.00, withheld ¥4,980.00 (not paid (deducted "
                  "until nothing is left; the regulation names no destination)), balance ¥0.00")
    assert not CHINESE.search(en.split("(", 1)[1])


def test_the_procedures_report_heads_its_columns_in_the_reader_s_language(demo: Path) -> None:
    zh = [line.split() for line in chinese(demo).ok("procedures", "report").out.splitlines()]
    assert zh[:2] == [["送达"], ["决定", "对象", "决定日", "截止日", "送达日"]]
    assert ["评定办法", "评定期间", "结果确定日", "截止日", "备案日"] in zh
    assert ["评定办法", "评定期间", "公示开始日", "公示截止日", "异议", "结果确定日"] in zh
    en = english(demo).ok("procedures", "report").out.splitlines()
    assert en[:2] == ["deliveries", "decision   subject   decided on   due on   delivered on"]


def _restated_after_a_later_close(ledger: Path, tmp_path: Path) -> Cli:
    """2026-Q1 closed, a deduction of it voided, 2026-Q2 closed with the deltas in it."""
    zh = chinese(ledger)
    zh.ok("close", "--period", "2026-Q1")
    void = tmp_path / "void.jsonl"
    void.write_text(json.dumps({"type": "void_entry", "target_id": _deduction(zh)["originator_id"],
                                "reason": "处方差错已核实非本人"}) + "\n")
    zh.ok("apply", str(void))
    zh.ok("close", "--period", "2026-Q2")
    return zh


def test_a_restatement_paid_by_a_later_close_says_so_in_money_and_local_time(
        ledger: Path, tmp_path: Path) -> None:
    zh = _restated_after_a_later_close(ledger, tmp_path)
    shown = zh.ok("payout", "--period", "2026-Q1", "--restated").out.splitlines()
    # it said 「差额结算期：2026-Q3」 though Q2's close had paid every delta, the close's time
    # in UTC with microseconds, amounts as bare decimals and departments by id
    assert re.fullmatch(r"重述 2026-Q1（已结报表 \w{12}…，哈希已核对；结账于 "
                        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00）", shown[0])
    assert shown[1] == "差额已在此后结账的期间中结算，没有待结算的差额"
    # employee, name, department (in Chinese only, as the demo names it), closed, restated,
    # delta, settled, outstanding
    moved = [row for row in (line.split() for line in shown)
             if len(row) == 8 and row[-3] not in ("¥0.00", "差额")]
    assert {row[2] for row in moved} == {"儿科"}
    assert all(row[-3] == row[-2] and row[-1] == "¥0.00" for row in moved)  # paid by Q2
    assert all(row[3].startswith("¥") and row[4].startswith("¥") for row in moved)
    assert shown[-1] == "差额合计：¥0.00；待结算：¥0.00"
    assert zh.ok("restatement", "--period", "2026-Q1").out.splitlines()[1] == \
        "差额已在此后结账的期间中结算，没有待结算的差额"
    assert english(ledger).ok("payout", "--period", "2026-Q1", "--restated").out.splitlines()[
        1] == "the delta was settled by the quarters closed since; nothing is outstanding"


def test_a_restatement_paid_in_part_by_a_later_close_names_where_the_rest_settles(
        ledger: Path, tmp_path: Path) -> None:
    zh = _restated_after_a_later_close(ledger, tmp_path)
    first = _deduction(zh)
    events = (json.loads(line) for line in zh.ok("events", "--json", "--limit",
                                                 "100000").out.splitlines())
    other = next(e for e in events if e["type"] == "DeductionRecorded"
                 and e["period"] == "2026-Q1" and e["employee_id"] != first["employee_id"]
                 and e["originator_id"] != first["originator_id"])
    void = tmp_path / "void-2.jsonl"
    void.write_text(json.dumps({"type": "void_entry", "target_id": other["originator_id"],
                                "reason": "复核后撤销"}) + "\n")
    zh.ok("apply", str(void))  # after Q2's close: its deltas are Q3's to pay
    report = json.loads(zh.ok("payout", "--period", "2026-Q1", "--restated", "--json").out)
    owed = [p for p in report["people"] if p["outstanding"] != "0.00"]
    # a pool shared out again: the new deltas sum to nothing, each person's does not
    assert owed
    assert report["outstanding"] == "0.00"
    assert zh.ok("payout", "--period", "2026-Q1", "--restated").out.splitlines()[1] == \
        "差额结算期：2026-Q3"
    assert zh.ok("restatement", "--period", "2026-Q1").out.splitlines()[1] == \
        "结算于：2026-Q3"
