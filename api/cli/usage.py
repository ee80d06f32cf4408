"""Usage errors in the reader's language: a mistyped verb or option, a missing or extra
value. typer's bundled click raises them with English texts (f-strings, so no gettext
catalogue reaches them); here each known text is matched against its template and
shown translated, its values (option names, the typed words) carried over unchanged.
A text no template matches is shown as click wrote it."""

from __future__ import annotations

import re
import sys
from functools import cache
from typing import Any, Final

from api.i18n import N_, gettext

# click's and typer's texts (typer/_click/exceptions.py, parser.py, core.py; typer/core.py)
TEMPLATES: Final = (
    N_("No such option: {name} (Possible options: {options})"),
    N_("No such option: {name}"),
    N_("No such command {name}. Did you mean {suggestion}?"),
    N_("No such command {name}."),
    N_("Missing command."),
    N_("Missing option {name}. {detail}"),
    N_("Missing option {name}."),
    N_("Missing argument {name}."),
    N_("Missing parameter: {name}"),
    N_("Option {name} requires an argument."),
    N_("Option {name} requires {count} arguments."),
    N_("Option {name} does not take a value."),
    N_("Got unexpected extra argument(s) ({words})"),
    N_("Got unexpected extra argument ({words})"),
    N_("Invalid value for {name}: {reason}"),
    N_("Invalid value: {reason}"),
    N_("Value {value} is not a valid {kind}."),
    # typer's check of a choice (an import kind) prefixes pydantic's way; before the next,
    # which would take the prefix as part of the value
    N_("Value error, {reason}"),
    N_("{value} is not one of {choices}."),
    N_("Argument {name} takes {count} values."),
    N_("{value} is not a whole number written in ASCII digits"),  # api/cli/options.py
)
PLACEHOLDER: Final = re.compile(r"\{(\w+)\}")


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    compiled = []
    for template in TEMPLATES:
        pieces = PLACEHOLDER.split(template)
        regex = "".join(re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.+?)"
                        for i, piece in enumerate(pieces))
        compiled.append((re.compile(regex, re.S), template))
    return tuple(compiled)


def translated(text: str) -> str:
    """One usage message in the current language. A reason inside it (an invalid value's)
    is translated too when it is one of these texts."""
    for pattern, template in _patterns():
        match = pattern.fullmatch(text)
        if match is not None:
            values = {k: translated(v) if k in ("reason", "detail") else v
                      for k, v in match.groupdict().items()}
            return gettext(template).format(**values)
    return text


def show_usage_error(error: Any) -> None:
    """What click's `UsageError.show` prints (the usage line, the help hint, the error),
    in the reader's language."""
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        usage = ctx.get_usage().removeprefix("Usage:").strip()
        print(gettext("Usage: {usage}").format(usage=usage), file=sys.stderr)
        if ctx.command.get_help_option(ctx) is not None:
            print(gettext("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=ctx.help_option_names[0]), file=sys.stderr)
        print(file=sys.stderr)
    print(gettext("Error: {message}").format(message=translated(error.format_message())),
          file=sys.stderr)


# The texts above, marked for the extractor (they are formatted, not looked up as is).
N_("Usage: {usage}")
N_("Try '{command} {option}' for help.")
N_("Error: {message}")
