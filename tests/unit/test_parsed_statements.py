"""A stored statement's body is parsed by msgspec, and must give what `json.loads` gives
for any JSON, falling back to it where msgspec refuses what `json` takes."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from api.storage.parsed_statements import ParsedStatements, loads

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


def _same(left: Any, right: Any) -> bool:
    """Equal, of the same types all the way down (1 == 1.0 == True would not tell)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, float):
        return left == right and math.copysign(1, left) == math.copysign(1, right)
    return bool(left == right)


@settings(max_examples=300, deadline=None)
@given(value=JSON, ascii_only=st.booleans())
def test_a_body_parses_as_json_loads_parses_it(value: Any, ascii_only: bool) -> None:
    body = json.dumps(value, ensure_ascii=ascii_only)
    assert _same(loads(body), json.loads(body))


def test_what_msgspec_refuses_is_parsed_by_json() -> None:
    for body in ('[1e400, -1e400]', '"\\ud800"', '{"a": 1, "a": 2}', ' [NaN] '):
        assert _same(loads(body), json.loads(body)) or math.isnan(loads(body)[0])


def test_a_statement_is_parsed_once_for_its_hash() -> None:
    statements = ParsedStatements()
    first = statements.parsed("h", '{"period": "2026-Q1"}')
    assert statements.parsed("h", '{"period": "2026-Q1"}') is first
    assert first == {"period": "2026-Q1"}
