"""`python -m bench.pages`: each main page's server time on a preset's ledger (issue 12:
target ≤ 200 ms a page from warm views), a benchmark and not a test.

The ledger is the preset's first organisation (hospital: 20 departments, 1,000 people,
a year), written through the same use case as `jixiao apply`, with one sign-in account
per role and one filed appeal. The app answers in process through Starlette's
TestClient (httpx), so the time is the server's: routing, the use cases, the templates.
Every page is asked for once to warm the views, then `--repeats` times; the median and
the slowest are reported, and the table written to bench/results/pages-<preset>.json.

    python -m bench.pages --preset hospital --repeats 7
"""
# ruff: noqa: PLC0415 - the core is imported after the arguments are read

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.generator import PRESETS, iter_commands

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGET_MS = 200.0
BATCH = 5000
PASSWORD = "bench-password-1"  # a throwaway ledger in a temporary folder


def batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_ledger(env: dict[str, str], preset: str) -> dict[str, str]:
    """The preset's rows, the accounts and an appeal; returns the names the pages need."""
    from api.storage.session import Session
    from api.usecases import appeals, audit, queries
    from api.usecases.ledger import Batch, apply_batch
    from api.usecases.passwords import set_password
    from api.usecases.ports import Caller
    from api.usecases.users import NewUser, add_user

    owner = Caller("bench")
    with Session(env) as session:
        for number, chunk in enumerate(batches(iter_commands(PRESETS[preset], 0))):
            apply_batch(session, owner, Batch([(f"batch {number} row {i}", row)
                                               for i, row in enumerate(chunk)]))
        periods = [p["period"] for p in queries.list_periods(session, owner)]
        people = queries.list_employees(session, owner, date.fromisoformat(
            f"{periods[0][:4]}-12-31"))
        person = next(p for p in people if p["left_on"] is None)
        department = person["department_id"]
        for new in (NewUser("finance", "财务", "finance"),
                    NewUser("head", "科主任", "department_head", [department]),
                    NewUser("employee", "职工", "employee", employee_id=person["employee_id"]),
                    NewUser("reviewer", "审核人", "appeals_reviewer"),
                    NewUser("auditor", "审计", "auditor")):
            add_user(session, owner, new)
            set_password(session, owner, new.user_id, PASSWORD)
        events = audit.employee_history(session, owner, person["employee_id"], 0, 1000)
        entry = next(e for e in events["events"] if e["type"] == "ScoreRecorded")
        today = datetime.now(UTC).date()
        appeals.file_appeal(session, owner, appeals.FileAppeal(
            "A-BENCH-1", "benchmark appeal", received_on=today, filed_on=today,
            appellant_employee_id=person["employee_id"], contested_entry_id=entry["id"]))
    return {"period": periods[0], "department": department, "appeal": "A-BENCH-1",
            "last_day": f"{periods[0][:4]}-12-31"}


def pages(names: dict[str, str]) -> list[tuple[str, str]]:
    """(role, path) of each main page."""
    period, appeal = names["period"], names["appeal"]
    return [
        ("finance", "/"), ("finance", "/web/periods"), ("finance", f"/web/periods/{period}"),
        ("finance", f"/web/periods/{period}/reconciliation"),
        ("finance", f"/web/periods/{period}/close"), ("finance", "/web/charts/per-point"),
        ("head", "/"), ("head", f"/web/entry?period={period}"),
        ("employee", "/"), ("employee", f"/web/me/statement?period={period}"),
        ("employee", "/web/me/history"), ("employee", "/web/appeals/new"),
        ("reviewer", "/web/appeals"), ("reviewer", f"/web/appeals/{appeal}"),
        ("reviewer", f"/web/appeals/{appeal}/preview?outcome=revoke"),
        ("auditor", "/web/audit"), ("auditor", f"/web/audit?period={period}"),
        ("auditor", f"/web/audit/as-of?period={period}&on={names['last_day']}"),
        ("auditor", "/web/audit/verify"), ("auditor", "/web/scheme"),
    ]


def measure(env: dict[str, str], names: dict[str, str], repeats: int) -> list[dict[str, Any]]:
    from fastapi.testclient import TestClient

    from api.http.app import create_app
    from api.http.settings import ServerSettings

    app = create_app(ServerSettings(store_env=env))
    rows = []
    with TestClient(app) as anonymous:
        anonymous.get("/health")
    clients: dict[str, TestClient] = {}
    for role, path in pages(names):
        if role not in clients:
            clients[role] = signed_in(app, role)
        client = clients[role]
        warm = client.get(path)
        assert warm.status_code == 200, (role, path, warm.status_code, warm.text[:300])
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            answer = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, (role, path, answer.status_code)
        rows.append({"role": role, "path": path, "median_ms": round(statistics.median(times), 1),
                     "max_ms": round(max(times), 1), "bytes": len(warm.content),
                     "within_target": statistics.median(times) <= TARGET_MS})
    return rows


def signed_in(app: Any, user: str) -> Any:
    import re

    from fastapi.testclient import TestClient

    client = TestClient(app)
    form = client.get("/login").text
    token = re.search(r'name="login_token" value="([^"]+)"', form)
    assert token is not None
    answer = client.post("/login", data={"user_id": user, "password": PASSWORD,
                                         "login_token": token.group(1), "next": "/"},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text[:300]
    return client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="hospital", choices=sorted(PRESETS))
    parser.add_argument("--repeats", type=int, default=7, help="timed requests a page (≥ 5)")
    args = parser.parse_args(argv)
    if args.repeats < 5:
        parser.error("--repeats: at least 5 (the median of five or more)")
    from api.storage.session import store_env

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
        env = store_env(str(Path(folder) / "ledger.db"), {})
        started = time.perf_counter()
        names = write_ledger(env, args.preset)
        print(f"ledger written in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        rows = measure(env, names, args.repeats)
    width = max(len(r["path"]) for r in rows)
    print(f"{'role':<9} {'page':<{width}} {'median ms':>10} {'max ms':>8}  "
          f"target ≤ {TARGET_MS:.0f}")
    for r in rows:
        mark = "ok" if r["within_target"] else "OVER"
        print(f"{r['role']:<9} {r['path']:<{width}} {r['median_ms']:>10.1f} "
              f"{r['max_ms']:>8.1f}  {mark}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"pages-{args.preset}.json"
    target.write_text(json.dumps({"preset": args.preset, "repeats": args.repeats,
                                  "target_ms": TARGET_MS, "pages": rows}, indent=1) + "\n",
                      encoding="utf-8")
    print(f"written: {target.relative_to(ROOT)}", file=sys.stderr)
    return 0 if all(r["within_target"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
