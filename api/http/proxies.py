"""Which reverse proxies the server believes (`jixiao serve --forwarded-allow-ips`).

uvicorn's proxy-headers middleware takes the client address from X-Forwarded-For and the
scheme from X-Forwarded-Proto, but only when the peer is one of these; the sign-in
limits then count the real client, and cookies are `Secure` behind a TLS proxy
(`api.http.hardening.secure_cookie`). No FastAPI here: every CLI verb imports it.
"""

from __future__ import annotations

import ipaddress

# The proxies whose X-Forwarded-For / X-Forwarded-Proto uvicorn believes by default: a TLS
# proxy on the same machine, as docs/deploy.md sets it up.
FORWARDED_ALLOW_IPS_DEFAULT = "127.0.0.1,::1"


def forwarded_allow_ips(text: str) -> str:
    """`--forwarded-allow-ips` as uvicorn takes it, checked: addresses or networks
    separated by commas, "*" for any peer, or nothing (believe no proxy). A mistyped
    address raises ValueError naming it instead of a server that silently trusts no one
    (or, worse, a pattern it did not mean)."""
    entries = [entry.strip() for entry in text.split(",") if entry.strip()]
    for entry in entries:
        if entry == "*":
            continue
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(f"{entry!r} 不是 IP 地址或网段（CIDR）；请用逗号分隔地址，或写 '*'。 "
                             f"{entry!r} is not an IP address or network (CIDR); give "
                             "addresses separated by commas, or '*'") from None
    return ",".join(entries)

