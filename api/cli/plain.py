"""`jixiao payout`'s printing, shared by the command tree's verb (api/cli/reports.py) and
the plain what-if, `payout --period P --with FILE`, which the `jixiao` script runs
without the command tree (api/cli_launch.py → `api.cli.plain_payout`).

A what-if folds the ledger, so it cannot be answered from the warm view as a plain payout
is; it need not also wait for typer, click and the verb's module (≈0.1 s of CPU of a
new process). Both paths print through `print_payout`, so they print the same bytes."""

from __future__ import annotations

import sys

from api.cli.sessions import as_of, caller, open_session
from api.cli.sessions import what_if as what_if_batch
from api.i18n.unreadable import invalid_entry_warning
from api.render_text import payout_text
from api.usecases import reports
from api.usecases.ports import parse_period
from domain.scheme import canonical_dumps


def print_payout(period: str, *, db: str | None, actor: str | None, json: bool,
                 as_of_text: str | None, with_file: str | None,
                 figures: bool | None = None) -> int:
    """Print a period's payout statement (as it is, as of a time or what-if)."""
    parse_period(period)
    query = reports.ReportQuery(period, as_of(as_of_text), what_if_batch(with_file),
                                figures=figures)
    # A what-if records nothing (its batch is previewed, never written): its session
    # reads without the eventsourcing Application (api/storage/plain_store.py).
    with open_session(db, reads_only=with_file is not None) as session:
        report = reports.payout(session, caller(actor), query)
        # Shown before the session closes: closing may store the fold for the next
        # process (api/storage/facts_snapshot.py), which this answer need not wait for.
        print(canonical_dumps(report) if json else payout_text(report), flush=True)
    for entry in report.get("invalid_entries", ()):
        print(invalid_entry_warning(entry), file=sys.stderr)
    return 0
