"""What every verb of the command line shares: the common options, the store it opens,
the caller it speaks as, and the as-of and what-if options of the reports."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import datetime

from api.storage.session import Session, store_env
from api.usecases.ledger import Batch, read_jsonl_batch
from api.usecases.ports import Caller, parse_instant


def common_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--db", help="SQLite file (default ./jixiao.db or $JIXIAO_DB)")
    sub.add_argument("--actor", default=None,
                     help="who is recording (default: $JIXIAO_ACTOR or the OS user)")


def as_of_and_what_if(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--as-of", dest="as_of", default=None,
                     help="only events recorded up to this ISO timestamp (UTC unless zoned)")
    sub.add_argument("--with", dest="with_file", default=None,
                     help="what-if: as if this JSON Lines file were applied; nothing is written")


def open_session(args: argparse.Namespace) -> Session:
    return Session(store_env(args.db, args.environ))


def caller(args: argparse.Namespace) -> Caller:
    """The store's owner (no role), recording under --actor, $JIXIAO_ACTOR or the OS user."""
    return Caller(actor(args))


def actor(args: argparse.Namespace) -> str:
    if args.actor:
        return str(args.actor)
    return args.environ.get("JIXIAO_ACTOR") or f"cli:{_os_user()}"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def as_of(args: argparse.Namespace) -> datetime | None:
    text = getattr(args, "as_of", None)
    return parse_instant(text) if text else None


def what_if(args: argparse.Namespace) -> Batch | None:
    path = getattr(args, "with_file", None)
    return read_jsonl_batch(path) if path else None


def progress(stage: str, done: int, total: int) -> None:
    if sys.stderr.isatty() or os.environ.get("JIXIAO_PROGRESS"):
        width = 30
        filled = width * done // max(total, 1)
        print(f"\r{stage:>9} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
              end="" if done < total else "\n", file=sys.stderr, flush=True)
