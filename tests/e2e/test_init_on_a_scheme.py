"""`jixiao init --scheme NAME` (issue 16, item 3), on SQLite and PostgreSQL: a ledger
starts on a chosen shipped scheme; a mistyped name creates nothing and names the nearest."""

from __future__ import annotations

import json
from pathlib import Path

from builders import Cli, cli_for

FIXTURES = Path(__file__).parents[1] / "grades" / "fixtures"


def test_init_starts_the_ledger_on_the_chosen_scheme(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    run = cli.ok("init", "--organisation", "某销售公司", "--scheme", "salesperson-pay")
    assert "salesperson-pay" in run.out
    events = [json.loads(line) for line in cli.ok("events", "--json").out.splitlines()]
    assert [e["type"] for e in events] == ["LedgerConfigured", "CloseApprovalSet", "SchemeAdopted"]
    adopted = events[2]
    assert (adopted["scheme_id"], adopted["effective_from"]) == ("salesperson-pay", "2025-01-01")
    # The worked example without its own adoption: the scheme is already in force.
    lines = (FIXTURES / "example-8" / "year-end.jsonl").read_text(encoding="utf-8").splitlines()
    facts = [line for line in lines if line.startswith("{") and "adopt_scheme" not in line]
    (tmp_path / "facts.jsonl").write_text("\n".join(facts) + "\n", encoding="utf-8")
    cli.ok("apply", str(tmp_path / "facts.jsonl"))
    report = cli.ok("grades", "--period", "2025", "--json").json()
    [year_end] = [p for p in report["pipelines"] if p["name"] == "year_end"]
    paid = {s["subject_id"]: s["pay"][0]["paid"] for s in year_end["subjects"]}
    assert paid["E4"] == "1800.00"


def test_init_refuses_an_unknown_scheme_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    run = Cli({"JIXIAO_ACTOR": "test"})("init", "--db", str(path), "--scheme", "salesperson-payy")
    assert run.code == 2
    assert "did you mean salesperson-pay" in run.err
    run = Cli({"JIXIAO_ACTOR": "test"}, lang=None)("init", "--db", str(path), "--scheme",
                                                   "salesperson-payy")  # the default
    assert run.err.startswith("错误：--scheme：没有名为 'salesperson-payy' 的内置方案。是不是"
                              "「salesperson-pay」？内置方案：")
    assert not path.exists()
