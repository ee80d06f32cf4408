"""`jixiao --help`, a group's `--help` and a mistyped verb's error are drawn from the list
of verbs (api/cli/verb_list.py, api/cli/tree.py) instead of the whole command tree: the
list must be the tree's, and every such page and error the one the whole tree draws, in
both languages, byte for byte."""

from __future__ import annotations

from typing import Any

import pytest
import typer

from api.cli import main, tree
from api.cli.verb_list import VERBS

GROUPS = [entry["name"] for entry in VERBS if "commands" in entry]
# The words the list answers: the top, each group, and what names no verb there.
WORDS = [[], ["--help"], ["-h"], ["payuot"], ["nosuch"], ["--bogus"], ["--lang"],
         *([group, "--help"] for group in GROUPS), *([group] for group in GROUPS),
         *([group, "fiel"] for group in GROUPS), *([group, "--bogus"] for group in GROUPS),
         ["--lang", "fr", "appeal", "--help"], ["--lang", "fr", "payuot"]]


def test_the_list_of_verbs_is_the_whole_tree_s() -> None:
    top: Any = typer.main.get_command(tree.full_app())
    assert VERBS == [tree.described(command) for command in top.commands.values()], (
        "regenerate: python scripts/verb_list.py")


def _drawn(argv: list[str], environ: dict[str, str],
           capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv, environ)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("words", WORDS, ids=" ".join)
def test_the_list_draws_what_the_whole_tree_draws(
        words: list[str], lang: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert tree.drawn_from_list(words)
    environ = {"JIXIAO_LANG": lang}
    listed = _drawn(words, environ, capsys)
    monkeypatch.setattr(tree, "drawn_from_list", lambda _words: False)
    whole = _drawn(words, environ, capsys)
    assert listed == whole
    assert listed[1] or listed[2]  # something was drawn


@pytest.mark.parametrize("words", [
    ["payout", "--help"], ["appeal", "file", "--help"], ["keys", "master"],
    ["appeal", "--", "file"], ["--lang", "en", "settings"],
    # After `--` click reads the next word as the verb (it was once a listed stand-in
    # that did nothing and exited 0).
    ["--", "verify"], ["--lang", "en", "--", "payout", "--period", "2026-Q1"]])
def test_a_verb_of_the_list_is_read_by_its_tree(words: list[str]) -> None:
    assert not tree.drawn_from_list(words)


def test_a_verb_of_the_list_never_runs_quietly() -> None:
    """Were the list ever to run a verb, it fails aloud rather than exit 0 having done
    nothing."""
    with pytest.raises(RuntimeError, match="verb of the list was run"):
        tree.listed_tree().main(["verify"], standalone_mode=False)
