"""A copy of a parsed scheme computes its cached values from its own fields: the hash a
statement cites and the staff rules are cached on the instance, and pydantic's copy
carries an instance's `__dict__` over."""

from __future__ import annotations

from domain.scheme_kinds import parse_scheme
from domain.shipped_schemes import load_shipped_scheme


def _scheme():  # type: ignore[no-untyped-def]
    return parse_scheme(load_shipped_scheme("xinghe-county-hospital"))


def test_a_changed_copy_hashes_its_own_document() -> None:
    scheme = _scheme()
    before = scheme.sha256
    copied = scheme.model_copy(update={"version": scheme.version + 1})
    assert copied.version == scheme.version + 1
    assert copied.sha256 != before
    assert copied.sha256 == parse_scheme(copied.model_dump(mode="json")).sha256
    assert scheme.sha256 == before  # the original keeps its own


def test_a_changed_copy_reads_its_own_staff_rules() -> None:
    scheme = _scheme()
    assert scheme.staff_rules is not None  # cached on the original first
    ref = {"rule": "T-1", "source": "002_db447562deed9801.txt:L1"}
    staff = {"categories": {"regular": {}, "intern": {"ref": ref}},
             "leave": {"kinds": ["sick"], "study": [], "zeroing": ["sick"], "ref": ref}}
    copied = scheme.model_copy(update={"staff": type(scheme.staff_rules).model_validate(staff)})
    assert set(copied.staff_rules.categories) == {"regular", "intern"}
    assert set(scheme.staff_rules.categories) != {"regular", "intern"}


def test_an_unchanged_copy_has_the_same_hash() -> None:
    scheme = _scheme()
    assert scheme.model_copy().sha256 == scheme.sha256
    assert scheme.model_copy(deep=True).sha256 == scheme.sha256
