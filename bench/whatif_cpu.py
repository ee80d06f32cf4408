"""The in-process what-if of one upheld appeal, repeated: CPU medians (issue 18 target 5).

    python -m bench.whatif_cpu STORE.db [--period 2026-Q1] [--repeats 5] [--profile OUT]

STORE.db: an organisation's SQLite store, as `python -m bench --phases ingest --keep`
leaves it (`--loader direct` builds a province in minutes). The facts are folded and the
period's statement computed once (a warm session), then each repeat makes the what-if
the `queries` phase makes (`bench.phases._appeal`: one deduction re-recorded within the
grace), recomputes the period on it and explains the appellant's pay, and reports its CPU
time (user + system of this process), split into preview, recompute and explain; the
last repeat runs under cProfile when `--profile` is given. Prints one JSON line.
"""
# ruff: noqa: PLC0415 - the core is imported after the arguments are read

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import json
import statistics
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.whatif_cpu", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store")
    parser.add_argument("--period", default="2026-Q1")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", default=None)
    options = parser.parse_args(argv)

    from api.storage.session import Session
    from bench.phases import _appeal
    from domain.periods import Period
    from domain.scheme import canonical_dumps
    from projections.restatement import statement_for
    from projections.whatif import preview

    session = Session({"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                       "SQLITE_DBNAME": options.store})
    period = Period.parse(options.period)
    started = time.process_time()
    facts = session.ledger.facts()
    statement = statement_for(facts, period)
    print(f"fold and statement: {time.process_time() - started:.1f} s CPU", file=sys.stderr)
    row, employee_id = _appeal(facts, period, statement.book)
    key = f"person:{employee_id}:pay"
    runs, digest = [], ""
    for number in range(options.repeats):
        gc.collect()
        profile = (cProfile.Profile() if options.profile and number == options.repeats - 1
                   else None)
        wall, cpu = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        commands = session.ledger.parse_commands([("what-if", row)])
        after = preview(session.ledger, commands, "bench")
        previewed = time.process_time()
        recomputed = statement_for(after, period)
        computed = time.process_time()
        recomputed.book.tree(key)
        done = time.process_time()
        if profile:
            profile.disable()
            profile.dump_stats(options.profile)
        runs.append({"cpu_s": done - cpu, "preview_s": previewed - cpu,
                     "recompute_s": computed - previewed, "explain_s": done - computed,
                     "wall_s": time.perf_counter() - wall})
        print(json.dumps(runs[-1]), file=sys.stderr)
        digest = hashlib.sha256(canonical_dumps(recomputed.to_json()).encode()).hexdigest()
        del after, recomputed
    medians = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
    print(json.dumps({"store": options.store, "period": str(period), "repeats": len(runs),
                      "median": medians, "statement_sha256": digest,
                      "pay_before": str(statement.book.value(key))}))
    session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
