"""Whether reports carry their figures maps is the latest live settings event's word
(projections.figure_rows.reports_carry_figures): read from the fold's latest settings
(`Facts.settings`) when that one is live or there is none, and found by a scan of the live
facts only when it was withdrawn; each way the same answer as the scan."""

from __future__ import annotations

from typing import Any

from builders import memory_ledger, record

from domain.facts import Facts
from domain.settings import LedgerConfigured
from projections.figure_rows import reports_carry_figures


def _scanned(facts: Facts) -> bool:
    latest = next((e for e in reversed(facts.live.values())
                   if isinstance(e, LedgerConfigured)), None)
    return bool(latest is not None and latest.report_figures)


def _settings(figures: bool, **more: Any) -> dict[str, Any]:
    return {"type": "configure_ledger", "organisation": "医院", "report_figures": figures,
            **more}


def test_a_ledger_without_settings_reports_without_figures() -> None:
    ledger = memory_ledger()
    record(ledger, {"type": "define_department", "department_id": "d1", "name": "科室",
                    "kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-01-01"})
    facts = ledger.facts()
    assert facts.settings is None
    assert reports_carry_figures(facts) is False is _scanned(facts)


def test_the_latest_live_settings_decide_each_way_they_are_reached() -> None:
    ledger = memory_ledger()
    record(ledger, _settings(True))
    assert reports_carry_figures(ledger.facts()) is True is _scanned(ledger.facts())
    record(ledger, _settings(False))  # the latest wins
    assert reports_carry_figures(ledger.facts()) is False is _scanned(ledger.facts())
    latest = ledger.facts().settings
    assert latest is not None
    record(ledger, {"type": "void_entry", "target_id": str(latest.originator_id),
                    "reason": "entered in error"})
    facts = ledger.facts()
    assert facts.settings is latest  # still the latest folded, no longer live
    assert reports_carry_figures(facts) is True is _scanned(facts)
    what_if = facts.with_events([])
    assert reports_carry_figures(what_if) is True is _scanned(what_if)
