"""The period's setup from spreadsheets (`jixiao import departments|pool|figures`): a
ward defined, its quarter's pool and figures recorded, each imported twice (the second
time writes nothing), and a bad row refused by row, column and reason with nothing
written: in Chinese by default, in English under `--lang en`, never both at once.
In-process CLI on a fresh SQLite ledger."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from api.storage.session import store_env
from domain.application import Ledger

SCHEME = Path(__file__).parents[2] / "domain" / "schemes" / "xinghe-county-hospital.yaml"
WARD = "科室编号,科室名称,类型,行政类别,风险系数,生效日期\nward,内科,临床,,1,2026-01-01\n"
OFFICE_BAD = "科室编号,科室名称,类型,行政类别,风险系数,生效日期\noffice,院办,行政,,,2026-01-01\n"
POOL = "期间,绩效总额,医疗收入\n2026-Q1,30962.50,\n"
POOL_BAD = "期间,绩效总额,医疗收入\n2026-Q2,100,200\n"
FIGURES = ("期间,科室,基础工作量,实际工作量,医疗收入,全成本\n"
           "2026-Q1,内科 (ward),1000,1000,100000.00,100000.00\n")
FIGURES_BAD = ("期间,科室,基础工作量,实际工作量,医疗收入,全成本\n"
               "2026-Q2,ward,1000,1000,100000.00,0\n")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("PERSISTENCE_MODULE", "JIXIAO_DB", "JIXIAO_PROGRESS", "JIXIAO_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JIXIAO_ACTOR", "test:setup")
    path = tmp_path / "j.db"
    assert main(["init", "--db", str(path)]) == 0
    assert main(["scheme", "adopt", str(SCHEME), "--effective", "2026-01-01",
                 "--db", str(path)]) == 0
    return path


def _events(db: Path) -> int:
    with Ledger(store_env(str(db), environ={})) as ledger:
        return ledger.max_position()


def _import(capsys: pytest.CaptureFixture[str], db: Path, kind: str, content: str,
            tmp_path: Path, *, lang: str = "zh") -> tuple[int, str]:
    sheet = tmp_path / f"{kind}.csv"
    sheet.write_bytes(content.encode("gbk"))  # as a Chinese Windows saves it
    capsys.readouterr()
    code = main(["--lang", lang, "import", kind, str(sheet), "--db", str(db)])
    out, err = capsys.readouterr()
    return code, out + err


def _recorded(db: Path, capsys: pytest.CaptureFixture[str], kind: str) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["events", "--db", str(db), "--json"]) == 0
    return [e for line in capsys.readouterr().out.splitlines()
            if (e := json.loads(line)).get("type") == kind]


def _once_then_nothing(capsys: pytest.CaptureFixture[str], db: Path, kind: str,
                       content: str, tmp_path: Path) -> None:
    before = _events(db)
    code, said = _import(capsys, db, kind, content, tmp_path)
    assert code == 0, said
    assert _events(db) == before + 1
    code, said = _import(capsys, db, kind, content, tmp_path)
    assert code == 0, said
    assert "1 条此前已导入" in said
    assert _events(db) == before + 1


def _refused(capsys: pytest.CaptureFixture[str], db: Path, kind: str, content: str,
             tmp_path: Path, *, column: str, reason: str, english: str) -> None:
    """The row's whole line, in each language: the column as the file names it."""
    before = _events(db)
    code, said = _import(capsys, db, kind, content, tmp_path)
    assert code == 2
    assert f"  第 2 行：{column}：{reason}" in said.splitlines()
    code, said = _import(capsys, db, kind, content, tmp_path, lang="en")
    assert code == 2
    assert f"  row 2: {column}: {english}" in said.splitlines()
    assert _events(db) == before


def _one(db: Path, capsys: pytest.CaptureFixture[str], event: str) -> dict[str, object]:
    (found,) = _recorded(db, capsys, event)
    return found


def test_a_ward_is_defined_from_a_sheet(capsys, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _once_then_nothing(capsys, db, "departments", WARD, tmp_path)
    ward = _one(db, capsys, "DepartmentDefined")
    assert (ward["department_id"], ward["name"], ward["kind"], ward["effective_on"]) == (
        "ward", "内科", "clinical", "2026-01-01")  # 临床 read as its code
    _refused(capsys, db, "departments", OFFICE_BAD, tmp_path, column="行政类别",
             reason="行政科室须填行政类别 1、2 或 3",
             english="an admin department needs admin_class 1, 2 or 3")
    _refused(capsys, db, "departments", WARD.replace(",临床,,", ",临床,2,"), tmp_path,
             column="行政类别", reason="临床科室不填行政类别和行政岗位",
             english="a clinical department takes no admin_class or admin_role")


def test_a_quarters_pool_is_declared_from_a_sheet(capsys, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _once_then_nothing(capsys, db, "pool", POOL, tmp_path)
    assert _one(db, capsys, "PoolDeclared")["amount_cny"] == "30962.50"
    _refused(capsys, db, "pool", POOL_BAD, tmp_path, column="绩效总额",
             reason="绩效总额与医疗收入须且只能填一项",
             english="give exactly one of medical_revenue_cny or amount_cny")


def test_a_wards_figures_are_recorded_from_a_sheet(capsys, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import(capsys, db, "departments", WARD, tmp_path)
    _once_then_nothing(capsys, db, "figures", FIGURES, tmp_path)
    figures = _one(db, capsys, "DepartmentFiguresRecorded")
    assert (figures["department_id"], figures["workload_actual"], figures["full_cost_cny"]) == (
        "ward", "1000", "100000.00")  # the drop-down's 「内科 (ward)」 read as its code
    _refused(capsys, db, "figures", FIGURES_BAD, tmp_path, column="全成本", reason="须大于零",
             english="must be greater than zero")
    unknown = FIGURES.replace("内科 (ward)", "icu")
    _refused(capsys, db, "figures", unknown, tmp_path, column="科室",
             reason="未知科室 'icu'；请先定义该科室",
             english="unknown department 'icu'; define it first")
