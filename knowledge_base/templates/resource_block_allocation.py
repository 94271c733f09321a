"""Resource-block allocation: each resource block to at most one user, users may get several, with minimum-rate demands.

Unlike channel_assignment (one channel per user), a user's rate is the sum of the rates of all resource
blocks it gets, and each user must reach its minimum rate (a QoS requirement). The minimum rates make
the LP relaxation fractional in general, so this is a genuine MILP (a generalised assignment problem).
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import SpecItem, Template, binding_object
from knowledge_base.templates import _tabular as tab
from knowledge_base.templates._association import rate_tables
from knowledge_base.templates._objectives import rate_objective
from knowledge_base.templates._stated_quantities import read_quantity
from tools.question import Measure, measures
from tools.textdata import TextData

Objective = Literal["sum rate", "rate of the worst user"]
Orientation = Literal["a row per user, a column per resource block", "a row per resource block, a column per user"]


class ResourceBlockParams(BaseModel):
    users: list[str] = Field(min_length=1)
    blocks: list[str] = Field(min_length=1)
    rate: dict[str, dict[str, float | None]] = Field(
        json_schema_extra={"unit": "Mbit/s"}, description="rate[user][block]; None where the user cannot use the block"
    )
    min_rate: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "Mbit/s"})
    objective: Objective = "sum rate"

    @model_validator(mode="after")
    def _consistent(self) -> ResourceBlockParams:
        for user in self.users:
            if set(self.rate.get(user, {})) != set(self.blocks):
                raise ValueError(f"rate row {user} does not name exactly the resource blocks")
        if self.min_rate is not None and set(self.min_rate) != set(self.users):
            raise ValueError("the minimum rates do not name exactly the users")
        return self

    def usable(self) -> list[tuple[str, str]]:
        return [(u, b) for u in self.users for b in self.blocks if self.rate[u][b] is not None]


class ResourceBlockAllocation(Template[ResourceBlockParams]):
    id = "resource_block_allocation"
    family = "channel_assignment"
    problem_class = "MILP"
    title = "Resource-block / subcarrier allocation with per-user minimum rates (users may get several blocks)"
    objectives = measures(
        {
            "sum rate": Measure("max", "the sum rate of the users", "Mbit/s"),
            "rate of the worst user": Measure("max", "the smallest user rate", "Mbit/s"),
        }
    )
    description = (
        "Allocate the resource blocks (RBs, subcarriers, subchannels) of an LTE / 5G NR / OFDMA scheduler to users: "
        "each resource block goes to at most one user, a user may get several blocks and its rate is the sum of the "
        "rates of its blocks (from a table of per-block rates, e.g. by channel quality). Every user must reach its "
        "minimum rate requirement (QoS, guaranteed bit rate). Maximize the total throughput (sum rate) or the rate of "
        "the worst user."
    )
    math = r"""
\textbf{Sets: } U \text{ users},\ B \text{ resource blocks},\ P\subseteq U\times B \text{ usable pairs}
\\ \textbf{Parameters: } r_{ub}\ \text{rate of user } u \text{ on block } b,\ R^{\min}_u\ \text{minimum rate (Mbit/s)}
\\ \textbf{Variables: } x_{ub}\in\{0,1\}\ \forall (u,b)\in P,\ t \text{ (worst-user variant)}
\\ \max\ \textstyle\sum_{(u,b)\in P} r_{ub}x_{ub} \quad(\text{or } \max t,\ t\le \sum_b r_{ub}x_{ub}\ \forall u)
\\ \textstyle\sum_{u} x_{ub}\le 1\ \forall b, \qquad \sum_{b} r_{ub}x_{ub}\ge R^{\min}_u\ \forall u
"""
    examples = (
        "A 5G scheduler allocates six resource blocks RB1-RB6 to three users; each resource block goes to at most one "
        "user and a user's rate is the sum of the rates of its blocks. The rate (Mbit/s) of each user on each block is:\n\n"
        "| user | RB1 | RB2 | RB3 | RB4 | RB5 | RB6 |\n|---|---|---|---|---|---|---|\n"
        "| U1 | 4 | 6 | 2 | 5 | 3 | 1 |\n| U2 | 3 | 5 | 4 | 2 | 6 | 2 |\n| U3 | 1 | 2 | 3 | 1 | 2 | 3 |\n\n"
        "Minimum rate (Mbit/s): U1 5, U2 5, U3 5.\n"
        "Allocate the blocks to maximize the total throughput.",
        "Assign subcarriers to users, several per user if needed, so that every user meets its guaranteed bit rate "
        "and the sum rate is maximized.",
    )
    tags = ("MILP", "channel_assignment", "resource block", "OFDMA", "scheduling", "minimum rate", "QoS", "sum rate")
    params_model = ResourceBlockParams
    structural_constraints = frozenset({"block_once", "worst_bound"})

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        tables = [t.id for t in rate_tables(data, "a table of rates of each user on each resource block")]
        # The users are the rows or the columns of the table; offer a list or numbers over either.
        names = [list(t.rows) for t in data.tables] + [list(t.columns) for t in data.tables]
        lists = [n.id for n in data.lists if any(set(n.values) == set(group) for group in names)]
        properties = {
            "rate_table": {"enum": tables, "description": "the table of rates of users on resource blocks"},
            "table_layout": {"enum": list(get_args(Orientation))},
            "minimum_rate": {
                "anyOf": [
                    {"enum": [*lists, "none"], "description": "the list of per-user minimum rates, or none"},
                    tab.quantity_field("one minimum rate that every user must reach", "Mbit/s"),
                ]
            },
            "objective": {"enum": list(get_args(Objective))},
        }
        return binding_object("resource_block_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        users, blocks, rate = tab.user_rates(data, binding, get_args(Orientation), spec)
        wanted = binding.get("minimum_rate", "none")
        if isinstance(wanted, dict):
            min_rate: dict[str, float] | None = dict.fromkeys(users, read_quantity(wanted, "Mbit/s", "minimum_rate", spec))
        else:
            min_rate = tab.per_name_values(wanted, data, users, "minimum_rate", "Mbit/s", spec)
        return {
            "users": users,
            "blocks": blocks,
            "rate": rate,
            "min_rate": min_rate,
            "objective": binding.get("objective", "sum rate"),
        }

    def build_model(self, params: ResourceBlockParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.U = pyo.Set(initialize=params.users, ordered=True)
        m.B = pyo.Set(initialize=params.blocks, ordered=True)
        m.P = pyo.Set(initialize=params.usable(), dimen=2, ordered=True)
        m.x = pyo.Var(m.P, domain=pyo.Binary, doc="resource block given to user")
        m.block_once = pyo.Constraint(
            m.B,
            rule=lambda m, b: sum(m.x[u, b] for u in m.U if (u, b) in m.P) <= 1,
            doc="resource block {i} goes to at most one user",
        )
        rate = params.rate
        m.user_rate = pyo.Expression(
            m.U, rule=lambda m, u: sum(float(rate[u][b] or 0.0) * m.x[u, b] for b in m.B if (u, b) in m.P), doc="rate of a user"
        )
        if params.min_rate is not None:
            floor = params.min_rate
            m.min_rate = pyo.Constraint(
                m.U, rule=lambda m, u: m.user_rate[u] >= floor[u], doc="user {i} reaches its minimum rate"
            )
        rate_objective(m, worst_user=params.objective == "rate of the worst user")
        return m

    def allocation(self, params: ResourceBlockParams, solution: dict[str, float]) -> dict[str, str]:
        """Resource block -> user."""
        return {b: u for u, b in params.usable() if solution.get(f"x[{u},{b}]", 0.0) > 0.5}

    def solution_table(self, params: ResourceBlockParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        given = self.allocation(params, solution)
        rows: list[dict[str, Any]] = []
        for user in params.users:
            blocks = [b for b in params.blocks if given.get(b) == user]
            rows.append(
                {
                    "user": user,
                    "resource blocks": ", ".join(blocks) or "none",
                    "rate (Mbit/s)": sum(float(params.rate[user][b] or 0.0) for b in blocks),
                    "minimum (Mbit/s)": params.min_rate[user] if params.min_rate else None,
                }
            )
        return rows

    def formulation_summary(self, params: ResourceBlockParams) -> dict[str, Any]:
        return {
            "users": len(params.users),
            "resource blocks": len(params.blocks),
            "minimum rates": params.min_rate,
            "objective": params.objective,
        }


TEMPLATE = ResourceBlockAllocation()
