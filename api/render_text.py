"""The human rendering of a payout statement, its reconciliation and an explanation, and the plain
tables every human report is drawn with. Apart from `api.cli.render` (which re-exports
them) and light to import: `jixiao payout` and `explain` served from the warm view
(`api.cli_launch`) draws its answer without loading the command tree or rich's console."""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TextIO

from rich.cells import cell_len

from api.i18n import N_, _, figures
from api.i18n.formats import MONEY_SHAPE, money, period_name
from api.i18n.letters import pool_line_name
from api.i18n.messages import statement_note, translate

# A pipe gets a fixed width so that the same report gives the same bytes wherever it is
# written; a terminal gets its own width, and colour unless NO_COLOR is set.
WIDTH_PIPED = 200


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: set[int]) -> str:
    """A plain table: one rule under the header, columns in `right` right-aligned."""
    texts = [["" if cell is None else str(cell) for cell in row] for row in rows]
    plain = None if sys.stdout.isatty() else _plain_table(headers, texts, right)
    return plain if plain is not None else _rich_table(headers, texts, right)


def _rich_table(headers: Sequence[str], texts: list[list[str]], right: set[int]) -> str:
    from rich import box  # noqa: PLC0415 - a terminal's table, or one too wide for a pipe
    from rich.table import Table  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                 header_style="bold" if _colour(sys.stdout) else None)
    # Text, not str: a cell such as "[S11-R57 …]" is data, never rich markup.
    cells = [[Text(cell) for cell in row] for row in texts]
    last = len(headers) - 1
    for i, header in enumerate(headers):
        # Ids and amounts are never cut or wrapped on a narrow terminal; only the last
        # column (a free-text note, where there is one) wraps.
        width = max([cell_len(header)] + [row[i].cell_len for row in cells])
        grid.add_column(header, justify="right" if i in right else "left",
                        no_wrap=i < last, min_width=width if i < last else min(width, 24))
    for row in cells:
        grid.add_row(*row)
    return _rendered(grid)


def _rendered(grid: Any) -> str:
    import shutil  # noqa: PLC0415 - a terminal's width; shutil brings zlib, bz2 and lzma

    from rich.console import Console  # noqa: PLC0415 - see _rich_table

    buffer = io.StringIO()
    colour = _colour(sys.stdout)
    width = WIDTH_PIPED
    if sys.stdout.isatty():
        # Never squeeze a table below its natural width: a line longer than the terminal
        # wraps at its edge, a squeezed cell would wrap or vanish inside the table.
        natural = Console(width=WIDTH_PIPED).measure(grid).maximum
        width = max(shutil.get_terminal_size().columns, natural)
    console = Console(file=buffer, width=width, force_terminal=colour, no_color=not colour,
                      highlight=False, markup=False, emoji=False)
    console.print(grid)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def _colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


# What rich draws for `_rich_table` on a pipe, when every cell is one line and the whole
# fits in WIDTH_PIPED: columns at their natural width, padded one space each side but not
# at the table's edges, joined by a blank divider, one rule of "─" under the header.
# Drawing a 1,000-row payout through rich took most of a payout's time; this takes a
# small part of it (tests/api/test_render_text.py keeps the two byte-identical).
_GAP = "   "  # right padding, the divider, left padding
# A control character or a line or paragraph separator (a cell of several lines, as
# str.splitlines and rich read it), or a space at either end of a cell (the cells joined
# by _JOINT).
# The joint is printable (␞), so that text of printable cells is `isprintable()`: that
# C scan clears a payout's ≈74,000 characters ten times faster than the pattern, which
# then looks only at text that has something else (an NBSP, an ideographic space …).
_UNPLAIN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]|(?:^|\u241e) | (?:\u241e|$)")
_JOINT = "\u241e"
_EDGES = (_JOINT + " ", " " + _JOINT)


def _plain_table(headers: Sequence[str], texts: list[list[str]],
                 right: set[int]) -> str | None:
    """The table as rich would draw it on a pipe, or None when only rich can say (a cell
    of several lines, with control characters or with spaces at an end, which rich trims
    by its own rules; or a table wider than the pipe)."""
    grid = [list(headers), *texts]
    # One search over the cells joined (a payout's ≈11,000, one at a time, were a third of
    # its table); a cell holding the joint itself only sends the table to rich.
    joined = _JOINT.join(cell for row in grid for cell in row)
    if joined.isprintable():  # no control character: only the cells' edges to look at
        unplain = joined[:1] == " " or joined[-1:] == " " or any(e in joined for e in _EDGES)
    else:
        unplain = _UNPLAIN.search(joined) is not None
    if unplain:
        return None
    # Each cell measured once. A printable ASCII cell (ids, amounts: most of a payout's
    # ≈11,000) is one column a character, as rich counts it; others ask rich.
    lengths = [[len(cell) if cell.isascii() else cell_len(cell) for cell in row]
               for row in grid]
    widths = [max(row[i] for row in lengths) for i in range(len(headers))]
    total = sum(widths) + len(_GAP) * (len(widths) - 1)
    if total > WIDTH_PIPED:
        return None
    lines = [_plain_row(grid[0], lengths[0], widths, right), "─" * total]
    lines += [_plain_row(row, length, widths, right)
              for row, length in zip(texts, lengths[1:], strict=True)]
    return "\n".join(lines)


def _plain_row(cells: Sequence[str], lengths: list[int], widths: list[int],
               right: set[int]) -> str:
    columns = enumerate(zip(cells, lengths, widths, strict=True))
    return _GAP.join([" " * (width - length) + cell if i in right else
                      cell + " " * (width - length)
                      for i, (cell, length, width) in columns]).rstrip()


def titled(template: str, period: str, **values: object) -> str:
    """A title naming a period both ways: as typed (2026-Q1) and as said (2026年第1季度)."""
    return _(template).format(period=period, name=period_name(period), **values)


# An amount as a statement writes it: already to the fen, so `money`'s rounding is
# nothing and its digits can be grouped as they stand (a payout prints ≈5,000 of them).
# Fifteen digits before the point at most: longer texts take `money`'s way, which knows
# what the decimal context does with them.
_FEN_TEXT = re.compile(r"(-?)([0-9]{1,15})\.([0-9]{2})")


def yuan(text: object) -> str:
    """An amount of the report (a decimal string) as ¥12,345.60; anything else as is."""
    plain = _FEN_TEXT.fullmatch(text) if type(text) is str else None
    if plain is not None:  # as `money` writes it (tests/api/test_render_text.py)
        sign, whole, fen = plain.groups()
        signed = sign and (int(whole) or int(fen))  # -0.00 is ¥0.00, as `money` writes it
        before, after = MONEY_SHAPE[2:] if signed else MONEY_SHAPE[:2]
        return f"{before}{int(whole):,}.{fen}{after}"
    if not isinstance(text, str) or not text or "/" in text:
        return "-" if text in (None, "") else str(text)
    try:
        return money(Decimal(text))
    except ArithmeticError:
        return text


def _remembered(shown: Callable[[object], str]) -> Callable[[object], str]:
    """`shown` of each text worked out once (other values every time)."""
    known: dict[str, str] = {}

    def remembered(value: object) -> str:
        if type(value) is not str:
            return shown(value)
        text = known.get(value)
        if text is None:
            text = known[value] = shown(value)
        return text

    return remembered


# Between a pool's lines: 「；」 in Chinese, whose amounts hold commas of their own.
POOL_LINES = figures.NP_("figure", ", ")


def payout_text(report: dict[str, Any], *, people: bool = True) -> str:
    amount = _remembered(yuan)  # a payout's ≈5,000 amounts hold ≈600 texts
    out = [titled(N_("Payout {period} ({name}), scheme {scheme}"), report["period"],
                  scheme=report["scheme"]["key"]), ""]
    out.append(_("Pool: ") + figures.pgettext(POOL_LINES).join(
        f"{pool_line_name(p['line'])} {amount(p['amount'])}" for p in report["pool"]))
    out.append("")
    # People read a department by its name; the id is in --json and in the exports.
    names = {d["department_id"]: d.get("name") or d["department_id"]
             for d in report["departments"]}
    out.append(table(
        [_("department"), _("heads"), _("score"), _("calculated"), _("controls"),
         _("banked"), _("drawn"), _("subsidy"), _("settled"), _("per point")],
        [[names[d["department_id"]], d["headcount"], _short(d["score"]),
          amount(d["pay_calculated"]),
          amount(_add(d["controls"], d["penalties"])), amount(d["banked"]),
          amount(d["bank_drawn"]), amount(d["subsidy"]), amount(d["settled"]),
          d["per_point_indicative"] or "-"] for d in report["departments"]],
        right={1, 2, 3, 4, 5, 6, 7, 8, 9},
    ))
    if people:
        out.append("")
        out.append(table(
            [_("employee"), _("name"), _("department"), _("score"), _("ratio"), _("pay"),
             _("post bonus"), _("study leave"), _("restated"), _("total"), _("note")],
            [[p["employee_id"], p["name"], names.get(p["department_id"], p["department_id"]),
              _short(p["score"]), p["ratio"], amount(p["pay"]), amount(p["post_bonus"]),
              amount(p["study_leave"]), amount(p["restatement"]), amount(p["total"]),
              translate(p["reason"])]
             for p in report["people"]],
            right={3, 4, 5, 6, 7, 8, 9},
        ))
    out.append("")
    out.append(reconciliation_text(report))
    for note in report.get("notes", []):
        out.append(_("note: {note}").format(note=statement_note(note)))
    return "\n".join(out)


def reconciliation_text(report: dict[str, Any]) -> str:
    recon = report["reconciliation"]
    # Line names are ids in JSON; people read them from the catalogue (api/web/labels.py
    # marks them, the names the exports use).
    rows = [[_(line["line"]), yuan(line["amount"])] for line in recon["lines"]]
    rows.append([_("balance (must be 0.00)"), yuan(recon["balance"])])
    return (titled(N_("Reconciliation {period} ({name})"), report["period"]) + "\n"
            + table([_("line"), _("amount")], rows, right={1}))


def _short(value: str) -> str:
    """An exact score for the eye: a fraction, or a decimal of more than four places,
    to four places and "…" (the exact value is in --json)."""
    if "/" in value:
        numerator, denominator = value.split("/")
        return f"{int(numerator) / int(denominator):.4f}…"
    digits = value.rstrip("…")  # a statement's own approximation ends in "…" already
    if len(digits.partition(".")[2]) > 4:
        return f"{Decimal(digits).quantize(Decimal('0.0001'), ROUND_HALF_UP)}…"
    return value


def _add(a: str, b: str) -> str:
    return f"{Decimal(a) + Decimal(b):.2f}"


def _cny(value: str) -> str:
    """Money as the payout's table writes it (¥9,151.80); an amount finer than the fen
    as it would be paid (half-up), marked ≈, with its exact value (or where to find it)."""
    if _FEN_TEXT.fullmatch(value):
        return yuan(value)
    numerator, _slash, denominator = value.partition("/")
    exponent = Decimal(numerator).as_tuple().exponent
    if not denominator and isinstance(exponent, int) and exponent >= -2:
        return money(Decimal(numerator))  # whole fen written short ("1800"): exact, no ≈
    exact = Decimal(numerator) / Decimal(denominator or "1")
    return f"≈{money(exact)} " + (f"(= {value})" if len(value) <= 24
                                  else _("(exact in --json)"))


def explain_text(node: dict[str, Any], indent: str = "") -> str:
    rule = f"  [{node['rule']} {node['source']}" + (
        f", {node['default']}" if node.get("default") else "") + "]" if node.get("rule") else ""
    value = node["value"]
    if "approx" in node:  # a non-terminating exact value: the decimal first, for people
        value = (f"{node['approx']}… (= {value})" if len(value) <= 24
                 else f"{node['approx']}… (exact in --json)")
    label, unit = figures.label(node["label"]), figures.node_unit(node)
    head = f"{indent}{label} = {value} {unit}{rule}"
    if node["unit"] == "cny":
        head = f"{indent}{label} = {_cny(node['value'])}{rule}"
    if node.get("see_above"):
        return head + "  " + _("(explained above)")
    if node.get("truncated"):
        return head + "  " + _("(… more with --depth)")
    lines = [head, f"{indent}    = {figures.formula(node['formula'])}"]
    if node.get("inputs_not_expanded"):
        shown = ", ".join(node["inputs"][:3])
        lines.append(f"{indent}    · " + _(
            "{count} inputs ({shown}, …): listed in --json; explain any one with "
            "--figure KEY").format(count=f"{node['inputs_not_expanded']:,}", shown=shown))
    for name, value in node.get("literals", {}).items():
        lines.append(f"{indent}    · {figures.literal(name)} = {figures.literal_value(value)}")
    if node.get("events"):
        lines.append(f"{indent}    · " + _("events: {ids}").format(
            ids=", ".join(node["events"])))
    for child in node.get("because", []):
        lines.append(explain_text(child, indent + "  "))
    return "\n".join(lines)


_CATEGORIES = {"regular": N_("regular"), "temporary": N_("temporary"),
               "contract": N_("contract"), "lump_sum": N_("lump-sum wage")}


def demo_description_text(held: dict[str, Any]) -> str:
    """api.scenarios.demo.describe's counts as one line in the reader's language."""
    parts = _(", ").join(_("{n} {category}").format(n=n, category=_(_CATEGORIES.get(c, c)))
                         for c, n in held["categories"].items())
    return _("{departments} departments, {staff} staff ({parts}; {probation} hired on "
             "probation during the year), {commands} commands").format(parts=parts, **held)
