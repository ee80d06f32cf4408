"""The chain verification the auditor's page shows.

A walk of the whole chain recomputes every link from the stored bytes: about 0.4 s on a
hospital year, more than a page may take. While nothing new was recorded and the chain's
recorded head is the same, the page shows the last intact walk's result with the time
it was made, for up to MAX_AGE; the auditor can ask for a new walk at any moment, and
`jixiao verify` (and the API) always walk. A walk that found problems is never reused.
The memo is the server's (one per app), touched only on its ledger thread.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from api.usecases.access import require_everything_for
from api.usecases.audit import verify_chain
from api.usecases.ports import Caller, Workspace
from domain.records import frozen_record, mutable_record
from projections.audit import ChainReport

MAX_AGE = timedelta(minutes=2)


@frozen_record
class KeptWalk:
    key: tuple[int, str]  # (last notification position, the chain's link there)
    report: ChainReport
    verified_at: datetime


@mutable_record
class VerificationMemo:
    last: KeptWalk | None = None


@frozen_record
class Verification:
    report: ChainReport
    verified_at: datetime
    reused: bool  # the last walk's result: nothing recorded since, the head unchanged


def recent_verification(ws: Workspace, caller: Caller, memo: VerificationMemo,
                        now: datetime, again: bool = False) -> Verification:
    """The last intact walk while the ledger and the chain's head have not moved and it
    is younger than MAX_AGE (unless `again`); otherwise a new walk."""
    require_everything_for(caller, "the chain verification")
    position = ws.facts().last_position
    key = (position, ws.chain_head_at(position))
    last = memo.last
    if not again and last is not None and last.key == key and (
            now - last.verified_at <= MAX_AGE):
        return Verification(last.report, last.verified_at, True)
    report = verify_chain(ws, caller)
    memo.last = KeptWalk(key, report, now) if report.ok else None
    return Verification(report, now, False)
