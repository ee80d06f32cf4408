"""The window of business dates is the latest settings event's, kept by the fold
(`Facts.settings`) instead of found by scanning every event back to it: every way facts
are made (a fold, a fold page by page, a what-if's copy, a cut-off) must keep the same
event a scan of the events in order finds."""

from __future__ import annotations

from datetime import date
from typing import Any

from builders import memory_ledger, record

from domain.facts import Facts
from domain.settings import LedgerConfigured, date_window


def _settings(first: str, last: str) -> dict[str, Any]:
    return {"type": "configure_ledger", "organisation": "医院", "dates_from": first,
            "dates_to": last}


def _department(department_id: str, day: str) -> dict[str, Any]:
    return {"type": "define_department", "department_id": department_id, "name": "科室",
            "kind": "clinical", "risk_coefficient": "1", "effective_on": day}


def _scanned(facts: Facts) -> tuple[date, date]:
    """The window as found by reading every event, latest first."""
    latest = next((e for e in reversed(facts.events.values())
                   if isinstance(e, LedgerConfigured)), None)
    return date_window(latest)


def test_without_settings_the_window_is_the_default() -> None:
    ledger = memory_ledger()
    record(ledger, _department("d1", "2026-01-01"))
    assert ledger.day_window() == (date(2000, 1, 1), date(2099, 12, 31))
    assert ledger.day_window() == _scanned(ledger.facts())


def test_the_latest_settings_win_in_every_fold_of_the_facts() -> None:
    ledger = memory_ledger()
    record(ledger, _settings("2001-01-01", "2050-12-31"), _department("d1", "2026-01-01"))
    cut = ledger.facts().last_position
    record(ledger, _department("d2", "2026-01-01"), _settings("1990-01-01", "2030-12-31"),
           _department("d3", "2026-02-01"))
    facts = ledger.facts()
    assert ledger.day_window() == (date(1990, 1, 1), date(2030, 12, 31)) == _scanned(facts)
    refolded = Facts.fold((facts.positions[i], e) for i, e in facts.events.items())
    assert refolded.settings is facts.settings
    paged = Facts()
    paged.apply_page([(facts.positions[i], e) for i, e in facts.events.items()])
    assert paged.settings is facts.settings
    earlier = facts.upto(cut)
    assert ledger.day_window(earlier) == (date(2001, 1, 1), date(2050, 12, 31))
    assert ledger.day_window(earlier) == _scanned(earlier)


def test_a_what_if_sees_its_own_settings_and_leaves_the_ledger_s() -> None:
    ledger = memory_ledger()
    record(ledger, _settings("2001-01-01", "2050-12-31"))
    before = ledger.facts()
    commands = ledger.parse_commands([("what-if", _settings("1995-01-01", "2040-12-31"))])
    after = ledger.preview(commands, "test", base=before)
    assert ledger.day_window(after) == (date(1995, 1, 1), date(2040, 12, 31)) == _scanned(after)
    assert ledger.day_window() == (date(2001, 1, 1), date(2050, 12, 31)) == _scanned(before)
