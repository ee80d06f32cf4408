"""`jixiao`: the command line's entry point. `jixiao payout --period P` and `jixiao
explain --period P --employee E` (or `--department`, `--figure`) by the store's owner are
answered from the warm statements view before the command tree is even imported (typer,
every verb's use cases, the event models: most of a new process's time); every other
invocation, and any report the view cannot answer unchanged, goes to `api.cli.main`
exactly as typed, but for the plain what-if, `payout --period P --with FILE`, which
folds the ledger as the verb does, without typer and the command tree
(`api.cli.plain_payout`: same output, errors and exit codes).

The words are read here only to recognise those plain forms: `payout` with `--period`,
`--db`, `--actor`, `--json` and `--lang` (each once, as `--x v` or `--x=v`), the same
with `--with`, and `explain` with these and one of `--employee`, `--department`,
`--figure`, and `--depth` in ASCII digits. Anything else, even a mistake, is left to
the command tree, which parses and reports it."""

from __future__ import annotations

import atexit
import gc
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence

from api import plugin_discovery
from api.i18n import from_environment, normalise, use_language
from api.storage import psycopg_versions
from api.storage.store_env import settings_problem, sqlite_beside_postgres, store_env

VALUED = frozenset({"--period", "--db", "--actor", "--lang"})
FLAGS = frozenset({"--json"})
WHAT_IF_VALUED = VALUED | {"--with"}
EXPLAIN_VALUED = VALUED | {"--employee", "--department", "--figure", "--depth"}
SUBJECTS = ("--employee", "--department", "--figure")
# api.cli.reports.explain's default depths (the table, --json).
DEPTH_TEXT, DEPTH_JSON = 5, 64
DEPTH = re.compile(r"[0-9]{1,3}")  # a plain depth; anything else the command tree judges
# Verbs that read, answer and exit; see _collect_no_cycles.
ONE_SHOT_READS = frozenset({"payout", "explain"})


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run one verb and return its exit code (as `api.cli.main`); a process's one-shot
    read (`argv` None) ends the process instead (`exit_at_once`)."""
    words = list(sys.argv[1:] if argv is None else argv)
    given = os.environ if environ is None else environ
    plugin_discovery.install()  # before the first schema build
    if given.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        psycopg_versions.install()  # before psycopg's first import
    one_shot = argv is None and _collect_no_cycles(words)
    answered = warm_payout(words, given)
    if answered is None:
        answered = warm_explain(words, given)
    if answered is None:
        answered = plain_what_if(words, environ)
    if answered is None:
        if "serve" not in words:  # a server starts once: its texts would crowd the file
            from api import compile_cache  # noqa: PLC0415 - see plain_what_if

            compile_cache.install("tree", given)
        from api.cli import main as command_line  # noqa: PLC0415 - the whole tree, when needed

        answered = command_line(words, environ)
    if one_shot:
        exit_at_once(answered)
    return answered


def _collect_no_cycles(words: Sequence[str]) -> bool:
    """Turn the cyclic garbage collector off for a report that reads and exits (whether
    it is one: True).

    Importing the ledger's models (≈255 pydantic classes) and folding every event make
    hundreds of thousands of objects that live until the process ends; the collector
    scanned them over and over, ≈120 ms of a 1.1 s what-if (`payout --with`) on the
    hospital preset and 7-10 % of its CPU, and a share of a PostgreSQL payout's import of
    psycopg. These reads make no cyclic garbage worth collecting before they exit (the
    what-if's peak RSS was the same, 94 MB, with and without it). Only for a process
    (`argv` None): a test calling `main` in its own process keeps its collector."""
    rest = words[2:] if words[:1] == ["--lang"] else words  # the one global option
    if next((word for word in rest if not word.startswith("-")), "") not in ONE_SHOT_READS:
        return False
    gc.disable()
    return True


def exit_at_once(code: int) -> None:
    """End a one-shot read's process now, its output flushed and its exit handlers run,
    without the interpreter's teardown: freeing the folded ledger and ≈380 modules object
    by object (with a last collection) was ≈50 ms of a what-if's ≈450 ms of CPU on the
    hospital preset. Nothing is left to close: the verb's session is closed when its
    report is printed. Returns (the interpreter exits as usual, reporting what it always
    has) when the output cannot be flushed, as into a closed pipe, another thread runs, or
    a profiler or tracer is watching."""
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return  # a profiler or coverage writes its results in the teardown
    atexit._run_exitfuncs()  # logging's flush, and whatever else asked to run at exit
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None when started with the stream closed (`2>&-`)
                stream.flush()
    except (OSError, ValueError):  # a closed pipe, or stderr closed after one
        return
    os._exit(code)


def _store_env(db: str | None, environ: Mapping[str, str]) -> dict[str, str] | None:
    """`store_env`, or None for a PostgreSQL setting it would refuse, a --db or JIXIAO_DB
    beside PostgreSQL, or a SQLite URI (the command tree names each); a POSTGRES_* one
    beside SQLite is not read, nor turns the warm path off."""
    if environ.get("PERSISTENCE_MODULE") == "eventsourcing.postgres" and (
            sqlite_beside_postgres(db, environ) is not None
            or settings_problem(environ) is not None):
        return None
    if (db or environ.get("JIXIAO_DB") or "").startswith("file:") and \
            environ.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        return None
    return store_env(db, environ)


def warm_payout(words: Sequence[str], environ: Mapping[str, str]) -> int | None:
    """The exit code of `payout` answered from the warm view, or None (nothing printed)."""
    options = payout_options(words)
    if options is None or "--period" not in options:
        return None
    lang = options.get("--lang")
    if lang is not None and normalise(lang) is None:
        return None
    # The warm view's reader, for the forms it may answer (a what-if never: `--with`), and
    # its text: not imported before (≈10 ms a `--help` or mistyped verb has no use for).
    from api.i18n.unreadable import invalid_entry_warning  # noqa: PLC0415
    from api.render_text import payout_text  # noqa: PLC0415
    from api.storage.warm_view import warm_statement  # noqa: PLC0415
    from api.usecases.warm_reports import owner_payout  # noqa: PLC0415

    env = _store_env(options.get("--db"), environ)
    if env is None:
        return None  # the command tree names it
    with use_language(from_environment(lang, environ)):
        report = owner_payout(lambda period: warm_statement(env, period), options["--period"])
        if report is None:
            return None
        try:
            print(_canonical(report) if "--json" in options else payout_text(report))
            for entry in report.get("invalid_entries", ()):
                print(invalid_entry_warning(entry), file=sys.stderr)
        except BrokenPipeError:  # piped into `head` and closed early: not an error of ours
            sys.stderr.close()
    return 0


def plain_what_if(words: Sequence[str], environ: Mapping[str, str] | None) -> int | None:
    """The exit code of `payout --period P --with FILE` in its plain form (the options of
    a plain payout besides), run by `api.cli.plain_payout` without the command tree; None
    for any other form (nothing done)."""
    options = plain_options(words, "payout", WHAT_IF_VALUED)
    if options is None or "--period" not in options or "--with" not in options:
        return None
    lang = options.get("--lang")
    if lang is not None and normalise(lang) is None:
        return None  # the command tree names the language it does not know
    # Not imported before (dataclasses, inspect: ≈2 ms a warm read has no use for), nor
    # installed (a warm read makes few dataclasses, and would read the cache for them); a
    # what-if makes ≈90 from here, compiled once (api/compile_cache.py).
    from api import compile_cache  # noqa: PLC0415

    compile_cache.install("what-if", environ)
    from api.cli import plain_payout  # noqa: PLC0415 - the ledger, not the command tree

    return plain_payout(words, options, environ)


def warm_explain(words: Sequence[str], environ: Mapping[str, str]) -> int | None:
    """The exit code of `explain` answered from the warm view, or None (nothing printed)."""
    options = plain_options(words, "explain", EXPLAIN_VALUED)
    if options is None or "--period" not in options or (
            sum(name in options for name in SUBJECTS) != 1):
        return None
    depth = options.get("--depth")
    lang = options.get("--lang")
    if (depth is not None and DEPTH.fullmatch(depth) is None) or (
            lang is not None and normalise(lang) is None):
        return None
    from api.render_text import explain_text  # noqa: PLC0415 - see warm_payout
    from api.storage.warm_view import warm_figures  # noqa: PLC0415 - see warm_payout
    from api.usecases.warm_reports import WarmExplain, owner_explain  # noqa: PLC0415

    env = _store_env(options.get("--db"), environ)
    if env is None:
        return None  # the command tree names it
    query = WarmExplain(options["--period"], options.get("--employee"),
                        options.get("--department"), options.get("--figure"),
                        int(depth) if depth is not None else (
                            DEPTH_JSON if "--json" in options else DEPTH_TEXT))
    with use_language(from_environment(lang, environ)):
        report = owner_explain(lambda period: warm_figures(env, period), query)
        if report is None:
            return None
        try:
            print(_canonical(report) if "--json" in options else
                  "\n\n".join(explain_text(tree) for tree in report["explain"]))
        except BrokenPipeError:  # piped into `head` and closed early: not an error of ours
            sys.stderr.close()
    return 0


def payout_options(words: Sequence[str]) -> dict[str, str] | None:
    """The options of `payout` in its plain form (a flag maps to ""), or None."""
    return plain_options(words, "payout", VALUED)


def plain_options(words: Sequence[str], verb: str,
                  valued: frozenset[str]) -> dict[str, str] | None:
    """The options of `verb` in its plain form (a flag maps to ""), or None."""
    options: dict[str, str] = {}
    verb_seen, rest = False, list(words)
    while rest:
        word = rest.pop(0)
        name, has_value, value = word.partition("=")
        if not verb_seen and word == verb and set(options) <= {"--lang"}:
            verb_seen = True
            continue
        if name in options or not (name in valued or (name in FLAGS and not has_value)):
            return None
        if name in valued and not has_value:
            if not rest:
                return None
            value = rest.pop(0)
        if name in valued and (not value or value.startswith("-")):
            return None  # click reads these its own way; let it
        if name != "--lang" and not verb_seen:
            return None
        options[name] = value
    return options if verb_seen else None


def _canonical(data: object) -> str:
    # domain.scheme.canonical_dumps, which this module must not import (pydantic models).
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":  # `python -m api.cli_launch`: the `jixiao` script
    sys.exit(main())
