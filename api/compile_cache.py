"""What Python compiles from text at run time, compiled once, not in every process.

Python 3.11's `@dataclass` writes each method it adds (`__init__`, `__repr__`, `__eq__`,
a frozen class's `__setattr__` and `__delattr__` …) as source text and compiles it with
`exec`, one compile a method, in every process; `typing.ForwardRef` compiles the text of
each annotation written as a string (pydantic_core's TypedDicts, our modules under
`from __future__ import annotations`), as pydantic reads them; and `re` parses and
compiles each pattern a module compiles at its import. A what-if (`jixiao payout --with`)
makes 88 dataclasses before it does any work (pydantic's and annotated_types' own, the
ledger's records), 312 such texts, reads 785 annotations (217 texts) and compiles 50
patterns: ≈28, ≈10 and ≈7 ms of its CPU, an eighth of it.

`install()` gives the dataclasses module an `exec`, the typing module a `compile` and
`re` a pattern compiler of their own, which look the text up in a cache of what was
compiled from it and compile only a text they have not met:

* Code is the very code the builtin would compile: `compile` is a function of the text,
  the mode, the file name ("<string>") and the flags, and those are what the two modules
  use (no `__future__` flags: neither module has one, and the cache inherits none
  either). Only the compile is skipped: `exec` still runs the code with the same globals
  and namespace, so every method is made afresh, as before, and a forward reference is
  evaluated as before.
* A pattern is made by `_sre.compile` from what `re._compiler.compile` gives it (the
  flags, the compiled code, the groups), as Python 3.11's `re` does: only the parse and
  the code generation are skipped. Only on 3.11 (its `re` internals); a pattern that does
  not compile raises as before and is never stored.

The cache is a file beside this package's bytecode (`__pycache__`), one for each kind of
process (`install`), trusted as Python trusts a .pyc there, for this exact interpreter
(`sys.version` inside; the file name carries the cache tag). It is written at exit, and
only when a text was compiled this process: so once, then read by every later process.
As with bytecode it is not written under `PYTHONDONTWRITEBYTECODE` (nor into the
source tree under `PYTHONPYCACHEPREFIX`), and not used with -O; not written where it
cannot be (read-only media); a file unreadable or of another interpreter is ignored
(every text compiled, as without the cache). A text absent from it is compiled, so a
change of any dataclass, annotation or pattern, ours or a library's, costs that one
compile until the next write. `JIXIAO_COMPILE_CACHE=off` installs nothing: every
text compiled by the standard library as without this module (to rule it out)."""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import marshal
import os
import re
import sys
import threading
import typing
from collections.abc import Callable, Mapping
from contextlib import suppress
from pathlib import Path
from types import CodeType
from typing import Any

FOLDER = Path(__file__).resolve().parent / "__pycache__"
SETTING = "JIXIAO_COMPILE_CACHE"  # "off": not installed
# A file holding more entries than this is written anew with this process's entries only.
KEPT = 2048


def cache_file(kind: str, what: str) -> Path:
    """The file of one kind of process (see `install`) for code or patterns."""
    return FOLDER / f"compiled-{what}.{kind}.{sys.implementation.cache_tag}.marshal"


_exec = builtins.exec
_compile = builtins.compile
_re_compiler: Any = getattr(re, "_compiler", None)
_real_pattern: Callable[..., Any] | None = getattr(_re_compiler, "compile", None)
_sre: Any = sys.modules.get("_sre")


class _Cache:
    """What was made from each key met, and what a file holds (marshalled, each entry
    read when first asked for); `accept` tells a value read back from one to use."""

    def __init__(self, path: Path, accept: Callable[[Any, Any], bool]) -> None:
        self.path = path
        self._accept = accept
        self._stored: dict[Any, bytes] | None = None
        self._used: dict[Any, bytes] = {}
        # Marshalled only when written: where the file cannot be (an install owned by
        # another user, read-only media) that was ≈6 ms of a what-if for nothing.
        self._new: dict[Any, Any] = {}
        self._values: dict[Any, Any] = {}  # a text met again: 568 of 785 annotations
        self._made = 0
        self._lock = threading.Lock()

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        """The value made from `key`: from this process, from the file, or `make()`d (its
        errors raised as they are, nothing stored)."""
        value = self._values.get(key)
        if value is not None:
            return value
        stored = self._stored if self._stored is not None else self._load()
        data = self._used.get(key) or stored.get(key)
        if data is not None:
            try:
                value = marshal.loads(data)  # noqa: S302 - trusted as a .pyc beside it
            except (EOFError, ValueError, TypeError):
                value = None
            if value is not None and self._accept(key, value):
                self._used[key] = data
                self._values[key] = value
                return value
        value = make()
        with self._lock:
            if not self._made:
                atexit.register(self.write)
            self._made += 1
            self._new[key] = value
        self._values[key] = value
        return value

    def _load(self) -> dict[Any, bytes]:
        stored: dict[Any, bytes] = {}
        try:
            version, entries = marshal.loads(self.path.read_bytes())  # noqa: S302 - as above
            if version == sys.version and type(entries) is dict and all(
                    type(value) is bytes for value in entries.values()):
                stored = entries
        except (OSError, EOFError, ValueError, TypeError):
            pass  # none yet, or not one we wrote: everything is compiled
        self._stored = stored
        return stored

    def write(self) -> None:
        """Store what was made this process beside what is stored (see the module's note);
        nothing when nothing was, or when bytecode is not written."""
        if (not self._made or sys.dont_write_bytecode or sys.flags.optimize
                or sys.pycache_prefix is not None):  # bytecode kept out of the source tree
            return
        folder = self.path.parent
        if not os.access(folder if folder.is_dir() else folder.parent, os.W_OK):
            return  # not ours to write (nor, on read-only media, anyone's)
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            used = {**self._used, **{key: marshal.dumps(value)
                                     for key, value in self._new.items()}}
            entries = {**(self._stored or {}), **used}
            body = marshal.dumps((sys.version, entries if len(entries) <= KEPT else used))
            self.path.parent.mkdir(exist_ok=True)
            # A new file, as Python writes bytecode (O_EXCL): never written through a link
            # planted at its name, onto whatever it points at; and no more writable than
            # this source (a group-writable umask would let others rewrite the code run).
            mode = (os.stat(__file__).st_mode | 0o200) & 0o666
            with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode),
                      "wb") as file:
                file.write(body)
            os.replace(temporary, self.path)  # a reader sees the old file or the new
        except (OSError, ValueError):  # not writable here (or a key marshal cannot write)
            with suppress(OSError):  # read-only media refuse even to unlink what is not there
                temporary.unlink(missing_ok=True)


def _is_code(key: Any, value: Any) -> bool:
    return (type(key) is tuple and len(key) == 2 and type(key[0]) is str
            and type(key[1]) is str and type(value) is CodeType)


def pattern_key(pattern: str | bytes, flags: int) -> tuple[str, str | bytes, int]:
    """A pattern's key, its type first as in re's own cache: a bytes and a str pattern of
    the same letters hash alike, and comparing them warns (an error under `python -bb`)."""
    return type(pattern).__name__, pattern, flags


def _is_pattern(key: Any, value: Any) -> bool:
    """A key (`pattern_key`) and what `_sre.compile` takes after the pattern: flags, code,
    groups, the group index and its inverse."""
    if not (type(key) is tuple and len(key) == 3 and type(key[1]) in (str, bytes)
            and key[0] == type(key[1]).__name__ and type(key[2]) is int
            and type(value) is tuple and len(value) == 5):
        return False
    flags, code, groups, groupindex, indexgroup = value
    return (type(flags) is int and type(code) is list and all(type(c) is int for c in code)
            and type(groups) is int and type(groupindex) is dict
            and all(type(k) is str and type(i) is int for k, i in groupindex.items())
            and type(indexgroup) is tuple
            and all(name is None or type(name) is str for name in indexgroup))


_CODES = _Cache(cache_file("process", "code"), _is_code)
_PATTERNS = _Cache(cache_file("process", "patterns"), _is_pattern)


def compiled(text: str, mode: str) -> CodeType:
    """`compile(text, "<string>", mode)` as dataclasses and typing call it; its
    SyntaxError likewise."""
    code: CodeType = _CODES.get(
        (mode, text), lambda: _compile(text, "<string>", mode, dont_inherit=True))
    return code


def cached_exec(source: Any, globals: dict[str, Any] | None = None,
                locals: Any = None) -> None:
    """`exec` as dataclasses calls it, the compile of a text taken from the cache."""
    if globals is None:  # exec's default: the caller's (dataclasses always gives its own)
        frame = sys._getframe(1)
        globals, locals = frame.f_globals, frame.f_locals if locals is None else locals
    if type(source) is str:
        # Under -O compiled here, not by `exec`: it would pass on this module's
        # `__future__` import (an `__init__`'s annotations would be strings).
        source = _compile(source, "<string>", "exec", dont_inherit=True) \
            if sys.flags.optimize else compiled(source, "exec")
    _exec(source, globals, locals)


def cached_compile(source: Any, filename: Any, mode: str, *rest: Any, **options: Any) -> Any:
    """`compile` as typing calls it (an annotation's text, "<string>", "eval"), from the
    cache; any other call as asked. typing has no `__future__` flags to pass on, so none
    is inherited here either."""
    if rest or options or type(source) is not str or filename != "<string>":
        return _compile(source, filename, mode, *rest, **options)
    if sys.flags.optimize:
        return _compile(source, filename, mode, dont_inherit=True)
    return compiled(source, mode)


def _pattern_parts(pattern: str | bytes, flags: int) -> tuple[Any, ...]:
    """What Python 3.11's `re._compiler.compile` passes `_sre.compile` after the pattern
    (its ints as plain ints: some are named constants, which marshal does not write)."""
    parsed = _re_compiler._parser.parse(pattern, flags)
    code = _re_compiler._code(parsed, flags)
    groupindex = parsed.state.groupdict
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (int(flags | parsed.state.flags), [int(c) for c in code],
            parsed.state.groups - 1, dict(groupindex), tuple(indexgroup))


def cached_pattern(pattern: Any, flags: int = 0) -> Any:
    """`re._compiler.compile`, a pattern's parse and code taken from the cache."""
    assert _real_pattern is not None  # installed only where it is
    if type(pattern) not in (str, bytes) or type(flags) is not int or (
            flags & _re_compiler.SRE_FLAG_DEBUG) or sys.flags.optimize:
        return _real_pattern(pattern, flags)
    parts = _PATTERNS.get(pattern_key(pattern, flags), lambda: _pattern_parts(pattern, flags))
    return _sre.compile(pattern, *parts)


def install(kind: str = "process", environ: Mapping[str, str] | None = None) -> None:
    """Compile dataclasses' methods, typing's annotations and re's patterns through the
    cache (once a process; before the first worth it: pydantic's import makes 40
    dataclasses). `kind` names the kind of process (a what-if, the command tree), which
    keeps a file of its own: each then reads what it compiles, not the texts of every
    other verb (a file grows only by what one kind meets). Nothing under `SETTING=off`."""
    if (os.environ if environ is None else environ).get(SETTING) == "off":
        return
    if vars(dataclasses).get("exec") is cached_exec:
        return  # installed: its files stay the first kind's
    _CODES.path, _PATTERNS.path = cache_file(kind, "code"), cache_file(kind, "patterns")
    vars(dataclasses)["exec"] = cached_exec
    vars(typing).setdefault("compile", cached_compile)
    if (sys.version_info[:2] == (3, 11) and _sre is not None and _real_pattern is not None
            and _re_compiler.compile is _real_pattern):
        _re_compiler.compile = cached_pattern




def _populated() -> dict[str, list[str]]:
    """What each kind of process imports: a what-if every module it uses, through
    `api.cli.plain`; the command tree's verbs import theirs with their module of api/cli,
    so its file holds the texts of all of them (a verb reads ≈1.5 ms of the others')."""
    folder = Path(__file__).resolve().parent / "cli"
    verbs = sorted(f"api.cli.{path.stem}" for path in folder.glob("*.py")
                   if not path.stem.startswith("_"))
    return {"what-if": ["api.cli.plain"], "tree": ["api.cli", *verbs]}


def populate(folder: Path | None = None) -> list[Path]:
    """Write each kind's cache as its process would, now: an installed package's folder
    is written by whoever installed it (root, docs/deploy.md), never by the service or a
    user running `jixiao`, so without this step no process there reads a cache. One
    process per kind (a kind is chosen before the first class is made); the files
    written, each only when something was new to it."""
    # Imported only here: what `python -m api.compile_cache` runs, not a verb.
    import subprocess  # noqa: PLC0415

    environ = {key: value for key, value in os.environ.items()
               if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", SETTING)}
    for kind, modules in _populated().items():
        script = ("import sys\nfrom pathlib import Path\nfrom api import compile_cache\n"
                  "if len(sys.argv) > 1:\n    compile_cache.FOLDER = Path(sys.argv[1])\n"
                  f"compile_cache.install({kind!r})\nimport {', '.join(modules)}\n")
        # From the folder holding this package, so that `api` is this one.
        subprocess.run([sys.executable, "-c", script, *([str(folder)] if folder else [])],  # noqa: S603 - our own script
                       env=environ, cwd=Path(__file__).resolve().parents[1], check=True)
    where = FOLDER if folder is None else folder
    return sorted(path for path in where.glob("compiled-*.marshal")
                  if path.name.endswith(f".{sys.implementation.cache_tag}.marshal"))


if __name__ == "__main__":
    for written in populate():
        print(written)
