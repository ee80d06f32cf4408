"""`jixiao import personal FILE`: bank name, account and ID number of people already on the
roster, from a workbook or a GBK CSV, on SQLite and PostgreSQL. Sealed per person as
`jixiao personal record` seals them; no value in an error, a warning, the events' plain
text, the errors copy or the rejected rows; the same content imported again (from another
format too) writes nothing; a wrong file writes nothing."""

from __future__ import annotations

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


def _xlsx(path: Path, *rows: tuple[str, ...]) -> Path:
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
