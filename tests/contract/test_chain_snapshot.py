"""`verify` while writers go on (issue 14, item 6), on SQLite and PostgreSQL: it judges
one snapshot, the chain up to the position it read, and a writer chaining at the same
moment is neither a false finding nor an error. The races are made to happen at the
worst moment by a chain store that lets another process write right then."""

from __future__ import annotations

from typing import Any

from builders import GOLDEN, cli_for

from api.storage.chain import catch_up_chain, open_chain, verify
from api.storage.session import Session
from domain.errors import ConflictError


def _leave(month: int) -> dict[str, Any]:
    return {"type": "record_leave", "employee_id": "li", "kind": "study",
            "first_day": f"2026-{month:02d}-01", "last_day": f"2026-{month:02d}-10"}


def _write_and_chain(env: dict[str, str], month: int) -> None:
    """Another process: one event recorded and chained."""
    with Session(env) as other:
        ledger = other.ledger
        ledger.record(ledger.parse_commands([("racer", _leave(month))]), "cli:writer")
        catch_up_chain(ledger, open_chain(ledger))


def _racing(store: Any, session: Session, hook: str) -> Any:
    """The session's chain store, with another process's write at `hook`."""
    chain = open_chain(session.ledger)
    env = store.env
    calls = {"n": 0}
    original = getattr(chain, hook)

    def raced(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if hook == "save" and calls["n"] == 1:
            _write_and_chain(env, 10)
            raise ConflictError("the chain was extended by another process; verify again")
        result = original(*args, **kwargs)
        if hook == "tracking" and calls["n"] == 2:  # the walk's own read, after catch-up
            _write_and_chain(env, 9)
        return result

    setattr(chain, hook, raced)
    return chain


def test_links_chained_after_the_snapshot_are_not_findings(store) -> None:  # type: ignore[no-untyped-def]
    cli_for(store.backend, store.env).ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    with Session(store.env) as session:
        report = verify(session.ledger, _racing(store, session, "tracking"))
    assert report.ok, [str(f) for f in report.findings]
    assert cli_for(store.backend, store.env).ok("verify").out.startswith("chain intact")


def test_a_racing_chainer_is_not_an_error(store) -> None:  # type: ignore[no-untyped-def]
    cli_for(store.backend, store.env).ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    with Session(store.env) as session:
        session.ledger.record(session.ledger.parse_commands([("unchained", _leave(11))]),
                              "cli:writer")  # not chained yet
        report = verify(session.ledger, _racing(store, session, "save"))
    assert report.ok, [str(f) for f in report.findings]
