"""A scheme's label in two languages, written as one text: 「年终考核 (year-end assessment)」.

Every shipped scheme writes its labels (and titles, grade names, effects) so: the
Chinese words, then the English reading in brackets. Adopted documents are hashed
(versions.lock.json, `SchemeAdopted.sha256`) and every statement cites the hash, so that
text stays as it is in the document and in `--json`; the reader is shown one language,
read out of it here (`split_label`). A new scheme may write the two readings apart,
`label: {zh: 年终考核, en: year-end assessment}`: the model reads that as the same one text
(`join_label`), so a document hashes the same whichever way it was written and every
reader of labels, old ledgers' included, has one form to read.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

# Compiled when a label first has a bracket to read: a class of 27,000 characters takes
# ≈4 ms to compile, and a warm `jixiao explain` reads labels with no bracket.
CJK_CHARACTERS = r"[\u3400-\u9fff\uf900-\ufaff]"


@cache
def _cjk() -> re.Pattern[str]:
    return re.compile(CJK_CHARACTERS)


LATIN = re.compile(r"[A-Za-z]")
# An English reading has a word in it: 「重点项目得分 (40)」 and 「信访 (例)」 are
# Chinese labels whose bracket is part of the Chinese.
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
LANGUAGES = ("zh", "en")
# A bracket that is a note about the Chinese rather than its reading: 「(1 = yes)」,
# 「(of the annual allowance, AMB-06)」, 「(annual)」, 「(department, monthly)」, one that
# opens with a figure (「(003-A5, one survey a month)」). Such a label has no English
# reading and shows whole, note and all, in both languages: the note says what the words
# alone do not (what 1 means, of what the 50 % is), and a bracket misjudged as a note
# (「(not eligible for this year's excellence awards)」) still reaches an English reader.
# A reading of texts written for people, not a grammar (docs/schemes.md, "Labels in two
# languages").
NOTE_MARKS = re.compile(r"^[0-9]|[=%<;]|AMB-")
NOTE_OPENINGS = frozenset({
    "of", "no", "not", "one", "once", "only", "option", "each", "for", "when",
    "within", "whole", "by", "back-filled", "check", "derived", "fixed", "stopped",
    "shown", "void", "proportion", "must", "maximum", "mandatory", "obligation", "tied",
    "two", "combined", "converted", "completed", "amounts", "annex", "lessons", "mean",
})
SCOPE_WORDS = frozenset({
    "annual", "monthly", "quarterly", "semester", "year", "year-end", "year end", "yearly",
    "quarter", "month", "person", "individual", "department", "departments", "township",
    "company", "manager", "cook", "employees", "each", "calendar year", "department month",
})


class Label(NamedTuple):
    # A NamedTuple, not a dataclass: a warm `jixiao explain` reads labels and imported
    # dataclasses (with inspect, ≈7 ms) for this class alone.
    zh: str
    en: str | None  # None: the label has no English reading

    def read(self, language: str) -> str:
        """The reading in `language`, else the other one (the Chinese is always there)."""
        return self.en if language == "en" and self.en else self.zh


def _bracket_start(text: str) -> int | None:
    """Where the bracket that ends `text` opens (after a space), nested brackets matched."""
    if not text.endswith(")"):
        return None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[index], 0)
        if depth == 0:
            return index if index > 0 and text[index - 1] == " " else None
    return None


def split_label(text: str) -> Label:
    """「年终考核 (year-end assessment)」 → zh 年终考核, en year-end assessment.

    Read as two only when the words before the bracket are Chinese (more Chinese
    characters than Latin letters: 「CT/MRI室」 is Chinese, 「a head's 优秀 is decided by
    the committee (proposal)」 is not) and the bracket starts with no Chinese character and
    has an English word in it, and that bracket names the label rather than noting
    something about it (`is_note`); anything else is one text, whole, the same in both
    languages."""
    start = _bracket_start(text)
    if start is None:
        return Label(text, None)
    head, gloss = text[:start].rstrip(), text[start + 1:-1].strip()
    chinese = len(_cjk().findall(head))
    if (not chinese or len(LATIN.findall(head)) > chinese or not gloss
            or _cjk().match(gloss) or not LATIN_WORD.search(gloss) or is_note(gloss)):
        return Label(text, None)
    return Label(head, gloss)


def is_note(gloss: str) -> bool:
    """Whether an English bracket notes something about the label rather than naming it."""
    words = [word.strip() for word in gloss.split(",")]
    return (bool(NOTE_MARKS.search(gloss)) or gloss.split(maxsplit=1)[0] in NOTE_OPENINGS
            or all(word in SCOPE_WORDS for word in words))


def join_label(zh: str, en: str | None) -> str:
    """The one text of two readings: what `split_label` reads back into the same two."""
    zh, en = zh.strip(), (en or "").strip()
    if not en:
        if split_label(zh).en is not None:
            raise ValueError(SPLIT_IN_ZH.format(zh=zh))
        return zh
    joined = f"{zh} ({en})"
    if split_label(joined) != Label(zh, en):
        # the likelier mistake, and one the generic rule would not explain: an English
        # that is a scope or a note (「monthly」) is shown with the Chinese, not instead of it
        raise ValueError((NOTE_AS_EN if is_note(en) else NOT_APART).format(zh=zh, en=en))
    return joined


# Said to whoever checks a scheme (`jixiao scheme check`): api/i18n/messages.py has them
# as templates, so they read in the reader's language.
SPLIT_IN_ZH = "label '{zh}': read as Chinese and English; give them apart, as zh and en"
NOT_APART = ("label '{zh}' / '{en}': the Chinese must be Chinese words and the English "
             "start with no Chinese character and have an English word with balanced "
             "brackets, so that the two are read back apart")
NOTE_AS_EN = ("label '{zh}' / '{en}': the English reads as a note (a scope, a figure or a "
              "qualifier), not as the label's name, so it would not be shown apart; give "
              "its English name, or write the note in zh with the Chinese")


def read_label(value: Any) -> Any:
    """A label as the scheme's model reads it: one text, or {zh, en} as that one text."""
    # ValueError, not TypeError: pydantic turns only ValueError into a finding.
    if not isinstance(value, dict):
        return value
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown or not isinstance(value.get("zh"), str):
        raise ValueError("a label in two languages is {zh: 中文, en: English} (zh required), "
                         f"got keys {sorted(value)}")
    en = value.get("en")
    if en is not None and not isinstance(en, str):
        raise ValueError(f"label en must be text, got {en!r}")
    return join_label(value["zh"], en)


def document_label(value: object) -> str | None:
    """A label as a document read without the model has it (a file `scheme show` lists):
    one text, or `{zh, en}` read as the one text the model reads, else None."""
    if isinstance(value, dict):
        try:
            return str(read_label(value))
        except ValueError:  # not a label (`scheme check` says why): no words to show
            return None
    return value if isinstance(value, str) else None
