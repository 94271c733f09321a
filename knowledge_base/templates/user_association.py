"""User association: which cell serves each user, with the objective and constraint variants real problems use.

One MILP family, chosen by fields of the binding rather than by copies of the template:

- **Objectives** (`objective`): the sum rate, the worst user's rate (max-min), the total priority weight of the
  users served, the number of users served, the largest cell load (load = sum of demand / peak rate), the total
  handover cost (a cost per user and cell), or the total power (a transmit power per user and cell, plus the
  power of the cells left switched on when the text gives one: base-station sleeping).
- **Who is served**: every user, exactly once — except under the two "served" objectives, where serving is optional
  (at most one cell) unless the text says a user must be served.
- **Constraint groups**, each present only when the binding fills it: users per cell, resource blocks per cell (the
  RBs a user needs in a cell), backhaul per cell (the users' demands, or their rates), airtime / load per cell (sum of
  demand / rate at most a limit), a minimum rate per user, must-serve users, user-cell pairs that are not allowed,
  and coverage ("-" in any table the formulation uses, or a coverage list "U1: Macro, Small-1").

x[u,c] is binary and exists only for the covered pairs; a user's rate depends only on its cell (no sharing), which
keeps every variant linear. Code reads every table, column and list; the binding only names them, and each field
is offered only when the text speaks of what it holds (binding_schema). Proportional fairness (a log of shared
throughputs) is another kind of objective and stays its own template (association_proportional_fair).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template, binding_object, variant
from knowledge_base.templates import _cues as cue
from knowledge_base.templates import _tabular as tab
from knowledge_base.templates._association import add_association, associated, one_cell_each
from knowledge_base.templates._objectives import rate_objective
from knowledge_base.templates._stated_quantities import read_quantity, stated_unit, unit_of_kind
from tools.question import Measure, measures
from tools.textdata import TextData, name_pattern, names_any

Objective = Literal[
    "sum rate",
    "worst-user rate",
    "total priority weight of served users",
    "number of served users",
    "largest cell load",
    "total handover cost",
    "total power",
]
SUM_RATE, WORST_RATE, PRIORITY, SERVED, LOAD, HANDOVER, POWER = get_args(Objective)
OPTIONAL_SERVICE = (PRIORITY, SERVED)
"""Objectives under which a user may be left unserved (unless it must be served)."""
EVERY_USER = "every user"

Matrix = dict[str, dict[str, float | None]]


class AssociationParams(BaseModel):
    users: list[str] = Field(min_length=1)
    cells: list[str] = Field(min_length=1)
    objective: Objective = SUM_RATE
    covered: list[tuple[str, str]] = Field(description="user-cell pairs that may be associated (coverage, data given)")
    rate: Matrix | None = Field(default=None, json_schema_extra={"unit": "Mbit/s"}, description="rate[user][cell]")
    demand: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "Mbit/s"})
    weight: dict[str, float] | None = Field(default=None, description="priority weight of each user")
    handover_cost: Matrix | None = None
    transmit_power: Matrix | None = Field(default=None, json_schema_extra={"unit": "W"})
    cell_power: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "W"}, description="power when on")
    max_users: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "users"})
    rb_budget: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "RBs"})
    rb_need: Matrix | None = Field(default=None, json_schema_extra={"unit": "RBs"})
    backhaul: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "Mbit/s"})
    load_limit: dict[str, float] | None = Field(default=None, description="most load (airtime) of each cell, a fraction")
    min_rate: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "Mbit/s"})
    must_serve: list[str] = Field(default_factory=list)
    forbidden: list[tuple[str, str]] = Field(default_factory=list, description="user-cell pairs the text rules out")

    @model_validator(mode="after")
    def _consistent(self) -> AssociationParams:
        users, cells = set(self.users), set(self.cells)
        for name, matrix in self._matrices().items():
            if set(matrix) != users or any(set(row) != cells for row in matrix.values()):
                raise ValueError(f"the {name} table does not have exactly a row per user and a column per cell")
        for name, per_cell in (("user limits", self.max_users), ("RB budgets", self.rb_budget), ("backhaul", self.backhaul)):
            if per_cell is not None and set(per_cell) != cells:
                raise ValueError(f"the {name} do not name exactly the cells {', '.join(self.cells)}")
        for name, per_cell in (("load limits", self.load_limit), ("cell powers", self.cell_power)):
            if per_cell is not None and set(per_cell) != cells:
                raise ValueError(f"the {name} do not name exactly the cells {', '.join(self.cells)}")
        for name, per_user in (("demands", self.demand), ("priority weights", self.weight), ("minimum rates", self.min_rate)):
            if per_user is not None and set(per_user) != users:
                raise ValueError(f"the {name} do not name exactly the users {', '.join(self.users)}")
        unknown = [u for u in self.must_serve if u not in users] + [
            f"{u}-{c}" for u, c in self.forbidden if u not in users or c not in cells
        ]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not users (or user-cell pairs) of the tables")
        if any(u not in users or c not in cells for u, c in self.covered):
            raise ValueError("a covered pair names a user or a cell that the tables do not have")
        self._objective_has_its_data()
        must = self.users if self.objective not in OPTIONAL_SERVICE else self.must_serve
        allowed = set(self.pairs()) - set(self.forbidden)
        stranded = [u for u in must if not any((u, c) in allowed for c in self.cells)]
        if stranded:
            raise ValueError(f"user {stranded[0]} must be served but no cell covers it (or every covering cell is ruled out)")
        if self.load_limit is not None or self.objective == LOAD:
            bad = [f"{u}-{c}" for u, c in self.pairs() if not (self.rate and (self.rate[u][c] or 0) > 0)]
            if bad:
                raise ValueError(f"a load needs a positive rate for every covered pair; {', '.join(bad[:3])} has none")
        return self

    def _objective_has_its_data(self) -> None:
        needs = {
            SUM_RATE: ("rate", self.rate),
            WORST_RATE: ("rate", self.rate),
            PRIORITY: ("priority weights", self.weight),
            LOAD: ("demands", self.demand),
            HANDOVER: ("handover costs", self.handover_cost),
        }
        if self.objective in needs and needs[self.objective][1] is None:
            raise ValueError(f"the objective '{self.objective}' needs the {needs[self.objective][0]} of the text")
        if self.objective == LOAD and self.rate is None:
            raise ValueError("the objective 'largest cell load' needs each user's (peak) rate from each cell")
        if self.objective == POWER and self.transmit_power is None and self.cell_power is None:
            raise ValueError("the objective 'total power' needs a transmit power per user and cell, or a power per cell")
        if self.load_limit is not None and (self.demand is None or self.rate is None):
            raise ValueError("a load (airtime) limit needs each user's demand and its rate from each cell")
        if self.min_rate is not None and self.rate is None:
            raise ValueError("a minimum rate per user needs the rates of the users from the cells")
        if (self.rb_budget is None) != (self.rb_need is None):
            raise ValueError("resource blocks need both the budget of each cell and the RBs each user needs")
        if self.backhaul is not None and self.demand is None and self.rate is None:
            raise ValueError("a backhaul limit needs the users' demands (or their rates)")

    def _matrices(self) -> dict[str, Matrix]:
        named = {"rate": self.rate, "handover cost": self.handover_cost, "transmit power": self.transmit_power}
        named["RBs needed"] = self.rb_need
        return {name: m for name, m in named.items() if m is not None}

    def pairs(self) -> list[tuple[str, str]]:
        """The pairs x exists for: covered, with a number in every table the formulation uses."""
        matrices = list(self._matrices().values())
        covered = set(self.covered)
        return [
            (u, c) for u in self.users for c in self.cells if (u, c) in covered and all(m[u][c] is not None for m in matrices)
        ]

    @property
    def optional_service(self) -> bool:
        return self.objective in OPTIONAL_SERVICE

    def value(self, matrix: Matrix | None, user: str, cell: str) -> float:
        return float((matrix or {}).get(user, {}).get(cell) or 0.0)

    def load_share(self, user: str, cell: str) -> float:
        """The fraction of cell's resources the user occupies: demand / rate."""
        assert self.demand is not None and self.rate is not None
        return self.demand[user] / self.value(self.rate, user, cell)

    def backhaul_use(self, user: str, cell: str) -> float:
        """What a user puts on its cell's backhaul: its demand, or its rate when the text gives no demand."""
        return self.demand[user] if self.demand is not None else self.value(self.rate, user, cell)


class UserAssociation(Template[AssociationParams]):
    id = "user_association"
    family = "user_association"
    problem_class = "MILP"
    title = (
        "User association (cell selection): maximize the sum rate, worst-user rate, served priority or served users, "
        "or minimize the largest cell load, handover cost or power, under user, RB, backhaul, airtime and coverage limits"
    )
    objectives = measures(
        {
            SUM_RATE: Measure("max", "the sum rate of the users", "Mbit/s"),
            WORST_RATE: Measure("max", "the smallest user rate", "Mbit/s"),
            PRIORITY: Measure("max", "the total priority weight of the served users", ""),
            SERVED: Measure("max", "the number of served users", ""),
            LOAD: Measure("min", "the largest cell load", ""),
            HANDOVER: Measure("min", "the total handover cost"),
            POWER: Measure("min", "the total power (transmit power of the users plus the power of the cells left on)", "W"),
        }
    )
    description = (
        "Associate users with cells, base stations or access points (macro and small cells of a HetNet, APs of a "
        "WLAN): each user is served by one serving cell that covers it ('-' in the table, or a coverage list); a cell "
        "may have a maximum number of users (connections). Maximize the "
        "sum rate (total throughput) or the worst user's rate (max-min), the total priority weight of the users served "
        "or the number of users served (admission: some users may stay unserved), or minimize the largest cell load "
        "(load balancing: load = demand / peak rate), the total handover cost of re-associating users, or the total "
        "transmit power and the power of the base stations left on (sleep mode, switching cells off to save energy). "
        "Limits per cell: number of users, resource blocks (RBs), backhaul capacity, airtime or load; per user: a "
        "minimum rate, must be served, cells it may not use."
    )
    math = r"""
\textbf{Sets: } U \text{ users},\ C \text{ cells},\ K\subseteq U\times C \text{ covered pairs allowed}
\\ \textbf{Parameters: } r_{uc}\ \text{rate},\ d_u\ \text{demand},\ w_u\ \text{priority},\ h_{uc}\ \text{handover cost},
\ p_{uc}\ \text{transmit power},\ P_c\ \text{power when on},\ N_c,\ B^{RB}_c,\ n_{uc},\ B_c,\ L_c,\ r^{\min}_u
\\ \textbf{Variables: } x_{uc}\in\{0,1\}\ \forall (u,c)\in K,\ o_c\in\{0,1\} \text{ (cell on, power variant)},
\ t \text{ (worst rate or largest load)}
\\ \text{objective, one of: } \max \textstyle\sum r_{uc}x_{uc};\ \max t,\ t\le \sum_c r_{uc}x_{uc};
\ \max \sum_u w_u \sum_c x_{uc};\ \max \sum x_{uc};\ \min t,\ t\ge \sum_u \tfrac{d_u}{r_{uc}}x_{uc};
\ \min \sum h_{uc}x_{uc};\ \min \sum p_{uc}x_{uc} + \sum_c P_c o_c
\\ \textstyle\sum_{c} x_{uc} = 1\ \forall u \quad(\le 1 \text{ when serving is optional}, = 1 \text{ for must-serve users})
\\ \textstyle\sum_u x_{uc}\le N_c\,(o_c),\quad \sum_u n_{uc}x_{uc}\le B^{RB}_c,\quad \sum_u d_u x_{uc}\le B_c,
\quad \sum_u \tfrac{d_u}{r_{uc}}x_{uc}\le L_c,\quad \sum_c r_{uc}x_{uc}\ge r^{\min}_u \sum_c x_{uc},\quad x_{uc}\le o_c
"""
    examples = (
        "A heterogeneous network has one macro cell (Macro) and two small cells (Small-1, Small-2). Each of five users "
        "must be associated with exactly one cell. The table gives the downlink rate (Mbit/s) a user obtains from each "
        'cell; "-" means the user is outside that cell\'s coverage:\n\n'
        "| user | Macro | Small-1 | Small-2 |\n|---|---|---|---|\n"
        "| U1 | 10 | 30 | - |\n| U2 | 12 | 25 | - |\n| U3 | 8 | 28 | 20 |\n| U4 | 15 | - | 35 |\n| U5 | 18 | - | 30 |\n\n"
        "A cell can serve at most a given number of users: Macro at most 3, Small-1 at most 1, Small-2 at most 1. "
        "Find the association that maximizes the sum rate in Mbit/s.",
        "An operator balances the load of two cells C1 and C2 serving four users. Each user has a constant traffic "
        "demand and is served by exactly one cell; a user served by cell c with peak rate R occupies demand / R of the "
        'cell\'s resources, and the load of a cell is the sum of these fractions. "-" means not covered.\n\n'
        "| user | demand (Mbit/s) | peak rate in C1 (Mbit/s) | peak rate in C2 (Mbit/s) |\n|---|---|---|---|\n"
        "| U1 | 4 | 20 | 40 |\n| U2 | 6 | 30 | 20 |\n| U3 | 5 | 25 | - |\n| U4 | 2 | - | 10 |\n\n"
        "Minimize the largest cell load.",
        "At night an operator wants to switch off base stations to save energy. Every one of six users must be served "
        "by one active base station giving it at least 10 Mbit/s. The rate (Mbit/s) of each user from each base "
        'station ("-" = no coverage):\n\n'
        "| user | BS1 | BS2 | BS3 | BS4 |\n|---|---|---|---|---|\n"
        "| U1 | 20 | 12 | - | 5 |\n| U2 | 15 | - | 11 | 8 |\n| U3 | 8 | 25 | 14 | - |\n"
        "| U4 | - | 18 | 9 | 30 |\n| U5 | 12 | - | 22 | 16 |\n| U6 | - | 11 | 13 | 19 |\n\n"
        "Power of an active base station (W): BS1 120, BS2 100, BS3 90, BS4 130.\n"
        "Maximum users per base station: BS1 3, BS2 3, BS3 3, BS4 3.\n"
        "Which base stations should stay on to minimize the total power?",
        "Three cells A1, A2, A3 can serve five users; each served user needs resource blocks (RBs) of its cell and "
        "backhaul capacity, and a user that is not served costs nothing. The table gives the RBs a user needs in each "
        'cell ("-": not covered):\n\n'
        "| user | A1 | A2 | A3 |\n|---|---|---|---|\n"
        "| U1 | 4 | 6 | - |\n| U2 | 3 | 3 | 5 |\n| U3 | - | 5 | 4 |\n| U4 | 6 | - | 3 |\n| U5 | 2 | 4 | 4 |\n\n"
        "Priority weight: U1 5, U2 3, U3 4, U4 2, U5 1.\nBackhaul demand (Mbit/s): U1 20, U2 15, U3 25, U4 10, U5 5.\n"
        "RB budget: A1 8, A2 7, A3 6.\nBackhaul capacity (Mbit/s): A1 30, A2 30, A3 25.\n"
        "Choose which users to serve, and by which cell, to maximize the total priority weight of the served users.",
        "After a reconfiguration each user must be re-associated with one cell; moving a user costs the handover cost "
        "in the table (0 for its current cell), and the load of every cell (the sum of demand / rate of its users) must "
        "stay at most 0.9. What is the minimum total handover cost?",
    )
    tags = (
        "MILP", "user_association", "cell association", "coverage", "sum rate", "max-min", "HetNet", "load balancing",
        "backhaul", "resource blocks", "airtime", "admission", "priority", "handover", "sleep mode", "energy saving",
    )  # fmt: skip
    params_model = AssociationParams
    structural_constraints = frozenset({"one_cell", "at_most_one_cell", "worst_bound", "max_load", "only_if_on"})

    # ---------------------------------------------------------------------------------------------- binding

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        users, cells, matrices = _entities(data)
        sources = tab.matrix_sources(data)
        current = _current_cell_column(data, users, cells)
        user_columns = tab.name_columns(data, users, sources)
        cell_columns = tab.name_columns(data, cells, sources)
        per_user = [n.id for n in data.lists if set(n.values) == set(users)] + user_columns
        properties: dict[str, Any] = {
            "objective": {"enum": list(get_args(Objective)), "description": "what the question asks to optimize"},
        }
        if matrices:
            properties["rate"] = {
                "enum": [*_of_kind(matrices, data, "Mbit/s"), "none"],
                "description": "the table (or columns) of the rate, or peak rate, each user gets from each cell",
            }
        if data.says(_DEMAND):
            properties["demand"] = tab.per_name_field(
                data, users, "traffic demand of each user", "Mbit/s", optional=True, columns=user_columns
            )
        if data.says(cue.PRIORITY):
            properties["priority_weight"] = tab.per_name_field(
                data, users, "priority weight of each user", None, optional=True, columns=user_columns
            )
        handover = [*matrices, *(per_user if current else [])]
        if handover and data.says(_HANDOVER):
            properties["handover_cost"] = {
                "enum": [*handover, "none"],
                "description": "the table of the cost of serving each user from each cell (handover or re-association)"
                + (f", or the list or column of what moving each user off its current cell ({current}) costs" if current else ""),
            }
        if matrices and data.says(_POWER):
            properties["transmit_power"] = {
                "enum": [*_of_kind(matrices, data, "mW"), "none"],
                "description": "the table of the transmit power each user needs from each cell",
            }
        if data.says(_POWER) and data.says(_SLEEP):
            properties["cell_power"] = tab.per_name_field(
                data, cells, "power a cell consumes while switched on", "W", optional=True, columns=cell_columns
            )
        if data.says_together(_USER_NOUN, _CAP_WORD):
            properties["max_users_per_cell"] = tab.per_name_field(
                data, cells, "most users each cell may serve", None, optional=True, columns=cell_columns
            )
        if data.says(_RB):
            properties["resource_blocks"] = {
                "type": "object",
                # What it holds in plain words: the Verifier reads it to tell a clause the binding left out
                # ("Per TTI Alpha has 25 RBs, ...") that this field could express.
                "description": "the resource blocks (RBs) each cell has per TTI or slot, and the RBs each user needs",
                "properties": {
                    "budget": tab.per_name_field(
                        data, cells, "RBs each cell has", None, optional=True, columns=cell_columns, kind="RB"
                    ),
                    "need": {
                        "anyOf": [
                            {
                                "enum": [*_of_rbs(matrices, data), *_of_rbs(per_user, data, only=True), "none"],
                                "description": "where the RBs a user needs are",
                            },
                            tab.quantity_field("RBs every user needs, when one number holds for all", "RBs"),
                        ]
                    },
                },
                "required": ["budget", "need"],
            }
        if data.says(_BACKHAUL):
            properties["backhaul_capacity"] = tab.per_name_field(
                data, cells, "backhaul capacity of each cell", "Mbit/s", optional=True, columns=cell_columns
            )
        if data.says(_AIRTIME) or data.says_together(_LOAD_WORD, _LIMIT):
            properties["load_limit"] = tab.per_name_field(
                data, cells, "most load (airtime, sum of demand / rate) of each cell", None, optional=True, columns=cell_columns
            )
        if data.says_together(_RATE_WORD, _AT_LEAST):
            properties["minimum_rate"] = {
                "anyOf": [
                    {"enum": [*per_user, "none"], "description": "the list or column of each user's minimum rate"},
                    tab.quantity_field("the rate every user must get, when one number holds for all", "Mbit/s"),
                ]
            }
        if _sentence_names(data, _MUST_SERVE, users):
            properties["must_serve"] = {
                "type": "array",
                "items": {"enum": [EVERY_USER, *users]},
                "description": "the users the text says must be served (empty when it names none)",
            }
        if _sentence_names(data, _FORBID, users, cells):
            properties["not_allowed"] = {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"user": {"enum": users}, "cell": {"enum": cells}},
                    "required": ["user", "cell"],
                },
                "description": "user-cell pairs the text rules out (empty when none)",
            }
        coverage = _coverage_choices(data, users, cells)
        if coverage:
            properties["coverage"] = {
                "enum": [*coverage, "none"],
                "description": "the list (or 0/1 table) of the cells that cover each user; none: the '-' of the tables",
            }
        return binding_object("user_association_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        """Read what the binding names, and only what the objective and the constraint groups use: the spec is the
        list of the numbers this formulation uses (the Verifier finds ignored requirements by it)."""
        users, cells, _ = _entities(data)
        objective = variant(binding, "objective", get_args(Objective), SUM_RATE)
        rb_field = binding.get("resource_blocks")
        rb: dict[str, Any] = rb_field if isinstance(rb_field, dict) else {}
        rb_budget = self._per_name(rb.get("budget"), data, cells, "rb_budget", None, spec)
        backhaul = self._per_name(binding.get("backhaul_capacity"), data, cells, "backhaul", "Mbit/s", spec)
        load_limit = self._per_name(binding.get("load_limit"), data, cells, "load_limit", None, spec)
        if load_limit is not None and all(1 < v <= 100 for v in load_limit.values()):
            load_limit = {c: v / 100 for c, v in load_limit.items()}  # "at most 80 %": a load is a fraction
        min_rate = self._min_rate(binding.get("minimum_rate"), data, users, spec)
        demand = None
        if objective == LOAD or load_limit is not None or backhaul is not None:
            demand_choice = _or_only_column(binding.get("demand"), data, users, _DEMAND_COLUMN)
            demand = self._per_name(demand_choice, data, users, "demand", "Mbit/s", spec)
        needs_rate = objective in (SUM_RATE, WORST_RATE, LOAD) or load_limit is not None or min_rate is not None
        needs_rate = needs_rate or (backhaul is not None and demand is None)
        rate_choice = binding.get("rate")
        if needs_rate and rate_choice in (None, "none", ""):
            rate_choice = _only_rate_table(data, users, cells)  # the model declined the one table of rates there is
        rate = self._matrix(rate_choice, data, users, cells, "rate", "Mbit/s", spec if needs_rate else [])
        covered = self._coverage(binding.get("coverage"), data, users, cells)
        if rate is not None and not needs_rate:
            # The rate table still says who is covered ("-"), but its numbers are not part of this model.
            covered, rate = [(u, c) for u, c in covered if rate[u][c] is not None], None
        params_in: dict[str, Any] = {
            "users": users,
            "cells": cells,
            "objective": objective,
            "covered": covered,
            "rate": rate,
            "demand": demand,
            "max_users": self._per_name(binding.get("max_users_per_cell"), data, cells, "max_users", None, spec),
            "rb_budget": rb_budget,
            "rb_need": self._rb_need(rb.get("need"), data, users, cells, spec) if rb_budget is not None else None,
            "backhaul": backhaul,
            "load_limit": load_limit,
            "min_rate": min_rate,
            "must_serve": self._must_serve(binding.get("must_serve"), users, data),
            "forbidden": [
                (str(p.get("user")), str(p.get("cell"))) for p in binding.get("not_allowed") or [] if isinstance(p, dict)
            ],
        }
        if objective == PRIORITY:
            weight_choice = _or_only_column(binding.get("priority_weight"), data, users, cue.PRIORITY)
            params_in["weight"] = self._per_name(weight_choice, data, users, "priority_weight", None, spec)
        if objective == HANDOVER:
            params_in["handover_cost"] = self._handover(binding.get("handover_cost"), data, users, cells, spec)
        if objective == POWER:
            params_in["transmit_power"] = self._matrix(
                binding.get("transmit_power"), data, users, cells, "transmit_power", "W", spec
            )
            params_in["cell_power"] = self._per_name(binding.get("cell_power"), data, cells, "cell_power", "W", spec)
        return params_in

    @staticmethod
    def _matrix(
        choice: Any, data: TextData, users: list[str], cells: list[str], what: str, unit: str | None, spec: list[SpecItem]
    ) -> Matrix | None:
        if choice in (None, "none", ""):
            return None
        source = tab.matrix_source(data, choice, what)
        if set(source.table.rows) != set(users) or set(source.names) != set(cells):
            raise AssemblyError(f"the {what}: {source.id} is not a table of the users by the cells {', '.join(cells)}")
        return tab.read_matrix(source, what, unit, spec)

    def _handover(self, choice: Any, data: TextData, users: list[str], cells: list[str], spec: list[SpecItem]) -> Matrix | None:
        """The cost of serving each user from each cell: a users x cells table, or a cost per user of moving it off
        the cell a column of the text says it is on now (no cost to stay)."""
        if choice in (None, "none", "") or any(s.id == str(choice) for s in tab.matrix_sources(data)):
            return self._matrix(choice, data, users, cells, "handover_cost", None, spec)
        current = _current_cell_column(data, users, cells)
        if current is None:
            raise AssemblyError("the handover cost: a cost per user needs the cell each user is on now (a column of cells)")
        table_id, _, column = current.partition(": ")
        table = data.table(table_id)
        now = {u: table.text_of(u, column).strip() for u in users}
        move = tab.per_name_values(choice, data, users, "handover_cost", None, spec) or {}
        return {u: {c: 0.0 if c == now[u] else move[u] for c in cells} for u in users}

    @staticmethod
    def _per_name(
        value: Any, data: TextData, names: list[str], what: str, unit: str | None, spec: list[SpecItem]
    ) -> dict[str, float] | None:
        if value in (None, "", []):
            return None
        return tab.per_name_values(value, data, names, what, unit, spec)

    def _rb_need(self, value: Any, data: TextData, users: list[str], cells: list[str], spec: list[SpecItem]) -> Matrix:
        """RBs per user and cell: a users x cells table, a list or column per user, or one number for every user."""
        if isinstance(value, dict) and "value" in value:
            need = float(value["value"])
            spec.append(SpecItem("rb_need", need, "stated by the model from the text"))
            return {u: dict.fromkeys(cells, need) for u in users}
        if value in (None, "none", ""):
            raise AssemblyError("the RBs each user needs: name the table, column or list that gives them")
        if any(s.id == str(value) for s in tab.matrix_sources(data)):
            return self._matrix(value, data, users, cells, "rb_need", None, spec) or {}
        per_user = tab.per_name_values(value, data, users, "rb_need", None, spec) or {}
        return {u: dict.fromkeys(cells, per_user[u]) for u in users}

    @staticmethod
    def _min_rate(value: Any, data: TextData, users: list[str], spec: list[SpecItem]) -> dict[str, float] | None:
        if value in (None, "none", ""):
            return None
        if isinstance(value, dict) and "value" in value:
            if not float(value.get("value") or 0):
                return None  # "0 if the text states none"
            return dict.fromkeys(users, read_quantity(value, "Mbit/s", "min_rate", spec))
        return tab.per_name_values(value, data, users, "min_rate", "Mbit/s", spec)

    @staticmethod
    def _must_serve(value: Any, users: list[str], data: TextData) -> list[str]:
        """The users the binding says must be served; where the sentences that say so name users ("the ambulances
        (U1 and U5) and the utility crew (U2) have to be connected"), exactly those, read by code: the 0.5B model
        listed U1, U5, U6, U7, U8, U9 and the run gave a verified 21 for 22."""
        chosen = [str(v) for v in value or []]
        if EVERY_USER in chosen:
            return list(users)
        said = [s for s in data.sentences() if _MUST_SERVE.search(s)]
        named = [u for u in users if any(name_pattern(u).search(s) for s in said)]
        return named or list(dict.fromkeys(chosen))

    @staticmethod
    def _coverage(choice: Any, data: TextData, users: list[str], cells: list[str]) -> list[tuple[str, str]]:
        if choice in (None, "none", ""):
            return [(u, c) for u in users for c in cells]
        for relation in data.relations:
            if relation.id == str(choice):
                missing = [u for u in users if u not in relation.members]
                if missing:
                    raise AssemblyError(f"coverage list {relation.id} says nothing of {', '.join(missing)}")
                return [(u, c) for u in users for c in cells if c in relation.members[u]]
        source = tab.matrix_source(data, choice, "coverage")
        table = tab.read_matrix(source, "coverage", None, [])
        if set(table) != set(users):
            raise AssemblyError(f"the coverage table {source.id} does not have a row per user")
        return [(u, c) for u in users for c in cells if (table[u].get(c) or 0) > 0.5]

    # ---------------------------------------------------------------------------------------------- model

    def build_model(self, params: AssociationParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        add_association(m, params.users, params.cells, params.pairs())
        m.x = pyo.Var(m.K, domain=pyo.Binary, doc="user associated with cell")

        def cells_of(m: pyo.ConcreteModel, u: str) -> Any:
            return sum(m.x[u, c] for c in m.C if (u, c) in m.K)

        def users_of(m: pyo.ConcreteModel, c: str, coefficient: Any = None) -> Any:
            return sum((coefficient(u, c) if coefficient else 1.0) * m.x[u, c] for u in m.U if (u, c) in m.K)

        if params.optional_service:
            m.at_most_one_cell = pyo.Constraint(
                m.U, rule=lambda m, u: cells_of(m, u) <= 1, doc="user {i} is served by at most one cell"
            )
            if params.must_serve:
                m.must_serve = pyo.Constraint(
                    params.must_serve, rule=lambda m, u: cells_of(m, u) == 1, doc="user {i} must be served"
                )
        else:
            m.one_cell = one_cell_each(m, doc="user {i} is associated with exactly one cell that covers it")
        banned = [pair for pair in params.forbidden if pair in set(params.pairs())]
        if banned:
            m.not_allowed = pyo.Constraint(
                banned, rule=lambda m, u, c: m.x[u, c] == 0, doc="user-cell pair {i} is ruled out by the text"
            )
        switched = params.objective == POWER and params.cell_power is not None
        if switched:
            m.on = pyo.Var(m.C, domain=pyo.Binary, doc="cell switched on")
            m.only_if_on = pyo.Constraint(m.K, rule=lambda m, u, c: m.x[u, c] <= m.on[c], doc="pair {i} needs its cell on")
        if params.max_users is not None:
            limit = params.max_users
            m.user_limit = pyo.Constraint(
                m.C,
                rule=lambda m, c: users_of(m, c) <= limit[c] * (m.on[c] if switched else 1),
                doc="cell {i} serves no more users than its limit",
            )
        if params.rb_budget is not None and params.rb_need is not None:
            budget, need = params.rb_budget, params.rb_need
            m.rb_budget = pyo.Constraint(
                m.C,
                rule=lambda m, c: users_of(m, c, lambda u, c: params.value(need, u, c)) <= budget[c],
                doc="the resource blocks (RBs) cell {i}'s users need fit its RB budget",
            )
        if params.backhaul is not None:
            backhaul = params.backhaul
            m.backhaul_limit = pyo.Constraint(
                m.C,
                rule=lambda m, c: users_of(m, c, params.backhaul_use) <= backhaul[c],
                doc="the traffic of cell {i}'s users fits its backhaul capacity",
            )
        if params.rate is not None and params.demand is not None:
            m.cell_load = pyo.Expression(
                m.C, rule=lambda m, c: users_of(m, c, params.load_share), doc="load (airtime) of a cell: sum of demand / rate"
            )
        if params.load_limit is not None:
            load_limit = params.load_limit
            m.load_limit = pyo.Constraint(
                m.C, rule=lambda m, c: m.cell_load[c] <= load_limit[c], doc="the load (airtime) of cell {i} is within its limit"
            )
        if params.rate is not None:
            rate = params.rate
            m.user_rate = pyo.Expression(
                m.U,
                rule=lambda m, u: sum(params.value(rate, u, c) * m.x[u, c] for c in m.C if (u, c) in m.K),
                doc="rate of a user",
            )
        if params.min_rate is not None:
            floor = {u: r for u, r in params.min_rate.items() if r > 0}
            m.min_rate = pyo.Constraint(
                list(floor),
                rule=lambda m, u: m.user_rate[u] >= floor[u] * cells_of(m, u),
                doc="user {i}, when served, gets at least its minimum rate",
            )
        self._objective(m, params, switched)
        return m

    @staticmethod
    def _objective(m: pyo.ConcreteModel, params: AssociationParams, switched: bool) -> None:
        kind = params.objective
        if kind in (SUM_RATE, WORST_RATE):
            rate_objective(m, worst_user=kind == WORST_RATE)
        elif kind == PRIORITY:
            weight = params.weight or {}
            m.objective = pyo.Objective(expr=sum(weight[u] * m.x[u, c] for u, c in m.K), sense=pyo.maximize)
        elif kind == SERVED:
            m.objective = pyo.Objective(expr=sum(m.x[u, c] for u, c in m.K), sense=pyo.maximize)
        elif kind == LOAD:
            m.peak = pyo.Var(domain=pyo.NonNegativeReals, doc="largest cell load (fraction)")
            m.max_load = pyo.Constraint(
                m.C, rule=lambda m, c: m.cell_load[c] <= m.peak, doc="the load of cell {i} is at most the largest load"
            )
            m.objective = pyo.Objective(expr=m.peak, sense=pyo.minimize)
        elif kind == HANDOVER:
            cost = params.handover_cost
            m.objective = pyo.Objective(expr=sum(params.value(cost, u, c) * m.x[u, c] for u, c in m.K), sense=pyo.minimize)
        else:
            power = params.transmit_power
            on = sum((params.cell_power or {})[c] * m.on[c] for c in m.C) if switched else 0.0
            m.objective = pyo.Objective(expr=sum(params.value(power, u, c) * m.x[u, c] for u, c in m.K) + on, sense=pyo.minimize)

    # ---------------------------------------------------------------------------------------------- reading the answer

    def association(self, params: AssociationParams, solution: dict[str, float]) -> dict[str, str]:
        return associated(params.pairs(), solution)

    def cell_loads(self, params: AssociationParams, chosen: dict[str, str]) -> dict[str, float]:
        """Loads recomputed from the association alone, without the model."""
        loads = dict.fromkeys(params.cells, 0.0)
        for user, cell in chosen.items():
            loads[cell] += params.load_share(user, cell)
        return loads

    def objective_value(self, params: AssociationParams, chosen: dict[str, str]) -> float:
        """The objective recomputed from an association alone (tests hold the model to it)."""
        kind = params.objective
        if kind == SUM_RATE:
            return sum(params.value(params.rate, u, c) for u, c in chosen.items())
        if kind == WORST_RATE:
            return min(params.value(params.rate, u, chosen[u]) for u in params.users)
        if kind == PRIORITY:
            return sum((params.weight or {})[u] for u in chosen)
        if kind == SERVED:
            return float(len(chosen))
        if kind == LOAD:
            return max(self.cell_loads(params, chosen).values())
        if kind == HANDOVER:
            return sum(params.value(params.handover_cost, u, c) for u, c in chosen.items())
        used = set(chosen.values())
        on = sum(p for c, p in (params.cell_power or {}).items() if c in used)
        return sum(params.value(params.transmit_power, u, c) for u, c in chosen.items()) + on

    def solution_table(self, params: AssociationParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        chosen = self.association(params, solution)
        rows: list[dict[str, Any]] = []
        for u in params.users:
            cell = chosen.get(u)
            row: dict[str, Any] = {"user": u, "cell": cell if cell else "not served"}
            if params.rate is not None:
                row["rate (Mbit/s)"] = params.rate[u][cell] if cell else None
            if params.objective == LOAD or params.load_limit is not None:
                row["cell load"] = self.cell_loads(params, chosen)[cell] if cell else None
            if params.objective == HANDOVER:
                row["handover cost"] = params.value(params.handover_cost, u, cell) if cell else None
            if params.objective == POWER and params.transmit_power is not None:
                row["transmit power (W)"] = params.value(params.transmit_power, u, cell) if cell else None
            rows.append(row)
        return rows

    def formulation_summary(self, params: AssociationParams) -> dict[str, Any]:
        groups = {
            "user limits": params.max_users,
            "RB budgets": params.rb_budget,
            "backhaul capacities (Mbit/s)": params.backhaul,
            "load (airtime) limits": params.load_limit,
            "minimum rates (Mbit/s)": params.min_rate,
            "power of a cell when on (W)": params.cell_power,
        }
        summary: dict[str, Any] = {
            "users": len(params.users),
            "cells": params.cells,
            "allowed user-cell pairs": len(params.pairs()),
            "objective": params.objective,
            "serving": "optional" if params.optional_service else "every user exactly once",
        }
        summary |= {name: value for name, value in groups.items() if value is not None}
        if params.must_serve and params.optional_service:
            summary["must be served"] = params.must_serve
        if params.forbidden:
            summary["pairs ruled out"] = [f"{u}-{c}" for u, c in params.forbidden]
        return summary


TEMPLATE = UserAssociation()


# -------------------------------------------------------------------------------------------------- reading the text


def _entities(data: TextData) -> tuple[list[str], list[str], list[str]]:
    """The users (rows), the cells (names) and the ids of the users x cells tables code found; the users and cells
    are those of the most common table shape, and only tables of that shape are offered."""
    sources = tab.matrix_sources(data)
    if sources:
        shapes = [(frozenset(s.table.rows), frozenset(s.names)) for s in sources]
        best = max(shapes, key=shapes.count)
        fitting = [s for s, shape in zip(sources, shapes, strict=True) if shape == best]
        return list(fitting[0].table.rows), list(fitting[0].names), [s.id for s in fitting]
    if data.relations:
        relation = data.relations[0]
        cells = list(dict.fromkeys(c for cs in relation.members.values() for c in cs))
        return list(relation.members), cells, []
    raise AssemblyError(
        "this template needs a table with a row per user and a column per cell (rates, costs, powers or RBs), "
        "or a list of the cells that cover each user ('- U1: Macro, Small-1')"
    )


def _of_kind(ids: list[str], data: TextData, unit: str) -> list[str]:
    """The users x cells tables whose caption, corner or headers write no unit of another kind than `unit`, nor speak
    of RBs: the 1.5B model took dev30-assoc-04's "Required transmit power (dBm)" table for the PHY rates and the rates
    for the powers; code filled dev30-assoc-02's transmit powers with its "RBs in *" columns, the one choice left."""
    sources = {s.id: s for s in tab.matrix_sources(data)}

    def written(source: tab.MatrixSource) -> list[str]:
        return [u for u in map(stated_unit, (source.header, source.table.caption, source.table.corner)) if u]

    rbs = _of_rbs(ids, data, only=True)  # "RBs in Alpha", ...: a count of RBs, whatever its headers' parentheses say
    return [i for i in ids if i not in rbs and (i not in sources or all(unit_of_kind(w, [unit]) for w in written(sources[i])))]


def _coverage_choices(data: TextData, users: Sequence[str], cells: Sequence[str]) -> list[str]:
    relations = [
        r.id for r in data.relations if set(r.members) == set(users) and {c for v in r.members.values() for c in v} <= set(cells)
    ]
    zero_one = [
        s.id
        for s in tab.matrix_sources(data)
        if set(s.table.rows) == set(users)
        and set(s.names) == set(cells)
        and all(v in (0.0, 1.0) for row in tab.read_matrix(s, "coverage", None, []).values() for v in row.values())
    ]
    return relations + zero_one


def _sentence_names(data: TextData, pattern: re.Pattern[str], *groups: Sequence[str]) -> bool:
    """Does a sentence say `pattern` of particular things, naming one of each group ("U3 must not use AP1")?"""
    return any(pattern.search(s) and all(names_any(s, g) for g in groups) for s in data.sentences())


def _only_rate_table(data: TextData, users: list[str], cells: list[str]) -> str | None:
    """The one users x cells table (or group of columns) of the text that says it holds rates; None when there is
    none or more than one."""
    found = [
        source.id
        for source in tab.matrix_sources(data)
        if set(source.table.rows) == set(users)
        and set(source.names) == set(cells)
        and _RATE_WORD.search(f"{source.id} {source.table.caption} {source.table.corner}")
    ]
    return found[0] if len(found) == 1 else None


_DEMAND_COLUMN = re.compile(r"\bdemands?\b|\btraffic\b", re.IGNORECASE)


def _or_only_column(choice: Any, data: TextData, users: list[str], words: re.Pattern[str]) -> Any:
    """The binding's choice, or where it gives none the one per-user column whose header says what is needed
    ("priority weight", "demand (Mbit/s)"). dev30-assoc-02 on the 1.5B left out the weights, then the demands, one
    refusal each, and ended at the cap."""
    if choice not in (None, "none", ""):
        return choice
    found = [c for c in tab.name_columns(data, users, tab.matrix_sources(data)) if words.search(c.partition(": ")[2])]
    return found[0] if len(found) == 1 else choice


def _current_cell_column(data: TextData, users: list[str], cells: list[str]) -> str | None:
    """The one column ("T1: now on") that names the cell each user is on now, as a choice; None when no column (or
    more than one) does."""
    found = [
        f"{t.id}: {c}"
        for t in data.tables
        if t.rows and set(t.rows) == set(users)
        for c in t.columns
        if all(t.text_of(u, c).strip() in cells for u in users)
    ]
    return found[0] if len(found) == 1 else None


_DEMAND = re.compile(r"\bdemands?\b|\btraffic\b|\brequests?\b|\bairtime\b|\bloads?\b|\bbackhaul\b", re.IGNORECASE)
_HANDOVER = re.compile(r"\bhand-?overs?\b|\bcosts?\b|\bmigrat\w*|\bre-?associat\w*|\bswitching\b", re.IGNORECASE)
_POWER = re.compile(r"\bpowers?\b|\benergy\b", re.IGNORECASE)
_SLEEP = re.compile(
    r"\bsleep\w*|\bswitch\w*\s+(?:\w+\s+)?(?:off|on)\b|\bon/off\b|\bactive\b|\bactivat\w*|\bturn\w*\s+(?:\w+\s+)?(?:off|on)\b|"
    r"\bkept on\b|\bstays? on\b|(?<![\w-])powered\b",  # not "battery-powered" (dev30-assoc-04's scanners)
    re.IGNORECASE,
)
_USER_NOUN = re.compile(
    r"\b(?:users?|UEs?|handsets?|terminals?|clients?|devices?|subscribers?|phones?|stations?|STAs?|connections?)\b",
    re.IGNORECASE,
)
_CAP_WORD = re.compile(
    r"\bat most\b|\bno more than\b|\bup to\b|\bmaximum\b|\bmax\.?\b|\blimit\w*|\bcap(?:ped|s)?\b|\bcapacity of\b|"
    r"\bnot exceed\b|\bscheduler\b",
    re.IGNORECASE,
)
"""A per-cell user cap is said in one sentence that names the users (or handsets, clients, ...) and a limit."""
_RB = re.compile(r"\bresource blocks?\b|\bP?RBs?\b", re.IGNORECASE)


def _of_rbs(choices: list[str], data: TextData, only: bool = False) -> list[str]:
    """The tables, columns and lists whose heading or label speaks of RBs (all of them where none does, unless `only`):
    a column of priority weights read as the RBs each user needs was verified with the RB table left unused."""
    labels = {n.id: f"{n.label} {n.unit}" for n in data.lists}
    said = [c for c in choices if _RB.search(labels.get(c, c.partition(": ")[2] or c))]
    return said if said or only else choices


_BACKHAUL = re.compile(r"\bbackhaul\b|\bfronthaul\b", re.IGNORECASE)
_AIRTIME = re.compile(r"\bair-?time\b", re.IGNORECASE)
_LOAD_WORD = re.compile(r"\bloads?\b|\butili[sz]ation\b", re.IGNORECASE)
_LIMIT = re.compile(
    r"\bat most\b|\bno more than\b|\bnot exceed\b|\bexceed\w*\b|\blimit\w*\b|\bbelow\b|\bunder\b|\bcap\w*\b|≤|<=|\bstay\w*\b",
    re.IGNORECASE,
)
_RATE_WORD = re.compile(r"\brates?\b|\bthroughputs?\b|bit/s\b|\bbps\b", re.IGNORECASE)
_AT_LEAST = re.compile(r"\bat least\b|\bminimum\b|\bno less than\b|\bguarantee\w*|≥|>=", re.IGNORECASE)
_MUST_SERVE = re.compile(
    r"\b(?:must|has to|have to|needs? to|shall)(?: always)? be (?:served|admitted|connected|attached|associated)\b|"
    r"\bmust (?:serve|connect|admit)\b|\bcannot be (?:dropped|rejected|left)\b|\bmandatory\b|\bno matter what\b|"
    r"\bguaranteed (?:service|connection|access)\b",
    re.IGNORECASE,
)
_FORBID = re.compile(
    r"\b(?:must not|may not|cannot|can ?not|can't|not allowed to|never|is not allowed|are not allowed|forbidden|prohibited)\b"
    r"[^.\n]{0,60}\b(?:served|serve|use|used|associat\w*|connect\w*|attach\w*)",
    re.IGNORECASE,
)
