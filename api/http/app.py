"""The app factory. Nothing is built at import time: `create_app(settings)` makes the app,
its ledger thread (which opens the store on first use) and its OpenAPI schema."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import reduce
from operator import or_
from typing import Annotated, Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import Field, TypeAdapter

from api.http.docs import install_docs
from api.http.errors import ERROR_RESPONSES, ErrorBody, install_error_handlers
from api.http.hardening import install_security_headers
from api.http.limits import SignInLimiters
from api.http.routes import (
    appeals,
    audit,
    commands,
    directory,
    exports,
    grades,
    imports,
    reports,
    schemes,
    templates,
    users,
)
from api.http.routes import payroll as payroll_routes
from api.http.routes import procedures as procedure_routes
from api.http.runtime import LedgerThread, SessionFactory
from api.http.schemas.base import reply
from api.http.schemas.directory import Health
from api.http.settings import ServerSettings
from api.storage.served import open_server_session, refuse_a_ledger_gone
from api.web import STATIC_DIR
from api.web.router import install as install_pages
from domain.events import COMMAND_MODELS

DESCRIPTION = """\
The jixiao ledger over HTTP: the same commands as `jixiao apply` (one, or a JSON array
all or none), and the same reports as the CLI, each scoped to the caller's role.

Authenticate with `Authorization: Bearer <token>` (`jixiao users add` prints a token
once; the server keeps only its SHA-256), or with `Authorization: Basic` (user id and
the same token), which also limits failed sign-ins per account. Errors come back as
`{"error": {"code", "message", "problems": [{"where", "field", "reason"}]}}`:
401 unauthenticated, 403 forbidden, 404 unknown id, 409 conflict, 422 invalid.
Send `Idempotency-Key` with a command to make it safe to retry.
"""


def create_app(settings: ServerSettings,
               open_session: SessionFactory = open_server_session) -> FastAPI:
    ledger = LedgerThread(settings.store_env, open_session)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        ledger.close()

    app = FastAPI(title=settings.title, description=DESCRIPTION, version="1",
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.ledger = ledger
    app.state.settings = settings
    app.state.sign_in_limiters = SignInLimiters.of(settings)
    install_error_handlers(app)
    install_security_headers(app)
    for module in (commands, imports, reports, appeals, grades, audit, users, directory,
                   schemes, payroll_routes, procedure_routes, exports,
                   templates):
        app.include_router(module.router, responses=ERROR_RESPONSES)
    # Every script, style and chart library comes from the package itself (issue 12).
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_docs(app)
    install_pages(app)

    @app.get("/health", tags=["health"], response_model=Health,
             summary="Liveness (no authentication)",
             responses={503: {"model": ErrorBody, "description": (
                 "the served SQLite ledger's file is not there (moved or deleted while "
                 "serving; the server's log names it); retry after `Retry-After` s")}})
    async def health() -> JSONResponse:
        # A load balancer or a monitor asks this, not a request with a token: a served
        # SQLite file moved away or deleted is a server that answers every request 503,
        # so it says so too (a stat, no open; PostgreSQL's reachability is not asked).
        refuse_a_ledger_gone(settings.store_env)
        return await reply(Health, {"status": "ok"})

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            schema.setdefault("components", {}).setdefault("schemas", {}).update(
                command_schemas())
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def command_schemas() -> dict[str, Any]:
    """`Command` (one of every command model, by `type`) and the models it refers to."""
    union = reduce(or_, COMMAND_MODELS)
    adapter: TypeAdapter[Any] = TypeAdapter(
        Annotated[union, Field(discriminator="type")])  # type: ignore[arg-type]
    schema = adapter.json_schema(ref_template="#/components/schemas/{model}")
    definitions = schema.pop("$defs", {})
    return {**definitions, "Command": schema}
