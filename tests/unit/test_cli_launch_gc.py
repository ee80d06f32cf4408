"""The launcher turns the cyclic collector off only for a process's one-shot reads
(api/cli_launch.py `_collect_no_cycles`), never for a test calling `main` with its words."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from api.cli_launch import _collect_no_cycles, main


@pytest.fixture
def collector() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


@pytest.mark.parametrize("words", [
    ["payout", "--period", "2026-Q1"],
    ["payout", "--period", "2026-Q1", "--with", "batch.jsonl"],
    ["explain", "--period", "2026-Q1", "--employee", "E1"],
    ["--lang", "en", "payout", "--period", "2026-Q1"],
])
def test_one_shot_reads_run_without_the_collector(collector: None, words: list[str]) -> None:
    _collect_no_cycles(words)
    assert not gc.isenabled()


@pytest.mark.parametrize("words", [
    ["import", "rows.csv"], ["serve"], ["--lang", "en", "serve"],
    ["record", "--file", "payout"], [], ["--help"],
])
def test_other_verbs_keep_the_collector(collector: None, words: list[str]) -> None:
    _collect_no_cycles(words)
    assert gc.isenabled()


def test_main_with_words_leaves_the_collector_alone(
        collector: None, tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    main(["payout", "--period", "nonsense", "--db", f"{tmp_path}/none.db"], {})
    capsys.readouterr()
    assert gc.isenabled()
