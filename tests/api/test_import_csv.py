"""CSV import (`jixiao import roster|entries`): the formats of docs/spreadsheets.md, end
to end through the real CLI into a fresh SQLite ledger."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml

from api.cli import main
from api.sheets.columns import kind_of
from api.sheets.readers import Source, open_sheet
from api.sheets.rows import read_commands
from api.storage.session import store_env
from domain.application import Ledger
from domain.errors import RejectedError

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parents[2]
SCHEME = REPO / "domain" / "schemes" / "xinghe-county-hospital.yaml"


@pytest.fixture(autouse=True)
def _sqlite_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI picks its store from the environment: make sure it is the --db file.
    for name in ("PERSISTENCE_MODULE", "JIXIAO_DB", "JIXIAO_PROGRESS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JIXIAO_ACTOR", "test:csv")
    monkeypatch.setenv("JIXIAO_LANG", "en")  # the assertions read the English texts


def read_csv_commands(kind: str, path: str) -> tuple[list[tuple[str, dict[str, object]]], str,
                                                      list[object]]:
    """The commands of a file by row, its digest, and the problems of the rows left out."""
    sheet = open_sheet(Source(path))
    read = read_commands(kind_of(kind), sheet)
    return [(where, command) for where, command, _ in read.rows], sheet.digest, read.problems


def write_csv_template(kind: str) -> str:
    """The English header line of a kind (every column it accepts)."""
    return ",".join(kind_of(kind).columns) + "\n"


def jixiao(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def event_count(db: Path) -> int:
    with Ledger(store_env(str(db), environ={})) as ledger:
        return ledger.max_position()


def ward(tmp_path: Path, capsys: pytest.CaptureFixture[str], *, roster: bool = False) -> Path:
    """A fresh ledger with worked example 1's scheme, ward, pool and figures (and its
    three people when `roster`)."""
    db = tmp_path / "ledger.db"
    code, _, err = jixiao(capsys, "apply", "--db", str(db), str(FIXTURES / "example1-setup.jsonl"))
    assert code == 0, err
    if roster:
        code, _, err = jixiao(capsys, "import", "--db", str(db), "roster",
                              str(FIXTURES / "example1-roster.csv"))
        assert code == 0, err
    return db


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ end to end


def test_worked_example_1_through_csv_pays_as_by_hand(tmp_path, capsys):
    db = ward(tmp_path, capsys)
    before = event_count(db)

    code, out, err = jixiao(capsys, "import", "--db", str(db), "roster",
                            str(FIXTURES / "example1-roster.csv"))
    assert (code, err) == (0, "")
    assert "imported 3 event(s)" in out
    code, out, err = jixiao(capsys, "import", "--db", str(db), "entries",
                            str(FIXTURES / "example1-entries.csv"))
    assert (code, err) == (0, "")
    assert "imported 13 event(s)" in out
    assert event_count(db) == before + 16

    # By hand, from the shipped scheme (seeds-002.md §4 example 1): title points (S11-R34)
    # + post points (S11-R35) + quantity 40 (S11-R36) + quality, ethics and discipline,
    # each 10 less its deductions, floored at 0 (S11-R37/R39/R41); then the attendance
    # deduction pre ÷ scheduled days × absence days (S11-R42); pay = pool ÷ Σ points.
    scheme = yaml.safe_load(SCHEME.read_text(encoding="utf-8"))
    title = {k: Decimal(str(v)) for k, v in scheme["title_points"].items()}
    post = {k: Decimal(str(v["points"])) for k, v in scheme["posts"].items()}
    assert (title["associate_senior"], title["intermediate"], title["practitioner"]) == (50, 45, 40)
    assert post["clinical_director"] == 3
    scheduled = Decimal(64)
    pre = {
        # error −2; late 6 and 29 minutes: −1 each
        "zhang": title["associate_senior"] + post["clinical_director"] + 40 + (10 - 2) + 10
                 + (10 - 1 - 1),
        # valid complaint: ethics all gone; late 40 minutes −2; 3 × left 10 minutes early −1
        "li": title["intermediate"] + 40 + 10 + 0 + (10 - 2 - 3 * 1),
        # accident: quality all gone
        "wang": title["practitioner"] + 40 + 0 + 10 + 10,
    }
    absent = {"zhang": Decimal(0), "li": Decimal(2), "wang": Decimal(4)}
    score = {who: pre[who] - pre[who] / scheduled * absent[who] for who in pre}
    assert score == {"zhang": 119, "li": Decimal("96.875"), "wang": Decimal("93.75")}
    pool = Decimal("30962.50")
    per_point = pool / sum(score.values())
    assert per_point == 100
    expected = {who: str((s * per_point).quantize(Decimal("0.01"), ROUND_HALF_UP))
                for who, s in score.items()}
    assert expected == {"zhang": "11900.00", "li": "9687.50", "wang": "9375.00"}

    code, out, err = jixiao(capsys, "payout", "--db", str(db), "--json", "--period", "2026-Q1")
    assert (code, err) == (0, "")
    statement = json.loads(out)
    people = {p["employee_id"]: p for p in statement["people"]}
    assert {who: p["pay"] for who, p in people.items()} == expected
    assert {who: Decimal(p["score"]) for who, p in people.items()} == score
    assert {p["name"] for p in people.values()} == {"张 Zhang", "李 Li", "王 Wang"}
    assert all(p["status"] == "paid" for p in people.values())
    assert statement["reconciliation"]["balance"] == "0.00"


def test_importing_the_same_files_twice_records_them_once(tmp_path, capsys):
    db = ward(tmp_path, capsys, roster=True)
    entries = str(FIXTURES / "example1-entries.csv")
    code, out, _ = jixiao(capsys, "import", "--db", str(db), "entries", entries)
    assert code == 0
    assert "imported 13 event(s)" in out
    after_first = event_count(db)

    code, out, err = jixiao(capsys, "import", "--db", str(db), "entries", entries)
    assert (code, err) == (0, "")
    assert "imported 0 event(s)" in out
    assert "13 already recorded" in out
    code, out, _ = jixiao(capsys, "import", "--db", str(db), "roster",
                          str(FIXTURES / "example1-roster.csv"))
    assert code == 0
    assert "imported 0 event(s)" in out
    assert "3 already recorded" in out
    assert event_count(db) == after_first

    # The keys come from the rows' normalised content, not the file; the pay is unchanged.
    code, out, _ = jixiao(capsys, "events", "--db", str(db), "--json", "--limit", "1000")
    keys = [json.loads(line).get("idempotency_key") for line in out.splitlines()]
    assert sum(1 for key in keys if key and key.startswith("sheet:")) == 16
    assert not any(key and key.startswith("file:") and "row" in key for key in keys)
    code, out, _ = jixiao(capsys, "payout", "--db", str(db), "--json", "--period", "2026-Q1")
    assert {p["employee_id"]: p["pay"] for p in json.loads(out)["people"]} == {
        "zhang": "11900.00", "li": "9687.50", "wang": "9375.00"}


def test_bad_rows_exit_2_name_row_and_column_and_write_nothing(tmp_path, capsys):
    db = ward(tmp_path, capsys, roster=True)
    before = event_count(db)
    bad = FIXTURES / "bad-entries.csv"
    # row 1: an unknown column `shift`; row 2 is fine; row 3: period 2026-Q5;
    # row 4: minutes -5; row 5: employee zhao was never hired; row 6: kind `tardy`.

    # One run names the file's problems and the ledger's alike.
    code, out, err = jixiao(capsys, "import", "--db", str(db), "entries", str(bad))
    assert code == 2
    assert out == ""
    assert "5 problem(s); nothing was written" in err
    assert "row 1: shift: unknown column 'shift'" in err
    assert "row 3: period: '2026-Q5' is not a period" in err
    assert "row 4: minutes: Input should be greater than or equal to 0" in err
    assert "row 5: employee_id: unknown employee 'zhao'; hire them first" in err
    assert "row 6: kind: unknown deduction kind 'tardy'; the scheme knows" in err
    assert event_count(db) == before

    # With the format problems fixed, the unknown employee and deduction kind are still
    # refused with their rows, and nothing is written (not even the good rows 2-4).
    lines = bad.read_text(encoding="utf-8").splitlines()
    fixed = [line.removesuffix(",shift").removesuffix(",") for line in lines]
    fixed[2] = fixed[2].replace("2026-Q5", "2026-Q1")
    fixed[3] = fixed[3].replace(",-5,", ",12,")
    second = write(tmp_path, "bad-entries-round-2.csv", "\n".join(fixed) + "\n")
    code, out, err = jixiao(capsys, "import", "--db", str(db), "entries", str(second))
    assert code == 2
    assert out == ""
    assert "2 problem(s); nothing was written" in err
    assert "row 5: employee_id: unknown employee 'zhao'; hire them first" in err
    assert "row 6: kind: unknown deduction kind 'tardy'; the scheme knows" in err
    assert event_count(db) == before

    # With those two rows gone the rest imports.
    third = write(tmp_path, "good.csv", "\n".join(fixed[:4]) + "\n")
    code, out, err = jixiao(capsys, "import", "--db", str(db), "entries", str(third))
    assert (code, err) == (0, "")
    assert event_count(db) == before + 3


def test_every_problem_of_a_file_is_reported_in_one_run(tmp_path, capsys):
    db = ward(tmp_path, capsys, roster=True)
    code, _, err = jixiao(capsys, "import", "--db", str(db), "entries",
                          str(FIXTURES / "bad-entries.csv"))
    assert code == 2
    for expected in ("row 1: shift:", "row 3: period:", "row 4: minutes:",
                     "row 5: employee_id:", "row 6: kind:"):
        assert expected in err


def test_roster_problems_name_rows_and_columns(tmp_path, capsys):
    db = ward(tmp_path, capsys)
    before = event_count(db)
    roster = write(tmp_path, "roster.csv", (
        "employee_id,name,department_id,title_grade,hired_on,probation_until\n"
        "zhang,Zhang,internal,associate_senior,2020-01-01,\n"
        "li,Li,internal,intermediate,2026-02-30,\n"       # no 30 February
        "wang,Wang,internal,practitioner,2026-03-01,2026-02-01\n"  # probation before hire
        "zhao,,internal,worker,2026-01-05,\n"              # no name
    ))
    code, _, err = jixiao(capsys, "import", "--db", str(db), "roster", str(roster))
    assert code == 2
    assert "3 problem(s); nothing was written" in err
    assert "row 3: hired_on: Input should be a valid date" in err
    assert "row 4: probation_until is before hired_on" in err
    assert "row 5: name: empty; required" in err
    assert event_count(db) == before

    roster = write(tmp_path, "roster2.csv", (
        "employee_id,name,department_id,title_grade,category,hired_on\n"
        "zhang,Zhang,surgery,associate_senior,,2020-01-01\n"    # no such department
        "li,Li,internal,professor,,2020-01-01\n"                # no such title grade
        "zhao,Zhao,internal,worker,temporary,2026-01-05\n"      # temporary needs a class
    ))
    code, _, err = jixiao(capsys, "import", "--db", str(db), "roster", str(roster))
    assert code == 2
    assert "row 2: department_id: unknown department 'surgery'" in err
    assert "row 3: title_grade: unknown title grade 'professor'" in err
    assert "row 4: 参与档次(participation_class): temporary staff take part as one of" in err
    assert event_count(db) == before


def test_values_reach_the_events_exact_and_typed(tmp_path, capsys):
    db = ward(tmp_path, capsys, roster=True)
    entries = write(tmp_path, "entries.csv", (
        "period,employee_id,entry,kind,count,minutes,points,scheduled_days,"
        "absence_sick,absence_other,reason,evidence_ref,idempotency_key\n"
        "2026-Q1,li,deduction,left_early,3,10,,,,,,,k-li-early\n"
        "2026-Q1,li,deduction,ethics_breach,,,1.25,,,,rude to a patient,IR-7,k-li-ethics\n"
        "2026-Q1,wang,attendance,,,,,63.5,0.5,2.25,,,k-wang-att\n"
    ))
    code, _, err = jixiao(capsys, "import", "--db", str(db), "entries", str(entries))
    assert (code, err) == (0, "")
    code, out, _ = jixiao(capsys, "events", "--db", str(db), "--json", "--limit", "3")
    events = {e["idempotency_key"]: e for e in map(json.loads, out.splitlines())}
    early = events["k-li-early"]
    assert (early["type"], early["count"], early["minutes"]) == ("DeductionRecorded", 3, 10)
    assert early["points"] is None
    ethics = events["k-li-ethics"]
    assert (ethics["points"], ethics["reason"], ethics["evidence_ref"]) == (
        "1.25", "rude to a patient", "IR-7")
    attendance = events["k-wang-att"]
    assert attendance["scheduled_days"] == "63.5"
    assert attendance["absence_days"] == {"sick": "0.5", "other": "2.25"}


# ------------------------------------------------------------------ the reader


def test_templates_are_the_documented_headers():
    assert write_csv_template("roster") == (
        "employee_id,name,department_id,title_grade,post,category,participation_class,"
        "hired_on,probation_until,bank_name,bank_account,id_number,idempotency_key\n")
    assert write_csv_template("entries") == (
        "period,employee_id,entry,kind,count,minutes,points,scheduled_days,absence_sick,"
        "absence_maternity,absence_personal,absence_other,reason,evidence_ref,"
        "idempotency_key\n")
    doc = (REPO / "docs" / "spreadsheets.md").read_text(encoding="utf-8")
    for kind in ("roster", "entries"):
        assert write_csv_template(kind) in doc
        for column in write_csv_template(kind).strip().split(","):
            assert f"| `{column}` |" in doc, column


def test_docs_list_the_shipped_schemes_values():
    doc = (REPO / "docs" / "spreadsheets.md").read_text(encoding="utf-8")
    scheme = yaml.safe_load(SCHEME.read_text(encoding="utf-8"))
    names = [*scheme["title_points"], *scheme["posts"], *scheme["deductions"],
             *scheme["participation"]["ratios"], "lump_sum",
             *(c for classes in scheme["participation"]["ratios"].values() for c in classes),
             *(item for item, rule in scheme["items"].items() if rule.get("entered"))]
    missing = [name for name in names if f"`{name}`" not in doc]
    assert missing == []


def test_docs_examples_are_the_fixtures_and_read(tmp_path):
    doc = (REPO / "docs" / "spreadsheets.md").read_text(encoding="utf-8")
    for name in ("example1-roster.csv", "example1-entries.csv"):
        text = (FIXTURES / name).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        assert f"```csv\n{text}```" in doc, name
    for number, block in enumerate(re.findall(r"```csv\n(.*?)```", doc, flags=re.S)):
        kind = "roster" if block.startswith("employee_id,name,") else "entries"
        rows, _, problems = read_csv_commands(kind, str(write(tmp_path, f"doc{number}.csv", block)))
        assert rows
        assert not problems


def test_commands_keep_strings_omit_empty_cells_and_number_rows_from_the_header(tmp_path):
    path = FIXTURES / "example1-roster.csv"
    rows, digest, _ = read_csv_commands("roster", str(path))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, and CRLF line ends
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    assert rows[0] == ("row 2", {
        "type": "hire_employee", "employee_id": "zhang", "name": "张 Zhang",
        "department_id": "internal", "title_grade": "associate_senior",
        "post": "clinical_director", "hired_on": "2020-01-01"})
    assert [where for where, _ in rows] == ["row 2", "row 3", "row 4"]

    rows, _, _ = read_csv_commands("entries", str(FIXTURES / "example1-entries.csv"))
    by_row = dict(rows)
    assert by_row["row 2"] == {"type": "record_score", "period": "2026-Q1",
                               "employee_id": "zhang", "item": "quantity", "points": "40"}
    assert by_row["row 10"] == {"type": "record_deduction", "period": "2026-Q1",
                                "employee_id": "li", "kind": "left_early", "count": "3",
                                "minutes": "10"}
    assert by_row["row 13"] == {"type": "record_attendance", "period": "2026-Q1",
                                "employee_id": "li", "scheduled_days": "64",
                                "absence_days": {"other": "2"}}
    assert by_row["row 8"]["reason"] == "verified patient complaint, ward round"

    # A quoted cell over two lines: the next row is named by the line it starts on;
    # blank lines are skipped but counted.
    path = write(tmp_path, "multi.csv", (
        "period,employee_id,entry,kind,reason\n"
        '2026-Q1,zhang,deduction,error,"first line\nsecond line"\n'
        "\n"
        "2026-Q1,li,deduction,error,\n"
    ))
    rows, _, _ = read_csv_commands("entries", str(path))
    assert [where for where, _ in rows] == ["row 2", "row 5"]
    assert rows[0][1]["reason"] == "first line\nsecond line"


def problems_of(kind: str, path: Path) -> list[str]:
    """The problems of a file: raised for an unreadable one, returned for the rest."""
    try:
        _, _, problems = read_csv_commands(kind, str(path))
    except RejectedError as error:
        problems = list(error.problems)
    assert problems
    return [str(problem) for problem in problems]


def test_structural_problems_are_all_collected(tmp_path):
    path = write(tmp_path, "entries.csv", (
        "period,employee_id,entry,kind,points,minutes,minutes_late,idempotency_key\n"
        "2026-Q1,zhang,score,quantity,40,,,k1\n"
        "2026-Q1,zhang,bonus,quantity,40,,,k2\n"          # unknown entry
        "2026-Q1,li,score,quantity,40,5,,k3\n"            # minutes on a score
        "2026-Q1,li,deduction,late,,12\n"                 # too few cells
        "2026-Q1,wang,score,,,,,k1\n"                     # no item, no points, key reused
        "2026-Q1,wang,,late,,12,,k6\n"                    # no entry
    ))
    assert problems_of("entries", path) == [
        "row 1: minutes_…: unknown column 'minutes_…'; the columns are: 期间(period), "
        "工号(employee_id), 类别(entry), 项目(kind), 次数(count), 分钟(minutes), 分值(points), "
        "应出勤天数(scheduled_days), 病假天数(absence_sick), 产假天数(absence_maternity), "
        "事假天数(absence_personal), 其他缺勤天数(absence_other), 原因(reason), "
        "备注(evidence_ref), 幂等键(idempotency_key)",
        "row 3: entry: unknown entry 'bonus'; write one of: deduction, score, attendance",
        "row 4: minutes: not used by a score entry; leave it empty",
        "row 5: 6 cell(s), but the header has 8 column(s): check for extra or missing "
        "commas and unclosed quotes",
        "row 6: idempotency_key: the key is already that of row 2; each row needs its own",
        "row 6: kind: empty; a score entry needs it",
        "row 6: points: empty; a score entry needs it",
        "row 7: entry: empty; write one of: deduction, score, attendance",
    ]


def test_missing_and_repeated_columns_are_named(tmp_path):
    path = write(tmp_path, "roster.csv", (
        "employee_id,name,title_grade,post,post,\n"
        "zhang,Zhang,senior,staff,staff,\n"
    ))
    assert problems_of("roster", path) == [
        "row 1: post: the column appears twice",
        "row 1: column 6: the column has no name; delete the empty column",
        "row 1: 科室(department_id): missing required column",
        "row 1: 入职日期(hired_on): missing required column",
    ]
    path = write(tmp_path, "semicolons.csv", "period;employee_id;entry\n2026-Q1;li;score\n")
    found = problems_of("entries", path)
    assert "comma-separated, not by ';' or tabs" in found[0]
    assert found[1:] == [f"row 1: {name}: missing required column"
                         for name in ("期间(period)", "工号(employee_id)", "类别(entry)")]


def test_undecodable_empty_and_absent_files(tmp_path, capsys):
    # Bytes that are neither UTF-8 nor GB18030 (0xff is a lead byte of neither).
    gbk = tmp_path / "binary.csv"
    gbk.write_bytes("employee_id,name,department_id,title_grade,hired_on\n"
                    "zhang,张三,internal,senior,2020-01-01\n".encode("gb18030") + b"\xff\n")
    (problem,) = problems_of("roster", gbk)
    assert "neither UTF-8 nor GB18030" in problem
    assert "CSV UTF-8" in problem

    empty = write(tmp_path, "empty.csv", "\n\n")
    (problem,) = problems_of("roster", empty)
    assert problem.startswith("row 1: the file is empty")

    header_only = write(tmp_path, "header.csv", write_csv_template("entries"))
    assert read_csv_commands("entries", str(header_only))[0] == []

    db = tmp_path / "ledger.db"
    code, _, err = jixiao(capsys, "import", "--db", str(db), "roster", str(gbk))
    assert code == 2
    assert "nothing was written" in err
    code, _, err = jixiao(capsys, "import", "--db", str(db), "roster",
                          str(tmp_path / "nowhere.csv"))
    assert code == 3
    assert "no file" in err


def test_unclosed_quote_is_reported_where_it_starts(tmp_path):
    path = write(tmp_path, "quote.csv", (
        "period,employee_id,entry,kind,reason\n"
        "2026-Q1,zhang,deduction,error,fine\n"
        '2026-Q1,li,deduction,error,"never closed\n'
        "2026-Q1,wang,deduction,error,\n"
    ))
    (problem,) = problems_of("entries", path)
    assert problem.startswith("row 3: not readable as CSV")
