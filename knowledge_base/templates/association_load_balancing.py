"""Load balancing by user association: minimise the largest cell load, where a user's load is demand / peak rate.

A user u served by cell c occupies the fraction d_u / R_uc of the cell's time-frequency resources; the load
of a cell is the sum of these fractions. Minimising the largest load is the epigraph form max-load >= load_c
for every cell, a MILP with binary x[u,c] on the covered pairs only.
"""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template, binding_object
from knowledge_base.templates import _tabular as tab
from knowledge_base.templates._association import add_association, associated, one_cell_each, rate_tables
from tools.question import Measure, measures
from tools.textdata import TextData


class LoadBalancingParams(BaseModel):
    users: list[str] = Field(min_length=1)
    cells: list[str] = Field(min_length=1)
    demand: dict[str, float] = Field(json_schema_extra={"unit": "Mbit/s"})
    peak_rate: dict[str, dict[str, float | None]] = Field(
        json_schema_extra={"unit": "Mbit/s"}, description="peak_rate[user][cell]; None where the cell does not cover the user"
    )

    @model_validator(mode="after")
    def _consistent(self) -> LoadBalancingParams:
        for user in self.users:
            if user not in self.demand:
                raise ValueError(f"no traffic demand for user {user}")
            row = self.peak_rate.get(user, {})
            if set(row) != set(self.cells):
                raise ValueError(f"peak-rate row {user} does not name exactly the cells {', '.join(self.cells)}")
            if all(value is None for value in row.values()):
                raise ValueError(f"user {user} is covered by no cell, so it cannot be associated")
            if any(value is not None and value <= 0 for value in row.values()):
                raise ValueError(f"user {user} has a peak rate that is not positive; a load needs rate > 0")
        return self

    def covered(self) -> list[tuple[str, str]]:
        return [(u, c) for u in self.users for c in self.cells if self.peak_rate[u][c] is not None]

    def load_share(self, user: str, cell: str) -> float:
        rate = self.peak_rate[user][cell]
        assert rate is not None
        return self.demand[user] / rate


class AssociationLoadBalancing(Template[LoadBalancingParams]):
    id = "association_load_balancing"
    family = "user_association"
    problem_class = "MILP"
    title = "User association for load balancing: minimize the maximum cell load"
    objectives = measures(
        {
            "": Measure("min", "the largest cell load", ""),
        }
    )
    description = (
        "Balance the load of the cells of an LTE / 5G network by choosing which cell serves each user. Each user has a "
        "constant traffic demand and is served by exactly one cell that covers it; served by cell c with peak rate "
        "R(u, c), it occupies the fraction demand / peak rate of that cell's time-frequency resources. The load of a "
        "cell is the sum of these fractions. Minimize the largest (maximum) cell load, i.e. the most loaded cell."
    )
    math = r"""
\textbf{Sets: } U \text{ users},\ C \text{ cells},\ K\subseteq U\times C \text{ covered pairs}
\\ \textbf{Parameters: } d_u\ \text{traffic demand (Mbit/s)},\ R_{uc}\ \text{peak rate (Mbit/s)}
\\ \textbf{Variables: } x_{uc}\in\{0,1\}\ \forall (u,c)\in K,\ \ell\ge 0 \text{ (largest load)}
\\ \min\ \ell
\\ \textstyle\sum_{c:(u,c)\in K} x_{uc} = 1\ \forall u, \qquad \sum_{u:(u,c)\in K} \frac{d_u}{R_{uc}}\,x_{uc}\le \ell\ \forall c
"""
    examples = (
        "An operator balances the load of two cells C1 and C2 serving four users. Each user has a constant traffic "
        "demand and is served by exactly one cell; a user served by cell c with peak rate R occupies demand / R of the "
        'cell\'s resources, and the load of a cell is the sum of these fractions. "-" means not covered.\n\n'
        "| user | demand (Mbit/s) | peak rate in C1 (Mbit/s) | peak rate in C2 (Mbit/s) |\n|---|---|---|---|\n"
        "| U1 | 4 | 20 | 40 |\n| U2 | 6 | 30 | 20 |\n| U3 | 5 | 25 | - |\n| U4 | 2 | - | 10 |\n\n"
        "Minimize the largest cell load.",
        "Associate users with base stations so that the most loaded base station is as lightly loaded as possible; "
        "each user's demand and its peak rate from each base station are given.",
    )
    tags = ("MILP", "user_association", "load balancing", "min-max", "cell load", "traffic demand")
    params_model = LoadBalancingParams
    structural_constraints = frozenset({"one_cell", "max_load"})

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        tables = [t.id for t in rate_tables(data, "a table of peak rates with a row per user and a column per cell")]
        columns = list(dict.fromkeys(c for t in data.tables for c in t.columns))
        lists = [n.id for n in data.lists]
        # The peak-rate columns are the table's other columns: asking the small model to list them, it also listed
        # the demand column (seen with Qwen2.5-Coder-0.5B on dev-assoc-02), so code derives them.
        properties = {
            "rate_table": {"enum": tables, "description": "table with a row per user, its demand and its peak rate per cell"},
            "demand": {"enum": columns + lists, "description": "the column (or list) of the users' traffic demands"},
        }
        return binding_object("association_load_balancing_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        source = tab.table(data, binding.get("rate_table"), "peak rate")
        demand_choice = str(binding.get("demand"))
        given = binding.get("peak_rate_columns")  # a human binding may name them; otherwise every other column
        columns = [str(c) for c in given] if given else [c for c in source.columns if c != demand_choice]
        if not columns:
            raise AssemblyError(f"table {source.id} has no peak-rate column besides the demands")
        if demand_choice in columns:
            raise AssemblyError(f"column {binding.get('demand')!r} holds the demands; it cannot also be a cell's peak rates")
        cells = tab.distinct_part(columns)
        peak: dict[str, dict[str, float | None]] = {u: {} for u in source.rows}
        for column, cell in zip(columns, cells, strict=True):
            unit = tab.unit_in(column, "Mbit/s") or tab.unit_in(source.caption, "Mbit/s") or "Mbit/s"
            values = tab.matrix(source, "peak_rate", spec, columns=[column], scale=tab.convert_factor(unit, "Mbit/s"))
            for user in source.rows:
                peak[user][cell] = values[user][column]
        demand = self._demand(demand_choice, source, data, spec)
        return {"users": list(source.rows), "cells": cells, "demand": demand, "peak_rate": peak}

    @staticmethod
    def _demand(choice: str, source: Any, data: TextData, spec: list[SpecItem]) -> dict[str, float]:
        if choice in source.columns:
            unit = tab.unit_in(choice, "Mbit/s") or "Mbit/s"
            column = tab.matrix(source, "demand", spec, columns=[choice], scale=tab.convert_factor(unit, "Mbit/s"))
            demand: dict[str, float] = {}
            for user, cells in column.items():
                if cells[choice] is None:
                    raise AssemblyError(f"user {user} has no demand in column {choice!r} of table {source.id}")
                demand[user] = float(cells[choice])  # type: ignore[arg-type]
            return demand
        values = tab.per_name_values(choice, data, list(source.rows), "demand", "Mbit/s", spec)
        if values is None:
            raise AssemblyError("the users' traffic demands are needed: name their column or list")
        return values

    def build_model(self, params: LoadBalancingParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        add_association(m, params.users, params.cells, params.covered())
        m.x = pyo.Var(m.K, domain=pyo.Binary, doc="user associated with cell")
        m.peak = pyo.Var(domain=pyo.NonNegativeReals, doc="largest cell load (fraction)")
        m.one_cell = one_cell_each(m, "user {i} is served by exactly one cell that covers it")
        m.cell_load = pyo.Expression(
            m.C,
            rule=lambda m, c: sum(params.load_share(u, c) * m.x[u, c] for u in m.U if (u, c) in m.K),
            doc="load of a cell: the sum of demand / peak rate of its users",
        )
        m.max_load = pyo.Constraint(
            m.C, rule=lambda m, c: m.cell_load[c] <= m.peak, doc="the load of cell {i} is at most the largest load"
        )
        m.objective = pyo.Objective(expr=m.peak, sense=pyo.minimize)
        return m

    def cell_loads(self, params: LoadBalancingParams, chosen: dict[str, str]) -> dict[str, float]:
        """Loads recomputed from the association alone, without the model."""
        loads = {c: 0.0 for c in params.cells}
        for user, cell in chosen.items():
            loads[cell] += params.load_share(user, cell)
        return loads

    def solution_table(self, params: LoadBalancingParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        chosen = associated(params.covered(), solution)
        loads = self.cell_loads(params, chosen)
        return [
            {
                "user": u,
                "cell": chosen.get(u, "?"),
                "load share": params.load_share(u, chosen[u]) if u in chosen else None,
                "cell load": loads[chosen[u]] if u in chosen else None,
            }
            for u in params.users
        ]

    def formulation_summary(self, params: LoadBalancingParams) -> dict[str, Any]:
        return {"users": len(params.users), "cells": params.cells, "covered user-cell pairs": len(params.covered())}


TEMPLATE = AssociationLoadBalancing()
