"""Reads of personal data, recorded in the ledger itself (issue 14, item 7): who read
whose explanation or statement lines, and when (the event's actor and recorded_at).

The audit trail is the ledger, so the access log is too: the same chain covers it, and
an auditor reads it with the rest. Only the system records these (the use cases after a
served read); no role may issue the command, so a user cannot forge or pad the log.
"""

from __future__ import annotations

from pydantic import Field

from domain.envelope import Code, Frozen, LedgerEvent, Text, _command
from domain.limits import SUBJECTS_MAX


class AccessBody(Frozen):
    """One served read: what was shown (`view`, e.g. "explain 2026-Q1") and whose
    personal data it held, besides the reader's own."""

    view: Text
    subject_employee_ids: tuple[Code, ...] = Field(default=(), max_length=SUBJECTS_MAX)
    subjects_count: int = Field(ge=0)


class PersonalDataRead(LedgerEvent, AccessBody): ...


RecordAccess = _command(
    "record_access", AccessBody, PersonalDataRead,
    "Recorded by the system when a user is shown another person's personal data.")

ACCESS_COMMANDS: tuple[type[Frozen], ...] = (RecordAccess,)
ACCESS_EVENTS: tuple[type[LedgerEvent], ...] = (PersonalDataRead,)
