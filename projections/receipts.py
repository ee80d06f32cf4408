"""Signed checkpoints: tamper evidence beyond the database.

A receipt states the hash chain's head, its position and the number of events up to it,
signed with an Ed25519 key kept outside the database. Whoever can rewrite the database
can recompute the whole chain, but cannot sign; so an auditor holding an earlier receipt
and the public key (their own copy, never one taken from the receipt or the ledger)
detects a truncated tail, events replaced after the receipt's position was reached, and
a recomputed chain. Signing and checking are here, pure; the files are the shells'.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain.errors import InvalidRequestError
from domain.records import frozen_record
from domain.scheme import canonical_dumps
from projections.audit import Finding

RECEIPT_FORMAT = "jixiao-receipt/1"
NOT_A_RECEIPT = "not a {format} receipt: {fields} missing or wrong"
SIGNED_FIELDS = ("format", "chain_head", "position", "events", "recorded_at", "key_id")


@frozen_record
class KeyPair:
    private_pem: bytes  # PKCS#8, unencrypted: the file holding it is mode 0600
    public_pem: bytes


def new_key_pair() -> KeyPair:
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return KeyPair(private, public)


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise InvalidRequestError("the signing key is not an unencrypted "
                                  "PEM private key (make one with `jixiao keys new`)") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidRequestError("the signing key is not an Ed25519 key")
    return key


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        raise InvalidRequestError("the public key is not a PEM public key") \
            from None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidRequestError("the public key is not an Ed25519 key")
    return key


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign_receipt(key: Ed25519PrivateKey, chain_head: str, position: int, events: int,
                 recorded_at: datetime) -> dict[str, Any]:
    body: dict[str, Any] = {
        "format": RECEIPT_FORMAT, "chain_head": chain_head, "position": position,
        "events": events, "recorded_at": recorded_at.isoformat(),
        "key_id": key_id(key.public_key()),
    }
    signature = key.sign(canonical_dumps(body).encode())
    return {**body, "signature": base64.b64encode(signature).decode()}


def parse_receipt(text: Any) -> dict[str, Any]:
    """A receipt's fields, checked for shape (not yet for its signature)."""
    try:
        receipt = text if isinstance(text, dict) else json.loads(text)
    except (ValueError, TypeError):
        raise InvalidRequestError("the receipt is not JSON") from None
    problems = [name for name, kind in (("chain_head", str), ("position", int),
                                        ("events", int), ("recorded_at", str),
                                        ("key_id", str), ("signature", str))
                if not isinstance(receipt, dict) or not isinstance(receipt.get(name), kind)
                or isinstance(receipt.get(name), bool)]
    problems += [name for name in ("position", "events") if not problems
                 and not 0 <= receipt[name] < 2**63]
    if problems or receipt.get("format") != RECEIPT_FORMAT:
        raise InvalidRequestError(NOT_A_RECEIPT.format(
            format=RECEIPT_FORMAT, fields=", ".join(problems) or "format"))
    return receipt


def signature_holds(receipt: dict[str, Any], public: Ed25519PublicKey) -> bool:
    body = {name: receipt[name] for name in SIGNED_FIELDS}
    try:
        public.verify(base64.b64decode(receipt["signature"], validate=True),
                      canonical_dumps(body).encode())
    except (InvalidSignature, ValueError):
        return False
    return True


def check_receipt(receipt: dict[str, Any], public: Ed25519PublicKey, chained_upto: int,
                  link_at: Callable[[int], str], events_upto: Callable[[int], int]
                  ) -> list[Finding]:
    """What the ledger no longer agrees with in a receipt the auditor trusts.

    `link_at(p)` is the chain's stored link at or before p (already checked against the
    events by the chain verification); `events_upto(p)` counts stored events up to p."""
    position = receipt["position"]
    signed_on = receipt["recorded_at"]
    if not signature_holds(receipt, public):
        return [_finding("unsigned", recorded_at=signed_on, key_id=key_id(public))]
    if chained_upto < position:
        return [_finding("truncated", chained_upto=chained_upto, recorded_at=signed_on,
                         position=position)]
    findings = []
    if link_at(position) != receipt["chain_head"]:
        findings.append(_finding("head_differs", position=position,
                                 head=receipt["chain_head"][:16], recorded_at=signed_on))
    counted = events_upto(position)
    if counted != receipt["events"]:
        findings.append(_finding("count_differs", counted=counted, position=position,
                                 events=receipt["events"]))
    return findings


def _finding(reason: str, **values: str | int) -> Finding:
    """Which check failed and its figures: the shells word it (api/i18n/findings.py)."""
    return Finding("receipt", None, None, None, reason=reason, values=tuple(values.items()))
