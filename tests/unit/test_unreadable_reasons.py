"""Why a stored entry does not read, worded from the domain's structure: in Chinese by
default with no English left (ids and field names aside), in English with `en`, while
the English `reason` `--json` keeps reads as it always did (api/i18n/unreadable.py)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from pydantic import ValidationError

from api.i18n import use_language
from api.i18n.unreadable import invalid_entry_warning, invalid_reason
from domain.events import ScoreRecorded
from domain.stored_topics import stored_class
from domain.unreadable import reason_text, unreadable_values

GOOD = {"originator_id": str(uuid4()), "recorded_at": datetime(2026, 4, 2, tzinfo=UTC),
        "actor": "old", "period": "2026-Q1", "employee_id": "li", "item": "quantity",
        "points": Decimal(5)}


def _error(change: dict[str, object], drop: str = "") -> Exception:
    state = {k: v for k, v in {**GOOD, **change}.items() if k != drop}
    with pytest.raises(ValidationError) as caught:
        ScoreRecorded.model_validate(state)
    return caught.value


def _topic_error(topic: str) -> Exception:
    with pytest.raises(ValueError, match="type") as caught:
        stored_class(topic)
    return caught.value


def _json_error() -> Exception:
    with pytest.raises(ValueError, match="Expecting") as caught:
        json.loads("{not json")
    return caught.value


KINDS = {
    "out of range": lambda: _error({"points": Decimal("1E+5000")}),
    "missing": lambda: _error({}, drop="employee_id"),
    "not a number": lambda: _error({"points": "many"}),
    "pydantic's own": lambda: _error({"recorded_at": "2026-13-01", "evidence_ref": "x" * 501}),
    "unknown type": lambda: _topic_error("domain.events:ScoreWiped"),
    "outside the domain": lambda: _topic_error("os:system"),
    "not an event": lambda: _topic_error("domain.envelope:UnreadableValue"),
    "not json": _json_error,
}


def _entry(error: Exception) -> dict[str, object]:
    values = unreadable_values(error)
    return {"id": "0b5e", "type": "ScoreRecorded", "reason": reason_text(values),
            "problems": [{"field": v.field, "code": v.code, "context": dict(v.context)}
                         for v in values]}


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_reason_reads_in_chinese_and_in_english(kind: str) -> None:
    entry = _entry(KINDS[kind]())
    with use_language("zh_CN"):
        chinese = invalid_reason(entry)
        warning = invalid_entry_warning(entry)
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
    ids = (r"ASCII|Decimal|E\+|many|ScoreRecorded|ScoreWiped|UnreadableValue|system|"
           r"recorded_at|evidence_ref|points|employee_id|0b5e")
    assert not re.search(r"[A-Za-z]{2,}", re.sub(ids, "", chinese)), chinese
    assert warning.startswith("警告：账本中的条目 0b5e（ScoreRecorded）"), warning
    with use_language("en"):
        english = invalid_reason(entry)
    assert not re.search(r"[\u4e00-\u9fff]", english), english
    assert english


def test_the_english_reason_reads_as_before() -> None:
    assert reason_text(unreadable_values(KINDS["unknown type"]())) == \
        "unknown event type: 'ScoreWiped'"
    assert reason_text(unreadable_values(KINDS["out of range"]())).startswith(
        "points: ")
    assert reason_text(unreadable_values(KINDS["missing"]())) == \
        "employee_id: Field required"


def test_a_note_written_before_the_structure_is_translated_as_a_message() -> None:
    with use_language("zh_CN"):
        assert invalid_reason({"id": "x", "type": "T", "reason": "Field required"}) != \
            "Field required"


def test_a_warm_note_without_the_structure_is_left_to_the_full_path() -> None:
    from api.storage.warm_view import WarmStatement  # noqa: PLC0415
    from api.usecases.warm_reports import owner_payout  # noqa: PLC0415

    old = {"id": "x", "type": "T", "reason": "Field required"}
    new = {**old, "problems": [{"field": "", "code": "missing", "context": {}}]}
    body = '{"period":"2026-Q1"}'
    assert owner_payout(lambda _: WarmStatement(body, [old]), "2026-Q1") is None
    assert owner_payout(lambda _: WarmStatement(body, [new]), "2026-Q1") == {
        "period": "2026-Q1", "invalid_entries": [new]}
