"""One message catalogue for every human-facing text: pages, the CLI's human output and
the API's error messages (issue 12).

Message ids are the English texts; `zh_CN` is the default language, so a text with no
Chinese translation shows in English rather than not at all. Machine output (`--json`
keys, line ids, error codes, API JSON fields) never passes through here.

Catalogues are gettext files, one domain per area so parallel work does not collide:
`api/i18n/locale/<lang>/LC_MESSAGES/<domain>.po` with its compiled `.mo` committed beside
it. Every domain of a language is merged into one lookup at first use.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Final

LOCALE_DIR: Final = Path(__file__).parent / "locale"
LANGUAGES: Final = ("zh_CN", "en")
DEFAULT_LANGUAGE: Final = "zh_CN"
ENV_VAR: Final = "JIXIAO_LANG"

_current: ContextVar[str] = ContextVar("jixiao_language", default=DEFAULT_LANGUAGE)


def normalise(tag: str | None) -> str | None:
    """`zh`, `zh-CN`, `zh_Hans_CN`, `en-GB` … → one of LANGUAGES, or None if unsupported."""
    if not tag:
        return None
    if tag in LANGUAGES:
        return tag  # as below, without loading the locale data (most of a CLI verb's start)
    from babel import Locale, UnknownLocaleError  # noqa: PLC0415 - only for such a tag

    try:
        locale = Locale.parse(tag.strip().replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None
    if locale.language == "zh":
        return "zh_CN"
    return "en" if locale.language == "en" else None


def negotiate(accept_language: str | None) -> str:
    """The best of LANGUAGES for an HTTP Accept-Language header (q-values respected)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = normalise(tag)
        if language is not None and quality > 0:
            ranked.append((-quality, index, language))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def from_environment(explicit: str | None = None,
                     environ: Mapping[str, str] | None = None) -> str:
    """The CLI's language: `--lang`, else JIXIAO_LANG (of `environ`, by default the
    process's), else the default."""
    variables = os.environ if environ is None else environ
    return normalise(explicit) or normalise(variables.get(ENV_VAR)) or DEFAULT_LANGUAGE


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """Every domain's catalogue of `language`, merged as babel's `Translations.merge` does
    (a later domain's text for the same id wins): the standard library reads `.mo` files,
    and babel's import was ≈7 ms of every CLI verb's start."""
    merged: _gettext.NullTranslations = _gettext.NullTranslations()
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    for mo in sorted(folder.glob("*.mo")) if folder.is_dir() else ():
        with mo.open("rb") as handle:
            domain = _gettext.GNUTranslations(handle)
        if isinstance(merged, _gettext.GNUTranslations):
            merged._catalog.update(domain._catalog)  # type: ignore[attr-defined]
        else:
            merged = domain
    return merged


def current_language() -> str:
    return _current.get()


@contextmanager
def use_language(language: str) -> Iterator[None]:
    token = _current.set(normalise(language) or DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a text for the catalogue where it is defined (a module constant, before the
    language is known); `_()` translates it where it is shown."""
    return message


_ = gettext
