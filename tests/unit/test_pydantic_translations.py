"""pydantic's own texts and a problem's place read in Chinese by default and stay English
with `en` (api/i18n/pydantic_texts.py, api/i18n/messages.place)."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError
from pydantic_core._pydantic_core import list_all_errors  # public, not re-exported

from api.i18n import use_language
from api.i18n.messages import place, translate
from api.i18n.pydantic_texts import PYDANTIC_TEMPLATES
from domain.events import COMMANDS_BY_TYPE

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_each_template_is_pydantics_own_wording() -> None:
    # A pydantic upgrade that rewords a text fails here, not in front of a person.
    worded = set()
    for error in list_all_errors():
        template = error["message_template_python"]
        worded |= {template.replace("{expected_plural}", plural) for plural in ("", "s")}
    assert sorted(set(PYDANTIC_TEMPLATES) - worded) == []


@pytest.mark.parametrize(("command", "field"), [
    ({"type": "hire_employee", "employee_id": "E1", "name": "张", "department_id": "d",
      "title_grade": "t", "hired_on": "2021/2/30"}, "hired_on"),
    ({"type": "hire_employee", "employee_id": "E1", "name": "张", "department_id": "d",
      "title_grade": "t", "hired_on": "2021-02-30"}, "hired_on"),
    ({"type": "record_deduction", "period": "2026-Q1", "employee_id": "E1", "kind": "late",
      "minutes": "-5"}, "minutes"),
    ({"type": "record_deduction", "period": "2026-Q1", "employee_id": "E1", "kind": "late",
      "count": "two"}, "count"),
])
def test_a_models_own_message_reads_in_chinese(command: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        COMMANDS_BY_TYPE[command["type"]].model_validate(command)
    # as the shells show them (api/sheets/columns.py, domain/batch_rules.py)
    messages = [e["msg"].removeprefix("Value error, ") for e in caught.value.errors()
                if e["loc"][:1] == (field,)]
    assert messages, caught.value
    for message in messages:
        with use_language("zh_CN"):
            chinese = translate(message)
        assert CHINESE.search(chinese), message
        assert not re.search(r"Input|should|valid|outside", chinese), chinese
        with use_language("en"):
            assert translate(message) == message


def test_a_place_reads_in_chinese_and_a_sentence_is_not_a_place() -> None:
    with use_language("zh_CN"):
        assert place("row 3") == "第 3 行"
        assert place("分数 row 12") == "分数 第 12 行"
        assert place("column 6") == "第 6 列"
        assert place("line 7") == "第 7 行"
        assert place("工号 (B)") == "工号 (B)"  # a column as the file names it
        assert place("each row must be a JSON object") == "each row must be a JSON object"
        # a place inside a message is a value translated with it
        assert "第 2 行" in translate("the key is already that of row 2; each row needs its own")
    with use_language("en"):
        assert place("分数 row 12") == "分数 row 12"


def test_the_values_a_field_allows_read_in_chinese() -> None:
    text = "Input should be 'quality', 'ethics' or 'task'"
    with use_language("zh_CN"):
        assert translate(text) == "应为 'quality', 'ethics' 或 'task'"
    with use_language("en"):
        assert translate(text) == text
