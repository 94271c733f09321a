"""Re-check a solution against a freshly built model, without trusting the solver that produced it.

The Verifier uses this after every solve: the values are loaded into a model rebuilt from the same
parameters, every active constraint and every variable's bounds and domain are evaluated, and the
objective is recomputed. A solver bug, a wrong status mapping or a tampered result shows up here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyomo.environ as pyo
from pyomo.core.expr.visitor import identify_variables

from tools.solvers.model_facts import variable_name


@dataclass
class SolutionCheck:
    feasible: bool
    objective: float | None
    violations: list[str] = field(default_factory=list)
    """One line per violated constraint, bound or domain, worst first, at most `max_reported`."""
    missing: list[str] = field(default_factory=list)
    """Variables of the model's constraints or objective that the solution gives no value for."""


def check_solution(
    model: pyo.ConcreteModel, solution: dict[str, float], tolerance: float = 1e-6, max_reported: int = 20
) -> SolutionCheck:
    violations: list[tuple[float, str]] = []
    missing: list[str] = []
    used = _variables_in_use(model)
    for var in model.component_data_objects(pyo.Var, active=True, descend_into=True):
        name = variable_name(var)
        if name not in solution:
            if id(var) in used:  # a variable no constraint or objective mentions is never sent to a solver
                missing.append(name)
            continue
        value = solution[name]
        var.set_value(value, skip_validation=True)
        lower, upper = var.lb, var.ub
        if lower is not None and value < lower - tolerance:
            violations.append((lower - value, f"{name} = {value:g} is below its lower bound {lower:g}"))
        if upper is not None and value > upper + tolerance:
            violations.append((value - upper, f"{name} = {value:g} is above its upper bound {upper:g}"))
        if (var.is_integer() or var.is_binary()) and abs(value - round(value)) > tolerance:
            violations.append((abs(value - round(value)), f"{name} = {value:g} is not integral"))
    if missing:
        return SolutionCheck(feasible=False, objective=None, missing=missing[:max_reported])
    for constraint in model.component_data_objects(pyo.Constraint, active=True, descend_into=True):
        body = pyo.value(constraint.body)
        scale = max(1.0, abs(body))
        if constraint.has_lb():
            lower = pyo.value(constraint.lower)
            if body < lower - tolerance * scale:
                violations.append((lower - body, f"{constraint.name}: {body:g} < {lower:g}"))
        if constraint.has_ub():
            upper = pyo.value(constraint.upper)
            if body > upper + tolerance * scale:
                violations.append((body - upper, f"{constraint.name}: {body:g} > {upper:g}"))
    objective = None
    for obj in model.component_data_objects(pyo.Objective, active=True):
        objective = float(pyo.value(obj))
        break
    violations.sort(key=lambda item: -item[0])
    return SolutionCheck(feasible=not violations, objective=objective, violations=[text for _, text in violations[:max_reported]])


def _variables_in_use(model: pyo.ConcreteModel) -> set[int]:
    """Ids of the variables that some active constraint or objective mentions."""
    used: set[int] = set()
    for component in (pyo.Constraint, pyo.Objective):
        for data in model.component_data_objects(component, active=True, descend_into=True):
            used.update(id(var) for var in identify_variables(data.expr, include_fixed=False))
    return used
