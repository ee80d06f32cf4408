"""Clocks, memory readings, progress lines and an optional profiler for the phases."""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MB = 1024 * 1024


def _status(key: str) -> int:
    """A /proc/self/status figure in bytes (0 where /proc is not there)."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    match = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else 0


def rss() -> int:
    """Resident set size now."""
    return _status("VmRSS")


def rss_peak() -> int:
    """Peak resident set size since the last `reset_peak()` (VmHWM)."""
    return _status("VmHWM")


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0), so a step's peak is its own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def max_rss() -> int:
    """ru_maxrss of this process, in bytes (the peak of its whole life)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@contextmanager
def step_memory(into: dict[str, Any], name: str) -> Iterator[None]:
    """Record RSS before, after and at the peak of a step, under `name_*` keys (bytes)."""
    before = rss()
    reset_peak()
    try:
        yield
    finally:
        into[f"{name}_rss_before"] = before
        into[f"{name}_rss_after"] = rss()
        into[f"{name}_rss_peak"] = max(rss_peak(), into[f"{name}_rss_after"])


class Progress:
    """One line on stderr, rewritten at most once a second."""

    def __init__(self, label: str, total: int | None = None) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.started = time.perf_counter()
        self._shown = 0.0

    def add(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if now - self._shown >= 1.0:
            self._shown = now
            self.show()

    def show(self, end: bool = False) -> None:
        elapsed = time.perf_counter() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        of = f"/~{self.total:,}" if self.total else ""
        print(f"\r  {self.label}: {self.done:,}{of}  {rate:,.0f}/s  {elapsed:6.1f}s  "
              f"RSS {rss() / MB:,.0f} MB   ", end="\n" if end else "", file=sys.stderr,
              flush=True)

    def finish(self) -> None:
        self.show(end=True)


@contextmanager
def ticking(label: str, position: Callable[[], int] | None = None,
            total: int | None = None) -> Iterator[None]:
    """A progress line from a background thread, for steps that run inside the core code
    (a fold, a catch-up) and cannot report their own progress."""
    stop = threading.Event()
    started = time.perf_counter()

    def line(end: str = "") -> None:
        elapsed = time.perf_counter() - started
        where = ""
        if position is not None:
            done = position()
            of = f"/{total:,}" if total else ""
            where = f" {done:,}{of} events ({done / elapsed if elapsed else 0:,.0f}/s)"
        print(f"\r  {label}:{where}  {elapsed:6.1f}s  RSS {rss() / MB:,.0f} MB   ", end=end,
              file=sys.stderr, flush=True)

    def run() -> None:
        while not stop.wait(2.0):
            line()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        line("\n")


class Profiler:
    """cProfile around the measured work only, when asked; writes .prof and a summary."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.profile = cProfile.Profile() if path else None

    @contextmanager
    def running(self) -> Iterator[None]:
        if self.profile is None:
            yield
            return
        self.profile.enable()
        try:
            yield
        finally:
            self.profile.disable()

    def save(self) -> None:
        if self.profile is None or self.path is None:
            return
        self.profile.dump_stats(self.path)
        text = io.StringIO()
        stats = pstats.Stats(self.profile, stream=text)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(30)
        Path(self.path).with_suffix(".txt").write_text(text.getvalue())
