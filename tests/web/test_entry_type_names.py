"""An entry's type reads as a name in English too: the appeal form, the appeals table and
a reviewer's case showed the event's class name there (「2026 · CmeCreditsRecorded」),
since English has no catalogue to look the class name up in."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from web_support import Demo, sign_in

CLASS_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:Recorded|Voided|Adjusted)\b")


def _options(html: str) -> list[str]:
    return re.findall(r"<option value=\"[^\"]+\">([^<]*)</option>", html)


def test_the_appeal_form_names_each_entry_s_type_in_either_language(
        app_client: TestClient, demo: Demo) -> None:
    sign_in(app_client, "employee", demo.passwords["employee"])
    chinese = _options(app_client.get("/web/appeals/new").text)
    assert any("继续教育学分" in option for option in chinese)
    app_client.get("/language/en")
    english = _options(app_client.get("/web/appeals/new").text)
    assert english
    assert not [option for option in english if CLASS_NAME.search(option)]
    assert any("continuing-education credits" in option for option in english)
