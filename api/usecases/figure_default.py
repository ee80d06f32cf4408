"""Whether a report carries its `figures` maps when the caller does not say (issue 15,
item 1: every intermediate of `payout --json`, the grades and the restatement reports by
name). A ledger made by `jixiao init` records that its reports carry them; a ledger
without that setting (made before it, like the stored ledgers of
tests/fixtures/old_ledger) keeps its reports byte-identical: maps only when asked."""

from __future__ import annotations

from domain.facts import Facts
from projections.figure_rows import reports_carry_figures
from projections.memo import memo_of


def figures_by_default(facts: Facts) -> bool:
    memo = memo_of(facts)
    if "report_figures" not in memo:
        memo["report_figures"] = reports_carry_figures(facts)
    return bool(memo["report_figures"])


def with_figures_or_default(asked: bool | None, facts: Facts) -> bool:
    """The caller's choice (`--figures` / `--no-figures`, `figures=`), else the ledger's."""
    return figures_by_default(facts) if asked is None else asked
