"""Issue 14, item 8: bad tokens are rate-limited per real client address, with a lockout
that expires; `X-Forwarded-For` counts only from a configured proxy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from seeding import Served

from api.http.app import create_app
from api.http.auth import client_address
from api.http.settings import ServerSettings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def limited(served: Served) -> Iterator[tuple[TestClient, Clock]]:
    clock = Clock()
    settings = ServerSettings(store_env=served.env, trusted_proxies=frozenset({"testclient"}),
                              auth_failures_per_address_max=3, auth_window_s=60,
                              auth_lockout_s=600, clock=clock)
    with TestClient(create_app(settings)) as client:
        yield client, clock


def _me(client: TestClient, token: str, address: str) -> int:
    return client.get("/me", headers={"Authorization": f"Bearer {token}",
                                      "X-Forwarded-For": address}).status_code


def test_bad_tokens_lock_out_the_address_until_the_lockout_expires(
        limited: tuple[TestClient, Clock], served: Served) -> None:
    client, clock = limited
    good = served.tokens["auditor"]
    assert [_me(client, "jx_wrong", "10.0.0.7") for _ in range(3)] == [401, 401, 401]
    locked = client.get("/me", headers={"Authorization": f"Bearer {good}",
                                        "X-Forwarded-For": "10.0.0.7"})
    assert locked.status_code == 429  # even the right token, while locked out
    assert int(locked.headers["Retry-After"]) == 600
    assert locked.json()["error"]["code"] == "too_many_attempts"
    assert _me(client, good, "10.0.0.8") == 200  # another client is not affected
    clock.now += 601
    assert _me(client, good, "10.0.0.7") == 200  # the lockout expired


def test_failures_outside_the_window_do_not_add_up(limited: tuple[TestClient, Clock],
                                                   served: Served) -> None:
    client, clock = limited
    for _ in range(5):
        assert _me(client, "jx_wrong", "10.0.0.9") == 401
        clock.now += 40  # two failures per 60-second window at most
    assert _me(client, served.tokens["auditor"], "10.0.0.9") == 200


def test_forwarded_for_counts_only_from_a_trusted_proxy() -> None:
    proxies = frozenset({"10.1.1.1"})
    assert client_address("10.1.1.1", "203.0.113.5", proxies) == "203.0.113.5"
    # A client that is not the proxy cannot pick its own address.
    assert client_address("198.51.100.2", "203.0.113.5", proxies) == "198.51.100.2"
    # A forged first hop is ignored: the nearest hop the proxy saw counts.
    assert client_address("10.1.1.1", "1.2.3.4, 203.0.113.5", proxies) == "203.0.113.5"
    assert client_address("10.1.1.1", None, proxies) == "10.1.1.1"
