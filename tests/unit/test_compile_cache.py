"""dataclasses' methods, typing's annotations and re's patterns compiled once, then read
from a cache (api/compile_cache.py): the code is what `compile` gives, a pattern what
`re` makes, the classes behave as dataclass makes them, and a later process compiles
nothing its cache holds."""

from __future__ import annotations

import dataclasses
import errno
import marshal
import os
import re
import stat
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from api import compile_cache
from api.compile_cache import _Cache, _is_code, _is_pattern, _pattern_parts, pattern_key

ROOT = Path(__file__).resolve().parents[2]
# As Python 3.11's dataclass writes a frozen class's __setattr__ (dataclasses._create_fn).
TEXT = ("def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n"
        "  if type(self) is cls or name in ('a','b',):\n"
        "   raise FrozenInstanceError(f\"cannot assign to field {name!r}\")\n"
        "  super(cls, self).__setattr__(name, value)\n return __setattr__")


def _compiled(text: str, mode: str) -> object:
    # As dataclasses and typing compile: neither module has a `__future__` import (this
    # one has, which `compile` would otherwise pass on to the code).
    return compile(text, "<string>", mode, dont_inherit=True)


def _refusing_compile(*_: object, **__: object) -> None:
    raise AssertionError("compiled although the cache holds it")


def _codes(path: Path) -> _Cache:
    return _Cache(path, _is_code)


def _code(codes: _Cache, text: str, mode: str) -> object:
    return codes.get((mode, text), lambda: compile_cache._compile(
        text, "<string>", mode, dont_inherit=True))


def test_the_cached_code_is_the_code_compile_gives(tmp_path: Path) -> None:
    codes = _codes(tmp_path / "cache.marshal")
    assert _code(codes, TEXT, "exec") == _compiled(TEXT, "exec")
    assert _code(codes, "dict[str, int] | None", "eval") == _compiled(
        "dict[str, int] | None", "eval")
    with pytest.raises(SyntaxError):  # as typing's compile of a bad annotation
        _code(codes, "list[", "eval")


def test_a_later_process_reads_what_an_earlier_compiled(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "__pycache__" / "cache.marshal"
    first = _codes(path)
    compiled = _code(first, TEXT, "exec")
    first.write()
    monkeypatch.setattr(compile_cache, "_compile", _refusing_compile)
    assert _code(_codes(path), TEXT, "exec") == compiled


def test_no_cache_is_written_where_bytecode_is_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    codes = _codes(tmp_path / "cache.marshal")
    _code(codes, TEXT, "exec")
    codes.write()
    assert not (tmp_path / "cache.marshal").exists()


@pytest.mark.parametrize("body", [
    b"not marshal",
    marshal.dumps(("2.7.18 (another Python)", {("exec", TEXT): marshal.dumps(compile(
        TEXT, "<string>", "exec", dont_inherit=True))})),
    marshal.dumps((sys.version, {("exec", TEXT): b"not code"})),
    marshal.dumps((sys.version, {("exec", TEXT): marshal.dumps(42)})),
], ids=["garbage", "another-python", "not-marshal", "not-code"])
def test_a_cache_of_another_python_or_not_ours_is_compiled_past(
        tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "cache.marshal"
    path.write_bytes(body)
    assert _code(_codes(path), TEXT, "exec") == _compiled(TEXT, "exec")


def test_dataclasses_and_annotations_behave_as_without_the_cache() -> None:
    compile_cache.install()
    assert vars(dataclasses)["exec"] is compile_cache.cached_exec
    assert vars(typing)["compile"] is compile_cache.cached_compile

    @dataclasses.dataclass(frozen=True, order=True)
    class Line:
        employee_id: str
        points: int = 0

    line = Line("E1", 3)
    assert (repr(line), line == Line("E1", 3), line < Line("E2")) == (
        "test_dataclasses_and_annotations_behave_as_without_the_cache.<locals>."
        "Line(employee_id='E1', points=3)", True, True)
    assert hash(line) == hash(("E1", 3))
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.points = 4  # type: ignore[misc]
    assert typing.get_type_hints(Line) == {"employee_id": str, "points": int}
    with pytest.raises(SyntaxError):
        typing.ForwardRef("list[")


PATTERNS = [
    (r"(-?)([0-9]{1,15})\.([0-9]{2})", 0), (r"(?P<year>[0-9]{4})-Q(?P<quarter>[1-4])", 0),
    (r"^[^\W_][\w.\-]{0,63}$", 0), (r"[\x00-\x1f\u2028]|(?:^|\u241e) ", 0),
    (r"  # a comment\n (?i:abc) \d+", int(re.VERBOSE)), (rb"GLIBC_([0-9.]+)", 0), ("", 0)]


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_a_pattern_from_the_cache_is_the_one_re_makes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pattern: str | bytes,
        flags: int) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "patterns.marshal"
    written = _Cache(path, _is_pattern)
    written.get(pattern_key(pattern, flags), lambda: _pattern_parts(pattern, flags))
    written.write()
    read = _Cache(path, _is_pattern).get(pattern_key(pattern, flags), _refusing_compile)
    made = compile_cache._sre.compile(pattern, *read)
    real = compile_cache._real_pattern(pattern, flags)  # re's own, installed or not
    assert made == real  # the same pattern, flags and code
    assert (made.flags, made.groups, made.groupindex) == (
        real.flags, real.groups, real.groupindex)


def test_re_compiles_through_the_cache_once_installed() -> None:
    compile_cache.install()
    assert re._compiler.compile is compile_cache.cached_pattern  # type: ignore[attr-defined]
    found = re.compile(r"(?P<id>E[0-9]{6}) (?P<cny>[0-9]+\.[0-9]{2}) wi41").fullmatch(
        "E000001 12.50 wi41")
    assert found is not None
    assert found.groupdict() == {"id": "E000001", "cny": "12.50"}
    with pytest.raises(re.error):
        re.compile(r"(unclosed wi41")


def test_a_bytes_and_a_str_pattern_of_the_same_letters_are_told_apart(
        tmp_path: Path) -> None:
    # Their keys hash alike; compared, they warn (`python -bb`: an error), as re's own
    # cache avoids by keying the pattern's type first. Also when read back from a file.
    probe = ("import re, sys\nfrom pathlib import Path\nfrom api import compile_cache\n"
             "compile_cache.cache_file = lambda kind, what: Path(sys.argv[1] + what)\n"
             "compile_cache.install('probe')\n"
             "for pattern in (b'wi41 [a-z]+', 'wi41 [a-z]+'):\n"
             "    print(repr(re.compile(pattern).pattern))\n    re.purge()")
    for _ in range(2):  # compiled, then read from the file
        done = subprocess.run(
            [sys.executable, "-bb", "-c", probe, str(tmp_path / "cache.")], cwd=ROOT,
            capture_output=True, text=True, timeout=120, check=False,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
        assert done.stdout.split("\n")[:2] == ["b'wi41 [a-z]+'", "'wi41 [a-z]+'"], done.stderr


PROBE = '''
import sys
from pathlib import Path
from api import compile_cache
kinds = []
compile_cache.cache_file = lambda kind, what: kinds.append(kind) or Path(sys.argv[1] + what)
compiled, parsed = [], []
real, parts = compile_cache._compile, compile_cache._pattern_parts
compile_cache._compile = lambda *args, **kwargs: compiled.append(1) or real(*args, **kwargs)
compile_cache._pattern_parts = lambda *args: parsed.append(1) or parts(*args)
from api.cli_launch import main
main(["payout", "--period", "2026-Q4", "--with", sys.argv[2], "--db", sys.argv[3]])
import api.cli.plain  # what a what-if imports (the ledger above is missing)
print(len(compiled), len(parsed), *sorted(set(kinds)))
'''


def test_a_what_if_process_compiles_nothing_once_its_cache_is_written(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text("")

    def compiles() -> tuple[int, ...]:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(tmp_path / "cache.marshal"), str(batch),
             str(tmp_path / "missing.db")],
            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
        assert done.returncode == 0, done.stderr
        *counts, kind = done.stdout.strip().splitlines()[-1].split()
        assert kind == "what-if"  # its own files: not the command tree's texts too
        return tuple(map(int, counts))

    code, patterns = compiles()
    # pydantic's, annotated_types' and our dataclasses and annotations; their patterns
    assert code > 300
    assert patterns > 20
    assert compiles() == (0, 0)


def test_the_launcher_imports_the_cache_only_for_what_needs_it() -> None:
    # A payout or explanation answered warm makes few dataclasses: importing the cache
    # (dataclasses, inspect) at the launcher's import would only slow it.
    done = subprocess.run(
        [sys.executable, "-c", "import sys, api.cli_launch\n"
         "print('api.compile_cache' in sys.modules, 'dataclasses' in sys.modules)"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("optimize", [[], ["-O"]], ids=["plain", "optimized"])
def test_a_dataclass_init_keeps_its_annotations(optimize: list[str]) -> None:
    # The cache module has `from __future__ import annotations`: what it compiles or
    # execs must not pass it on (a string annotation breaks `get_type_hints`).
    done = subprocess.run(
        [sys.executable, *optimize, "-B", "-c",
         "from api import compile_cache\ncompile_cache.install('probe')\n"
         "import dataclasses, typing\n"
         "@dataclasses.dataclass\nclass A:\n    x: int\n"
         "print(typing.get_type_hints(A.__init__))"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.strip() == "{'x': <class 'int'>, 'return': <class 'NoneType'>}", \
        done.stderr


def test_read_only_media_end_the_process_quietly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A read-only file system refuses a folder's creation and even the unlink of a file
    # that is not there (EROFS, not ENOENT): the write at exit must raise neither.
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    codes = _codes(tmp_path / "__pycache__" / "cache.marshal")
    _code(codes, TEXT, "exec")

    def read_only(*_: object, **__: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "mkdir", read_only)
    monkeypatch.setattr(os, "unlink", read_only)
    codes.write()
    assert not (tmp_path / "__pycache__").exists()


def test_the_write_never_follows_a_link_planted_at_its_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    victim = tmp_path / "victim"
    victim.write_text("precious")
    path = tmp_path / "__pycache__" / "cache.marshal"
    path.parent.mkdir()
    path.with_name(f"{path.name}.{os.getpid()}.tmp").symlink_to(victim)
    codes = _codes(path)
    _code(codes, TEXT, "exec")
    codes.write()
    assert victim.read_text() == "precious"
    codes.write()  # the planted link gone, the next write is made
    assert _code(_codes(path), TEXT, "exec") == _compiled(TEXT, "exec")
    assert path.is_file()
    assert not path.is_symlink()


def test_no_cache_is_written_into_the_source_tree_when_bytecode_goes_elsewhere(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "elsewhere"))
    codes = _codes(tmp_path / "cache.marshal")
    _code(codes, TEXT, "exec")
    codes.write()
    assert not (tmp_path / "cache.marshal").exists()


def test_the_tests_write_no_compile_cache_into_the_tree() -> None:
    # The suite runs the launcher (and `install`) in its own process (tests/conftest.py).
    compile_cache.install()
    for path in (compile_cache.cache_file("what-if", "code"), compile_cache._CODES.path,
                 compile_cache._PATTERNS.path):
        assert compile_cache.FOLDER not in path.parents


def test_the_cache_can_be_turned_off() -> None:
    # To rule it out when a dataclass, an annotation or a pattern misbehaves.
    done = subprocess.run(
        [sys.executable, "-B", "-c",
         "import dataclasses, re, typing\nfrom api.cli_launch import main\n"
         "main(['payout', '--period', '2026-Q4', '--with', 'missing.jsonl', '--db',"
         " 'missing.db'])\n"
         "print('exec' in vars(dataclasses), 'compile' in vars(typing),"
         " re._compiler.compile.__module__)"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "JIXIAO_COMPILE_CACHE": "off"})
    assert done.stdout.split()[-3:] == ["False", "False", "re._compiler"], done.stderr


def test_the_cache_is_no_more_writable_than_its_source(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As Python's bytecode: its code is run by whoever runs jixiao next, so a umask that
    # leaves files group- or world-writable must not make it so.
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "cache.marshal"
    codes = _codes(path)
    _code(codes, TEXT, "exec")
    previous = os.umask(0)
    try:
        codes.write()
    finally:
        os.umask(previous)
    source = Path(compile_cache.__file__).stat().st_mode
    assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE(source | 0o200) & 0o666


def test_a_cache_that_cannot_be_written_is_not_marshalled(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The service user of an install owned by root compiles every text in each process:
    # marshalling each for a write that cannot happen made the cache cost, not save.
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    codes = _codes(tmp_path / "__pycache__" / "cache.marshal")
    marshalled: list[object] = []
    dumps = marshal.dumps
    monkeypatch.setattr(compile_cache.marshal, "dumps",
                        lambda value, *rest: marshalled.append(value) or dumps(value, *rest))
    _code(codes, TEXT, "exec")
    monkeypatch.setattr(os, "access", lambda *_, **__: False)  # as for another user's folder
    codes.write()
    assert marshalled == []
    assert not (tmp_path / "__pycache__").exists()


COUNT = '''
import sys
from pathlib import Path
from api import compile_cache
compile_cache.FOLDER = Path(sys.argv[1])
compiled = []
real = compile_cache._compile
compile_cache._compile = lambda *args, **kwargs: compiled.append(1) or real(*args, **kwargs)
compile_cache.install(sys.argv[2])
import importlib
for module in sys.argv[3:]:
    importlib.import_module(module)
print(len(compiled))
'''


def test_populate_writes_what_each_kind_of_process_then_reads(tmp_path: Path) -> None:
    # An installed package's folder is written by whoever installed it: a process run by
    # the service or a user never writes it, so the install step must.
    written = compile_cache.populate(tmp_path)
    kinds = {path.name.split(".")[1] for path in written}
    assert kinds == {"what-if", "tree"}
    assert all(path.stat().st_size > 0 for path in written)

    def compiles(kind: str, *modules: str) -> int:
        done = subprocess.run([sys.executable, "-c", COUNT, str(tmp_path), kind, *modules],
                              cwd=ROOT,
                              capture_output=True, text=True, timeout=120, check=True)
        return int(done.stdout.split()[-1])

    assert compiles("what-if", "api.cli.plain") == 0
    # A verb's own module too (verify's, the reports'), not the tree's package alone.
    assert compiles("tree", "api.cli", "api.cli.audit", "api.cli.reports") == 0
    # The count is real: a kind with no file compiles them.
    assert compiles("nothing-populated", "api.cli.plain") > 300


SERVED = '''
import contextlib, dataclasses, sys
from api import compile_cache
from api.cli_launch import main
with contextlib.suppress(SystemExit):
    main([sys.argv[1], "--help"])
print(vars(dataclasses).get("exec") is compile_cache.cached_exec)
'''


@pytest.mark.parametrize(("verb", "installed"), [("serve", "False"), ("verify", "True")])
def test_a_server_installs_no_cache(verb: str, installed: str) -> None:
    # A server starts once and makes every class of every page: its texts, written at its
    # shutdown, would crowd the command tree's file that each verb reads.
    done = subprocess.run([sys.executable, "-c", SERVED, verb], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert done.stdout.split()[-1] == installed
