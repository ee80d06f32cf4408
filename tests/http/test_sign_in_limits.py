"""Issue 14, item 8: bad tokens are rate-limited per real client address, with a lockout
that expires; `X-Forwarded-For` counts only from a configured proxy."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from seeding import Clock, Served

from api.http.app import create_app
from api.http.auth import client_address
from api.http.settings import ServerSettings


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


@pytest.fixture
def per_account(served: Served) -> Iterator[tuple[TestClient, Clock]]:
    clock = Clock()
    settings = ServerSettings(store_env=served.env, trusted_proxies=frozenset({"testclient"}),
                              auth_failures_per_address_max=100,
                              auth_failures_per_account_max=3, auth_window_s=60,
                              auth_lockout_s=600, clock=clock)
    with TestClient(create_app(settings)) as client:
        yield client, clock


def _named(client: TestClient, account: str, token: str, address: str) -> Any:
    """A sign-in that names its account: HTTP Basic, the user id and the token."""
    credentials = base64.b64encode(f"{account}:{token}".encode()).decode()
    return client.get("/me", headers={"Authorization": f"Basic {credentials}",
                                      "X-Forwarded-For": address})


def test_failures_against_one_account_lock_it_from_every_address(
        per_account: tuple[TestClient, Clock], served: Served) -> None:
    client, clock = per_account
    good = served.tokens["auditor"]
    assert _named(client, "aud", good, "10.0.1.1").status_code == 200
    # Three guesses from three addresses: no address comes near its own limit.
    assert [_named(client, "aud", f"jx_guess{n}", f"10.0.2.{n}").status_code
            for n in range(3)] == [401, 401, 401]
    for sign_in in (_named(client, "aud", good, "10.0.3.1"),
                    client.get("/me", headers={"Authorization": f"Bearer {good}",
                                               "X-Forwarded-For": "10.0.3.2"})):
        assert sign_in.status_code == 429, sign_in.text  # the right token, any scheme
        assert int(sign_in.headers["Retry-After"]) == 600
        assert sign_in.json()["error"]["code"] == "too_many_attempts"
        assert "for this account" in sign_in.json()["error"]["message"]
    assert _named(client, "fin", served.tokens["finance"], "10.0.3.1").status_code == 200
    clock.now += 601
    assert _named(client, "aud", good, "10.0.3.1").status_code == 200  # it expired


def test_a_token_named_under_another_account_is_a_failure_of_that_account(
        per_account: tuple[TestClient, Clock], served: Served) -> None:
    client, _ = per_account
    finance = served.tokens["finance"]
    assert [_named(client, "admin", finance, "10.0.4.1").status_code
            for _ in range(3)] == [401, 401, 401]
    assert _named(client, "admin", served.tokens["administrator"],
                  "10.0.4.2").status_code == 429
    assert _named(client, "fin", finance, "10.0.4.1").status_code == 200
    malformed = client.get("/me", headers={"Authorization": "Basic %%%",
                                           "X-Forwarded-For": "10.0.4.3"})
    assert malformed.status_code == 401, malformed.text
