"""The measured phases. Each runs in its own child process (`python -m bench.phases PHASE
ARGS.json OUT.json`), so its RSS figures are its own, and writes its results to OUT.json
after every step: a phase the runner stops at its time limit still reports what it
finished.

* ingest   - the generator's rows through `Ledger.parse_commands` + `Ledger.record`, in
             batches, as `jixiao apply` does (generation is timed apart and excluded),
             on the ledger the shells open (`open_ledger`: the product's recorders).
             With `loader: direct` (to build a province-sized store in reasonable time) the
             batch checks and the in-memory fold are skipped: parse_commands, the ledger's
             own command → event step and `Application.save`; the stored rows are the same.
* baseline - the same stored-event rows, read back raw, inserted into a table shaped like
             eventsourcing's with plain executemany (and COPY on PostgreSQL), one
             transaction per batch, then selected in pages and JSON-decoded.
* replay   - a brand-new `Ledger(env)`'s `facts()` fold from the store, then
             `projections.views.catch_up` into the (fresh) statements view. Then, when
             the baseline's raw tables are there, the fold beside the raw read in pairs
             (raw read, fresh fold, raw read, fresh fold …; a warm-up pair discarded), in
             this one process: the fold ÷ raw-read ratio is the median of the pairs, wall
             and CPU, with its spread (`fold_vs_read_*`). The fold's rates are then those
             medians and the raw read's are re-measured here (they win over the baseline
             phase's in the report, bench/report.py `flatten`); the first fold, cold, is
             kept as `fold_first_*`. One fold run apart from its baseline, in another
             process at another time, moved the ratio from 39 % to 91 % on one commit.
* queries  - one period's payout from the warm view (`Session(env).statement_json`), cold
             (`statement_for`), explain of one person, what-if of one appeal.
* cli      - the same payout, explain and what-if as `jixiao` whole processes, beside a
             bare Python start (bench/startup.py).
"""
# ruff: noqa: PLC0415 - the phases import the core lazily, in the child that measures it

from __future__ import annotations

import gc
import json
import os
import statistics
import sys
import time
from itertools import islice
from pathlib import Path
from typing import Any

from bench.generator import Shape
from bench.measure import Profiler, Progress, max_rss, rss, step_memory, ticking
from bench.startup import cli
from bench.stores import (
    RAW_TABLE,
    org_env,
    raw_create,
    raw_insert,
    raw_read,
    store_bytes,
    stored_rows,
)
from projections.memo import forget

ACTOR = "bench"


class Results(dict[str, Any]):
    """A phase's figures, written to disk after every step."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def save(self) -> None:
        self["max_rss"] = max_rss()
        self["cpu_seconds"] = time.process_time()
        Path(self.path).write_text(json.dumps(self, indent=2, sort_keys=True))


# ------------------------------------------------------------------ ingest


def ingest(args: dict[str, Any], out: Results) -> None:
    from api.storage.session import open_ledger
    from bench.generator import iter_commands

    target, shape, batch = args["target"], Shape(**args["shape"]), int(args["batch"])
    direct = args.get("loader", "ledger") == "direct"
    out["loader"] = "direct" if direct else "ledger"
    profiler = Profiler(args.get("profile"))
    progress = Progress("ingest events" + (" (direct loader)" if direct else ""),
                        shape.estimated_events())
    last_save = time.perf_counter()
    events = rows_total = batches = 0
    generate = parse = record = cpu = 0.0
    with step_memory(out, "ingest"):
        for organisation in range(shape.organisations):
            # As the shells open it: the product's recorders (api/storage), not the defaults.
            ledger = open_ledger(org_env(target, organisation))
            rows = iter_commands(shape, organisation)
            number = 0
            while True:
                started = time.perf_counter()
                chunk = list(islice(rows, batch))
                generate += time.perf_counter() - started
                if not chunk:
                    break
                numbered = [(f"org {organisation} row {number + i}", row)
                            for i, row in enumerate(chunk, start=1)]
                number += len(chunk)
                with profiler.running():
                    cpu_started = time.process_time()
                    started = time.perf_counter()
                    commands = ledger.parse_commands(numbered)
                    parsed = time.perf_counter()
                    if direct:
                        recorded = _save_directly(ledger, commands)
                    else:
                        recorded = len(ledger.record(commands, ACTOR).recorded)
                    done = time.perf_counter()
                    cpu += time.process_time() - cpu_started
                parse += parsed - started
                record += done - parsed
                events += recorded
                rows_total += len(chunk)
                batches += 1
                progress.add(recorded)
                if done - last_save > 10:  # a run stopped at its time limit still reports
                    last_save = done
                    out.update(events=events, batches=batches, ingest_seconds=parse + record,
                               ingest_rate=events / (parse + record), partial=True)
                    out.save()
            ledger.close()
            del ledger
            gc.collect()
    progress.finish()
    profiler.save()
    out.update(events=events, rows=rows_total, batches=batches, batch_size=batch,
               generate_seconds=generate, parse_seconds=parse, record_seconds=record,
               ingest_seconds=parse + record, ingest_rate=events / (parse + record),
               ingest_cpu_seconds=cpu, partial=False,
               store_bytes=store_bytes(target, shape.organisations))
    out.save()


def _save_directly(ledger: Any, commands: list[Any]) -> int:
    """Events as the ledger would make them (its own command → event step), put into its
    event store (mapper + recorder) without the batch checks or the in-memory fold."""
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    events = [ledger._to_event(command, ACTOR, now) for _, command in commands]
    ledger.events.put(events)
    return len(events)


# ------------------------------------------------------------------ raw baseline


def baseline(args: dict[str, Any], out: Results) -> None:
    """One raw table per organisation, as the ledger has one store per organisation."""
    target, shape, batch = args["target"], Shape(**args["shape"]), int(args["batch"])
    started = time.perf_counter()
    tables: list[tuple[str, list[list[Any]]]] = []
    rows = state_bytes = 0
    for organisation in range(shape.organisations):
        stored = [row for page in stored_rows(target, organisation) for row in page]
        if target["backend"] == "sqlite":
            # Bound as the ledger binds them (domain's SQLite insert): sqlite3 takes a
            # bytearray as a BLOB at once, but asks bytes for __adapt__/__conform__ first,
            # so a baseline binding bytes would be slower than the raw store can be.
            stored = [(*row[:3], bytearray(row[3])) for row in stored]
        rows += len(stored)
        state_bytes += sum(len(r[3]) for r in stored)
        tables.append((f"{RAW_TABLE}_o{organisation:03d}",
                       [stored[i:i + batch] for i in range(0, len(stored), batch)]))
    out["store_fetch_seconds"] = time.perf_counter() - started  # raw, for information
    out.update(rows=rows, raw_state_bytes=state_bytes, raw_tables=len(tables))
    out.save()

    for table, _ in tables:
        raw_create(target, table)
    progress = Progress("raw insert (executemany)", rows)
    cpu = time.process_time()
    with step_memory(out, "raw_insert"):
        seconds = sum(raw_insert(target, batches, "executemany", table=table,
                                 tick=progress.add) for table, batches in tables)
    progress.finish()
    out.update(raw_insert_seconds=seconds, raw_insert_rate=rows / seconds,
               raw_insert_cpu_seconds=time.process_time() - cpu)
    out.save()

    if target["backend"] == "postgres":
        for table, _ in tables:
            raw_create(target, f"{table}_copy")
        progress = Progress("raw insert (COPY)", rows)
        seconds = sum(raw_insert(target, batches, "copy", table=f"{table}_copy",
                                 tick=progress.add) for table, batches in tables)
        progress.finish()
        out.update(raw_copy_seconds=seconds, raw_copy_rate=rows / seconds)
        out.save()

    names = [table for table, _ in tables]
    del tables
    gc.collect()
    progress = Progress("raw select + json.loads", rows)
    cpu = time.process_time()
    seconds, count = 0.0, 0
    with step_memory(out, "raw_read"):
        for table in names:
            table_seconds, table_count = raw_read(target, table, tick=progress.add)
            seconds += table_seconds
            count += table_count
    progress.finish()
    cpu = time.process_time() - cpu
    out.update(raw_read_seconds=seconds, raw_read_rows=count, raw_read_rate=count / seconds,
               raw_read_cpu_seconds=cpu, raw_read_cpu_rate=count / max(cpu, 1e-9))
    out.save()


# ------------------------------------------------------------------ replay


def replay(args: dict[str, Any], out: Results) -> None:
    from api.storage.session import Session
    from projections.views import catch_up

    target, shape = args["target"], Shape(**args["shape"])
    profiler = Profiler(args.get("profile"))
    fold = views = fold_cpu = views_cpu = audit = 0.0
    events = statements = 0
    fold_peak = views_peak = fold_growth = 0
    out["rss_start"] = rss()
    for organisation in range(shape.organisations):
        session = Session(org_env(target, organisation))
        ledger = session.ledger
        total = ledger.max_position()
        step: dict[str, Any] = {}
        label = f"replay fold (org {organisation + 1}/{shape.organisations})"
        with step_memory(step, "fold"), ticking(
                label, lambda ledger=ledger: ledger._facts.last_position, total), \
                profiler.running():
            cpu = time.process_time()
            started = time.perf_counter()
            facts = ledger.facts()
            fold += time.perf_counter() - started
            fold_cpu += time.process_time() - cpu
        events += len(facts.events)
        fold_peak = max(fold_peak, step["fold_rss_peak"])
        fold_growth = max(fold_growth, step["fold_rss_after"] - step["fold_rss_before"])
        out.update(fold_seconds=fold, fold_events=events, fold_rate=events / fold,
                   fold_cpu_seconds=fold_cpu, fold_cpu_rate=events / max(fold_cpu, 1e-9),
                   fold_rss_peak=fold_peak, fold_rss_growth=fold_growth)
        out.save()
        if args.get("fold_only"):
            session.close()
            del session, ledger, facts
            gc.collect()
            continue
        label = f"view catch-up (org {organisation + 1}/{shape.organisations})"
        with step_memory(step, "views"), ticking(label), profiler.running():
            cpu = time.process_time()
            started = time.perf_counter()
            statements += catch_up(ledger, session.view)
            views += time.perf_counter() - started
            views_cpu += time.process_time() - cpu
        views_peak = max(views_peak, step["views_rss_peak"])
        audit += _audit_seconds(session, profiler)
        out.update(views_seconds=views, statements_written=statements, views_rss_peak=views_peak,
                   views_cpu_seconds=views_cpu,
                   replay_seconds=fold + views, replay_rate=events / (fold + views),
                   audit_verify_seconds=audit)
        out.save()
        session.close()
        del session, ledger, facts
        gc.collect()
    out["fold_bytes_per_event"] = fold_growth / max(events / shape.organisations, 1)
    out.update(fold_first_seconds=fold, fold_first_rate=events / fold,
               fold_first_cpu_seconds=fold_cpu,
               fold_first_cpu_rate=events / max(fold_cpu, 1e-9))
    out.save()
    _fold_beside_read(args, out, events)
    profiler.save()
    out.save()


def _fold_beside_read(args: dict[str, Any], out: Results, events: int) -> None:
    """Raw read and fresh fold of every organisation, alternately, `fold_pairs` times
    after a warm-up pair: the ratio of each pair (the same rows, seconds apart, in one
    process) and its median, so a load that comes and goes moves both sides of a pair."""
    from api.storage.session import open_ledger

    target, shape = args["target"], Shape(**args["shape"])
    pairs = int(args.get("fold_pairs", 5))
    if pairs < 1:
        return
    tables = [f"{RAW_TABLE}_o{organisation:03d}" for organisation in range(shape.organisations)]
    try:
        raw_read(target, tables[0])
    except Exception as error:  # no baseline in this run: nothing to pair
        out["fold_pairs_skipped"] = f"{type(error).__name__}: {error}"[:200]
        return
    seconds: dict[str, list[float]] = {"read_wall": [], "read_cpu": [], "fold_wall": [],
                                       "fold_cpu": []}
    rows = 0
    for pair in range(pairs + 1):
        wall = [0.0, 0.0]
        cpu = [0.0, 0.0]
        rows = folded = 0
        for organisation, table in enumerate(tables):
            gc.collect()
            started_cpu = time.process_time()
            read_seconds, count = raw_read(target, table)
            cpu[0] += time.process_time() - started_cpu
            wall[0] += read_seconds
            rows += count
            ledger = open_ledger(org_env(target, organisation))
            # Each fold checks the stored values as a new process's first fold does: the
            # decoders' per-value memos are dropped (the decoders themselves are kept,
            # built once per process like the imports).
            _forget_decoded_values()
            gc.collect()
            started_cpu = time.process_time()
            started = time.perf_counter()
            folded += len(ledger.facts().events)
            wall[1] += time.perf_counter() - started
            cpu[1] += time.process_time() - started_cpu
            ledger.close()
            del ledger
        if folded != events:
            raise RuntimeError(f"a paired fold read {folded:,} events, the first {events:,}")
        if pair == 0:
            continue  # warm-up: the pages and the decoders are in memory from here on
        seconds["read_wall"].append(wall[0])
        seconds["read_cpu"].append(cpu[0])
        seconds["fold_wall"].append(wall[1])
        seconds["fold_cpu"].append(cpu[1])
        _pair_figures(out, rows, events, seconds)
        out.save()


def _forget_decoded_values() -> None:
    from domain import stored_decoding

    forget = getattr(stored_decoding, "forget_values", None)
    if forget is not None:
        forget()
        return
    for check in getattr(stored_decoding, "_CHECKS", {}).values():  # older commits
        memo = getattr(check, "memo", None)
        if isinstance(memo, dict):
            memo.clear()


def _pair_figures(out: Results, rows: int, events: int,
                  seconds: dict[str, list[float]]) -> None:
    """The medians of the pairs so far, under the keys the report reads."""
    median = statistics.median
    read_wall, read_cpu = seconds["read_wall"], seconds["read_cpu"]
    fold_wall, fold_cpu = seconds["fold_wall"], seconds["fold_cpu"]
    # (fold events/s) ÷ (raw rows/s) of each pair: the same rows, so the seconds' ratio.
    wall = [(events / f) / (rows / r) for f, r in zip(fold_wall, read_wall, strict=True)]
    cpu = [(events / max(f, 1e-9)) / (rows / max(r, 1e-9))
           for f, r in zip(fold_cpu, read_cpu, strict=True)]
    out.update(
        fold_pairs=len(wall),
        fold_vs_read_wall_median=median(wall), fold_vs_read_wall_min=min(wall),
        fold_vs_read_wall_max=max(wall),
        fold_vs_read_cpu_median=median(cpu), fold_vs_read_cpu_min=min(cpu),
        fold_vs_read_cpu_max=max(cpu),
        fold_seconds=median(fold_wall), fold_rate=events / median(fold_wall),
        fold_cpu_seconds=median(fold_cpu), fold_cpu_rate=events / max(median(fold_cpu), 1e-9),
        raw_read_seconds=median(read_wall), raw_read_rows=rows,
        raw_read_rate=rows / median(read_wall), raw_read_cpu_seconds=median(read_cpu),
        raw_read_cpu_rate=rows / max(median(read_cpu), 1e-9))


def _audit_seconds(session: Any, profiler: Any) -> float:
    """The audit chain check (`jixiao verify`): chain the log, then walk it once."""
    from api.storage.chain import open_chain, verify

    with ticking("audit chain verify"), profiler.running():
        started = time.perf_counter()
        report = verify(session.ledger, open_chain(session.ledger))
        seconds = time.perf_counter() - started
    if not report.ok:
        raise RuntimeError(f"the bench store's chain does not verify: {report}")
    return seconds


# ------------------------------------------------------------------ queries


def _median_ms(action: Any, repeats: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def _appeal(facts: Any, period: Any, figures: Any) -> tuple[dict[str, Any], str]:
    """One superseding deduction: the first live deduction in the period that cost or gave
    a paid person points, appealed and re-recorded as 3 minutes late (within the 5-minute
    grace, so no points)."""
    from domain.events import DeductionRecorded

    for event in facts.in_period(period):
        if not isinstance(event, DeductionRecorded) or (
                f"person:{event.employee_id}:pay" not in figures):
            continue
        if event.minutes is not None and event.minutes <= 5:
            continue  # already within the grace: the appeal would change nothing
        return ({"type": "record_deduction", "period": str(period),
                 "employee_id": event.employee_id, "kind": "late", "minutes": 3,
                 "supersedes": str(event.originator_id),
                 "reason": f"appeal upheld (what-if): 3 minutes late, not {event.kind}"},
                event.employee_id)
    raise LookupError(f"no deduction of a paid person in {period}")


def queries(args: dict[str, Any], out: Results) -> None:
    from api.storage.session import Session
    from domain.periods import Period
    from projections.restatement import statement_for
    from projections.whatif import preview as what_if

    target, shape = args["target"], Shape(**args["shape"])
    repeats = int(args.get("repeats", 5))
    profiler = Profiler(args.get("profile"))
    period = Period.parse(args.get("period") or shape.last_quarter)
    out["period"] = str(period)
    out["organisation"] = 0
    session = Session(org_env(target, 0))
    out["view_warm"] = session.view.position() == session.ledger.max_position()

    with step_memory(out, "queries"):
        # A new session (a new CLI process) with a warm view: one position check and one
        # row, no fold.
        with ticking("payout, warm view, new session"), profiler.running():
            started = time.perf_counter()
            body = session.statement_json(period)
            out["payout_warm_new_session_s"] = time.perf_counter() - started
        out["people"] = len(body["people"])
        out["departments"] = len(body["departments"])
        stored = session.view.get(str(period))
        out["statement_json_bytes"] = len(stored.body) if stored else 0
        out.save()

        # The same session again: the ≤ 2 s target (view warm, facts in memory).
        with profiler.running():
            out["payout_warm_s"] = _median_ms(
                lambda: session.statement_json(period), repeats)[0] / 1000
        out.save()

        facts = session.ledger.facts()
        # Cold means computed here: drop the statements memoised beside the facts.
        out["memo_entries_dropped"] = forget(facts)
        with ticking("payout, cold (statement_for)"), profiler.running():
            cpu = time.process_time()
            started = time.perf_counter()
            statement = statement_for(facts, period)
            out["payout_cold_s"] = time.perf_counter() - started
            out["payout_cold_cpu_s"] = time.process_time() - cpu
        out.save()

        # The book itself, not its merged figures (`Ledgerbook.figures` merges 1.4 M of
        # them for a province): one key is looked up.
        row, employee_id = _appeal(facts, period, statement.book)
        key = f"person:{employee_id}:pay"
        out["explain_key"] = key
        with profiler.running():
            out["explain_cached_ms"], tree = _median_ms(lambda: statement.book.tree(key),
                                                        repeats)
        out["explain_nodes"] = _count_nodes(tree)
        # `jixiao explain` prints text to depth 5 (JSON to 64); the default tree goes to 12.
        out["explain_depth5_ms"], tree = _median_ms(
            lambda: statement.book.tree(key, depth_max=5), repeats)
        out["explain_depth5_nodes"] = _count_nodes(tree)
        # Not cached: a new session (a new process's), nothing computed, through the use
        # case `jixiao explain` calls: from the figures the view stores, when it has them.
        out["explain_uncached_ms"] = _explain_uncached(target, period, employee_id, repeats)
        out.save()

        pay_before = statement.book.value(key)
        with ticking("what-if"), profiler.running():
            started = time.perf_counter()
            commands = session.ledger.parse_commands([("what-if", row)])
            preview = what_if(session.ledger, commands, ACTOR)
            previewed = time.perf_counter()
            recomputed = statement_for(preview, period)
            done = time.perf_counter()
            recomputed.book.tree(key)
            explained = time.perf_counter()
        out.update(whatif_preview_ms=(previewed - started) * 1000,
                   whatif_recompute_ms=(done - previewed) * 1000,
                   whatif_explain_ms=(explained - done) * 1000,
                   whatif_ms=(explained - started) * 1000,
                   whatif_pay_before=str(pay_before),
                   whatif_pay_after=str(recomputed.book.value(key)))
        out.save()
    profiler.save()
    session.close()
    out.save()


def _explain_uncached(target: dict[str, Any], period: Any, employee_id: str,
                      repeats: int) -> float:
    """The median of `reports.explain` of one person, each in a new session."""
    from api.storage.session import Session
    from api.usecases import reports
    from api.usecases.ports import Caller

    def once() -> None:
        session = Session(org_env(target, 0))
        try:
            reports.explain(session, Caller(ACTOR), reports.ExplainQuery(
                str(period), employee=employee_id))
        finally:
            session.close()

    return _median_ms(once, repeats)[0]


def _count_nodes(tree: dict[str, Any]) -> int:
    return 1 + sum(_count_nodes(child) for child in tree.get("because", []))


PHASES = {"ingest": ingest, "baseline": baseline, "replay": replay, "queries": queries,
          "cli": cli}


def main(argv: list[str]) -> int:
    phase, args_path, out_path = argv
    args = json.loads(Path(args_path).read_text())
    out = Results(out_path)
    out["phase"] = phase
    out["loadavg_start"] = os.getloadavg()[0]
    import domain  # which tree the phase measures (see `--code`)

    out["code_path"] = str(Path(domain.__file__).resolve().parent.parent)
    out.save()
    PHASES[phase](args, out)
    out["complete"] = True
    out.save()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
