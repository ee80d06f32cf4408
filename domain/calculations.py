"""Calculation kinds a grading scheme combines by name, each with its parameters
validated here, so a new scheme made of existing kinds is a YAML file only.

A scheme declares its calculations once, by name, under `calculations:`; figures, forced
grades and pay lines call them (`progressive('defect_share', compensation)`), and the
population kinds (a per-point pool, the redistribution of cuts, a budget per unit of
work) share an amount among a pipeline's subjects: `into: figure` as the `calculations`
stage right after its figures, `into: pay_line` as the `pools` stage after pay (one
mechanism; documents adopted with the older `pools:` list are read as these, by
domain/grading_pools.py). Every explanation is written from the
calculation's own values (`describe`), so changing a number in the file changes every
text that cites it.

The kinds the pipeline model already had are listed in `EXISTING_KINDS` with where they
live; `CALCULATION_KINDS` is the registry of the rest, one row per kind.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from domain.expressions import Expression
from domain.label_fields import LabelText
from domain.money import to_exact
from domain.scheme import Frozen, Ref

Exact = Annotated[Decimal, BeforeValidator(to_exact)]


def _share(value: Decimal) -> Decimal:
    if not 0 <= value <= 1:
        raise ValueError(NOT_A_SHARE.format(value=value))
    return value


def _not_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError(NEGATIVE.format(value=value))
    return value


# Bounds as validators, not Field(ge=…): the JSON Schema then keeps to strings and ints.
Share = Annotated[Decimal, BeforeValidator(to_exact), AfterValidator(_share)]
NotNegative = Annotated[Decimal, BeforeValidator(to_exact), AfterValidator(_not_negative)]
Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")]
ONE = Decimal(1)

# What a clerk reads when a calculation's parameters do not hold (scheme check): English
# message ids, worded where they are shown; their Chinese are templates of
# api/i18n/error_templates.py.
NOT_A_SHARE = "the share {value} is not between 0 and 1 (0.15 is 15 %)"
NEGATIVE = "{value} is negative; it must not be"
LAST_OPEN = "only the last band may have no upper bound, up_to"
RATE_OR_RANGE = "each band needs a rate, or a rate_range chosen per case: one of the two"
POOL_SOURCE = "a pool needs one of contribution, pool_from or unit_fund"
UP_TO_SHARE = "up_to_share must increase band by band: a gap or an overlap"
RANGE_OUTSIDE = "rate_range {low}–{high} is not within 0–100 %, or its low is above its high"
SHARES_SUM = "the shares add up to {total}, not 100 %"
BOUNDS_RISE = ("band bounds, up_to, must be positive and increase: a gap or an overlap "
               "between bands")
STEPS_RISE = ("step rows go from the lowest bound up, each bound once: a band table with an "
              "overlap")
UNIT_AMOUNT = "unit-level amounts need unit_pipeline"
UNIT_GROUP = "unit_pipeline goes with group: unit"
NO_CUT = "the cut is needed: cut for into: figure, from_lines for into: pay_line"
NO_RESERVE = "leftover_line needs a reserve"


def percent(value: Decimal) -> str:
    """0.15 → 15%, 0.025 → 2.5%: how the regulations write a rate."""
    text = format((value * 100).normalize(), "f")
    return f"{text}%"


def number(value: Decimal) -> str:
    return format(value.normalize(), "f")


# ------------------------------------------------------------- per-subject kinds


class Tier(Frozen):
    """One band of a progressive table: the part of the amount up to `up_to` (inclusive;
    none on the last band) takes `rate`, or a rate chosen per case within `rate_range`."""

    up_to: Exact | None = None
    rate: Share | None = None
    rate_range: tuple[Exact, Exact] | None = None
    label: LabelText | None = None


class Progressive(Frozen):
    """累进分段: each band's slice of the amount at the band's rate, summed (tax-bracket
    style): a tiered commission or a liability share (医疗纠纷分担)."""

    kind: Literal["progressive"]
    label: LabelText
    tiers: tuple[Tier, ...] = Field(min_length=1)
    ref: Ref

    @model_validator(mode="after")
    def _tiers(self) -> Progressive:
        bounds = [t.up_to for t in self.tiers]
        if any(b is None for b in bounds[:-1]):
            raise ValueError(LAST_OPEN)
        known = [b for b in bounds if b is not None]
        if any(b <= 0 for b in known) or any(a >= b for a, b in itertools.pairwise(known)):
            raise ValueError(BOUNDS_RISE)
        for tier in self.tiers:
            if (tier.rate is None) == (tier.rate_range is None):
                raise ValueError(RATE_OR_RANGE)
            low, high = tier.rate_range or (Decimal(0), Decimal(0))
            if tier.rate_range and not 0 <= low <= high <= 1:
                raise ValueError(RANGE_OUTSIDE.format(low=percent(low), high=percent(high)))
        return self

    def describe(self) -> str:
        parts, low = [], Decimal(0)
        for tier in self.tiers:
            rate = percent(tier.rate) if tier.rate is not None else (
                "–".join(percent(r) for r in tier.rate_range or ()) + " (per case)")
            span = (f"{number(low)}–{number(tier.up_to)}" if tier.up_to is not None
                    else f"> {number(low)}")
            parts.append(f"{span} × {rate}")
            low = tier.up_to if tier.up_to is not None else low
        return f"{self.label}: " + " + ".join(parts) + " (累进)"


class StepRow(Frozen):
    min: Exact
    inclusive: bool = True
    value: Exact


class Step(Frozen):
    """A band table giving one value (a coefficient, an award): the highest row whose
    lower bound the input reaches; below every row, `otherwise`."""

    kind: Literal["step"]
    label: LabelText
    rows: tuple[StepRow, ...] = Field(min_length=1)
    otherwise: Exact = Decimal(0)
    ref: Ref

    @model_validator(mode="after")
    def _rows(self) -> Step:
        mins = [r.min for r in self.rows]
        if any(a >= b for a, b in itertools.pairwise(mins)):
            raise ValueError(STEPS_RISE)
        return self

    def describe(self) -> str:
        rows = ", ".join(f"{'≥' if r.inclusive else '>'} {number(r.min)} → {number(r.value)}"
                         for r in self.rows)
        return f"{self.label}: {rows}; otherwise {number(self.otherwise)}"


class Ladder(Frozen):
    """扣分阶梯: the n-th occurrence costs `steps[n-1]`, each one after the last step
    costs `then`; the total is capped at `cap` when there is one."""

    kind: Literal["ladder"]
    label: LabelText
    steps: tuple[Exact, ...] = Field(min_length=1)
    then: Exact | None = None
    cap: NotNegative | None = None
    ref: Ref

    def describe(self) -> str:
        steps = ", ".join(f"#{n} {number(s)}" for n, s in enumerate(self.steps, 1))
        then = f", each further {number(self.then)}" if self.then is not None else ""
        cap = f", at most {number(self.cap)}" if self.cap is not None else ""
        return f"{self.label}: {steps}{then}{cap}"


class Shares(Frozen):
    """An amount split by role (65 / 25 / 10 %): the shares sum to 100 %."""

    kind: Literal["shares"]
    label: LabelText
    shares: dict[Code, Exact] = Field(min_length=1)
    ref: Ref

    @model_validator(mode="after")
    def _sum(self) -> Shares:
        total = sum(self.shares.values(), Decimal(0))
        if total != ONE or any(v < 0 for v in self.shares.values()):
            raise ValueError(SHARES_SUM.format(total=percent(total)))
        return self

    def describe(self) -> str:
        return f"{self.label}: " + ", ".join(f"{k} {percent(v)}" for k, v in self.shares.items())


# ------------------------------------------------------------- population kinds
#
# One mechanism for every amount a pipeline's subjects share (a per-point pool, cuts
# redistributed, a budget per unit of work). What each subject's part becomes is the
# calculation's `into`:
#   figure   (default) an exact figure of the calculation's name, computed right after the
#            pipeline's figures, so grades, consequences and pay lines read it;
#   pay_line money shared once every member's pay is known, a pay line of the
#            calculation's name, split by largest remainder to the fen; a group with a
#            member still pending or blocked waits (no partial pool is paid).

FITS = "{name} is only for into: {into}, not for into: {other}"


class Adjustment(Frozen):
    """A discretionary adjustment of each computed amount, as a recorded share (+0.10 is
    +10 %): refused beyond ± `max_share`, or when the adjusted total exceeds the pool."""

    input: Code
    max_share: Share
    within_pool: bool = True
    ref: Ref


class _Population(Frozen):
    label: LabelText
    pipeline: Code  # whose subjects share it (same period)
    into: Literal["figure", "pay_line"] = "figure"
    # "all": every subject the pipeline assesses is one group; "unit": one group per unit
    # (the subjects' unit_id), each with its own pool (pay lines only).
    group: Literal["all", "unit"] = "all"
    unit_pipeline: Code | None = None  # where unit-level expressions are evaluated
    ref: Ref

    def unit_expressions(self) -> tuple[str, ...]:
        return ()

    def only_for(self) -> dict[str, tuple[str, bool]]:
        """Parameter → (the `into` it belongs to, whether it is set)."""
        return {"group: unit": ("pay_line", self.group == "unit"),
                "unit_pipeline": ("pay_line", self.unit_pipeline is not None)}

    @model_validator(mode="after")
    def _fits_into(self) -> _Population:
        for name, (into, used) in self.only_for().items():
            if used and into != self.into:
                other = "figure" if into == "pay_line" else "pay_line"
                raise ValueError(FITS.format(name=name, into=into, other=other))
        if self.unit_expressions() and self.unit_pipeline is None:
            raise ValueError(UNIT_AMOUNT)
        if self.unit_pipeline is not None and self.group != "unit":
            raise ValueError(UNIT_GROUP)
        return self


class PerPointPool(_Population):
    """按点数分配: a pool shared in proportion to each subject's points (below 0 counts 0
    when paid as a pay line, AMB-15); the value of a point is pool ÷ Σ points. The pool is
    the sum of each subject's `contribution`, or of a figure of another pipeline
    (`pool_from`, e.g. the company's 5 % of sales), or, as a pay line of a unit's
    members, an amount of the unit itself (`unit_fund`, e.g. a school's evaluation fund,
    002-S15). A `factor` then scales each amount (a
    tenure reduction); what it removes is not redistributed. As a pay line, a `gate` on
    the unit can empty the pool (004-S5-R1 「亏欠不发」), shown as contributions withheld."""

    kind: Literal["per_point_pool"]
    points: Expression
    contribution: Expression | None = None
    pool_from: tuple[Code, Code] | None = None  # (pipeline, figure), same period
    factor: Expression | None = None
    adjustment: Adjustment | None = None
    gate: Expression | None = None  # on the unit: the pool is empty unless it holds
    unit_fund: Expression | None = None  # on the unit, yuan: the pool itself

    def unit_expressions(self) -> tuple[str, ...]:
        return tuple(e for e in (self.gate, self.unit_fund) if e)

    def only_for(self) -> dict[str, tuple[str, bool]]:
        return {**super().only_for(), "pool_from": ("figure", self.pool_from is not None),
                "unit_fund": ("pay_line", self.unit_fund is not None),
                "factor": ("figure", self.factor is not None),
                "adjustment": ("figure", self.adjustment is not None),
                "gate": ("pay_line", self.gate is not None)}

    @model_validator(mode="after")
    def _pool(self) -> PerPointPool:
        sources = (self.contribution, self.pool_from, self.unit_fund)
        if sum(source is not None for source in sources) != 1:
            raise ValueError(POOL_SOURCE)
        return self

    def describe(self) -> str:
        pool = (f"Σ {self.contribution}" if self.contribution is not None
                else f"Σ {self.pool_from[1]} of {self.pool_from[0]}" if self.pool_from
                else f"{self.unit_fund} of the unit" if self.unit_fund else "")
        factor = f" × ({self.factor})" if self.factor else ""
        adjust = self.adjustment
        if adjust is not None:
            cap = ", adjusted total ≤ pool" if adjust.within_pool else ""
            factor += f" × (1 + {adjust.input}, within ±{percent(adjust.max_share)}{cap})"
        gate = f"; empty unless {self.gate} (on the unit)" if self.gate else ""
        return f"{self.label}: pool ({pool}) ÷ Σ points × ({self.points}){factor}{gate}"


class Band(Frozen):
    up_to_share: Share  # of the ranked subjects, best first
    share: Share  # of the amount cut
    label: LabelText | None = None


class Redistribution(_Population):
    """扣减再分配: what is cut from some subjects is shared among the best ranked (by
    `rank_by`), band by band; recipients of a band share it equally. The shares sum to
    100 %, so the total stays the same. As a figure, the cut is the expression `cut` and a
    band ends at `rounding`(up_to_share × N) places; as a pay line, the cut is what the
    pay lines `from_lines` withheld, only the `eligible` receive, and a band ends at
    ⌊up_to_share × N⌋ places (the first at least 1) with a tie at its last place joining
    it (AMB-21); a band nobody eligible ranks in leaves its share to the others."""

    kind: Literal["redistribution"]
    rank_by: Code
    bands: tuple[Band, ...] = Field(min_length=1)
    cut: Expression | None = None
    rounding: Literal["floor", "half_up", "ceil"] | None = None  # figure: half_up unset
    from_lines: tuple[Code, ...] | None = Field(default=None, min_length=1)
    eligible: Expression | None = None

    def only_for(self) -> dict[str, tuple[str, bool]]:
        return {**super().only_for(), "cut": ("figure", self.cut is not None),
                "rounding": ("figure", self.rounding is not None),
                "from_lines": ("pay_line", self.from_lines is not None),
                "eligible": ("pay_line", self.eligible is not None)}

    @model_validator(mode="after")
    def _bands(self) -> Redistribution:
        if (self.cut if self.into == "figure" else self.from_lines) is None:
            raise ValueError(NO_CUT)
        total = sum((b.share for b in self.bands), Decimal(0))
        if total != ONE:
            raise ValueError(SHARES_SUM.format(total=percent(total)))
        ups = [b.up_to_share for b in self.bands]
        if ups[0] <= 0 or any(a >= b for a, b in itertools.pairwise(ups)):
            raise ValueError(UP_TO_SHARE)
        return self

    def describe(self) -> str:
        bands, low = [], Decimal(0)
        for band in self.bands:
            bands.append(f"{percent(low)}–{percent(band.up_to_share)} → {percent(band.share)}")
            low = band.up_to_share
        cut = self.cut if self.from_lines is None else "withheld of " + ", ".join(
            self.from_lines)
        return f"{self.label}: Σ ({cut}) by {self.rank_by}: " + ", ".join(bands)


class UnitRate(_Population):
    """按单位工作量计酬: a unit-level `budget` paid per unit of work counted (above the
    group mean, 004-S12-R2) at budget ÷ units, never below `floor_rate`; a shortfall is
    drawn from `reserve`, and what the reserve keeps is split equally among all members as
    the pay line `leftover_line` (004-S12-R4, AMB-18). Pay lines only."""

    kind: Literal["unit_rate"]
    into: Literal["pay_line"] = "pay_line"
    units: Expression  # per member: the work counted (lessons)
    above_mean: bool = True  # count only the units above the group mean (超课时)
    budget: Expression  # on the unit, yuan
    floor_rate: NotNegative | None = None  # yuan per unit, at least
    reserve: Expression | None = None  # on the unit, yuan: covers a shortfall
    leftover_line: Code | None = None  # pay line id of the reserve's leftover
    leftover_label: LabelText = "机动费用余额平均分配 (reserve leftover, split equally)"

    def unit_expressions(self) -> tuple[str, ...]:
        return tuple(e for e in (self.budget, self.reserve) if e)

    @model_validator(mode="after")
    def _leftover_needs_reserve(self) -> UnitRate:
        if self.leftover_line is not None and self.reserve is None:
            raise ValueError(NO_RESERVE)
        return self

    def describe(self) -> str:
        floor = f", at least {number(self.floor_rate)} a unit" if self.floor_rate else ""
        above = " above the group mean" if self.above_mean else ""
        return f"{self.label}: ({self.budget}) ÷ Σ ({self.units}){above}{floor}"


Population = PerPointPool | Redistribution | UnitRate
Calculation = Annotated[Progressive | Step | Ladder | Shares | PerPointPool | Redistribution
                        | UnitRate, Field(discriminator="kind")]
POPULATION_KINDS = frozenset({"per_point_pool", "redistribution", "unit_rate"})

CALCULATION_KINDS: MappingProxyType[str, type[Frozen]] = MappingProxyType({
    "progressive": Progressive,          # tiered commission, liability bands
    "step": Step,                        # coefficient or award by band
    "ladder": Ladder,                    # deduction ladder by occurrence
    "shares": Shares,                    # split by role
    "per_point_pool": PerPointPool,      # value of a point = pool ÷ Σ points
    "redistribution": Redistribution,    # cuts shared among the best ranked
    "unit_rate": UnitRate,               # a budget per unit of work, floor and reserve
})

# Kinds the pipeline model has had from the start, and where a scheme writes them.
EXISTING_KINDS: MappingProxyType[str, str] = MappingProxyType({
    "banded grade with quotas": "pipelines[*].bands, quotas, tie_break",
    "hold-back and settlement": "pipelines[*].pay[*] kind: held_back (tranches, rates)",
    "coefficient table": "tables, grades[*].coefficient, or a `step` calculation",
})
