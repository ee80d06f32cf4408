"""Write api/cli/verb_list.py, the list of verbs `jixiao --help`, a group's `--help` and a
mistyped verb's error are drawn from (api/cli/tree.py), from the whole command tree:

    python scripts/verb_list.py

tests/api/test_cli_help_tree.py fails when the list no longer matches the tree."""

from __future__ import annotations

import os
import pprint
import sys
from pathlib import Path

import typer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's api/, whatever is installed

from api.cli.tree import described, full_app  # noqa: E402

HEAD = '''"""The list of `jixiao`'s verbs and groups: each one's name and what the whole command
tree has of it for its list and its errors (help texts, attributes that differ from a new
command's). Written by scripts/verb_list.py: do not edit; regenerate when a verb or its
help changes (tests/api/test_cli_help_tree.py says when)."""
# ruff: noqa: E501 - written by a program (a Chinese character is two columns wide)

from __future__ import annotations

from typing import Any, Final

'''


def main() -> None:
    listed = listed_verbs()
    text = HEAD + "VERBS: Final[list[dict[str, Any]]] = [\n" + "".join(
        f" {pprint.pformat(entry, width=96)},\n" for entry in listed) + "]\n"
    # Written whole, then moved over the list: a run that fails leaves the old one (a
    # shell's `>` would empty it first, and every `--help` would fail to import it).
    target = ROOT / "api" / "cli" / "verb_list.py"
    scratch = target.with_suffix(".py.new")
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, target)


def listed_verbs() -> list[dict[str, object]]:
    """The entries of the whole tree's verbs, in its order."""
    top = typer.main.get_command(full_app())
    return [described(command) for command in getattr(top, "commands").values()]  # noqa: B009


if __name__ == "__main__":
    main()
