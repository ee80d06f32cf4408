"""allocate_largest_remainder, stated as rules over any total and any weights."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from domain.money import CENT, allocate_largest_remainder

FEN_MAX = 10**10

keys = st.text(alphabet="abcdefghij", min_size=1, max_size=3)
decimal_weights = st.decimals(
    min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False)
fraction_weights = st.fractions(min_value=0, max_value=10**6, max_denominator=997)
weight_maps = st.dictionaries(
    keys, st.one_of(decimal_weights, fraction_weights), min_size=1, max_size=12)
totals_fen = st.one_of(st.integers(0, FEN_MAX), st.integers(-FEN_MAX, 0))


def _fen(amount: Decimal) -> int:
    fen = amount / CENT
    assert fen == fen.to_integral_value(), f"{amount} is not a whole number of fen"
    return int(fen)


def _exact_fen(total_fen: int, weights: dict[str, Decimal | Fraction], key: str) -> Fraction:
    weight_sum = sum((Fraction(w) for w in weights.values()), Fraction(0))
    return total_fen * Fraction(weights[key]) / weight_sum


@settings(max_examples=500)
@given(total_fen=totals_fen, weights=weight_maps)
def test_allocation_conserves_every_fen_and_stays_within_a_fen(total_fen, weights) -> None:
    assume(sum(Fraction(w) for w in weights.values()) > 0)
    total = total_fen * CENT
    shares = allocate_largest_remainder(total, weights)
    assert set(shares) == set(weights)
    assert sum(shares.values(), Decimal(0)) == total
    for key, share in shares.items():
        assert share % CENT == 0
        assert abs(_fen(share) - _exact_fen(total_fen, weights, key)) < 1


@settings(max_examples=500)
@given(total_fen=totals_fen, weights=weight_maps, data=st.data())
def test_equal_weights_get_shares_at_most_one_fen_apart(total_fen, weights, data) -> None:
    assume(sum(Fraction(w) for w in weights.values()) > 0)
    # Give a few keys the same weight; a Decimal weight is also given as the equal Fraction.
    tied = data.draw(st.lists(keys, min_size=2, max_size=6, unique=True))
    weight = data.draw(st.one_of(decimal_weights, fraction_weights))
    for n, key in enumerate(tied):
        weights[key] = Fraction(weight) if n % 2 else weight
    assume(sum(Fraction(w) for w in weights.values()) > 0)
    shares = allocate_largest_remainder(total_fen * CENT, weights)
    for a in weights:
        for b in weights:
            if Fraction(weights[a]) == Fraction(weights[b]):
                assert abs(shares[a] - shares[b]) <= CENT


@settings(max_examples=500)
@given(total_fen=totals_fen, weights=weight_maps, data=st.data())
def test_allocation_does_not_depend_on_the_order_of_the_weights(total_fen, weights, data) -> None:
    assume(sum(Fraction(w) for w in weights.values()) > 0)
    order = data.draw(st.permutations(list(weights)))
    reordered = {key: weights[key] for key in order}
    total = total_fen * CENT
    assert allocate_largest_remainder(total, reordered) == allocate_largest_remainder(
        total, weights)
    assert allocate_largest_remainder(total, dict(reversed(weights.items()))) == (
        allocate_largest_remainder(total, weights))


def _reference(total_fen: int, weights: dict[str, Decimal | Fraction]) -> dict[str, Decimal]:
    """The rule as the catalogue states it, on Fractions: floor, then the leftover fen to
    the largest remainders, ties to the smaller key."""
    sign, magnitude = (1 if total_fen >= 0 else -1), abs(total_fen)
    exact = {k: _exact_fen(magnitude, weights, k) for k in weights}
    fen = {k: int(v) for k, v in exact.items()}
    for key in sorted(exact, key=lambda k: (fen[k] - exact[k], k))[:magnitude - sum(fen.values())]:
        fen[key] += 1
    return {k: sign * f * CENT for k, f in fen.items()}


# Denominators with many distinct prime factors, as when every department's cost
# coefficient is its own revenue ÷ cost: the case the common-denominator method is for.
wide_fractions = st.builds(Fraction, st.integers(0, 10**12), st.integers(1, 10**9))


@settings(max_examples=300)
@given(total_fen=totals_fen,
       weights=st.dictionaries(keys, st.one_of(decimal_weights, fraction_weights, wide_fractions),
                               min_size=1, max_size=12))
def test_allocation_is_the_catalogue_rule_computed_on_fractions(total_fen, weights) -> None:
    assume(sum(Fraction(w) for w in weights.values()) > 0)
    assert allocate_largest_remainder(total_fen * CENT, weights) == _reference(total_fen, weights)
