"""The parsed statements a long-lived session has read, keyed by the stored row's hash.

A statement body is some hundreds of kilobytes of JSON on a hospital ledger, and a page
such as finance's home reads every payable period's: parsing them again on every request
was most of its time. The key is the row's recorded sha256, which the session checks
against the body before asking (an edited body never reaches here), so a row that
changes is parsed afresh and an unchanged one never is. The parsed statement is shared:
its readers build new dicts for what they change and never change it in place.

A body is parsed by msgspec (about twice as fast as `json`: a what-if reads four
statements of ≈260 kB, for their scores and banks), which gives the same objects for
any JSON the view stores; what it refuses and `json` takes (a float beyond range, a
lone surrogate) is left to `json`, so no body parses differently.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

import msgspec

_DECODER = msgspec.json.Decoder()


def loads(body: str) -> Any:
    """`json.loads(body)`, faster."""
    try:
        return _DECODER.decode(body)
    except msgspec.DecodeError:
        return json.loads(body)

class _Departments(msgspec.Struct):
    departments: list[dict[str, Any]]


# The departments of a body, the rest (its people) skipped unparsed: a what-if reads the
# banks of the quarters before it (≈0.1 ms a body instead of ≈0.7-1.6).
_DEPARTMENTS = msgspec.json.Decoder(_Departments)


def departments_of(body: str) -> dict[str, Any]:
    """`{"departments": json.loads(body)["departments"]}`, faster; the whole body parsed
    when it is not an object with a "departments" list."""
    try:
        return {"departments": _DEPARTMENTS.decode(body).departments}
    except msgspec.DecodeError:  # its ValidationError too
        return loads(body)  # type: ignore[no-any-return]


KEPT = 16  # statements kept: more than a year's payable periods, a few old versions


class ParsedStatements:
    def __init__(self, kept: int = KEPT) -> None:
        self._kept = kept
        self._by_hash: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def parsed(self, sha256: str, body: str) -> dict[str, Any]:
        """The body parsed: from memory when a body of this hash was parsed before."""
        found = self._by_hash.get(sha256)
        if found is None:
            found = loads(body)
            self._by_hash[sha256] = found
            if len(self._by_hash) > self._kept:
                self._by_hash.popitem(last=False)
        else:
            self._by_hash.move_to_end(sha256)
        return found

    def departments(self, sha256: str, body: str) -> dict[str, Any]:
        """The body's "departments" (`departments_of`), or the whole statement when it
        was parsed before; a part is not kept (a whole one asked later is parsed then)."""
        found = self._by_hash.get(sha256)
        return found if found is not None else departments_of(body)
