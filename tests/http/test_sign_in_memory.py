"""Issue 14, item 8: the sign-in limiters' memory is bounded. Failed sign-ins naming
made-up accounts from made-up addresses cannot grow the server without end: counts are
forgotten a window after their last failure, lockouts when they expire, and no limiter
holds more than `auth_keys_max` keys of each kind; a flood of counts does not lift a
lockout."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from seeding import Clock, Served

from api.http.app import create_app
from api.http.limits import SignInLimiters
from api.http.settings import ServerSettings

KEYS_MAX = 20


@pytest.fixture
def bounded(served: Served) -> Iterator[tuple[TestClient, Clock]]:
    clock = Clock()
    settings = ServerSettings(store_env=served.env, trusted_proxies=frozenset({"testclient"}),
                              auth_failures_per_address_max=100,
                              auth_failures_per_account_max=3, auth_window_s=60,
                              auth_lockout_s=600, auth_keys_max=KEYS_MAX, clock=clock)
    with TestClient(create_app(settings)) as client:
        yield client, clock


def _named(client: TestClient, account: str, token: str, address: str) -> int:
    credentials = base64.b64encode(f"{account}:{token}".encode()).decode()
    return client.get("/me", headers={"Authorization": f"Basic {credentials}",
                                      "X-Forwarded-For": address}).status_code


def _limiters(client: TestClient) -> SignInLimiters:
    limiters: SignInLimiters = client.app.state.sign_in_limiters  # type: ignore[attr-defined]
    return limiters


def test_a_flood_of_made_up_accounts_and_addresses_is_remembered_bounded(
        bounded: tuple[TestClient, Clock]) -> None:
    client, clock = bounded
    flood = 5 * KEYS_MAX
    statuses = {_named(client, f"ghost{n}", "jx_wrong", f"10.9.{n // 250}.{n % 250}")
                for n in range(flood)}
    assert statuses == {401}
    limiters = _limiters(client)
    assert 0 < limiters.by_account.remembered() <= KEYS_MAX
    assert 0 < limiters.by_address.remembered() <= KEYS_MAX
    clock.now += 61  # a window after the last failure: every count is forgotten
    assert limiters.by_account.remembered() == 0
    assert limiters.by_address.remembered() == 0


def test_lockouts_are_forgotten_when_they_expire(bounded: tuple[TestClient, Clock],
                                                 served: Served) -> None:
    client, clock = bounded
    assert [_named(client, "aud", "jx_wrong", "10.8.0.1") for _ in range(3)] == [401] * 3
    assert _limiters(client).by_account.remembered() == 1  # the lockout
    clock.now += 601
    assert _limiters(client).by_account.remembered() == 0
    assert _named(client, "aud", served.tokens["auditor"], "10.8.0.2") == 200


def test_a_flood_of_counts_does_not_lift_a_lockout(bounded: tuple[TestClient, Clock],
                                                   served: Served) -> None:
    client, clock = bounded
    good = served.tokens["auditor"]
    assert [_named(client, "aud", "jx_wrong", "10.7.0.1") for _ in range(3)] == [401] * 3
    for n in range(5 * KEYS_MAX):  # one failure each: counts, no new lockout
        assert _named(client, f"ghost{n}", "jx_wrong", f"10.7.1.{n % 250}") == 401
    clock.now += 300
    assert _named(client, "aud", good, "10.7.2.1") == 429
    clock.now += 301
    assert _named(client, "aud", good, "10.7.2.1") == 200
