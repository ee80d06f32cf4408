"""What an appeal decision would change, for everyone it touches: a what-if that writes
nothing. Shared by `jixiao appeal preview` and `GET /appeals/{id}/preview`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from domain.appeals import (
    AppealState,
    appeal_rule,
    contested_period,
    correction_rows,
    recusal_reasons,
)
from domain.errors import InvalidRequestError
from domain.events import DecideAppeal
from domain.facts import Facts
from domain.strict_input import loads_strict, window_context
from projections.diff import diff_statements
from projections.restatement import current_statement
from projections.whatif import preview

if TYPE_CHECKING:
    from domain.application import Ledger

# The preview's side label: "if revoked" ("if upholdd" before, from outcome + "d").
PAST = {"uphold": "upheld", "change": "changed", "revoke": "revoked"}


# The CLI and HTTP shells call this positionally and are being rewritten over the use-case
# layer (issue 17); keyword-only arguments would break them mid-rewrite, so the merge of
# that layer makes `changes, actor, decided_on` keyword-only and drops this noqa.
def preview_decision(ledger: Ledger, facts: Facts, state: AppealState, outcome: str,  # noqa: PLR0917
                     changes: dict[str, Any] | None, actor: str,
                     decided_on: date) -> dict[str, Any]:
    """What deciding `state` with `outcome` would change, for everyone it touches, and
    why the assigned reviewer would be recused; nothing is written."""
    _, rule = appeal_rule(facts, state.filed.filed_on)
    if rule is None:
        raise InvalidRequestError("the scheme in force has no appeal procedure")
    decision = DecideAppeal.model_validate({
        "type": "decide_appeal", "appeal_id": state.appeal_id, "level": state.level,
        "outcome": outcome, "decided_on": decided_on.isoformat(), "changes": changes},
        context=decision_context(ledger))
    rows = correction_rows(facts, state, decision, rule)
    period = contested_period(facts, state.filed)
    if period is None:
        raise InvalidRequestError("the contested entry belongs to no period to preview")
    commands = ledger.parse_commands([(f"preview {n}", row) for n, row in enumerate(rows, 1)])
    # The contested period as it stands first: the preview then reuses every statement the
    # decision cannot move (the earlier quarters of the year, other years).
    current_statement(facts, period)
    granted = preview(ledger, commands, actor, base=facts)
    report = diff_statements(period, (facts, "now"), (granted, f"if {PAST[outcome]}"),
                             voidings=True)
    report["appeal_id"] = state.appeal_id
    report["reviewer_recusals"] = {}
    if state.current.reviewer:
        report["reviewer_recusals"][state.current.reviewer] = recusal_reasons(
            facts, state, state.current.reviewer, rule)
    return report


def decision_context(ledger: Ledger) -> dict[str, Any]:
    """What a decision is validated with: the ledger's window of business dates."""
    return window_context(ledger.day_window())


def parse_changes(text: str | None, name: str = "changes") -> dict[str, Any] | None:
    """The changed fields of a "change" decision, from JSON text (decimals stay exact)."""
    if text is None:
        return None
    try:
        value = loads_strict(text)
    except (ValueError, RecursionError) as error:
        raise InvalidRequestError(f"{name} is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise InvalidRequestError(f"{name} must be a JSON object")
    return value
