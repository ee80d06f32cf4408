"""`jixiao`: the command line. Every verb takes `--db PATH` (SQLite, the default store);
PostgreSQL is chosen by the environment instead (see README). Each verb parses, calls one
use case (api/usecases) and renders: a table for people, `--json` for programs.

Exit codes: 0 ok; 2 bad input (nothing written), a mistyped verb or option included;
3 not found; 4 conflict; 5 blocked calculation (facts missing); 6 busy (another writer
holds the store: nothing was written, run it again); 1 anything else.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import Annotated

import typer

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
from api.cli.help_language import asks_for_help, translate_help
from api.cli.options import ARGV, ENVIRON
from api.cli.procedures import app as procedures_app
from api.cli.usage import show_usage_error
from api.i18n import _, from_environment, normalise, use_language
from api.i18n.messages import refusal
from api.usecases.reports import CalculationBlockedError
from domain.errors import (
    BusyError,
    ConflictError,
    DomainError,
    InvalidRequestError,
    NotFoundError,
    RejectedError,
)

EXIT_CODES: dict[type[DomainError], int] = {
    CalculationBlockedError: 5,
    BusyError: 6,
    InvalidRequestError: 2,
    NotFoundError: 3,
    ConflictError: 4,
}

app = typer.Typer(
    name="jixiao", no_args_is_help=True, add_completion=False,
    pretty_exceptions_enable=False,
    help="An event-sourced ledger for performance scores and performance pay (绩效): "
    "record facts, then report, explain, close and appeal a period's pay.",
    context_settings={"help_option_names": ["--help", "-h"]},
)
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


@app.callback()
def _global_options(lang: Annotated[str | None, typer.Option(
        "--lang", help="The language of human output: zh (default) or en; $JIXIAO_LANG "
        "too. --json output is the same in every language.", show_default=False)] = None,
                    ) -> None:
    # `main` has already chosen the language from the words; here the value is checked.
    if lang is not None and normalise(lang) is None:
        raise typer.BadParameter(_("{lang} is not a language here; choose zh or en").format(
            lang=repr(lang)), param_hint="--lang")


def _lang_option(words: Sequence[str]) -> tuple[str | None, list[str]]:
    """--lang wherever it is typed (before or after the verb): its value, and the words
    with it moved to the front, where click reads the global option."""
    for number, word in enumerate(words):
        if word == "--lang" and number + 1 < len(words):
            value, rest = words[number + 1], [*words[:number], *words[number + 2:]]
        elif word.startswith("--lang="):
            value, rest = word.removeprefix("--lang="), [*words[:number], *words[number + 1:]]
        else:
            continue
        return value, ["--lang", value, *rest]
    return None, list(words)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run one verb and return its exit code. `environ` stands in for os.environ (tests
    pass their own store)."""
    token = ENVIRON.set(os.environ if environ is None else environ)
    words = list(sys.argv[1:] if argv is None else argv)
    argv_token = ARGV.set(tuple(words))
    try:
        lang, words = _lang_option(words)
        with use_language(from_environment(lang, ENVIRON.get())):
            return _run(words)
    finally:
        ARGV.reset(argv_token)
        ENVIRON.reset(token)


def _run(argv: list[str]) -> int:
    command = typer.main.get_command(app)
    if asks_for_help(argv):
        translate_help(command)
    try:
        # Not standalone: click would sys.exit, and the domain's errors need their codes.
        result = command.main(argv, prog_name="jixiao", standalone_mode=False)
    except typer.TyperException as error:
        # typer's own click: a mistyped verb or option, with a suggestion; exit code 2.
        show = getattr(error, "show", None)
        if type(error).__name__ == "NoArgsIsHelpError" and show is not None:
            show()  # the help itself, not an error
        else:
            show_usage_error(error)
        return error.exit_code
    except typer.Abort:
        print(_("Aborted!"), file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error of ours.
        sys.stderr.close()
        return 0
    except RejectedError as error:
        print(refusal(str(error), error.problems), file=sys.stderr)
        return 2
    except DomainError as error:
        shown = refusal(str(error), getattr(error, "problems", ()))
        print(_("error: {message}").format(message=shown), file=sys.stderr)
        return next((code for kind, code in EXIT_CODES.items() if isinstance(error, kind)), 1)
    return result if isinstance(result, int) else 0
