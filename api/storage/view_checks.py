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
from domain.application import Ledger
from domain.errors import DomainError
from projections.chain_links import CLOSE_TOPIC_STORED
from projections.views import StatementView, StoredStatement

if TYPE_CHECKING:
    from projections.audit import Finding


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


def row_problem(row: StoredStatement, view_position: int,
                close: RecordedClose | None) -> str | None:
    problem = row.problem(view_position)
    if problem is None and close is not None and row.status == "ok" and (
            row.sha256 != close.statement_sha256):
        problem = (f"statement row {row.period}: sha256 {row.sha256[:12]}… differs from "
                   f"{close.statement_sha256[:12]}… recorded when the period was closed")
    return problem


def check_closed(ledger: Ledger, chain: ChainStore, period: str,
                 close: RecordedClose) -> None:
    """Before a closed period is shown: the chain at the close still holds its head."""
    problem = check_close(ledger, chain, close.position, close.chain_head)
    if problem is not None:
        raise IntegrityError(f"{period} 已结账，但哈希链与结账时记录的不一致 / {period} is "
                             f"closed, but {problem}; run `jixiao verify`")


def view_findings(ledger: Ledger, view: StatementView) -> list[Finding]:
    """Every stored row that fails its checks, by name."""
    from projections.audit import Finding  # noqa: PLC0415 - see chain.verify

    closes = recorded_closes(ledger)
    position = view.position()
    findings = []
    for row in view.rows():
        problem = row_problem(row, position, closes.get(row.period))
        if problem is not None:
            findings.append(Finding("view", None, None, None, problem))
    return findings
