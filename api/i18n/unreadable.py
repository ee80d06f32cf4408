"""Why a stored entry does not read, in the reader's language: the shells word the
structure the domain hands over (domain/unreadable.py: field, code, context) through the
catalogue; pydantic's error types through the templates input errors already use
(api/i18n/pydantic_texts.py). A report's `--json` keeps the English `reason`, the same
in every language; a view's note written before the structure was kept has only that
text, which is translated as any message is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from api.i18n import N_, gettext

__all__ = ["INVALID_ENTRY_WARNING", "invalid_entry_warning", "invalid_reason"]

INVALID_ENTRY_WARNING: Final = N_("warning: entry {id} ({type}) is invalid and left out of "
                                  "every figure: {reason}")
# domain/unreadable.py's own codes
CODE_TEXTS: Final = {
    "unknown_event_type": N_("this version has no entry type {type}"),
    "not_an_event_type": N_("{type} is not an entry type"),
    # the English detail (a JSON parser's) stays in `--json`'s reason
    "unreadable": N_("the stored content does not read as an entry"),
    # {id} is the stored text, quoted (domain/stored_ids.py): the entry's own id in the
    # warning line is a placeholder made of zeros and the position
    "unreadable_id": N_("its stored id {id} is not a UUID (position {position}): the "
                        "database was edited"),
}
FIELD_REASON: Final = N_("{field}: {reason}")
NOT_VALID: Final = N_("the stored value is not valid ({code})")
REASONS_JOINED: Final = N_("; ")


def invalid_entry_warning(entry: Mapping[str, Any]) -> str:
    return gettext(INVALID_ENTRY_WARNING).format(
        id=entry["id"], type=entry["type"], reason=invalid_reason(entry))


def invalid_reason(entry: Mapping[str, Any]) -> str:
    """An invalid entry's reason (a report's `invalid_entries` line) in this language."""
    from api.i18n.messages import translate  # noqa: PLC0415  # only when there is one

    problems = entry.get("problems")
    if not problems:
        return translate(str(entry["reason"]))
    return gettext(REASONS_JOINED).join(_problem(p, translate) for p in problems)


def _problem(problem: Mapping[str, Any], translate: Any) -> str:
    code, context = str(problem["code"]), dict(problem.get("context") or {})
    if code in CODE_TEXTS:
        return gettext(CODE_TEXTS[code]).format(**context)
    reason = translate(_english(code, context))
    if reason == _english(code, context) and gettext(NOT_VALID) != NOT_VALID:
        reason = gettext(NOT_VALID).format(code=code)  # no template: no English left
    field = str(problem.get("field") or "")
    return gettext(FIELD_REASON).format(field=field, reason=reason) if field else reason


def _english(code: str, context: dict[str, str]) -> str:
    """pydantic's message for the error type and its values (as the input's were)."""
    if code == "value_error" and "error" in context:
        return context["error"]
    from pydantic_core import PydanticKnownError  # noqa: PLC0415

    values = {k: v for k, v in context.items() if k != "message"}
    try:
        return str(PydanticKnownError(code, values or None).message())  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):  # a custom type: pydantic's own text
        return context.get("message", code)
