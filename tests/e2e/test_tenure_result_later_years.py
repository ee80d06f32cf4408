"""A tenure-target result counts until a later one (S11-R48: the post bonus reads the
latest result up to the period's year): a pass for 2025 recorded late moves 2026's
statements, and the statements view, already caught up on 2026, must recompute them."""

from __future__ import annotations

from pathlib import Path

from builders import head_nurse_of_example_2


def test_a_late_pass_of_an_earlier_year_pays_the_post_bonus_of_this_year(
        store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = head_nurse_of_example_2(store.backend, store.env, tmp_path)

    def bonus() -> str:
        [line] = [p for p in cli.payout("2026-Q1")["people"] if p["employee_id"] == "surgery-02"]
        return str(line["post_bonus"])

    assert bonus() == "0.00"  # no result yet; the view holds 2026-Q1 from here on
    result = tmp_path / "tenure.jsonl"
    result.write_text('{"type": "record_assessment", "employee_id": "surgery-02", "kind": '
                      '"tenure_target", "year": 2025, "result": "pass"}\n', encoding="utf-8")
    cli.ok("apply", str(result))
    assert bonus() != "0.00"
