"""Every kind of scheme the engine knows, by the `kind` a scheme document names.

One adoption event and one fold serve every kind; this table is the only place that
lists them, and it sits above both kinds' modules so neither imports the other. A new
kind is one more row here (docs/architecture.md, "Add a scheme kind").
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from domain.grading import GRADING_KIND, GradingScheme
from domain.scheme import PAY_SCHEME_KIND, HospitalPayScheme, SchemeBase

SCHEME_KINDS: MappingProxyType[str, type[SchemeBase]] = MappingProxyType({
    PAY_SCHEME_KIND: HospitalPayScheme,
    GRADING_KIND: GradingScheme,
})


def parse_scheme(document: dict[str, Any]) -> Any:
    """A scheme document of any kind (default: the hospital pay scheme)."""
    kind = document.get("kind", PAY_SCHEME_KIND)
    model = SCHEME_KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise ValueError(f"unknown scheme kind {kind!r}; known: {', '.join(sorted(SCHEME_KINDS))}")
    return model.model_validate(document)
