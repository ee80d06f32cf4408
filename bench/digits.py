"""`python -m bench.digits`: how big the exact numbers of one quarter get with the number of
departments, and what that costs.

Scores are exact fractions. A class-3 admin department's base is the mean of every clinical
department's per-capita score; each per-capita score carries its department's cost
coefficient (revenue ÷ cost) in its denominator, so the mean's denominator is (up to) the
least common multiple of all of them and grows with the number of clinical departments.
This study builds a minimal organisation (3 staff per department, a quantity score and
attendance per person) in memory for each department count, computes its first quarter,
and reports the largest exact number in the statement, its rendered length (long
fractions are rendered rounded, see `projections.figures.exact_text`) and the time taken.
"""
# ruff: noqa: PLC0415 - the core is imported lazily, as in the phases

from __future__ import annotations

import math
import sys
import time


def study(departments: int) -> dict[str, float]:
    from bench.generator import Shape, iter_commands
    from bench.phases import _save_directly
    from domain.application import Ledger
    from domain.periods import Period
    from projections.payout import calculate

    shape = Shape(departments=departments, staff=3 * departments,
                  events_per_person_per_period=2)
    ledger = Ledger({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    rows = list(iter_commands(shape, 0))
    commands = ledger.parse_commands([(str(n), row) for n, row in enumerate(rows)])
    _save_directly(ledger, commands)
    facts = ledger.facts()
    started = time.perf_counter()
    statement = calculate(facts, Period.parse("2026-Q1"))
    calculated = time.perf_counter() - started
    started = time.perf_counter()
    body = statement.to_json()
    rendered = time.perf_counter() - started
    digits = max(max(d.score.numerator.bit_length(), d.score.denominator.bit_length())
                 for d in statement.departments) * math.log10(2)
    rendered_chars = max(len(d["score"]) for d in body["departments"])
    return {"departments": departments, "exact_digits": digits, "rendered_chars": rendered_chars,
            "calculate_s": calculated, "to_json_s": rendered}


def main(argv: list[str]) -> int:
    counts = [int(a) for a in argv] or [20, 100, 200, 400, 800, 1600, 2000]
    print("| departments | largest exact score (digits) | rendered (characters) "
          "| calculate Q1 (s) | to_json (s) |")
    print("|---:|---:|---:|---:|---:|")
    for count in counts:
        row = study(count)
        print(f"| {count:,} | {row['exact_digits']:,.0f} | {row['rendered_chars']} "
              f"| {row['calculate_s']:.2f} | {row['to_json_s']:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
