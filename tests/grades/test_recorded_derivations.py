"""Derived facts recorded on the write side (docs/grades.md): the batch that makes a policy
fire records a `DerivedFactRecorded` referencing its triggers, and the batch that revokes a
trigger voids it ("trigger revoked: …"), each in one transaction. WE-3 (rulebook ST):
three verified complaints in March → a 15-day stand-down required."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builders import cli_for
from gradebook import FIXTURES, grades

WE3 = FIXTURES / "we-3" / "complaints.jsonl"


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def _events(cli) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    out = cli.ok("events", "--json", "--limit", "1000000").out
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def _of(events: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [e for e in events if (e.get("type") or e.get("event_type")) == name]


def _field(event: dict[str, Any], name: str) -> Any:
    return event.get(name, (event.get("data") or event.get("body") or {}).get(name))


def _id(event: dict[str, Any]) -> str:
    return str(event.get("originator_id") or event.get("id") or event.get("event_id"))


def _stand_down(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in _of(events, "DerivedFactRecorded")
            if _field(e, "kind") == "stand_down_required" and _field(e, "subject_id") == "S"]


def test_we3_stand_down_is_recorded_with_its_triggers_and_withdrawn_with_one(
        cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(WE3))
    events = _events(cli)
    [recorded] = _stand_down(events)
    complaints = {_id(e): e for e in _of(events, "ComplaintRecorded")
                  if _field(e, "subject_id") == "S" and _field(e, "verified")}
    assert len(complaints) == 3
    assert sorted(str(t) for t in _field(recorded, "triggers")) == sorted(complaints)
    assert _field(recorded, "derived_on") == "2025-03-27"
    # The report names the recorded entry where it shows the derived fact.
    [shown] = [d for d in grades(cli, "2025-03")["derived"]
               if d["kind"] == "stand_down_required" and d["subject_id"] == "S"]
    assert shown["recorded_event"] == _id(recorded)
    assert sorted(shown["triggers"]) == sorted(complaints)

    # The same file again: idempotent retries, and nothing derived anew.
    before = cli.event_count()
    cli.ok("apply", str(WE3))
    assert cli.event_count() == before

    # Voiding one complaint voids the derived stand-down, naming the trigger.
    trigger = sorted(complaints)[0]
    void = tmp_path / "void.jsonl"
    void.write_text(json.dumps({"type": "void_entry", "target_id": trigger,
                                "reason": "complaint withdrawn on review"}) + "\n",
                    encoding="utf-8")
    cli.ok("apply", str(void))
    events = _events(cli)
    withdrawals = [e for e in _of(events, "EntryVoided")
                   if str(_field(e, "target_id")) == _id(recorded)]
    [withdrawal] = withdrawals
    assert _field(withdrawal, "reason").startswith("trigger revoked: ")
    assert trigger in _field(withdrawal, "reason")
    # The grades recompute: two verified complaints in March derive nothing.
    march = grades(cli, "2025-03")
    assert not [d for d in march["derived"]
                if d["kind"] == "stand_down_required" and d["subject_id"] == "S"]
    # And again, nothing new.
    before = cli.event_count()
    cli.ok("apply", str(void))
    assert cli.event_count() == before


def test_a_derived_fact_cannot_be_sent_as_a_row(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(WE3))
    forged = tmp_path / "forged.jsonl"
    forged.write_text(json.dumps({
        "type": "DerivedFactRecorded", "derived_id": "derived-0000000000000000",
        "policy_id": "ESC-07", "rulebook": "street-office-efficiency",
        "subject_id": "S2", "kind": "stand_down_required", "derived_on": "2025-03-19",
        "window": "2025-03", "triggers": []}) + "\n", encoding="utf-8")
    before = cli.event_count()
    run = cli("apply", str(forged))
    assert run.code != 0
    assert cli.event_count() == before
