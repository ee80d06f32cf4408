"""The schemes shipped with the product (`domain/schemes/*.yaml`) and the YAML loader that
reads them; apart from the ledger so that a scheme check or a catalogue needs no ledger."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml


def shipped_scheme_loader() -> type[yaml.SafeLoader]:
    """libyaml's safe loader, when PyYAML has it: the pure-Python one took 0.1 s per
    adoption of a shipped scheme. Both read every shipped scheme alike
    (tests/unit/test_event_codec.py). PyYAML is imported here, not with the module: only an
    adoption or a scheme check reads YAML, and its import was ≈14 ms of every verb's start."""
    import yaml  # noqa: PLC0415 - see above

    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


def shipped_scheme_names() -> list[str]:
    folder = resources.files("domain") / "schemes"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir()
                  if p.name.endswith(".yaml"))


def load_shipped_scheme(name: str) -> dict[str, Any]:
    """The document of a scheme shipped with the product (`domain/schemes/NAME.yaml`)."""
    names = shipped_scheme_names()
    if name not in names:
        raise ValueError(f"no shipped scheme {name!r}; shipped: {', '.join(names)}")
    text = (resources.files("domain") / "schemes" / f"{name}.yaml").read_text(encoding="utf-8")
    import yaml  # noqa: PLC0415 - see shipped_scheme_loader

    document = yaml.load(text, Loader=shipped_scheme_loader())  # noqa: S506 (a safe loader)
    if not isinstance(document, dict):
        raise ValueError(f"scheme {name!r} is not a mapping")
    return document
