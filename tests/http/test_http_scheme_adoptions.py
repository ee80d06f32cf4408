"""Over HTTP (`POST /commands`): an adoption that corrects one of the same id@version
with another document, and a plain adoption of a lower version on the date a higher one
takes effect, are refused with 422 naming the keys, and nothing is written
(docs/schemes-versioning.md). On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid5

from seeding import Served

from domain.application import IDEMPOTENCY_NAMESPACE
from domain.shipped_schemes import load_shipped_scheme

SCHEME = "xinghe-county-hospital"
SEEDED_ADOPTION = str(uuid5(IDEMPOTENCY_NAMESPACE, "ex1-scheme"))  # example 1's adoption


def _shipped() -> dict[str, Any]:
    # As a client sends it: JSON, dates as text.
    document: dict[str, Any] = json.loads(json.dumps(load_shipped_scheme(SCHEME), default=str))
    return document


def _refused(served: Served, body: dict[str, Any]) -> str:
    events = served.event_count()
    response = served.post("administrator", "/commands", body)
    assert response.status_code == 422, response.text
    assert served.event_count() == events
    return str(response.text)


def test_a_correction_with_another_document_under_the_same_version_is_422(
        served: Served) -> None:
    document = _shipped()
    changed = {**document, "pool": {**document["pool"], "rate": "0.10"}}
    text = _refused(served, {"type": "adopt_scheme", "document": changed,
                             "supersedes": SEEDED_ADOPTION, "reason": "更正"})
    assert f"{SCHEME}@{document['version']}" in text
    assert "另立新版本" in text
    assert "pool.rate" in text


def test_a_lower_version_on_the_date_of_a_higher_one_is_422(served: Served) -> None:
    document = _shipped()
    version = int(document["version"])
    text = _refused(served, {"type": "adopt_scheme",
                             "document": {**document, "version": version - 1}})
    for named in (f"{SCHEME}@{version - 1}", f"{SCHEME}@{version}",
                  str(document["effective_from"])):
        assert named in text
