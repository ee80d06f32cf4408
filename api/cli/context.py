"""The invocation's words and environment (`api.cli.main` sets them), in a module of
their own so that `main` can set them without importing the store: a `--help` or a
mistyped verb never opens one (tests/api/test_cli_startup.py)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar

# `main(environ=…)` stands in for os.environ, so tests can pass their own store: the store
# is resolved from this mapping by `store_env`, never by click's own envvar lookup.
ENVIRON: ContextVar[Mapping[str, str]] = ContextVar("jixiao_environ", default=os.environ)
# The words of this invocation (`main` sets them): the verb decides whether a missing
# ledger may be created.
ARGV: ContextVar[tuple[str, ...]] = ContextVar("jixiao_argv", default=())
