"""The OpenAPI document describes every body: each response of each operation has a
schema, and no schema in it, however deep, is an untyped `{}` or a bare object."""

from __future__ import annotations

from typing import Any

from api.http.app import create_app
from api.http.settings import ServerSettings

TYPED = ("type", "$ref", "anyOf", "oneOf", "allOf", "const", "enum")


def _untyped(schema: Any, components: dict[str, Any], where: str, seen: set[str]) -> list[str]:
    """Where, below `schema`, a value is left untyped (refs followed once each)."""
    if not isinstance(schema, dict):
        return [f"{where}: not a schema"]
    ref = schema.get("$ref")
    if ref is not None:
        name = ref.rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return _untyped(components[name], components, name, seen)
    if not any(k in schema for k in TYPED):
        return [f"{where}: untyped {schema}"]
    found = []
    for key in ("anyOf", "oneOf", "allOf"):
        for i, part in enumerate(schema.get(key, [])):
            found += _untyped(part, components, f"{where}.{key}[{i}]", seen)
    if schema.get("type") == "object":
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        if not properties and not isinstance(extra, dict):
            found.append(f"{where}: an object with no properties")
        for name, part in properties.items():
            found += _untyped(part, components, f"{where}.{name}", seen)
        if isinstance(extra, dict):
            found += _untyped(extra, components, f"{where}.*", seen)
    if schema.get("type") == "array":
        found += _untyped(schema.get("items"), components, f"{where}[]", seen)
    return found


def test_every_response_of_every_operation_has_a_typed_schema() -> None:
    document = create_app(ServerSettings()).openapi()
    components = document["components"]["schemas"]
    problems = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                where = f"{method.upper()} {path} {status}"
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if schema is None:
                    problems.append(f"{where}: no schema")
                    continue
                problems += _untyped(schema, components, where, set())
    assert problems == []


def test_every_success_body_is_a_named_model_or_a_union_of_them() -> None:
    document = create_app(ServerSettings()).openapi()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            ok = [s for s in operation["responses"] if s.startswith("2")]
            assert ok, f"{method} {path} documents no success"
            schema = operation["responses"][ok[0]]["content"]["application/json"]["schema"]
            assert "$ref" in schema or "anyOf" in schema or schema.get("type") == "object", (
                method, path)
