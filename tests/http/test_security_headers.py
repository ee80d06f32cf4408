"""Issue 14, item 8: every response carries the security headers (a script policy with
no inline scripts, no framing, no sniffing), and the server warns when it listens beyond
this machine without TLS."""

from __future__ import annotations

import pytest
from seeding import Served

from api.http.hardening import transport_warning
from api.i18n import use_language


@pytest.mark.parametrize(("role", "path"), [("anonymous", "/health"),
                                             ("finance", "/periods/2026-Q1/payout"),
                                             ("anonymous", "/periods/2026-Q1/payout"),
                                             ("employee", "/no-such-route")])
def test_every_response_carries_the_security_headers(served: Served, role: str,
                                                     path: str) -> None:
    response = served.get(role, path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "ledger.example.cn"])
def test_listening_beyond_loopback_in_clear_text_is_warned(host: str) -> None:
    warning = transport_warning(host, tls=False)  # in the process's language: Chinese …
    assert warning is not None
    assert "TLS" in warning
    assert "警告" in warning
    assert "listening" not in warning
    with use_language("en"):  # … or English (`--lang en`), not both at once
        english = transport_warning(host, tls=False)
    assert english is not None
    assert english.startswith(f"warning: listening on {host}, a non-loopback address")
    assert "警告" not in english
    assert transport_warning(host, tls=True) is None


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_loopback_needs_no_warning(host: str) -> None:
    assert transport_warning(host, tls=False) is None
