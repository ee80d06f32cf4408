"""A ledgerbook with blocks attached by reference reads as the book written figure by
figure: the same figures in the same order, a key found without merging, a key written
twice refused."""

from __future__ import annotations

from fractions import Fraction

import pytest

from projections.figures import Ledgerbook


def _block(subject: str, *names: str) -> dict:
    scratch = Ledgerbook()
    for at, name in enumerate(names):
        scratch.add(f"{subject}:{name}", name, Fraction(at), "points", "given")
    return scratch.figures


def _written(steps: list) -> Ledgerbook:
    book = Ledgerbook()
    for step in steps:
        if isinstance(step, str):
            book.add(step, step, Fraction(1), "points", "given")
        else:
            book.attach(step[0], step[1])
    return book


def _copied(steps: list) -> dict:
    figures: dict = {}
    for step in steps:
        if isinstance(step, str):
            figures[step] = _written([step]).figures[step]
        else:
            figures.update(step[0])
    return figures


def test_attached_blocks_read_as_copied_figures_in_written_order() -> None:
    a, b = _block("person:a", "score", "points"), _block("person:b", "score")
    split = _block("dept:d", "settled")
    steps = ["pool:distributable", (a, ("person:a",)), (b, ("person:b",)),
             "hospital:headcount", (split, ("dept:d", "person:a", "person:b")), "person:a:bonus"]
    book = _written(steps)
    assert book.get("person:a:points") is a["person:a:points"]  # found, not merged
    assert book.value("dept:d:settled") == split["dept:d:settled"].value
    assert book.get("person:c:score") is None
    assert "person:a:bonus" in book
    assert len(book) == len(_copied(steps))
    expected = _copied(steps)
    assert list(book.figures) == list(expected)
    assert all(book.figures[k].to_json() == v.to_json() for k, v in expected.items())
    assert a == _block("person:a", "score", "points")  # the attached block is untouched


def test_a_key_written_twice_is_refused_when_added_or_merged() -> None:
    book = _written(["pool:x", (_block("person:a", "score"), ("person:a",)), "hospital:y"])
    with pytest.raises(KeyError, match="computed twice"):
        book.add("hospital:y", "again", Fraction(0), "points", "given")
    book.attach(_block("person:a", "score"), ("person:a",))
    with pytest.raises(KeyError, match="person:a:score"):
        _ = book.figures


def test_a_merged_book_takes_a_block_by_copy() -> None:
    book = Ledgerbook()
    for at in range(5000):  # merged already: more figures of its own than are indexed
        book.add(f"person:p{at}:score", "s", Fraction(at), "points", "given")
    block = _block("person:z", "score")
    book.attach(block, ("person:z",))
    assert list(book.figures)[-1] == "person:z:score"
    with pytest.raises(KeyError, match="computed twice"):
        book.attach(block, ("person:z",))


@pytest.mark.parametrize("looked_up_first", [False, True])
def test_blocks_attached_at_once_read_as_attached_one_by_one(looked_up_first: bool) -> None:
    """`attach_all` (a province's people's scores in one call) is `attach` of each block in
    order: empty blocks skipped, the figures and their order the same, keys found."""
    blocks = [_block("person:a", "score", "points"), {}, _block("person:b", "score"),
              _block("dept:d", "settled")]
    subjects = [("person:a",), ("person:x",), ("person:b",), ("dept:d", "person:a")]
    one_by_one = _written(["pool:distributable",
                           *zip(blocks, subjects, strict=True), "hospital:headcount"])
    at_once = _written(["pool:distributable"])
    if looked_up_first:  # the subject index already built
        assert at_once.get("pool:distributable") is not None
        assert at_once.get("person:q:score") is None
    at_once.attach_all(blocks, subjects)
    at_once.add("hospital:headcount", "hospital:headcount", Fraction(1), "points", "given")
    assert at_once.get("person:b:score") is blocks[2]["person:b:score"]
    assert at_once.value("dept:d:settled") == blocks[3]["dept:d:settled"].value
    assert list(at_once.figures) == list(one_by_one.figures)
    with pytest.raises(ValueError, match="one subject tuple per block"):
        Ledgerbook().attach_all(blocks, subjects[:2])
