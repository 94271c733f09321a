"""Why is a model infeasible? An elastic relaxation that works with any solver of the portfolio.

Every active constraint gets non-negative slack on each side it bounds, the objective is replaced by
the total slack, and the relaxed model is solved. The constraints that need slack in that optimum form a
smallest-total-violation explanation: they are the ones to change (or the text is contradictory there).
Each is described with its constraint's `doc` string, so templates decide how it reads in words.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from tools.solvers.model_facts import model_size
from tools.solvers.portfolio import solve
from tools.solvers.status import Status


@dataclass(frozen=True)
class Conflict:
    constraint: str
    """Pyomo name of the constraint, e.g. "cpu_capacity[S3]"."""
    description: str
    """The constraint's meaning in words (its component's doc string), with the index filled in."""
    violation: float
    """How much the constraint must be relaxed for the model to become feasible."""

    def sentence(self) -> str:
        return f"'{self.description}' cannot hold: it must be relaxed by {self.violation:g} ({self.constraint})"


def explain_infeasibility(
    model: pyo.ConcreteModel, time_limit_s: float = 30.0, keep: frozenset[str] = frozenset(), tolerance: float = 1e-6
) -> list[Conflict]:
    """The constraints an elastic relaxation of `model` has to violate, largest violation first.

    `keep` names constraint components that define the model's structure (each item placed once, the
    linearisation) rather than state the problem's data; they are never relaxed, so the explanation points
    at capacities, budgets and targets, which is where a person can act.

    An empty list means the relaxation found no violation, i.e. the model was not infeasible after all
    (or the solver's infeasibility verdict came from a numerical problem).
    """
    elastic = model.clone()
    for objective in elastic.component_data_objects(pyo.Objective, active=True):
        objective.deactivate()
    originals = [
        c
        for c in elastic.component_data_objects(pyo.Constraint, active=True, descend_into=True)
        if c.parent_component().local_name not in keep
    ]
    elastic._elastic_index = pyo.RangeSet(0, max(0, len(originals) - 1))
    elastic._slack_below = pyo.Var(elastic._elastic_index, domain=pyo.NonNegativeReals)
    elastic._slack_above = pyo.Var(elastic._elastic_index, domain=pyo.NonNegativeReals)
    elastic._relaxed = pyo.ConstraintList()
    for i, constraint in enumerate(originals):
        body = constraint.body
        if constraint.has_lb():
            elastic._relaxed.add(body + elastic._slack_below[i] >= constraint.lower)
        else:
            elastic._slack_below[i].fix(0)
        if constraint.has_ub():
            elastic._relaxed.add(body - elastic._slack_above[i] <= constraint.upper)
        else:
            elastic._slack_above[i].fix(0)
        constraint.deactivate()
    elastic._total_violation = pyo.Objective(
        expr=sum(elastic._slack_below[i] + elastic._slack_above[i] for i in elastic._elastic_index), sense=pyo.minimize
    )
    problem_class = "MINLP" if model_size(elastic).nonlinear else "MILP"
    result = solve(elastic, problem_class, time_limit_s=time_limit_s)  # type: ignore[arg-type]
    if not result.status.has_solution and result.status is not Status.TIME_LIMIT:
        return []
    conflicts: list[Conflict] = []
    for i, constraint in enumerate(originals):
        violation = (pyo.value(elastic._slack_below[i]) or 0.0) + (pyo.value(elastic._slack_above[i]) or 0.0)
        if violation > tolerance:
            conflicts.append(
                Conflict(constraint=constraint.name, description=_describe(constraint), violation=round(violation, 9))
            )
    conflicts.sort(key=lambda c: -c.violation)
    return conflicts


def _describe(constraint: pyo.Constraint) -> str:
    component = constraint.parent_component()
    doc = str(component.doc or component.local_name).strip()
    index = constraint.index()
    if index is None:
        return doc
    label = ", ".join(str(part) for part in index) if isinstance(index, tuple) else str(index)
    return doc.replace("{i}", label) if "{i}" in doc else f"{doc} [{label}]"
