"""`jixiao restatement --figures`: each person row of a closed period's restatement with
`employee_id` and every figure, closed and now (worked example 3 and its correction)."""

from __future__ import annotations

from builders import GOLDEN, cli_for


def test_restatement_rows_carry_every_figure_closed_and_now(store) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    cli.ok("close", "--period", "2026-Q1")
    plain_before = cli.ok("restatement", "--period", "2026-Q1", "--json").json()
    assert all("figures" not in row for row in plain_before["people"])  # opt-in
    cli.ok("apply", str(GOLDEN / "example-3" / "correction.jsonl"))
    report = cli.ok("restatement", "--period", "2026-Q1", "--json", "--figures").json()
    plain = cli.ok("restatement", "--period", "2026-Q1", "--json").json()
    assert [{k: v for k, v in row.items() if k not in ("employee_id", "figures")}
            for row in report["people"]] == plain["people"]
    for row in report["people"]:
        assert row["employee_id"] == row["id"]
        pay = row["figures"]["pay"]
        # The row's closed and now amounts are the pay figures' (no post bonus or study
        # leave in example 3).
        assert (pay["closed"], pay["restated"]) == (row["closed"], row["now"])
