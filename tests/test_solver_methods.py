"""The iterative drivers (bisection, Dinkelbach) against closed forms, on models built only for the test."""

from __future__ import annotations

import math

import pyomo.environ as pyo
import pytest

from tools.solvers import Status
from tools.solvers.methods import bisection, dinkelbach


def budget_split(a: float, b: float):  # type: ignore[no-untyped-def]
    """x + y <= 1, x >= a t, y >= b t: feasible exactly when t <= 1 / (a + b)."""

    def model_at(t: float) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel()
        m.x, m.y = pyo.Var(bounds=(0, None)), pyo.Var(bounds=(0, None))
        m.budget = pyo.Constraint(expr=m.x + m.y <= 1)
        m.need_x = pyo.Constraint(expr=m.x >= a * t)
        m.need_y = pyo.Constraint(expr=m.y >= b * t)
        m.objective = pyo.Objective(expr=m.x + m.y)
        return m

    return model_at


def test_bisection_finds_the_feasibility_threshold() -> None:
    result = bisection(budget_split(2.0, 5.0), 0.0, 10.0, rel_tol=1e-9)
    assert result.status is Status.OPTIMAL and result.value is not None
    # Each step's LP is feasible up to the solver's tolerance (1e-6 on a row), which bounds the threshold's accuracy.
    assert result.value == pytest.approx(1 / 7, abs=2e-6)
    x, y = result.solution["x"], result.solution["y"]  # the kept solution is the one found at the reported t
    assert x + y <= 1 + 2e-6 and x >= 2 * result.value - 2e-6 and y >= 5 * result.value - 2e-6
    assert 30 <= len(result.steps) <= 40  # halving a bracket of 10 down to 1e-9


def test_bisection_reports_an_infeasible_start_and_a_feasible_top() -> None:
    assert bisection(budget_split(2.0, 5.0), 0.5, 10.0).status is Status.INFEASIBLE
    top = bisection(budget_split(2.0, 5.0), 0.0, 0.1)
    assert top.status is Status.OPTIMAL and top.value == 0.1 and len(top.steps) == 2


def test_dinkelbach_reaches_the_golden_ratio() -> None:
    """max (2x + 1) / (x^2 + 1) on [0, 10]: x^2 + x - 1 = 0 at the optimum, x = 1/phi, value phi."""

    def model_at(lam: float) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel()
        m.x = pyo.Var(bounds=(0, 10))
        m.objective = pyo.Objective(expr=2 * m.x + 1 - lam * (m.x**2 + 1), sense=pyo.maximize)
        return m

    def parts(solution: dict[str, float]) -> tuple[float, float]:
        return 2 * solution["x"] + 1, solution["x"] ** 2 + 1

    result = dinkelbach(model_at, parts)
    phi = (1 + math.sqrt(5)) / 2
    assert result.status is Status.OPTIMAL
    assert result.value == pytest.approx(phi, rel=1e-7)
    assert result.solution["x"] == pytest.approx(1 / phi, rel=1e-3)
    out = result.tool_output("Dinkelbach")
    assert out["status"] == "optimal" and out["objective"] == result.value and "steps" in out["summary"]
