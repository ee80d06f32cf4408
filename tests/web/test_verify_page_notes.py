"""The chain verification page says what `jixiao verify` says below its findings: whether
the stored snapshot of the fold was checked (api/i18n/findings.py `report_notes`), in the
reader's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import set_snapshot, signed_row, snapshot_key_file, snapshot_row
from fastapi.testclient import TestClient
from httpx import Response
from web_support import Demo, copy_demo, sign_in

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.session import Session
from api.storage.snapshot_key import SNAPSHOT_KEY_ENV
from api.web.sessions import LANGUAGE_COOKIE


@pytest.fixture
def keyed(demo_master: Demo, tmp_path: Path) -> Demo:
    """A demo copy with a stored snapshot of the fold, signed under a key of its own."""
    demo = copy_demo(demo_master, tmp_path)
    env = {**demo.env, SNAPSHOT_KEY_ENV: str(snapshot_key_file(tmp_path / "snapshot.key"))}
    with Session(env) as session:
        session.ledger.facts()  # a session that folds leaves the snapshot at its close
    return Demo(env, demo.passwords)


def _verify_page(env: dict[str, str], passwords: dict[str, str],
                 language: str | None = None) -> Response:
    """The chain verification page, run again, as the auditor reading `language`."""
    with TestClient(create_app(ServerSettings(store_env=env))) as client:
        sign_in(client, "auditor", passwords["auditor"])
        if language:
            client.cookies.set(LANGUAGE_COOKIE, language)
        return client.get("/web/audit/verify?again=1")


def _note(env: dict[str, str], passwords: dict[str, str], language: str | None = None) -> str:
    page = _verify_page(env, passwords, language)
    assert page.status_code == 200
    return page.text.split('id="snapshot-note">', 1)[1].split("</p>", 1)[0]


def test_the_page_says_the_snapshot_was_checked(keyed: Demo) -> None:
    assert _note(keyed.env, keyed.passwords).endswith("与按库中事件重新计算到该位置的结果一致")


def test_the_page_says_when_the_snapshot_was_not_checked(keyed: Demo) -> None:
    unkeyed = {k: v for k, v in keyed.env.items() if k != SNAPSHOT_KEY_ENV}
    assert _note(unkeyed, keyed.passwords).startswith("未核对事实快照：本环境没有快照密钥")
    assert _note(unkeyed, keyed.passwords, "en").startswith(
        "The snapshot of the fold was not checked: no snapshot key here")


def test_a_finding_about_the_snapshot_alone_leaves_the_chain_intact(keyed: Demo) -> None:
    """As `jixiao verify` prints "chain intact" above a snapshot's finding: the snapshot
    lies beside the chain, so the page does not head it "The chain does not verify"."""
    row = snapshot_row(keyed.env)
    assert row is not None
    set_snapshot(keyed.env, **signed_row(keyed.env, row, position=row[0] + 5))
    page = _verify_page(keyed.env, keyed.passwords).text
    assert "哈希链完整：" in page
    assert "库中保存的事实快照未通过核对。" in page
    assert "哈希链校验未通过。" not in page
