"""An appeal level decided after its review deadline (issue 15), as the appeal view and
the restatement reports carry it."""

from __future__ import annotations

from api.http.schemas.base import Closed


class LateDecision(Closed):
    appeal_id: str
    level: int
    deadline: str
    decided_on: str
    decision: str  # the AppealDecided entry's id
    rule: str  # the scheme rule that set the review deadline
