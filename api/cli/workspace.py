"""`jixiao demo|serve`: a demo store to try things on, and the HTTP API over a store."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.options import CREATED, ENVIRON, Actor, Db, whole_number
from api.cli.render import reconciliation_text, stage_bar, summary_text
from api.http.proxies import FORWARDED_ALLOW_IPS_DEFAULT, forwarded_allow_ips
from api.i18n import _, current_language
from api.render_text import demo_description_text
from api.storage.session import ledger_exists, ledger_location, store_env

if TYPE_CHECKING:
    # At run time `demo` imports it: the demo's scenario is slow to import, and every
    # other verb builds this module's command tree too.
    from api.usecases import demo as demo_case

app = typer.Typer()


@app.command("demo")
def demo(*, year: Annotated[int, typer.Option(help="The demo year.",
                                                          parser=whole_number)] = 2026,
         force: Annotated[bool, typer.Option("--force",
                                             help="Replace an existing demo file.")] = False,
         serve_pages: Annotated[bool, typer.Option(
             "--serve", help="Then create one account per role (passwords printed) and "
             "serve the web pages.")] = False,
         host: Annotated[str, typer.Option(help="--serve: the address.")] = "127.0.0.1",
         port: Annotated[int, typer.Option(help="--serve: the port.",
                                           parser=whole_number)] = 8000,
         db: Db = None, actor: Actor = None) -> int:
    """Write a fresh demo hospital year and print its payouts; --serve also serves the
    pages."""
    from api.usecases import demo as demo_case  # noqa: PLC0415 - see the top

    request = demo_case.DemoRequest(db, ENVIRON.get(), year, force, actor)
    demo_case.refuse_a_read_only_target(request)  # before it says it writes
    count = demo_case.demo_size(year)  # a year it cannot write is refused here
    if not ledger_exists(store_env(db, ENVIRON.get())):
        print(_(CREATED).format(where=ledger_location(store_env(db, ENVIRON.get()))),
              file=sys.stderr)
    target = _("the configured PostgreSQL store")
    if store_env(db, ENVIRON.get())["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        target = store_env(db, ENVIRON.get())["SQLITE_DBNAME"]
    print(_("Writing the {year} demo year of 兴和县医院 (scheme {scheme}) into {target}: "
            "{count} commands").format(year=year, scheme=demo_case.SCHEME_ID, target=target,
                                       count=count), file=sys.stderr)
    written = demo_case.write_demo_year(request, progress=_bar)
    print(_("recorded {count} event(s), {already} already recorded, in {seconds}s").format(
        count=written.recorded, already=written.already_recorded,
        seconds=f"{written.seconds:.1f}"), file=sys.stderr)
    _print_demo(written)
    if not written.balanced:
        print(_("error: a period does not balance to 0.00"), file=sys.stderr)
        return 1
    if serve_pages:
        from api.cli.demo_serve import serve_demo  # noqa: PLC0415 - only --serve needs it
        return serve_demo(db, host, port, actor)
    return 0


def _bar(stage: str, done: int, total: int) -> None:
    stage_bar(stage, done, total, end=stage == "loading" and done == total)


def _print_demo(written: demo_case.DemoYear) -> None:
    print(_("Demo year {year}: {description}").format(
        year=written.year, description=demo_description_text(written.description)))
    for report in written.reports:
        print()
        print(summary_text(report))
        print(reconciliation_text(report))
    db = "" if written.sqlite_path is None else f" --db {written.sqlite_path}"
    year = written.year
    print()
    print(_("Try next:"))
    print(f"  jixiao payout   {db} --period {year}-Q2")
    print(f"  jixiao explain  {db} --period {year}-Q2 --employee E0001")
    print(f"  jixiao explain  {db} --period {year}-Q3 --department endoscopy")
    print(f"  jixiao reconcile{db} --period {year}-YE")
    print(f"  jixiao events   {db} --limit 20")


@app.command("serve")
def serve(*, host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="The port.", parser=whole_number)] = 8000,
          log_level: Annotated[str, typer.Option(help="uvicorn's log level.")] = "info",
          ssl_certfile: Annotated[str | None, typer.Option(help="TLS certificate (PEM).")] = None,
          ssl_keyfile: Annotated[str | None, typer.Option(help="TLS private key (PEM).")] = None,
          forwarded_allow_ips: Annotated[str, typer.Option(
              parser=_proxies,
              help="The reverse proxies whose "
                   "X-Forwarded-For / -Proto headers count (addresses or networks, "
                   "comma-separated; '' trusts none; '*' any peer).")
          ] = FORWARDED_ALLOW_IPS_DEFAULT,
          db: Db = None, actor: Actor = None) -> int:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    del actor  # the server's callers are its users, each with a token
    import uvicorn  # noqa: PLC0415 - only `serve` needs the server

    from api.http.app import create_app  # noqa: PLC0415 - nor the app
    from api.http.hardening import transport_warning  # noqa: PLC0415
    from api.http.server_log import logging_config  # noqa: PLC0415
    from api.http.settings import ServerSettings  # noqa: PLC0415
    from api.storage.served import check_servable  # noqa: PLC0415

    env = store_env(db, ENVIRON.get())
    check_servable(env)
    warning = transport_warning(host, tls=bool(ssl_certfile and ssl_keyfile))
    if warning is not None:
        print(warning, file=sys.stderr)
    app_ = create_app(ServerSettings(
        store_env=env,
        master_key_file=ENVIRON.get().get("JIXIAO_MASTER_KEY_FILE")))
    # uvicorn rewrites the client address and the scheme from a trusted proxy's headers
    # (the limits count the real client; cookies are Secure behind a TLS proxy).
    # The server's own log lines in the process's language (uvicorn's stay as they are).
    log_config = logging_config(uvicorn.config.LOGGING_CONFIG, current_language())
    uvicorn.run(app_, host=host, port=port, log_level=log_level, log_config=log_config,
                ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile,
                proxy_headers=bool(forwarded_allow_ips),
                forwarded_allow_ips=forwarded_allow_ips or None)
    return 0


def _proxies(text: str) -> str:
    try:
        return forwarded_allow_ips(text)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
