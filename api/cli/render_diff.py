"""`jixiao diff` (and an appeal's preview) as text: the figures that moved, then the events
behind them, then the rest counted by type (projections/diff.py, `listing`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from api.i18n import N_, _
from api.i18n.events import event_name
from api.i18n.formats import DEFAULT_TIME_ZONE, local_time
from api.i18n.messages import WORDED_HEADLINE, entry_reason
from api.render_text import table, titled, yuan

# The rows a cause names on its line; a department-wide event names the first few.
NAMED_ROWS_MAX = 5

# The sides of a diff as the report names them (projections.diff, appeal_preview).
SIDES = {"now": N_("now"), "if upheld": N_("if upheld"), "if changed": N_("if changed"),
         "if revoked": N_("if revoked")}


def diff_text(report: dict[str, Any], names: Mapping[str, str] | None = None,
              zone: ZoneInfo | None = None) -> str:
    """`jixiao diff` and an appeal's preview: departments by `names` (id → name) where
    given, entries by their names in the reader's language, times in `zone`."""
    named = names or {}
    total = report["total"]
    out = [titled(N_("Diff {period} ({name}): {start} → {end}"), report["period"],
                  start=side_label(report["from"], zone), end=side_label(report["to"], zone))]
    if total is not None:
        out.append(_("paid {start} → {end} ({delta})").format(
            start=yuan(total["from"]), end=yuan(total["to"]), delta=yuan(total["delta"])))
    if report["scheme"]:
        out.append(_("scheme {start} → {end}").format(start=report["scheme"]["from"],
                                                       end=report["scheme"]["to"]))
    out += ["", *_moved_tables(report, named)]
    if "other_events" not in report:  # a flat report: every event in between, as it came
        if report["events"]:
            out += ["", _("because of:"), *(_event_line(e, zone) for e in report["events"])]
        return "\n".join(out)
    if report["events"]:
        out += ["", _("The events that may have moved them ({count}):").format(
            count=len(report["events"]))]
        out += [_event_line(e, zone) + _rows_moved(e, report, named) for e in report["events"]]
    out += _others(report["other_events"], zone)
    return "\n".join(out)


def _moved_tables(report: dict[str, Any], named: Mapping[str, str]) -> list[str]:
    """The people and the departments whose figure moved; a table only where one did."""
    people, departments = report["people"], report["departments"]
    if not people and not departments:
        return [_("No change: no one's pay moved.")]
    out = []
    if people:
        out.append(_("People whose pay moved ({count}):").format(count=len(people)))
        out.append(table([_("employee"), _("name"), _("department"), _("from"), _("to"),
                          _("delta"), _("direct events")],
                         [[r["id"], r["name"], named.get(r["department_id"], r["department_id"]),
                           yuan(r["from"]), yuan(r["to"]), yuan(r["delta"]),
                           _direct(r, grouped="other_events" in report)]
                          for r in people], right={3, 4, 5}))
    else:
        out.append(_("People: no change."))
    out.append("")
    if departments:
        out.append(_("Departments whose pay moved ({count}):").format(count=len(departments)))
        out.append(table([_("department"), _("from"), _("to"), _("delta")],
                         [[named.get(r["id"], r["id"]), yuan(r["from"]), yuan(r["to"]),
                           yuan(r["delta"])] for r in departments], right={1, 2, 3}))
    else:
        out.append(_("Departments: no change."))
    return out


def _direct(row: dict[str, Any], *, grouped: bool) -> str:
    # Grouped, a row moved by no event about it moved with its share of a pool another
    # event moved. A flat report (an appeal's preview, a what-if) names the events that
    # carry the row's own id, and a preview also the voidings of its entries
    # (`voiding_events`): an empty list there says nothing about why the row moved.
    events = [*row["direct_events"], *row.get("voiding_events", ())]
    if not events:
        return _("none (its share of a pool moved)") if grouped else ""
    return ", ".join(e[:8] for e in events)


def _event_line(event: dict[str, Any], zone: ZoneInfo | None) -> str:
    at = datetime.fromisoformat(event["recorded_at"])
    line = "  " + _("{id} {type} by {actor} at {at} ({effective}): {reason}").format(
        id=event["id"][:8], type=event_name(event["type"]), actor=event["actor"],
        at=local_time(at, zone or DEFAULT_TIME_ZONE), effective=event["effective"] or "-",
        reason=entry_reason(event["reason"]) if event["reason"] else event.get("notice") or "-")
    if event.get("rule_ref"):
        line += _("; rule {rule}").format(rule=event["rule_ref"])
    return line


def _rows_moved(event: dict[str, Any], report: dict[str, Any],
                named: Mapping[str, str]) -> str:
    """'; about E0017 韦超轩 ¥145.74, …': the rows this event is about, with their deltas."""
    if not event["moved"]:
        return _("; about no one (a pool, a scheme): it may move everyone")
    rows = {r["id"]: (f"{r['id']} {r['name']}", r["delta"]) for r in report["people"]}
    rows.update({r["id"]: (named.get(r["id"], f"{r['id']} {r['name']}"), r["delta"])
                 for r in report["departments"]})
    shown = [f"{rows[i][0]} {yuan(rows[i][1])}" for i in event["moved"][:NAMED_ROWS_MAX]]
    more = len(event["moved"]) - len(shown)
    text = _("; about {rows}").format(rows=_(", ").join(shown))
    return text + (_(" and {count} more").format(count=more) if more else "")


def _others(groups: list[dict[str, Any]], zone: ZoneInfo | None) -> list[str]:
    """The events about no figure that moved: counted by type, or each listed under its type."""
    if not groups:
        return []
    count = sum(group["count"] for group in groups)
    kinds = _(", ").join(_("{name} ×{count}").format(name=event_name(group["type"]),
                                                     count=group["count"])
                         for group in groups)
    out = ["", _("{count} other events are about no figure that moved: {kinds}").format(
        count=count, kinds=kinds)]
    if "events" not in groups[0]:
        return [*out, _("(--all lists each of them)")]
    for group in groups:
        out += [_(WORDED_HEADLINE).format(headline=event_name(group["type"])),
                *(_event_line(e, zone) for e in group["events"])]
    return out


def side_label(label: str, zone: ZoneInfo | None = None) -> str:
    """'now', 'if revoked', 'closed at <UTC instant>' … in the reader's language and zone;
    an instant as typed ('as of …') stays as typed."""
    if label in SIDES:
        return _(SIDES[label])
    if label.startswith("closed at "):
        at = datetime.fromisoformat(label.removeprefix("closed at "))
        return _("closed at {at}").format(at=local_time(at, zone or DEFAULT_TIME_ZONE))
    if label.startswith("as of "):
        return _("as of {at}").format(at=label.removeprefix("as of "))
    return label
