"""A human table written to a pipe is drawn without rich when it can be, and must be the
very bytes rich draws: the old ledger's reports are compared byte for byte, and wide
(Chinese) characters must keep the columns aligned."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from babel.numbers import format_currency
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from api import render_text
from api.i18n.formats import MONEY_SHAPE, _money_locale, fen, money
from api.render_text import WIDTH_PIPED, table

# Ids, amounts and names as reports have them: ASCII, CJK (two cells wide), full-width
# forms, the ellipsis and the rule's own box character; no control characters.
CELL = st.text(alphabet=st.sampled_from(
    list("abcXYZ019 .-_/¥,…[]") + list("张王李科室内外绩效工资满分") + ["Ｅ", "─", "é"]),
    max_size=14)


@pytest.fixture(autouse=True)
def piped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout", io.StringIO())  # not a terminal: the piped layout


@settings(max_examples=300, deadline=None)
@given(columns=st.integers(1, 7), data=st.data())
def test_the_plain_table_is_rich_s_table_byte_for_byte(columns: int, data: st.DataObject) -> None:
    headers = data.draw(st.lists(CELL.filter(bool), min_size=columns, max_size=columns))
    rows = data.draw(st.lists(st.lists(CELL, min_size=columns, max_size=columns), max_size=6))
    right = data.draw(st.sets(st.integers(0, columns - 1)))
    rich = render_text._rich_table(headers, rows, right)
    assert table(headers, rows, right) == rich
    if all(cell == cell.strip() for row in [headers, *rows] for cell in row):
        # Narrow enough and one line a cell: drawn without rich, and the same.
        assert render_text._plain_table(headers, rows, right) == rich


def test_a_table_wider_than_the_pipe_or_with_a_line_break_is_left_to_rich() -> None:
    wide = ["中" * 60, "x" * 60, "y" * 60]
    assert render_text._plain_table(["a", "b", "c"], [wide], set()) is None
    assert render_text._plain_table(["a"], [["one\ntwo"]], set()) is None
    # …and `table` still draws them, through rich.
    drawn = table(["a", "b", "c"], [wide], {1})
    assert drawn == render_text._rich_table(["a", "b", "c"], [wide], {1})
    assert max(cell_len(line) for line in drawn.splitlines()) <= WIDTH_PIPED


def test_chinese_cells_keep_the_columns_aligned() -> None:
    drawn = table(["工号", "姓名", "实发"], [["E1", "张三丰", "¥1.00"], ["E22", "李四", "¥10.00"]],
                  right={2})
    lines = drawn.splitlines()
    ends = {cell_len(line) for line in (lines[0], *lines[2:])}
    assert len(ends) == 1, drawn  # right-aligned last column: every line ends together
    assert cell_len(lines[1]) == ends.pop()


@settings(max_examples=500, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**15, max_value=10**15)
       | st.sampled_from([Decimal("-0"), Decimal("-0.004"), Decimal("0.005"), Decimal("1E+3")]))
def test_an_amount_is_written_as_babel_writes_it(amount: Decimal) -> None:
    # formats.money writes the digits itself once babel's shape around them is known.
    assert money(amount) == str(format_currency(fen(amount), "CNY", locale=_money_locale()))


@pytest.mark.parametrize(("sample", "shape"), [("1234567.89", MONEY_SHAPE[:2]),
                                               ("-1234567.89", MONEY_SHAPE[2:])])
def test_the_money_shape_is_what_babel_writes_around_the_digits(
        sample: str, shape: tuple[str, str]) -> None:
    # formats.money writes MONEY_SHAPE around Python's `,.2f` without asking babel.
    before, after = shape
    written = str(format_currency(Decimal(sample), "CNY", locale=_money_locale()))
    assert written == f"{before}1,234,567.89{after}"


def test_a_printable_ascii_cell_is_one_column_a_character_as_rich_counts_it() -> None:
    # _plain_table measures such a cell by its length and asks rich only about the others.
    printable = "".join(chr(code) for code in range(0x20, 0x7F))
    assert all(cell_len(char) == 1 for char in printable)
    assert cell_len(printable) == len(printable)


def _yuan_by_money(text: str) -> str:
    """`yuan` as it was before its fast way for fen texts: through Decimal and `money`."""
    if not text or "/" in text:
        return "-" if text == "" else text
    try:
        return money(Decimal(text))
    except ArithmeticError:
        return text


@settings(max_examples=500, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=2,
                   min_value=-10**17, max_value=10**17).map(str)
       | st.from_regex(r"-?[0-9]{1,18}\.[0-9]{1,3}", fullmatch=True)
       | st.sampled_from(["-0.00", "0.00", "007.50", "+1.00", "1.5", "1e3", "١.٠٠",
                          "12.34\n", "1/3", "", "abc", "-999999999999999.99",
                          "1000000000000000.00"]))
def test_an_amount_s_text_is_written_as_money_writes_it(text: str) -> None:
    # render_text.yuan groups the digits of a fen text itself (a payout prints ≈5,000).
    assert render_text.yuan(text) == _yuan_by_money(text)


@pytest.mark.parametrize("cell", ["\x00", "a\x00b", "x\n", "\x1b[1m", "\x85", " lead",
                                  "trail ", " ", "\x00 "])
def test_a_cell_with_a_control_character_or_a_space_at_an_end_is_left_to_rich(
        cell: str) -> None:
    # Checked over all the cells at once (one scan each); a cell is never judged by its
    # neighbours.
    rows = [["a", "b"], ["c", cell], ["d", "e"]]
    assert render_text._plain_table(["h1", "h2"], rows, right={1}) is None
    assert render_text._plain_table(["h1", "h2"], [["a", "b"], ["c", "x y"]], {1}) is not None


def test_a_cell_holding_the_joint_of_the_scan_is_only_sent_to_rich() -> None:
    # The cells are scanned joined by render_text._JOINT: a cell holding it beside a space
    # reads as a cell edge, so the table is drawn by rich (the same bytes, more slowly).
    rows = [["a", f"x{render_text._JOINT} y"]]
    assert render_text._plain_table(["h1", "h2"], rows, set()) is None
    assert table(["h1", "h2"], rows, set()) == render_text._rich_table(["h1", "h2"], rows, set())


@pytest.mark.parametrize("cell", ["a\xa0b", "\u3000中文", "x\u2028y", "名字", "ab␞c"])
def test_printable_or_not_a_cell_within_its_edges_is_drawn_as_rich_draws_it(cell: str) -> None:
    # Text that is not all printable (NBSP, an ideographic space) is looked at by the
    # pattern; printable text only for spaces at a cell's edges.
    rows = [["a", cell], ["b", "c"]]
    assert table(["h1", "h2"], rows, {1}) == render_text._rich_table(["h1", "h2"], rows, {1})
