"""Replay is deterministic: the same command file gives the same payout bytes on every
run and on both databases (events are stored as canonical JSON, ids come from the
idempotency keys, and no statement carries a recording time)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from builders import Cli, Run, cli_for
from fresh_stores import postgres_store, sqlite_store
from hypothesis import HealthCheck, given, settings
from streams import Stream, hospital_streams

EXAMPLES = 5


def _payouts(cli: Cli, stream: Stream, commands: Path) -> dict[str, Run]:
    """Every payable period's `payout --json` (blocked ones too: exit code and message),
    and, under "events", the audit trail without its recording times."""
    cli.ok("apply", str(commands))
    runs = {period: cli("payout", "--period", period, "--json") for period in stream.payable}
    trail = [{key: value for key, value in json.loads(line).items() if key != "recorded_at"}
             for line in cli.ok("events", "--json", "--limit", "100000").out.splitlines()]
    runs["events"] = Run(0, json.dumps(trail, sort_keys=True), "")
    return runs


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(stream=hospital_streams())
def test_replay_is_deterministic_across_runs_and_backends(
    pg_server, stream: Stream  # type: ignore[no-untyped-def]
) -> None:
    with tempfile.TemporaryDirectory(prefix="jixiao-stream-") as folder:
        commands = stream.write(Path(folder) / "stream.jsonl")
        with sqlite_store() as env:
            first = _payouts(cli_for("sqlite", env), stream, commands)
        with sqlite_store() as env:
            second = _payouts(cli_for("sqlite", env), stream, commands)
        with postgres_store(pg_server) as env:
            on_postgres = _payouts(cli_for("postgres", env), stream, commands)
    assert second["events"] == first["events"] == on_postgres["events"]
    for period in stream.payable:
        assert first[period].code in (0, 5), first[period].err
        assert second[period] == first[period], period
        assert on_postgres[period] == first[period], period
    assert all(first[period].code == 0 for period in stream.quarters)

