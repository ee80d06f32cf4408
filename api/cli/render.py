"""Human renderings of the canonical JSON reports. Programs read `--json` instead."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rich.cells import cell_len

from api.cli.render_diff import diff_text as diff_text  # noqa: PLC0414 - re-exported
from api.cli.render_late import late_decision_lines
from api.i18n import N_, _
from api.i18n.events import event_name
from api.i18n.formats import DEFAULT_TIME_ZONE, local_time
from api.render_text import WIDTH_PIPED as WIDTH_PIPED  # noqa: PLC0414 - re-exported
from api.render_text import explain_text as explain_text  # noqa: PLC0414 - re-exported
from api.render_text import payout_text as payout_text  # noqa: PLC0414 - re-exported
from api.render_text import reconciliation_text as reconciliation_text  # noqa: PLC0414
from api.render_text import table as table  # noqa: PLC0414 - re-exported
from api.render_text import titled as titled  # noqa: PLC0414 - re-exported
from api.render_text import yuan as yuan  # noqa: PLC0414 - re-exported
from domain.application import Progress
from domain.scheme import canonical_dumps

if TYPE_CHECKING:
    from rich.progress import TaskID


@contextmanager
def progress_bars() -> Iterator[Progress]:
    """A `Progress` callback drawing one rich bar per stage on stderr when stderr is a
    terminal; silent otherwise (the verbs print a one-line summary when done)."""
    if not sys.stderr.isatty():
        yield _silent
        return
    # rich's console and bars only here: a report's process has no terminal bars to draw.
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.progress import Progress as RichProgress  # noqa: PLC0415

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


class OpenBars:
    """The bars of a caller that reports stage by stage without a `with` block (the demo's
    loader, a session's catch-up): opened by the first report, closed by the last."""

    def __init__(self) -> None:
        self.context: AbstractContextManager[Progress] | None = None
        self.report: Progress = _silent

    def show(self, stage: str, done: int, total: int, *, end: bool) -> None:
        if self.context is None:
            self.context = progress_bars()
            self.report = self.context.__enter__()
        self.report(stage, done, total)
        if end:
            self.close()

    def close(self) -> None:
        """Take the bars down (also when the work they showed failed half way)."""
        context, self.context, self.report = self.context, None, _silent
        if context is not None:
            context.__exit__(None, None, None)


_OPEN_BARS = OpenBars()


def stage_bar(stage: str, done: int, total: int, *, end: bool = False) -> None:
    """One report to the open bars (see `OpenBars`); `end` closes them."""
    _OPEN_BARS.show(stage, done, total, end=end)


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


def _neg(text: str) -> str:
    return text[1:] if text.startswith("-") else text


# Once the later closes have paid every delta, naming the next open quarter as where the
# delta settles read as if that quarter would pay it again.
SETTLED_SINCE = N_("the delta was settled by the quarters closed since; nothing is outstanding")


def settled_already(report: Mapping[str, Any]) -> bool:
    """Whether the later closes paid every delta of the period (`jixiao restatement` and
    `payout --restated` alike): something was settled since and nothing is outstanding.
    Person by person, not the total: a correction after the later close shares a pool out
    again, its deltas summing to nothing while each is still the next quarter's to pay."""
    people = report["people"]
    return (all(p.get("outstanding") in (None, "0.00") for p in people)
            and any(p.get("settled_since") not in (None, "0.00") for p in people))


def restatement_text(report: dict[str, Any], names: Mapping[str, str] | None = None) -> str:
    """`jixiao restatement`; departments by `names` (id → name) where given."""
    named = names or {}
    out = [titled(N_("Restatement of {period} ({name}), closed statement {digest}…"),
                  report["period"], digest=report["closed_sha256"][:12]),
           _(SETTLED_SINCE) if settled_already(report) else _("settles in: {period}").format(
               period=report.get("settles_in") or _("no open quarter yet")), ""]
    out.append(table(
        [_("employee"), _("name"), _("department"), _("closed"), _("now"),
         _("settled since"), _("outstanding")],
        [[d["id"], d["name"], named.get(d["department_id"], d["department_id"]),
          yuan(d["closed"]), yuan(d["now"]),
          yuan(d["settled_since"]), yuan(d["outstanding"])] for d in report["people"]],
        right={3, 4, 5, 6}))
    out.append("")
    out.append(table([_("department"), _("closed"), _("now")],
                     [[named.get(d["id"], d["id"]), yuan(d["closed"]), yuan(d["now"])]
                      for d in report["departments"]],
                     right={1, 2}))
    out.append("\n" + _("outstanding total: {amount}").format(
        amount=yuan(report["outstanding"])))
    out += late_decision_lines(report.get("appeals_decided_late", []))
    return "\n".join(out)


def events_text(lines: Sequence[Any], *, json_lines: bool, zone: ZoneInfo | None = None) -> str:
    """`jixiao events`: one line per event (`audit.EventLine`), or one JSON object each of
    its fields as the use case shows them (credential hashes left out). Times are shown
    in the organisation's zone (the ledger's settings)."""
    out = []
    for line in lines:
        event = line.event
        if json_lines:
            out.append(canonical_dumps({"type": type(event).__name__, **line.fields}))
            continue
        status = "" if line.live else " " + _("(replaced)")
        kind = type(event).__name__
        # The entry's name in the reader's language beside the class name the docs,
        # the API and --json use; padded by display cells, as a CJK character takes two.
        named = event_name(kind)
        label = "" if named == kind else named
        label += " " * max(1, 16 - cell_len(label))
        out.append(f"{local_time(event.recorded_at, zone or DEFAULT_TIME_ZONE)} {event.actor:<16} "
                   f"{label}{kind:<28} {event.effective:<10} "
                   f"{event.originator_id}{status}")
    return "".join(f"{text}\n" for text in out)
