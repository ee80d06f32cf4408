"""What every response of the server carries, and what the server says about its own
transport at start.

The headers are the usual ones for pages and an API holding personal pay data: a
content security policy with no inline scripts, no framing (clickjacking), no MIME
sniffing, no referrer and no caching by shared caches. The OpenAPI page (/docs) is the
one exception to the script policy: Swagger UI is an inline script from a CDN, a
developer's tool, not a page for staff.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: "
            "https://fastapi.tiangolo.com; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'")
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect"})
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}

PLAIN_TRANSPORT = (
    "警告：服务器在非本机地址 {host} 上以明文 HTTP 监听，令牌和工资数据可被窃听。"
    "请在前面放置提供 TLS 的反向代理（见 docs/security.md），"
    "或使用 --ssl-certfile/--ssl-keyfile。\n"
    "warning: listening on {host}, a non-loopback address, without TLS: tokens and pay "
    "data cross the network in clear. Put a TLS reverse proxy in front (docs/security.md) "
    "or pass --ssl-certfile and --ssl-keyfile.")


def install_security_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(request: Request,
                               call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        policy = DOCS_CSP if request.url.path in DOCS_PATHS else CSP
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


def transport_warning(host: str, tls: bool) -> str | None:
    """The warning to print when the server listens beyond this machine in clear text."""
    if tls or is_loopback(host):
        return None
    return PLAIN_TRANSPORT.format(host=host)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve anywhere
