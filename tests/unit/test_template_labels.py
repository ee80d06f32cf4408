"""Templates' 「name (code)」 values (issue 13): the import reads back the code in brackets
and nothing else; a roster example's 工号 is nobody's on the roster."""

from __future__ import annotations

import pytest

from api.sheets.cells import exact
from api.usecases.template_labels import unused_id


@pytest.mark.parametrize(("raw", "holds", "read"), [
    ("内科 internal medicine (internal)", "code", "internal"),
    ("内科（internal）", "code", "internal"),  # WPS's full-width brackets, NFKC-read
    ("韦斌琳 (E0001)", "code", "E0001"),
    ("2026年第1季度 (2026-Q1)", "period", "2026-Q1"),
    ("旷工1天以上（全扣） (absent_day)", "code", "absent_day"),  # a name with its own brackets
    ("E0001", "code", "E0001"),  # a code typed alone
    ("迟到 (10 分钟)", "text", "迟到 (10 分钟)"),  # free text keeps its brackets
    ("(internal)", "code", "(internal)"),  # no name: not the template's form, left to refuse
])
def test_a_listed_value_is_read_as_its_code(raw: str, holds: str, read: str) -> None:
    cell = exact(raw, holds)  # type: ignore[arg-type]
    assert (cell.value, cell.problem) == (read, None)


@pytest.mark.parametrize(("roster", "example"), [
    ([], "E0001"),
    (["E0001", "E0002", "E0118"], "E0119"),
    (["zhang", "li", "wang"], "E0001"),
    (["E0001", "E9002", "F12"], "F13"),  # the prefix of the last id, its width
    (["A9", "A10"], "A11"),
])
def test_the_roster_example_is_nobody_on_the_roster(roster: list[str], example: str) -> None:
    assert unused_id(roster) == example
    assert example not in roster
