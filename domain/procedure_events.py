"""Facts of the procedures around results (issue 15, items 5 and 6): a year's holiday
notice, the delivery of a written decision, filing with a higher body, publicity (公示)
and the objections raised during it, results made final, and results the ledger did not
compute (a prior year's grade, a grade given by a higher body, a count from another
system), each with its source.

All are new event types: ledgers written before them read exactly as before. Their
checks and the deadlines they are held to are in domain/procedures.py.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import BeforeValidator, Field, model_validator

from domain.envelope import Code, Day, Exact, Frozen, LedgerEvent, Text, _command
from domain.grading import grading_period_text

GradingPeriodText = Annotated[str, BeforeValidator(grading_period_text)]
NOTICE_DAYS_MAX = 60  # a named limit: no notice lists more days off or worked


class HolidayNoticeBody(Frozen):
    """The State Council's notice for one year: the weekdays off and the weekend days
    worked (调休). Weekends not listed are rest days; weekdays not listed are worked."""

    year: int = Field(ge=2000, le=2099)
    holidays: tuple[Day, ...] = Field(default=(), max_length=NOTICE_DAYS_MAX)
    workdays: tuple[Day, ...] = Field(default=(), max_length=NOTICE_DAYS_MAX)
    notice: Text  # e.g. 国办发明电〔2026〕7号

    @model_validator(mode="after")
    def _in_year(self) -> HolidayNoticeBody:
        outside = [d for d in (*self.holidays, *self.workdays) if d.year != self.year]
        if outside:
            raise ValueError(f"{outside[0]} is not in {self.year}")
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            raise ValueError(f"{both[0]} is listed both as a holiday and as a working day")
        return self


class DeliveryBody(Frozen):
    """A written decision (a sanction, an appeal or review decision) reached its subject."""

    target_id: UUID
    delivered_on: Day
    detail: Text | None = None  # how: in person, by post …


class FilingBody(Frozen):
    """A rulebook's results for a period filed with a higher body (备案)."""

    rulebook: Code
    grading_period: GradingPeriodText
    body: Text  # the body filed with, e.g. 组织人事处
    filed_on: Day


class PublicityBody(Frozen):
    """A rulebook's results for a period made public (公示) from `opened_on`."""

    rulebook: Code
    grading_period: GradingPeriodText
    opened_on: Day


class ObjectionBody(Frozen):
    """An objection (异议) raised while the results were public."""

    rulebook: Code
    grading_period: GradingPeriodText
    subject_id: Code
    received_on: Day
    detail: Text


class ObjectionSettlementBody(Frozen):
    """An objection settled on its own (004-S15-R5 「经公示无异议后」): upheld, naming the
    entry that corrects the result (a void or a superseding entry), or rejected; either
    way with the finding that decided it. Results are made final only once every
    objection raised during their publicity is settled."""

    objection_id: UUID
    outcome: Literal["upheld", "rejected"]
    finding: Text  # why it was upheld or rejected
    settled_on: Day
    correction_id: UUID | None = None  # upheld: the entry that corrects the result

    @model_validator(mode="after")
    def _correction_when_upheld(self) -> ObjectionSettlementBody:
        if self.outcome == "upheld" and self.correction_id is None:
            raise ValueError("an upheld objection names the entry that corrects the result "
                             "(correction_id: a void_entry or a superseding entry)")
        if self.outcome == "rejected" and self.correction_id is not None:
            raise ValueError("a rejected objection corrects nothing: leave out correction_id")
        return self


class FinalBody(Frozen):
    """A rulebook's results for a period made final, after any publicity has ended."""

    rulebook: Code
    grading_period: GradingPeriodText
    final_on: Day


class OutsideResultBody(Frozen):
    """A result the ledger did not compute, with where it comes from: a prior year's
    grade, a grade a higher body gave, a count from another system."""

    subject_id: Code
    grading_period: GradingPeriodText
    name: Code  # what it is, as rules read it: a pipeline's name for a grade, or a count
    grade: Code | None = None
    value: Exact | None = None
    source: Text  # who gave it: 县卫生健康局, the HR system …
    source_ref: Text | None = None  # the document or export it comes from
    rulebook: Code | None = None  # the scheme whose rules read it; None: all

    @model_validator(mode="after")
    def _one_result(self) -> OutsideResultBody:
        if (self.grade is None) == (self.value is None):
            raise ValueError("give exactly one of grade or value")
        return self


class HolidayNoticeRecorded(LedgerEvent, HolidayNoticeBody): ...
class DecisionDelivered(LedgerEvent, DeliveryBody): ...
class ResultsFiled(LedgerEvent, FilingBody): ...
class PublicityOpened(LedgerEvent, PublicityBody): ...
class ObjectionRecorded(LedgerEvent, ObjectionBody): ...
class ObjectionSettled(LedgerEvent, ObjectionSettlementBody): ...
class ResultsMadeFinal(LedgerEvent, FinalBody): ...
class OutsideResultRecorded(LedgerEvent, OutsideResultBody): ...


RecordHolidayNotice = _command(
    "record_holiday_notice", HolidayNoticeBody, HolidayNoticeRecorded,
    "Record a year's State Council holiday notice: holidays and make-up working days.")
RecordDelivery = _command(
    "record_delivery", DeliveryBody, DecisionDelivered,
    "Record the day a written decision reached its subject.")
RecordFiling = _command(
    "record_filing", FilingBody, ResultsFiled,
    "Record results filed with a higher body (备案).")
OpenPublicity = _command(
    "open_publicity", PublicityBody, PublicityOpened,
    "Make a period's results public (公示) for the scheme's number of days.")
RecordObjection = _command(
    "record_objection", ObjectionBody, ObjectionRecorded,
    "Record an objection raised while results are public.")
SettleObjection = _command(
    "settle_objection", ObjectionSettlementBody, ObjectionSettled,
    "Settle an objection raised during publicity: upheld (naming the correcting entry) "
    "or rejected, with the finding.")
MakeResultsFinal = _command(
    "make_results_final", FinalBody, ResultsMadeFinal,
    "Make a period's results final; refused while publicity runs.")
RecordOutsideResult = _command(
    "record_outside_result", OutsideResultBody, OutsideResultRecorded,
    "Record a result the ledger did not compute (a prior grade, a higher body's grade, "
    "a count from another system) with its source.")

PROCEDURE_EVENTS: tuple[type[LedgerEvent], ...] = (
    HolidayNoticeRecorded, DecisionDelivered, ResultsFiled, PublicityOpened,
    ObjectionRecorded, ResultsMadeFinal, OutsideResultRecorded, ObjectionSettled)
PROCEDURE_COMMANDS = (RecordHolidayNotice, RecordDelivery, RecordFiling, OpenPublicity,
                      RecordObjection, MakeResultsFinal, RecordOutsideResult,
                      SettleObjection)
