"""Schemes (考核方案) as validated, versioned data.

A scheme says *which numbers* the calculation uses and *where each came from*: every rule
carries the catalogue id and the seed `file:line`, so an auditor can trace a figure back to
the regulation. The calculation stages in `projections/` say *how* the numbers combine.
Where the regulation is ambiguous, the catalogue's default is the value here and the
alternative is an option (each option names its ambiguity id).
"""

import functools
import hashlib
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from domain.label_fields import LabelText
from domain.money import to_cny, to_exact

Exact = Annotated[Decimal, BeforeValidator(to_exact)]
Cny = Annotated[Decimal, BeforeValidator(to_cny)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Ref(Frozen):
    """Where a rule comes from: catalogue id, seed file and line, and the ambiguity
    default it applies, if any."""

    rule: str
    source: str = Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt:L\d+(-L\d+)?$")
    default: str | None = None

    def __str__(self) -> str:
        default = f" ({self.default})" if self.default else ""
        return f"{self.rule} {self.source}{default}"


# ---------------------------------------------------------------- level 1: the pool


class PoolRule(Frozen):
    rate: Exact  # share of the quarter's medical revenue
    year_end_reserve_rate: Exact
    # A-S11-1: "其中预留3%" read as 3 % of revenue (default) or 3 % of the pool.
    reserve_basis: Literal["revenue", "pool"] = "revenue"
    ref: Ref
    reserve_ref: Ref


class ClinicalScoreRule(Frozen):
    quantity_per_head: Exact
    quality_per_head: Exact
    ethics_per_head: Exact
    # A-S11-20: the workload completion ratio is uncapped unless a cap is configured.
    workload_ratio_cap: Exact | None = None
    score_ref: Ref
    quantity_ref: Ref
    quality_ref: Ref
    ethics_ref: Ref
    cost_ref: Ref
    risk_ref: Ref


class AdminClassRule(Frozen):
    """How an admin class derives its per-head base from clinical per-capita scores."""

    statistic: Literal["top_mean", "mean_all", "weighted_all"]
    top_n: int | None = None
    ref: Ref

    @model_validator(mode="after")
    def _top_n_goes_with_top_mean(self) -> "AdminClassRule":
        if (self.statistic == "top_mean") != (self.top_n is not None):
            raise ValueError("top_n is required for top_mean and only for it")
        return self


class AdminScoreRule(Frozen):
    classes: dict[int, AdminClassRule]
    # Risk coefficients by admin role, for departments that do not set their own.
    risk_coefficients: dict[str, Exact]
    score_ref: Ref
    risk_ref: Ref
    per_capita_ref: Ref  # A-S11-2/3: ranking and per-capita basis


class ControlRule(Frozen):
    """A money deduction from a department's calculated pay when an indicator overruns."""

    indicator: Literal[
        "expenditure_quota",
        "outpatient_fee_per_visit",
        "inpatient_fee_per_admission",
        "drug_revenue_ratio",
    ]
    kind: Literal["amount_overrun", "percentage_point_overrun"]
    share_of_overrun: Exact | None = None  # amount_overrun: 1 = 100 % of the overrun (A-S11-7)
    rate_per_point: Exact | None = None  # percentage_point_overrun: 0.05 per point
    # A-S11-8: ratios are measured in absolute points (actual% − limit%); money indicators
    # relatively ((actual ÷ limit − 1) × 100). Whole points by default, proportional as option.
    measurement: Literal["absolute_points", "relative_points", "amount"] = "absolute_points"
    fractions: Literal["whole", "proportional"] = "whole"
    ref: Ref


class PenaltyRule(Frozen):
    """A department money penalty, e.g. a pharmacy stock shortage at twice retail value."""

    kind: str
    multiple: Exact
    ref: Ref


class CapRule(Frozen):
    multiple_of_average_bonus: Exact
    ref: Ref
    bank_ref: Ref


class FloorRule(Frozen):
    amount_per_head_cny: Cny
    draw_bank_first: bool = True  # A-S11-12
    ref: Ref


# ---------------------------------------------------------------- level 2: individuals


class ItemRule(Frozen):
    base: Exact
    floor: Exact | None = Decimal(0)  # A-S11-19: every base-10 item is clamped at 0
    entered: bool = False  # the department enters the value (quantity, S11-R36)
    ref: Ref


class MinuteBand(Frozen):
    """Points per occurrence for a measured duration; the lower bound's inclusivity is
    explicit because 「超过5分钟」 excludes 5 and 「30分钟以上」 includes 30 (A-G-1)."""

    minutes_from: int
    inclusive: bool
    points: Exact


class DeductionRule(Frozen):
    item: str  # an item name, or "penalty" for a fixed penalty on the total
    points_per_occurrence: Exact | None = None
    full_deduction: bool = False
    # Points come with the entry, as a positive magnitude: "deduct" or "add" says the sign.
    discretionary: Literal["deduct", "add"] | None = None
    minute_bands: tuple[MinuteBand, ...] = ()
    # Cumulative occurrences at which the whole item is deducted (旷工 ≥ 1 day, A-S11-21).
    full_at_count: Exact | None = None
    counts_as_absence_days: Exact = Decimal(0)  # 旷工 also counts as absence (A-S11-10)
    ref: Ref


class PostRule(Frozen):
    points: Exact
    bonus_rate: Exact  # of the hospital average bonus, paid outside the pool (S11-R48)


class AttendanceRule(Frozen):
    # A-S11-11: the pro-rata basis is the pre-attendance score.
    # A-S11-10: leave days count as absence days; option: any leave in the period ⇒ 0.
    leave_rule: Literal["pro_rata", "any_leave_zero"] = "pro_rata"
    ref: Ref
    leave_ref: Ref


class ParticipationRule(Frozen):
    """Temporary and contract staff take part at a ratio (S11-R51/R52). A-S11-14: the
    ratio scales the points before summing, so the pool is fully distributed."""

    ratios: dict[str, dict[str, Exact]]  # category → participation class → ratio
    ratio_scales: Literal["points", "pay_only"] = "points"
    temporary_ref: Ref
    contract_ref: Ref


class ExclusionRule(Frozen):
    # Our default (D-PROBATION): on probation on any day of the period ⇒ not in scoring.
    probation: Literal["any_day", "last_day"] = "any_day"
    probation_ref: Ref
    lump_sum_ref: Ref
    leave_ref: Ref


# A document being adopted or checked is validated under this context; a stored one (an
# adoption already recorded) without it.
ADOPTING: dict[str, Any] = {"adopting": True}
STUDY_LEAVE_MONTHS = (1, 120)


def _months_bounded(months: int | None, info: ValidationInfo) -> int | None:
    """A band's months, 1-120, in a document being adopted. A stored one is read as it was
    adopted (before the bound, any number passed): an adopted scheme is never edited, and
    refusing it would make every read of its ledger fail."""
    if months is None or not (info.context or {}).get("adopting"):
        return months
    low, high = STUDY_LEAVE_MONTHS
    if months < low:
        raise PydanticCustomError("greater_than_equal",
                                  "Input should be greater than or equal to {ge}", {"ge": low})
    if months > high:
        raise PydanticCustomError("less_than_equal",
                                  "Input should be less than or equal to {le}", {"le": high})
    return months


class StudyLeaveBand(Frozen):
    # The inclusive upper bound of the absence; None = any longer. At most ten years (as a
    # day count's 3660) in a new document: unbounded, a band's end could lie past year
    # 9999 (a ValueError).
    up_to_months: Annotated[
        Annotated[int, WithJsonSchema({"type": "integer", "minimum": STUDY_LEAVE_MONTHS[0],
                                       "maximum": STUDY_LEAVE_MONTHS[1]})] | None,
        AfterValidator(_months_bounded)]
    rate: Exact  # of the same-level staff's pay
    payer: Literal["department", "hospital", "none"]


class StudyLeaveRule(Frozen):
    """S11-R56: staff away for study or training are paid a share of same-level pay,
    by how long they are away. A-S11-15: the 1–2-month gap takes the 60 % band."""

    bands: tuple[StudyLeaveBand, ...]
    ref: Ref


class AppealRule(Frozen):
    """Appeal windows in working days on the statutory calendar, counted from the day
    after the start (AMB-07); recusal; re-review; what a failed appeal does."""

    window_working_days: int = Field(ge=1, le=60)
    review_working_days: int = Field(ge=1, le=120)
    extension_working_days: int = Field(default=0, ge=0, le=60)
    re_reviews_max: int = Field(default=1, ge=0, le=2)
    recuse_department_head: bool = True
    head_posts: tuple[str, ...] = ()
    # Option from 004-S13-R15 (AMB-20): a failed appeal adds the contested deduction again.
    failed_appeal: Literal["keep", "double"] = "keep"
    window_ref: Ref
    review_ref: Ref
    outcome_ref: Ref
    recusal_ref: Ref


class CategoryRule(Frozen):
    """An employment category: paid by points at a participation ratio, or on a lump-sum
    wage that takes no performance pay (S11-R49)."""

    pay: Literal["performance", "lump_sum"] = "performance"
    ref: Ref | None = None  # the rule that sets its participation ratios, if any


class LeaveRule(Frozen):
    """The kinds of leave the scheme knows, and what each means for pay."""

    kinds: tuple[str, ...]  # what record_leave accepts under this scheme
    study: tuple[str, ...]  # away for study or training: the S11-R56 bands apply
    # Under the A-S11-10 option `any_leave_zero`: leave of these kinds in the period ⇒ 0.
    zeroing: tuple[str, ...]
    ref: Ref

    @model_validator(mode="after")
    def _known_kinds(self) -> "LeaveRule":
        unknown = sorted((set(self.study) | set(self.zeroing)) - set(self.kinds))
        if unknown:
            raise ValueError(f"leave kinds {unknown} are not among kinds {list(self.kinds)}")
        return self


class StaffRule(Frozen):
    """The scheme's employment categories and leave kinds: data the engine reads, so a
    scheme with other words needs no code."""

    categories: dict[str, CategoryRule]
    leave: LeaveRule


def scheme_11_staff(participation: ParticipationRule, exclusions: ExclusionRule) -> StaffRule:
    """Scheme 11's categories (S11-R49/R51/R52) and leave kinds (S11-R55/R56), for a
    document adopted before `staff` existed: an adopted document is never edited and its
    hash must not move. The refs are the document's own."""
    return StaffRule(
        categories={
            "regular": CategoryRule(),
            "temporary": CategoryRule(ref=participation.temporary_ref),
            "contract": CategoryRule(ref=participation.contract_ref),
            "lump_sum": CategoryRule(pay="lump_sum", ref=exclusions.lump_sum_ref),
        },
        leave=LeaveRule(
            kinds=("sick", "maternity", "personal", "study", "training"),
            study=("study", "training"),
            zeroing=("sick", "maternity", "personal"),
            ref=exclusions.leave_ref,
        ),
    )


class PostBonusRule(Frozen):
    gate: Literal["tenure_target_pass"] = "tenure_target_pass"
    ref: Ref


class YearEndRule(Frozen):
    # A-S11-17: a failed year-end assessment excludes the person from the divisor;
    # option "forfeit" keeps them in it and returns their share to the hospital.
    failed: Literal["exclude", "forfeit"] = "exclude"
    cme_min_credits: Exact
    cme_shortfall_points: Exact
    refused_training_points: Exact
    gate_ref: Ref
    pool_ref: Ref
    cme_ref: Ref
    score_ref: Ref


class NotComputable(Ref):
    """A catalogue rule the scheme cannot compute (a process step, a missing table, a
    garbled line): a reference to it, with why, so no rule is silently dropped."""

    rule: str = Field(pattern=r"^(00\d-(S|A)\d+-R\d+|S\d+(\.\d+)?-R\d+|[A-Z]+-\d+)$")
    why: str = Field(min_length=1)


class AlsoImplements(Ref):
    """A catalogue rule that a value of the scheme computes besides the rule its own `ref`
    names (one value, several rules: the per-point pay is S11-R31 and S11-R33 at once).
    `at` is the value's path in the document, dotted; a list item is named by its `name`,
    `code`, `id` or `indicator` or by its index. The path is checked, so a citation cannot
    point at nothing."""

    at: str = Field(min_length=1)


# Grown on every kind after documents were adopted: left out of the canonical form while
# unset (GradingScheme's canonical form leaves them out in domain/grading_pools.py).
BASE_GROWN = ("not_computable", "also_implements")


def resolve_path(document: Any, path: str) -> bool:
    """Whether the dotted `path` names a value of the document (see AlsoImplements)."""
    node = document
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list | tuple):
            found = [item for item in node if isinstance(item, dict) and part in {
                str(item.get(key)) for key in ("name", "code", "id", "indicator")}]
            if found:
                node = found[0]
            elif part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return False
        else:
            return False
    return True


class SchemeBase(Frozen):
    """What every kind of scheme has: identity, version, when it takes effect, its source."""

    kind: str
    id: str
    version: int = Field(ge=1)
    title: LabelText
    effective_from: date
    source: str
    # Grown after documents were adopted: left out of the canonical form while unset.
    not_computable: tuple[NotComputable, ...] | None = None
    also_implements: tuple[AlsoImplements, ...] | None = None

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    # Optional fields added after documents were adopted: left out of the canonical form
    # while unset, so an adopted document keeps its hash (statements cite it).
    GROWN_FIELDS: ClassVar[frozenset[str]] = frozenset()

    def canonical_json(self) -> str:
        data = self.model_dump(mode="json")
        for name in (*self.GROWN_FIELDS, *BASE_GROWN):
            if data.get(name) is None:
                data.pop(name, None)
        return canonical_dumps(data)

    # Cached, and kept with the parsed scheme in the fold's snapshot: the dump behind it
    # is pydantic's serializer, built on first use (≈5 ms a process for a pay scheme).
    # A scheme is never changed once parsed; a copy drops it (`model_copy`).
    @functools.cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()

    # The cached values a snapshot keeps with a parsed scheme (api/storage/facts_codec.py):
    # a load then builds no pydantic schema for a document checked when it was adopted.
    SNAPSHOT_KEPT: ClassVar[tuple[str, ...]] = ("sha256",)

    def model_copy(self, *, update: Mapping[str, Any] | None = None,
                   deep: bool = False) -> Self:
        """pydantic's copy, without the values cached from this scheme's fields: a
        cached_property lives in the instance's `__dict__`, which pydantic copies, so a
        copy with `update` would otherwise keep the hash (and `staff_rules`) of the
        scheme it was copied from, and cite a document it is not."""
        copied = super().model_copy(update=update, deep=deep)
        for name in _cached_names(type(self)):
            copied.__dict__.pop(name, None)
        return copied

    @model_validator(mode="after")
    def _also_implements_resolve(self) -> "SchemeBase":
        if self.also_implements:
            document = self.model_dump(mode="json")
            missing = [c.at for c in self.also_implements if not resolve_path(document, c.at)]
            if missing:
                raise ValueError(f"also_implements: no value at {', '.join(missing)}")
        return self


class HospitalPayScheme(SchemeBase):
    """Two-level per-point pay (院科两级核算), the county-hospital family of schemes."""

    kind: Literal["hospital_two_level"] = "hospital_two_level"
    period: Literal["quarter"] = "quarter"
    allocation_ref: Ref
    pool: PoolRule
    clinical: ClinicalScoreRule
    admin: AdminScoreRule
    controls: tuple[ControlRule, ...]
    penalties: dict[str, PenaltyRule]
    cap: CapRule
    floor: FloorRule
    title_points: dict[str, Exact]
    title_ref: Ref
    posts: dict[str, PostRule]
    post_ref: Ref
    items: dict[str, ItemRule]
    deductions: dict[str, DeductionRule]
    attendance: AttendanceRule
    participation: ParticipationRule
    exclusions: ExclusionRule
    post_bonus: PostBonusRule
    # Optional so documents adopted before the rule existed still parse: an adopted
    # scheme is never edited, so the model may only grow optional fields.
    study_leave: StudyLeaveRule | None = None
    appeals: AppealRule | None = None
    year_end: YearEndRule
    individual_score_ref: Ref
    staff: StaffRule | None = None  # None: scheme 11's (`scheme_11_staff`)
    # A-G-5, round once: "once" keeps every intermediate exact (docs/rounding.md). Unset,
    # the rounding of the versions adopted before it stays, so their statements never change.
    rounding: Literal["once"] | None = None

    GROWN_FIELDS: ClassVar[frozenset[str]] = frozenset({"staff", "rounding"})
    SNAPSHOT_KEPT: ClassVar[tuple[str, ...]] = ("sha256", "staff_rules")

    @functools.cached_property
    def staff_rules(self) -> StaffRule:
        """The categories and leave kinds in force: the document's, or scheme 11's."""
        return self.staff or scheme_11_staff(self.participation, self.exclusions)

    @model_validator(mode="after")
    def _references_resolve(self) -> "HospitalPayScheme":
        for kind, rule in self.deductions.items():
            if rule.item != "penalty" and rule.item not in self.items:
                raise ValueError(f"deduction {kind!r} names unknown item {rule.item!r}")
        if "staff" not in self.posts:
            raise ValueError("posts must include 'staff' (no add-on)")
        categories = self.staff_rules.categories
        unrated = sorted(name for name, rule in categories.items()
                         if rule.pay == "performance" and name not in self.participation.ratios)
        if unrated:
            raise ValueError(f"categories {unrated} take part but have no participation ratios")
        return self


Scheme = HospitalPayScheme
PAY_SCHEME_KIND = "hospital_two_level"
GRADING_KIND = "grading"  # domain/grading.py's schemes: named here, below them


@functools.cache
def _cached_names(cls: type) -> tuple[str, ...]:
    return tuple(name for klass in cls.__mro__ for name, value in vars(klass).items()
                 if isinstance(value, functools.cached_property))


def canonical_dumps(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
