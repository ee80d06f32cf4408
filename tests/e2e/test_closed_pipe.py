"""`jixiao … | head`: a reader that stops early is not an error of jixiao's (exit 0)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import GOLDEN

ROOT = Path(__file__).resolve().parents[2]


def _exit_into_closed_pipe(module: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    reader, writer = os.pipe()
    os.close(reader)  # every write gets EPIPE, whatever the timing
    try:
        return subprocess.run([sys.executable, "-m", module, *args], stdout=writer,
                              stderr=subprocess.PIPE, cwd=ROOT, check=False, timeout=120)
    finally:
        os.close(writer)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("pipe") / "ledger.db")
    commands = GOLDEN / "example-1" / "commands.jsonl"
    done = subprocess.run([sys.executable, "-m", "api.cli", "apply", "--db", db,
                           str(commands)], capture_output=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return db


@pytest.mark.parametrize("module", ["api.cli", "api.cli_launch"])
@pytest.mark.parametrize("verb", [["--help"], ["events"], ["payout", "--period", "2026-Q1"]])
def test_a_closed_pipe_exits_0(ledger: str, module: str, verb: list[str]) -> None:
    args = verb if verb == ["--help"] else [*verb, "--db", ledger]
    done = _exit_into_closed_pipe(module, *args)
    assert done.returncode == 0, (done.returncode, done.stderr.decode())
