"""What a page does not do again on the next request: parse the statements it read a
moment ago (kept by their stored row's hash), or walk the whole hash chain again while the
chain's recorded head and the ledger have not moved (an auditor can ask for a new walk)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_support import Demo, sign_in

from api.http.app import create_app
from api.http.settings import ServerSettings


@pytest.fixture(scope="module")
def finance(demo: Demo) -> Iterator[TestClient]:
    with TestClient(create_app(ServerSettings(store_env=demo.env))) as client:
        sign_in(client, "finance", demo.passwords["finance"])
        yield client


def statement_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the statement bodies parsed from now on."""
    parsed: list[int] = []
    loads = json.loads

    def counting(text: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(text, str | bytes) and b'"reconciliation"' in (
                text if isinstance(text, bytes) else text.encode()):
            parsed.append(len(text))
        return loads(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", counting)
    return parsed


@pytest.mark.parametrize("path", ["/", "/web/periods", "/web/charts/per-point"])
def test_a_second_request_parses_no_statement_again(finance: TestClient, path: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    first = finance.get(path)
    assert first.status_code == 200
    parsed = statement_parses(monkeypatch)
    again = finance.get(path)
    assert again.status_code == 200
    assert again.text.count("¥") == first.text.count("¥")  # the same figures shown
    assert parsed == []
