"""Channel / resource-block assignment: orthogonal channels to users, one or several per user, from a rate table.

x[u,k] binary on the usable pairs (a number in the rate table); each channel (subcarrier, resource block, time
slot) goes to at most one user, so there is no interference, and a user's rate is the sum of the rates of its
channels. Variants, chosen by fields of the binding:

- **Channels per user** (`channels_per_user`): exactly one (the assignment problem, whose LP relaxation is integral
  for the sum rate), at most one, at least one, or any number (resource-block scheduling).
- **Objectives** (`objective`): the (weighted) sum rate, the rate of the worst user (max-min, an epigraph variable),
  or the fewest channels used while every user reaches its minimum rate.
- **Per-user groups**, each offered only when the text speaks of it: a minimum rate (the QoS floor, which makes the
  LP relaxation fractional: a generalised assignment problem) and a cap on the number of channels of a user, as one
  value for every user or one per user; priority weights of the sum rate.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import SpecItem, Template, binding_object
from knowledge_base.templates import _cues as cue
from knowledge_base.templates import _tabular as tab
from knowledge_base.templates._association import rate_tables
from knowledge_base.templates._objectives import rate_objective
from knowledge_base.templates._stated_quantities import (
    LINEAR,
    read_series,
    read_series_or_common,
    series_or_common_schema,
    series_schema,
)
from tools.question import Measure, measures
from tools.textdata import Table, TextData

Objective = Literal["maximize the sum rate", "maximize the smallest user rate", "minimize the number of channels used"]
SUM_RATE, WORST_RATE, FEWEST = get_args(Objective)
PerUser = Literal[
    "exactly one channel per user",
    "at most one channel per user",
    "at least one channel per user",
    "any number of channels per user",
]
EXACTLY_ONE, AT_MOST_ONE, AT_LEAST_ONE, ANY_NUMBER = get_args(PerUser)
Orientation = Literal["a row per user, a column per channel", "a row per channel, a column per user"]
RATE_UNITS = ["Mbit/s", "kbit/s", "Gbit/s", "bit/s"]
_CHANNEL_WORDS = r"(?:channels?|(?:resource )?blocks?|RBs?|PRBs?|subcarriers?|sub-?channels?|slots?|tones?)"
CAP_ON_COUNT = re.compile(
    rf"\b(?:at most|up to|no more than|more than|maximum of|max\.?|limit\w* (?:of|to))\s+(?:\d+|one|two|three|four|five|six)\s+"
    rf"{_CHANNEL_WORDS}\b|\b(?:max\w*|most)\s+(?:number of\s+)?{_CHANNEL_WORDS}\s+(?:per|of each|for each|of a)\s+(?:user|UE)\b|"
    rf"\b{_CHANNEL_WORDS}\s+per\s+(?:user|UE)\b",
    re.IGNORECASE,
)


class ChannelAssignmentParams(BaseModel):
    users: list[str] = Field(min_length=1)
    channels: list[str] = Field(min_length=1)
    rate: dict[str, dict[str, float | None]] = Field(
        json_schema_extra={"unit": "Mbit/s"}, description="rate[user][channel]; None where the user cannot use the channel"
    )
    channels_per_user: PerUser = EXACTLY_ONE
    objective: Objective = SUM_RATE
    min_rate: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "Mbit/s"})
    max_channels: dict[str, float] | None = Field(default=None, description="most channels a user may get")
    weight: dict[str, float] | None = Field(default=None, description="priority weight of each user's rate")

    @model_validator(mode="after")
    def _consistent(self) -> ChannelAssignmentParams:
        for user in self.users:
            if set(self.rate.get(user, {})) != set(self.channels):
                raise ValueError(f"rate row {user} does not name exactly the channels {', '.join(self.channels)}")
        for name, per_user in (("minimum rates", self.min_rate), ("channel caps", self.max_channels), ("weights", self.weight)):
            if per_user is not None and (set(per_user) != set(self.users) or any(v < 0 for v in per_user.values())):
                raise ValueError(f"the {name} must name exactly the users {', '.join(self.users)}, each non-negative")
        single = self.channels_per_user in (EXACTLY_ONE, AT_MOST_ONE)
        if single and self.max_channels is not None and any(v > 1 for v in self.max_channels.values()):
            # dev30-chan-02 on the 1.5B: "at most one channel per user" beside "at most 3 RBs each", reported infeasible
            raise ValueError(
                f"channels per user: {self.channels_per_user} contradicts a cap of more than one channel per user "
                "(the text that caps a user's channels lets it have several)"
            )
        if self.channels_per_user in (EXACTLY_ONE, AT_LEAST_ONE) and len(self.users) > len(self.channels):
            raise ValueError(f"{len(self.users)} users cannot each get their own channel out of {len(self.channels)}")
        if self.objective == FEWEST and self.min_rate is None and self.channels_per_user not in (EXACTLY_ONE, AT_LEAST_ONE):
            raise ValueError("the fewest channels needs a minimum rate per user (or every user served): else none is used")
        return self

    def usable(self) -> list[tuple[str, str]]:
        return [(u, k) for u in self.users for k in self.channels if self.rate[u][k] is not None]

    def user_rate(self, user: str, channels: list[str]) -> float:
        return sum(float(self.rate[user][k] or 0.0) for k in channels)


class ChannelAssignment(Template[ChannelAssignmentParams]):
    id = "channel_assignment"
    family = "channel_assignment"
    problem_class = "MILP"
    title = (
        "Channel and resource-block allocation: give each subcarrier, channel or resource block (RB, PRB) to at most one "
        "user; max sum rate, max-min rate or fewest blocks, with minimum rates"
    )
    objectives = measures(
        {
            SUM_RATE: Measure("max", "the sum rate of the users", "Mbit/s"),
            WORST_RATE: Measure("max", "the smallest user rate", "Mbit/s"),
            FEWEST: Measure("min", "the number of channels (resource blocks) used", ""),
        }
    )
    description = (
        "Schedule the resource blocks (RBs, PRBs), subcarriers or channels of an OFDMA, LTE or 5G NR cell among users "
        "(UEs): each block goes to at most one user, a user gets one block or several, and its rate is the sum of the "
        "rates of its blocks, from a table of the rate of each user on each block. Every user may need a minimum rate "
        "(QoS, guaranteed bit rate) and may get at most so many blocks. Maximize the sum rate (total throughput), the "
        "rate of the worst user (max-min fairness), or minimize the number of blocks used. With one channel per user "
        "this is the assignment problem (Hungarian method)."
    )
    math = r"""
\textbf{Sets: } U \text{ users},\ K \text{ channels},\ P\subseteq U\times K \text{ usable pairs}
\\ \textbf{Parameters: } r_{uk}\ \text{rate (Mbit/s)},\ R_u\ \text{minimum rate},\ N_u\ \text{most channels},
\ w_u\ \text{weights}
\\ \textbf{Variables: } x_{uk}\in\{0,1\}\ \forall (u,k)\in P,\ t \text{ (worst-user variant)}
\\ \textstyle\sum_{u} x_{uk}\le 1\ \forall k,\qquad \sum_k x_{uk}\ (= 1,\ \le 1,\ \ge 1 \text{ or free}),
\quad \sum_k x_{uk} \le N_u,\quad \sum_k r_{uk}x_{uk}\ge R_u\ \forall u
\\ \max\ \textstyle\sum_{u} w_u \sum_k r_{uk}x_{uk} \quad\text{or}\quad \max t,\ t\le \sum_k r_{uk}x_{uk}\ \forall u
\quad\text{or}\quad \min \textstyle\sum_{(u,k)\in P} x_{uk}
"""
    examples = (
        "An OFDMA cell assigns four subcarriers to three users; each user gets exactly one subcarrier and each "
        "subcarrier goes to at most one user. The achievable rate (Mbit/s) of each user on each subcarrier is:\n\n"
        "| user | SC1 | SC2 | SC3 | SC4 |\n|---|---|---|---|---|\n"
        "| U1 | 5 | 9 | 3 | 6 |\n| U2 | 8 | 7 | 4 | 2 |\n| U3 | 6 | 8 | 7 | 5 |\n\n"
        "Find the assignment that maximizes the sum rate.",
        "A 5G scheduler allocates six resource blocks RB1-RB6 to three users; each resource block goes to at most one "
        "user and a user's rate is the sum of the rates of its blocks. The rate (Mbit/s) of each user on each block is:\n\n"
        "| user | RB1 | RB2 | RB3 | RB4 | RB5 | RB6 |\n|---|---|---|---|---|---|---|\n"
        "| U1 | 4 | 6 | 2 | 5 | 3 | 1 |\n| U2 | 3 | 5 | 4 | 2 | 6 | 2 |\n| U3 | 1 | 2 | 3 | 1 | 2 | 3 |\n\n"
        "Minimum rate (Mbit/s): U1 5, U2 5, U3 5.\n"
        "Allocate the blocks to maximize the total throughput.",
        "Allocate frequency channels to access points so that no two share a channel and the weakest link's "
        "throughput is as large as possible.",
        "Each UE needs at least 8 Mbit/s and may get at most three PRBs. What is the smallest number of resource "
        "blocks that serves every UE?",
    )
    tags = (
        "MILP", "channel_assignment", "subcarrier", "OFDMA", "resource block", "RB", "PRB", "scheduling",
        "assignment problem", "matching", "sum rate", "max-min", "minimum rate", "QoS", "fewest resource blocks",
    )  # fmt: skip
    params_model = ChannelAssignmentParams
    structural_constraints = frozenset({"channels_of_user", "user_per_channel", "worst_bound"})

    # ---------------------------------------------------------------------------------------------- binding

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        tables = rate_tables(data, "a table of rates of each user on each channel")
        grids = tuple(t.id for t in tables if _is_grid(t))
        properties: dict[str, Any] = {
            "rate_table": {"enum": [t.id for t in tables], "description": "the table of rates of users on channels"},
            "table_layout": {"enum": list(get_args(Orientation))},
            "channels_per_user": {
                "enum": list(get_args(PerUser)),
                "description": "how many channels one user may get, as the text says",
            },
        }
        objectives = list(get_args(Objective))
        if cue.sentence_says(data, cue.RATE_WORD, cue.AT_LEAST):
            properties["minimum_rate"] = series_or_common_schema("the rate each user needs", RATE_UNITS, data, grids)
        if CAP_ON_COUNT.search(data.text):
            cap = series_or_common_schema("the most channels (resource blocks) one user may get", ["channels"], data, grids)
            if _RBS.search(data.text):  # what the text calls them: "at most 3 RBs each" pins the field when left out
                cap["properties"]["unit"] = {"enum": ["channels", "RBs"]}
            properties["max_channels_per_user"] = cap
        if cue.says(data, cue.PRIORITY):
            properties["weights"] = series_schema("priority weight of each user, if the text gives any", [LINEAR], data, True)
        properties["objective"] = {"enum": objectives, "description": "what the question asks to optimize"}
        return binding_object("channel_assignment_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        users, channels, rate = tab.user_rates(data, binding, get_args(Orientation), spec)
        objective = binding.get("objective", SUM_RATE)
        values: dict[str, Any] = {
            "users": users,
            "channels": channels,
            "rate": rate,
            "channels_per_user": binding.get("channels_per_user", EXACTLY_ONE),
            "objective": objective,
            "min_rate": read_series_or_common(binding.get("minimum_rate"), users, "Mbit/s", "minimum rate", data, spec),
            "max_channels": read_series_or_common(
                _as_channels(binding.get("max_channels_per_user")), users, "channels", "most channels per user", data, spec
            ),
        }
        if objective == SUM_RATE:
            values["weight"] = read_series(binding.get("weights"), LINEAR, "weight", data, spec, optional=True)
        return values

    # ---------------------------------------------------------------------------------------------- model

    def build_model(self, params: ChannelAssignmentParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.U = pyo.Set(initialize=params.users, ordered=True)
        m.K = pyo.Set(initialize=params.channels, ordered=True)
        m.P = pyo.Set(initialize=params.usable(), dimen=2, ordered=True)
        m.x = pyo.Var(m.P, domain=pyo.Binary, doc="channel assigned to user")

        def count(m: pyo.ConcreteModel, u: str) -> Any:
            return sum(m.x[u, k] for k in m.K if (u, k) in m.P)

        rule = {
            EXACTLY_ONE: (lambda m, u: count(m, u) == 1, "user {i} gets exactly one channel"),
            AT_MOST_ONE: (lambda m, u: count(m, u) <= 1, "user {i} gets at most one channel"),
            AT_LEAST_ONE: (lambda m, u: count(m, u) >= 1, "user {i} gets at least one channel"),
        }
        if params.channels_per_user in rule:
            how, doc = rule[params.channels_per_user]
            m.channels_of_user = pyo.Constraint(m.U, rule=how, doc=doc)
        m.user_per_channel = pyo.Constraint(
            m.K, rule=lambda m, k: sum(m.x[u, k] for u in m.U if (u, k) in m.P) <= 1, doc="channel {i} goes to at most one user"
        )
        if params.max_channels is not None:
            most = params.max_channels
            m.max_channels = pyo.Constraint(
                m.U, rule=lambda m, u: count(m, u) <= most[u], doc="user {i} gets at most its cap of channels"
            )
        rate = params.rate
        m.user_rate = pyo.Expression(
            m.U, rule=lambda m, u: sum(float(rate[u][k] or 0.0) * m.x[u, k] for k in m.K if (u, k) in m.P), doc="rate of a user"
        )
        if params.min_rate is not None:
            floor = params.min_rate
            m.min_rate = pyo.Constraint(
                m.U, rule=lambda m, u: m.user_rate[u] >= floor[u], doc="user {i} reaches its minimum rate"
            )
        if params.objective == FEWEST:
            m.objective = pyo.Objective(expr=sum(m.x[p] for p in m.P), sense=pyo.minimize)
        else:
            rate_objective(m, worst_user=params.objective == WORST_RATE, weight=params.weight)
        return m

    # ---------------------------------------------------------------------------------------------- reading the answer

    def assignment(self, params: ChannelAssignmentParams, solution: dict[str, float]) -> dict[str, list[str]]:
        """User -> the channels it got."""
        chosen: dict[str, list[str]] = {u: [] for u in params.users}
        for u, k in params.usable():
            if solution.get(f"x[{u},{k}]", 0.0) > 0.5:
                chosen[u].append(k)
        return chosen

    def objective_value(self, params: ChannelAssignmentParams, chosen: dict[str, list[str]]) -> float:
        """The objective recomputed from an assignment alone."""
        rates = {u: params.user_rate(u, chosen.get(u, [])) for u in params.users}
        if params.objective == FEWEST:
            return float(sum(len(ks) for ks in chosen.values()))
        if params.objective == WORST_RATE:
            return min(rates.values())
        weight = params.weight or {}
        return sum(weight.get(u, 1.0) * r for u, r in rates.items())

    def solution_table(self, params: ChannelAssignmentParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        chosen = self.assignment(params, solution)
        rows: list[dict[str, Any]] = []
        for user in params.users:
            row: dict[str, Any] = {
                "user": user,
                "channels": ", ".join(chosen[user]) or "none",
                "rate (Mbit/s)": params.user_rate(user, chosen[user]),
            }
            if params.min_rate is not None:
                row["minimum (Mbit/s)"] = params.min_rate[user]
            rows.append(row)
        return rows

    def formulation_summary(self, params: ChannelAssignmentParams) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "users": len(params.users),
            "channels": len(params.channels),
            "usable pairs": len(params.usable()),
            "channels per user": params.channels_per_user,
            "objective": params.objective,
        }
        optional = {"minimum rates (Mbit/s)": params.min_rate, "most channels per user": params.max_channels}
        return summary | {name: value for name, value in optional.items() if value is not None}


TEMPLATE = ChannelAssignment()


def _is_grid(table: Table) -> bool:
    """A users x channels table: every column header names a channel (SC1, RB2, CH3), none a quantity."""
    return all(any(ch.isdigit() for ch in column) and "(" not in column for column in table.columns)


_RBS = re.compile(r"\bRBs?\b|\bresource blocks?\b", re.IGNORECASE)


def _as_channels(entry: Any) -> Any:
    """A count of channels the binding gives in RBs (dev30-chan-02: "can handle at most 3 RBs each", where the RBs
    are the channels) is that many channels."""
    return {**entry, "unit": "channels"} if isinstance(entry, dict) and entry.get("unit") == "RBs" else entry
