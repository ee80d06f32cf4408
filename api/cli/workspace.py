"""`jixiao demo|serve`: a demo store to try things on, and the HTTP API over a store."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from api.cli.options import ENVIRON, Actor, Db
from api.storage.session import store_env
from api.usecases import demo as demo_case

app = typer.Typer()


@app.command("demo")
def demo(*, year: Annotated[int, typer.Option(help="The demo year.")] = 2026,
         force: Annotated[bool, typer.Option("--force",
                                             help="Replace an existing demo file.")] = False,
         db: Db = None, actor: Actor = None) -> int:
    """Write a fresh demo hospital year and print its payouts."""
    return demo_case.run_demo(demo_case.DemoRequest(db, ENVIRON.get(), year, force, actor))


@app.command("serve")
def serve(*, host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="The port.")] = 8000,
          log_level: Annotated[str, typer.Option(help="uvicorn's log level.")] = "info",
          ssl_certfile: Annotated[str | None, typer.Option(help="TLS certificate (PEM).")] = None,
          ssl_keyfile: Annotated[str | None, typer.Option(help="TLS private key (PEM).")] = None,
          db: Db = None, actor: Actor = None) -> int:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    del actor  # the server's callers are its users, each with a token
    import uvicorn  # noqa: PLC0415 - only `serve` needs the server

    from api.http.app import create_app  # noqa: PLC0415 - nor the app
    from api.http.hardening import transport_warning  # noqa: PLC0415
    from api.http.settings import ServerSettings  # noqa: PLC0415

    warning = transport_warning(host, tls=bool(ssl_certfile and ssl_keyfile))
    if warning is not None:
        print(warning, file=sys.stderr)
    app_ = create_app(ServerSettings(store_env=store_env(db, ENVIRON.get())))
    uvicorn.run(app_, host=host, port=port, log_level=log_level,
                ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile)
    return 0
