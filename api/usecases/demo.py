"""The demo: a fresh hospital year written into a store, then every period's payout."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass

from api.demo import run_demo as write_demo_year


@dataclass(frozen=True)
class DemoRequest:
    db: str | None  # the SQLite file (None: $JIXIAO_DB or ./jixiao.db), or PostgreSQL
    environ: Mapping[str, str]  # picks the store, as for every other verb
    year: int = 2026
    force: bool = False  # replace an existing demo file
    actor: str | None = None


def run_demo(request: DemoRequest) -> int:
    """Writes the year and prints its reconciliations; the exit code (0 balanced)."""
    return write_demo_year(argparse.Namespace(
        db=request.db, environ=request.environ, year=request.year, force=request.force,
        actor=request.actor))
