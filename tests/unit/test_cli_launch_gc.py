"""The launcher turns the cyclic collector off only for a process's one-shot reads
(api/cli_launch.py `_collect_no_cycles`), never for a test calling `main` with its words,
and ends such a process without the interpreter's teardown (`exit_at_once`)."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli_launch import _collect_no_cycles, main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def collector() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


@pytest.mark.parametrize("words", [
    ["payout", "--period", "2026-Q1"],
    ["payout", "--period", "2026-Q1", "--with", "batch.jsonl"],
    ["explain", "--period", "2026-Q1", "--employee", "E1"],
    ["--lang", "en", "payout", "--period", "2026-Q1"],
])
def test_one_shot_reads_run_without_the_collector(collector: None, words: list[str]) -> None:
    _collect_no_cycles(words)
    assert not gc.isenabled()


@pytest.mark.parametrize("words", [
    ["import", "rows.csv"], ["serve"], ["--lang", "en", "serve"],
    ["record", "--file", "payout"], [], ["--help"],
])
def test_other_verbs_keep_the_collector(collector: None, words: list[str]) -> None:
    _collect_no_cycles(words)
    assert gc.isenabled()


def test_main_with_words_leaves_the_collector_alone(
        collector: None, tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    main(["payout", "--period", "nonsense", "--db", f"{tmp_path}/none.db"], {})
    capsys.readouterr()
    assert gc.isenabled()


EXIT = '''
import atexit, sys, threading
from api.cli_launch import exit_at_once
atexit.register(lambda: print("exit handler ran"))
print("report", flush=False)
print("warning", file=sys.stderr)
if sys.argv[1] == "thread":
    stop = threading.Event()
    threading.Thread(target=stop.wait).start()
    exit_at_once(3)
    print("left to the interpreter")
    stop.set()
    sys.exit(3)
exit_at_once(3)
print("not reached")
'''


@pytest.mark.parametrize(("mode", "stdout"), [
    ("alone", "report\nexit handler ran\n"),
    ("thread", "report\nleft to the interpreter\nexit handler ran\n"),
])
def test_a_one_shot_read_exits_with_its_output_and_exit_handlers(mode: str, stdout: str) -> None:
    """`exit_at_once` skips the interpreter's teardown, not the output or atexit's
    handlers; with another thread running it leaves the exit to the interpreter."""
    done = subprocess.run([sys.executable, "-c", EXIT, mode], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (3, stdout, "warning\n")


@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_a_process_started_with_a_stream_closed_keeps_its_exit_code(stream: str) -> None:
    """Cron and `2>&-` start Python with sys.stdout or sys.stderr set to None."""
    code = (f"import sys\nsys.{stream} = None\n"
            "from api.cli_launch import exit_at_once\nexit_at_once(3)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 3, done.stderr


def test_a_profiled_one_shot_read_still_writes_its_profile(tmp_path: Path) -> None:
    """A profiler writes its results in the teardown that exit_at_once would skip."""
    out = tmp_path / "run.prof"
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m",
                           "api.cli_launch", "payout", "--period", "2026-Q1", "--db",
                           str(tmp_path / "none.db")], cwd=ROOT, capture_output=True,
                          timeout=120, check=False)
    assert out.exists(), (done.returncode, done.stderr)
