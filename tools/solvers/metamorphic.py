"""A metamorphic check of a solved model: tighten its budgets, and the optimum must not improve.

Shrinking the feasible region can only keep or worsen the optimum. Every data constraint (not the
model's structural ones) with a one-sided bound is tightened by a fraction of its right-hand side and the
model is solved again; a better objective than before means the solver's answer, the status mapping or
the model's sense is wrong. Infeasible after tightening is fine: the budgets may have had no slack.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from tools.solvers.model_facts import objective_sense
from tools.solvers.portfolio import ProblemClass, solve

TIGHTEN_FRACTION = 0.1


@dataclass(frozen=True)
class MetamorphicCheck:
    tightened: int
    """How many constraints were tightened (0: nothing to tighten, the check did not run)."""
    objective: float | None
    """The optimum after tightening; None when the tightened model has no solution."""
    ok: bool
    message: str


def tightened_optimum_check(
    model: pyo.ConcreteModel,
    problem_class: ProblemClass,
    optimum: float,
    keep: frozenset[str] = frozenset(),
    time_limit_s: float = 10.0,
    tolerance: float = 1e-4,  # MIP solvers stop within a relative gap; smaller differences are not an improvement
) -> MetamorphicCheck:
    sense = objective_sense(model)
    tightened = 0
    for constraint in model.component_data_objects(pyo.Constraint, active=True, descend_into=True):
        if constraint.parent_component().local_name in keep or constraint.equality:
            continue
        if constraint.has_ub() and not constraint.has_lb():
            upper = float(pyo.value(constraint.upper))
            constraint.set_value((None, constraint.body, upper - TIGHTEN_FRACTION * max(abs(upper), 1e-9)))
            tightened += 1
        elif constraint.has_lb() and not constraint.has_ub():
            lower = float(pyo.value(constraint.lower))
            constraint.set_value((lower + TIGHTEN_FRACTION * max(abs(lower), 1e-9), constraint.body, None))
            tightened += 1
    if not tightened:
        return MetamorphicCheck(0, None, True, "no budget or requirement to tighten")
    outcome = solve(model, problem_class, time_limit_s=time_limit_s)
    if not outcome.status.has_solution or outcome.objective is None:
        return MetamorphicCheck(
            tightened, None, True, f"tightening {tightened} constraints by 10% leaves no solution, which is allowed"
        )
    value = outcome.objective
    slack = tolerance * max(1.0, abs(optimum))
    improved = value < optimum - slack if sense == "min" else value > optimum + slack
    if improved:
        return MetamorphicCheck(
            tightened,
            value,
            False,
            f"tightening {tightened} constraints by 10% improved the objective from {optimum:g} to {value:g}",
        )
    return MetamorphicCheck(
        tightened, value, True, f"tightening {tightened} constraints by 10% gives {value:g}, no better than {optimum:g}"
    )
