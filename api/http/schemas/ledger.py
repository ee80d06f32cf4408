"""Events as the API shows them (a command's result, the audit log, the histories) and
the hash chain's verification report."""

from __future__ import annotations

from pydantic import Field

from api.http.schemas.base import Closed, Open


class Event(Open):
    """A recorded event: its position, id and type, then its own stored fields, which
    depend on the type (those of the command that recorded it: see the `Command` schema).
    A user's token hash is never shown."""

    position: int = Field(description="its notification position in the ledger")
    id: str = Field(description="the event's id (a UUID)")
    type: str = Field(description="the event type, e.g. ScoreRecorded", examples=["ScoreRecorded"])
    effective: str = Field(description="the period or date it belongs to ('' if none)")
    recorded_at: str = Field(description="when the ledger learned it (ISO 8601, UTC)")
    actor: str = Field(description="who recorded it: a user id, or cli:<name>")
    reason: str | None = None
    rule_ref: str | None = None
    evidence_ref: str | None = None
    idempotency_key: str | None = None
    supersedes: str | None = Field(None, description="the entry this one corrects")
    live: bool | None = Field(None, description="audit listings only: false once corrected "
                                                "or voided")


class Recorded(Closed):
    """What a command, a batch or a close recorded (or, for a retry, recorded first)."""

    events: list[Event]


class CloseRecorded(Recorded):
    """What a close (or its preparation) recorded, and what it did besides: the signed
    receipt it wrote, or that no outside receipt was written (`jixiao close` prints the
    same on standard error)."""

    notices: list[str] = Field(default_factory=list, description=(
        "what the close did besides, in the request's language: e.g. 'signed receipt "
        "written to PATH' or 'no outside receipt was written for this close'"))


class EventPage(Closed):
    """One page of events in notification order."""

    events: list[Event]
    next_after: int | None = Field(description="pass as `after` for the next page; null on "
                                               "the last page")


class Finding(Closed):
    kind: str = Field(description="altered, removed, inserted, count, head, anchor, view "
                                  "(a stored statement row), receipt (a signed checkpoint) "
                                  "or snapshot (the stored snapshot of the fold)")
    reason: str = Field(description="which check failed: the kind itself, or for a view "
                                    "row_edited, row_ahead or row_unlike_close, for a "
                                    "receipt unsigned, truncated, head_differs or "
                                    "count_differs, for a snapshot "
                                    "snapshot_beyond, snapshot_chain, snapshot_pieces, "
                                    "snapshot_unreadable "
                                    "or snapshot_differs")
    position: int | None
    event_id: str | None
    type: str | None
    detail: str = Field(description="what was found, for a person, in the language of "
                                    "Accept-Language")


class Note(Closed):
    """What the verification says besides its findings (as `jixiao verify` prints it)."""

    kind: str = Field(description="snapshot (the stored snapshot of the fold)")
    state: str = Field(description="for a snapshot: checked (the same facts as a fold of "
                                   "the stored events), or why it was not checked: no_key, "
                                   "other_code, other_key, not_granted")
    position: int | None = Field(description="the snapshot's position, when known")
    detail: str = Field(description="the note for a person, in the language of "
                                    "Accept-Language")


class ChainReport(Closed):
    """The hash chain recomputed from the stored bytes."""

    ok: bool
    chained_upto: int = Field(description="the last notification position the chain covers")
    head: str = Field(description="the link at chained_upto (SHA-256, hex)")
    events: int
    links: int
    first_problem: Finding | None
    findings: list[Finding]
    notes: list[Note] = Field(description="what was checked or left unchecked besides the "
                                          "findings: whether the stored snapshot of the fold "
                                          "was checked (a snapshot that failed is a finding)")
