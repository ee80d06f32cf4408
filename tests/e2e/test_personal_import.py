"""`jixiao import personal FILE`: bank name, account and ID number of people already on the
roster, from a workbook or a GBK CSV, on SQLite and PostgreSQL. Sealed per person as
`jixiao personal record` seals them; no value in an error, a warning, the events' plain
text, the errors copy or the rejected rows; the same content imported again (from another
format too) writes nothing; a wrong file writes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from builders import Cli, cli_for
from openpyxl import Workbook, load_workbook

FIXTURES = Path(__file__).parents[1] / "api" / "fixtures"
HEADER = ("工号", "姓名", "开户行", "银行账号", "身份证号")
# As a clerk types them in WPS: full-width digits and an ideographic space in the account,
# a lower-case x closing a valid (GB 11643) ID number.
ZHANG = ("zhang", "张三", "中国工商银行北京分行", "６２２２　０２１２ 3456 7812",
         "11010519491231002x")
LI = ("li", "李四", "中国银行", "6217000011112222", "")
SECRETS = ("6222021234567812", "６２２２　０２１２", "0212 3456", "6217000011112222",
           "11010519491231002", "1101051949")


def _keyed(store, tmp_path: Path) -> Cli:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    key = tmp_path / "master.key"
    cli.ok("keys", "master", "--output", str(key))
    cli = Cli({**cli.environ, "JIXIAO_MASTER_KEY_FILE": str(key)})
    cli.ok("apply", str(FIXTURES / "example1-setup.jsonl"))
    cli.ok("import", "roster", str(FIXTURES / "example1-roster.csv"))
    return cli


def _xlsx(path: Path, *rows: tuple[object, ...]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in (HEADER, *rows):
        sheet.append(list(row))
    workbook.save(path)
    return path


def _csv(path: Path, *rows: tuple[str, ...]) -> Path:
    lines = [",".join(row) for row in (HEADER, *rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


def _no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def test_details_are_sealed_normalised_and_not_written_twice(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _keyed(store, tmp_path)
    run = cli.ok("import", "personal", str(_xlsx(tmp_path / "p.xlsx", ZHANG, LI)), "--json")
    summary = run.json()
    assert (summary["recorded"], summary["unchanged"]) == (2, 0)
    assert summary["warning_count"] == 1
    assert "row 2" in summary["warnings"][0]
    assert "银行账号" in summary["warnings"][0]
    _no_secret(run.out + run.err)
    zhang = cli.ok("personal", "show", "--employee", "zhang", "--json").json()
    assert (zhang["bank_name"], zhang["bank_account"], zhang["id_number"]) == (
        "中国工商银行北京分行", "6222021234567812", "11010519491231002X")
    assert cli.ok("personal", "show", "--employee", "li", "--json").json()["id_number"] is None
    _no_secret(cli.ok("events", "--json", "--limit", "1000").out)
    count = cli.event_count()
    # The same content again, and re-saved as a GBK CSV: nothing written.
    again = cli.ok("import", "personal", str(_xlsx(tmp_path / "p.xlsx", ZHANG, LI)), "--json")
    assert (again.json()["recorded"], again.json()["unchanged"]) == (0, 2)
    gbk = cli.ok("import", "personal", str(_csv(tmp_path / "p.csv", ZHANG, LI)), "--json")
    assert (gbk.json()["encoding"], gbk.json()["recorded"]) == ("gb18030", 0)
    assert cli.event_count() == count
    # A changed account is written; the empty ID cell keeps what was recorded.
    moved = ("zhang", "张三", "中国建设银行", "6227000011110000", "")
    assert cli.ok("import", "personal", str(_csv(tmp_path / "m.csv", moved)),
                  "--json").json()["recorded"] == 1
    zhang = cli.ok("personal", "show", "--employee", "zhang", "--json").json()
    assert (zhang["bank_account"], zhang["id_number"]) == ("6227000011110000",
                                                          "11010519491231002X")


def test_a_wrong_file_writes_nothing_and_its_copies_are_masked(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _keyed(store, tmp_path)
    count = cli.event_count()
    mistyped = ("li", "李四", "中国银行", "6217000011112222", "110101199001011234")
    path = _xlsx(tmp_path / "bad.xlsx", ZHANG, mistyped, ("nobody", "", "", "6217000011112222", ""),
                 ("zhang", "张三", "", "6217000011112222", ""))
    errors = tmp_path / "errors.xlsx"
    run = cli("import", "personal", str(path), "--errors", str(errors))
    assert run.code == 2
    assert "row 3: 身份证号 (E): " in run.err
    assert "GB 11643" in run.err
    assert "row 4: 工号 (A): " in run.err
    assert "row 5: 工号 (A): " in run.err
    _no_secret(run.err + run.out)
    assert "110101199001011234" not in run.err
    assert cli.event_count() == count
    copy = "\n".join(str(v) for row in load_workbook(errors).active.iter_rows(values_only=True)
                     for v in row)
    _no_secret(copy)
    assert "6217 **** **** 2222" in copy
    assert "6222 **** **** 7812" in copy
    assert "110101199001011234" not in copy
    rejected = tmp_path / "rejected.xlsx"
    skipped = cli.ok("import", "personal", str(path), "--skip-bad", "--rejected", str(rejected),
                     "--json").json()
    assert skipped["recorded"] == 1  # zhang's first row
    assert sorted(p["where"] for p in skipped["rejected"]) == ["Sheet row 3", "Sheet row 4",
                                                                   "Sheet row 5"]
    kept = [row for row in load_workbook(rejected).active.iter_rows(values_only=True)]
    assert [row[0] for row in kept[1:]] == ["li", "nobody", "zhang"]
    _no_secret("\n".join(str(v) for row in kept for v in row))


def test_without_the_master_key_nothing_is_read(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(FIXTURES / "example1-setup.jsonl"))
    run = cli("import", "personal", str(_csv(tmp_path / "p.csv", LI)))
    assert run.code == 2
    assert "master key" in run.err
    _no_secret(run.err)


def test_a_refused_row_reads_in_one_language(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Each refusal of a row, and the refusal without the master key, in Chinese by
    default and in English under `--lang en`: the whole line, never both languages."""
    cli = _keyed(store, tmp_path)
    rounded = ("zhang", "张三", "中国银行", 6.217e18, "")  # a number cell: 15 digits kept
    dated = ("zhang", "张三", "", "", date(1980, 1, 1))  # a date typed in the ID cell
    path = _xlsx(tmp_path / "bad.xlsx", LI, rounded, dated, ("nobody", "", "中国银行", "", ""),
                 LI)
    lines = {
        "zh": ["4 处问题；未写入任何内容：",
               "  Sheet 第 3 行：银行账号 (D)：Excel 把这个长数字存成了数值，只保留 15 位有效数字，"
               "后几位已丢失：把该列设为“文本”格式后重新输入",
               "  Sheet 第 4 行：身份证号 (E)：应填写数字（文本格式），不能是日期或其他值",
               "  Sheet 第 5 行：工号 (A)：花名册中没有此工号：先导入花名册或核对工号",
               "  Sheet 第 6 行：工号 (A)：同一人在文件中出现两次（另见 Sheet 第 2 行），每人一行"],
        "en": ["4 problem(s); nothing was written:",
               "  Sheet row 3: 银行账号 (D): Excel stored this long number as a number cell, "
               "which keeps 15 significant digits: the last digits are lost; format the "
               "column as text and type the value again",
               "  Sheet row 4: 身份证号 (E): type the digits, as text: not a date or another "
               "value",
               "  Sheet row 5: 工号 (A): not on the roster: import the roster first or check "
               "the id",
               "  Sheet row 6: 工号 (A): the same person twice in the file (see also Sheet row "
               "2): one row a person"]}
    for lang, said in lines.items():
        run = cli("--lang", lang, "import", "personal", str(path))
        assert (run.code, run.err.splitlines()) == (2, said)
    keyless = Cli({k: v for k, v in cli.environ.items() if k != "JIXIAO_MASTER_KEY_FILE"})
    for lang, said in {
            "zh": "错误：导入个人信息需要主密钥加密：请给出 --key-file 或设置 "
                  "JIXIAO_MASTER_KEY_FILE",
            "en": "error: personal details are sealed with the master key: give --key-file "
                  "or set JIXIAO_MASTER_KEY_FILE"}.items():
        run = keyless("--lang", lang, "import", "personal", str(path))
        assert (run.code, run.err) == (2, said + "\n")
