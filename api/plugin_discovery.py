"""Pydantic's plugin discovery without importlib.metadata when no plugin is installed.

At its first schema build pydantic imports `pydantic.plugin._loader`, which imports
importlib.metadata at its top (with email, zipfile, csv …) and reads every installed
distribution's entry points for the `pydantic` group: ≈12 ms of CPU of a `jixiao`
process (a what-if builds schemas), whether or not a plugin exists. The environment
variable PYDANTIC_DISABLE_PLUGINS does not avoid it: the import comes first.

`install()` puts a stand-in for that module in `sys.modules`. At the first schema build
it looks for a `[pydantic]` entry-point section the way importlib.metadata finds
distributions (each `*.dist-info` or `*.egg-info` directory in each `sys.path` folder),
which costs well under a millisecond. Found none: no plugins, as pydantic's loader would
answer. Found one, or met anything it does not read as importlib.metadata would (a zip or
egg on the path, a finder of distributions besides the path's): it gives way to pydantic's
own loader, which from then on answers every call."""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterable, Iterator
from functools import cache
from importlib.machinery import PathFinder
from typing import Any

LOADER = "pydantic.plugin._loader"
GROUP = "pydantic"
# pydantic.plugin._loader's values of PYDANTIC_DISABLE_PLUGINS that turn every plugin off.
DISABLED = ("__all__", "1", "true")


def install() -> None:
    """Stand in for pydantic's plugin loader until a schema build asks for plugins (the
    real loader, if already imported, is left alone)."""
    if LOADER in sys.modules:
        return
    stand_in = types.ModuleType(LOADER, __doc__)
    stand_in.get_plugins = _get_plugins  # type: ignore[attr-defined]
    # Any other name a later pydantic asks of its loader comes from the real one.
    stand_in.__getattr__ = _real_loader_attribute  # type: ignore[method-assign]
    sys.modules[LOADER] = stand_in


def _get_plugins() -> Iterable[Any]:
    if os.getenv("PYDANTIC_DISABLE_PLUGINS") in DISABLED or _none_installed():
        return ()
    if getattr(sys.modules.get(LOADER), "get_plugins", None) is _get_plugins:
        del sys.modules[LOADER]  # pydantic's own loader from now on
    from pydantic.plugin._loader import get_plugins  # noqa: PLC0415 - plugins exist

    return get_plugins()


def _real_loader_attribute(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    if getattr(sys.modules.get(LOADER), "get_plugins", None) is _get_plugins:
        del sys.modules[LOADER]
    import pydantic.plugin._loader as loader  # noqa: PLC0415 - asked for more than plugins

    return getattr(loader, name)


@cache
def _none_installed() -> bool:
    # Asked at every schema build: the path is read once a process, as pydantic's loader
    # reads the entry points once.
    return not may_declare_plugins()


def may_declare_plugins(path: Iterable[str] | None = None) -> bool:
    """Whether an installed distribution may declare an entry point of pydantic's group:
    False only when every folder of `path` (sys.path) was read and none does."""
    for listed in path_listings(path):
        if listed is None:
            return True
        folder, names = listed
        if folder.lower().endswith(".egg") or any(_declares(folder, name) for name in names):
            return True
    return False


def path_listings(path: Iterable[str] | None = None
                  ) -> Iterator[tuple[str, list[str]] | None]:
    """Each folder of `path` (sys.path), in order, with its entries, as importlib.metadata
    finds distributions there; then None and no more where it would look another way (a
    finder of distributions besides the path's, a zip or an egg on the path), which a
    reader of the folders cannot answer for. Shared with api/storage/psycopg_versions.py."""
    if any(getattr(finder, "find_distributions", None) is not None
           and finder is not PathFinder for finder in sys.meta_path):
        yield None
        return
    for entry in sys.path if path is None else path:
        folder = entry or "."
        if not os.path.isdir(folder):
            if os.path.exists(folder) or folder.endswith(".egg"):
                yield None  # a zip or an egg: importlib.metadata reads inside it
                return
            continue
        yield folder, _listing(folder)


def _listing(folder: str) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _declares(folder: str, name: str) -> bool:
    if not name.lower().endswith((".dist-info", ".egg-info")):
        return False
    try:
        with open(os.path.join(folder, name, "entry_points.txt"), encoding="utf-8",
                  errors="replace") as file:
            text = file.read()
    except OSError:  # none (most distributions), or an egg-info that is a file
        return False
    return any(line.strip().startswith("[") and GROUP in line for line in text.splitlines())
