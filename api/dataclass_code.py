"""Code compiled from text at run time, compiled once, not in every process.

Python 3.11's `@dataclass` writes each method it adds (`__init__`, `__repr__`, `__eq__`,
a frozen class's `__setattr__` and `__delattr__` …) as source text and compiles it with
`exec`, one compile a method, in every process; `typing.ForwardRef` compiles the text of
each annotation written as a string (pydantic_core's TypedDicts, our modules under
`from __future__ import annotations`), as pydantic reads them. A what-if (`jixiao payout
--with`) makes 88 dataclasses before it does any work (pydantic's and annotated_types'
own, the ledger's records), 312 such texts, and 785 annotations (217 texts): ≈28 and
≈10 ms of its CPU compiling them, a tenth of it.

`install()` gives the dataclasses module an `exec`, and the typing module a `compile`, of
their own, which look the text up in a cache of the code compiled from it and compile
only a text they have not met. The code is the very code the builtin would compile:
`compile` is a function of the text, the mode, the file name ("<string>") and the flags,
and those are what the two modules use (no `__future__` flags: neither module has one,
and the cache inherits none either). Only the compile is skipped: `exec` still runs the
code with the same globals and namespace, so every method is made afresh, as before, and
a forward reference is evaluated as before.

The cache is a file beside this package's bytecode (`__pycache__`), trusted as Python
trusts a .pyc there, for this exact interpreter (`sys.version` inside; the file name
carries the cache tag). It is written at exit, and only when a text was compiled this
process: so once, then read by every later process. As with bytecode it is not written
under `PYTHONDONTWRITEBYTECODE`, and not used with -O; not written where it cannot be
(read-only media); a file unreadable or of another interpreter is ignored (every text
compiled, as without the cache). A text absent from it is compiled, so a change of any
dataclass or annotation, ours or a library's, costs that one compile until the next
write."""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import marshal
import os
import sys
import threading
import typing
from pathlib import Path
from types import CodeType
from typing import Any

CACHE = Path(__file__).resolve().parent / "__pycache__" / (
    f"dataclass-code.{sys.implementation.cache_tag}.marshal")
# A file holding more texts than this is written anew with this process's texts only.
KEPT = 4096
_exec = builtins.exec
_compile = builtins.compile


class _Codes:
    """The compiled code of each text met (by mode and text), and what a file holds
    (marshalled, each read when first asked for)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stored: dict[tuple[str, str], bytes] | None = None
        self._used: dict[tuple[str, str], bytes] = {}
        self._codes: dict[tuple[str, str], CodeType] = {}  # a text met again: 568 of 785
        self._compiled = 0
        self._lock = threading.Lock()

    def code(self, text: str, mode: str) -> CodeType:
        """The code `compile(text, "<string>", mode)` gives; its SyntaxError likewise."""
        key = (mode, text)
        code = self._codes.get(key)
        if code is not None:
            return code
        stored = self._stored if self._stored is not None else self._load()
        data = self._used.get(key) or stored.get(key)
        if data is not None:
            try:
                code = marshal.loads(data)  # noqa: S302 - trusted as a .pyc beside it
            except (EOFError, ValueError, TypeError):
                code = None
            if type(code) is CodeType:
                self._used[key] = data
                self._codes[key] = code
                return code
        code = _compile(text, "<string>", mode, dont_inherit=True)
        with self._lock:
            if not self._compiled:
                atexit.register(self.write)
            self._compiled += 1
            self._used[key] = marshal.dumps(code)
        self._codes[key] = code
        return code

    def _load(self) -> dict[tuple[str, str], bytes]:
        stored: dict[tuple[str, str], bytes] = {}
        try:
            version, texts = marshal.loads(self.path.read_bytes())  # noqa: S302 - as above
            if version == sys.version and type(texts) is dict and all(
                    type(key) is tuple and len(key) == 2 and type(key[0]) is str
                    and type(key[1]) is str and type(value) is bytes
                    for key, value in texts.items()):
                stored = texts
        except (OSError, EOFError, ValueError, TypeError):
            pass  # none yet, or not one we wrote: every text is compiled
        self._stored = stored
        return stored

    def write(self) -> None:
        """Store the texts compiled this process beside those stored (see the module's
        note); nothing when none was, or when bytecode is not written."""
        if not self._compiled or sys.dont_write_bytecode or sys.flags.optimize:
            return
        texts = {**(self._stored or {}), **self._used}
        if len(texts) > KEPT:
            texts = dict(self._used)
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(exist_ok=True)
            temporary.write_bytes(marshal.dumps((sys.version, texts)))
            os.replace(temporary, self.path)  # a reader sees the old file or the new
        except OSError:
            temporary.unlink(missing_ok=True)


_CODES = _Codes(CACHE)


def cached_exec(source: Any, globals: dict[str, Any] | None = None,
                locals: Any = None) -> None:
    """`exec` as dataclasses calls it, the compile of a text taken from the cache."""
    if globals is None:  # exec's default: the caller's (dataclasses always gives its own)
        frame = sys._getframe(1)
        globals, locals = frame.f_globals, frame.f_locals if locals is None else locals
    if type(source) is str and not sys.flags.optimize:
        source = _CODES.code(source, "exec")
    _exec(source, globals, locals)


def cached_compile(source: Any, filename: Any, mode: str, *rest: Any, **options: Any) -> Any:
    """`compile` as typing calls it (an annotation's text, "<string>", "eval"), from the
    cache; any other call as asked. typing has no `__future__` flags to pass on, so none
    is inherited here either."""
    if rest or options or type(source) is not str or filename != "<string>":
        return _compile(source, filename, mode, *rest, **options)
    if sys.flags.optimize:
        return _compile(source, filename, mode, dont_inherit=True)
    return _CODES.code(source, mode)


def install() -> None:
    """Compile dataclasses' methods and typing's annotations through the cache (once a
    process; before the first worth it: pydantic's import makes 40 dataclasses)."""
    vars(dataclasses).setdefault("exec", cached_exec)
    vars(typing).setdefault("compile", cached_compile)
