"""Proportional-fair user association with equal time sharing: maximise sum_u ln(r_uc / n_c).

With round-robin sharing a user of cell c gets r_uc / n_c, n_c the number of users of c. The objective
splits into sum_u ln r_uc x_uc (linear) minus sum_c n_c ln n_c, a function of the integer n_c alone. That
term is made exact and linear with one binary z[c,k] per possible count k = 0..|U|: sum_k z = 1,
sum_k k z = n_c, and n_c ln n_c = sum_k k ln k z[c,k]. The model is a MILP with no approximation.

It stays a template of its own rather than a variant of user_association: there a user's rate depends only on its
cell, so every objective is linear in the association; here the rate is shared among a cell's users and the
objective is a sum of logarithms, which needs the user-count variables and their linearisation above.
"""

from __future__ import annotations

import math
from typing import Any

import pyomo.environ as pyo
from pydantic import model_validator

from knowledge_base.template import SpecItem, Template, binding_object
from knowledge_base.templates import _tabular as tab
from knowledge_base.templates._association import CoveredRates, add_association, associated, one_cell_each, rate_tables
from tools.question import Measure, measures
from tools.textdata import TextData


class ProportionalFairParams(CoveredRates):
    """rate[user][cell] is the rate when the user has the cell to itself."""

    @model_validator(mode="after")
    def _positive(self) -> ProportionalFairParams:
        for user in self.users:
            if any(value is not None and value <= 0 for value in self.rate[user].values()):
                raise ValueError(f"user {user} has a rate that is not positive; its logarithm is undefined")
        return self

    def log_rate(self, user: str, cell: str) -> float:
        rate = self.rate[user][cell]
        assert rate is not None
        return math.log(rate)


class AssociationProportionalFair(Template[ProportionalFairParams]):
    id = "association_proportional_fair"
    family = "user_association"
    problem_class = "MILP"
    title = "Proportional-fair user association with equal (round-robin) time sharing"
    objectives = measures(
        {
            "": Measure("max", "the sum of the logarithms of the users' throughputs (proportional fairness)", ""),
        }
    )
    description = (
        "Associate each user with exactly one base station; every base station divides its time equally among its "
        "users (round-robin), so a user's throughput is its full rate divided by the number of users sharing that base "
        "station. Following the proportional-fairness criterion, maximize the sum over users of the natural logarithm "
        "of the throughput (sum of log-rates, log utility)."
    )
    math = r"""
\textbf{Sets: } U \text{ users},\ C \text{ base stations},\ K\subseteq U\times C \text{ covered pairs},\ k\in\{0,\dots,|U|\}
\\ \textbf{Parameters: } r_{uc}\ \text{rate with the base station to itself (Mbit/s)}
\\ \textbf{Variables: } x_{uc}\in\{0,1\},\ z_{ck}\in\{0,1\}\ (\text{cell } c \text{ has } k \text{ users})
\\ \max\ \textstyle\sum_{(u,c)\in K} \ln(r_{uc})\,x_{uc} - \sum_{c}\sum_{k\ge 1} k\ln k\; z_{ck}
\quad\Big(= \sum_u \ln \frac{r_{u c(u)}}{n_{c(u)}}\Big)
\\ \textstyle\sum_{c} x_{uc} = 1\ \forall u,\quad \sum_k z_{ck} = 1,\quad \sum_k k\,z_{ck} = \sum_u x_{uc}\ \forall c
"""
    examples = (
        "Four users U1-U4 must each be associated with exactly one of two base stations BS1, BS2. Every base station "
        "divides its time equally among its users (round-robin). The table gives the rate (Mbit/s) a user would get "
        "with a base station to itself; its throughput is this rate divided by the number of users sharing it.\n\n"
        "| user | BS1 | BS2 |\n|---|---|---|\n| U1 | 10 | 2 |\n| U2 | 8 | 4 |\n| U3 | 3 | 9 |\n| U4 | 6 | 6 |\n\n"
        "Choose the association that maximizes the sum of the natural logarithms of the users' throughputs.",
        "Proportional fair cell association: maximize the sum of log throughputs when each cell shares its "
        "resources equally among the users it serves.",
    )
    tags = ("MILP", "user_association", "proportional fairness", "log utility", "round-robin", "time sharing")
    method = "one MILP solve: the n ln n load term is linearised exactly with one binary per possible user count"
    params_model = ProportionalFairParams
    structural_constraints = frozenset({"one_cell", "one_count", "count_matches"})

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        tables = [t.id for t in rate_tables(data, "a table of rates with a row per user and a column per base station")]
        properties = {
            "rate_table": {"enum": tables, "description": "table of full rates: a row per user, a column per base station"}
        }
        return binding_object("association_proportional_fair_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        source, rate = tab.rate_matrix(data, binding.get("rate_table"), "rate", spec)
        return {"users": list(source.rows), "cells": list(source.columns), "rate": rate}

    def build_model(self, params: ProportionalFairParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        add_association(m, params.users, params.cells, params.covered())
        m.N = pyo.RangeSet(0, len(params.users))
        m.x = pyo.Var(m.K, domain=pyo.Binary, doc="user associated with base station")
        m.z = pyo.Var(m.C, m.N, domain=pyo.Binary, doc="base station serves exactly this many users")
        m.one_cell = one_cell_each(m, "user {i} is associated with exactly one base station that covers it")
        m.one_count = pyo.Constraint(
            m.C, rule=lambda m, c: sum(m.z[c, k] for k in m.N) == 1, doc="base station {i} has one user count"
        )
        m.count_matches = pyo.Constraint(
            m.C,
            rule=lambda m, c: sum(k * m.z[c, k] for k in m.N) == sum(m.x[u, c] for u in m.U if (u, c) in m.K),
            doc="the user count of base station {i} is the number of users associated with it",
        )
        own = sum(params.log_rate(u, c) * m.x[u, c] for u, c in m.K)
        sharing = sum(k * math.log(k) * m.z[c, k] for c in m.C for k in m.N if k > 1)
        m.objective = pyo.Objective(expr=own - sharing, sense=pyo.maximize)
        return m

    def throughputs(self, params: ProportionalFairParams, chosen: dict[str, str]) -> dict[str, float]:
        """Each user's throughput recomputed from the association alone: its rate over its cell's user count."""
        count = {c: sum(1 for cell in chosen.values() if cell == c) for c in params.cells}
        return {u: float(params.rate[u][c] or 0.0) / count[c] for u, c in chosen.items()}

    def solution_table(self, params: ProportionalFairParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        chosen = associated(params.covered(), solution)
        throughput = self.throughputs(params, chosen)
        return [
            {
                "user": u,
                "base station": chosen.get(u, "?"),
                "throughput (Mbit/s)": throughput.get(u),
                "ln throughput": math.log(throughput[u]) if u in throughput else None,
            }
            for u in params.users
        ]

    def formulation_summary(self, params: ProportionalFairParams) -> dict[str, Any]:
        return {"users": len(params.users), "base stations": params.cells, "covered user-cell pairs": len(params.covered())}


TEMPLATE = AssociationProportionalFair()
