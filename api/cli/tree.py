"""The command tree `jixiao` parses: the whole of it (`full_app`: every verb, for the list
of verbs, a mistyped verb's suggestion and the message catalogue), or only the module of
the verb typed (`verb_app`). A verb's module imports its use cases, and each module
imports others (appeals, exports, keys, the server's proxies): a `payout --with` that
built the whole tree spent about a quarter of its process on imports no payout needs.

`VERB_MODULES` names the module of each top-level verb that is a command of its own;
a verb not named there (a group such as `appeal` or `export`, or a verb added without
a line here) gets the whole tree, so a missing line costs time, never an answer.
tests/api/test_cli_tree.py checks every line against the whole tree."""
# ruff: noqa: PLC0415 - the whole tree is imported only when it is asked for

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Annotated

import typer

from api.i18n import _, normalise

# verb → the api.cli module whose `app` (or the attribute after ":") holds it.
VERB_MODULES: dict[str, str] = {
    **dict.fromkeys(("apply", "close", "schema"), "ledger"),
    **dict.fromkeys(("payout", "reconcile", "explain", "restatement", "diff"), "reports"),
    "grades": "grades",
    **dict.fromkeys(("events", "verify"), "audit"),
    "users": "users",
    **dict.fromkeys(("demo", "serve"), "workspace"),
    **dict.fromkeys(("payslips", "verify-document"), "exports:documents_app"),
    **dict.fromkeys(("checkpoint", "init", "backup", "restore"), "integrity"),
    **dict.fromkeys(("import", "template"), "imports"),
    "settings": "settings",
}


def root() -> typer.Typer:
    """`jixiao` with its global options and no verbs yet."""
    app = typer.Typer(
        name="jixiao", no_args_is_help=True, add_completion=False,
        pretty_exceptions_enable=False,
        help="An event-sourced ledger for performance scores and performance pay (绩效): "
        "record facts, then report, explain, close and appeal a period's pay.",
        context_settings={"help_option_names": ["--help", "-h"]},
    )
    app.callback()(_global_options)
    return app


def _global_options(lang: Annotated[str | None, typer.Option(
        "--lang", help="The language of human output: zh (default) or en; $JIXIAO_LANG "
        "too. --json output is the same in every language.", show_default=False)] = None,
                    ) -> None:
    # `main` has already chosen the language from the words; here the value is checked.
    if lang is not None and normalise(lang) is None:
        raise typer.BadParameter(_("{lang} is not a language here; choose zh or en").format(
            lang=repr(lang)), param_hint="--lang")


def verb_app(verb: str) -> typer.Typer:
    """The tree with `verb`'s module only, or the whole tree when the verb has no line in
    VERB_MODULES."""
    where = VERB_MODULES.get(verb)
    if where is None:
        return full_app()
    module, _colon, attribute = where.partition(":")
    app = root()
    app.add_typer(getattr(import_module(f"api.cli.{module}"), attribute or "app"))
    return app


@cache  # the registrations below extend module-level groups: made once per process
def full_app() -> typer.Typer:
    """Every verb of `jixiao`."""
    from api.cli import (
        appeals,
        audit,
        exports,
        grades,
        imports,
        integrity,
        ledger,
        reports,
        schemes,
        settings,
        users,
        workspace,
    )
    from api.cli.bank import register as register_bank
    from api.cli.calendar import app as calendar_app
    from api.cli.procedures import app as procedures_app

    app = root()
    for verbs in (ledger.app, reports.app, grades.app, audit.app, users.app, workspace.app,
                  exports.documents_app, integrity.app):
        app.add_typer(verbs)
    app.add_typer(imports.app)
    appeals.app.registered_commands.extend(exports.appeal_app.registered_commands)  # letter
    app.add_typer(appeals.app, name="appeal")
    app.add_typer(exports.app, name="export")
    app.add_typer(schemes.app, name="scheme")
    app.add_typer(calendar_app, name="calendar")
    app.add_typer(procedures_app, name="procedures")
    # `keys` is one group: signing keys (integrity) and the master key (bank) join it.
    register_bank(app, exports.app, integrity.keys)  # export payroll|bank, personal (issue 13)
    app.add_typer(integrity.keys, name="keys")
    app.add_typer(settings.app)  # jixiao settings
    return app
