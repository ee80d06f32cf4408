"""What a scheme's population calculations (domain/calculations.py) name that its
pipelines must have, the reading of documents adopted with the older `pools:` list, and
the canonical (hashed) form that keeps an unchanged document's SHA-256 as the model grows.

Until pools and calculations were one mechanism, a scheme listed the amounts shared out
after pay under `pools:` (kinds `per_point`, `redistribute`, `unit_rate`, each with an
`id`). Adopted documents are stored whole and never rewritten, so such a document is read
as the calculations it is: each pool a calculation named by its id, `into: pay_line`,
with its kind's new name and its bands' `top_share` as `up_to_share`. Its results are the
same; its stored SHA-256 is the one its statements cite.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.calculations import Population, Redistribution

# English message ids, worded where they are shown (scheme check); their Chinese are
# templates of api/i18n/error_templates.py
POOL_ID = "pool {name}: no id, or one a calculation has; a pool needs an id no calculation has"
NOT_UNIT_PIPELINE = "pool {name}: unit_pipeline {pipeline} is not a pipeline graded by {period}"
NO_PAY_LINE = "pool {name}: {pipeline} has no pay line {line}"
NOT_A_FIGURE = "pool {name}: rank_by {figure} is not a figure"

LEGACY_KINDS = {"per_point": "per_point_pool", "redistribute": "redistribution",
                "unit_rate": "unit_rate"}


def read_legacy_pools(data: Any) -> Any:
    """A scheme document with `pools:` as one with those pools among its calculations."""
    if not isinstance(data, dict) or "pools" not in data:
        return data
    data = dict(data)
    pools = data.pop("pools")
    if not pools:
        return data
    calculations = dict(data.get("calculations") or {})
    for legacy in pools:
        pool = dict(legacy)
        name = pool.pop("id", None)
        if not isinstance(name, str) or name in calculations:
            raise ValueError(POOL_ID.format(name=repr(name)))
        kind = pool.get("kind")
        pool["kind"] = LEGACY_KINDS.get(kind, kind) if isinstance(kind, str) else kind
        pool["into"] = "pay_line"
        if isinstance(pool.get("bands"), list):
            pool["bands"] = [{("up_to_share" if k == "top_share" else k): v
                              for k, v in band.items()} for band in pool["bands"]]
        calculations[name] = pool
    data["calculations"] = calculations
    return data


# Parameters population calculations gained when pools joined them, at the value that
# means "not used"; a figure redistribution's unset rounding is the half_up it had.
_GROWN = {"into": "figure", "group": "all", "unit_pipeline": None, "gate": None,
          "from_lines": None, "eligible": None, "unit_fund": None}
# What a pay-line calculation had no field for while it was a pool.
_NOT_IN_POOLS = {"pool_from": None, "factor": None, "adjustment": None, "cut": None,
                 "rounding": None, "unit_fund": None}
_OLD_KINDS = {new: old for old, new in LEGACY_KINDS.items()}


def canonical_calculations(calculations: Mapping[str, Any]
                           ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The canonical form (hashed) of a scheme's calculations, a model_dump in JSON mode:
    the grown parameters of a figure-shared calculation left out while unused, and the
    pay-line ones in the `pools` form they were first hashed in, so a scheme whose
    results did not change keeps its SHA-256 across the merge of the two."""
    kept: dict[str, Any] = {}
    pools: list[dict[str, Any]] = []
    for name, calc in calculations.items():
        if calc.get("into") == "pay_line" and all(
                calc.get(k) == v for k, v in _NOT_IN_POOLS.items()) and (
                calc.get("kind") != "redistribution" or calc.get("eligible") is not None):
            pools.append(_as_pool(name, calc))
        elif calc.get("kind") in ("per_point_pool", "redistribution") and \
                calc.get("into") == "figure":
            kept[name] = _as_figure(calc)
        else:
            kept[name] = calc
    return kept, pools


def canonical_grading(data: dict[str, Any], grown: tuple[str, ...]) -> dict[str, Any]:
    """A grading scheme's model_dump (JSON mode, in the document's order: pools are a
    list) in its canonical form: the `grown` top-level fields left out while unset,
    calculations as above, a pipeline's grown `month_closes` left out while unset."""
    # `also_implements` grew on every kind (domain/scheme.py BASE_GROWN).
    for name in (*grown, "also_implements"):
        if data.get(name) is None:
            data.pop(name, None)
    if data.get("calculations"):
        kept, pools = canonical_calculations(data.pop("calculations"))
        data.update({"calculations": kept} if kept else {})
        data.update({"pools": pools} if pools else {})
    data["pipelines"] = [{k: v for k, v in p.items() if k != "month_closes" or v is not None}
                         for p in data.get("pipelines", ())]
    return data


def _as_pool(name: str, calc: Mapping[str, Any]) -> dict[str, Any]:
    pool = {k: v for k, v in calc.items() if k != "into" and k not in _NOT_IN_POOLS}
    pool["kind"] = _OLD_KINDS[calc["kind"]]
    if "bands" in pool:
        pool["bands"] = [{("top_share" if k == "up_to_share" else k): v
                          for k, v in band.items()} for band in pool["bands"]]
    return {"id": name, **pool}


def _as_figure(calc: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in calc.items() if k not in _GROWN or v != _GROWN[k]}
    if out["kind"] == "redistribution":
        out["rounding"] = out.get("rounding") or "half_up"
        out["bands"] = [{k: v for k, v in band.items() if k != "label" or v is not None}
                        for band in out["bands"]]
    return out


def population_problems(calculations: Mapping[str, Any],
                        pipelines: Mapping[str, tuple[str, set[str], set[str]]]) -> list[str]:
    """What a scheme's population calculations name that its pipelines lack; `pipelines`
    maps each name to (period, figure names, pay line ids)."""
    problems = []
    for name, calc in calculations.items():
        if not isinstance(calc, Population):
            continue
        found = pipelines.get(calc.pipeline)
        if found is None:
            problems.append(f"calculation {name}: no pipeline {calc.pipeline!r}")
            continue
        if calc.into == "pay_line":
            problems += _pay_line_problems(name, calc, found, pipelines)
    return problems


def _pay_line_problems(name: str, calc: Population, found: tuple[str, set[str], set[str]],
                       pipelines: Mapping[str, tuple[str, set[str], set[str]]]) -> list[str]:
    period, figures, lines = found
    problems = []
    unit = pipelines.get(calc.unit_pipeline) if calc.unit_pipeline else None
    if calc.unit_pipeline and (unit is None or unit[0] != period):
        problems.append(NOT_UNIT_PIPELINE.format(name=name, pipeline=repr(calc.unit_pipeline),
                                                 period=period))
    if isinstance(calc, Redistribution):
        problems += [NO_PAY_LINE.format(name=name, pipeline=calc.pipeline, line=repr(line))
                     for line in calc.from_lines or () if line not in lines]
        if calc.rank_by not in figures:
            problems.append(NOT_A_FIGURE.format(name=name, figure=repr(calc.rank_by)))
    return problems
