"""Helpers of the web pages' tests (a module of its own: `conftest` is a name every test
folder has, so tests import these from here)."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from api.storage.session import store_env


@dataclass(frozen=True)
class Demo:
    env: dict[str, str]
    passwords: dict[str, str]


def copy_demo(master: Demo, folder: Path) -> Demo:
    """A fresh copy of the demo ledger (its SQLite file and siblings) in `folder`."""
    source = Path(master.env["SQLITE_DBNAME"])
    for sibling in source.parent.glob(source.name + "*"):
        shutil.copy(sibling, folder / sibling.name)
    return Demo(store_env(str(folder / source.name), {}), master.passwords)


def login_token(html: str) -> str:
    found = re.search(r'name="login_token" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def csrf_of(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def sign_in(client: TestClient, user: str, password: str) -> str:
    """Signs the client in; returns the session's CSRF token."""
    form = client.get("/login")
    answer = client.post("/login", data={"user_id": user, "password": password,
                                         "login_token": login_token(form.text), "next": "/"},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text[:500]
    return csrf_of(client.get("/").text)
