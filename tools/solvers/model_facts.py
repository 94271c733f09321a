"""Facts read off a built Pyomo model: its size, whether it is nonlinear, its sense, its variable values."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyomo.environ as pyo


@dataclass(frozen=True)
class ModelSize:
    variables: int
    integer_variables: int
    constraints: int
    nonlinear: bool


def model_size(model: pyo.ConcreteModel) -> ModelSize:
    variables = list(model.component_data_objects(pyo.Var, active=True, descend_into=True))
    integers = sum(1 for v in variables if v.is_integer() or v.is_binary())
    constraints = list(model.component_data_objects(pyo.Constraint, active=True, descend_into=True))
    objectives = list(model.component_data_objects(pyo.Objective, active=True, descend_into=True))
    nonlinear = any(c.body.polynomial_degree() not in (0, 1) for c in constraints) or any(
        o.expr.polynomial_degree() not in (0, 1) for o in objectives
    )
    return ModelSize(variables=len(variables), integer_variables=integers, constraints=len(constraints), nonlinear=nonlinear)


def objective_sense(model: pyo.ConcreteModel) -> str:
    for objective in model.component_data_objects(pyo.Objective, active=True):
        return "min" if objective.sense == pyo.minimize else "max"
    return "min"


def variable_name(var: pyo.Var) -> str:
    """A variable's name as templates write it, "share[1]" and "x[U1,C2]": Pyomo's name without the quotes it puts
    around an index that reads as a number or has a space ("share['1']")."""
    return re.sub(r"'([^'\[\]]*)'", r"\1", var.name) if "[" in var.name else var.name


def variable_values(model: pyo.ConcreteModel) -> dict[str, float]:
    """Every variable's value by its name (`variable_name`, e.g. "x[A1,S2]"); unset variables are left out."""
    values: dict[str, float] = {}
    for var in model.component_data_objects(pyo.Var, active=True, descend_into=True):
        if var.value is not None:
            values[variable_name(var)] = float(var.value)
    return values
