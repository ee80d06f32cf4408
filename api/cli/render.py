"""Human renderings of the canonical JSON reports. Programs read `--json` instead."""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.table import Table
from rich.text import Text

from api.cli.render_late import late_decision_lines
from api.i18n import N_, _, figures
from api.i18n.formats import DEFAULT_TIME_ZONE, local_time, money, period_name
from domain.application import Progress
from domain.scheme import canonical_dumps

# A pipe gets a fixed width so that the same report gives the same bytes wherever it is
# written; a terminal gets its own width, and colour unless NO_COLOR is set.
WIDTH_PIPED = 200


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: set[int]) -> str:
    """A plain table: one rule under the header, columns in `right` right-aligned."""
    grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                 header_style="bold" if _colour(sys.stdout) else None)
    # Text, not str: a cell such as "[S11-R57 …]" is data, never rich markup.
    cells = [[Text("" if cell is None else str(cell)) for cell in row] for row in rows]
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


def _rendered(grid: Table) -> str:
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


@contextmanager
def progress_bars() -> Iterator[Progress]:
    """A `Progress` callback drawing one rich bar per stage on stderr when stderr is a
    terminal; silent otherwise (the verbs print a one-line summary when done)."""
    if not sys.stderr.isatty():
        yield _silent
        return
    bars = RichProgress(TextColumn("{task.description:>9}"), BarColumn(),
                        MofNCompleteColumn(), TimeElapsedColumn(),
                        console=Console(stderr=True), transient=True)
    tasks: dict[str, TaskID] = {}
    with bars:
        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total)
            bars.update(tasks[stage], completed=done, total=total)

        yield report


def _silent(stage: str, done: int, total: int) -> None:
    del stage, done, total


class _OpenBars:
    """The bars of a caller that reports stage by stage without a `with` block (the demo's
    loader): opened by the first report, closed by the last."""

    def __init__(self) -> None:
        self.context: AbstractContextManager[Progress] | None = None
        self.report: Progress = _silent

    def show(self, stage: str, done: int, total: int, *, end: bool) -> None:
        if self.context is None:
            self.context = progress_bars()
            self.report = self.context.__enter__()
        self.report(stage, done, total)
        if end:
            self.context.__exit__(None, None, None)
            self.context, self.report = None, _silent


_OPEN_BARS = _OpenBars()


def stage_bar(stage: str, done: int, total: int, *, end: bool = False) -> None:
    """One report to the open bars (see `_OpenBars`); `end` closes them."""
    _OPEN_BARS.show(stage, done, total, end=end)


def titled(template: str, period: str, **values: object) -> str:
    """A title naming a period both ways: as typed (2026-Q1) and as said (2026年第1季度)."""
    return _(template).format(period=period, name=period_name(period), **values)


def yuan(text: object) -> str:
    """An amount of the report (a decimal string) as ¥12,345.60; anything else as is."""
    if not isinstance(text, str) or not text or "/" in text:
        return "-" if text in (None, "") else str(text)
    try:
        return money(Decimal(text))
    except ArithmeticError:
        return text


def payout_text(report: dict[str, Any], *, people: bool = True) -> str:
    out = [titled(N_("Payout {period} ({name}), scheme {scheme}"), report["period"],
                  scheme=report["scheme"]["key"]), ""]
    out.append(_("Pool: ") + ", ".join(f"{p['line']} {yuan(p['amount'])}"
                                      for p in report["pool"]))
    out.append("")
    out.append(table(
        [_("department"), _("heads"), _("score"), _("calculated"), _("controls"),
         _("banked"), _("drawn"), _("subsidy"), _("settled"), _("per point")],
        [[d["department_id"], d["headcount"], _short(d["score"]), yuan(d["pay_calculated"]),
          yuan(_add(d["controls"], d["penalties"])), yuan(d["banked"]),
          yuan(d["bank_drawn"]), yuan(d["subsidy"]), yuan(d["settled"]),
          d["per_point_indicative"] or "-"] for d in report["departments"]],
        right={1, 2, 3, 4, 5, 6, 7, 8, 9},
    ))
    if people:
        out.append("")
        out.append(table(
            [_("employee"), _("name"), _("department"), _("score"), _("ratio"), _("pay"),
             _("post bonus"), _("study leave"), _("restated"), _("total"), _("note")],
            [[p["employee_id"], p["name"], p["department_id"], _short(p["score"]),
              p["ratio"], yuan(p["pay"]), yuan(p["post_bonus"]), yuan(p["study_leave"]),
              yuan(p["restatement"]), yuan(p["total"]), p["reason"]]
             for p in report["people"]],
            right={3, 4, 5, 6, 7, 8, 9},
        ))
    out.append("")
    out.append(reconciliation_text(report))
    for note in report.get("notes", []):
        out.append(_("note: {note}").format(note=note))
    return "\n".join(out)


def reconciliation_text(report: dict[str, Any]) -> str:
    recon = report["reconciliation"]
    # Line names are ids in JSON; people read them from the catalogue (api/web/labels.py
    # marks them, the names the exports use).
    rows = [[_(line["line"]), yuan(line["amount"])] for line in recon["lines"]]
    rows.append([_("balance (must be 0.00)"), yuan(recon["balance"])])
    return (titled(N_("Reconciliation {period} ({name})"), report["period"]) + "\n"
            + table([_("line"), _("amount")], rows, right={1}))


def summary_text(report: dict[str, Any]) -> str:
    recon = report["reconciliation"]
    lines = {line["line"]: line["amount"] for line in recon["lines"]}
    pool = next((p["amount"] for p in report["pool"] if p["line"] == "distributable"), "")
    return _("{period}: pool {pool}, paid {paid} to {people} people, banked {banked}, "
             "drawn {drawn}, subsidy {subsidy}, balance {balance}").format(
        period=report["period"], pool=yuan(pool), paid=yuan(report["totals"]["paid"]),
        people=report["totals"]["people_paid"],
        banked=yuan(_neg(lines.get("excess over cap banked", "0.00"))),
        drawn=yuan(lines.get("bank drawn (same-year carry-over)", "0.00")),
        subsidy=yuan(lines.get("hospital floor subsidy", "0.00")),
        balance=yuan(recon["balance"]))


def explain_text(node: dict[str, Any], indent: str = "") -> str:
    rule = f"  [{node['rule']} {node['source']}" + (
        f", {node['default']}" if node.get("default") else "") + "]" if node.get("rule") else ""
    value = node["value"]
    if "approx" in node:  # a non-terminating exact value: the decimal first, for people
        value = (f"{node['approx']}… (= {value})" if len(value) <= 24
                 else f"{node['approx']}… (exact in --json)")
    label, unit = figures.label(node["label"]), figures.unit(node["unit"])
    head = f"{indent}{label} = {value} {unit}{rule}"
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
        lines.append(f"{indent}    · {figures.literal(name)} = {value}")
    if node.get("events"):
        lines.append(f"{indent}    · " + _("events: {ids}").format(
            ids=", ".join(node["events"])))
    for child in node.get("because", []):
        lines.append(explain_text(child, indent + "  "))
    return "\n".join(lines)


def _short(value: str) -> str:
    if "/" in value:
        numerator, denominator = value.split("/")
        return f"{int(numerator) / int(denominator):.4f}…"
    return value


def _add(a: str, b: str) -> str:
    return f"{Decimal(a) + Decimal(b):.2f}"


def _neg(text: str) -> str:
    return text[1:] if text.startswith("-") else text


def restatement_text(report: dict[str, Any]) -> str:
    out = [titled(N_("Restatement of {period} ({name}), closed statement {digest}…"),
                  report["period"], digest=report["closed_sha256"][:12]),
           _("settles in: {period}").format(
               period=report.get("settles_in") or _("no open quarter yet")), ""]
    out.append(table(
        [_("employee"), _("name"), _("department"), _("closed"), _("now"),
         _("settled since"), _("outstanding")],
        [[d["id"], d["name"], d["department_id"], yuan(d["closed"]), yuan(d["now"]),
          yuan(d["settled_since"]), yuan(d["outstanding"])] for d in report["people"]],
        right={3, 4, 5, 6}))
    out.append("")
    out.append(table([_("department"), _("closed"), _("now")],
                     [[d["id"], yuan(d["closed"]), yuan(d["now"])]
                      for d in report["departments"]],
                     right={1, 2}))
    out.append("\n" + _("outstanding total: {amount}").format(
        amount=yuan(report["outstanding"])))
    out += late_decision_lines(report.get("appeals_decided_late", []))
    return "\n".join(out)


def diff_text(report: dict[str, Any]) -> str:
    total = report["total"]
    out = [titled(N_("Diff {period} ({name}): {start} → {end}"), report["period"],
                  start=report["from"], end=report["to"]),
           _("paid {start} → {end} ({delta})").format(
               start=yuan(total["from"]), end=yuan(total["to"]), delta=yuan(total["delta"]))]
    if report["scheme"]:
        out.append(_("scheme {start} → {end}").format(start=report["scheme"]["from"],
                                                       end=report["scheme"]["to"]))
    out.append("")
    out.append(table([_("employee"), _("name"), _("department"), _("from"), _("to"),
                      _("delta"), _("direct events")],
                     [[r["id"], r["name"], r["department_id"], yuan(r["from"]), yuan(r["to"]),
                       yuan(r["delta"]), ", ".join(e[:8] for e in r["direct_events"])]
                      for r in report["people"]],
                     right={3, 4, 5}))
    out.append("")
    out.append(table([_("department"), _("from"), _("to"), _("delta")],
                     [[r["id"], yuan(r["from"]), yuan(r["to"]), yuan(r["delta"])]
                      for r in report["departments"]],
                     right={1, 2, 3}))
    out.append("\n" + _("because of:"))
    for event in report["events"]:
        out.append("  " + _("{id} {type} by {actor} at {at} ({effective}): {reason}").format(
            id=event["id"][:8], type=event["type"], actor=event["actor"],
            at=event["recorded_at"], effective=event["effective"],
            reason=event["reason"] or "-"))
    return "\n".join(out)


def events_text(lines: Sequence[Any], *, json_lines: bool, zone: ZoneInfo | None = None) -> str:
    """`jixiao events`: one line per event (`audit.EventLine`), or one JSON object each. A
    token's hash is a credential's fingerprint: the trail shows that a token was set,
    never which. Times are shown in the organisation's zone (the ledger's settings)."""
    out = []
    for line in lines:
        event = line.event
        if json_lines:
            out.append(canonical_dumps({"type": type(event).__name__,
                                        **event.model_dump(mode="json",
                                                           exclude={"token_sha256"})}))
            continue
        status = "" if line.live else " " + _("(replaced)")
        out.append(f"{local_time(event.recorded_at, zone or DEFAULT_TIME_ZONE)} {event.actor:<16} "
                   f"{type(event).__name__:<28} {event.effective:<10} "
                   f"{event.originator_id}{status}")
    return "".join(f"{text}\n" for text in out)
