"""Solution methods that are not one solver call: bisection and Dinkelbach's method over the solver portfolio.

Some wireless problems are solved exactly by a sequence of easier ones. Max-min SINR is quasi-linear: for a
common target t, "can every link reach t?" is an LP feasibility problem, and the answer is monotone in t, so
bisection on t finds the optimum. Maximising a ratio N(x)/D(x) (bits per Joule) is Dinkelbach's method: solve
max N(x) - lam D(x), set lam to the ratio at the answer, repeat until N - lam D reaches 0. The template builds
each model (`feasibility_model(params, t)`, `parametric_model(params, lam)`); these drivers only call the
portfolio repeatedly and keep a record of every step, so the answer can be explained.

The registry's method tools are here too (`run_bisection`, `run_dinkelbach`): a template hands them a
BisectionProblem or DinkelbachProblem (its models, bracket or ratio, and its own checks of the answer), so the
registry points at tools/ only and tools never import a template.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyomo.environ as pyo

from tools.solvers.portfolio import ProblemClass, solve
from tools.solvers.status import Status

ModelAt = Callable[[float], pyo.ConcreteModel]
"""Builds the model of one step for a value of the method's parameter (the target t, or Dinkelbach's lam)."""


@dataclass
class MethodResult:
    """What an iterative method found: data only, like SolveResult, plus one line per step."""

    status: Status
    value: float | None = None
    """The optimum of the original problem (the largest feasible t, or the best ratio)."""
    solution: dict[str, float] = field(default_factory=dict)
    """Variable values of the last step's model at the answer."""
    steps: list[str] = field(default_factory=list)
    solver: str = "none"
    time_s: float = 0.0

    def tool_output(self, method: str, checks: dict[str, bool] | None = None) -> dict[str, Any]:
        """The registry's tool answer: {status, objective, solution, summary, time_s, checks}."""
        return {
            "status": str(self.status),
            "objective": self.value,
            "solution": dict(self.solution),
            "summary": f"{method}: {len(self.steps)} steps with {self.solver}\n" + "\n".join(self.steps[-12:]),
            "time_s": self.time_s,
            "checks": dict(checks or {}),
        }


def bisection(
    model_at: ModelAt,
    low: float,
    high: float,
    problem_class: ProblemClass = "LP",
    rel_tol: float = 1e-7,
    max_steps: int = 200,
    time_limit_s: float = 60.0,
) -> MethodResult:
    """The largest t in [low, high] whose model is feasible, for a feasibility that is monotone in t.

    `low` must be feasible (else the problem is infeasible) and `high` is an upper bound on the answer (if it
    is feasible itself it is the answer). Stops when high - low <= rel_tol * max(1, high).
    """
    started = time.perf_counter()
    result = MethodResult(status=Status.ERROR)

    def feasible(t: float) -> bool | None:
        outcome = solve(model_at(t), problem_class, time_limit_s=time_limit_s)
        result.solver = outcome.solver
        verdict = outcome.status.has_solution
        result.steps.append(f"t = {t:.10g}: {outcome.status}")
        if verdict:
            result.solution = dict(outcome.solution)
            return True
        return False if outcome.status is Status.INFEASIBLE else None

    def done(status: Status, value: float | None) -> MethodResult:
        result.status, result.value, result.time_s = status, value, time.perf_counter() - started
        return result

    at_low = feasible(low)
    if at_low is None:
        return done(Status.ERROR, None)
    if not at_low:
        return done(Status.INFEASIBLE, None)
    best = dict(result.solution)
    at_high = feasible(high)
    if at_high is None:
        return done(Status.ERROR, None)
    if at_high:
        return done(Status.OPTIMAL, high)
    for _ in range(max_steps):
        if high - low <= rel_tol * max(1.0, abs(high)):
            result.solution = best
            return done(Status.OPTIMAL, low)
        middle = 0.5 * (low + high)
        verdict = feasible(middle)
        if verdict is None:
            return done(Status.ERROR, None)
        if verdict:
            low, best = middle, dict(result.solution)
        else:
            high = middle
    result.solution = best
    return done(Status.TIME_LIMIT, low)  # a feasible value, not certified to the tolerance


def dinkelbach(
    model_at: ModelAt,
    ratio_parts: Callable[[dict[str, float]], tuple[float, float]],
    problem_class: ProblemClass = "NLP",
    start: float = 0.0,
    abs_tol: float = 1e-9,
    max_steps: int = 50,
    time_limit_s: float = 60.0,
) -> MethodResult:
    """Maximise N(x)/D(x) (D > 0) by Dinkelbach's method.

    `model_at(lam)` maximises N(x) - lam D(x) over the feasible set; `ratio_parts(solution)` evaluates N and D
    at a solution, from the data, not from the model's objective. F(lam) = max N - lam D is decreasing and
    zero exactly at the optimal ratio; lam_{k+1} = N(x_k)/D(x_k) converges superlinearly.
    """
    started = time.perf_counter()
    result = MethodResult(status=Status.ERROR)
    lam = start
    for _ in range(max_steps):
        outcome = solve(model_at(lam), problem_class, time_limit_s=time_limit_s)
        result.solver = outcome.solver
        if not outcome.status.has_solution:
            result.steps.append(f"lam = {lam:.10g}: {outcome.status}")
            status = Status.INFEASIBLE if outcome.status is Status.INFEASIBLE else Status.ERROR
            result.status, result.time_s = status, time.perf_counter() - started
            return result
        numerator, denominator = ratio_parts(outcome.solution)
        gap = numerator - lam * denominator
        result.steps.append(f"lam = {lam:.10g}: N - lam D = {gap:.3g}, ratio {numerator / denominator:.10g}")
        result.solution = dict(outcome.solution)
        result.value = numerator / denominator
        if gap <= abs_tol * max(1.0, abs(numerator)):
            result.status, result.time_s = Status.OPTIMAL, time.perf_counter() - started
            return result
        lam = numerator / denominator
    result.status, result.time_s = Status.TIME_LIMIT, time.perf_counter() - started
    return result


Checks = Callable[[MethodResult], dict[str, bool]]
"""A template's own checks of a method's answer, recomputed from the data (powers within limits, ...)."""


def _no_checks(result: MethodResult) -> dict[str, bool]:
    return {}


@dataclass(frozen=True)
class BisectionProblem:
    """What bisection needs of a template: the model at each target t, the bracket [low, high] and its checks."""

    model_at: ModelAt
    low: float
    high: float
    method: str
    """How the tool's summary names what it did."""
    problem_class: ProblemClass = "LP"
    rel_tol: float = 1e-7
    checks: Checks = _no_checks

    def solve(self, time_limit_s: float = 60.0) -> MethodResult:
        return bisection(
            self.model_at, self.low, self.high, problem_class=self.problem_class, rel_tol=self.rel_tol, time_limit_s=time_limit_s
        )


@dataclass(frozen=True)
class DinkelbachProblem:
    """What Dinkelbach's method needs of a template: the parametric model, the ratio's parts at a solution, its checks."""

    model_at: ModelAt
    ratio_parts: Callable[[dict[str, float]], tuple[float, float]]
    method: str
    problem_class: ProblemClass = "NLP"
    checks: Checks = _no_checks
    inverse: bool = False
    """Report D/N rather than N/D: the least of the inverse ratio (energy per bit) is 1 / the most bits per Joule,
    reached at the same solution."""

    def solve(self, time_limit_s: float = 60.0) -> MethodResult:
        result = dinkelbach(self.model_at, self.ratio_parts, problem_class=self.problem_class, time_limit_s=time_limit_s)
        if self.inverse and result.value:
            result.value = 1 / result.value
        return result


def run_bisection(problem: BisectionProblem, out_dir: Path) -> dict[str, Any]:
    """The registry entry of bisection templates: bisection over the solver portfolio, with the template's checks."""
    result = problem.solve()
    return result.tool_output(problem.method, problem.checks(result))


def run_dinkelbach(problem: DinkelbachProblem, out_dir: Path) -> dict[str, Any]:
    """The registry entry of ratio templates: Dinkelbach's method over the solver portfolio, with the template's checks."""
    result = problem.solve()
    return result.tool_output(problem.method, problem.checks(result))
