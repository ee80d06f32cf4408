"""A grading scheme's pay lines as named figures (issue 15, item 1), through `grades
--json --figures` on SQLite and PostgreSQL: E4's county 70/30 hold-back (004-S2-R8) gives
the immediate share, each of the twelve monthly instalments and each held tranche by name,
the same numbers as the report's pay parts, and every name is in docs/figures.md."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from builders import cli_for
from gradebook import FIXTURES, subjects

DOC = Path(__file__).resolve().parents[2] / "docs" / "figures.md"
LINE = "pay:subsidy_performance_pay"


def test_the_hold_backs_monthly_tranches_are_named_figures(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(FIXTURES / "e4" / "dongkou.jsonl"))
    plain = subjects(cli.ok("grades", "--period", "2025", "--json").json(), "annual")["centre"]
    report = cli.ok("grades", "--period", "2025", "--json", "--figures").json()
    centre = subjects(report, "annual")["centre"]
    figures = centre["figures"]
    pay = next(p for p in centre["pay"] if p["id"] == "subsidy_performance_pay")
    immediate, *tranches = [p for p in pay["parts"] if "instalments" in p or "grade" in p]
    instalments = [figures[f"{LINE}:instalment:{n:02d}"] for n in range(1, 13)]
    assert instalments == immediate["instalments"]
    assert f"{LINE}:instalment:13" not in figures
    assert sum(map(Decimal, instalments)) == Decimal(figures[f"{LINE}:immediate"]) == \
        Decimal(immediate["amount"])
    for n, part in enumerate(tranches, start=1):
        assert (figures[f"{LINE}:tranche:{n}:held"], figures[f"{LINE}:tranche:{n}:rate"],
                figures[f"{LINE}:tranche:{n}:paid"], figures[f"{LINE}:tranche:{n}:withheld"]) \
            == (part["held"], part["rate"], part["amount"], part["withheld"])
    assert (figures[f"{LINE}:paid"], figures[f"{LINE}:withheld"], figures[f"{LINE}:base"]) == (
        pay["paid"], pay["withheld"], pay["base"])
    # Opt-in: without --figures the subject's map is the scheme's own figures, as before.
    assert not any(name.startswith("pay:") for name in plain["figures"])
    documented = DOC.read_text(encoding="utf-8")
    for name in figures:
        if name.startswith("pay:"):
            pattern = re.sub(r":instalment:\d\d$", ":instalment:01", name)
            pattern = re.sub(r":tranche:(\d+):\w+$", r":tranche:\1:held", pattern)
            pattern = re.sub(r":(withheld|base)$", ":paid", pattern)
            assert f"`{pattern}" in documented, name


def test_monthly_instalments_of_an_amount_not_divisible_by_twelve(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """1 000 000 under 004-S2-R8: 70 % is 700 000, ÷ 12 = 58 333.33… a month. The exact
    share and the exact monthly amount are figures; each instalment is rounded once, by
    largest remainder, so the twelve sum to 700 000.00 exactly (4 fen go to the first
    four months, ties to the earlier month), and with the two held halves to the base."""
    rows = [line.replace('"1200000.00"', '"1000000.00"') for line in
            (FIXTURES / "e4" / "dongkou.jsonl").read_text(encoding="utf-8").splitlines()]
    fixture = tmp_path / "dongkou-1m.jsonl"
    fixture.write_text("\n".join(rows) + "\n", encoding="utf-8")
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(fixture))
    report = cli.ok("grades", "--period", "2025", "--json", "--figures").json()
    figures = subjects(report, "annual")["centre"]["figures"]
    assert (figures[f"{LINE}:immediate:exact"], figures[f"{LINE}:instalment:exact"]) == (
        "700000", "175000/3")
    instalments = [figures[f"{LINE}:instalment:{n:02d}"] for n in range(1, 13)]
    assert instalments == ["58333.34"] * 4 + ["58333.33"] * 8
    assert sum(map(Decimal, instalments)) == Decimal(figures[f"{LINE}:immediate"]) == \
        Decimal("700000.00")
    held = [Decimal(figures[f"{LINE}:tranche:{n}:held"]) for n in (1, 2)]
    assert held == [Decimal("150000.00")] * 2
    assert sum(held) + sum(map(Decimal, instalments)) == Decimal(figures[f"{LINE}:base"])
    documented = DOC.read_text(encoding="utf-8")
    assert f"`{LINE}:immediate:exact`, `{LINE}:instalment:exact`" in documented
