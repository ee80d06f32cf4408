"""What `verify` finds reads wholly in the reader's language (api/i18n/findings.py): every
kind and every check that makes one, as the verification itself makes them, words in
Chinese by default and in English under the switch, with every figure it carries."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID, uuid5

import pytest

from api.i18n import current_language, translations, use_language
from api.i18n.findings import (
    DETAILS,
    KIND_NAMES,
    finding_detail,
    finding_line,
    report_json,
    snapshot_line,
)
from api.storage.snapshot_check import SNAPSHOT_REASONS, snapshot_finding
from api.storage.view_checks import row_fault, view_finding
from api.storage.warm_view import RecordedClose
from projections.audit import (
    CLOSE_TOPIC,
    GENESIS,
    Finding,
    StoredRecord,
    check_anchors,
    close_anchors,
    extend_chain,
    unchained_finding,
    verify_chain,
)
from projections.receipts import (
    check_receipt,
    load_private_key,
    load_public_key,
    new_key_pair,
    sign_receipt,
)
from projections.views import RowFault, StoredStatement, content_sha256

NS = UUID(int=7)
TOPIC = "domain.events:DeductionRecorded"


def _records(*positions: int) -> list[StoredRecord]:
    return [StoredRecord(p, uuid5(NS, str(p)), 1, TOPIC, json.dumps({"n": p}).encode())
            for p in positions]


def _chain_findings() -> list[Finding]:
    log = _records(1, 2, 3, 4, 5)
    links = extend_chain(GENESIS, log)
    altered = StoredRecord(2, log[1].originator_id, 1, TOPIC, b'{"n":99}')
    slipped = StoredRecord(4, uuid5(NS, "slipped"), 1, TOPIC, b"{}")
    kept = [link for link in links if link.position != 4]
    edited_id = StoredRecord(3, "not-a-uuid", 1, TOPIC, log[2].state)
    walked = verify_chain([log[0], altered, edited_id, slipped, log[4]], kept, 5, "f" * 64)
    shortened = verify_chain(log[:4], links, 5, links[-1].link)  # removed, so a count
    close = StoredRecord(6, uuid5(NS, "close"), 1, CLOSE_TOPIC, json.dumps(
        {"period": "2026-Q1", "position": 5, "chain_head": links[-1].link}).encode())
    anchors = check_anchors(close_anchors([close]), lambda _: "0" * 64)
    unchained = unchained_finding(StoredRecord(7, "edited", 1, TOPIC, b"{}"))
    return [*walked.findings, *shortened.findings, *anchors, unchained]


def _view_findings() -> list[Finding]:
    body = '{"period":"2026-Q1"}'
    edited = StoredStatement("2026-Q1", "ok", body + " ", content_sha256(body), 3)
    ahead = StoredStatement("2026-Q2", "ok", body, content_sha256(body), 9)
    closed = StoredStatement("2026-Q3", "ok", body, content_sha256(body), 3)
    faults = [row_fault(edited, 5, None), row_fault(ahead, 5, None),
              row_fault(closed, 5, RecordedClose("a" * 64, 3, "b" * 64))]
    return [view_finding(fault) for fault in faults if fault is not None]


def _receipt_findings() -> list[Finding]:
    pair = new_key_pair()
    when = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
    receipt = sign_receipt(load_private_key(pair.private_pem), "ab" * 32, 10, 10, when)
    public = load_public_key(pair.public_pem)
    other = load_public_key(new_key_pair().public_pem)
    return [*check_receipt(receipt, other, 12, lambda _: "ab" * 32, lambda _: 10),
            *check_receipt(receipt, public, 9, lambda _: "ab" * 32, lambda _: 10),
            *check_receipt(receipt, public, 12, lambda _: "cd" * 32, lambda _: 9)]


def _snapshot_findings() -> list[Finding]:
    """Each check of the stored snapshot of the fold (api/storage/snapshot_check.py),
    with the figures it carries there."""
    values = {"snapshot_beyond": {"position": 25, "last": 20},
              "snapshot_chain": {"head": "ab" * 6},
              "snapshot_unreadable": {"error": "SnapshotRefused"}}
    return [snapshot_finding(reason, None if reason == "snapshot_pieces" else 20,
                             **values.get(reason, {})) for reason in SNAPSHOT_REASONS]


FINDINGS = [*_chain_findings(), *_view_findings(), *_receipt_findings(),
            *_snapshot_findings()]
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def test_the_verification_makes_every_kind_and_check_the_catalogue_words() -> None:
    assert {f.kind for f in FINDINGS} == set(KIND_NAMES)
    assert {f.why for f in FINDINGS} == set(DETAILS)


def _without_values(text: str, finding: Finding) -> str:
    """The text with the figures and ids it carries taken out: what is left is words."""
    values = [str(v) for _, v in finding.values]
    values += [v for v in (finding.event_id, finding.type) if v]
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, "")
    return text


@pytest.mark.parametrize("finding", FINDINGS, ids=lambda f: f.why)
def test_every_finding_reads_in_chinese_by_default(finding: Finding) -> None:
    assert current_language() == "zh_CN"
    catalogue = translations("zh_CN")
    kind = KIND_NAMES[finding.kind]
    assert catalogue.pgettext("finding", kind) != kind
    assert catalogue.gettext(DETAILS[finding.why]) != DETAILS[finding.why]
    line = finding_line(finding)
    assert finding_detail(finding) in line
    assert ASCII_WORD.findall(_without_values(line, finding)) == [], line
    assert "{" not in line
    for _, value in finding.values:
        assert str(value) in line


@pytest.mark.parametrize("finding", FINDINGS, ids=lambda f: f.why)
def test_every_finding_reads_in_english_under_the_switch(finding: Finding) -> None:
    with use_language("en"):
        line = finding_line(finding)
    assert line.startswith(f"{KIND_NAMES[finding.kind]}: ")
    assert not re.search(r"[\u4e00-\u9fff]", line), line
    assert "{" not in line
    for _, value in finding.values:
        assert str(value) in line


def test_an_event_finding_names_the_event_its_place_and_its_type() -> None:
    altered = next(f for f in FINDINGS if f.kind == "altered")
    assert finding_line(altered).startswith(
        f"已篡改：位置 2 的事件 {altered.event_id}（扣分记录，DeductionRecorded）：")
    with use_language("en"):
        assert finding_line(altered).startswith(
            f"altered: event {altered.event_id} at position 2 "
            "(deduction, DeductionRecorded): its stored bytes")


def test_a_type_without_a_name_is_said_once() -> None:
    crafted = Finding("inserted", 4, "e-1", "domain.events:NoSuchEvent")
    assert finding_line(crafted).startswith("已插入：位置 4 的事件 e-1（NoSuchEvent）：")
    with use_language("en"):
        assert finding_line(crafted).startswith("inserted: event e-1 at position 4 "
                                                "(NoSuchEvent): ")


def test_the_json_keeps_its_machine_fields_and_words_the_detail() -> None:
    log = _records(1, 2)
    links = extend_chain(GENESIS, log)
    report = verify_chain(log[:1], links, 2, links[-1].link)
    shown = report_json(report)
    first = shown["first_problem"]
    assert {k: first[k] for k in ("kind", "reason", "position", "event_id", "type")} == {
        "kind": "removed", "reason": "removed", "position": 2,
        "event_id": str(log[1].originator_id), "type": "DeductionRecorded"}
    assert first["detail"] == "哈希链记有此事件，但事件日志中已没有它"
    with use_language("en"):
        english = report_json(report)
    assert english["first_problem"]["detail"] == (
        "the chain records this event but the log no longer holds it")
    assert {k: v for k, v in english.items() if k not in ("findings", "first_problem")} \
        == {k: v for k, v in shown.items() if k not in ("findings", "first_problem")}


def test_a_tampered_row_warns_in_the_words_verify_uses_in_english() -> None:
    # The warning a report carries keeps the row's English (projections/views.py); the
    # catalogue's ids are the same texts, so the two never drift apart.
    for finding in _view_findings():
        fault = RowFault(finding.why, finding.values)
        with use_language("en"):
            assert str(fault) == finding_detail(finding)


def test_what_verify_says_of_an_unchecked_snapshot_reads_in_the_readers_language() -> None:
    clean = verify_chain([], [], 0, GENESIS)
    lines = {}
    for state in ("checked", "no_key", "other_code", "other_key", "not_granted"):
        report = replace(clean, snapshot=state, snapshot_at=20)
        lines[state] = snapshot_line(report)
        with use_language("en"):
            english = snapshot_line(report)
        assert english is not None
        assert not re.search(r"[\u4e00-\u9fff]", english), english
        assert "{" not in english
    assert lines["no_key"] == ("未核对事实快照：本环境没有快照密钥（JIXIAO_SNAPSHOT_KEY_FILE），"
                               "或快照已关闭")
    # A key change leaves the old snapshot: said, never a finding (it is never used).
    assert lines["other_key"] == ("未核对事实快照：其消息认证码与本环境的快照密钥不符（由另一把"
                                  "密钥写入，或系伪造）；它不会被使用")
    assert lines["checked"] is not None
    assert "20" in lines["checked"]
    assert snapshot_line(replace(clean, snapshot="none")) is None
    failed = replace(clean, findings=(snapshot_finding("snapshot_differs", 20),),
                     snapshot="checked", snapshot_at=20)
    assert snapshot_line(failed) is None  # its finding says it


def test_a_refused_checkpoint_is_worded_by_the_shell_that_shows_it() -> None:
    """Raised with no reader's language set (a close over HTTP), worded where shown: the
    API's error body and the CLI's line each in their own reader's language."""
    from api.http.errors import error_body  # noqa: PLC0415 - the API shell's wording
    from api.usecases.integrity import ChainBrokenError  # noqa: PLC0415

    with use_language("zh_CN"):  # where it was raised: a language not the reader's
        error = ChainBrokenError(_chain_findings()[0])
    assert error.code == "conflict"
    with use_language("en"):
        english = error_body(error)["error"]["message"]
    assert english.startswith("the chain is broken; nothing signed: altered: event ")
    assert not re.search(r"[\u4e00-\u9fff]", english), english
    chinese = error_body(error)["error"]["message"]  # Chinese by default
    assert chinese.startswith("哈希链已损坏，拒绝签名：已篡改：位置 2 的事件")
    assert "nothing signed" not in chinese
    assert "its stored bytes" not in chinese


def test_a_crafted_id_or_type_cannot_rewrite_the_terminal_line() -> None:
    crafted = Finding("inserted", 4, "e-1\x1b[2K\r", "x:Evil\x1b[2K\rok\u202e")
    line = finding_line(crafted)
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202e]", line), repr(line)
    assert "事件 e-1\\x1b[2K\\r（Evil\\x1b[2K\\rok\\u202e）：" in line


def test_a_findings_reason_and_figures_are_named_never_positional() -> None:
    # The fifth positional argument was once the English text: such a call now fails
    # (mypy says so too) instead of taking the text for the reason.
    with pytest.raises(TypeError):
        Finding("view", None, None, None, "statement row 2026-Q1: edited")  # type: ignore[call-arg]
    assert Finding("view", None, None, None, reason="row_edited").why == "row_edited"
