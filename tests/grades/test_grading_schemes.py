"""Every shipped grading scheme parses, every rule cites a catalogue id and a seed line
that exists, and every ambiguity default a rule applies is listed with its option."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from builders import memory_ledger  # noqa: F401 - imports domain.events first
from pydantic import BaseModel

from domain.grading import GradingScheme
from domain.scheme import Ref
from domain.scheme_kinds import parse_scheme
from domain.shipped_schemes import load_shipped_scheme, shipped_scheme_names

SEED_LINES = {"000_73ec1dfeee760274.txt": 117, "001_db486f6b0daf494c.txt": 527,
              "002_db447562deed9801.txt": 2480, "003_8312023e5dafd40d.txt": 275,
              "004_deb0a29d71ec55ac.txt": 1117}
GRADING = [n for n in shipped_scheme_names() if load_shipped_scheme(n).get("kind") == "grading"]


def _refs(value: Any) -> list[Ref]:
    if isinstance(value, Ref):
        return [value]
    if isinstance(value, BaseModel):
        return [r for name in type(value).model_fields for r in _refs(getattr(value, name))]
    if isinstance(value, dict):
        return [r for v in value.values() for r in _refs(v)]
    if isinstance(value, (list, tuple)):
        return [r for v in value for r in _refs(v)]
    return []


def test_the_grading_schemes_named_by_the_issue_are_shipped() -> None:
    assert {"shaping-street-quarterly", "hospital-performance-ethics",
            "z-college-accountability", "street-office-efficiency", "education-evaluation",
            "town-efficiency", "meiling-subdistrict-quarterly", "township-nursing-home",
            "dongkou-health-centres"} <= set(GRADING)


@pytest.mark.parametrize("name", GRADING)
def test_every_rule_cites_an_existing_seed_line(name: str) -> None:
    scheme = parse_scheme(load_shipped_scheme(name))
    assert isinstance(scheme, GradingScheme)
    refs = _refs(scheme)
    assert refs
    for ref in refs:
        file, lines = ref.source.split(":L")
        assert file in SEED_LINES, ref
        for number in re.findall(r"\d+", lines):
            assert 1 <= int(number) <= SEED_LINES[file], ref
        assert re.match(r"^([A-Z]+-\d+|S\d+(\.\d+)?-R\d+|00\d-(S|A)\d+-R\d+)$", ref.rule), ref


@pytest.mark.parametrize("name", GRADING)
def test_every_default_applied_is_listed_with_its_option(name: str) -> None:
    scheme = parse_scheme(load_shipped_scheme(name))
    applied = {ref.default for ref in _refs(scheme) if ref.default}
    listed = {note.id for note in scheme.defaults}
    assert applied <= listed, applied - listed
    assert all(note.option for note in scheme.defaults)


def test_a_scheme_document_round_trips_through_its_model() -> None:
    for name in GRADING:
        document = load_shipped_scheme(name)
        scheme = parse_scheme(document)
        again = parse_scheme(yaml.safe_load(yaml.safe_dump(scheme.model_dump(mode="json"))))
        assert again == scheme
