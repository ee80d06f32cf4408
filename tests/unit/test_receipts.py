"""Signed receipts, the pure core: a receipt signs every field it states, is checked with
the trusted key only, and tells truncation, a rewritten head and a changed count apart."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.errors import InvalidRequestError
from projections.receipts import (
    check_receipt,
    load_private_key,
    load_public_key,
    new_key_pair,
    parse_receipt,
    sign_receipt,
    signature_holds,
)

HEAD = "ab" * 32
WHEN = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


def _signed(position: int = 10, events: int = 10) -> tuple[dict, object]:  # type: ignore[type-arg]
    pair = new_key_pair()
    receipt = sign_receipt(load_private_key(pair.private_pem), HEAD, position, events, WHEN)
    return receipt, load_public_key(pair.public_pem)


def test_a_receipt_verifies_with_its_key_and_no_other() -> None:
    receipt, public = _signed()
    assert signature_holds(receipt, public)  # type: ignore[arg-type]
    other = load_public_key(new_key_pair().public_pem)
    assert not signature_holds(receipt, other)


@pytest.mark.parametrize(("field", "value"), [("chain_head", "cd" * 32), ("position", 11),
                                         ("events", 9), ("recorded_at", "2027-01-01"),
                                         ("key_id", "0" * 16)])
def test_every_stated_field_is_signed(field: str, value: object) -> None:
    receipt, public = _signed()
    assert not signature_holds({**receipt, field: value}, public)  # type: ignore[arg-type]


def test_the_findings_name_what_differs() -> None:
    receipt, public = _signed(position=10, events=10)

    def findings(chained: int, link: str, count: int) -> list[tuple[str, dict[str, object]]]:
        return [(f.reason, dict(f.values)) for f in check_receipt(
            receipt, public, chained, lambda _: link, lambda _: count)]  # type: ignore[arg-type]

    assert findings(12, HEAD, 10) == []
    assert findings(9, HEAD, 10) == [("truncated", {
        "chained_upto": 9, "recorded_at": WHEN.isoformat(), "position": 10})]
    assert findings(12, "ff" * 32, 10) == [("head_differs", {
        "position": 10, "head": HEAD[:16], "recorded_at": WHEN.isoformat()})]
    assert findings(12, HEAD, 9) == [("count_differs", {
        "counted": 9, "position": 10, "events": 10})]
    other = load_public_key(new_key_pair().public_pem)
    assert [f.reason for f in check_receipt(receipt, other, 12, lambda _: HEAD,
                                            lambda _: 10)] == ["unsigned"]


@pytest.mark.parametrize("text", ["not json", "[]", '{"format": "jixiao-receipt/1"}', "{}"])
def test_a_malformed_receipt_is_refused(text: str) -> None:
    with pytest.raises(InvalidRequestError):
        parse_receipt(text)


def test_a_key_that_is_not_ed25519_pem_is_refused() -> None:
    with pytest.raises(InvalidRequestError):
        load_private_key(b"-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----\n")
    with pytest.raises(InvalidRequestError):
        load_public_key(new_key_pair().private_pem)
