"""A verb is parsed by the tree of its own module (api/cli/tree.py): that tree must read
the verb exactly as the whole tree does, and every verb of its own must have its line."""

from __future__ import annotations

from typing import Any

import pytest
import typer

from api.cli import main
from api.cli.tree import VERB_MODULES, full_app, verb_app


def _commands(app: typer.Typer) -> dict[str, Any]:
    # typer's own (vendored) click: its classes are not the `click` package's.
    commands: dict[str, Any] = getattr(typer.main.get_command(app), "commands")  # noqa: B009
    return commands


def _info(app: typer.Typer, verb: str) -> tuple[Any, ...]:
    """What click parses and shows of a verb: its function, help and every option."""
    command = _commands(app)[verb]
    return (getattr(command.callback, "__wrapped__", None), command.help, [
        (p.name, p.opts, p.secondary_opts, p.required, repr(p.default), getattr(p, "help", None))
        for p in command.params])


@pytest.mark.parametrize("verb", sorted(VERB_MODULES))
def test_a_verb_s_own_tree_reads_it_as_the_whole_tree_does(verb: str) -> None:
    assert _info(verb_app(verb), verb) == _info(full_app(), verb)


def test_every_verb_of_its_own_has_a_module_line() -> None:
    own = {name for name, command in _commands(full_app()).items()
           if not hasattr(command, "commands")}
    assert own == set(VERB_MODULES), "add the verb's line to VERB_MODULES (api/cli/tree.py)"


def test_a_mistyped_verb_is_still_offered_the_whole_tree(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "payot"]) == 2
    assert "payout" in capsys.readouterr().err


def test_a_group_is_read_by_the_whole_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "appeal", "--help"]) == 0
    assert "letter" in capsys.readouterr().out
