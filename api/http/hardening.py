"""What every response of the server carries, and what the server says about its own
transport at start.

The headers are the usual ones for pages and an API holding personal pay data: a
content security policy with no inline scripts, no framing (clickjacking), no MIME
sniffing, no referrer and no caching by shared caches. Every script is the server's own,
/docs included (Swagger UI starts from a static file); the one relaxation is inline
styles on /redoc, which ReDoc writes at run time.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from api.i18n import N_, _

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# ReDoc writes its styles into <style> elements at run time (styled-components), so its
# page alone allows inline styles; scripts stay 'self' everywhere, /docs included.
REDOC_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") + (
    "; worker-src 'self' blob:")
PAGE_POLICIES = {"/redoc": REDOC_CSP}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}

PLAIN_TRANSPORT = N_(
    "warning: listening on {host}, a non-loopback address, without TLS: tokens and pay "
    "data cross the network in clear. Put a TLS reverse proxy in front (docs/security.md) "
    "or pass --ssl-certfile and --ssl-keyfile.")


def install_security_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(request: Request,
                               call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        return with_security_headers(request, await call_next(request))


def with_security_headers(request: Request, response: Response) -> Response:
    """The headers every answer carries. Starlette answers a fault (500) outside the
    middlewares, so its handler calls this itself."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    policy = PAGE_POLICIES.get(request.url.path, CSP)
    response.headers.setdefault("Content-Security-Policy", policy)
    return response


def transport_warning(host: str, tls: bool) -> str | None:
    """The warning to print when the server listens beyond this machine in clear text."""
    if tls or is_loopback(host):
        return None
    return _(PLAIN_TRANSPORT).format(host=host)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve anywhere


def secure_cookie(request: Request) -> bool:
    """Whether a cookie this response sets is `Secure`: when the settings say so, and
    whenever the request came over TLS, to this server (`--ssl-certfile`) or to a trusted
    proxy that said so in X-Forwarded-Proto (uvicorn turns that into the scheme, only for
    a peer in `--forwarded-allow-ips`). A cookie marked Secure on a plain-HTTP server
    would never come back, so plain HTTP without the setting leaves it off."""
    return bool(request.app.state.settings.secure_cookies) or request.url.scheme == "https"
