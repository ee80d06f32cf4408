"""Schemes, read-only: the shipped ones and the ledger's adoptions, one scheme's rules,
two shipped schemes compared, and the JSON Schema of scheme files. Checking, previewing
and adopting a file are the command line's (`jixiao scheme`); over HTTP a scheme is
adopted as an `adopt_scheme` command."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from api.http.deps import CurrentCaller, LedgerDep
from api.http.schemas.base import reply
from api.http.schemas.schemes import SchemeDiff, SchemeJsonSchema, SchemeList, SchemeShown
from api.usecases import schemes

router = APIRouter(tags=["schemes"])
Name = Annotated[str, Path(description="a shipped scheme's name", max_length=64,
                           examples=["xinghe-county-hospital"])]
Adopted = Annotated[bool, Query(description="also the ledger's adopted schemes")]


@router.get("/schemes", response_model=SchemeList, summary="The shipped schemes")
async def get_schemes(*, caller: CurrentCaller, ledger: LedgerDep,
                      adopted: Adopted = True) -> JSONResponse:
    """`jixiao scheme list --json`: name, kind, version, seed, effective date and the
    catalogue rules each cites; and the ledger's adoptions in the order they take effect."""
    shipped = [s.to_json() for s in schemes.shipped_schemes()]
    rows = None
    if adopted:
        rows = [a.to_json() for a in await ledger.run(schemes.adopted_schemes, caller)]
    return await reply(SchemeList, {"shipped": shipped, "adopted": rows})


@router.get("/schemes/{name}", response_model=SchemeShown,
            summary="A shipped scheme's rules with their seed lines")
async def get_scheme(*, name: Name, caller: CurrentCaller) -> JSONResponse:
    """`jixiao scheme show NAME --json`: every rule with its catalogue id and seed line."""
    return await reply(SchemeShown, schemes.show_scheme(name, shipped_only=True))


@router.get("/schemes/{name}/diff/{other}", response_model=SchemeDiff,
            summary="What changes from one shipped scheme to another, rule by rule")
async def get_scheme_diff(*, name: Name, other: Name, caller: CurrentCaller) -> JSONResponse:
    """`jixiao scheme diff A B --json`, for shipped schemes."""
    return await reply(SchemeDiff, schemes.diff_schemes(name, other, shipped_only=True))


@router.get("/scheme-json-schema", response_model=SchemeJsonSchema,
            summary="The JSON Schema of scheme files")
async def get_scheme_json_schema(*, caller: CurrentCaller) -> JSONResponse:
    """What `jixiao scheme json-schema` prints: for editors completing a scheme file."""
    return await reply(SchemeJsonSchema, schemes.scheme_json_schema())
