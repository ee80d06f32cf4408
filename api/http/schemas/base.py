"""What every response model shares, and the one way a route answers.

The use cases return plain dicts (the CLI prints the same dicts with `--json`), and their
key order differs by source (a statement from the view is canonical JSON, sorted; one
computed now is in insertion order). So a route does not re-serialise through the model,
which would reorder keys: `reply` checks the body against its model, strictly, and sends
the body's own bytes. The model documents the body; the check keeps the document true.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, Union

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, TypeAdapter
from starlette.concurrency import run_in_threadpool
from typing_extensions import TypeAliasType

# Any JSON value, for the parts of a body that are truly open (a scheme document, a
# grading consequence): typed all the way down, never `{}`. No floats: numbers on the
# wire are integers, decimals travel as strings.
Json = TypeAliasType(  # type: ignore[misc]
    "Json", Union[str, int, bool, list["Json"], dict[str, "Json"], None])  # type: ignore[misc]

Money = str  # a decimal string with two places, "1234.50"
Exact = str  # an exact number as text: "96.875", "1/3"


class Closed(BaseModel):
    """A body whose every field is listed: an unlisted key is a bug, not a new field."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class Open(BaseModel):
    """A body with listed fields and more besides (an event's own fields, by type)."""

    model_config = ConfigDict(extra="allow", strict=True, populate_by_name=True)


@cache
def _adapter(shape: Any) -> TypeAdapter[Any]:
    return TypeAdapter(shape)


async def reply(shape: Any, body: Any, status_code: int = 200,
                headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The body as JSON, after checking it against `shape` (a model or a union of them).
    A body that does not fit is a bug in this shell or below: it fails (500) rather than
    leave with a body the OpenAPI document does not describe."""
    content = jsonable_encoder(body)
    # Off the event loop: a province's statement is 100,000 lines to check.
    await run_in_threadpool(_adapter(shape).validate_python, content, strict=True)
    return JSONResponse(content, status_code=status_code, headers=dict(headers or {}))
