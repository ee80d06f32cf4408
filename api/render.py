"""Human renderings of the canonical JSON reports. Programs read `--json` instead."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from domain.scheme import canonical_dumps


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: set[int]) -> str:
    cells = [[str(c) for c in headers]] + [[("" if c is None else str(c)) for c in r] for r in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        parts = []
        for i, cell in enumerate(row):
            pad = widths[i] - _width(cell)
            parts.append(" " * pad + cell if i in right else cell + " " * pad)
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" else 1 for ch in text)


def payout_text(report: dict[str, Any], *, people: bool = True) -> str:
    out = [f"Payout {report['period']}  (scheme {report['scheme']['key']})", ""]
    out.append("Pool: " + ", ".join(f"{p['line']} {p['amount']}" for p in report["pool"]))
    out.append("")
    departments = report["departments"]
    out.append(table(
        ["department", "heads", "score", "calculated", "controls", "banked", "drawn",
         "subsidy", "settled", "per point"],
        [[d["department_id"], d["headcount"], _short(d["score"]), d["pay_calculated"],
          _add(d["controls"], d["penalties"]), d["banked"], d["bank_drawn"], d["subsidy"],
          d["settled"], d["per_point_indicative"] or "-"] for d in departments],
        right={1, 2, 3, 4, 5, 6, 7, 8, 9},
    ))
    if people:
        out.append("")
        out.append(table(
            ["employee", "name", "department", "score", "ratio", "pay", "post bonus",
             "study leave", "restated", "total", "note"],
            [[p["employee_id"], p["name"], p["department_id"], _short(p["score"]),
              p["ratio"], p["pay"], p["post_bonus"], p["study_leave"], p["restatement"],
              p["total"], p["reason"]] for p in report["people"]],
            right={3, 4, 5, 6, 7, 8, 9},
        ))
    out.append("")
    out.append(reconciliation_text(report))
    for note in report.get("notes", []):
        out.append(f"note: {note}")
    return "\n".join(out)


def reconciliation_text(report: dict[str, Any]) -> str:
    recon = report["reconciliation"]
    rows = [[line["line"], line["amount"]] for line in recon["lines"]]
    rows.append(["balance (must be 0.00)", recon["balance"]])
    return f"Reconciliation {report['period']}\n" + table(["line", "amount"], rows, right={1})


def summary_text(report: dict[str, Any]) -> str:
    recon = report["reconciliation"]
    lines = {line["line"]: line["amount"] for line in recon["lines"]}
    pool = next((p["amount"] for p in report["pool"] if p["line"] == "distributable"), "")
    return (
        f"{report['period']}: pool {pool}, paid {report['totals']['paid']} to "
        f"{report['totals']['people_paid']} people, "
        f"banked {_neg(lines.get('excess over cap banked', '0.00'))}, "
        f"drawn {lines.get('bank drawn (same-year carry-over)', '0.00')}, "
        f"subsidy {lines.get('hospital floor subsidy', '0.00')}, "
        f"balance {recon['balance']}"
    )


def explain_text(node: dict[str, Any], indent: str = "") -> str:
    rule = f"  [{node['rule']} {node['source']}" + (
        f", {node['default']}" if node.get("default") else "") + "]" if node.get("rule") else ""
    value = node["value"]
    if "approx" in node:  # a non-terminating exact value: the decimal first, for people
        value = (f"{node['approx']}… (= {value})" if len(value) <= 24
                 else f"{node['approx']}… (exact in --json)")
    head = f"{indent}{node['label']} = {value} {node['unit']}{rule}"
    if node.get("see_above"):
        return head + "  (explained above)"
    if node.get("truncated"):
        return head + "  (… more with --depth)"
    lines = [head, f"{indent}    = {node['formula']}"]
    if node.get("inputs_not_expanded"):
        shown = ", ".join(node["inputs"][:3])
        lines.append(f"{indent}    · {node['inputs_not_expanded']:,} inputs ({shown}, …): listed "
                     "in --json; explain any one with --figure KEY")
    for name, value in node.get("literals", {}).items():
        lines.append(f"{indent}    · {name} = {value}")
    if node.get("events"):
        lines.append(f"{indent}    · events: {', '.join(node['events'])}")
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
    out = [f"Restatement of {report['period']} (closed statement {report['closed_sha256'][:12]}…)",
           f"settles in: {report.get('settles_in') or 'no open quarter yet'}", ""]
    out.append(table(
        ["employee", "name", "department", "closed", "now", "settled since", "outstanding"],
        [[d["id"], d["name"], d["department_id"], d["closed"], d["now"], d["settled_since"],
          d["outstanding"]] for d in report["people"]],
        right={3, 4, 5, 6}))
    out.append("")
    out.append(table(["department", "closed", "now"],
                     [[d["id"], d["closed"], d["now"]] for d in report["departments"]],
                     right={1, 2}))
    out.append(f"\noutstanding total: {report['outstanding']}")
    return "\n".join(out)


def diff_text(report: dict[str, Any]) -> str:
    total = report["total"]
    out = [f"Diff {report['period']}: {report['from']} → {report['to']}",
           f"paid {total['from']} → {total['to']} ({total['delta']})"]
    if report["scheme"]:
        out.append(f"scheme {report['scheme']['from']} → {report['scheme']['to']}")
    out.append("")
    out.append(table(["employee", "name", "department", "from", "to", "delta", "direct events"],
                     [[r["id"], r["name"], r["department_id"], r["from"], r["to"], r["delta"],
                       ", ".join(e[:8] for e in r["direct_events"])] for r in report["people"]],
                     right={3, 4, 5}))
    out.append("")
    out.append(table(["department", "from", "to", "delta"],
                     [[r["id"], r["from"], r["to"], r["delta"]] for r in report["departments"]],
                     right={1, 2, 3}))
    out.append("\nbecause of:")
    for event in report["events"]:
        out.append(f"  {event['id'][:8]} {event['type']} by {event['actor']} at "
                   f"{event['recorded_at']} ({event['effective']}): {event['reason'] or '-'}")
    return "\n".join(out)


def events_text(lines: Sequence[Any], *, json_lines: bool) -> str:
    """`jixiao events`: one line per event (`audit.EventLine`), or one JSON object each. A
    token's hash is a credential's fingerprint: the trail shows that a token was set,
    never which."""
    out = []
    for line in lines:
        event = line.event
        if json_lines:
            out.append(canonical_dumps({"type": type(event).__name__,
                                        **event.model_dump(mode="json",
                                                           exclude={"token_sha256"})}))
            continue
        status = "" if line.live else " (replaced)"
        out.append(f"{event.recorded_at:%Y-%m-%d %H:%M:%S} {event.actor:<16} "
                   f"{type(event).__name__:<28} {event.effective:<10} "
                   f"{event.originator_id}{status}")
    return "".join(f"{text}\n" for text in out)
