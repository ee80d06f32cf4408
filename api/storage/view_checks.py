"""The statements view is checked, not trusted.

A stored row must hash to its stored SHA-256 and cannot have been computed after the
view's own position; a closed period's row must also carry the hash its close recorded,
and the chain at the close's position must still be the head the close recorded. A row
that fails is not served: the statement is recomputed from the events and the failure is
reported (`Session.integrity_warnings`; `verify` lists every such row).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.storage.chain import ChainStore, check_close, stored_records
from api.storage.recorded_closes import RecordedClose, close_of
from domain.errors import DomainError
from projections.chain_links import CLOSE_TOPIC_STORED
from projections.views import RowFault, StatementView, StoredStatement

if TYPE_CHECKING:
    from domain.application import Ledger
    from projections.audit import Finding

CLOSE_UNLIKE_CHAIN = "{period} is closed, but {problem}; run `jixiao verify`"


class IntegrityError(DomainError):
    """The chain no longer holds what a close recorded: the statement is not shown."""

    code = "integrity"


def recorded_closes(ledger: Ledger) -> dict[str, RecordedClose]:
    """The last close of each period, read from the close events' bytes only (no fold:
    a report from a warm view stays one read)."""
    closes: dict[str, RecordedClose] = {}
    for record in stored_records(ledger, topics=[CLOSE_TOPIC_STORED]):
        close = close_of(record.state)  # None for an altered close: `verify` names it
        if close is not None:
            closes[close[0]] = close[1]
    return closes


def row_fault(row: StoredStatement, view_position: int,
              close: RecordedClose | None) -> RowFault | None:
    fault = row.fault(view_position)
    if fault is None and close is not None and row.status == "ok" and (
            row.sha256 != close.statement_sha256):
        fault = RowFault("row_unlike_close", (
            ("period", row.period), ("sha256", row.sha256[:12]),
            ("recorded", close.statement_sha256[:12])))
    return fault


def view_finding(fault: RowFault) -> Finding:
    from projections.audit import Finding  # noqa: PLC0415 - see chain.verify

    return Finding("view", None, None, None, reason=fault.reason, values=fault.values)


def check_closed(ledger: Ledger, chain: ChainStore, period: str,
                 close: RecordedClose) -> None:
    """Before a closed period is shown: the chain at the close still holds its head."""
    problem = check_close(ledger, chain, close.position, close.chain_head)
    if problem is not None:
        raise IntegrityError(CLOSE_UNLIKE_CHAIN.format(period=period, problem=problem))


def view_findings(ledger: Ledger, view: StatementView) -> list[Finding]:
    """Every stored row that fails its checks, by name."""
    closes = recorded_closes(ledger)
    position = view.position()
    findings = []
    for row in view.rows():
        fault = row_fault(row, position, closes.get(row.period))
        if fault is not None:
            findings.append(view_finding(fault))
    return findings
