"""Backup and restore of a whole ledger (`jixiao backup`, `jixiao restore`), each followed
by a check of the copy: its chain and views verified, held against the latest signed
receipt when one is given, and every closed statement recomputed to the hash its close
recorded. The shell opens the copy; these functions never open a store themselves."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from api.storage.backups import UnreadableBackup, copy_backup, is_ledger_backup, sqlite_copy
from api.storage.busy import ledger_file_exists
from api.storage.new_ledger import new_ledger
from api.storage.read_only import refuse_a_new_ledger
from api.storage.session import ledger_exists, ledger_location
from api.usecases.access import require_everything_for
from api.usecases.integrity import IntegrityWorkspace, verify_with_receipt
from api.usecases.ports import Caller
from domain.errors import ConflictError, DomainError, InvalidRequestError
from domain.periods import Period
from domain.records import frozen_record
from domain.scheme import canonical_dumps
from projections.audit import ChainReport
from projections.restatement import statement_for, statement_sha256

POSTGRES_BACKUP = (
    "back up a PostgreSQL ledger with PostgreSQL's own "
    "tools: `pg_dump --format=custom --schema=SCHEMA DBNAME > FILE` (restore with "
    "`pg_restore --dbname=NEWDB FILE`), or a base backup with WAL archiving for "
    "point-in-time recovery; then run `jixiao verify --expect RECEIPT --public-key KEY` "
    "against the restored database (docs/security.md)")
TARGET_EXISTS = "{where} exists already; restore only into a new path"
NOT_SQLITE = "{path} is not a SQLite ledger backup"
# A SQLite URI as the backup (`file:bk.db`): SQLite made the file it named, and the size
# was then asked of a file named "file:bk.db" (a traceback); as a restore's input it was
# said not to be a backup. Refused as `--db file:…` is (api/storage/store_env.py).
BACKUP_URI = ("the backup {path} is a SQLite URI, which jixiao does not open: give the "
              "backup's file path; nothing was written")


@frozen_record
class ClosedCheck:
    period: str
    recorded_sha256: str  # what the close recorded
    recomputed_sha256: str | None  # None when the recomputation refused
    problem: str | None  # English, as `--json` gives it; the CLI words it from the hashes
    served_sha256: str | None = None  # what the copy's view serves

    @property
    def ok(self) -> bool:
        return self.problem is None


@frozen_record
class CopyCheck:
    chain: ChainReport
    closed: tuple[ClosedCheck, ...]

    @property
    def ok(self) -> bool:
        return self.chain.ok and all(check.ok for check in self.closed)

    def to_json(self, chain_json: Callable[[ChainReport], dict[str, Any]]) -> dict[str, Any]:
        """`chain_json` gives the chain report as the shell words it (the CLI: English)."""
        return {"ok": self.ok, "chain": chain_json(self.chain), "closed": [
            {"period": c.period, "recorded_sha256": c.recorded_sha256,
             "recomputed_sha256": c.recomputed_sha256, "served_sha256": c.served_sha256,
             "problem": c.problem}
            for c in self.closed]}


def backup(ws: IntegrityWorkspace, caller: Caller, output: str) -> int:
    """Copy the ledger to `output` (a new file); returns its size in bytes."""
    require_everything_for(caller, "a backup")
    if ws.setting("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        raise InvalidRequestError(POSTGRES_BACKUP)
    if output.startswith("file:"):
        raise InvalidRequestError(BACKUP_URI.format(path=output))
    if ledger_file_exists(output):  # a folder this user may not enter: said, no traceback
        raise ConflictError(TARGET_EXISTS.format(where=output))
    source = ws.setting("SQLITE_DBNAME")
    assert source is not None  # a SQLite session always has its file
    return sqlite_copy(source, output)


def restore(backup_file: str, target_env: Mapping[str, str]) -> int:
    """Copy a backup into a new ledger; returns its size. Never over an existing one."""
    if target_env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        raise InvalidRequestError(POSTGRES_BACKUP)
    if backup_file.startswith("file:"):
        raise InvalidRequestError(BACKUP_URI.format(path=backup_file))
    if not is_ledger_backup(backup_file):
        raise InvalidRequestError(NOT_SQLITE.format(path=backup_file))
    if ledger_exists(target_env):
        raise ConflictError(TARGET_EXISTS.format(where=ledger_location(target_env)))
    refuse_a_new_ledger(target_env)  # JIXIAO_READ_ONLY=1, a folder nobody may write
    # Copied under a private name and linked into place whole (api/storage/new_ledger.py):
    # a copy that fails leaves nothing at the path, and a ledger another process made
    # there meanwhile is neither overwritten nor read half copied.
    new = new_ledger(target_env)
    if new is None:
        return _copied(backup_file, target_env["SQLITE_DBNAME"])
    with new.placed():
        size = _copied(backup_file, str(new.private))
    return size


def _copied(backup_file: str, target: str) -> int:
    try:
        return copy_backup(backup_file, target)
    except UnreadableBackup as error:
        raise InvalidRequestError(NOT_SQLITE.format(path=backup_file)) from error


def check_copy(ws: IntegrityWorkspace, caller: Caller, receipt: Any | None = None,
               public_pem: bytes | None = None) -> CopyCheck:
    """Verify a copy: chain and views (against the receipt when given), then every closed
    statement recomputed from the events to the hash its close recorded."""
    require_everything_for(caller, "the chain verification")
    if receipt is not None and public_pem is not None:
        chain = verify_with_receipt(ws, caller, receipt, public_pem)
    else:
        chain = ws.verify_chain()
    facts = ws.facts()
    checks = []
    for period, close in sorted(facts.closes.items()):
        served: str | None = None
        try:
            recomputed: str | None = statement_sha256(statement_for(facts, Period.parse(period)))
            served = hashlib.sha256(canonical_dumps(
                ws.statement_json(Period.parse(period))).encode()).hexdigest()
            problem = None if recomputed == served == close.statement_sha256 else (
                f"recomputed {str(recomputed)[:12]}…, served {served[:12]}…, recorded "
                f"{close.statement_sha256[:12]}…")
        except DomainError as error:
            recomputed, problem = None, str(error)
        checks.append(ClosedCheck(period, close.statement_sha256, recomputed, problem, served))
    return CopyCheck(chain, tuple(checks))
