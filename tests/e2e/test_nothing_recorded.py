"""The clerk's walk of issue 13 found a person paid for a quarter in which nothing was
recorded for them (the demo's E9002 in 2026-Q2). Scheme 11 pays that by its own words:
the individual score is the title points plus the items' base points (quantity 40,
quality, ethics and discipline 10 each) less deductions and absence (S11-R32…R42,
002_db447562deed9801.txt:L969-L1011), and a person without an attendance record lost no
days. The explanation says which parts stood at their base because nothing was entered,
and the close names whoever is paid so."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from builders import GOLDEN, by_id, cli_for

# S11-R34 (L979-L993): 中级 45; S11-R36/R37/R39/R41 (L997-L1007): 40 + 10 + 10 + 10.
INTERMEDIATE_WITH_BASES = Decimal(45 + 40 + 10 + 10 + 10)


def test_nothing_recorded_pays_title_and_base_points(sqlite_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for("sqlite", sqlite_env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    hire = tmp_path / "hire.jsonl"
    hire.write_text(json.dumps({"type": "hire_employee", "employee_id": "zhao", "name": "Zhao",
                                "department_id": "internal", "title_grade": "intermediate",
                                "hired_on": "2026-01-01"}) + "\n")
    cli.ok("apply", str(hire))
    people = by_id(cli.payout("2026-Q1")["people"], "employee_id")
    assert Decimal(people["zhao"]["score"]) == INTERMEDIATE_WITH_BASES
    assert Decimal(people["zhao"]["total"]) > 0
    why = cli.ok("explain", "--period", "2026-Q1", "--employee", "zhao").out
    assert "base (nothing entered)" in why
    assert "no attendance record: full attendance assumed" in why
    assert "S11-R36" in why
    # The close says so before the quarter is frozen, naming only that person.
    closed = cli.ok("close", "--period", "2026-Q1").out
    assert "note: 1 person(s) paid with nothing recorded for the period" in closed
    assert closed.rstrip().endswith(": zhao")
