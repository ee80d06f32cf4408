"""The expression language of grading schemes: figures, conditions and pay lines.

Numbers (exact, never float), 'text', names, + - * /, comparisons, and/or/not,
`a if c else b`, and calls of the functions in FUNCTIONS; `parse_expression` is the whole
grammar and `evaluate` the whole semantics but for names and calls, which the
environment answers (projections/grading/env.py).
"""

from __future__ import annotations

import ast
import numbers
from fractions import Fraction
from functools import lru_cache
from typing import Annotated, Any, Protocol

from pydantic import AfterValidator

EXPRESSION_LENGTH_MAX = 2000

# name → (fewest, most) arguments. The semantics are in projections/grading/
# (functions.py, rollups.py), each one entry of a registry by the same name.
FUNCTIONS: dict[str, tuple[int, int]] = {
    "min": (1, 16), "max": (1, 16), "clamp": (3, 3), "abs": (1, 1),
    "floor": (1, 1), "ceil": (1, 1), "round_half_up": (1, 1),
    "when": (3, 3),                       # when(condition, then, otherwise), lazy
    "has": (1, 1),                        # 1 if the input is recorded (or a figure exists)
    "sum": (1, 1), "mean": (1, 1), "count": (1, 1), "trimmed_mean": (1, 1),
    "sumproduct": (2, 3),                 # Σ aᵢ·bᵢ(·cᵢ) over list inputs of equal length
    "sanctions": (2, 2),                  # sanctions('kind|kind', 'period'|'year'|'active')
    "sanction_days": (1, 1),              # days of the period under active sanctions
    "complaints": (1, 2),                 # complaints('period'|'year', verified_only=1)
    "derived": (2, 2),                    # derived('kind', window): policy-derived facts
    "grade_of": (1, 1),                   # another pipeline's final grade, same period
    "figure_of": (2, 2),                  # another pipeline's figure, same period
    "count_where": (2, 3),                # sub-periods of a source where an expression holds
    "mean_where": (2, 3),                 # mean of a figure over a source's sub-periods
    "previous_grade": (1, 1),             # this pipeline's grade n periods earlier
    "outside": (1, 1),                    # a result recorded from outside the ledger
    "members_sum": (2, 2),                # Σ of a figure of another pipeline over members
    "table": (2, 2),                      # a scheme lookup table
    "scope": (1, 1),                      # the subject's scope value (text)
    "rank": (1, 1), "rank_low": (1, 1),   # 1 + how many in scope are above / below
    "amount_for": (1, 1),                 # pay: the line's fixed amount for a grade
    "coefficient_for": (1, 1),            # a grade's coefficient in the pipeline's grades
    # Named calculations of domain/calculations.py: progressive(name, amount[, rate]),
    # step(name, value), ladder(name, count), share(name, amount, 'role').
    "progressive": (2, 3), "step": (2, 2), "ladder": (2, 2), "share": (3, 3),
}
_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp,
          ast.Call, ast.Name, ast.Constant, ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div,
          ast.USub, ast.UAdd, ast.Not, ast.And, ast.Or, ast.Eq, ast.NotEq, ast.Lt, ast.LtE,
          ast.Gt, ast.GtE)


class ExpressionError(ValueError):
    pass


class MissingInputError(LookupError):
    """An expression needs an input the subject does not have."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@lru_cache(maxsize=4096)
def parse_expression(text: str) -> ast.Expression:
    """The syntax tree of an expression, or ExpressionError naming what is not allowed:
    numbers, 'text', names, + - * /, comparisons, and/or/not, `a if c else b` and the
    calls in FUNCTIONS. Numbers keep their literal text (never a float)."""
    if len(text) > EXPRESSION_LENGTH_MAX:
        raise ExpressionError(f"an expression is at most {EXPRESSION_LENGTH_MAX} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"{text!r} is not an expression: {error.msg}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _NODES):
            raise ExpressionError(f"{text!r}: {type(node).__name__} is not allowed")
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name not in FUNCTIONS or node.keywords:
                raise ExpressionError(f"{text!r}: unknown function {name!r}; known: "
                                      f"{', '.join(sorted(FUNCTIONS))}")
            low, high = FUNCTIONS[name]
            if not low <= len(node.args) <= high:
                raise ExpressionError(f"{text!r}: {name}() takes {low}-{high} arguments")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (numbers.Real, str)):
            raise ExpressionError(f"{text!r}: constant {node.value!r} is not allowed")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (str, bool)):
            # The literal's own text, exactly: 0.6 is 3/5, never the float 0.59999….
            node.exact = Fraction(ast.get_source_segment(text.strip(), node) or "0")  # type: ignore[attr-defined]
    return tree


def check_expression(text: str) -> str:
    parse_expression(text)
    return text


Expression = Annotated[str, AfterValidator(check_expression)]
Value = Fraction | str


class Environment(Protocol):
    """What an expression can see; projections/grading/env.py provides it."""

    def name(self, name: str) -> Value: ...

    def call(self, function: str, arguments: list[Any]) -> Value: ...


def evaluate(text: str, env: Environment) -> Value:
    """The exact value of an expression: a Fraction, or text (a grade, a scope value).
    Booleans are 1 and 0. `when`, `a if c else b`, `and` and `or` evaluate lazily, so a
    branch that would need a missing input is never reached."""
    tree = parse_expression(text)
    return _evaluate(tree.body, env, text.strip())


def _truth(value: Value) -> bool:
    return bool(value)


def _number(value: Value, text: str) -> Fraction:
    if isinstance(value, str):
        raise ExpressionError(f"{text!r}: {value!r} is text where a number is needed")
    return value


def _evaluate(node: ast.AST, env: Environment, text: str) -> Value:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return node.value
        if isinstance(node.value, bool):
            return Fraction(int(node.value))
        return node.exact  # type: ignore[attr-defined, no-any-return]
    if isinstance(node, ast.Name):
        return env.name(node.id)
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, env, text)
        if isinstance(node.op, ast.Not):
            return Fraction(int(not _truth(operand)))
        number = _number(operand, text)
        return -number if isinstance(node.op, ast.USub) else number
    if isinstance(node, ast.BinOp):
        left = _number(_evaluate(node.left, env, text), text)
        right = _number(_evaluate(node.right, env, text), text)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            raise ExpressionError(f"{text!r}: division by zero")
        return left / right
    if isinstance(node, ast.BoolOp):
        is_and = isinstance(node.op, ast.And)
        for value_node in node.values:
            if _truth(_evaluate(value_node, env, text)) != is_and:
                return Fraction(int(not is_and))
        return Fraction(int(is_and))
    if isinstance(node, ast.Compare):
        current: Value = _evaluate(node.left, env, text)
        for op, following_node in zip(node.ops, node.comparators, strict=True):
            following = _evaluate(following_node, env, text)
            if not _compare(op, current, following, text):
                return Fraction(0)
            current = following
        return Fraction(1)
    if isinstance(node, ast.IfExp):
        chosen = node.body if _truth(_evaluate(node.test, env, text)) else node.orelse
        return _evaluate(chosen, env, text)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        if name == "when":
            test, then, otherwise = node.args
            chosen = then if _truth(_evaluate(test, env, text)) else otherwise
            return _evaluate(chosen, env, text)
        arguments = [_evaluate(argument, env, text) for argument in node.args]
        return env.call(name, arguments)
    raise ExpressionError(f"{text!r}: cannot evaluate {type(node).__name__}")


def _compare(op: ast.cmpop, left: Value, right: Value, text: str) -> bool:
    if isinstance(op, ast.Eq):
        return left == right
    if isinstance(op, ast.NotEq):
        return left != right
    a, b = _number(left, text), _number(right, text)
    if isinstance(op, ast.Lt):
        return a < b
    if isinstance(op, ast.LtE):
        return a <= b
    if isinstance(op, ast.Gt):
        return a > b
    return a >= b


def names_in(text: str) -> set[str]:
    """The bare names an expression reads (inputs, figures, variables)."""
    return {node.id for node in ast.walk(parse_expression(text)) if isinstance(node, ast.Name)}
