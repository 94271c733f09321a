"""Energy-saving association: switch off base stations and serve every user from the ones left on (least power).

A facility-location model: on[c] binary (base station c active), x[u,c] binary on the pairs whose rate
reaches the user's minimum rate, each user served by exactly one active base station, each base station
serving at most its user limit. Minimise the power of the active base stations. The user limit multiplies
on[c] (sum_u x[u,c] <= N_c on[c]), which both enforces it and switches users off with their station.
"""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template, binding_object
from knowledge_base.templates import _tabular as tab
from knowledge_base.templates._association import add_association, associated, one_cell_each, rate_tables
from knowledge_base.templates._stated_quantities import read_quantity
from tools.question import Measure, measures
from tools.textdata import TextData


class SleepingParams(BaseModel):
    users: list[str] = Field(min_length=1)
    stations: list[str] = Field(min_length=1)
    rate: dict[str, dict[str, float | None]] = Field(json_schema_extra={"unit": "Mbit/s"})
    min_rate: float = Field(default=0.0, ge=0, json_schema_extra={"unit": "Mbit/s"})
    power: dict[str, float] = Field(json_schema_extra={"unit": "W"})
    max_users: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "users"})

    @model_validator(mode="after")
    def _consistent(self) -> SleepingParams:
        for user in self.users:
            if set(self.rate.get(user, {})) != set(self.stations):
                raise ValueError(f"rate row {user} does not name exactly the base stations")
            if not any(self.usable(user, c) for c in self.stations):
                raise ValueError(f"no base station gives user {user} its minimum rate of {self.min_rate:g} Mbit/s")
        if set(self.power) != set(self.stations):
            raise ValueError("the powers do not name exactly the base stations")
        if self.max_users is not None and set(self.max_users) != set(self.stations):
            raise ValueError("the user limits do not name exactly the base stations")
        return self

    def usable(self, user: str, station: str) -> bool:
        rate = self.rate[user][station]
        return rate is not None and rate >= self.min_rate

    def pairs(self) -> list[tuple[str, str]]:
        return [(u, c) for u in self.users for c in self.stations if self.usable(u, c)]


class AssociationBsSleeping(Template[SleepingParams]):
    id = "association_bs_sleeping"
    family = "user_association"
    problem_class = "MILP"
    title = "Energy-saving user association: switch base stations off (sleep mode) and serve all users with least power"
    objectives = measures(
        {
            "": Measure("min", "the total power of the switched-on base stations", "W"),
        }
    )
    description = (
        "Save energy in a cellular network by putting base stations (or small cells, access points) to sleep: every "
        "user must be associated with one active base station that gives it at least a minimum rate, each base station "
        "serves at most a given number of users, and an active base station consumes its power (W). A table gives the "
        "rate of each user from each base station. Choose which base stations stay on and the association that "
        "minimizes the total power consumption (BS on/off switching, cell sleeping, facility location)."
    )
    math = r"""
\textbf{Sets: } U \text{ users},\ C \text{ base stations},\ K=\{(u,c): r_{uc}\ge r^{\min}\}
\\ \textbf{Parameters: } r_{uc}\ \text{rate (Mbit/s)},\ r^{\min},\ P_c\ \text{power when on (W)},\ N_c\ \text{most users}
\\ \textbf{Variables: } x_{uc}\in\{0,1\}\ \forall (u,c)\in K,\ o_c\in\{0,1\}\ (\text{on})
\\ \min\ \textstyle\sum_c P_c o_c
\\ \textstyle\sum_{c:(u,c)\in K} x_{uc}=1\ \forall u,\quad x_{uc}\le o_c,\quad \sum_{u} x_{uc}\le N_c\, o_c\ \forall c
"""
    examples = (
        "At night an operator wants to switch off base stations to save energy. Every one of six users must be served "
        "by one active base station giving it at least 10 Mbit/s. The rate (Mbit/s) of each user from each base "
        'station ("-" = no coverage):\n\n'
        "| user | BS1 | BS2 | BS3 | BS4 |\n|---|---|---|---|---|\n"
        "| U1 | 20 | 12 | - | 5 |\n| U2 | 15 | - | 11 | 8 |\n| U3 | 8 | 25 | 14 | - |\n"
        "| U4 | - | 18 | 9 | 30 |\n| U5 | 12 | - | 22 | 16 |\n| U6 | - | 11 | 13 | 19 |\n\n"
        "Power of an active base station (W): BS1 120, BS2 100, BS3 90, BS4 130.\n"
        "Maximum users per base station: BS1 3, BS2 3, BS3 3, BS4 3.\n"
        "Which base stations should stay on to minimize the total power?",
        "Put the small cells to sleep where possible while every user still gets its minimum rate from an active "
        "cell; minimize the network's power consumption.",
    )
    tags = ("MILP", "user_association", "energy saving", "sleep mode", "BS switching", "facility location", "green")
    params_model = SleepingParams
    structural_constraints = frozenset({"one_station", "only_if_on"})

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        tables = rate_tables(data, "a table of rates with a row per user and a column per base station")
        stations = list(dict.fromkeys(c for t in tables for c in t.columns))
        properties = {
            "rate_table": {"enum": [t.id for t in tables], "description": "the table of rates: a row per user"},
            "minimum_rate": tab.quantity_field("the rate every user must get; value 0 if the text states none", "Mbit/s"),
            "power": tab.per_name_field(data, stations, "power of each base station when it is on", "W"),
            "max_users": tab.per_name_field(data, stations, "most users each base station may serve", None, optional=True),
        }
        return binding_object("bs_sleeping_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        source, rate = tab.rate_matrix(data, binding.get("rate_table"), "rate", spec)
        stations = list(source.columns)
        min_rate = read_quantity(binding.get("minimum_rate"), "Mbit/s", "minimum_rate", spec, default=0.0)
        power = tab.per_name_values(binding.get("power"), data, stations, "power", "W", spec)
        if power is None:
            raise AssemblyError("the power of each base station when on is needed")
        max_users = tab.per_name_values(binding.get("max_users"), data, stations, "max_users", None, spec)
        return {
            "users": list(source.rows),
            "stations": stations,
            "rate": rate,
            "min_rate": min_rate,
            "power": power,
            "max_users": max_users,
        }

    def build_model(self, params: SleepingParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        add_association(m, params.users, params.stations, params.pairs())
        m.x = pyo.Var(m.K, domain=pyo.Binary, doc="user served by base station")
        m.on = pyo.Var(m.C, domain=pyo.Binary, doc="base station active")
        m.one_station = one_cell_each(m, "user {i} is served by exactly one base station")
        m.only_if_on = pyo.Constraint(
            m.K, rule=lambda m, u, c: m.x[u, c] <= m.on[c], doc="association {i} needs its base station on"
        )
        if params.max_users is not None:
            limit = params.max_users
            m.user_limit = pyo.Constraint(
                m.C,
                rule=lambda m, c: sum(m.x[u, c] for u in m.U if (u, c) in m.K) <= limit[c] * m.on[c],
                doc="base station {i} serves no more users than its limit",
            )
        m.objective = pyo.Objective(expr=sum(params.power[c] * m.on[c] for c in m.C), sense=pyo.minimize)
        return m

    def solution_table(self, params: SleepingParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        chosen = associated(params.pairs(), solution)
        return [
            {"user": u, "base station": chosen.get(u, "?"), "rate (Mbit/s)": params.rate[u][chosen[u]] if u in chosen else None}
            for u in params.users
        ]

    def formulation_summary(self, params: SleepingParams) -> dict[str, Any]:
        return {
            "users": len(params.users),
            "base stations": params.stations,
            "usable user-station pairs": len(params.pairs()),
            "minimum rate (Mbit/s)": params.min_rate,
            "user limits": params.max_users,
        }


TEMPLATE = AssociationBsSleeping()
