"""`--help` in the reader's language (zh-CN unless `--lang en` or JIXIAO_LANG say so).

typer builds the help from the English texts the verbs are defined with; just before a
help is shown, every text of the command tree (a verb's help, its options' helps) and
typer's own words (its panels, the usage line) are looked up in the catalogue: the
`clihelp` domain, which scripts/i18n.py extracts by walking this same tree. A text
without a translation stays English. Only when help is asked for, so no other verb pays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any

from api.i18n import N_, _

HELP_WORDS = frozenset({"--help", "-h"})
# Set while a help page is drawn: only there does the usage line change its words (a
# usage error's own line is translated by api/cli/usage.py, from click's English).
_DRAWING_HELP: ContextVar[bool] = ContextVar("drawing_help", default=False)
USAGE = "Usage: "  # click's own prefix of the usage line
# typer's words, by the name it keeps them under (typer.rich_utils).
TYPER_WORDS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
}
TRANSLATED_USAGE = N_("Usage: ")
# click's help of --help itself, made afresh by each command, so it is named here.
N_("Show this message and exit.")


def asks_for_help(words: Sequence[str]) -> bool:
    """Whether these words show a help: no words at all, or --help / -h among them."""
    return not words or any(word in HELP_WORDS for word in words)


def translate_help(command: Any) -> None:
    """The command tree's help texts and typer's words in the current language."""
    from typer import rich_utils  # noqa: PLC0415 - typer is loaded by now anyway

    for name, text in TYPER_WORDS.items():
        setattr(rich_utils, name, _(text))
    # A private function of typer (pinned at 0.29.2 in pyproject.toml, which calls it with
    # keywords only); if a later typer drops it, help is drawn unfolded rather than failing,
    # and tests/api/test_cli_help_language.py says so.
    make = getattr(rich_utils, "_make_rich_text", None)
    if make is not None and not getattr(make, "folds", False):
        rich_utils._make_rich_text = _folding(make)
    _translate(command)


def _folding(make: Callable[..., Any]) -> Callable[..., Any]:
    """typer's help texts, folded where a run is wider than its column. rich breaks lines
    only at spaces and cuts a longer run with "…"; a Chinese sentence is one run, so at 80
    columns an option's help lost its middle (「假定已执行该 JSON Line…」). Chinese may break
    between any two characters, so folding the run is how it is typeset anyway."""

    def made(**kwargs: Any) -> Any:
        text = make(**kwargs)
        if hasattr(text, "overflow"):
            text.overflow = "fold"
        return text

    made.folds = True  # type: ignore[attr-defined]
    return made


def help_texts(command: Any) -> list[tuple[str, str]]:
    """(where, text) of every help text in the tree, untranslated (for the catalogue)."""
    found: list[tuple[str, str]] = []

    def visit(node: Any, path: str) -> None:
        found.extend((path, text) for text in _texts(node))
        for name, sub in getattr(node, "commands", {}).items():
            visit(sub, f"{path} {name}")

    visit(command, "jixiao")
    return found


def _texts(command: Any) -> list[str]:
    texts = [getattr(command, a, None) for a in ("help", "short_help", "epilog")]
    texts += [getattr(p, "help", None) for p in command.params]
    return [t for t in texts if t]


def _translate(command: Any) -> None:
    for attribute in ("help", "short_help", "epilog"):
        text = getattr(command, attribute, None)
        if text:
            setattr(command, attribute, _(text))
    if command.help and not command.short_help:
        command.short_help = first_sentence(command.help)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = _(param.help)
    command.get_usage = _usage(command.get_usage)
    command.format_help = _drawing_help(command.format_help)
    command.get_help_option = _help_option(command.get_help_option)
    for sub in getattr(command, "commands", {}).values():
        _translate(sub)


def first_sentence(text: str) -> str | None:
    """A Chinese help's first sentence, for the list of verbs: rich wraps lines only at
    spaces, so a long sentence of Chinese without them is cut to one line there."""
    head, stop, rest = text.partition("。")
    return head + stop if stop and rest.strip() else None


def _usage(get_usage: Callable[[Any], str]) -> Callable[[Any], str]:
    def translated(ctx: Any) -> str:
        usage = get_usage(ctx)
        return usage.replace(USAGE, _(TRANSLATED_USAGE), 1) if _DRAWING_HELP.get() else usage

    return translated


def _drawing_help(format_help: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    def drawing(ctx: Any, formatter: Any) -> None:
        token = _DRAWING_HELP.set(True)
        try:
            format_help(ctx, formatter)
        finally:
            _DRAWING_HELP.reset(token)

    return drawing


def _help_option(get_option: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def translated(ctx: Any) -> Any:
        option = get_option(ctx)
        if option is not None and option.help:
            option.help = _(option.help)
        return option

    return translated
