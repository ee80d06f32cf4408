"""Issue 12: the API's error messages follow Accept-Language (Chinese by default); the
code, `where` and `field` of an error never change with the language."""

from __future__ import annotations

from typing import Any

import pytest
from seeding import Served

BAD_SCORE = {"type": "record_score", "employee_id": "wang", "item": "quantity",
             "points": "abc"}


def _error(served: Served, method: str, path: str, language: str | None,
           body: Any = None) -> tuple[int, dict[str, Any]]:
    headers = served.headers("head" if method == "POST" else "finance")
    if language is not None:
        headers["Accept-Language"] = language
    response = served.client.request(method, path, headers=headers, json=body)
    return response.status_code, response.json()["error"]


def test_a_refused_command_reads_in_the_callers_language(served: Served) -> None:
    before = served.event_count()
    status, chinese = _error(served, "POST", "/commands", "zh-CN,zh;q=0.9", BAD_SCORE)
    status_en, english = _error(served, "POST", "/commands", "en-US,en;q=0.8", BAD_SCORE)
    assert status == status_en == 422
    assert chinese["code"] == english["code"] == "rejected"
    assert "未写入任何内容" in chinese["message"]
    assert "nothing was written" in english["message"]
    assert [(p["where"], p["field"]) for p in chinese["problems"]] == \
        [(p["where"], p["field"]) for p in english["problems"]]
    reasons = {p["field"]: (p["reason"], e["reason"])
               for p, e in zip(chinese["problems"], english["problems"], strict=True)}
    assert reasons["period"] == ("缺少必填字段", "Field required")
    assert reasons["points"][0].startswith("应为普通小数")
    assert reasons["points"][1].startswith("must be a plain decimal")
    assert served.event_count() == before


@pytest.mark.parametrize(("language", "words"), [(None, "不是期间"), ("zh", "不是期间"),
                                                 ("en", "is not a period"),
                                                 ("fr, en;q=0.5", "is not a period")])
def test_the_message_follows_accept_language(served: Served, language: str | None,
                                             words: str) -> None:
    status, error = _error(served, "GET", "/periods/2026-Q9/payout", language)
    assert status == 422
    assert words in error["message"]


def test_an_unknown_route_is_named_in_the_callers_language(served: Served) -> None:
    assert _error(served, "GET", "/no-such-route", "zh-CN")[1]["message"] == "未找到"
    assert _error(served, "GET", "/no-such-route", "en")[1]["message"] == "Not Found"
    assert _error(served, "GET", "/no-such-route", "en")[1]["code"] == "http_404"
