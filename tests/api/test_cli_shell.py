"""The command line's shell: typer parses, rich draws; a mistyped verb or option is a bad
input (exit 2) with a suggestion, and a table written to a pipe has the same bytes always."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from api.cli.render import table
from tests.builders import Cli


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli({"JIXIAO_DB": str(tmp_path / "shell.db"), "JIXIAO_ACTOR": "test"})


def test_a_mistyped_verb_exits_2_and_names_the_verb_meant(cli: Cli) -> None:
    run = cli("payot")
    assert run.code == 2
    assert "No such command 'payot'. Did you mean 'payout'?" in run.err
    assert run.out == ""


def test_a_mistyped_option_exits_2_and_names_the_option_meant(cli: Cli) -> None:
    run = cli("payout", "--perod", "2026-Q1")
    assert run.code == 2
    assert "No such option: --perod" in run.err
    assert "--period" in run.err


@pytest.mark.parametrize("argv", [(), ("appeal",)])
def test_a_verb_missing_prints_the_help_and_exits_2(cli: Cli, argv: tuple[str, ...]) -> None:
    run = cli(*argv)
    assert run.code == 2
    assert "Usage: jixiao" in run.out + run.err


@pytest.mark.parametrize("argv", [("--help",), ("payout", "--help"), ("appeal", "file", "-h"),
                                  ("grades", "--help"), ("users", "--help")])
def test_every_help_describes_the_verb_in_a_sentence(cli: Cli, argv: tuple[str, ...]) -> None:
    run = cli(*argv)
    assert run.code == 0, run.err
    assert "Usage: jixiao" in run.out
    assert ". " in run.out or ".\n" in run.out


def test_an_option_out_of_its_choices_exits_2(cli: Cli) -> None:
    run = cli("import", "csv", "staff.csv")
    assert run.code == 2
    assert "'roster', 'entries'" in run.err


def test_a_piped_table_is_plain_and_aligned() -> None:
    text = table(["employee", "name", "pay"], [["E1", "张三 [S11-R57]", "1.00"],
                                               ["E22", "Li", "100.00"]], right={2})
    assert text == table(["employee", "name", "pay"],
                         [["E1", "张三 [S11-R57]", "1.00"], ["E22", "Li", "100.00"]], right={2})
    lines = text.splitlines()
    assert "\x1b" not in text  # no colour codes in a pipe
    assert lines[0].split() == ["employee", "name", "pay"]
    assert set(lines[1]) == {"─"}
    assert lines[2].startswith("E1 ")
    assert lines[2].endswith("  1.00")
    assert "张三 [S11-R57]" in lines[2]  # data, not rich markup
    assert lines[3].endswith("100.00")
    assert cell_len(lines[2]) == cell_len(lines[3])  # a CJK character is two cells wide
