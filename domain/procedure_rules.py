"""A scheme's procedural settings (`procedures:` in its document): how long written
decisions may take to reach their subject, when results are filed with a higher body,
how long results are public (公示) before they are final, and its own appeal window.
Each names its seed line; a setting the seed does not state names the default (A-G-2,
AMB-34 …) it applies instead.

Optional as a whole and left out of an adopted document's canonical form while unset, so
documents adopted before it keep their hash.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from domain.calendar import DayUnit
from domain.scheme import Frozen, Ref


class Deadline(Frozen):
    """N days after a start day, in the rule's own unit (「10个工作日内」, 「7日内」)."""

    days: int = Field(ge=1, le=366)
    unit: DayUnit = "working"
    ref: Ref

    def text(self) -> str:
        unit = "个工作日" if self.unit == "working" else "日（自然日）"
        return f"{self.days}{unit} ({self.ref})"


class FilingRule(Deadline):
    """Results are filed with `body` within N days of being made final (or decided)."""

    body: str = Field(min_length=1, max_length=200)


class NoAppealStated(Frozen):
    """The seed states no appeal procedure: the one this scheme uses, and why."""

    uses: str = Field(min_length=1, max_length=500)
    why: str = Field(min_length=1, max_length=500)
    ref: Ref


class AppealSetting(Frozen):
    """The scheme's own appeal window (from receipt of the result) and the deadline of
    the review, or a note of the procedure it uses where its seed states none."""

    window: Deadline | None = None
    review: Deadline | None = None
    re_reviews_max: int = Field(default=0, ge=0, le=2)
    none_stated: NoAppealStated | None = None

    @model_validator(mode="after")
    def _one(self) -> AppealSetting:
        if (self.window is None) == (self.none_stated is None):
            raise ValueError("give exactly one of window or none_stated")
        if (self.window is None) != (self.review is None):
            raise ValueError("a window needs the review's deadline (review), and only a "
                             "window has one")
        return self


class ProcedureSettings(Frozen):
    delivery: Deadline | None = None
    filing: FilingRule | None = None
    publicity: Deadline | None = None
    appeal: AppealSetting | None = None


def settings_of(scheme: Any) -> ProcedureSettings | None:
    """A scheme's procedure settings (`procedures:`), or None."""
    found = getattr(scheme, "procedures", None)
    return found if isinstance(found, ProcedureSettings) else None
