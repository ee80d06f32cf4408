"""What a browser journey finds already done when it starts: each journey has its own
copy of the demo ledger and sets up, through the same use cases as the pages, what the
journeys before it would have left (a closed 2026-Q1, a filed appeal, a decision), so
any one journey passes alone and in any order."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.session import Session
from api.usecases import appeals, audit, closing
from api.usecases.ledger import Batch, apply_batch
from api.usecases.ports import Caller, Workspace, today_utc

T = TypeVar("T")
ZONE = ZoneInfo("Asia/Shanghai")
EMPLOYEE = "E0001"  # the demo employee account's own person
CHANGED_POINTS = "48"  # the reviewer's corrected workload score


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(env: dict[str, str]) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, in a thread, until the block ends."""
    import uvicorn  # noqa: PLC0415 - only the browser tests serve

    server = uvicorn.Server(uvicorn.Config(create_app(ServerSettings(store_env=env)),
                                           host="127.0.0.1", port=free_port(),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class Ledger:
    """One journey's demo ledger, written through the use cases as a user of each role."""

    env: dict[str, str]
    marks: dict[str, str] = field(default_factory=dict)

    def as_user(self, user_id: str, fn: Callable[..., T], *args: Any) -> T:
        with Session(self.env) as session:
            return fn(session, Caller.of(session.users().users[user_id]), *args)

    def close_q1(self) -> None:
        """Finance prepares the close of 2026-Q1 and a second person approves it."""
        request = closing.CloseRequest("2026-Q1", reason="季度结账")
        self.as_user("finance", closing.close_or_prepare, request)
        self.as_user("finance2", closing.close_or_prepare,
                     closing.CloseRequest("2026-Q1", approve=True))

    def file_appeal(self) -> str:
        """The employee appeals their first live 2026-Q1 score; returns the appeal's id.
        Next year's holidays are recorded first: a review deadline filed in December runs
        into a year the holiday library may not know yet, and then has no working days to
        count (the page says so); the journey reads a count on any day of the year."""
        next_year = today_utc().year + 1
        notice = {"type": "record_holiday_notice", "year": next_year,
                  "holidays": [f"{next_year}-01-01"], "notice": f"测试用 {next_year} 年放假通知"}
        self.as_user("admin", apply_batch, Batch([("journey", notice)]))
        appeal_id = f"A{today_utc():%Y%m%d}-journey"
        self.as_user("employee", _file, appeal_id)
        return appeal_id

    def decide(self, appeal_id: str) -> None:
        """Assigned by a second reviewer, decided by the first: the score becomes 48.
        Marks the instant just before the decision (to the second, as a person types)."""
        self.as_user("reviewer2", appeals.assign_appeal, appeal_id, "reviewer")
        time.sleep(1.1)  # the close and the filing are strictly before the mark
        self.marks["before_decision"] = datetime.now(UTC).astimezone(ZONE).strftime(
            "%Y-%m-%dT%H:%M:%S")
        time.sleep(1.1)
        self.as_user("reviewer", appeals.decide_appeal, appeals.DecideRequest(
            appeal_id, "change", "核对门诊日志，工作量应为 48 分。", today_utc(),
            {"points": CHANGED_POINTS}))


def _file(ws: Workspace, caller: Caller, appeal_id: str) -> None:
    events = audit.employee_history(ws, caller, EMPLOYEE, 0, 1000)["events"]
    entry = next(e for e in events if e["live"] and e["type"] == "ScoreRecorded"
                 and e.get("period") == "2026-Q1")
    today = today_utc()
    appeals.file_appeal(ws, caller, appeals.FileAppeal(
        appeal_id, "第一季度门诊量漏记了两周。", received_on=today, filed_on=today,
        appellant_employee_id=EMPLOYEE, contested_entry_id=entry["id"]))
