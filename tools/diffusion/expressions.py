"""Objectives written as formulas in x (e.g. "x[0]**2 + (x[1] - 1)**2"), evaluated without running code.

The Invoker may describe a small black-box problem by formulas. They are parsed into a Python AST
and walked by hand: only numbers, the variable x indexed by integer constants, + - * / ** %, unary
signs, the constants pi and e, and a fixed list of numpy functions are allowed. Nothing is passed to
eval/exec, so a formula cannot import, call arbitrary functions or touch attributes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from tools.diffusion.problems import reference_point_from_design

FloatArray = NDArray[np.float64]

FUNCTIONS: dict[str, Callable[..., FloatArray]] = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "tanh": np.tanh,
    "arctan": np.arctan,
    "minimum": np.minimum,
    "maximum": np.maximum,
}
CONSTANTS = {"pi": np.pi, "e": np.e}
BINARY: dict[type[ast.operator], Callable[[FloatArray, FloatArray], FloatArray]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
    ast.Mod: np.mod,
}


class FormulaError(ValueError):
    """The formula uses something outside the allowed grammar."""


def _evaluate(node: ast.AST, X: FloatArray) -> FloatArray:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, X)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return np.full(len(X), float(node.value))
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return np.full(len(X), CONSTANTS[node.id])
        raise FormulaError(f"unknown name {node.id!r} (use x[i], pi, e)")
    if isinstance(node, ast.Subscript):
        if not (isinstance(node.value, ast.Name) and node.value.id == "x"):
            raise FormulaError("only x can be indexed")
        index = node.slice
        if not (isinstance(index, ast.Constant) and isinstance(index.value, int)):
            raise FormulaError("x must be indexed by an integer constant, e.g. x[0]")
        if not 0 <= index.value < X.shape[1]:
            raise FormulaError(f"x[{index.value}] is out of range for {X.shape[1]} variables")
        return np.asarray(X[:, index.value], dtype=np.float64)
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        return BINARY[type(node.op)](_evaluate(node.left, X), _evaluate(node.right, X))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _evaluate(node.operand, X)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS and not node.keywords:
        return FUNCTIONS[node.func.id](*(_evaluate(arg, X) for arg in node.args))
    raise FormulaError(f"not allowed in a formula: {ast.dump(node)[:60]}")


def evaluate_formula(formula: str, X: FloatArray) -> FloatArray:
    """Values of the formula at every row of X."""
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as error:
        raise FormulaError(f"cannot parse {formula!r}: {error.msg}") from error
    with np.errstate(all="ignore"):
        return np.asarray(_evaluate(tree, np.atleast_2d(X)), dtype=np.float64)


@dataclass
class FormulaProblem:
    """A black box given by objective formulas over a box; every objective is minimised."""

    formulas: list[str]
    lower_bounds: list[float]
    upper_bounds: list[float]
    name: str = "formulas"
    _ref_point: FloatArray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if len(self.lower_bounds) != len(self.upper_bounds) or not self.lower_bounds:
            raise FormulaError("lower and upper bounds must be non-empty and of equal length")
        if any(lo >= up for lo, up in zip(self.lower_bounds, self.upper_bounds, strict=True)):
            raise FormulaError("every lower bound must be below its upper bound")
        if len(self.formulas) < 2:
            raise FormulaError("a multi-objective problem needs at least two objective formulas")
        probe = np.atleast_2d(self.lower)
        for formula in self.formulas:
            evaluate_formula(formula, probe)

    @property
    def n_var(self) -> int:
        return len(self.lower_bounds)

    @property
    def n_obj(self) -> int:
        return len(self.formulas)

    @property
    def lower(self) -> FloatArray:
        return np.asarray(self.lower_bounds, dtype=np.float64)

    @property
    def upper(self) -> FloatArray:
        return np.asarray(self.upper_bounds, dtype=np.float64)

    @property
    def ref_point(self) -> FloatArray:
        # formulas are cheap, so the 1024-point reference design costs nothing
        if self._ref_point is None:
            self._ref_point = reference_point_from_design(self)
        return self._ref_point

    def evaluate(self, X: FloatArray) -> FloatArray:
        F = np.column_stack([evaluate_formula(formula, X) for formula in self.formulas])
        # a formula undefined somewhere (log of a negative) makes that point useless, not the run
        return np.asarray(np.where(np.isfinite(F), F, 1e6), dtype=np.float64)
