"""dataclasses' methods and typing's annotations compiled once, then read from a cache
(api/dataclass_code.py): the code is what `compile` gives, the classes behave as
dataclass makes them, and a later process compiles nothing its cache holds."""

from __future__ import annotations

import dataclasses
import marshal
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from api import dataclass_code
from api.dataclass_code import _Codes

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


def test_the_cached_code_is_the_code_compile_gives(tmp_path: Path) -> None:
    codes = _Codes(tmp_path / "cache.marshal")
    assert codes.code(TEXT, "exec") == _compiled(TEXT, "exec")
    assert codes.code("dict[str, int] | None", "eval") == _compiled(
        "dict[str, int] | None", "eval")
    with pytest.raises(SyntaxError):  # as typing's compile of a bad annotation
        codes.code("list[", "eval")


def test_a_later_process_reads_what_an_earlier_compiled(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "__pycache__" / "cache.marshal"
    first = _Codes(path)
    compiled = first.code(TEXT, "exec")
    first.write()
    monkeypatch.setattr(dataclass_code, "_compile", _refusing_compile)
    assert _Codes(path).code(TEXT, "exec") == compiled


def test_no_cache_is_written_where_bytecode_is_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    codes = _Codes(tmp_path / "cache.marshal")
    codes.code(TEXT, "exec")
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
    assert _Codes(path).code(TEXT, "exec") == _compiled(TEXT, "exec")


def test_dataclasses_and_annotations_behave_as_without_the_cache() -> None:
    dataclass_code.install()
    assert vars(dataclasses)["exec"] is dataclass_code.cached_exec
    assert vars(typing)["compile"] is dataclass_code.cached_compile

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


PROBE = '''
import sys
from pathlib import Path
from api import dataclass_code
dataclass_code._CODES.path = Path(sys.argv[1])
compiled = []
real = dataclass_code._compile
dataclass_code._compile = lambda *args, **kwargs: compiled.append(1) or real(*args, **kwargs)
from api.cli_launch import main
main(["payout", "--period", "2026-Q4", "--with", sys.argv[2], "--db", sys.argv[3]])
import api.cli.plain  # what a what-if imports (the ledger above is missing)
print(len(compiled))
'''


def test_a_what_if_process_compiles_nothing_once_its_cache_is_written(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text("")

    def compiles() -> int:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(tmp_path / "cache.marshal"), str(batch),
             str(tmp_path / "missing.db")],
            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
        assert done.returncode == 0, done.stderr
        return int(done.stdout.strip().splitlines()[-1])

    assert compiles() > 300  # pydantic's, annotated_types' and our dataclasses, annotations
    assert compiles() == 0
