"""An import's refusals name the row, the column and the reason in the reader's language
and never repeat a secret (docs/spreadsheets.md, "When something is wrong"). Through the real
CLI, in Chinese (the default) and under --lang en: a key-like cell is shown by its start
only, whatever its column; a real row keyed 示例 is refused, not skipped as the template's
example; a kind and a missing column are named as the reader reads them; the lines use
the reader's colon; the personal details left as they were are said in one language."""

from __future__ import annotations

import pytest
import ward_cli
from ward_cli import events, jixiao

from api.sheets.columns import KINDS, header_label

_sqlite_only, db = ward_cli._sqlite_only, ward_cli.db  # the shared fixtures


TOKEN = "sk_live_0123456789ab"  # 20 characters: longer than any value a refusal repeats
SHOWN = "sk_live_…"  # its first 8, all a refusal may show of it


def _sheet(kind: str, rows: list[dict[str, str]]) -> str:
    columns = KINDS[kind].columns
    lines = [",".join(header_label(column) for column in columns)]
    lines += [",".join(row.get(column, "") for column in columns) for row in rows]
    return "\n".join(lines) + "\n"


# One good row of each kind (worked example 1's ward, zhang and li on the roster): each
# test row is it with one cell replaced by the key-like value.
GOOD = {
    "entries": {"period": "2026-Q1", "employee_id": "li", "entry": "deduction",
                "kind": "late", "count": "1", "minutes": "5"},
    "withholding": {"pay_period": "2026-Q1", "employee_id": "li", "tax_withheld_cny": "12.00"},
    "pool": {"period": "2026-Q2", "amount_cny": "100.00"},
    "figures": {"period": "2026-Q2", "department_id": "internal", "workload_base": "1",
                "workload_actual": "1", "medical_revenue_cny": "1", "full_cost_cny": "1"},
    "departments": {"department_id": "new_ward", "department_name": "新科室",
                    "department_kind": "clinical", "effective_on": "2026-01-01"},
}


@pytest.mark.parametrize("lang", [None, "en"])
@pytest.mark.parametrize("kind", list(GOOD))
def test_a_key_like_cell_is_shown_by_its_start_only_in_any_column(db, tmp_path, capsys,
                                                                   kind, lang):
    rows = [{**GOOD[kind], column: f"{TOKEN}{n:02d}"}
            for n, column in enumerate(KINDS[kind].columns) if column != "idempotency_key"]
    # the same key twice: the second row is refused, its key not repeated
    rows += [{**GOOD[kind], "idempotency_key": TOKEN}, {**GOOD[kind], "idempotency_key": TOKEN}]
    path = tmp_path / f"{kind}.csv"
    path.write_text(_sheet(kind, rows), encoding="utf-8")
    before = events(db)
    code, out, err = jixiao(capsys, lang, "import", "--db", str(db), kind, str(path))
    assert code == 2, out
    assert SHOWN in err  # a refused cell is still pointed at
    assert TOKEN[8:] not in out + err
    assert events(db) == before


@pytest.mark.parametrize("lang", [None, "en"])
def test_a_header_cell_naming_no_column_is_shown_by_its_start_only(db, tmp_path, capsys,
                                                                   lang):
    path = tmp_path / "k.csv"
    path.write_text(f"工号,{TOKEN[:16]}\nli,x\n", encoding="utf-8")  # 16 characters
    code, _, err = jixiao(capsys, lang, "import", "--db", str(db), "entries", str(path))
    assert code == 2
    assert TOKEN[8:16] not in err
    assert err.splitlines()[1].startswith(
        f"  第 1 行：{SHOWN}：未知的列 '{SHOWN}'；" if lang is None
        else f"  row 1: {SHOWN}: unknown column '{SHOWN}'; ")


@pytest.mark.parametrize("lang", [None, "en"])
def test_a_real_row_keyed_as_the_example_is_refused_not_skipped(db, tmp_path, capsys,
                                                                lang):
    """示例 marks the template's example only with the rest of the template's row: a row of
    real data whose key is 示例 is refused, named, and nothing is recorded."""
    path = tmp_path / "e.csv"
    path.write_text(_sheet("entries", [{**GOOD["entries"], "idempotency_key": "示例"},
                                       {**GOOD["entries"], "minutes": "6"}]), encoding="utf-8")
    before = events(db)
    code, out, err = jixiao(capsys, lang, "import", "--db", str(db), "entries", str(path))
    assert code == 2, out
    assert err.splitlines()[1] == (
        "  第 2 行：幂等键(idempotency_key)：'示例' 只标记模板的示例行，而此行不是示例行"
        "（其他单元格不同）：请清空此单元格或填写自己的值" if lang is None else
        "  row 2: 幂等键(idempotency_key): '示例' marks only the template's example row, and "
        "this row is not it (its other cells differ): clear this cell or write your own value")
    assert "skipped" not in err
    assert "跳过" not in err
    assert events(db) == before


@pytest.mark.parametrize("lang", [None, "en"])
def test_kinds_and_missing_columns_are_named_in_the_readers_words(db, tmp_path, capsys,
                                                                  lang):
    template = tmp_path / "w.csv"
    jixiao(capsys, lang, "template", "withholding", "--output", str(template), "--format",
           "csv", "--db", str(db))
    code, _, err = jixiao(capsys, lang, "import", "--db", str(db), "pool", str(template))
    assert code == 2
    assert err.splitlines() == [
        "1 处问题；未写入任何内容：" if lang is None else "1 problem(s); nothing was written:",
        f"  {template}：表头属于 代扣代缴，不属于 本期绩效总额：请按 代扣代缴 导入"
        f"（jixiao import withholding {template}）" if lang is None else
        f"  {template}: the header is that of withholding, not of the period's pool: import "
        f"it as withholding (jixiao import withholding {template})"]
    path = tmp_path / "c.csv"
    path.write_text("期间,工号\n2026-Q1,li\n", encoding="utf-8")
    code, _, err = jixiao(capsys, lang, "import", "--db", str(db), "entries", str(path))
    assert code == 2
    assert err.splitlines()[1] == ("  第 1 行：类别(entry)：缺少必填列" if lang is None
                                   else "  row 1: 类别(entry): missing required column")


@pytest.mark.parametrize("lang", [None, "en"])
def test_personal_details_as_recorded_are_said_in_one_language(db, tmp_path, capsys,
                                                              lang):
    key = tmp_path / "master.key"
    assert jixiao(capsys, None, "keys", "master", "--output", str(key))[0] == 0
    path = tmp_path / "p.csv"
    path.write_text("工号,开户行\nli,某银行\n", encoding="utf-8")
    argv = ("import", "--db", str(db), "--key-file", str(key), "personal", str(path))
    assert jixiao(capsys, lang, *argv)[0] == 0
    code, out, _ = jixiao(capsys, lang, *argv)
    assert code == 0
    assert out.splitlines()[-1] == ("1 人的个人信息与已登记的相同，未重复写入" if lang is None
                                    else "1 person(s)' personal details as recorded already: "
                                    "not written again")


@pytest.mark.parametrize("lang", [None, "en"])
def test_the_example_re_saved_by_excel_is_still_the_example(db, tmp_path, capsys, lang):
    """Excel saves a CSV template's 30962.50 as 30962.5: the same number, the same example."""
    path = tmp_path / "pool.csv"
    path.write_text(_sheet("pool", [{"period": "2026-Q1", "amount_cny": "30962.5",
                                     "idempotency_key": "示例"}, GOOD["pool"]]),
                    encoding="utf-8")
    before = events(db)
    code, _, err = jixiao(capsys, lang, "import", "--db", str(db), "pool", str(path))
    assert code == 0, err
    assert ("第 2 行：模板的示例行，已跳过" if lang is None
            else "row 2: the template's example row, skipped") in err.splitlines()
    assert events(db) == before + 1


def test_an_amount_finer_than_the_fen_is_refused_in_chinese(db, tmp_path, capsys):
    """The ledger's money check (domain/money.py) is said in the reader's language too."""
    path = tmp_path / "w.csv"
    path.write_text(_sheet("withholding", [{**GOOD["withholding"], "tax_withheld_cny": "12.345"}]),
                    encoding="utf-8")
    code, _, err = jixiao(capsys, None, "import", "--db", str(db), "withholding", str(path))
    assert code == 2
    assert err.splitlines()[1] == ("  第 2 行：代扣个税(tax_withheld_cny)："
                                   "金额至多两位小数（到分）：'12.345'")
