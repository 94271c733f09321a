"""Channel assignment: give each user one channel (subcarrier, frequency) and each channel to at most one user.

The classic assignment problem on a rate table: x[u,k] binary on the usable pairs, one channel per user,
one user per channel. Its LP relaxation is already integral for the sum-rate objective (totally unimodular
constraints); the max-min variant adds an epigraph variable and needs the binaries.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import SpecItem, Template, binding_object
from knowledge_base.templates import _tabular as tab
from knowledge_base.templates._association import rate_tables
from knowledge_base.templates._objectives import rate_objective
from tools.question import Measure, measures
from tools.textdata import TextData

Objective = Literal["sum rate", "rate of the worst user"]
Service = Literal["every user gets exactly one channel", "a user may be left without a channel"]
Orientation = Literal["a row per user, a column per channel", "a row per channel, a column per user"]


class ChannelAssignmentParams(BaseModel):
    users: list[str] = Field(min_length=1)
    channels: list[str] = Field(min_length=1)
    rate: dict[str, dict[str, float | None]] = Field(
        json_schema_extra={"unit": "Mbit/s"}, description="rate[user][channel]; None where the user cannot use the channel"
    )
    service: Service = "every user gets exactly one channel"
    objective: Objective = "sum rate"

    @model_validator(mode="after")
    def _consistent(self) -> ChannelAssignmentParams:
        for user in self.users:
            if set(self.rate.get(user, {})) != set(self.channels):
                raise ValueError(f"rate row {user} does not name exactly the channels {', '.join(self.channels)}")
        if self.service == "every user gets exactly one channel" and len(self.users) > len(self.channels):
            raise ValueError(f"{len(self.users)} users cannot each get their own channel out of {len(self.channels)}")
        return self

    def usable(self) -> list[tuple[str, str]]:
        return [(u, k) for u in self.users for k in self.channels if self.rate[u][k] is not None]


class ChannelAssignment(Template[ChannelAssignmentParams]):
    id = "channel_assignment"
    family = "channel_assignment"
    problem_class = "MILP"
    title = "Channel / subcarrier assignment: one channel per user, one user per channel (max sum rate or max-min)"
    objectives = measures(
        {
            "sum rate": Measure("max", "the sum rate of the users", "Mbit/s"),
            "rate of the worst user": Measure("max", "the smallest user rate", "Mbit/s"),
        }
    )
    description = (
        "Assign orthogonal channels (subcarriers, frequency bands, time slots) to users: each user gets one channel "
        "and each channel is given to at most one user, so there is no interference. A table gives the rate (or SNR-"
        "based achievable rate) of each user on each channel. Maximize the sum rate (total throughput) or the rate of "
        "the worst user (max-min fairness). This is the assignment problem (Hungarian method)."
    )
    math = r"""
\textbf{Sets: } U \text{ users},\ K \text{ channels},\ P\subseteq U\times K \text{ usable pairs}
\\ \textbf{Parameters: } r_{uk}\ \text{rate of user } u \text{ on channel } k \text{ (Mbit/s)}
\\ \textbf{Variables: } x_{uk}\in\{0,1\}\ \forall (u,k)\in P,\ t \text{ (worst-user variant)}
\\ \max\ \textstyle\sum_{(u,k)\in P} r_{uk}x_{uk} \quad(\text{or } \max t,\ t\le \sum_k r_{uk}x_{uk}\ \forall u)
\\ \textstyle\sum_{k} x_{uk} = 1 \ (\text{or} \le 1)\ \forall u, \qquad \sum_{u} x_{uk}\le 1\ \forall k
"""
    examples = (
        "An OFDMA cell assigns four subcarriers to three users; each user gets exactly one subcarrier and each "
        "subcarrier goes to at most one user. The achievable rate (Mbit/s) of each user on each subcarrier is:\n\n"
        "| user | SC1 | SC2 | SC3 | SC4 |\n|---|---|---|---|---|\n"
        "| U1 | 5 | 9 | 3 | 6 |\n| U2 | 8 | 7 | 4 | 2 |\n| U3 | 6 | 8 | 7 | 5 |\n\n"
        "Find the assignment that maximizes the sum rate.",
        "Allocate frequency channels to access points so that no two share a channel and the weakest link's "
        "throughput is as large as possible.",
    )
    tags = ("MILP", "channel_assignment", "subcarrier", "OFDMA", "assignment problem", "matching", "sum rate", "max-min")
    params_model = ChannelAssignmentParams
    structural_constraints = frozenset({"channel_per_user", "user_per_channel", "worst_bound"})

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        tables = [t.id for t in rate_tables(data, "a table of rates of each user on each channel")]
        properties = {
            "rate_table": {"enum": tables, "description": "the table of rates of users on channels"},
            "table_layout": {"enum": list(get_args(Orientation))},
            "service": {"enum": list(get_args(Service))},
            "objective": {"enum": list(get_args(Objective))},
        }
        return binding_object("channel_assignment_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        users, channels, rate = tab.user_rates(data, binding, get_args(Orientation), spec)
        return {
            "users": users,
            "channels": channels,
            "rate": rate,
            "service": binding.get("service", "every user gets exactly one channel"),
            "objective": binding.get("objective", "sum rate"),
        }

    def build_model(self, params: ChannelAssignmentParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.U = pyo.Set(initialize=params.users, ordered=True)
        m.K = pyo.Set(initialize=params.channels, ordered=True)
        m.P = pyo.Set(initialize=params.usable(), dimen=2, ordered=True)
        m.x = pyo.Var(m.P, domain=pyo.Binary, doc="channel assigned to user")
        every = params.service == "every user gets exactly one channel"

        def per_user(m: pyo.ConcreteModel, u: str) -> Any:
            channels = sum(m.x[u, k] for k in m.K if (u, k) in m.P)
            return channels == 1 if every else channels <= 1

        m.channel_per_user = pyo.Constraint(
            m.U, rule=per_user, doc="user {i} gets exactly one channel" if every else "user {i} gets at most one channel"
        )
        m.user_per_channel = pyo.Constraint(
            m.K, rule=lambda m, k: sum(m.x[u, k] for u in m.U if (u, k) in m.P) <= 1, doc="channel {i} goes to at most one user"
        )
        rate = params.rate
        m.user_rate = pyo.Expression(
            m.U, rule=lambda m, u: sum(float(rate[u][k] or 0.0) * m.x[u, k] for k in m.K if (u, k) in m.P), doc="rate of a user"
        )
        rate_objective(m, worst_user=params.objective == "rate of the worst user")
        return m

    def assignment(self, params: ChannelAssignmentParams, solution: dict[str, float]) -> dict[str, str]:
        return {u: k for u, k in params.usable() if solution.get(f"x[{u},{k}]", 0.0) > 0.5}

    def solution_table(self, params: ChannelAssignmentParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        chosen = self.assignment(params, solution)
        return [
            {"user": u, "channel": chosen.get(u, "none"), "rate (Mbit/s)": params.rate[u][chosen[u]] if u in chosen else 0.0}
            for u in params.users
        ]

    def formulation_summary(self, params: ChannelAssignmentParams) -> dict[str, Any]:
        return {
            "users": len(params.users),
            "channels": len(params.channels),
            "usable pairs": len(params.usable()),
            "service": params.service,
            "objective": params.objective,
        }


TEMPLATE = ChannelAssignment()
