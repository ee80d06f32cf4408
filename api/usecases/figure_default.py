"""Whether a report carries its `figures` maps when the caller does not say (issue 15,
item 1: every intermediate of `payout --json`, the grades and the restatement reports by
name). A ledger made by `jixiao init` records that its reports carry them; a ledger
without that setting (made before it, like the stored ledgers of
tests/fixtures/old_ledger) keeps its reports byte-identical: maps only when asked."""

from __future__ import annotations

from domain.facts import Facts
from domain.settings import LedgerConfigured
from projections.memo import memo_of


def figures_by_default(facts: Facts) -> bool:
    memo = memo_of(facts)
    if "report_figures" not in memo:
        latest = next((e for e in reversed(facts.live.values())
                       if isinstance(e, LedgerConfigured)), None)
        memo["report_figures"] = bool(latest is not None and latest.report_figures)
    return bool(memo["report_figures"])


def with_figures_or_default(asked: bool | None, facts: Facts) -> bool:
    """The caller's choice (`--figures` / `--no-figures`, `figures=`), else the ledger's."""
    return figures_by_default(facts) if asked is None else asked
