"""Pools a grading pipeline shares out among its subjects once each one's pay is known.

Three kinds, each a pydantic model checked when the scheme is parsed, and each computed
by projections/grading/pools.py:

* `per_point`: a pool funded by each member's contribution (004-S5-R8: the 40 % of the file
  wage above the 60 % basic) and paid in proportion to points (a score below 0 counts 0);
  a unit-level `gate` can empty it (004-S5-R1 「亏欠不发」);
* `redistribute`: the money a pay line withheld from the group (cuts of failing subjects)
  goes, by rank bands, to eligible subjects (004-S15-R11/R12: 60 % to the top 10 %, 40 % to
  the 10-20 % band, AMB-21);
* `unit_rate`: a budget paid per unit of work (above the group mean, 004-S12-R2) at
  budget ÷ units, never below a floor rate; a shortfall is drawn from a reserve, and
  what the reserve keeps is split equally among all members (004-S12-R4, AMB-18).

Every split of money is by largest remainder, so the parts add up to the pool exactly.
Unit-level numbers (a school's total, a centre's surplus) are expressions evaluated on
the member's unit in `unit_pipeline`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from domain.expressions import Expression
from domain.money import to_exact
from domain.scheme import Frozen, Ref

Exact = Annotated[Decimal, BeforeValidator(to_exact)]
Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")]


class _PoolBase(Frozen):
    id: Code  # reported as a pay line of this id on each member
    label: str
    pipeline: Code  # the pipeline whose subjects share the pool (same period)
    # "all": every subject the pipeline assesses is one group; "unit": one group per unit
    # (the subjects' unit_id), each with its own pool.
    group: Literal["all", "unit"] = "all"
    unit_pipeline: Code | None = None  # where unit-level expressions are evaluated
    ref: Ref

    def unit_expressions(self) -> tuple[str, ...]:
        return ()

    @model_validator(mode="after")
    def _unit_side(self) -> _PoolBase:
        if self.unit_expressions() and self.unit_pipeline is None:
            raise ValueError(f"分配池 {self.id}: 单位层面的金额需指定 unit_pipeline "
                             f"(unit-level amounts need unit_pipeline)")
        if self.unit_pipeline is not None and self.group != "unit":
            raise ValueError(f"分配池 {self.id}: unit_pipeline 须配 group: unit "
                             f"(unit_pipeline goes with group: unit)")
        return self


class PerPointPool(_PoolBase):
    kind: Literal["per_point"]
    contribution: Expression  # per member, yuan; summed into the pool
    points: Expression  # per member; below 0 counts as 0 (AMB-15)
    gate: Expression | None = None  # on the unit: the pool is empty unless it holds

    def unit_expressions(self) -> tuple[str, ...]:
        return (self.gate,) if self.gate else ()


def _positive_share(value: Decimal) -> Decimal:
    if not 0 < value <= 1:
        raise ValueError(f"比例 {value} 应大于 0、不超过 1 (a share in (0, 1]: 0.6 is 60 %)")
    return value


# A validator rather than Field(gt=…, le=…): the published JSON Schema keeps to strings
# and integers (the HTTP body model of /scheme-json-schema has no floats).
PositiveShare = Annotated[Decimal, BeforeValidator(to_exact), AfterValidator(_positive_share)]


class RankBand(Frozen):
    """The subjects ranked within the top `top_share` of the group (after the bands
    above), given `share` of the pool."""

    top_share: PositiveShare
    share: PositiveShare
    label: str


class RedistributePool(_PoolBase):
    kind: Literal["redistribute"]
    from_lines: tuple[Code, ...] = Field(min_length=1)  # pay lines whose withheld funds it
    rank_by: Code  # a figure of the pipeline, best first
    eligible: Expression  # who may receive (e.g. grade == 'excellent')
    bands: tuple[RankBand, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _bands_add_up(self) -> RedistributePool:
        if sum(b.share for b in self.bands) != 1:
            raise ValueError(f"分配池 {self.id}: 各档份额之和须为 1 "
                             "(band shares must add up to 1, 100 %)")
        tops = [b.top_share for b in self.bands]
        if tops != sorted(set(tops)):
            raise ValueError(f"分配池 {self.id}: 各档 top_share 须递增 "
                             f"(band top_share values must increase)")
        return self


class UnitRatePool(_PoolBase):
    kind: Literal["unit_rate"]
    units: Expression  # per member: the work counted (lessons)
    above_mean: bool = True  # count only the units above the group mean (超课时)
    budget: Expression  # on the unit, yuan
    floor_rate: Exact | None = None  # yuan per unit, at least
    reserve: Expression | None = None  # on the unit, yuan: covers a shortfall
    leftover_line: Code | None = None  # pay line id of the reserve's leftover, split equally
    leftover_label: str = "机动费用余额平均分配 (reserve leftover, split equally)"

    def unit_expressions(self) -> tuple[str, ...]:
        return tuple(e for e in (self.budget, self.reserve) if e)

    @model_validator(mode="after")
    def _leftover_needs_reserve(self) -> UnitRatePool:
        if self.leftover_line is not None and self.reserve is None:
            raise ValueError(f"分配池 {self.id}: leftover_line 需要 reserve "
                             f"(leftover_line needs a reserve)")
        return self


PoolRule = Annotated[PerPointPool | RedistributePool | UnitRatePool, Field(discriminator="kind")]


def pool_problems(pools: tuple[PerPointPool | RedistributePool | UnitRatePool, ...],
                  pipelines: Mapping[str, tuple[str, set[str], set[str]]]) -> list[str]:
    """What a scheme's pools name that its pipelines lack; `pipelines` maps each name to
    (period, figure names, pay line ids)."""
    problems = []
    ids = [p.id for p in pools]
    if len(set(ids)) != len(ids):
        problems.append("两个分配池同名 (two pools share an id)")
    for pool in pools:
        found = pipelines.get(pool.pipeline)
        if found is None:
            problems.append(f"分配池 {pool.id}: 没有流程 {pool.pipeline!r} (no such pipeline)")
            continue
        period, figures, lines = found
        unit = pipelines.get(pool.unit_pipeline) if pool.unit_pipeline else None
        if pool.unit_pipeline and (unit is None or unit[0] != period):
            problems.append(f"分配池 {pool.id}: unit_pipeline {pool.unit_pipeline!r} 不是按 "
                            f"{period} 考核的流程 (not a pipeline graded by {period})")
        if isinstance(pool, RedistributePool):
            problems += [f"分配池 {pool.id}: {pool.pipeline} 中没有发放项 {line!r} "
                         "(no such pay line)" for line in pool.from_lines if line not in lines]
            if pool.rank_by not in figures:
                problems.append(f"分配池 {pool.id}: rank_by {pool.rank_by!r} 不是指标 "
                                "(not a figure)")
    return problems
