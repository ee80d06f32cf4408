"""The API's own documentation pages, /docs (Swagger UI) and /redoc (ReDoc), served
entirely from the package (issue 12): a hospital intranet has no CDN, and a page that
loads its scripts from one shows blank there.

Swagger UI is not made with FastAPI's `get_swagger_ui_html`, because that writes its
start-up code as an inline script, which the content-security policy forbids; the same
start-up code is the static file /static/docs/swagger-init.js instead.
"""

from __future__ import annotations

from html import escape
from typing import Final

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse

VENDOR: Final = "/static/vendor"
FAVICON: Final = f"{VENDOR}/swagger-ui-dist/favicon-32x32.png"
SWAGGER_CSS: Final = f"{VENDOR}/swagger-ui-dist/swagger-ui.css"
SWAGGER_JS: Final = f"{VENDOR}/swagger-ui-dist/swagger-ui-bundle.js"
SWAGGER_INIT: Final = "/static/docs/swagger-init.js"
REDOC_JS: Final = f"{VENDOR}/redoc/redoc.standalone.js"


def swagger_page(title: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="{SWAGGER_CSS}">
<link rel="icon" type="image/png" href="{FAVICON}">
<title>{escape(title)} - Swagger UI</title>
</head>
<body>
<div id="swagger-ui"></div>
<script src="{SWAGGER_JS}"></script>
<script src="{SWAGGER_INIT}"></script>
</body>
</html>
"""


def install_docs(app: FastAPI) -> None:
    """/docs and /redoc; create the app with `docs_url=None, redoc_url=None`."""
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(swagger_page(app.title))

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url=openapi_url, title=f"{app.title} - ReDoc",
                              redoc_js_url=REDOC_JS, redoc_favicon_url=FAVICON,
                              with_google_fonts=False)
