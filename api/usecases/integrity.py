"""Signed checkpoints (receipts) and verification against them: `jixiao checkpoint`,
`jixiao verify --expect`, `POST /audit/verify`, and the receipt a close writes.

The trusted public key is always the auditor's own (a file they hold, or the server's
setting), never one named by the receipt or stored in the ledger.
"""

from __future__ import annotations

import json
import os
from collections.abc import MutableSequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, cast

from api.i18n.findings import checkpoint_refused
from api.usecases.access import require_everything_for
from api.usecases.ports import Caller, Workspace
from domain.errors import ConflictError, InvalidRequestError
from domain.events import PeriodClosed
from projections.audit import ChainReport, Finding
from projections.receipts import (
    KeyPair,
    check_receipt,
    load_private_key,
    load_public_key,
    new_key_pair,
    parse_receipt,
    sign_receipt,
)

# A close's notices, kept in English (a close over HTTP has no reader's language around
# it) and worded where they are shown (api/i18n/error_templates.py).
NO_KEY = ("no signing key is configured (JIXIAO_SIGNING_KEY): no outside receipt was "
          "written for this close; only the database vouches for it")
RECEIPT_WRITTEN = "signed receipt written to {path}"
NO_AUDIT_KEY = ("this server has no auditor's public key (JIXIAO_AUDIT_PUBLIC_KEY): it "
                "cannot check receipts")
KEY_UNREADABLE = "cannot read the key file {path}: {reason}"
class ChainBrokenError(ConflictError):
    """A checkpoint refused over a broken chain, carrying the first finding. Its text is
    worded when shown, in the language of the shell that shows it (the CLI's, the
    request's on the API and pages), never where it is raised: a close over HTTP signs
    its receipt with no reader's language set around the use case."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding)
        self.finding = finding

    def __str__(self) -> str:
        return checkpoint_refused(self.finding)


class IntegrityWorkspace(Workspace, Protocol):
    """What checkpoints need beyond a plain workspace (`Session` has it)."""

    notices: MutableSequence[str]

    def setting(self, name: str) -> str | None: ...

    def verify_chain_only(self) -> ChainReport: ...

    def chain_link_at(self, position: int) -> str: ...

    def events_upto(self, position: int) -> int: ...


def make_key_pair() -> KeyPair:
    """A new Ed25519 key pair (`jixiao keys new`); the shell writes the files."""
    return new_key_pair()


def checkpoint(ws: IntegrityWorkspace, caller: Caller, private_pem: bytes,
               now: datetime | None = None) -> dict[str, Any]:
    """Verify the chain, then sign its head: a receipt to keep outside the organisation."""
    require_everything_for(caller, "a signed checkpoint")
    key = load_private_key(private_pem)
    report = ws.verify_chain_only()
    if not report.ok:
        raise ChainBrokenError(report.findings[0])
    return sign_receipt(key, report.head, report.chained_upto, report.events,
                        now or datetime.now(UTC))


def verify_with_receipt(ws: IntegrityWorkspace, caller: Caller, receipt_text: Any,
                        public_pem: bytes) -> ChainReport:
    """The chain and views verified, then held against a receipt signed earlier."""
    require_everything_for(caller, "the chain verification")
    receipt = parse_receipt(receipt_text)
    public = load_public_key(public_pem)
    report = ws.verify_chain()
    findings = check_receipt(receipt, public, report.chained_upto, ws.chain_link_at,
                             ws.events_upto)
    return ChainReport(report.chained_upto, report.head, report.events, report.links,
                       (*report.findings, *findings), report.snapshot,
                       report.snapshot_at)


def verify_with_server_key(workspace: Workspace, caller: Caller,
                           receipt: Any) -> ChainReport:
    """`verify_with_receipt` with the server's own copy of the auditor's public key."""
    ws = cast(IntegrityWorkspace, workspace)
    require_everything_for(caller, "the chain verification")
    return verify_with_receipt(ws, caller, parse_receipt(receipt), trusted_public_key(ws))


def trusted_public_key(ws: IntegrityWorkspace) -> bytes:
    """The server's own copy of the auditor's public key (JIXIAO_AUDIT_PUBLIC_KEY)."""
    path = ws.setting("JIXIAO_AUDIT_PUBLIC_KEY")
    if path is None:
        raise InvalidRequestError(NO_AUDIT_KEY)
    return read_key_file(path)


def read_key_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise InvalidRequestError(KEY_UNREADABLE.format(path=path, reason=error.strerror)
                                  ) from None


def receipt_after_close(workspace: Workspace, caller: Caller, closed: PeriodClosed) -> str:
    """After a close: a signed receipt when a key is configured; otherwise say plainly
    that none was written. Returns the notice (also kept for the command line to show)."""
    ws = cast(IntegrityWorkspace, workspace)  # the one Workspace, `Session`, is one
    key_path = ws.setting("JIXIAO_SIGNING_KEY")
    if key_path is None:
        ws.notices.append(NO_KEY)
        return NO_KEY
    receipt = checkpoint(ws, caller, read_key_file(key_path))
    folder = Path(ws.setting("JIXIAO_RECEIPT_DIR") or Path(key_path).parent)
    path = folder / f"receipt-{closed.period}-{receipt['position']}.json"
    write_receipt(path, receipt)
    notice = RECEIPT_WRITTEN.format(path=path)
    ws.notices.append(notice)
    return notice


def write_receipt(path: Path, receipt: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(receipt, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
