"""psycopg's version strings without importlib.metadata.

psycopg, psycopg_binary and psycopg_pool each set `__version__` from a `version` module
that asks importlib.metadata (which imports email, zipfile, csv … and reads every
distribution's folder name): ≈70 M instructions, ≈8 ms of CPU of every PostgreSQL
`jixiao` process, for strings no verb shows.

`install()` puts a stand-in for each such module not imported yet in `sys.modules`,
holding the same `__version__`, read the way importlib.metadata reads it: the `Version`
field of the distribution's `METADATA`, in the first `sys.path` folder that has a
`<name>-<version>.dist-info` of it. Whatever it does not read as importlib.metadata would
(a zip or an egg on the path, an egg-info, two candidates in one folder, a finder of
distributions besides the path's, no such field) leaves that package's own module to
answer, as it always has. The stand-in is only in `sys.modules`: psycopg reads it with
`from .version import __version__`, never as an attribute of the package."""

from __future__ import annotations

import os
import re
import sys
import types
from collections.abc import Iterable

from api.plugin_discovery import path_listings

# Each version module and the distribution it names (as it asks importlib.metadata).
VERSION_MODULES = (("psycopg.version", "psycopg"), ("psycopg_binary.version", "psycopg-binary"),
                   ("psycopg_pool.version", "psycopg-pool"))
HEADERS_MAX = 200  # lines of METADATA read before giving up on a Version field


def install() -> None:
    """Stand in for the version modules of the packages not imported yet."""
    for module, distribution in VERSION_MODULES:
        if module in sys.modules or module.partition(".")[0] in sys.modules:
            continue  # imported already: its own module answered, or will
        version = distribution_version(distribution)
        if version is None:
            continue
        stand_in = types.ModuleType(module, f"{distribution}'s version ({__name__}).")
        stand_in.__version__ = version  # type: ignore[attr-defined]
        sys.modules[module] = stand_in


def distribution_version(name: str, path: Iterable[str] | None = None) -> str | None:
    """The version importlib.metadata gives for distribution `name`, or None when this
    reading might differ from it (see the module's docstring) or finds none."""
    wanted = _normalised(name)
    for listed in path_listings(path):
        if listed is None:
            return None
        folder, names = listed
        found = [item for item in names if _names(item, wanted)]
        if found:
            if len(found) > 1 or not found[0].lower().endswith(".dist-info"):
                return None
            return _version_field(os.path.join(folder, found[0], "METADATA"))
    return None


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _names(item: str, wanted: str) -> bool:
    stem, dot, suffix = item.rpartition(".")
    if not dot or suffix.lower() not in ("dist-info", "egg-info"):
        return False
    return _normalised(stem.partition("-")[0]) == wanted


def _version_field(metadata: str) -> str | None:
    try:
        with open(metadata, encoding="utf-8") as file:
            for _, line in zip(range(HEADERS_MAX), file, strict=False):
                if not line.strip():
                    return None  # the headers ended without one
                field, colon, value = line.partition(":")
                if colon and field == "Version":
                    return value.strip() or None
    except (OSError, UnicodeDecodeError):
        return None
    return None
