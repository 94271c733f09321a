"""Objective parts that several templates share, built on the names they all use (m.U users, m.user_rate)."""

from __future__ import annotations

import pyomo.environ as pyo


def rate_objective(m: pyo.ConcreteModel, worst_user: bool, weight: dict[str, float] | None = None) -> None:
    """Maximise the sum of m.user_rate over m.U (weighted by `weight` when given), or (worst_user) the rate of the
    worst user through m.worst."""
    if worst_user:
        m.worst = pyo.Var(domain=pyo.Reals)
        m.worst_bound = pyo.Constraint(
            m.U, rule=lambda m, u: m.worst <= m.user_rate[u], doc="user {i} gets at least the worst rate"
        )
        m.objective = pyo.Objective(expr=m.worst, sense=pyo.maximize)
    else:
        w = weight or {}
        m.objective = pyo.Objective(expr=sum(w.get(u, 1.0) * m.user_rate[u] for u in m.U), sense=pyo.maximize)
