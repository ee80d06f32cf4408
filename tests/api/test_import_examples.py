"""A template's example row is never a ledger entry, and a file that is not a sheet of
the kind asked is refused as such (docs/spreadsheets.md). Through the real CLI, in
Chinese (the default) and under --lang en: an untouched template (this version's, marked
示例, and an earlier version's, unmarked) records nothing and says so; a master key file
is refused without a character of it shown; a withholding sheet imported as entries is
told which verb imports it."""

from __future__ import annotations

import base64

import pytest
import ward_cli
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from ward_cli import events, jixiao

from api.sheets.columns import KINDS, header_label

_sqlite_only, db = ward_cli._sqlite_only, ward_cli.db  # the shared fixtures

# A refusal's line in each language: 「第 2 行：…」, "row 2: …".
COLON = {None: "：", "en": ": "}
ONLY_EXAMPLE = {
    None: "没有可导入的内容：只有模板的示例行，示例行从不导入；请在其下方填写，或覆盖示例行"
          "（连同其 幂等键(idempotency_key) 单元格）",
    "en": "nothing to import: only the template's example row, which is never imported; fill "
          "in your rows below it, or type over it, its 幂等键(idempotency_key) cell too",
}


@pytest.mark.parametrize("lang", [None, "en"])
@pytest.mark.parametrize(("kind", "fmt"), [(kind, fmt) for kind in
                                           ("entries", "withholding", "roster", "pool")
                                           for fmt in ("xlsx", "csv")])
def test_an_untouched_template_records_nothing_and_says_so(db, capsys, kind, fmt, lang):
    template = db.parent / f"t.{fmt}"
    assert jixiao(capsys, lang, "template", kind, "--output", str(template), "--format", fmt,
                  "--db", str(db))[0] == 0
    before = events(db)
    code, out, err = jixiao(capsys, lang, "import", "--db", str(db), kind, str(template))
    assert code == 2, out
    where = {(None, "xlsx"): f"{kind} 第 2 行", (None, "csv"): "第 2 行",
             ("en", "xlsx"): f"{kind} row 2", ("en", "csv"): "row 2"}[lang, fmt]
    assert f"  {where}{COLON[lang]}{ONLY_EXAMPLE[lang]}" in err.splitlines()
    assert events(db) == before


@pytest.mark.parametrize("lang", [None, "en"])
def test_the_example_row_left_in_is_skipped_and_the_rows_below_it_imported(db, tmp_path,
                                                                         capsys, lang):
    template = tmp_path / "t.csv"
    jixiao(capsys, lang, "template", "entries", "--output", str(template), "--format", "csv",
           "--db", str(db))
    with template.open("a", encoding="utf-8") as out:
        out.write("2026-Q1,li,deduction,late,1,5,,,,,,,,,\n")
    before = events(db)
    code, out, err = jixiao(capsys, lang, "import", "--db", str(db), "entries", str(template))
    assert code == 0, err
    assert events(db) == before + 1  # li's deduction; not the example's (zhang's)
    assert ("第 2 行：模板的示例行，已跳过" if lang is None
            else "row 2: the template's example row, skipped") in err.splitlines()


def _old_header(kind: str) -> list[str]:
    return [header_label(column) for column in KINDS[kind].columns]


# What `jixiao template` wrote before the example row was marked: no 示例, the same cells.
OLD_ROWS = {
    "entries": ["2026-Q1", "zhang", "deduction", "late", "1", "10", "", "", "", "", "", "",
                "迟到 10 分钟", "", ""],
    "withholding": ["2026-Q1", "zhang", "123.45", "工资系统报送的累计预扣个税", ""],
}


@pytest.mark.parametrize("lang", [None, "en"])
@pytest.mark.parametrize("kind", ["entries", "withholding"])
def test_an_earlier_versions_untouched_csv_template_records_nothing(db, tmp_path, capsys,
                                                                    kind, lang):
    path = tmp_path / "old.csv"
    path.write_text(",".join(_old_header(kind)) + "\n" + ",".join(OLD_ROWS[kind]) + "\n",
                    encoding="utf-8-sig")
    before = events(db)
    code, _, err = jixiao(capsys, lang, "import", "--db", str(db), kind, str(path))
    assert code == 2
    assert ONLY_EXAMPLE[lang] in err
    assert events(db) == before


@pytest.mark.parametrize("lang", [None, "en"])
def test_real_rows_worded_as_an_earlier_example_below_it_are_imported(db, tmp_path, capsys,
                                                                      lang):
    """Only the row under the header is where a template put its example: a clerk's own
    late deductions copying the example's words, further down, are real rows."""
    path = tmp_path / "old.csv"
    real = [["2026-Q1", who, *OLD_ROWS["entries"][2:]] for who in ("li", "zhang")]
    path.write_text("\n".join(",".join(row) for row in [
        _old_header("entries"), OLD_ROWS["entries"], *real]) + "\n", encoding="utf-8-sig")
    before = events(db)
    code, _, err = jixiao(capsys, lang, "import", "--db", str(db), "entries", str(path))
    assert code == 0, err
    assert events(db) == before + 2
    assert ("第 2 行：模板的示例行，已跳过" if lang is None
            else "row 2: the template's example row, skipped") in err.splitlines()
    assert "3" not in "".join(line for line in err.splitlines() if "示例" in line
                              or "example" in line)


def test_an_earlier_versions_untouched_roster_csv_template_hires_nobody(db, tmp_path, capsys):
    """Its example (张三, with bank details) is told by its words, as the other kinds'."""
    key = tmp_path / "master.key"
    assert jixiao(capsys, None, "keys", "master", "--output", str(key))[0] == 0
    path = tmp_path / "old.csv"
    assert jixiao(capsys, None, "template", "roster", "--output", str(path), "--format", "csv",
                  "--db", str(db))[0] == 0
    header, example = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text(f"{header}\n{example.removesuffix('示例')}\n", encoding="utf-8-sig")
    before = events(db)
    code, _, err = jixiao(capsys, None, "import", "--db", str(db), "--key-file", str(key),
                          "roster", str(path))
    assert code == 2, err
    assert ONLY_EXAMPLE[None] in err
    assert events(db) == before


def test_an_earlier_examples_words_with_a_key_typed_in_are_a_real_row(db, tmp_path, capsys):
    """An earlier template's example had no key: the row under its header, kept in its
    words but given the clerk's own key, is the clerk's late deduction, imported."""
    path = tmp_path / "old.csv"
    row = ["2026-Q1", "li", *OLD_ROWS["entries"][2:-1], "li-late-0301"]
    path.write_text("\n".join(",".join(r) for r in [_old_header("entries"), row]) + "\n",
                    encoding="utf-8-sig")
    before = events(db)
    code, _, err = jixiao(capsys, None, "import", "--db", str(db), "entries", str(path))
    assert code == 0, err
    assert events(db) == before + 1
    assert "跳过" not in err


@pytest.mark.parametrize("lang", [None, "en"])
def test_a_workbook_templates_example_typed_over_and_unmarked_is_imported(db, tmp_path,
                                                                          capsys, lang):
    """As the refusal says: type over the example, its 示例 too. Keeping its wording (a
    10-minute late) is a real row: a workbook's earlier example is told by its comment."""
    template = tmp_path / "t.xlsx"
    jixiao(capsys, lang, "template", "entries", "--output", str(template), "--db", str(db))
    book = load_workbook(template)
    ws = book.active
    assert ws is not None
    ws["B2"] = "li"
    ws["O2"] = None
    book.save(template)
    before = events(db)
    code, _, err = jixiao(capsys, lang, "import", "--db", str(db), "entries", str(template))
    assert code == 0, err
    assert events(db) == before + 1


ONLY_NOTED = {
    None: "没有可导入的内容：只有模板的示例行（其首个单元格的批注如此标明），示例行从不导入；"
          "请在其下方填写，或删除该批注",
    "en": "nothing to import: only the template's example row (its first cell's comment says "
          "so), which is never imported; fill in your rows below it, or delete that comment",
}


@pytest.mark.parametrize(("note", "lang"), [("示例行：导入前请删除", None),
                                            ("example row: delete it before importing", "en")])
def test_an_earlier_versions_workbook_template_records_nothing(db, tmp_path, capsys, note,
                                                               lang):
    """Its example row is told by the comment it carried, whatever the clerk typed in it;
    the rows below it are imported."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "entries"
    ws.append(_old_header("entries"))
    ws.append(["2026-Q1", "zhang", "deduction", "late", 1, 2, None, None, None, None, None,
               None, "a reason typed over the example's"])
    ws["A2"].comment = Comment(note, "jixiao 绩效")
    path = tmp_path / "old.xlsx"
    book.save(path)
    before = events(db)
    code, _, err = jixiao(capsys, lang, "import", "--db", str(db), "entries", str(path))
    assert code == 2
    where = "entries 第 2 行" if lang is None else "entries row 2"
    assert f"  {where}{COLON[lang]}{ONLY_NOTED[lang]}" in err.splitlines()
    assert events(db) == before
    ws.append(["2026-Q1", "li", "deduction", "late", 1, 5])
    book.save(path)
    code, _, err = jixiao(capsys, lang, "import", "--db", str(db), "entries", str(path))
    assert code == 0, err
    assert events(db) == before + 1


@pytest.mark.parametrize("lang", [None, "en"])
def test_a_key_file_is_refused_as_not_a_sheet_and_never_echoed(db, tmp_path, capsys, lang):
    secret = base64.b64encode(bytes(range(7, 39))).decode()
    path = tmp_path / "m.key"
    path.write_text(secret + "\n", encoding="ascii")
    code, out, err = jixiao(capsys, lang, "import", "--db", str(db), "entries", str(path))
    assert code == 2
    assert secret[:6] not in out + err
    line = err.splitlines()[1]
    assert line.startswith(f"  {path}{COLON[lang]}" + ("不是 录入数据 表：第一行不含任何一列"
                                           "（期间(period), 工号"
                                           if lang is None else
                                           "not a sheet of entries: its first row names none "
                                           "of the columns (期间(period), 工号"))


def test_a_long_unknown_column_is_shown_only_by_its_start(db, tmp_path, capsys):
    long = "x" * 12 + "SECRETSECRETSECRET"
    path = tmp_path / "entries.csv"
    path.write_text(f"period,employee_id,entry,{long}\n2026-Q1,zhang,score,1\n",
                    encoding="utf-8")
    code, _, err = jixiao(capsys, None, "import", "--db", str(db), "entries", str(path))
    assert code == 2
    assert "SECRET" not in err
    assert f"未知的列 '{'x' * 8}…'；可用的列：期间(period), 工号(employee_id)" in err


@pytest.mark.parametrize("lang", [None, "en"])
def test_a_withholding_sheet_imported_as_entries_is_told_its_verb(db, tmp_path, capsys, lang):
    template = tmp_path / "w.csv"
    jixiao(capsys, lang, "template", "withholding", "--output", str(template), "--format",
           "csv", "--db", str(db))
    before = events(db)
    code, _, err = jixiao(capsys, lang, "import", "--db", str(db), "entries", str(template))
    assert code == 2
    assert err.splitlines()[1] == f"  {template}{COLON[lang]}" + (
        "表头属于 代扣代缴，不属于 录入数据：请按 代扣代缴 导入"
        f"（jixiao import withholding {template}）"
        if lang is None else "the header is that of withholding, not of entries: import it as "
        f"withholding (jixiao import withholding {template})")
    assert "employee_id, entry" not in err  # no list of the other kind's English ids
    assert events(db) == before


@pytest.mark.parametrize("lang", [None, "en"])
def test_the_personal_kind_is_named_as_its_details_not_a_leave(db, tmp_path, capsys, lang):
    """'personal' alone is also the leave kind (事假's 事): a sheet of personal details is
    named as such."""
    path = tmp_path / "m.key"
    path.write_text(base64.b64encode(bytes(range(32))).decode() + "\n", encoding="ascii")
    key = tmp_path / "master.key"
    assert jixiao(capsys, None, "keys", "master", "--output", str(key))[0] == 0
    code, _, err = jixiao(capsys, lang, "import", "--db", str(db), "--key-file", str(key),
                          "personal", str(path))
    assert code == 2
    assert err.splitlines()[1].startswith(f"  {path}{COLON[lang]}" + (
        "不是 个人信息" if lang is None else "not a sheet of personal details:"))
    sheet = tmp_path / "p.csv"
    sheet.write_text("工号,姓名,开户行\nli,李,某行\n", encoding="utf-8")
    code, _, err = jixiao(capsys, lang, "import", "--db", str(db), "entries", str(sheet))
    assert code == 2
    assert err.splitlines()[1].startswith(f"  {sheet}{COLON[lang]}" + (
        "表头属于 个人信息" if lang is None else "the header is that of personal details,"))
    assert "事" not in err


@pytest.mark.parametrize("lang", [None, "en"])
@pytest.mark.parametrize("pair", ["entries personal", "figures pool"])
def test_another_kinds_sheet_holding_the_asked_kinds_required_columns_is_told_its_verb(
        db, tmp_path, capsys, pair, lang):
    """An entries sheet holds 工号, all the personal kind requires; a figures sheet holds
    期间, all the pool requires: still another kind's sheet, not a list of unknown columns."""
    kind, asked = pair.split()
    template = tmp_path / "t.csv"
    jixiao(capsys, lang, "template", kind, "--output", str(template), "--format", "csv",
           "--db", str(db))
    key = tmp_path / "master.key"
    assert jixiao(capsys, None, "keys", "master", "--output", str(key))[0] == 0
    code, _, err = jixiao(capsys, lang, "import", "--db", str(db), "--key-file", str(key),
                          asked, str(template))
    assert code == 2
    assert err.splitlines()[1].endswith(f"jixiao import {kind} {template}）" if lang is None
                                        else f"jixiao import {kind} {template})"), err
    assert len(err.splitlines()) == 2
