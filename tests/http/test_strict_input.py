"""Strict input over HTTP: nothing is read as something close to what was sent. Digits
are ASCII, numbers have no exponent or separators, ids, periods, dates and amounts carry
no surrounding whitespace, dates are inside the ledger's window, a JSON key is given
once and nests at most 32 deep, and a body over the configured size is refused with 413.
Each case is a 4xx naming its field, never a 5xx, and writes nothing; on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from seeding import Served

SCORE = {"type": "record_score", "period": "2026-Q2", "employee_id": "wang",
         "item": "quantity", "points": "12"}
DEDUCTION = {"type": "record_deduction", "period": "2026-Q2", "employee_id": "wang",
             "kind": "error", "count": 1}
APPEAL = {"type": "file_appeal", "appeal_id": "STRICT-1", "appellant_employee_id": "li",
          "contested_period": "2026-Q2", "contested_employee_id": "li",
          "grounds": "g", "received_on": "2026-07-01", "filed_on": "2026-07-02"}
HIRE = {"type": "hire_employee", "employee_id": "strict-1", "name": "S",
        "department_id": "internal", "title_grade": "practitioner", "hired_on": "2026-04-01"}
POOL = {"type": "declare_pool", "period": "2026-Q3", "amount_cny": "100.00"}


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


# (name, role, body, field named in the problems)
FIELD_CASES: tuple[tuple[str, str, dict[str, Any], str], ...] = (
    ("full-width digits", "head", _with(SCORE, points="１２"), "points"),
    ("Arabic-Indic digits", "head", _with(SCORE, points="١٢"), "points"),
    ("a digit separator", "head", _with(SCORE, points="1_2"), "points"),
    ("an exponent in text", "head", _with(SCORE, points="1e3"), "points"),
    ("a score beyond any scheme", "head", _with(SCORE, points="1000000"), "points"),
    ("too many decimals", "head", _with(SCORE, points="1.0000001"), "points"),
    ("leading space in an amount", "head", _with(SCORE, points=" 12"), "points"),
    ("a newline after an amount", "head", _with(SCORE, points="12\n"), "points"),
    ("a newline after a period", "head", _with(SCORE, period="2026-Q2\n"), "period"),
    ("a space before a period", "head", _with(SCORE, period=" 2026-Q2"), "period"),
    ("full-width digits in a period", "head", _with(SCORE, period="２０２６-Q2"), "period"),
    ("a newline after an id", "head", _with(SCORE, employee_id="wang\n"), "employee_id"),
    ("a count as text with a space", "head", _with(DEDUCTION, count=" 2"), "count"),
    ("a count with a separator", "head", _with(DEDUCTION, count="1_0"), "count"),
    ("a count as a fraction", "head", _with(DEDUCTION, count=2.0), "count"),
    ("a count in full-width digits", "head", _with(DEDUCTION, count="２"), "count"),
    ("a date with a time", "administrator", _with(HIRE, hired_on="2026-04-01T00:00:00"),
     "hired_on"),
    ("a date with a newline", "administrator", _with(APPEAL, filed_on="2026-07-02\n"),
     "filed_on"),
    ("a date as a number", "administrator", _with(APPEAL, filed_on=20260702), "filed_on"),
    ("a date after the window", "administrator",
     _with(APPEAL, received_on="9999-12-31", filed_on="9999-12-31"), "received_on"),
    ("a date before the window", "administrator",
     _with(APPEAL, received_on="1999-12-31", filed_on="2026-07-02"), "received_on"),
    ("money beyond a trillion", "finance", _with(POOL, amount_cny="1000000000000.00"),
     "amount_cny"),
    ("money in fen fractions", "finance", _with(POOL, amount_cny="1.001"), "amount_cny"),
    ("money with an exponent", "finance", _with(POOL, amount_cny="1E+2"), "amount_cny"),
)


@pytest.mark.parametrize(("name", "role", "body", "field"), FIELD_CASES,
                         ids=[c[0] for c in FIELD_CASES])
def test_input_that_is_not_plainly_written_is_refused_by_field(
        served: Served, name: str, role: str, body: dict[str, Any], field: str) -> None:
    before = served.event_count()
    response = served.post(role, "/commands", body)
    assert response.status_code == 422, response.text
    problems = response.json()["error"]["problems"]
    assert any(p["field"].split(".")[0] == field for p in problems), problems
    assert served.event_count() == before


def _raw(served: Served, role: str, path: str, raw: bytes) -> Any:
    return served.client.post(path, content=raw, headers={
        **served.headers(role), "Content-Type": "application/json"})


DEEP = b"[" * 100_000 + b"]" * 100_000
JUST_TOO_DEEP = json.dumps([_with(SCORE, note=json.loads("[" * 31 + "]" * 31))]).encode()
# (name, role, path, raw body, words the reason must contain)
BODY_CASES: tuple[tuple[str, str, str, bytes, str], ...] = (
    ("deep nesting on /commands", "head", "/commands", DEEP, "deeper than 32"),
    ("deep nesting on a batch", "head", "/commands/batch", DEEP, "deeper than 32"),
    ("deep nesting on a what-if", "finance", "/periods/2026-Q2/payout/what-if", DEEP,
     "deeper than 32"),
    ("33 levels in a row", "head", "/commands/batch", JUST_TOO_DEEP, "deeper than 32"),
    ("a duplicate key", "head", "/commands",
     b'{"type":"record_score","period":"2026-Q2","employee_id":"wang","item":"quantity",'
     b'"points":"1","points":"99"}', "given twice"),
    ("a bare exponent", "head", "/commands",
     b'{"type":"record_score","period":"2026-Q2","employee_id":"wang","item":"quantity",'
     b'"points":1e5000}', "exponent"),
    ("NaN", "head", "/commands",
     b'{"type":"record_score","period":"2026-Q2","employee_id":"wang","item":"quantity",'
     b'"points":NaN}', "NaN"),
)


@pytest.mark.parametrize("case", BODY_CASES, ids=[c[0] for c in BODY_CASES])
def test_a_body_that_is_not_plain_json_is_refused_whole(
        served: Served, case: tuple[str, str, str, bytes, str]) -> None:
    _, role, path, raw, words = case
    before = served.event_count()
    response = _raw(served, role, path, raw)
    assert response.status_code == 422, response.text
    assert words in response.json()["error"]["problems"][0]["reason"]
    assert served.event_count() == before


def test_a_body_over_the_configured_size_is_refused_with_413(served: Served) -> None:
    before = served.event_count()
    settings = served.client.app.state.settings  # type: ignore[attr-defined]
    raw = b" " * (settings.body_bytes_max + 1)
    response = _raw(served, "head", "/commands", raw)
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "too_large"
    assert served.event_count() == before


def test_deeply_nested_changes_in_an_appeal_preview_are_a_4xx(served: Served) -> None:
    response = served.get("administrator", "/appeals/SEED-A/preview", outcome="change",
                          changes="[" * 1999 + "]" * 1999)
    assert response.status_code == 422, response.text


def test_an_appeal_at_the_edge_of_the_window_is_answered_not_failed(served: Served) -> None:
    """The last day the ledger takes: a deadline past the known calendar is a 4xx."""
    response = served.post("administrator", "/commands",
                           _with(APPEAL, appeal_id="STRICT-EDGE", received_on="2099-12-31",
                                 filed_on="2099-12-31"))
    assert response.status_code < 500, response.text


# (path, parameter): every integer query parameter, on a route the auditor may read.
INTEGER_QUERIES: tuple[tuple[str, str], ...] = (
    ("/audit/events", "limit"), ("/audit/events", "after"), ("/employees", "limit"),
    ("/appeals", "limit"), ("/periods/2026-Q1/explain", "depth"),
)
OTHER_PARAMETERS = {"/periods/2026-Q1/explain": {"employee": "li"}}
LOOSE_INTEGERS = ("+1", "１", "1_0", " 1", "1 ", "1\n", "٣", "1e1", "0x1")


@pytest.mark.parametrize(("path", "name"), INTEGER_QUERIES,
                         ids=[f"{p} {n}" for p, n in INTEGER_QUERIES])
def test_integer_query_parameters_take_ascii_digits_only(served: Served, path: str,
                                                        name: str) -> None:
    for loose in LOOSE_INTEGERS:
        response = served.get("auditor", path, **OTHER_PARAMETERS.get(path, {}),
                               **{name: loose})
        assert response.status_code == 422, (loose, response.text)
        [problem] = response.json()["error"]["problems"]
        assert (problem["where"], problem["field"]) == ("query", name), problem
        assert problem["reason"].startswith("整数只能用 ASCII 数字书写（"), problem
    english = served.client.get(path, params={**OTHER_PARAMETERS.get(path, {}), name: "+1"},
                                headers={**served.headers("auditor"), "Accept-Language": "en"})
    [problem] = english.json()["error"]["problems"]
    assert problem["reason"] == (
        "must be an integer written in ASCII digits only (no plus sign, spaces, separators or "
        "other scripts' digits), got '+1'")
    assert served.get("auditor", path, **OTHER_PARAMETERS.get(path, {}),
                      **{name: "1"}).status_code == 200
