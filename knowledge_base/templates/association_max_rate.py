"""User association for the largest sum rate (or the best worst-user rate) under coverage, user and backhaul limits.

Each user is associated with exactly one cell that covers it; x[u,c] is binary and exists only for the
pairs the rate table covers, so coverage needs no constraint of its own. A user's rate depends only on its
cell (no sharing), which keeps the objective linear. A cell may limit how many users it serves and how
much traffic its backhaul carries (the sum of its users' rates).
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import Field, model_validator

from knowledge_base.template import SpecItem, Template, binding_object
from knowledge_base.templates import _tabular as tab
from knowledge_base.templates._association import CoveredRates, add_association, associated, one_cell_each, rate_tables
from knowledge_base.templates._objectives import rate_objective
from tools.question import Measure, measures
from tools.textdata import TextData

Objective = Literal["sum of user rates", "rate of the worst user"]


class AssociationRateParams(CoveredRates):
    max_users: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "users"})
    backhaul: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "Mbit/s"})
    objective: Objective = "sum of user rates"

    @model_validator(mode="after")
    def _consistent(self) -> AssociationRateParams:
        if self.max_users is not None and set(self.max_users) != set(self.cells):
            raise ValueError("the user limits do not name exactly the cells")
        if self.backhaul is not None and set(self.backhaul) != set(self.cells):
            raise ValueError("the backhaul capacities do not name exactly the cells")
        return self


class AssociationMaxRate(Template[AssociationRateParams]):
    id = "association_max_rate"
    family = "user_association"
    problem_class = "MILP"
    title = "User association: maximize the sum rate (or worst-user rate) with coverage, per-cell user and backhaul limits"
    objectives = measures(
        {
            "sum of user rates": Measure("max", "the sum rate of the users", "Mbit/s"),
            "rate of the worst user": Measure("max", "the smallest user rate", "Mbit/s"),
        }
    )
    description = (
        "Associate each user with exactly one cell or base station (macro cell, small cells, access points) of a "
        "heterogeneous network. A table gives the downlink rate each user obtains from each cell; '-' means the user "
        "is outside that cell's coverage. Each cell can serve at most a given number of users (scheduler limit, "
        "cell capacity) and carry at most its backhaul capacity. The rate does not depend on how many users share "
        "the cell. Maximize the sum of the users' rates (total throughput), or the rate of the worst user (max-min)."
    )
    math = r"""
\textbf{Sets: } U \text{ users},\ C \text{ cells},\ K\subseteq U\times C \text{ covered pairs (rate given)}
\\ \textbf{Parameters: } r_{uc}\ \text{rate (Mbit/s)},\ N_c\ \text{most users cell } c \text{ may serve},
\ B_c\ \text{backhaul (Mbit/s)}
\\ \textbf{Variables: } x_{uc}\in\{0,1\}\ \forall (u,c)\in K,\ t \text{ (worst-user variant)}
\\ \max\ \textstyle\sum_{(u,c)\in K} r_{uc}x_{uc} \quad(\text{or } \max t,\ t\le \sum_c r_{uc}x_{uc}\ \forall u)
\\ \textstyle\sum_{c:(u,c)\in K} x_{uc} = 1\ \forall u, \qquad \sum_{u:(u,c)\in K} x_{uc}\le N_c,
\quad \sum_{u:(u,c)\in K} r_{uc}x_{uc}\le B_c\ \forall c
"""
    examples = (
        "A heterogeneous network has one macro cell (Macro) and two small cells (Small-1, Small-2). Each of five users "
        "must be associated with exactly one cell. The table gives the downlink rate (Mbit/s) a user obtains from each "
        'cell; "-" means the user is outside that cell\'s coverage:\n\n'
        "| user | Macro | Small-1 | Small-2 |\n|---|---|---|---|\n"
        "| U1 | 10 | 30 | - |\n| U2 | 12 | 25 | - |\n| U3 | 8 | 28 | 20 |\n| U4 | 15 | - | 35 |\n| U5 | 18 | - | 30 |\n\n"
        "A cell can serve at most a given number of users: Macro at most 3, Small-1 at most 1, Small-2 at most 1. "
        "Find the association that maximizes the sum rate in Mbit/s.",
        "Assign every user to one access point it can hear so that the minimum user throughput is as large as "
        "possible; each access point serves at most four users.",
    )
    tags = ("MILP", "user_association", "cell association", "coverage", "sum rate", "max-min", "HetNet", "load limit", "backhaul")
    params_model = AssociationRateParams
    structural_constraints = frozenset({"one_cell", "worst_bound"})

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        tables = [t.id for t in rate_tables(data, "a table of rates with a row per user and a column per cell")]
        cells = list(dict.fromkeys(c for t in data.tables for c in t.columns))
        properties: dict[str, Any] = {
            "rate_table": {"enum": tables, "description": "table of rates: a row per user, a column per cell"},
            "max_users_per_cell": tab.per_name_field(data, cells, "most users each cell may serve", None, optional=True),
        }
        if "backhaul" in data.text.lower():  # asked only when the text speaks of it: fewer fields for the small model to fill
            properties["backhaul_capacity"] = tab.per_name_field(
                data, cells, "backhaul capacity of each cell", "Mbit/s", optional=True
            )
        properties["objective"] = {"enum": list(get_args(Objective))}
        return binding_object("association_max_rate_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        source, rate = tab.rate_matrix(data, binding.get("rate_table"), "rate", spec)
        cells = list(source.columns)
        return {
            "users": list(source.rows),
            "cells": cells,
            "rate": rate,
            "max_users": tab.per_name_values(binding.get("max_users_per_cell"), data, cells, "max_users", None, spec),
            "backhaul": tab.per_name_values(binding.get("backhaul_capacity", "none"), data, cells, "backhaul", "Mbit/s", spec),
            "objective": binding.get("objective", "sum of user rates"),
        }

    def build_model(self, params: AssociationRateParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        add_association(m, params.users, params.cells, params.covered())
        m.x = pyo.Var(m.K, domain=pyo.Binary, doc="user associated with cell")
        rate = params.rate
        m.one_cell = one_cell_each(m, "user {i} is associated with exactly one cell that covers it")
        if params.max_users is not None:
            limit = params.max_users
            m.user_limit = pyo.Constraint(
                m.C,
                rule=lambda m, c: sum(m.x[u, c] for u in m.U if (u, c) in m.K) <= limit[c],
                doc="cell {i} serves no more users than its limit",
            )
        if params.backhaul is not None:
            backhaul = params.backhaul
            m.backhaul_limit = pyo.Constraint(
                m.C,
                rule=lambda m, c: sum(float(rate[u][c] or 0.0) * m.x[u, c] for u in m.U if (u, c) in m.K) <= backhaul[c],
                doc="the traffic of cell {i}'s users fits its backhaul",
            )
        m.user_rate = pyo.Expression(
            m.U, rule=lambda m, u: sum(rate[u][c] * m.x[u, c] for c in m.C if (u, c) in m.K), doc="rate of a user (Mbit/s)"
        )
        rate_objective(m, worst_user=params.objective == "rate of the worst user")
        return m

    def solution_table(self, params: AssociationRateParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        chosen = associated(params.covered(), solution)
        return [
            {"user": u, "cell": chosen.get(u, "?"), "rate (Mbit/s)": params.rate[u][chosen[u]] if u in chosen else None}
            for u in params.users
        ]

    def formulation_summary(self, params: AssociationRateParams) -> dict[str, Any]:
        return {
            "users": len(params.users),
            "cells": params.cells,
            "covered user-cell pairs": len(params.covered()),
            "user limits": params.max_users,
            "backhaul capacities (Mbit/s)": params.backhaul,
            "objective": params.objective,
        }


TEMPLATE = AssociationMaxRate()
