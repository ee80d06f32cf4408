"""How events look on the wire: the stored fields, plus position, id, type and effective
time. A user's token hash is left out: it is a credential's fingerprint, not audit data."""

from __future__ import annotations

from typing import Any

from domain.events import LedgerEvent

HIDDEN_FIELDS = {"originator_id", "originator_version", "token_sha256"}


def event_json(position: int, event: LedgerEvent, *, live: bool | None = None) -> dict[str, Any]:
    body = {k: v for k, v in event.model_dump(mode="json").items() if k not in HIDDEN_FIELDS}
    shown: dict[str, Any] = {
        "position": position,
        "id": str(event.originator_id),
        "type": type(event).__name__,
        "effective": event.effective,
        **body,
    }
    if live is not None:
        shown["live"] = live
    return shown
