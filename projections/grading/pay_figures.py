"""A subject's pay lines as named figures (issue 15, item 1): what each line paid,
withheld and was based on, and for a line paid partly at once and partly held back
(004-S2-R8's 70 % monthly, 30 % settled by grade) the immediate share, each monthly
instalment it is paid in, and each held tranche with the grade, rate and amount that
settled it. Read off the canonical report's `pay`, so they are the report's numbers,
never a second computation.

Names: `pay:<line id>:paid|withheld|base`, `pay:<line id>:immediate`,
`pay:<line id>:instalment:<nn>` (01 … the line's `instalments`; largest remainder to the
fen, so they sum to the immediate share exactly), the exact amounts before that one
rounding `pay:<line id>:immediate:exact` and `pay:<line id>:instalment:exact` (immediate ÷
instalments), and
`pay:<line id>:tranche:<n>:held|rate|paid|withheld` (n from 1, in the scheme's order).
"""

from __future__ import annotations

from typing import Any


def pay_figures(pay: list[dict[str, Any]]) -> dict[str, str]:
    figures: dict[str, str] = {}
    for line in pay:
        prefix = f"pay:{line['id']}"
        for name in ("paid", "withheld", "base"):
            if line.get(name) is not None:
                figures[f"{prefix}:{name}"] = str(line[name])
        tranche = 0
        for part in line.get("parts", []):
            if "instalments" in part:
                figures[f"{prefix}:immediate"] = str(part["amount"])
                if "value" in part:  # exact, before the one rounding of each instalment
                    figures[f"{prefix}:immediate:exact"] = str(part["value"])
                    figures[f"{prefix}:instalment:exact"] = str(part["instalment_value"])
                figures.update({f"{prefix}:instalment:{n:02d}": str(value)
                                for n, value in enumerate(part["instalments"], start=1)})
            elif "grade" in part:  # a held tranche, settled or awaiting its grade
                tranche += 1
                where = f"{prefix}:tranche:{tranche}"
                figures[f"{where}:held"] = str(part.get("held", part["amount"]))
                if part["grade"] is not None:
                    figures.update({f"{where}:rate": str(part["rate"]),
                                    f"{where}:paid": str(part["amount"]),
                                    f"{where}:withheld": str(part["withheld"])})
    return figures
