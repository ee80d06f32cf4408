"""`jixiao init|keys new|keys snapshot|checkpoint|backup|restore`: making a ledger, signing
its chain head into receipts kept outside the database, the key that signs the snapshot of
the fold, and copies of the whole ledger, each copy checked (docs/security.md)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from api.cli.options import ENVIRON, Actor, Db, Json, caller, open_session
from api.i18n import N_, _
from api.i18n.findings import finding_line, report_json_machine
from api.i18n.messages import translate
from api.storage.session import Session, ledger_exists, ledger_location, store_env
from api.storage.snapshot_key import MASTER_KEY_ENV, create_snapshot_key
from api.usecases import backups, integrity, settings
from domain.errors import ConflictError, InvalidRequestError
from domain.scheme import canonical_dumps

app = typer.Typer()
keys = typer.Typer(help="Keys kept outside the database: signing keys for checkpoints "
                   "(Ed25519), the master key of personal data, the snapshot key.",
                   no_args_is_help=True)

PRIVATE_NAME, PUBLIC_NAME = "jixiao-signing.pem", "jixiao-signing.pub.pem"
KEY_EXISTS = N_("{path} exists already; not overwritten")
KEYS_WRITTEN = N_("key pair written: private {private} (mode 0600; keep it off the database "
                  "server's backups), public {public} (give a copy to the auditor)")
NO_SIGNING_KEY = N_("no signing key: give --key PRIVATE or set JIXIAO_SIGNING_KEY")
LEDGER_EXISTS = N_("a ledger exists already at {where}")
EXPECT_NEEDS_KEY = N_("--expect needs --public-key: the trusted key is the auditor's own "
                      "copy, never one taken from the receipt")

Expect = Annotated[str | None, typer.Option(
    "--expect", help="A signed receipt (JSON) the ledger must still agree with.")]
PublicKey = Annotated[str | None, typer.Option(
    "--public-key", help="The auditor's own copy of the public key (PEM).")]


@keys.command("new")
def keys_new(*, output: Annotated[str, typer.Option(
        "--output", help="Directory for the key pair.")]) -> int:
    """Write a new Ed25519 key pair for signing checkpoints."""
    folder = Path(output)
    private, public = folder / PRIVATE_NAME, folder / PUBLIC_NAME
    for path in (private, public):
        if path.exists():
            raise ConflictError(_(KEY_EXISTS).format(path=path))
    pair = integrity.make_key_pair()
    folder.mkdir(parents=True, exist_ok=True)
    # Created 0600 from the start: the private key is never readable by others, not
    # even for a moment.
    descriptor = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pair.private_pem)
    public.write_bytes(pair.public_pem)
    print(_(KEYS_WRITTEN).format(private=private, public=public), file=sys.stderr)
    return 0


@keys.command("snapshot")
def keys_snapshot(*, output: Annotated[str, typer.Option(
                      "--output", help="The key file to write (mode 0600).")],
                  force: Annotated[bool, typer.Option(
                      "--force", help="Replace an existing snapshot key file (never the "
                      "master key): the stored snapshot is then refused once and every "
                      "event folded again.")] = False) -> int:
    """Write a new key that signs the stored snapshot of the fold.

    Point JIXIAO_SNAPSHOT_KEY_FILE at it; no personal data, no backup needed."""
    replaced = create_snapshot_key(output, replace=force,
                                   master_path=ENVIRON.get().get(MASTER_KEY_ENV))
    print(_("snapshot key written to {path} (mode 0600, readable by its owner only).\n"
            "It signs the snapshot of the fold stored in the database, so that a new process "
            "loads it instead of folding every event (the fast what-if); it protects no "
            "personal data.\n"
            "Point the service's environment at it: JIXIAO_SNAPSHOT_KEY_FILE={path} "
            "(docs/deploy.md), readable by the service's user.\n"
            "It needs no backup: losing or changing it costs one fold of every event, then "
            "a new snapshot is written.").format(path=output))
    if replaced:
        print(_("The previous key in {path} is replaced: the stored snapshot, signed under "
                "it, is refused once (the next command names it among its warnings) and "
                "every event is folded again; the same answers.").format(path=output))
    return 0


@app.command("checkpoint")
def checkpoint(*, output: Annotated[str, typer.Option(
                   "--output", help="Where to write the receipt (JSON).")],
               key: Annotated[str | None, typer.Option(
                   "--key", help="The private key (default $JIXIAO_SIGNING_KEY).")] = None,
               db: Db = None, actor: Actor = None) -> int:
    """Verify the chain and write a signed receipt of its head, to keep outside the
    organisation's control."""
    key_path = key or ENVIRON.get().get("JIXIAO_SIGNING_KEY")
    if not key_path:
        raise InvalidRequestError(_(NO_SIGNING_KEY))
    with open_session(db) as session:
        receipt = integrity.checkpoint(session, caller(actor),
                                       integrity.read_key_file(key_path))
    integrity.write_receipt(Path(output), receipt)
    print(_("receipt: {count} event(s) up to position {position}, head {head}; written to "
            "{path}").format(count=receipt["events"], position=receipt["position"],
                             head=receipt["chain_head"], path=output))
    return 0


@app.command("init")
def init(*, organisation: Annotated[str | None, typer.Option(
             "--organisation", help="The organisation's name, recorded in the ledger.")] = None,
         time_zone: Annotated[str, typer.Option(
             "--time-zone", help="Where times typed without a zone are read.")]
         = settings.DEFAULT_TIME_ZONE,
         one_person_close: Annotated[bool, typer.Option(
             "--one-person-close", help="A one-person office: closing a period needs no "
             "second person's approval (recorded in the ledger).")] = False,
         scheme: Annotated[str | None, typer.Option(
             "--scheme", help="Start on this shipped scheme (see `jixiao scheme list`), "
             "adopted from its own effective date.")] = None,
         db: Db = None, actor: Actor = None) -> int:
    """Create a new ledger with its settings recorded as its first events; closing a
    period needs a second person unless --one-person-close; with --scheme, the ledger
    starts on a shipped scheme (its adoption is in the same batch)."""
    env = store_env(db, ENVIRON.get())
    if ledger_exists(env):
        raise ConflictError(_(LEDGER_EXISTS).format(where=ledger_location(env)))
    request = settings.LedgerSettings(organisation=organisation, time_zone=time_zone,
                                      close_approval=not one_person_close, scheme=scheme)
    settings.check(request)
    # Built under a private name and linked into place (api/storage/new_ledger.py), as
    # `apply` builds one: an `apply` that made a ledger here after the check above keeps
    # it, and this init is refused, rather than its settings written into that ledger.
    with open_session(db, creates=True, announces=False) as session:
        settings.record_settings(session, caller(actor), request)
    close = (_("one person closes a period") if one_person_close else
             _("a second person approves each close"))
    text = _("ledger created at {where}: organisation {organisation}, time zone {zone}; "
             "{close}").format(where=ledger_location(env), organisation=organisation or "-",
                               zone=time_zone, close=close)
    print(text + (_("; scheme {scheme} adopted").format(scheme=scheme) if scheme else ""))
    return 0


@app.command("backup")
def backup(*, output: Annotated[str, typer.Option("--output", help="The new backup file.")],
           expect: Expect = None, public_key: PublicKey = None, db: Db = None,
           actor: Actor = None, json: Json = False) -> int:
    """Copy the ledger (SQLite's online backup), then verify the copy."""
    _check_expect(expect, public_key)
    with open_session(db) as session:
        size = backups.backup(session, caller(actor), output)
    print(_("backup written: {path} ({size} bytes)").format(path=output, size=size),
          file=sys.stderr)
    return _check(store_env(output, {}), expect, public_key, actor, json)


@app.command("restore")
def restore(*, file: Annotated[str, typer.Argument(help="A backup made by `jixiao backup`.")],
            expect: Expect = None, public_key: PublicKey = None, db: Db = None,
            actor: Actor = None, json: Json = False) -> int:
    """Restore a backup into a new ledger (never over an existing one), then verify it
    and recompute every closed statement."""
    _check_expect(expect, public_key)
    env = store_env(db, ENVIRON.get())
    size = backups.restore(file, env)
    print(_("restored {file} into {where} ({size} bytes)").format(
        file=file, where=ledger_location(env), size=size), file=sys.stderr)
    return _check(env, expect, public_key, actor, json)


def _check_expect(expect: str | None, public_key: str | None) -> None:
    if expect and not public_key:
        raise InvalidRequestError(_(EXPECT_NEEDS_KEY))


def _check(env: dict[str, str], expect: str | None, public_key: str | None,
           actor: str | None, json: bool) -> int:
    receipt = integrity.read_key_file(expect).decode() if expect else None
    public = integrity.read_key_file(public_key) if public_key else None
    with Session(env) as session:
        result = backups.check_copy(session, caller(actor), receipt, public)
    if json:
        print(canonical_dumps(result.to_json(report_json_machine)))
        return 0 if result.ok else 1
    chain = result.chain
    state = (_("chain intact: {count} event(s) up to position {position}; head {head}")
             if chain.ok else
             _("chain BROKEN: {count} event(s) up to position {position}; head {head}"))
    print(state.format(count=chain.events, position=chain.chained_upto, head=chain.head)
          + (_("; matches the signed receipt") if expect and chain.ok else ""))
    for finding in chain.findings:
        print(f"  {finding_line(finding)}")
    for closed in result.closed:
        print(f"  {closed.period}: {_closed_line(closed)}")
    return 0 if result.ok else 1


def _closed_line(closed: backups.ClosedCheck) -> str:
    """A closed period recomputed on the copy, worded here from its hashes."""
    if closed.ok:
        return _("recomputed to {sha256}").format(sha256=closed.recorded_sha256)
    if closed.recomputed_sha256 is None or closed.served_sha256 is None:  # refused
        return _("MISMATCH: {problem}").format(problem=translate(closed.problem or ""))
    return _("MISMATCH: recomputed {recomputed}…, served {served}…, recorded {recorded}…").format(
        recomputed=closed.recomputed_sha256[:12], served=closed.served_sha256[:12],
        recorded=closed.recorded_sha256[:12])
