"""Which store a shell opens: a SQLite file by default, PostgreSQL when the environment
says so (`PERSISTENCE_MODULE=eventsourcing.postgres` and the `POSTGRES_*` variables)."""

from __future__ import annotations

import gc
import json
import resource
import weakref
from collections import deque
from collections.abc import Iterator, Mapping, MutableSequence, Sequence
from contextlib import contextmanager
from datetime import datetime
from itertools import takewhile
from typing import TYPE_CHECKING, Any, Self, cast

from api import plugin_discovery
from api.storage import psycopg_versions
from api.storage import store_env as environment
from api.storage.busy import ensure_wal, ledger_file_exists
from api.storage.chain import (
    ChainDamagedError,
    ChainStore,
    catch_up_chain,
    chain_head_at,
    open_chain,
    stored_records,
    verify,
)
from api.storage.facts_snapshot import FactsSnapshots
from api.storage.lean_facts import FoldedLedger, LeanFolds, seal_after_close
from api.storage.new_ledger import NEW_LEDGER_KEY
from api.storage.parsed_statements import ParsedStatements
from api.storage.read_only import (
    ORIGIN_KEY,
    ReadOnlyPostgresLedger,
    copy_of,
    file_identity,
    forced_read_only,
    ledger_file,
    postgres_read_only,
    read_only,
    read_only_ledger,
    refuse_a_new_ledger,
    refuse_a_new_postgres_ledger,
    unreadable_chain,
)
from api.storage.recorded_closes import RecordedClose
from api.storage.statement_views import SQLiteStatementView, view_to_read
from api.storage.view_checks import (
    check_closed,
    recorded_closes,
    row_fault,
    view_finding,
    view_findings,
)
from domain.errors import ConflictError
from domain.events import LedgerEvent
from domain.facts import Facts, FrozenHolders, cycle_collection_paused
from domain.ledger_reads import APPLICATION_NAME
from domain.periods import Period
from domain.users import UserDirectory
from projections.figure_tree import FigureSource
from projections.memo import is_memoised
from projections.restatement import REPORTED, statement_for
from projections.views import (
    CatchUpProgress,
    RowFault,
    StatementView,
    TamperedWarning,
    catch_up_settled,
    raise_stored,
    render_statement,
)

if TYPE_CHECKING:
    from domain.application import Ledger
    from projections.audit import ChainReport

NOTICES_MAX = 100  # notices and integrity warnings one session keeps (the oldest go)
# Growth of the process's peak RSS after which a long-lived session freezes what is alive
# (`Session.settle`): a fold or a statement of any size grows it by more.
FREEZE_GROWTH = 32 << 20

def ledger_exists(env: Mapping[str, str]) -> bool:
    """Whether the store holds a ledger: the SQLite file exists, or on PostgreSQL the
    events table does (opening a ledger would create either, empty)."""
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        name = env["SQLITE_DBNAME"]
        return name == ":memory:" or "mode=memory" in name or ledger_file_exists(name)
    # psycopg and eventsourcing.postgres are imported on PostgreSQL only: they take longer
    # to import than a SQLite verb takes to answer.
    psycopg_versions.install()
    import psycopg  # noqa: PLC0415 - PostgreSQL only

    from api.storage.postgres_options import busy_cause, connect  # noqa: PLC0415 - PostgreSQL only

    arguments: dict[str, Any] = dict(postgres_connect_args(env))
    try:
        with connect(arguments, autocommit=True) as connection:
            return _events_table_in(connection, env)
    except psycopg.OperationalError as error:  # lost while asking
        raise busy_cause(error, arguments) or error from error


def _events_table_in(connection: Any, env: Mapping[str, str]) -> bool:
    from api.storage.pg_schema import events_table_in  # noqa: PLC0415 - PostgreSQL only

    return events_table_in(connection, env.get("POSTGRES_SCHEMA") or "public",
                           f"{APPLICATION_NAME}_events")


def found_for_reading(env: Mapping[str, str]) -> tuple[bool, Any]:
    """`ledger_exists`, for a session that reads (`Session(reads_only=True)`): on
    PostgreSQL the connection that asked is opened as the statements view's and kept for
    it (returned with True; closed when the ledger is not there), one login fewer."""
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        return ledger_exists(env), None
    psycopg_versions.install()
    from api.storage.postgres_options import store_connection, told_on  # noqa: PLC0415 - PostgreSQL only

    connection = store_connection(postgres_connect_args(env), env.get("POSTGRES_SCHEMA"), env)
    try:
        with told_on(connection):  # lost while asking: told as every later query is
            found = _events_table_in(connection, env)
    except BaseException:
        connection.close()
        raise
    if not found:
        connection.close()
        return False, None
    return True, connection


def ledger_location(env: Mapping[str, str]) -> str:
    """Where the ledger is, for messages (never the password)."""
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        return env.get(ORIGIN_KEY) or env.get(NEW_LEDGER_KEY) or env["SQLITE_DBNAME"]
    return (f"postgresql://{env.get('POSTGRES_HOST', 'localhost')}:"
            f"{env.get('POSTGRES_PORT', '5432')}/{env.get('POSTGRES_DBNAME', 'postgres')} "
            f"schema {env.get('POSTGRES_SCHEMA') or 'public'}")


# Defined in api.storage.store_env (light: the warm view names its store with it); the
# shells and tests name them here, where the session is.
store_env = environment.store_env
postgres_connect_args = environment.postgres_connect_args


# The pool of a session that reads on PostgreSQL: one thread, one query at a time, so one
# connection. eventsourcing's pool opened five by default, each a login, in threads of
# their own beside the verb's; and it grew a sixth while the verb waited for the first.
READING_POOL = {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "0"}
# The environment a plain reader serves as eventsourcing would (store_env's SQLite keys
# and the paths it carries); any other setting (a recorder named, CREATE_TABLE …) is for
# the Application to read.
READER_KEYS = frozenset({"PERSISTENCE_MODULE", "SQLITE_DBNAME", *environment.CARRIED_KEYS})


def open_ledger(env: Mapping[str, str], found: bool = False, *,
                reads_only: bool = False, connection: Any = None) -> Ledger:
    """`found`: `ledger_exists` has just said yes, so on PostgreSQL its schema is there
    (no connection of its own to make sure). `reads_only`: the session records nothing
    (a what-if), so on SQLite its ledger is the plain reader (api/storage/plain_store.py),
    without eventsourcing, once the ledger's table exists; on PostgreSQL likewise on
    `connection` (`found_for_reading`'s, which the session's view owns), else its pool
    keeps one connection."""
    # A ledger's first batch builds schemas (checkers, the adopted scheme): pydantic's own
    # plugin loader would import importlib.metadata then (≈10 ms of a hospital ingest's
    # CPU), as `jixiao` already avoids (api/cli_launch.py); now every shell that opens a
    # ledger does (the HTTP server, scripts, the bench).
    plugin_discovery.install()
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        psycopg_versions.install()  # before psycopg's first import: the server, scripts
        if reads_only and found and connection is not None:
            from api.storage.plain_store import postgres_read_ledger  # noqa: PLC0415 - reads only

            return cast("Ledger", postgres_read_ledger(connection, env.get("POSTGRES_SCHEMA")))
        from api.storage.postgres_limits import PostgresLedger  # noqa: PLC0415 - PostgreSQL only

        if not found:
            ensure_postgres_schema(env)
        return PostgresLedger({**env, **READING_POOL} if reads_only else env)
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.sqlite":
        refusing = read_only_ledger(env)  # a read-only ledger's copy (Session)
        if refusing is not None:
            return cast("Ledger", refusing)
        ensure_wal(env["SQLITE_DBNAME"])
        if reads_only and set(env) <= READER_KEYS:
            from api.storage.plain_store import lock_timeout_s, read_ledger  # noqa: PLC0415 - reads only

            timeout = lock_timeout_s(env)
            reader = None if timeout is None else read_ledger(env["SQLITE_DBNAME"], timeout)
            if reader is not None:
                # It records nothing: a session opened to read never asks it to.
                return cast("Ledger", reader)
    # The write side, with eventsourcing (≈14 ms to import): not for a session that reads.
    from api.storage.sqlite_writes import SQLITE_RECORDER_TOPIC  # noqa: PLC0415
    from domain.application import Ledger  # noqa: PLC0415

    # One executemany per batch (api/storage/sqlite_writes.py), unless the env names one.
    return Ledger({"APPLICATION_RECORDER_TOPIC": SQLITE_RECORDER_TOPIC, **env})


def ensure_postgres_schema(env: Mapping[str, str]) -> None:
    """eventsourcing 9.5.6 creates its tables but not the schema that holds them."""
    schema = env.get("POSTGRES_SCHEMA")
    if not schema or schema == "public":
        return
    import psycopg  # noqa: PLC0415 - PostgreSQL only

    from api.storage.pg_schema import create_schema  # noqa: PLC0415 - PostgreSQL only
    from api.storage.postgres_options import busy_cause, session_options  # noqa: PLC0415 - PostgreSQL only

    arguments: dict[str, Any] = dict(postgres_connect_args(env))
    try:
        with psycopg.connect(**arguments, options=session_options(env),
                             autocommit=True) as connection, connection.transaction():
            create_schema(connection, schema)
    except psycopg.OperationalError as error:
        raise busy_cause(error, arguments) or error from error


def open_view(env: Mapping[str, str], connection: Any = None) -> StatementView:
    """The materialised statements, in the same database as the events (on PostgreSQL on
    `connection` when given: see `found_for_reading`)."""
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        from api.storage.statement_views import PostgresStatementView  # noqa: PLC0415 - PostgreSQL only

        return PostgresStatementView(postgres_connect_args(env), env.get("POSTGRES_SCHEMA"),
                                     env, connection)
    return SQLiteStatementView(env["SQLITE_DBNAME"])


class Session:
    """A ledger, its materialised views and its hash chain over one store: what the use
    cases work on (`api.usecases.ports.Workspace`), for one CLI invocation or for the
    server's ledger thread."""

    catch_up_progress: CatchUpProgress | None = None  # a shell's bar (api/cli/sessions.py)

    def __init__(self, env: Mapping[str, str], *, found: bool = False,
                 reads_only: bool = False, connection: Any = None) -> None:
        """`found`, `reads_only`: as `open_ledger`'s; `connection`: `found_for_reading`'s."""
        # A ledger this process may not write is read from a copy (api/storage/read_only.py).
        refuse_a_new_ledger(env)
        self._copy = copy_of(env) if read_only(env) else None
        self.env = dict(env if self._copy is None else self._copy.env)
        if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres" and \
                connection is None and forced_read_only(env):
            # Opened read-only on purpose without the connection that found the ledger
            # (a script's, a test's session): found on one here, never made.
            found, connection = found_for_reading(env)
            if not found:
                refuse_a_new_postgres_ledger(env, ledger_location(env))
        self._side = connection  # the view's, until the view is opened
        try:
            self.ledger = self._opened(found, reads_only, connection)
        except BaseException:
            self._close_side()
            if self._copy is not None:
                self._copy.close()
            raise
        # The file opened (`stale`); a copy is judged by its own marks.
        name = None if self._copy is not None else ledger_file(self.env)
        self._file = None if name is None else file_identity(name)
        self._view: StatementView | None = None
        self._chain: ChainStore | None = None
        self._users: tuple[weakref.ref[Facts], int, UserDirectory] | None = None
        self._parsed = ParsedStatements()
        # The closes one verb has read, at the store's position then (`_closes`).
        self._closes: tuple[int, dict[str, RecordedClose]] | None = None
        # Tampering found while serving (a view row that failed its check): the shell
        # shows these (stderr on the CLI, a field in the API body). Both belong to one
        # verb: the server's long-lived session starts each request with them empty
        # (`begin_verb`), and they are bounded besides, so nothing grows for ever.
        self.integrity_warnings: MutableSequence[str] = deque(maxlen=NOTICES_MAX)
        # What a verb did besides its answer (a receipt written).
        self.notices: MutableSequence[str] = deque(self._view_unwritable, maxlen=NOTICES_MAX)
        # A reading session on PostgreSQL reads the closed years' snapshots on the view's
        # connection, which its statements need anyway: one login fewer.
        self._lean = LeanFolds(self.env, self.ledger, self.integrity_warnings,
                               self._view_connection if reads_only or self.read_only_store
                               else None, lambda: self.chain)
        # The first fold starts from the checked snapshot of the fold, if one serves.
        self._head = FactsSnapshots(self.env, self.ledger, self._view_connection,
                                    lambda: self.chain, self.integrity_warnings)
        self.ledger.seed = self._head.seed
        self._folded = False  # whether `facts` (the fold of every event) was asked for
        self._frozen_peak = 0  # peak RSS when `settle` last froze

    def _opened(self, found: bool, reads_only: bool, connection: Any) -> Ledger:
        """The session's ledger; on PostgreSQL one that may not write (`read_only_store`,
        api/storage/read_only.py) reads in READ ONLY transactions and writes no cache."""
        missing, self._view_unwritable = (None, []) if not found or connection is None or \
            self.env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres" else \
            postgres_read_only(self.env, connection, ledger_location(self.env))
        self.read_only_store = missing is not None
        return open_ledger(self.env, found, reads_only=reads_only, connection=connection) \
            if missing is None else cast("Ledger", ReadOnlyPostgresLedger(
                connection, self.env.get("POSTGRES_SCHEMA"), ledger_location(self.env),
                missing, self.env.get("POSTGRES_USER", "")))

    def settle(self) -> None:
        """For a long-lived session (the server's ledger thread), after each verb: once the
        process's peak memory has grown by `FREEZE_GROWTH` since the last time, move what
        is alive (folds, statements, caches) out of the cycle collector's sight
        (`gc.freeze`). Every full pass walked all of it, and the first one after a large
        fold took seconds; freed objects still go by reference counting. A cycle of the
        verb's that is alive now and dies later is not collected: the young generations
        are collected first, and freezing happens only when memory grew, so few are."""
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
        if peak - self._frozen_peak >= FREEZE_GROWTH:
            gc.collect(1)
            if not self._frozen_peak:  # one hold for the session's life: never unfrozen
                FrozenHolders.hold()
            gc.freeze()
            self._frozen_peak = peak

    def begin_verb(self) -> None:
        """Forget the previous verb's notices and warnings (the server, per request)."""
        self.integrity_warnings.clear()
        self.notices.clear()
        self._closes = None
        self._head.begin_verb()

    def facts(self) -> Facts:
        if not self._folded:
            self._folded = True
            self._lean.forget()
        return self.ledger.facts()

    def lean_facts(self, period: Period, cutoff: datetime | None = None) -> Facts | None:
        """The facts from a snapshot of closed years that answer one period after them,
        as known at `cutoff` (None: now), or None: read `facts` (api/storage/lean_facts.py).
        None too once this session holds the fold of every event."""
        return None if self._folded else self._lean.facts_for(period, cutoff)

    def record_aside(self, rows: Sequence[tuple[str, Mapping[str, Any]]], actor: str) -> None:
        """Record reads of personal data (`Workspace.record_aside`): checked against the
        fold from a snapshot while this session keeps one, else as every batch is."""
        if self._folded or not self._lean.record_aside(rows, actor):
            self.ledger.record(self.ledger.parse_commands(rows), actor)

    def sealed_facts(self) -> Facts | None:
        """The kept fold from a snapshot, caught up to now, while no read of this session
        has needed the fold of every event; else None (api/usecases/sealed_writes.py)."""
        return None if self._folded else self._lean.current()

    def save_checked(self, events: Sequence[LedgerEvent]) -> None:
        """Write events checked against `sealed_facts`, all or none."""
        self._lean.save(events)

    def drop_sealed_facts(self) -> None:
        self._lean.forget()

    @property
    def held_events(self) -> int:
        """How many events this session's folds hold: the fold of every event once a
        read has needed it, else the fold from a snapshot (or none yet). What the
        snapshots save a long-lived session; the ledger's own fold counts when made."""
        return max(self.ledger.held_events(), self._lean.held_events())

    def snapshot_facts(self, period: Period) -> Facts | None:
        """The fold from a snapshot that answers `period` now, for one computation even
        beside the fold of every event (a close's statement, whose restatements of the
        sealed years it then does not recompute); not kept once that fold is held."""
        facts = self._lean.facts_for(period, None)
        if self._folded:
            self._lean.forget()
        return facts

    def seal_closed_years(self, period: Period) -> str | None:
        """After `period`'s close: snapshot its year if that completed it (lean_facts.py)."""
        return seal_after_close(self.env, self.ledger, self.facts(), period, self.notices)

    def users(self) -> UserDirectory:
        """The user directory folded from the facts (refolded only when they move)."""
        # From a snapshot while no read has needed the fold of every event: a snapshot
        # keeps every user event, and the server signs each request in through here.
        facts = (None if self._folded else self._lean.current()) or self.facts()
        # The revision, not the position: the access log's events move no user.
        # Which fold it came from by a weak reference: a dropped fold is not kept for it.
        if self._users is None or self._users[0]() is not facts or self._users[1] != facts.revision:
            self._users = (weakref.ref(facts), facts.revision,
                           UserDirectory.fold(facts.live.values()))
        return self._users[2]

    @property
    def chain(self) -> ChainStore:
        if self._chain is None:
            self._chain = open_chain(self.ledger)  # read only: chain.py `open_chain`
            self.notices.extend(unreadable_chain(self._chain, ledger_location(self.env),
                                                 self.env.get("POSTGRES_USER", "")))
        return self._chain

    def chain_up(self) -> None:
        """Chain every event not chained yet."""
        catch_up_chain(self.ledger, self.chain)

    def chain_up_quietly(self) -> None:
        """Chain the new events now. If another process is extending the chain at this
        moment it will chain them too; the write has succeeded either way."""
        try:
            self.chain_up()
        except (ConflictError, ChainDamagedError):
            pass  # a damaged chain is for `verify` to report, not a reason to fail a write

    def chain_head_at(self, position: int) -> str:
        return chain_head_at(self.ledger, self.chain, position)

    def setting(self, name: str) -> str | None:
        """A path the environment gave (JIXIAO_SIGNING_KEY …), or None."""
        return self.env.get(name) or None

    def verify_chain_only(self) -> ChainReport:
        return verify(self.ledger, self.chain)

    def chain_link_at(self, position: int) -> str:
        return self.chain.link_at_or_before(position)

    def events_upto(self, position: int) -> int:
        return sum(1 for _ in takewhile(lambda record: record.position <= position,
                                        stored_records(self.ledger)))

    def verify_chain(self) -> ChainReport:
        """The chain, then every stored statement row (an edited row that the catch-up
        rewrote is named too), then the stored snapshot of the fold, when a key is here."""
        from api.storage.snapshot_check import (  # noqa: PLC0415 - verify's only
            WalkedFold,
            check_snapshot,
            read_snapshot,
            walked_records,
        )
        from projections.audit import ChainReport  # noqa: PLC0415 - see chain.verify

        # The events up to a stored snapshot are folded from the rows the walk reads, for
        # its check below: one read of the log, not two; and not at all for one the check
        # will not compare (signed by an old key: its MAC is known before the walk).
        stored = None if self._head.stored_position() is None else read_snapshot(self._head)
        upto = None if stored is None else stored.checkable_position
        walked = None if upto is None else WalkedFold(upto)
        if walked is None:
            report = self.verify_chain_only()
        else:
            with cycle_collection_paused():  # the walk folds: see Facts.fold
                report = verify(self.ledger, self.chain, walked_records(self.ledger, walked))
        rewritten = self.catch_up_view()
        views = [*map(view_finding, rewritten.values()), *view_findings(self.ledger, self.view)]
        snapshot = check_snapshot(self._head, self.ledger, self.chain, walked, stored)
        return ChainReport(report.chained_upto, report.head, report.events, report.links,
                           (*report.findings, *views, *snapshot.findings), snapshot.state,
                           snapshot.position)

    @property
    def view(self) -> StatementView:
        if self._view is None:
            side, self._side = self._side, None
            self._view = (view_to_read(self.env, side) if self.read_only_store or
                          self._view_unwritable else open_view(self.env, side))
        return self._view

    def _view_connection(self) -> Any:
        """The statements view's connection (opening the view), for the snapshots."""
        return getattr(self.view, "connection", None)

    def _close_side(self) -> None:
        side, self._side = self._side, None
        if side is not None:
            side.close()

    def catch_up_view(self) -> dict[str, RowFault]:
        """Catch the statements view up (waiting out another process's catch-up); returns
        the edited rows it found and rewrote (period → problem), also kept as warnings."""
        rewritten: dict[str, RowFault] = {}
        source, behind_snapshot = self._catch_up_source()
        catch_up_settled(source, self.view, rewritten, self.catch_up_progress)
        if behind_snapshot:
            # Once, for a view last caught up before the snapshot: this session reads from
            # the snapshot, so the fold of every event made for it is not kept.
            self.ledger.forget_facts()
        self.integrity_warnings += [TamperedWarning(problem) for problem in rewritten.values()]
        return rewritten

    def _catch_up_source(self) -> tuple[Ledger | FoldedLedger, bool]:
        """What the view's catch-up folds: the fold from a snapshot while this session
        keeps one and the view is behind but past the snapshot; else the ledger (and
        whether the view is behind a snapshot that serves)."""
        if self._folded:
            return self.ledger, False
        expected = self.view.position()
        if self.ledger.max_position() <= expected:
            return self.ledger, False  # up to date: the catch-up folds nothing
        lean = self._lean.current()
        seal = lean.sealed if lean is not None else None
        if lean is None or seal is None:
            return self.ledger, False
        if expected < seal.position:
            return self.ledger, True
        return FoldedLedger(self.ledger, lean), False

    def statement_json(self, period: Period, *, departments_only: bool = False
                       ) -> dict[str, Any]:
        """A period's statement from the caught-up view (computed when not yet stored);
        of a stored row, only its "departments" when `departments_only` (the banks a
        what-if carries: its people are most of its body)."""
        rewritten = self.catch_up_view().get(str(period))
        stored = self.view.get(str(period))
        if stored is None:
            return statement_for(self.ledger.facts(), period).to_json()  # raises if blocked
        close = self._recorded_closes().get(str(period))
        if close is not None:
            check_closed(self.ledger, self.chain, str(period), close)
        problem = row_fault(stored, self.view.position(), close)
        if problem is not None:
            self.integrity_warnings.append(TamperedWarning(problem))
            stored = render_statement(self.ledger.facts(), period)
        problem = problem or rewritten
        if problem is not None and stored.status == "ok":
            return {**json.loads(stored.body), "integrity_warning": TamperedWarning(problem)}
        if stored.status != "ok":
            raise_stored(stored)
        if departments_only:  # its hash checked above, as the whole body's
            return self._parsed.departments(stored.sha256, stored.body)
        return self._parsed.parsed(stored.sha256, stored.body)  # its hash checked above

    def _recorded_closes(self) -> dict[str, RecordedClose]:
        """The closes, read from their events once a verb while no event is added: a
        what-if reads four statements (≈2 ms a scan of the events on a hospital). Each
        use still checks the chain at the close (`check_closed`); the server's next
        request reads them afresh (`begin_verb`)."""
        position = self.ledger.max_position()
        if self._closes is None or self._closes[0] != position:
            self._closes = (position, recorded_closes(self.ledger))
        return self._closes[1]

    @contextmanager
    def stored_figures(self, period: Period) -> Iterator[FigureSource | None]:
        """The period's figures from the caught-up view (`Workspace.stored_figures`);
        None when this session has the statement computed already (a server's, after a
        payout): its book is at hand, and faster than the rows."""
        if self._folded and is_memoised(self.ledger.facts(), REPORTED, period):
            yield None
            return
        # The warm view's reader: imported for an explanation, not by every session.
        from api.storage.warm_view import warm_figures  # noqa: PLC0415

        self.catch_up_view()
        # On the view's own connection: on PostgreSQL another would be a new login.
        with warm_figures(self.env, str(period), getattr(self.view, "connection", None)) as stored:
            yield stored

    def keep_facts_snapshot(self) -> None:
        """Store this session's fold for the next process (api/storage/facts_snapshot.py)
        when it is worth it. Only a speed-up: a store that refuses it (busy, read-only)
        is left as it is, and the next fold reads every event."""
        if self.read_only_store:
            self._head.close()  # a cache, never written by a session that only reads
            return
        try:
            self._head.keep()
        except Exception:  # noqa: S110 - see above
            pass
        finally:
            self._head.close()

    def close(self, *, keep: bool = True) -> None:
        """`keep=False`: the store was lost (the server drops the session), so no snapshot
        is offered to it; its pool would wait out POSTGRES_CONNECT_TIMEOUT for nothing."""
        if keep:
            self.keep_facts_snapshot()
        else:
            self._head.close()
        if self._frozen_peak:  # what it froze stays frozen; a later session holds anew
            FrozenHolders.release()
            self._frozen_peak = 0
        if self._view is not None:
            self._view.close()
        self._close_side()
        self._lean.close()
        self.ledger.close()
        copy, self._copy = self._copy, None  # handed back once (closed twice: shared)
        if copy is not None:
            copy.close()

    def stale(self) -> bool:
        """Whether this session reads what is no longer the ledger at its path: a copy of
        a read-only ledger that has changed since (api/storage/read_only.py), or a file
        moved away or deleted since it was opened (or another put in its place), where a
        connection opened later (the view's, the key table's) would make a new, empty
        ledger. A long-lived session (the server's) is then opened again."""
        if self._copy is not None:
            return self._copy.stale()
        return self._file is not None and file_identity(self._file[0]) != self._file

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
