"""`jixiao`: the command line. Every verb takes `--db PATH` (SQLite, the default store);
PostgreSQL is chosen by the environment instead (see README). Each verb parses, calls one
use case (api/usecases) and renders: a table for people, `--json` for programs.

Exit codes: 0 ok; 2 bad input (nothing written), a mistyped verb or option included, and
a --db that opens no ledger (a folder, not a database) or is given where the environment
chooses PostgreSQL, and `serve` at a path with no ledger; 3 not found (a missing ledger
too); 4 conflict (a write to a read-only ledger too); 5 blocked calculation (facts
missing); 6 busy (another writer holds the store: nothing was written, run it again);
129, 130, 143 a new ledger's build stopped by SIGHUP, SIGINT, SIGTERM (none was made);
1 anything else.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from typing import TYPE_CHECKING

from api.cli.context import ARGV, ENVIRON
from api.cli.help_language import asks_for_help, translate_help
from api.cli.usage import show_usage_error
from api.i18n import N_, _, from_environment, use_language

if TYPE_CHECKING:
    import typer

    from domain.errors import DomainError

BLOCKED = 5  # api.usecases.reports.CalculationBlockedError: facts missing
# A new ledger's build unwound on a signal (SIGHUP, SIGINT, SIGTERM): nothing placed.
STOPPED = N_("stopped by {signal}: the new ledger was not made; nothing was written")


def __getattr__(name: str) -> typer.Typer:
    """`api.cli.app`: the whole command tree (scripts/i18n.py reads its help texts)."""
    if name == "app":
        from api.cli.tree import full_app  # noqa: PLC0415 - the whole tree, when asked for

        return full_app()
    raise AttributeError(name)


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
    return _in_context(argv, environ, _run)


def plain_payout(argv: Sequence[str], options: Mapping[str, str],
                 environ: Mapping[str, str] | None = None) -> int:
    """`payout --period P --with FILE` in the plain form `api.cli_launch` recognises
    (`options` as it read them: --db, --actor, --json, --lang), run as `main` runs the
    verb, with the same errors and exit codes, but without typer and the command tree:
    their import was ≈0.1 s of CPU of a what-if's start (the typer-free path is
    api/cli/sessions.py, api/cli/plain.py)."""
    from api.cli.plain import print_payout  # noqa: PLC0415 - the report's use cases

    return _in_context(argv, environ, lambda _words: _guarded(lambda: print_payout(
        options["--period"], db=options.get("--db"), actor=options.get("--actor"),
        json="--json" in options, as_of_text=None, with_file=options["--with"])))


def _in_context(argv: Sequence[str] | None, environ: Mapping[str, str] | None,
                run: Callable[[list[str]], int]) -> int:
    token = ENVIRON.set(os.environ if environ is None else environ)
    # The words as click reads them, --lang moved to the front, are the ones the verb is
    # read from (`sessions._verb`): `--lang en apply …` is an apply.
    lang, words = _lang_option(list(sys.argv[1:] if argv is None else argv))
    argv_token = ARGV.set(tuple(words))
    try:
        with use_language(from_environment(lang, ENVIRON.get())):
            return run(words)
    finally:
        ARGV.reset(argv_token)
        ENVIRON.reset(token)


def _closed_pipe(stop: SystemExit) -> bool:
    cause = stop.__context__
    while cause is not None and not isinstance(cause, BrokenPipeError):
        cause = cause.__context__
    return cause is not None


def _run(argv: list[str]) -> int:
    import typer  # noqa: PLC0415 - the command tree's; a plain what-if runs without it

    from api.cli.tree import command_for  # noqa: PLC0415 - after ARGV and ENVIRON are set

    command = command_for(argv)
    if asks_for_help(argv):
        translate_help(command)

    def invoke() -> int:
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
        return result if isinstance(result, int) else 0

    return _guarded(invoke)


def _guarded(call: Callable[[], int]) -> int:
    """The exit code of `call`, or of the domain error it raised, told in the reader's
    language."""
    try:
        return call()
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error of ours.
        sys.stderr.close()
        return 0
    except SystemExit as stop:
        # typer (as click) and rich meet a closed pipe (EPIPE) themselves, even when not
        # standalone: each quiets stdout and exits 1 while handling the BrokenPipeError.
        # `jixiao … | head` is not an error of ours (the warm payout answers 0 too).
        if _closed_pipe(stop):
            return 0
        return _stopped(stop)
    except Exception as error:
        code = _told(error)
        if code is None:
            raise
        return code


def _stopped(stop: SystemExit) -> int:
    """A new ledger's build stopped by a signal (SIGHUP, SIGINT, SIGTERM: api/storage/
    new_ledger.py `Stopped`) is said, with its code; any other exit raised on. Its module
    is imported here only once a build has (the same as `_told`'s domain errors)."""
    if "api.storage.new_ledger" not in sys.modules:
        raise stop
    from api.storage.new_ledger import Stopped  # noqa: PLC0415 - see above

    if not isinstance(stop, Stopped):
        raise stop
    stream = sys.stderr  # None when started with it closed (cron, `2>&-`)
    # SIGHUP: the terminal is gone (EIO), and the exit code is all that is left.
    with suppress(OSError, ValueError):
        if stream is not None:
            # Ctrl-C at a terminal left its "^C" on the line.
            lead = "\n" if stop.signal == "SIGINT" and stream.isatty() else ""
            print(lead + _(STOPPED).format(signal=stop.signal), file=stream)
    return int(stop.code or 0)


def _told(error: Exception) -> int | None:
    """The exit code of a domain error, told on standard error; None for any other error.
    The domain's errors are imported here, not with the module: a `--help` or a mistyped
    verb never imports the domain, and a domain error is raised only once it has been."""
    if "domain.errors" not in sys.modules:
        return None
    from api.i18n.messages import refusal  # noqa: PLC0415 - with the domain, see above
    from domain.errors import DomainError, RejectedError  # noqa: PLC0415

    if isinstance(error, RejectedError):
        print(refusal(str(error), error.problems), file=sys.stderr)
        return 2
    if not isinstance(error, DomainError):
        return None
    blocked = type(error).__name__ == "CalculationBlockedError"
    shown = refusal(str(error), getattr(error, "problems", ()), blocked=blocked)
    print(_("error: {message}").format(message=shown), file=sys.stderr)
    return _exit_code(error)


def _exit_code(error: DomainError) -> int:
    from api.usecases.reports import CalculationBlockedError  # noqa: PLC0415 - raised by then
    from domain.errors import (  # noqa: PLC0415 - see _told
        BusyError,
        ConflictError,
        InvalidRequestError,
        NotFoundError,
    )

    if isinstance(error, CalculationBlockedError):
        return BLOCKED
    exit_codes: dict[type[DomainError], int] = {
        BusyError: 6, InvalidRequestError: 2, NotFoundError: 3, ConflictError: 4}
    return next((code for kind, code in exit_codes.items() if isinstance(error, kind)), 1)
