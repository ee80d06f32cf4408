"""Every kind of scheme the engine knows, by the `kind` a scheme document names.

One adoption event and one fold serve every kind; this table is the only place that
lists them, and it sits above both kinds' modules so neither imports the other. A new
kind is one more row here (docs/architecture.md, "Add a scheme kind").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from domain.scheme import GRADING_KIND, PAY_SCHEME_KIND, HospitalPayScheme, SchemeBase


def _grading() -> type[SchemeBase]:
    # Imported with the first grading scheme: its models (and the grading facts' module
    # that shares them) are ≈15 ms of a process's start that a pay ledger never needs.
    from domain.grading import GradingScheme  # noqa: PLC0415 - lazy, see above

    return GradingScheme


class _SchemeKinds(Mapping[str, type[SchemeBase]]):
    """kind → the scheme's model, each kind's module imported when first looked up."""

    def __init__(self, models: dict[str, Callable[[], type[SchemeBase]]]) -> None:
        self._models = models

    def __getitem__(self, kind: str) -> type[SchemeBase]:
        return self._models[kind]()

    def __iter__(self) -> Iterator[str]:
        return iter(self._models)

    def __len__(self) -> int:
        return len(self._models)


SCHEME_KINDS: Mapping[str, type[SchemeBase]] = _SchemeKinds({
    PAY_SCHEME_KIND: lambda: HospitalPayScheme,
    GRADING_KIND: _grading,
})


def parse_scheme(document: dict[str, Any], context: dict[str, Any] | None = None) -> Any:
    """A scheme document of any kind (default: the hospital pay scheme); `context`
    `ADOPTING` for a document being adopted (domain/scheme.py)."""
    kind = document.get("kind", PAY_SCHEME_KIND)
    model = SCHEME_KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise ValueError(f"unknown scheme kind {kind!r}; known: {', '.join(sorted(SCHEME_KINDS))}")
    return model.model_validate(document, context=context)
