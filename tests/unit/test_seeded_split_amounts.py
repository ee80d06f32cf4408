"""A stored split's pay texts: one that is no amount to the fen means the split is
computed again, never an error (projections/payout/seeded_splits.py)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from domain.money import calc_context
from projections.payout.seeded_splits import _shares

PERSON = SimpleNamespace(employee_id="e1")


@pytest.mark.parametrize("text", ["1E+40", "-1E+99", "1.234", "NaN", "Infinity", "x", None])
def test_a_stored_pay_that_is_no_amount_to_the_fen_takes_no_share(text: object) -> None:
    with calc_context():
        assert _shares({"e1": text}, [PERSON]) is None  # type: ignore[list-item]
    assert _shares({"e1": text}, [PERSON]) is None  # type: ignore[list-item]


def test_a_stored_pay_to_the_fen_is_the_share() -> None:
    assert _shares({"e1": "12.30"}, [PERSON]) == {"e1": Decimal("12.30")}  # type: ignore[list-item]
