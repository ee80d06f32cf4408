"""An import's refusal as a person reads it (issue 13): the place (第 3 行, 分数 第 3 行),
the reasons on the terminal, in the rejected-rows file and in the errors workbook's
comments, pydantic's own texts included, are Chinese by default; `--lang en` keeps them
English. Through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from api.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
ROSTER = ("工号,姓名,科室,职称,入职日期\n"
          "zhang,张,internal,associate_senior,2020-01-01\n"
          "li,李,internal,intermediate,2020-01-01\n")
BAD_ENTRIES = ("期间,工号,类别,项目,分钟,分值\n"
               "2026-Q1,zhang,score,quantity,,40\n"
               "2026-Q1,zhao,deduction,late,40,\n")  # row 3: nobody called zhao


@pytest.fixture(autouse=True)
def _sqlite_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PERSISTENCE_MODULE", "JIXIAO_DB", "JIXIAO_PROGRESS", "JIXIAO_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JIXIAO_ACTOR", "test:sheets")


def jixiao(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def ward(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "ledger.db"
    code, _, err = jixiao(capsys, "apply", "--db", str(db), str(FIXTURES / "example1-setup.jsonl"))
    assert code == 0, err
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    code, _, err = jixiao(capsys, "import", "--db", str(db), "roster", str(roster))
    assert code == 0, err
    return db


@pytest.mark.parametrize("lang", [None, "en"])
def test_a_gbk_csvs_refused_rows_read_in_the_readers_language(tmp_path, capsys, lang):
    db = ward(tmp_path, capsys)
    path = tmp_path / "entries.csv"
    path.write_bytes(BAD_ENTRIES.encode("gbk"))
    rejected, errors = tmp_path / "rejected.csv", tmp_path / "errors.xlsx"
    code, _, err = jixiao(capsys, *(["--lang", lang] if lang else []), "import", "--db",
                          str(db), "--skip-bad", "--rejected", str(rejected), "--errors",
                          str(errors), "entries", str(path))
    assert code == 0, err
    reason = rejected.read_bytes().decode("gbk").splitlines()[1].split(",")[-1]
    comment = load_workbook(errors).active["B3"].comment.text  # type: ignore[union-attr]
    if lang == "en":
        assert "1 row(s) refused, not imported:" in err
        assert "row 3: 工号: unknown employee 'zhao'; hire them first" in err
        assert reason == "工号: unknown employee 'zhao'; hire them first"
        assert comment == "Error: unknown employee 'zhao'; hire them first"
    else:
        assert "1 行被拒绝，未导入：" in err
        assert "第 3 行：工号：未知员工 'zhao'；请先录用该员工" in err
        assert "row 3" not in err
        assert reason.startswith("工号: 未知员工 'zhao'；请先录用该员工")
        assert comment.startswith("错误：未知员工 'zhao'；请先录用该员工")


def test_a_workbooks_sheet_row_and_pydantics_text_read_in_chinese(tmp_path, capsys):
    db = ward(tmp_path, capsys)
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "名单"
    ws.append(["工号", "姓名", "科室", "职称", "入职日期"])
    ws.append(["wang", "王", "internal", "practitioner", "2026-02-30"])  # no 30 February
    path = tmp_path / "roster.xlsx"
    book.save(path)
    errors = tmp_path / "errors.xlsx"
    code, out, err = jixiao(capsys, "import", "--db", str(db), "--errors", str(errors),
                            "roster", str(path))
    assert code == 2
    assert out == ""
    assert "名单 第 2 行：入职日期 (E)：应为日期：'2026-02-30' 不是日历上存在的日期" in err
    assert "Input should" not in err
    comment = load_workbook(errors)["名单"]["E2"].comment
    assert comment is not None
    assert comment.text == "错误：应为日期：'2026-02-30' 不是日历上存在的日期"


def test_a_mistyped_import_kind_reads_in_chinese(tmp_path, capsys):
    code, _, err = jixiao(capsys, "import", "--db", str(tmp_path / "x.db"), "entires", "f.csv")
    assert code == 2
    assert "'kind' 的值无效：'entires' 不是以下之一：'roster', 'entries', 'withholding'" in err
