"""An appeal whose review deadline runs into a year no holiday calendar knows yet (each
December, until the State Council's notice for the next year is recorded): the list of
appeals still answers, names that deadline as not countable and why, and counts it once
the notice is recorded. It once failed as a whole, and with it every reviewer's home page."""

from __future__ import annotations

import re
from typing import Any

from builders import GOLDEN, Cli, cli_for


def test_a_deadline_in_an_unknown_year_is_named_not_fatal(store: Any) -> None:
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    cli.ok("appeal", "file", "--appeal-id", "A-dec", "--grounds", "漏记", "--employee", "li",
           "--line", "2026-Q1", "li", "--received-on", "2026-12-04", "--filed-on", "2026-12-04")
    [row] = cli.ok("appeal", "list", "--json").json()["appeals"]
    assert row["review_deadline"] is None
    # data: English in every language, worded where it is shown
    assert "The statutory holiday calendar for 2027 is not known" in row["deadline_unknown"]
    zh = Cli(cli.environ, lang=None).ok("appeal", "show", "A-dec").out
    assert "2027 年的法定节假日安排尚未录入，无法按工作日计算" in zh
    assert not re.search(r"statutory|calendar for|deadline_unknown", zh)
    en = cli.ok("appeal", "show", "A-dec").out
    assert "deadline unknown: The statutory holiday calendar for 2027 is not known" in en
    assert not re.search(r"[\u4e00-\u9fff]", en.replace("漏记", ""))
    cli.ok("calendar", "record-notice", "--year", "2027", "--notice", "测试用通知",
           "--holiday", "2027-01-01")
    [row] = cli.ok("appeal", "list", "--json").json()["appeals"]
    assert row["review_deadline"].startswith("2027-")
    assert "deadline_unknown" not in row
