"""Scheme versions through the CLI: a new version takes effect from its date, leaves the
periods before it as they were, can be tried as a what-if, and shows in a diff."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from builders import GOLDEN, Cli, by_id, cli_for

SCHEME_FILE = Path(__file__).parents[2] / "domain" / "schemes" / "xinghe-county-hospital.yaml"
# The shipped version the golden ledgers adopt; the tests add the next two on top of it.
SHIPPED = yaml.safe_load(SCHEME_FILE.read_text(encoding="utf-8"))["version"]
PERIODS = ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1")  # 2026-YE has no targets


def _version(version: int, effective_from: str, floor_per_head_cny: str) -> dict[str, Any]:
    document = yaml.safe_load(SCHEME_FILE.read_text(encoding="utf-8"))
    document["version"] = version
    document["effective_from"] = effective_from
    document["floor"]["amount_per_head_cny"] = floor_per_head_cny
    return document


def _write_adoption(path: Path, document: dict[str, Any], key: str) -> Path:
    command = {"type": "adopt_scheme", "document": document, "idempotency_key": key,
               "reason": f"floor raised to {document['floor']['amount_per_head_cny']} per head"}
    path.write_text(json.dumps(command, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _event_count(cli: Cli) -> int:
    return len(cli.ok("events", "--json", "--limit", "100000").out.splitlines())


def _icu(statement: dict[str, Any]) -> dict[str, Any]:
    return by_id(statement["departments"], "department_id")["icu"]


def _adopt_version_2(store, tmp_path: Path) -> tuple[Cli, dict[str, str], str]:  # type: ignore[no-untyped-def]
    """Worked example 3 under version 1, then version 2 (floor 800 from 2026-07-01):
    (the CLI, the payouts before, an instant between the two applies)."""
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    before = {period: cli.ok("payout", "--period", period, "--json").out for period in PERIODS}
    assert _icu(json.loads(before["2026-Q4"]))["floor"] == "2400.00"  # 600 × 4 as shipped
    time.sleep(0.01)
    before_v2 = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    cli.ok("apply", str(_write_adoption(
        tmp_path / "v2.jsonl", _version(SHIPPED + 1, "2026-07-01", "800.00"), "scheme-v2")))
    return cli, before, before_v2


def test_a_new_scheme_version_leaves_the_quarters_before_its_date_byte_for_byte(
    store, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    cli, before, _ = _adopt_version_2(store, tmp_path)
    for period in ("2026-Q1", "2026-Q2"):
        after = cli.ok("payout", "--period", period, "--json").out
        assert after == before[period]
        assert json.loads(after)["scheme"]["key"] == f"xinghe-county-hospital@{SHIPPED}"


def test_a_new_scheme_version_raises_the_floor_from_its_date(
    store, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    cli, before, _ = _adopt_version_2(store, tmp_path)
    assert cli.payout("2026-Q3")["scheme"]["key"] == f"xinghe-county-hospital@{SHIPPED + 1}"
    q4 = cli.payout("2026-Q4")
    assert q4["scheme"]["key"].endswith(f"@{SHIPPED + 1}")
    # ICU's pay after controls is 1 000; the floor is now 800 × 4 heads, and the bank
    # (10 000 - 800 + 4 000 from Q1-Q3) tops it up to the new floor instead of the old.
    icu, icu_before = _icu(q4), _icu(json.loads(before["2026-Q4"]))
    assert icu["floor"] == "3200.00"
    assert icu["pay_after_controls"] == icu_before["pay_after_controls"] == "1000.00"
    assert (icu_before["settled"], icu["settled"]) == ("2400.00", "3200.00")
    assert (icu_before["bank_drawn"], icu["bank_drawn"]) == ("1400.00", "2200.00")
    assert q4["reconciliation"]["balance"] == "0.00"


def test_a_proposed_scheme_version_is_a_what_if_that_writes_nothing(
    store, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    cli, _, _ = _adopt_version_2(store, tmp_path)
    events = _event_count(cli)
    proposal = _write_adoption(
        tmp_path / "v3.jsonl", _version(SHIPPED + 2, "2026-10-01", "1000.00"), "scheme-v3")
    what_if = cli.ok("payout", "--period", "2026-Q4", "--with", str(proposal), "--json").json()
    assert what_if["scheme"]["key"] == f"xinghe-county-hospital@{SHIPPED + 2}"
    assert _icu(what_if)["floor"] == "4000.00"
    assert _event_count(cli) == events
    assert _icu(cli.payout("2026-Q4"))["floor"] == "3200.00"


def test_a_diff_across_an_adoption_names_the_scheme_change(
    store, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    cli, _, before_v2 = _adopt_version_2(store, tmp_path)
    diff = cli.ok("diff", "--period", "2026-Q4", "--from", before_v2, "--to", "now",
                  "--json").json()
    assert diff["scheme"]["from"] == f"xinghe-county-hospital@{SHIPPED}"
    assert diff["scheme"]["to"] == f"xinghe-county-hospital@{SHIPPED + 1}"
    assert diff["scheme"]["from_sha256"] != diff["scheme"]["to_sha256"]
    assert [event["type"] for event in diff["events"]] == ["SchemeAdopted"]
    icu = by_id(diff["departments"], "department_id")["icu"]
    assert (icu["from"], icu["to"]) == ("2400.00", "3200.00")
