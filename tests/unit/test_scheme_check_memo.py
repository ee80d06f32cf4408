"""The batch check works out each distinct set of the values the scheme must know once
(domain/scheme_checks.py): rows that repeat a refused value are each refused, and rows
that differ only in what the scheme reads (points given or not) each get their own
verdict."""

from __future__ import annotations

from test_validation import deduction, ledger_with_setup, refusal


def test_every_row_of_a_batch_is_checked_against_the_scheme_despite_repeats() -> None:
    rows = (
        deduction("error"),  # fixed points: none given, fine
        deduction("error"),
        deduction("error", points="5"),  # the same kind with points: refused
        deduction("ethics_breach", points="3"),  # discretionary with points: fine
        deduction("ethics_breach"),  # the same kind without: refused
        deduction("napping"),  # unknown kind, twice: both refused
        deduction("napping"),
        deduction("error", points="5"),  # a repeat of a refused row: refused again
    )
    assert refusal(ledger_with_setup(), *rows) == {
        ("row 3", "points"), ("row 5", "points"), ("row 6", "kind"), ("row 7", "kind"),
        ("row 8", "points")}


def test_a_later_batch_is_checked_afresh() -> None:
    ledger = ledger_with_setup()
    assert refusal(ledger, deduction("error", points="5")) == {("row 1", "points")}
    assert refusal(ledger, deduction("error", points="5"), deduction("napping")) == {
        ("row 1", "points"), ("row 2", "kind")}
