"""The store a verb opens, the caller it speaks as and the as-of and what-if inputs of
the reports: what every verb shares besides its typer options (api/cli/options.py), kept
free of typer so that a plain what-if payout (api/cli/plain.py) runs without the command
tree."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from api.cli.context import ARGV, ENVIRON
from api.i18n import N_, _
from api.storage.new_ledger import NewLedger, new_ledger, sweep_beside
from api.storage.read_only import (
    read_only,
    refuse_a_new_ledger,
    refuse_a_new_postgres_ledger,
)
from api.storage.recorded_zone import recorded_time_zone
from api.storage.session import (
    Session,
    found_for_reading,
    ledger_exists,
    ledger_location,
    store_env,
)
from api.usecases.ledger import Batch, read_jsonl_batch
from api.usecases.ports import Caller, parse_instant
from domain.errors import NotFoundError

if TYPE_CHECKING:
    from api.cli.render import OpenBars

# The verbs that may create a missing ledger (and say so); every other verb needs an
# existing one, so a mistyped --db is an error rather than a new, empty, "intact" ledger.
CREATING_VERBS = frozenset({"apply", "import", "demo", "init", "users", "restore"})
NO_LEDGER = N_("no ledger at {where} (create one with `jixiao init`)")
CREATED = N_("no ledger was at {where}: created a new one")
# Said once, before the statements view is computed again after an upgrade (its rows were
# another version's): otherwise the first verb sits silent for as long as that takes.
REBUILDING = N_("jixiao was updated: rebuilding the statements view with this version "
                "({count} period(s), this once)…")
# By the catch-up's stage (projections.views STATEMENTS_STAGE, REBUILD_STAGE: a shell
# reaches projections only through the use cases, so named here again, a test pins them).
BAR_LABELS = {"statements": N_("statements"), "rebuild": N_("rebuilding")}
REBUILD_STAGE = "rebuild"


class CatchUpBars:
    """The statements a catch-up computes, as a bar on stderr (`progress_bars`) opened by
    the first report and closed by the last, as `jixiao apply` shows its work; nothing
    when stderr is no terminal or the verb prints --json."""

    def __init__(self) -> None:
        self._bars: OpenBars | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._bars is None:
            stream = sys.stderr  # None when started with it closed (cron, `2>&-`)
            if done >= total or stream is None or not stream.isatty() or (
                    "--json" in ARGV.get()):
                return
            if stage == REBUILD_STAGE:
                print(_(REBUILDING).format(count=total), file=sys.stderr)
            # rich only here: most verbs find the view caught up and draw nothing.
            from api.cli.render import OpenBars  # noqa: PLC0415

            self._bars = OpenBars()
        self._bars.show(_(BAR_LABELS.get(stage, stage)), done, total, end=done >= total)
        if done >= total:
            self._bars = None

    def close(self) -> None:
        """Take the bar down (also when the work it showed failed half way)."""
        bars, self._bars = self._bars, None
        if bars is not None:
            bars.close()


class CliSession(Session):
    """A session whose integrity warnings (a tampered view row, found and recomputed)
    go to standard error when the verb is done."""

    def __init__(self, env: Mapping[str, str], *, found: bool = False,
                 reads_only: bool = False, connection: Any = None,
                 new: NewLedger | None = None, announces: bool = True) -> None:
        """`new`: the private file a new ledger is built in (`open_session`);
        `announces`: say on stderr that the ledger was created (`open_session`)."""
        super().__init__(env, found=found, reads_only=reads_only, connection=connection)
        self.catch_up_progress = self._bars = CatchUpBars()
        self._new = new
        self._announces = announces
        self._once_kept: list[Callable[[], None]] = []

    def once_kept(self, say: Callable[[], None]) -> None:
        """`say` what the verb recorded once it is kept: now on a ledger that was there,
        else once the new one is at its path, before a signal held while it was linked
        ends the process (`NewLedger.place`): a user added to a new ledger by a verb
        stopped then was kept with a token nobody saw."""
        if self._new is None:
            say()
        else:
            self._once_kept.append(say)

    def _kept(self) -> None:
        for say in self._once_kept:
            say()

    def __exit__(self, *exc: object) -> None:
        self._bars.close()
        new, self._new = self._new, None
        self._close_new(new, exc)
        if not self.notices and not self.integrity_warnings:
            return
        # Only for a notice or a damaged view: the wording modules are not every verb's
        # start-up. Both are kept in English (a server's session serves every language).
        from api.i18n.findings import warning_text  # noqa: PLC0415
        from api.i18n.messages import translate  # noqa: PLC0415

        for notice in self.notices:
            print(translate(notice), file=sys.stderr)

        for warning in self.integrity_warnings:
            print(_("warning: {warning}").format(warning=warning_text(warning)),
                  file=sys.stderr)

    def _close_new(self, new: NewLedger | None, exc: tuple[object, ...]) -> None:
        if new is None:
            super().__exit__(*exc)
            return
        # The verb failed: nobody ever saw the file. Else it is placed, or refused when
        # another process made a ledger there meanwhile.
        with new.placed(keep=exc[0] is None, then=self._kept):
            super().__exit__(*exc)
        if exc[0] is None and self._announces:
            print(_(CREATED).format(where=new.path), file=sys.stderr)


def open_session(db: str | None, *, reads_only: bool = False,
                 creates: bool | None = None, announces: bool = True) -> CliSession:
    """`reads_only`: the verb records nothing (a what-if): see `open_ledger`. `creates`:
    whether a missing ledger is made (default: the verb is one of `CREATING_VERBS`); a
    verb's action that only reads (`users list`) says False, as its words cannot tell
    (`users --db X list`). `announces`: say on stderr that a missing ledger was made;
    `init`, whose whole output says so, does not."""
    env = store_env(db, ENVIRON.get())
    # On PostgreSQL always on the connection that asks: the session keeps it for its view
    # and asks on it whether it may write (a role granted only reads: api/storage/session.py).
    found, connection = found_for_reading(env) if reads_only or postgres(env) else (
        ledger_exists(env), None)
    creating = _verb() in CREATING_VERBS if creates is None else creates
    if not found:
        if not creating:
            raise NotFoundError(_(NO_LEDGER).format(where=ledger_location(env)))
        refuse_a_new_ledger(env)  # JIXIAO_READ_ONLY=1: nothing created (exit 4)
        refuse_a_new_postgres_ledger(env, ledger_location(env))
        # Built under a private name and linked into place when the verb succeeds
        # (api/storage/new_ledger.py): a refused write leaves no file behind.
        new = None if reads_only else new_ledger(env)
        if new is None:
            if announces:
                print(_(CREATED).format(where=ledger_location(env)), file=sys.stderr)
        else:
            try:
                return CliSession(new.env(env), reads_only=reads_only, new=new,
                                  announces=announces)
            except BaseException:
                new.discard()
                raise
    elif creating and not reads_only and not read_only(env):
        # A killed build's private file, left beside a ledger another build then placed
        # (or `init` made): no build of that name runs again to remove it. Not when the
        # write will be refused (JIXIAO_READ_ONLY=1, `chmod a-w` on the ledger or its
        # folder): a refused verb removes nothing first.
        sweep_beside(env)
    return CliSession(env, found=found, reads_only=reads_only, connection=connection)


def postgres(env: Mapping[str, str]) -> bool:
    return env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres"


def _verb() -> str:
    words = ARGV.get()
    rest = words[2:] if words[:1] == ("--lang",) else words  # `main` put --lang first
    return next((word for word in rest if not word.startswith("-")), "")


def caller(actor_option: str | None) -> Caller:
    """The store's owner (no role), recording under --actor, $JIXIAO_ACTOR or the OS user."""
    return Caller(actor(actor_option))


def actor(option: str | None) -> str:
    if option:
        return option
    return ENVIRON.get().get("JIXIAO_ACTOR") or f"cli:{_os_user()}"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def as_of(text: str | None) -> datetime | None:
    """An instant; one typed without a zone is read in the ledger's time zone (its
    settings, `jixiao init`; UTC for a ledger without them)."""
    if not text:
        return None
    moment = parse_instant(text)
    if _has_zone(text):
        return moment
    zone = recorded_time_zone(store_env(_db_option(), ENVIRON.get()))
    return moment.replace(tzinfo=None).replace(tzinfo=zone)


def _has_zone(text: str) -> bool:
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def _db_option() -> str | None:
    """The --db of this invocation (read from its words: `as_of` is parsed before the
    verb opens its store)."""
    words = ARGV.get()
    for number, word in enumerate(words):
        if word == "--db" and number + 1 < len(words):
            return words[number + 1]
        if word.startswith("--db="):
            return word.removeprefix("--db=")
    return None


def what_if(path: str | None) -> Batch | None:
    return read_jsonl_batch(path) if path else None
