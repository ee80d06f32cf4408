"""The English error texts of api/storage (the stores: files, roles, serving, new
ledgers), as templates for api/i18n/messages.py, kept apart from api/i18n/error_templates.py
(which includes them) so neither module outgrows the line limit."""

from __future__ import annotations

from typing import Final

from api.i18n import N_

STORAGE_TEMPLATES: Final = (
    # api/storage/busy.py: a SQLite file that cannot be opened (422, exit 2)
    N_("cannot open the ledger file {path}: check that its folder exists, that it is not a "
       "folder itself, and that this user may read and write it; nothing was written"),
    N_("{path} is not a ledger file (not a SQLite database): check --db or JIXIAO_DB; "
       "nothing was written"),
    # api/storage/busy.py, read_only.py: a write to a read-only ledger (409, exit 4), and
    # a read-only WAL ledger that cannot be read
    N_("the ledger {path} is read-only (a read-only copy, or this user may not write the "
       "file or its folder): nothing was written; write to a writable copy of the ledger"),
    # api/storage/read_only.py: a new ledger in a folder that may not be written (409,
    # exit 4)
    N_("no ledger at {path}, and none may be made there: its folder may not be written "
       "(this user may not write it, or its mode lets nobody write it); nothing was "
       "written; give a path in a folder that may be written"),
    # api/storage/served.py: `jixiao serve` at a SQLite path with no ledger (exit 2), and
    # a request after the served ledger's file was moved or deleted (503, no path shown)
    N_("no ledger at {path}, and `jixiao serve` makes none: make one there first (`jixiao "
       "init`, `jixiao restore` from a backup, or `jixiao demo`), or check --db and "
       "JIXIAO_DB; nothing was written"),
    N_("the server's ledger is not where it was when the server started (moved or "
       "deleted): nothing was written; the server's log names the file for its "
       "administrator"),
    # api/storage/served.py: a served PostgreSQL schema without the ledger's tables (503)
    N_("the server's database holds no ledger (no jixiao tables where the server looks), "
       "and the server makes none: nothing was written; the server's log names the "
       "database and schema for its administrator, who makes the ledger there with "
       "`jixiao init`"),
    # api/storage/new_ledger.py: a new ledger's path taken by another process while the
    # verb built its own (409, exit 4)
    N_("another process made a ledger at {path} while this command was running: nothing "
       "was written; run it again"),
    # api/storage/new_ledger.py: a new ledger's private file removed or replaced under
    # its build (its lock lost, as on NFS) (409, exit 4)
    N_("the new ledger this command was building for {path} was removed by another "
       "process (its folder's file system may lose a file's lock: keep a SQLite ledger "
       "on a local disk): nothing was written; run it again"),
    # api/storage/read_only.py: a write on PostgreSQL opened read-only, or by a role
    # granted only reads (409, exit 4)
    N_("the ledger {path} is read-only (JIXIAO_READ_ONLY is set, or this database role may "
       "only read it): nothing was written; write as a role that may write the ledger"),
    # api/storage/read_only.py: a write by a PostgreSQL role that lacks a privilege a
    # writer needs (422, exit 2)
    N_("the database role {db_role} lacks privileges it needs to write the ledger {path}: ask "
       "the tables' owner to run {grants} (docs/deploy.md); reads answer meanwhile as for "
       "a role that may only read; nothing was written"),
    # api/storage/postgres_limits.py: a role that may not run eventsourcing's DDL, without
    # CREATE_TABLE=no (422, exit 2)
    N_("the database role {db_role} may not make or replace the ledger's tables in the schema "
       "{schema} ({reason}): set CREATE_TABLE=no in its environment, the tables made by "
       "their owner first (docs/deploy.md); nothing was written"),
    # api/http/errors.py: a request answered 503 for a database out of reach, without the
    # server, database and user its error names (the server's log names them)
    N_("the server's database cannot be reached just now: nothing was written; retry "
       "after the Retry-After seconds; the server's log says why, for its administrator"),
    # api/http/errors.py: a request answered 422 for a privilege the database role lacks,
    # without the role, schema and GRANT its error names (the server's log names them)
    N_("the server's database role lacks a privilege this request needs: nothing was "
       "written; the server's log names the GRANT to run, for its administrator"),
    # api/storage/pg_schema.py: a role without USAGE on the ledger's schema (422, exit 2)
    N_("the database role {db_role} may not use the schema {schema} that holds the ledger, "
       "and so can neither read nor write it: ask the schema's owner to run {grant} "
       "(docs/deploy.md); nothing was written"),
    # api/storage/pg_schema.py: a role without DDL before the owner made the statements
    # view (422, exit 2)
    N_("the ledger's statements view in the schema {schema} is not made yet (or was made "
       "by another version of jixiao), and the database role {db_role} may not make it: run "
       "`jixiao verify` once as the tables' owner, then this again (docs/deploy.md); "
       "nothing was written"),
    # api/storage/keys.py: a role without DDL, first to need the key table (422, exit 2)
    N_("the personal details' key table in the schema {schema} is not made yet, and the "
       "database role {db_role} may not make it: run `jixiao personal show` with the master "
       "key once as the tables' owner, and grant this role SELECT, INSERT and DELETE on "
       "it; then this again (docs/deploy.md); nothing was written"),
    # api/storage/keys.py: a key table a role that may write lacks a privilege on (422,
    # exit 2)
    N_("this database role may not use the personal details' keys of the ledger {path}: "
       "ask the key table's owner to run {grants} (docs/deploy.md); nothing was written"),
    # api/storage/lean_facts.py: a close's notice, a role that may not keep the closed
    # year's snapshot
    N_("the close is recorded, but the snapshot of the closed year {year} was not kept: this "
       "database role {db_role} may not make or write the table jixiao_snapshots (a speed-up "
       "only: reads fold every event and give the same figures); ask the schema's owner to "
       "run GRANT CREATE ON SCHEMA {schema} TO {db_role}, or GRANT SELECT, INSERT, UPDATE ON "
       "jixiao_snapshots TO {db_role} once it exists; the next close that completes a year "
       "keeps it (docs/deploy.md)"),
    # api/storage/read_only.py: a notice on stderr, a role that may write the ledger but
    # not the statements view's tables (another role made them)
    N_("this database role may not write the statements view's tables of the ledger "
       "{path}: each command computes the statements it reads in memory, which is slow; "
       "ask their owner to run {grants} (docs/deploy.md)"),
    # api/storage/chain.py: a notice on stderr, a reading role that may not read the
    # hash chain's tables
    N_("this database role may not read the hash chain's tables of the ledger {path}: each "
       "command chains every event again in memory, which is slow; ask their owner to run "
       "GRANT SELECT ON {tables} TO {db_role} (docs/deploy.md)"),
    # api/storage/keys.py: a read-only store's key table its role may not read (422,
    # exit 2)
    N_("cannot read the personal details' keys of the ledger {path}: this database role "
       "may not read the table {table}; grant it SELECT on that table, or export without "
       "the master key; nothing was written"),
    N_("cannot read the ledger {path}: its folder is read-only and its -wal file holds "
       "writes without the -shm file beside it; copy the ledger with its -wal and -shm "
       "files, or open it where it may be written; nothing was written"),
    # api/storage/store_env.py: --db where the environment chooses PostgreSQL (exit 2)
    N_("--db {db} names a SQLite file, but PERSISTENCE_MODULE=eventsourcing.postgres "
       "chooses the PostgreSQL store (POSTGRES_*): drop --db to use PostgreSQL, or unset "
       "PERSISTENCE_MODULE to use the file; nothing was written"),
    # api/storage/store_env.py: JIXIAO_DB where the environment chooses PostgreSQL (exit 2)
    N_("JIXIAO_DB={db} names a SQLite file, but PERSISTENCE_MODULE=eventsourcing.postgres "
       "chooses the PostgreSQL store (POSTGRES_*): unset JIXIAO_DB to use PostgreSQL, or "
       "unset PERSISTENCE_MODULE to use the file; nothing was written"),
    # api/storage/store_env.py: a SQLite URI as the ledger (exit 2)
    N_("the ledger {db} is a SQLite URI, which jixiao does not open: give the ledger's file "
       "path in --db or JIXIAO_DB (with JIXIAO_READ_ONLY=1 to read it without writing); "
       "nothing was written"),
    # api/storage/store_env.py: a PostgreSQL setting in seconds that is not (422, exit 2)
    N_("{key} must be a whole number of seconds from {least} to {most}, not {value}: "
       "correct the setting (docs/deploy.md); nothing was written"),
    # api/storage/store_env.py: a PostgreSQL setting that is a count and is not (exit 2)
    N_("{key} must be a whole number from {least} to {most}, not {value}: correct the "
       "setting (docs/deploy.md); nothing was written"),
    # api/storage/postgres_options.py: the PostgreSQL server out of reach (503, exit 6)
    N_("cannot connect to the PostgreSQL server at {host}:{port} (database {database}, "
       "user {user}): {reason}; is it running and accepting connections? Nothing was "
       "written"),
    N_("the PostgreSQL server at {host}:{port} refused the login of user {user} to "
       "database {database}: check POSTGRES_USER and POSTGRES_PASSWORD; nothing was "
       "written"),
    N_("the PostgreSQL server at {host}:{port} has no database {database}: check "
       "POSTGRES_DBNAME; nothing was written"),
    N_("the connection to the PostgreSQL server at {host}:{port} (database {database}, "
       "user {user}) was lost; anything it was writing was written in full or not at "
       "all: run the command again"),
    # api/storage
    N_("the chain was extended by another process; verify again"),
    N_("the statements view was caught up by another process"),
    # api/storage/snapshot_key.py: `jixiao keys snapshot`
    N_("{path} exists already; not overwritten (--force replaces a snapshot key: the "
       "stored snapshot is then refused once and every event folded again)"),
    N_("{path} is not a snapshot key file (32 bytes in base64); --force replaces only such "
       "a file"),
    N_("{path} is the master key (JIXIAO_MASTER_KEY_FILE): replacing it would make every "
       "person's details unreadable; not overwritten"),
    N_("cannot give the new key the owner of {path}; run this as that file's owner or as "
       "root"),
    N_("{path} is a symbolic link to {target}; --force replaces only the key file itself: "
       "give its own path (the link then leads to the new key)"),
    N_("{path} cannot be read ({reason}); nothing was written"),
    N_("{path} cannot be written ({reason}); nothing was written"),
    N_("{path} was changed while being replaced; nothing was written: run it again"),
    # api/storage: the session's warnings about the snapshots, the chain's damage, the
    # snapshot key's refusals (lean_facts.py, facts_snapshot.py, chain.py, snapshot_key.py,
    # view_checks.py)
    N_("a snapshot failed its check; computed from every event: {problem}"),
    N_("the hash chain's tracking row (jixiao_chain_tracking) is damaged: {reason}. The "
       "events are untouched; restore the row from a backup or compare with a signed "
       "receipt (`jixiao verify --expect`)."),
    N_("it is missing"),
    N_("its position {position} is not a count"),
    N_("its head {head} is not a SHA-256"),
    N_("the stored event at position {position} has an id that is not a UUID ({id}): no "
       "chain link is made of it, so nothing after it is chained. The database was "
       "edited; restore the row from a backup (`jixiao verify` names it)."),
    N_("the facts snapshot key is not usable; computed from every event: {problem}"),
    N_("the facts snapshot failed its check; computed from every event: {problem}"),
    N_("the facts snapshot was not written: the events this session folded hash to "
       "{computed}… at position {position}, the stored chain holds {stored}… (run "
       "`jixiao verify`)"),
    N_("{path}: readable or writable by others (mode {mode}): chmod 600 it"),
    N_("{path}: cannot be read ({error})"),
    N_("{path}: not {size} bytes in base64"),
    N_("{period} is closed, but {problem}; run `jixiao verify`"),
    # api/storage/chain.py check_close: why the chain no longer holds a recorded head (the
    # {problem} above, a snapshot's refusal, verify's MISMATCH)
    N_("the chain at position {position} is {stored}…, not the head {head}… {recorded}"),
    N_("recorded at the close"),
    N_("the snapshot was signed under"),
    N_("the event at position {position} is missing"),
    N_("the event at position {position} no longer hashes to its chain link"),
    # api/storage/facts_snapshot.py: why the facts snapshot failed its check (the {problem}
    # of the warning above)
    N_("it could not be read ({error})"),
    N_("its HMAC does not match (written without this store's key)"),
    N_("claims position {position}, beyond the store's last event"),
    N_("holds position {held}, not {position}"),
    N_("its pieces are not one body"),
    N_("its body is larger than {size} MiB"),
    N_("piece {number} is larger than {size} bytes"),
    # api/storage/keys.py: the master key file
    N_("no master key: give --key-file or set JIXIAO_MASTER_KEY_FILE"),
    N_("no master key file {path}"),
    N_("the master key file {path} must hold 32 bytes in base64"),
    N_("the file {path} exists already; it is not overwritten"),
    N_("the master key does not open this store's keys"),
)
