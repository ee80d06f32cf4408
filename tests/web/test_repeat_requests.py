"""What a page does not do again on the next request: parse the statements it read a
moment ago (kept by their stored row's hash), or walk the whole hash chain again while the
chain's recorded head and the ledger have not moved (an auditor can ask for a new walk)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_support import Demo, sign_in

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.session import Session
from api.usecases.audit import ChainReport
from api.usecases.ports import Caller
from api.usecases.verification import MAX_AGE, VerificationMemo, recent_verification


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


@pytest.fixture(scope="module")
def auditor(demo: Demo) -> Iterator[TestClient]:
    with TestClient(create_app(ServerSettings(store_env=demo.env))) as client:
        sign_in(client, "auditor", demo.passwords["auditor"])
        yield client


def chain_walks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per whole-chain walk from now on."""
    walks: list[int] = []
    walk = Session.verify_chain

    def counting(self: Session) -> ChainReport:
        walks.append(1)
        return walk(self)

    monkeypatch.setattr(Session, "verify_chain", counting)
    return walks


def test_the_chain_is_walked_again_only_when_something_moved_or_asked(
        auditor: TestClient, finance: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    walks = chain_walks(monkeypatch)
    first = auditor.get("/web/audit/verify")
    assert first.status_code == 200
    assert "哈希链完整" in first.text
    assert len(walks) == 1
    again = auditor.get("/web/audit/verify")
    assert len(walks) == 1  # nothing recorded, the same head: the last walk's result
    assert "那次验证的结果" in again.text
    assert verified_at(again.text) == verified_at(first.text)
    asked = auditor.get("/web/audit/verify?again=1")
    assert len(walks) == 2  # the auditor asked for a new walk
    assert "那次验证的结果" not in asked.text
    assert finance.get("/web/periods/2026-Q1").status_code == 200  # a read is recorded
    auditor.get("/web/audit/verify")
    assert len(walks) == 3  # the ledger moved: a new walk


def verified_at(html: str) -> str:
    found = re.search(r'<p class="muted" id="verified-at">([^<]*)', html)
    assert found is not None, html[:800]
    return found.group(1).strip().split("。")[0]


def test_a_kept_walk_expires(demo: Demo) -> None:
    memo = VerificationMemo()
    now = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    with Session(demo.env) as session:
        first = recent_verification(session, Caller("audit"), memo, now)
        kept = recent_verification(session, Caller("audit"), memo, now + MAX_AGE)
        later = recent_verification(session, Caller("audit"), memo,
                                    now + MAX_AGE + timedelta(seconds=1))
    assert (first.reused, kept.reused, later.reused) == (False, True, False)
    assert kept.verified_at == now
    assert later.verified_at == now + MAX_AGE + timedelta(seconds=1)
