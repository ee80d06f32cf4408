"""The bodies of the scheme routes (`jixiao scheme list|show|diff --json`)."""

from __future__ import annotations

from pydantic import Field

from api.http.schemas.base import Closed, Json, Open


class SchemeCoverage(Closed):
    cited: int  # catalogue rules the scheme cites in its refs
    of: int  # rules of the catalogue schemes it draws on


class ShippedScheme(Closed):
    name: str
    kind: str
    version: int
    title: str
    seed: str
    source: str
    effective_from: str
    coverage: SchemeCoverage


class AdoptedScheme(Closed):
    scheme_id: str
    version: int
    kind: str
    effective_from: str
    sha256: str
    recorded_at: str
    actor: str


class SchemeList(Closed):
    shipped: list[ShippedScheme]
    adopted: list[AdoptedScheme] | None


class SchemeRule(Closed):
    path: str
    rule: str
    source: str
    default: str | None
    text: str
    line: int | None


class NotComputableRule(Closed):
    rule: str
    source: str
    why: str
    default: str | None = None


class SchemeShown(Closed):
    name: str
    id: str | None
    kind: str
    version: int | None
    title: str | None
    source: str | None
    effective_from: str
    rules: list[SchemeRule]
    not_computable: list[NotComputableRule] = Field(default_factory=list)  # declared by the scheme


class SchemeChange(Closed):
    path: str
    before: Json
    after: Json
    rules: list[str]


class SchemeDiff(Closed):
    from_: str = Field(alias="from")
    to: str
    changes: list[SchemeChange]


class SchemeJsonSchema(Open):
    """A JSON Schema (draft 2020-12) of a scheme file: one of the scheme kinds, by `kind`."""

    schema_: str = Field(alias="$schema")
    title: str
    defs: dict[str, Json] = Field(alias="$defs")
    one_of: list[Json] = Field(alias="oneOf")
    discriminator: Json
