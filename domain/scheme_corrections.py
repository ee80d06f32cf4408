"""A correction of a scheme adoption may move its date, never change its content.

An `id@version` names one document for ever (docs/schemes-versioning.md, rules 1 and 2):
statements cite the key and its SHA-256, and a replay computes what the stored document
says. An `adopt_scheme` that `supersedes` an adoption of the same `id@version` therefore
may change `effective_from` (a date entered wrongly) but not the document; a changed
document is a new version, adopted as such. Superseding an adoption of another key (the
wrong scheme was adopted) stays a plain correction.

On one effective date the adoption recorded last is the one in force (domain/facts.py),
so adopting a lower version of a scheme on the date a higher one already takes effect
would silently put the older rules back; it is refused unless it is a correction
(`supersedes`) that says which adoption it replaces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from uuid import UUID

from domain.events import LedgerEvent, SchemeAdopted

# In English, worded where shown (api/i18n/error_templates.py).
CHANGED = ("{key} is already adopted: a correction may change its date, not its content; a "
           "changed document needs a new version (jixiao scheme new), then adopt that "
           "version. What differs: {paths}")
CHANGED_MORE = ("{key} is already adopted: a correction may change its date, not its "
                "content; a changed document needs a new version (jixiao scheme new), then "
                "adopt that version. What differs: {paths} … ({more} more)")
LOWER = ("{key} is lower than {higher}, already adopted for {day}: an adoption recorded "
         "later on the same day takes effect, so it would put the older rules back. To go "
         "back to the older version, correct that adoption with supersedes; to adopt new "
         "rules, make a higher version")
SHOWN = 5  # differing paths named in the message; the rest are counted


def differing_paths(before: Any, after: Any, path: str = "") -> list[str]:
    """The dotted paths where two documents differ (a list item by its index)."""
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        found: list[str] = []
        for key in sorted(set(before) | set(after), key=str):
            found += differing_paths(before.get(key), after.get(key),
                                     f"{path}.{key}" if path else str(key))
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        found = []
        for at, (left, right) in enumerate(zip(before, after, strict=True)):
            found += differing_paths(left, right, f"{path}.{at}" if path else str(at))
        return found
    return [] if before == after else [path or "(document)"]


def _content(document: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "effective_from"}


def check_scheme_correction(live: Mapping[UUID, LedgerEvent],
                            in_batch: dict[UUID, SchemeAdopted], event: LedgerEvent,
                            problem: Callable[[str, str], None]) -> None:
    """Refuse an adoption that supersedes one of the same id@version with another
    document. `in_batch` collects the batch's adoptions, so a correction of one recorded
    earlier in the same batch is checked too."""
    if not isinstance(event, SchemeAdopted):
        return
    in_batch[event.originator_id] = event
    if event.supersedes is None:
        return
    target = live.get(event.supersedes) or in_batch.get(event.supersedes)
    if not isinstance(target, SchemeAdopted) or (
            (target.scheme_id, target.version) != (event.scheme_id, event.version)):
        return
    paths = differing_paths(_content(target.document), _content(event.document))
    key, shown = f"{event.scheme_id}@{event.version}", ", ".join(paths[:SHOWN])
    if len(paths) > SHOWN:
        problem("document", CHANGED_MORE.format(key=key, paths=shown,
                                                more=len(paths) - SHOWN))
    elif paths:
        problem("document", CHANGED.format(key=key, paths=shown))


def check_version_order(adopted: Iterable[SchemeAdopted], event: LedgerEvent,
                        problem: Callable[[str, str], None]) -> None:
    """Refuse a plain adoption of a lower version of a scheme on a date for which a
    higher version of the same scheme is already adopted (`adopted`: the live adoptions
    and the batch's, not the event itself)."""
    if not isinstance(event, SchemeAdopted) or event.supersedes is not None:
        return
    higher = max((other.version for other in adopted
                  if other is not event and other.scheme_id == event.scheme_id
                  and other.effective_from == event.effective_from), default=None)
    if higher is not None and higher > event.version:
        problem("version", LOWER.format(key=f"{event.scheme_id}@{event.version}",
                                         higher=f"{event.scheme_id}@{higher}",
                                         day=event.effective_from.isoformat()))
