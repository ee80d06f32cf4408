"""The statements a catch-up computes show as a bar on a terminal, the way `jixiao apply`
shows its work (api/cli/sessions.py `CatchUpBars`); after an upgrade, one line says first
why the verb waits (the view is computed again by this version). Nothing is drawn or said
when stderr is no terminal or the verb prints --json."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from api.cli import render
from api.cli.context import ARGV
from api.cli.sessions import BAR_LABELS, CatchUpBars
from api.cli.sessions import REBUILD_STAGE as SHELL_REBUILD_STAGE
from api.i18n import use_language
from projections.views import REBUILD_STAGE, STATEMENTS_STAGE


class _Terminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def _shown(monkeypatch: pytest.MonkeyPatch, stage: str, *, tty: bool = True,
           words: tuple[str, ...] = ("payout",), language: str = "zh_CN",
           ) -> tuple[str, list[tuple[str, int, int]], list[str]]:
    """What the bars draw for one catch-up of three statements: stderr's text, the
    reports the bars took, and their opening and closing."""
    terminal, reports, life = _Terminal(tty), [], []

    @contextmanager
    def bars() -> Iterator[Any]:
        life.append("open")
        yield lambda *report: reports.append(report)
        life.append("closed")

    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr(render, "progress_bars", bars)
    token = ARGV.set(words)
    try:
        with use_language(language):
            shown = CatchUpBars()
            for done in range(4):
                shown(stage, done, 3)
            shown(stage, 3, 3)  # a report after the last draws nothing more
    finally:
        ARGV.reset(token)
    return terminal.getvalue(), reports, life


def test_a_rebuild_says_why_once_and_shows_each_statement(
        monkeypatch: pytest.MonkeyPatch) -> None:
    said, reports, life = _shown(monkeypatch, REBUILD_STAGE)
    assert said == "程序已更新，正在用新版本重建报表视图（3 个期间，仅此一次）…\n"
    assert reports == [("重建报表", done, 3) for done in range(4)]
    assert life == ["open", "closed"]
    english, reports, _ = _shown(monkeypatch, REBUILD_STAGE, language="en")
    assert english == ("jixiao was updated: rebuilding the statements view with this "
                       "version (3 period(s), this once)…\n")
    assert reports[0] == ("rebuilding", 0, 3)


def test_an_ordinary_catch_up_shows_a_bar_without_a_word(
        monkeypatch: pytest.MonkeyPatch) -> None:
    said, reports, life = _shown(monkeypatch, STATEMENTS_STAGE)
    assert said == ""
    assert reports == [("计算报表", done, 3) for done in range(4)]
    assert life == ["open", "closed"]


@pytest.mark.parametrize(("tty", "words"), [(False, ("payout",)),
                                            (True, ("payout", "--json"))])
def test_nothing_is_drawn_or_said_off_a_terminal_or_with_json(
        monkeypatch: pytest.MonkeyPatch, tty: bool, words: tuple[str, ...]) -> None:
    assert _shown(monkeypatch, REBUILD_STAGE, tty=tty, words=words) == ("", [], [])


def test_a_bar_left_open_by_a_failure_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    life: list[str] = []

    @contextmanager
    def bars() -> Iterator[Any]:
        life.append("open")
        yield lambda *report: None
        life.append("closed")

    monkeypatch.setattr("sys.stderr", _Terminal(True))
    monkeypatch.setattr(render, "progress_bars", bars)
    shown = CatchUpBars()
    shown(STATEMENTS_STAGE, 0, 2)  # and then the second statement raised
    shown.close()
    shown.close()
    assert life == ["open", "closed"]


def test_the_shell_names_the_catch_up_stages_as_the_catch_up_does() -> None:
    assert set(BAR_LABELS) == {STATEMENTS_STAGE, REBUILD_STAGE} == {"statements", "rebuild"}
    assert SHELL_REBUILD_STAGE == REBUILD_STAGE


def test_nothing_is_drawn_when_stderr_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cron and `2>&-` start Python with sys.stderr None: every catch-up that computes a
    statement (after an upgrade, or new events) still answers, without a bar."""
    opened: list[str] = []
    monkeypatch.setattr("sys.stderr", None)
    monkeypatch.setattr(render, "progress_bars", lambda: opened.append("open"))
    shown = CatchUpBars()
    for stage in (STATEMENTS_STAGE, REBUILD_STAGE):
        for done in range(3):
            shown(stage, done, 2)
    shown.close()
    assert opened == []
