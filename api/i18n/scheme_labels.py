"""A scheme's label (title, grade name, effect) in the reader's language.

The report keeps the scheme's text as the adopted document has it (`--json`, the API:
data that never changes with the reader, and old ledgers' reports byte for byte); the
people's text shows one reading of it, Chinese by default, English under JIXIAO_LANG=en
or the page switch, the other one where the label has none (domain/labels.py reads the
two out of the one text). docs/schemes.md, "Labels in two languages", says why.
"""

from __future__ import annotations

from api.i18n import current_language
from domain.labels import split_label


def reading(text: str | None) -> str:
    """「年终考核 (year-end assessment)」 → 年终考核, or year-end assessment in English."""
    if not text:
        return ""
    return split_label(text).read("en" if current_language() == "en" else "zh")


def grade_reading(name: str | None, code: str | None) -> str:
    """A grade's name: the scheme's words in Chinese; in English its English reading or,
    where the scheme gives none (「良好」, code `good`), its code, which the English
    report already names it by (「excellent → good」)."""
    label = split_label(name or code or "")
    if current_language() != "en" or label.en:
        return label.read("en" if current_language() == "en" else "zh")
    return (code or name or "").replace("_", " ")
