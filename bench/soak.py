"""`python -m bench.soak`: concurrent writers and readers against `jixiao serve` on
PostgreSQL, for a bounded time and number of requests (not part of the test suite).

    python -m bench.soak --seconds 60 --servers 3 --writers 4 --readers 4
    python -m bench.soak --seconds 20 --max-requests 2000 --out bench/results/soak.json

Several `jixiao serve` processes (one worker each, the way several uvicorn workers share
one store) listen on loopback ports over one throwaway PostgreSQL cluster
(tests/pgcluster.py) seeded with the HTTP tests' ledger (worked example 1 and one user per
role). Writers record deductions as the department head, each with its own
Idempotency-Key, and re-send one in ten with a key already acknowledged (a retry that must
record nothing). Readers ask for the payout (finance) and the audit log (auditor). After
the run: every acknowledged key must be in the ledger exactly once (lost / doubled), the
5xx and transport errors are counted, and `jixiao verify` checks the chain.

Prints one JSON report (throughput, p50/p99 latency per kind, errors, lost, doubled,
verify) and writes it to --out when given.
"""
# ruff: noqa: PLC0415 - httpx, psycopg and the store only when run

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
RETRY_EVERY = 10  # one write in ten re-sends an acknowledged key
SERVER_START_SECONDS_MAX = 60


@dataclass
class Tally:
    """What the clients saw, shared by their threads under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies_s: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    transport_errors: int = 0
    acknowledged: set[str] = field(default_factory=set)
    requests: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    budget: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))

    def go_on(self) -> bool:
        """Until the time is up or the request budget is spent."""
        return not self.stop.is_set() and self.budget.acquire(blocking=False)

    def take(self, kind: str, status: int | None, seconds: float) -> None:
        with self.lock:
            self.requests += 1
            self.latencies_s.setdefault(kind, []).append(seconds)
            if status is None:
                self.transport_errors += 1
            else:
                self.statuses[f"{kind} {status}"] += 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


@contextmanager
def _servers(env: dict[str, str], count: int) -> Iterator[list[str]]:
    """`count` `jixiao serve` processes on loopback, each its own worker."""
    jixiao = str(Path(sys.executable).with_name("jixiao"))
    children: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for _ in range(count):
            port = _free_port()
            children.append(subprocess.Popen(
                [jixiao, "serve", "--host", LOOPBACK, "--port", str(port),
                 "--log-level", "warning"],
                env={**os.environ, **env}, stdout=subprocess.DEVNULL))
            urls.append(f"http://{LOOPBACK}:{port}")
        _wait_healthy(urls)
        yield urls
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=30)


def _wait_healthy(urls: list[str]) -> None:
    import httpx

    deadline = time.monotonic() + SERVER_START_SECONDS_MAX
    for url in urls:
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"soak: {url} did not answer /health in time")
            time.sleep(0.2)


def _writer(number: int, urls: list[str], token: str, tally: Tally) -> None:
    import httpx

    rng = random.Random(number)  # a seeded, repeatable load
    sent: list[str] = []
    with httpx.Client(timeout=60, headers={"Authorization": f"Bearer {token}"}) as client:
        for index in range(10**9):
            if not tally.go_on():
                return
            retry = bool(sent) and index % RETRY_EVERY == RETRY_EVERY - 1
            key = rng.choice(sent) if retry else f"soak-{number}-{index}"
            body = {"type": "record_deduction", "period": "2026-Q2", "employee_id": "wang",
                    "kind": "error", "reason": "soak"}
            status, seconds = _send(client, "POST", f"{urls[index % len(urls)]}/commands",
                                    body, key)
            tally.take("retry" if retry else "write", status, seconds)
            if status == 201 and not retry:
                sent.append(key)
                with tally.lock:
                    tally.acknowledged.add(key)


def _reader(number: int, urls: list[str], tokens: dict[str, str], tally: Tally) -> None:
    import httpx

    reads = (("payout", "finance", "/periods/2026-Q1/payout"),
             ("audit", "auditor", "/audit/events?limit=100"))
    with httpx.Client(timeout=60) as client:
        for index in range(10**9):
            if not tally.go_on():
                return
            kind, role, path = reads[(index + number) % len(reads)]
            client.headers["Authorization"] = f"Bearer {tokens[role]}"
            status, seconds = _send(client, "GET", f"{urls[index % len(urls)]}{path}")
            tally.take(kind, status, seconds)


def _send(client: Any, method: str, url: str, body: Any = None,
          key: str | None = None) -> tuple[int | None, float]:
    import httpx

    headers = {"Idempotency-Key": key} if key else {}
    started = time.perf_counter()
    try:
        response = client.request(method, url, json=body, headers=headers)
    except httpx.HTTPError:
        return None, time.perf_counter() - started
    return response.status_code, time.perf_counter() - started


def _percentile(values: list[float], fraction: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(fraction * 100) - 1]


def _stored_keys(env: dict[str, str]) -> Counter[str]:
    from api.storage.session import Session

    session = Session(env)
    try:
        return Counter(key for event in session.ledger.facts().events.values()
                       if isinstance(key := getattr(event, "idempotency_key", None), str)
                       and key.startswith("soak-"))
    finally:
        session.close()


def _verify(env: dict[str, str]) -> dict[str, Any]:
    jixiao = str(Path(sys.executable).with_name("jixiao"))
    run = subprocess.run([jixiao, "verify"], env={**os.environ, **env}, capture_output=True,
                         text=True, timeout=600, check=False)
    return {"exit": run.returncode, "said": (run.stdout + run.stderr).strip()[-400:]}


def soak(args: argparse.Namespace, env: dict[str, str], tokens: dict[str, str]
         ) -> dict[str, Any]:
    tally = Tally(budget=threading.Semaphore(args.max_requests))
    with _servers(env, args.servers) as urls:
        threads = [threading.Thread(target=_writer, args=(n, urls, tokens["head"], tally))
                   for n in range(args.writers)]
        threads += [threading.Thread(target=_reader, args=(n, urls, tokens, tally))
                    for n in range(args.readers)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        while time.monotonic() - started < args.seconds and any(t.is_alive() for t in threads):
            time.sleep(0.2)
        tally.stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    stored = _stored_keys(env)
    server_errors = sum(n for k, n in tally.statuses.items() if k.split()[1].startswith("5"))
    return {
        "servers": args.servers, "writers": args.writers, "readers": args.readers,
        "seconds": round(elapsed, 1), "requests": tally.requests,
        "throughput_per_s": round(tally.requests / elapsed, 1) if elapsed else 0.0,
        "latency_ms": {kind: {"n": len(values),
                              "p50": round(_percentile(values, 0.50) * 1000, 1),
                              "p99": round(_percentile(values, 0.99) * 1000, 1)}
                       for kind, values in sorted(tally.latencies_s.items())},
        "statuses": dict(sorted(tally.statuses.items())),
        "errors": {"5xx": server_errors, "transport": tally.transport_errors},
        "events": {"acknowledged": len(tally.acknowledged),
                   "lost": len(tally.acknowledged - set(stored)),
                   "doubled": sum(1 for n in stored.values() if n > 1),
                   "unacknowledged_but_stored": len(set(stored) - tally.acknowledged)},
        "verify": _verify(env),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60, help="run at most this long")
    parser.add_argument("--max-requests", type=int, default=20_000,
                        help="and send at most this many requests")
    parser.add_argument("--servers", type=int, default=3, help="`jixiao serve` processes")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--out", help="also write the JSON report here")
    args = parser.parse_args(argv)
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "http")]
    from pgcluster import start_cluster  # type: ignore[import-not-found]
    from seeding import seed  # type: ignore[import-not-found]

    server, stop_cluster = start_cluster()
    try:
        with server.schema("soak") as env:
            tokens = seed(env)
            report = soak(args, env, tokens)
    finally:
        stop_cluster()
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    bad = report["errors"]["5xx"] or report["events"]["lost"] or report["events"]["doubled"]
    return 1 if bad or report["verify"]["exit"] != 0 else 0


if __name__ == "__main__":
    raise SystemExit(main())
