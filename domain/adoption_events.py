"""The event of a scheme adoption, built from values already validated (issue 18, target 2).

`SchemeAdopted`'s fields come from two validated models: the envelope from the
`AdoptScheme` command (the same field types as the event's, or stricter) and the body from
the scheme document's own model (`domain/scheme_kinds.py`). Validating them again as the
event repeated that work and, once per process, compiled the Unicode id pattern of
`Code` (≈15 ms of a hospital ingest's ≈280 ms CPU, domain/envelope.py). So the body's
few constraints that the scheme model does not already impose (the event's id pattern,
the date window, the digest's spelling) are checked here directly, and the event is
built as `to_event`'s fast path builds the others (domain/envelope.py): values that pass
those checks are exactly the values validation would give. Anything else (a
non-ASCII scheme id, a date outside the default window, an envelope that is not plain) is
validated by pydantic as before, which words any refusal.
tests/unit/test_adoption_events.py checks both give the same event and the same bytes.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.envelope import ASCII_CODE, plain_envelope
from domain.events import AdoptScheme, SchemeAdopted
from domain.limits import DAY_FIRST_DEFAULT, DAY_LAST_DEFAULT, INTEGER_DIGITS_MAX

_SHA256 = re.compile(r"[0-9a-f]{64}")


def adoption_event(adopt: AdoptScheme, body: dict[str, Any], originator_id: UUID,
                   recorded_at: datetime, actor: str) -> SchemeAdopted:
    """The event of `adopt` with `body` (`adopted_scheme_body`: scheme_id, version,
    effective_from, sha256, document), validated when any value needs it."""
    values: dict[str, Any] = {
        "originator_id": originator_id, "recorded_at": recorded_at, "actor": actor,
        "reason": adopt.reason, "rule_ref": adopt.rule_ref,
        "evidence_ref": adopt.evidence_ref, "idempotency_key": adopt.idempotency_key,
        "supersedes": adopt.supersedes, **body,
    }
    if type(originator_id) is UUID and plain_envelope(recorded_at, actor) and plain_body(body):
        return SchemeAdopted.model_construct(**values)
    return SchemeAdopted(**values)


def plain_body(body: dict[str, Any]) -> bool:
    """Whether an adoption body passes `SchemeBody`'s validation unchanged (without a day
    window in the context, as `_adopted` validates it): an ASCII scheme id (the Unicode
    pattern takes every one, and NFKC leaves it as it is), a plain int version of at
    most the integer digits, a date (not a datetime) in the default window, a lower-case
    hex digest and a document with text keys."""
    if set(body) != {"scheme_id", "version", "effective_from", "sha256", "document"}:
        return False
    scheme_id, version = body["scheme_id"], body["version"]
    effective_from, digest, document = body["effective_from"], body["sha256"], body["document"]
    return (type(scheme_id) is str and ASCII_CODE.fullmatch(scheme_id) is not None
            and type(version) is int and 1 <= version < 10**INTEGER_DIGITS_MAX
            and type(effective_from) is date
            and DAY_FIRST_DEFAULT <= effective_from <= DAY_LAST_DEFAULT
            and type(digest) is str and _SHA256.fullmatch(digest) is not None
            and type(document) is dict and all(type(key) is str for key in document))
