"""Pay by grade: each pay line of the pipeline, by its kind, rounded once, half up, to the
fen; a line with a base reconciles (base = paid + withheld), or an invariant refuses it.

Labels cite the line's own share, instalments and rates, so they follow the scheme.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from domain.errors import invariant
from domain.expressions import ExpressionError, MissingInputError, evaluate
from domain.grading import PayLine, Tranche
from domain.money import ZERO, allocate_largest_remainder, sum_cny
from projections.exact import cny_half_up
from projections.figures import exact_text, money_text
from projections.grading.context import GradingContext
from projections.grading.env import SubjectEnv, holds
from projections.grading.model import PayResult, PipelineResult, SubjectResult
from projections.grading.reading import num


def pay_by_grade(run: GradingContext, result: PipelineResult) -> None:
    for subject in result.subjects.values():
        for line in result.pipeline.pay:
            subject.pay.append(_pay_line(run, result, subject, line))


def _pay_line(run: GradingContext, result: PipelineResult, subject: SubjectResult,
              line: PayLine) -> PayResult:
    pay = PayResult(line, "ok")
    if subject.status == "blocked":
        pay.status, pay.reason = "blocked", "; ".join(subject.problems)
        return pay
    env = SubjectEnv(run, result, subject, pay_line=line)
    if line.when is not None and not holds(env, line.when):
        pay.status, pay.reason = "not applicable", f"applies when {line.when}"
        return pay
    needs_grade = bool(result.pipeline.grades) and line.kind != "base_factor"
    if needs_grade and subject.status == "pending":
        pay.status, pay.reason = "pending", "the grade is not settled yet"
        return pay
    try:
        PAY_KINDS[line.kind](env, pay)
    except MissingInputError as missing:
        pay.status, pay.reason = "blocked", f"no {missing.name} recorded for {result.period}"
        pay.paid_cny = pay.withheld_cny = ZERO
        return pay
    except ExpressionError as error:
        pay.status, pay.reason = "blocked", str(error)
        pay.paid_cny = pay.withheld_cny = ZERO
        return pay
    pay.events |= env.events
    if pay.base_cny is not None and pay.status == "ok":
        invariant(pay.paid_cny + pay.withheld_cny == pay.base_cny,
                  f"pay line {line.id} does not reconcile")
    return pay


def _part(label: str, amount: Decimal | None, formula: str, env: SubjectEnv,
          value: Fraction) -> dict[str, Any]:
    return {"label": label, "amount": None if amount is None else money_text(amount),
            "value": exact_text(value), "formula": formula,
            "inputs": dict(sorted(env.literals.items()))}


def _amount(env: SubjectEnv, pay: PayResult) -> None:
    line = pay.line
    env.reset()
    amount = num(evaluate(line.amount or "0", env))
    pay.paid_cny = cny_half_up(amount)
    pay.parts.append(_part(line.label, pay.paid_cny, line.amount or "", env, amount))


def _base_factor(env: SubjectEnv, pay: PayResult) -> None:
    line = pay.line
    env.reset()
    base = num(evaluate(line.base or "0", env))
    base_part = _part("base", cny_half_up(base), line.base or "", env, base)
    env.reset()
    factor = num(evaluate(line.factor or "1", env))
    pay.base_cny = cny_half_up(base)
    pay.paid_cny = cny_half_up(base * factor)
    pay.withheld_cny = pay.base_cny - pay.paid_cny
    pay.parts += [base_part,
                  _part("factor", None, line.factor or "", env, factor),
                  {"label": line.label, "amount": money_text(pay.paid_cny),
                   "formula": "base × factor, rounded half up once"}]


def _held_back(env: SubjectEnv, pay: PayResult) -> None:
    """The base is paid `immediate_share` in instalments; the rest in tranches, each
    settled by its own grade; every split of the base is by largest remainder."""
    line = pay.line
    env.reset()
    base = num(evaluate(line.base or "0", env))
    base_cny = cny_half_up(base)
    immediate_share = Fraction(line.immediate_share or 0)
    # One allocation of the base: each monthly instalment and each held tranche is rounded
    # once, by largest remainder, so together they are the base to the fen.
    weights = {f"instalment-{n:02d}": immediate_share / line.instalments
               for n in range(1, line.instalments + 1)}
    weights |= {f"tranche-{n}": (1 - immediate_share) * Fraction(t.share)
                for n, t in enumerate(line.tranches, start=1)}
    split = allocate_largest_remainder(base_cny, weights)
    instalments = [v for k, v in sorted(split.items()) if k.startswith("instalment-")]
    split["immediate"] = sum_cny(instalments)
    pay.base_cny = base_cny
    pay.parts.append(_part("base", base_cny, line.base or "", env, base))
    exact = base * immediate_share  # the exact share, before the instalments' rounding
    pay.parts.append({
        "label": f"immediate {exact_text(immediate_share * 100)} %",
        "amount": money_text(split["immediate"]), "value": exact_text(exact),
        "instalment_value": exact_text(exact / line.instalments),
        "formula": f"base × {exact_text(immediate_share)}, in "
                   f"{line.instalments} instalment(s)",
        "instalments": [money_text(v) for v in instalments]})
    paid, withheld, pending = split["immediate"], ZERO, False
    for n, tranche in enumerate(line.tranches, start=1):
        settled = _settle(env, tranche, split[f"tranche-{n}"], pay)
        if settled is None:
            pending = True
            continue
        paid += settled
        withheld += split[f"tranche-{n}"] - settled
    pay.paid_cny, pay.withheld_cny = paid, withheld
    if pending:
        pay.status, pay.reason = "pending", "a tranche's grade is not settled yet"
        pay.withheld_cny = base_cny - paid - sum_cny(
            split[f"tranche-{n}"] for n, t in enumerate(line.tranches, start=1)
            if _tranche_grade(env, t)[0] is None)
        pay.base_cny = None


def _settle(env: SubjectEnv, tranche: Tranche, amount: Decimal, pay: PayResult
            ) -> Decimal | None:
    """One tranche at the rate for its grade, or None while that grade is not settled."""
    grade, where = _tranche_grade(env, tranche)
    if grade is None:
        pay.parts.append({"label": tranche.label, "amount": money_text(amount),
                          "grade": None, "formula": f"awaiting the grade of {where}"})
        return None
    rate = Fraction(pay.line.rates.get(grade, Decimal(0)))
    settled = cny_half_up(Fraction(amount) * rate)
    pay.parts.append({
        "label": tranche.label, "held": money_text(amount), "grade": grade,
        "grade_of": where, "rate": exact_text(rate), "amount": money_text(settled),
        "withheld": money_text(amount - settled),
        "formula": f"held × rate for {grade} ({where})"})
    return settled


def _tranche_grade(env: SubjectEnv, tranche: Tranche) -> tuple[str | None, str]:
    run, result, subject = env.run, env.result, env.subject
    if tranche.source == "self":
        return subject.grade, f"{result.pipeline.name} {result.period}"
    pipeline = run.scheme.pipeline(tranche.source)
    if pipeline is None:
        raise ExpressionError(f"tranche source {tranche.source!r} is not a pipeline")
    subs = result.period.sub_periods(pipeline.period)
    index = (tranche.sub_index or 1) - 1
    if not 0 <= index < len(subs):
        raise ExpressionError(f"tranche {tranche.label}: no sub-period {tranche.sub_index}")
    other = run.run(tranche.source, subs[index]).subjects.get(subject.subject_id)
    return (other.grade if other else None), f"{tranche.source} {subs[index]}"


PayKind = Callable[[SubjectEnv, PayResult], None]
# Pay line kinds by name; a line's `kind` is checked when its scheme is parsed.
PAY_KINDS: Mapping[str, PayKind] = {
    "amount": _amount, "base_factor": _base_factor, "held_back": _held_back}
