"""The command tree `jixiao` parses: the whole of it (`full_app`: every verb, for the list
of verbs, a mistyped verb's suggestion and the message catalogue), or only the module of
the verb typed (`verb_app`). A verb's module imports its use cases, and each module
imports others (appeals, exports, keys, the server's proxies): a `payout --with` that
built the whole tree spent about a quarter of its process on imports no payout needs.

`VERB_MODULES` names the module of each top-level verb that is a command of its own;
a verb not named there (a group such as `appeal` or `export`, or a verb added without
a line here) gets the whole tree, so a missing line costs time, never an answer.
tests/api/test_cli_tree.py checks every line against the whole tree. A verb missing
from the list below (added, the list not written again) is refused as no such verb
until the list is written: tests/api/test_cli_help_tree.py fails until then.

The list of verbs (`jixiao --help`, a group's `--help`, a mistyped verb's error) is drawn
from `api.cli.verb_list` instead (`command_for`): the names and help texts of the whole
tree, written out by scripts/verb_list.py, so that no verb's module is imported (the
whole tree imports the domain, the projections, pydantic and eventsourcing: ≈0.3 s of a
0.44 s `--help`). tests/api/test_cli_help_tree.py checks the list against the whole tree,
and every such page and error against the one the whole tree draws."""
# ruff: noqa: PLC0415 - the whole tree is imported only when it is asked for

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import import_module
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import DefaultPlaceholder

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


def command_for(words: Sequence[str]) -> Any:
    """The click command that parses `words` (`main` has moved --lang to the front)."""
    if drawn_from_list(words):
        return listed_tree()
    return typer.main.get_command(verb_app(verb_of(words)))


def verb_of(words: Sequence[str]) -> str:
    """The verb typed ("" for none): the first word after the global options."""
    rest = words[2:] if words[:1] == ["--lang"] else words
    return "" if not rest or rest[0].startswith("-") else rest[0]


def drawn_from_list(words: Sequence[str]) -> bool:
    """Whether the list of verbs answers these words as the whole tree would: they stop
    at the top or at a group (its help, a usage error: the groups take no options but
    --help) or name no verb there; never when a verb of the list is to run or draw its
    own help."""
    if "--" in words:
        return False  # what follows is a verb's words, whatever they look like
    verb = verb_of(words)
    if verb in VERB_MODULES:
        return False
    from api.cli.verb_list import VERBS

    listed = {entry["name"]: entry for entry in VERBS}
    if verb == "" or verb not in listed:
        return True  # the top's own options and help, or no such verb
    entry = listed[verb]
    if "commands" not in entry:
        return False  # a verb of its own without a VERB_MODULES line: the whole tree
    rest = words[list(words).index(verb) + 1:]
    sub = next((word for word in rest if not word.startswith("-")), None)
    return sub not in {command["name"] for command in entry["commands"]}


def listed_tree() -> Any:
    """The top of the tree with every verb and group of `api.cli.verb_list`: each as the
    whole tree has it for its list and its errors, without its options or its function.
    Made afresh each time, as typer makes the whole tree's: a help translates it in place."""
    from api.cli.verb_list import VERBS

    top = typer.main.get_command(root())
    top.commands = {entry["name"]: _listed(entry) for entry in VERBS}  # type: ignore[attr-defined]
    for param in top.params:
        _taken_as_typed(param)
    for command in (top, *top.commands.values()):  # type: ignore[attr-defined]
        command.get_help_option = _help_taken_as_typed(command.get_help_option)
    return top


def _help_taken_as_typed(get_option: Any) -> Any:
    def taken(ctx: Any) -> Any:
        option = get_option(ctx)
        if option is not None:
            _taken_as_typed(option)
        return option

    return taken


def _taken_as_typed(param: Any) -> None:
    """typer checks an option's value with a pydantic TypeAdapter, importing pydantic
    (≈30 ms, a fifth of a group's `--help`) to find that a word is a str. The options
    here (the top's --lang, every --help) take their value as parsed: a word (a str) or
    a flag's bool or None, which is what the adapter returns for them. Only while typer
    (pinned at 0.29.2) keeps these names; if a later one does not, the adapter checks as
    before."""
    try:
        from typer._coercion import PassThroughRuntimeParam
    except ImportError:
        return
    descriptor: Any = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    if annotation not in (str, bool) or getattr(param, "_runtime_param", None) is not None:
        return
    try:
        param._runtime_param = PassThroughRuntimeParam(
            annotation=annotation, parameter_info=descriptor.parameter_info)
    except TypeError:  # another constructor: the adapter checks, as before
        return


def _listed(entry: dict[str, Any]) -> Any:
    attributes = {key: value for key, value in entry.items() if key != "commands"}
    if "commands" in entry:
        return TyperGroup(commands=[_listed(sub) for sub in entry["commands"]], **attributes)
    # Never run: `drawn_from_list` sends a verb that is to run to its own tree. Were one
    # reached all the same, it fails aloud rather than exit 0 having done nothing.
    return TyperCommand(callback=_not_run, **attributes)


def _not_run() -> None:
    raise RuntimeError("internal: a verb of the list was run instead of its own tree")


# What click keeps of a command beyond its list entry: its options, function and callbacks.
UNLISTED = frozenset({"params", "callback", "commands", "_help_option", "_result_callback"})


def described(command: Any) -> dict[str, Any]:
    """A command's entry in the list of verbs: its name and every attribute that differs
    from a new command's of its class (scripts/verb_list.py writes them out)."""
    blank = type(command)(name=command.name)
    entry: dict[str, Any] = {"name": command.name}
    for key, value in vars(command).items():
        if key not in UNLISTED and _plain(value) != _plain(getattr(blank, key)):
            entry[key] = _plain(value)
    if isinstance(command, TyperGroup):
        entry["commands"] = [described(sub) for sub in command.commands.values()]
    return entry


def _plain(value: object) -> object:
    return value.value if isinstance(value, DefaultPlaceholder) else value


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
