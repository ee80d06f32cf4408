"""A roster's bank columns (开户行, 银行账号, 身份证号) through `jixiao import roster` and
`jixiao template roster`, on SQLite and PostgreSQL: sealed with each person's key in the
same all-or-nothing batch as the hires, never in the events' or errors' plain text, not
sealed again when unchanged, and refused without the master key."""

from __future__ import annotations

from pathlib import Path

from builders import Cli, cli_for
from openpyxl import load_workbook

SETUP = Path(__file__).parents[1] / "api" / "fixtures" / "example1-setup.jsonl"
ACCOUNT = "6222 0212 3456 7812"
ID_NUMBER = "43010219800101109x"
HEADER = "工号,姓名,科室,职称,入职日期,开户行,银行账号,身份证号"


def _roster(tmp_path: Path, *rows: str, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("gbk"))
    return path


def _keyed(store, tmp_path: Path) -> Cli:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    key = tmp_path / "master.key"
    cli.ok("keys", "master", "--output", str(key))
    cli = Cli({**cli.environ, "JIXIAO_MASTER_KEY_FILE": str(key)})
    cli.ok("apply", str(SETUP))
    return cli


def test_bank_columns_are_sealed_with_the_hires_and_not_twice(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _keyed(store, tmp_path)
    path = _roster(tmp_path, f"zhang,张三,internal,associate_senior,2020-01-01,中国工商银行,"
                             f"{ACCOUNT},{ID_NUMBER}",
                   "li,李四,internal,intermediate,2020-01-01,,,")
    run = cli.ok("import", "roster", str(path), "--json").json()
    assert run["encoding"] == "gb18030"
    assert run["recorded"] == 3  # two hires, one person's sealed details
    shown = cli.ok("personal", "show", "--employee", "zhang", "--json").json()
    assert (shown["bank_name"], shown["bank_account"], shown["id_number"]) == (
        "中国工商银行", ACCOUNT.replace(" ", ""), ID_NUMBER.upper())
    assert cli.ok("personal", "show", "--employee", "li", "--json").json()["state"] == "none"
    log = cli.ok("events", "--json", "--limit", "1000").out
    assert "PersonalDetailsRecorded" in log
    for secret in ("6222021234567812", "6222 0212", ID_NUMBER.upper(), "19800101", "工商"):
        assert secret not in log
    again = cli.ok("import", "roster", str(path), "--json").json()
    assert (again["recorded"], again["already_recorded"]) == (0, 2)
    # An ID number recorded apart stays when the roster leaves its cell empty.
    cli.ok("personal", "record", "--employee", "li", "--id-number", "110101199001011237")
    update = _roster(tmp_path, "li,李四,internal,intermediate,2020-01-01,中国银行,"
                               "6217000011112222,", name="update.csv")
    assert cli.ok("import", "roster", str(update), "--json").json()["recorded"] == 1
    li = cli.ok("personal", "show", "--employee", "li", "--json").json()
    assert (li["bank_account"], li["id_number"]) == ("6217000011112222", "110101199001011237")


def test_a_bad_account_refuses_the_roster_by_row_and_column_only(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = _keyed(store, tmp_path)
    before = len(cli.ok("events", "--json", "--limit", "1000").out.splitlines())
    path = _roster(tmp_path, "zhang,张三,internal,associate_senior,2020-01-01,中国工商银行,"
                             "6222-0212-99,",
                   "li,李四,internal,intermediate,2020-01-01,,,")
    run = cli("import", "roster", str(path))
    assert run.code == 2
    assert "row 2: 银行账号" in run.err
    assert "6222-0212-99" not in run.err
    assert len(cli.ok("events", "--json", "--limit", "1000").out.splitlines()) == before
    skipped = cli.ok("import", "roster", str(path), "--skip-bad", "--json").json()
    assert skipped["recorded"] == 1  # li; zhang's row is refused whole, hire and details
    assert [p["where"] for p in skipped["rejected"]] == ["row 2"]


def test_without_the_master_key_a_roster_with_bank_columns_is_refused(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(SETUP))
    before = cli.ok("events", "--json", "--limit", "1000").out
    path = _roster(tmp_path, f"zhang,张三,internal,associate_senior,2020-01-01,中国工商银行,"
                             f"{ACCOUNT},")
    for lang, said in {  # in one language at a time
            "zh": "错误：花名册含开户行、银行账号或身份证号，需要主密钥加密：请给出 --key-file "
                  "或设置 JIXIAO_MASTER_KEY_FILE",
            "en": "error: the roster holds bank names, bank accounts or ID numbers, which are "
                  "sealed with the master key: give --key-file or set JIXIAO_MASTER_KEY_FILE"
    }.items():
        run = cli("--lang", lang, "import", "roster", str(path))
        assert (run.code, run.err) == (2, said + "\n")
    assert cli.ok("events", "--json", "--limit", "1000").out == before
    plain = _roster(tmp_path, "zhang,张三,internal,associate_senior,2020-01-01,,,",
                    name="plain.csv")
    assert cli.ok("import", "roster", str(plain), "--json").json()["recorded"] == 1


def test_the_roster_template_has_the_bank_columns_as_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = Cli({"PATH": "/usr/bin:/bin"})  # no ledger: the shipped scheme's lists
    out = tmp_path / "roster.xlsx"
    cli.ok("template", "roster", "--output", str(out))
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    for label in ("开户行(bank_name)", "银行账号(bank_account)", "身份证号(id_number)"):
        assert label in header
    account = header.index("银行账号(bank_account)") + 1
    assert sheet.cell(2, account).number_format == "@"
    assert isinstance(sheet.cell(2, account).value, str)  # not a rounded number
