"""The `payout --restated` table: closed, restated and delta per person, then the department
lines that moved."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from api.cli.render import SETTLED_SINCE, settled_already, table, yuan
from api.cli.render_late import late_decision_lines
from api.i18n import N_, _
from api.i18n.formats import DEFAULT_TIME_ZONE, local_time

TITLE = N_("Restatement of {period} (closed statement {sha}…, {verified}; closed at "
           "{closed_at})")
VERIFIED = {True: N_("hash verified"), False: N_("HASH MISMATCH")}
SETTLES = N_("the delta settles in: {target}")
NO_OPEN = N_("no open quarter yet")
PEOPLE = [N_("employee"), N_("name"), N_("department"), N_("closed"), N_("restated"),
          N_("delta"), N_("settled since"), N_("outstanding")]
DEPARTMENTS = [N_("department"), N_("line"), N_("closed"), N_("restated"), N_("delta")]
TOTAL = N_("delta total: {delta}; outstanding: {outstanding}")
LAPSE_TITLE = N_("bank lapsing at the year end (not carried past the year)")
LAPSE = [N_("department"), N_("closed"), N_("restated"), N_("delta")]
UNCHANGED = N_("no department line changed")


def _headers(names: list[str]) -> list[str]:
    return [_(name) for name in names]


def restated_text(report: dict[str, Any], names: Mapping[str, str] | None = None,
                  zone: ZoneInfo | None = None) -> str:
    """The table of `payout --restated`; departments by `names` (id → name) where given,
    the close's time in `zone` (the ledger's), money as money."""
    named = names or {}
    closed_at = local_time(datetime.fromisoformat(report["closed_at"]),
                           zone or DEFAULT_TIME_ZONE)
    out = [_(TITLE).format(period=report["period"], sha=report["closed_sha256"][:12],
                        verified=_(VERIFIED[bool(report["hash_verified"])]),
                        closed_at=closed_at),
           _(SETTLED_SINCE) if settled_already(report)
           else _(SETTLES).format(target=report["settles_in"] or _(NO_OPEN)), ""]
    out.append(table(_headers(PEOPLE), [
        [p["employee_id"], p["name"], named.get(p["department_id"], p["department_id"]),
         yuan(p["closed"]), yuan(p["restated"]), yuan(p["delta"]), yuan(p["settled_since"]),
         yuan(p["outstanding"])] for p in report["people"]],
        right={3, 4, 5, 6, 7}))
    moved = [[named.get(d["department_id"], d["department_id"]), name, yuan(v["closed"]),
              yuan(v["restated"]), yuan(v["delta"])]
             for d in report["departments"] for name, v in d["lines"].items()
             if v["closed"] != v["restated"]]
    out.append("")
    out.append(table(_headers(DEPARTMENTS), moved, right={2, 3, 4}) if moved
               else _(UNCHANGED))
    if report.get("year_end_lapse"):
        out += ["", _(LAPSE_TITLE)]
        out.append(table(_headers(LAPSE), [
            [named.get(d["department_id"], d["department_id"]), yuan(d["closed"]),
             yuan(d["restated"]), yuan(d["delta"])]
            for d in report["year_end_lapse"]], right={1, 2, 3}))
    if report.get("delta_total") is not None:
        out.append("")
        out.append(_(TOTAL).format(delta=yuan(report["delta_total"]),
                                   outstanding=yuan(report["outstanding"])))
    out += late_decision_lines(report.get("appeals_decided_late", []))
    return "\n".join(out)
