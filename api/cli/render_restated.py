"""The `payout --restated` table: closed, restated and delta per person, then the department
lines that moved."""

from __future__ import annotations

from typing import Any

from api.cli.render import table
from api.cli.render_late import late_decision_lines

TITLE = "重述 {period}（已结报表 {sha}…，{verified}；结账于 {closed_at}）"
VERIFIED = {True: "哈希已核对 hash verified", False: "哈希不符 HASH MISMATCH"}
SETTLES = "差额结算期 settles in: {target}"
NO_OPEN = "尚无未结季度 no open quarter yet"
PEOPLE = ["员工 employee", "姓名 name", "科室 department", "已结 closed", "重述 restated",
          "差额 delta", "已结算 settled since", "待结算 outstanding"]
DEPARTMENTS = ["科室 department", "项目 line", "已结 closed", "重述 restated", "差额 delta"]
TOTAL = "差额合计 delta total: {delta}；待结算 outstanding: {outstanding}"
LAPSE_TITLE = "年末失效结余 bank lapsing at the year end (超年度无效)"
LAPSE = ["科室 department", "已结 closed", "重述 restated", "差额 delta"]
UNCHANGED = "科室各项无变化 no department line changed"


def restated_text(report: dict[str, Any]) -> str:
    out = [TITLE.format(period=report["period"], sha=report["closed_sha256"][:12],
                        verified=VERIFIED[bool(report["hash_verified"])],
                        closed_at=report["closed_at"]),
           SETTLES.format(target=report["settles_in"] or NO_OPEN), ""]
    out.append(table(PEOPLE, [
        [p["employee_id"], p["name"], p["department_id"], p["closed"], p["restated"],
         p["delta"], p["settled_since"], p["outstanding"]] for p in report["people"]],
        right={3, 4, 5, 6, 7}))
    moved = [[d["department_id"], name, v["closed"] or "-", v["restated"] or "-", v["delta"]]
             for d in report["departments"] for name, v in d["lines"].items()
             if v["closed"] != v["restated"]]
    out.append("")
    out.append(table(DEPARTMENTS, moved, right={2, 3, 4}) if moved else UNCHANGED)
    if report.get("year_end_lapse"):
        out += ["", LAPSE_TITLE]
        out.append(table(LAPSE, [[d["department_id"], d["closed"] or "-", d["restated"] or "-",
                                  d["delta"]] for d in report["year_end_lapse"]],
                         right={1, 2, 3}))
    if report.get("delta_total") is not None:
        out.append("")
        out.append(TOTAL.format(delta=report["delta_total"], outstanding=report["outstanding"]))
    out += late_decision_lines(report.get("appeals_decided_late", []))
    return "\n".join(out)
