"""Consolidate microservices onto the fewest / cheapest LEO satellites: minimise the activation power of those switched on.

Variant of leo_microservice_placement: the objective is the activation power of the satellites that host
anything (on[s] binary, x[m,s] <= on[s]), and each application's round-trip latency must stay within its
budget. The delay table may be in hops; the text's delay per hop (or per table unit) scales it to ms.
CPU capacity is only available on a switched-on satellite (sum_m c_m x[m,s] <= C_s on[s]), which also
tightens the relaxation. Transfers use the base template's exact linearisation of x[m,s] x[m',t].
"""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo
from pydantic import Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, binding_object
from knowledge_base.templates import _tabular as tab
from knowledge_base.templates._chain_transfers import (
    ChainApp,
    ChainPlacement,
    ChainPlacementParams,
    CpuLimits,
    add_transfer_links,
    add_transfer_variables,
    applications_field,
    named_chains,
    round_trip_delay,
    square_tables,
)
from knowledge_base.templates._stated_quantities import read_quantity
from tools.question import Measure, measures
from tools.textdata import TextData


class BudgetedApplication(ChainApp):
    latency_budget_ms: float | None = Field(default=None, gt=0, json_schema_extra={"unit": "ms"})


class LeoActivationParams(ChainPlacementParams[BudgetedApplication], CpuLimits):
    activation_power: dict[str, float] = Field(json_schema_extra={"unit": "W"})

    @model_validator(mode="after")
    def _consistent(self) -> LeoActivationParams:
        if set(self.activation_power) != set(self.satellites):
            raise ValueError("the activation powers do not name exactly the satellites")
        self.check_cpu(self.satellites, self.services)
        return self


class LeoPlacementActivationPower(ChainPlacement[LeoActivationParams]):
    id = "leo_placement_activation_power"
    title = "Consolidate microservices on the fewest / cheapest LEO satellites (min activation power, latency budgets)"
    objectives = measures(
        {
            "": Measure("min", "the total activation power of the switched-on satellites", "W"),
        }
    )
    description = (
        "Consolidate edge microservices of application chains onto as few and as cheap LEO satellites as possible. A "
        "satellite that hosts at least one microservice must switch on its payload computer, which costs an activation "
        "power (W); satellites that host nothing stay off. Each microservice is placed on exactly one satellite within "
        "its CPU capacity, and each application's round-trip latency (access satellite, through the chain, back; "
        "delay per inter-satellite hop) must not exceed its latency budget. Minimize the total activation power "
        "(energy) of the switched-on satellites."
    )
    math = r"""
\textbf{Sets: } S \text{ satellites},\ M \text{ microservices},\ A \text{ applications with chains and access satellite } s_a
\\ \textbf{Parameters: } d_{st} = \delta\, h_{st}\ \text{delay (ms; } h \text{ hops, } \delta \text{ ms per hop)},
\ c_m,\ C_s\ \text{CPU},\ P_s\ \text{activation power (W)},\ B_a\ \text{latency budget (ms)}
\\ \textbf{Variables: } x_{ms}\in\{0,1\},\ o_s\in\{0,1\}\ (\text{switched on}),\ y_{e,st}\ge 0 \text{ for consecutive pairs}
\\ \min\ \textstyle\sum_s P_s o_s
\\ x_{ms}\le o_s,\quad \textstyle\sum_s x_{ms}=1,\quad \sum_m c_m x_{ms}\le C_s o_s,
\quad \sum_t y_{e,st}=x_{ms},\ \sum_s y_{e,st}=x_{m't}
\\ L_a = \textstyle\sum_s d_{s_a s}x_{m_{a,1}s} + \sum_{e\in a}\sum_{s,t} d_{st}y_{e,st}
+ \sum_s d_{s s_a}x_{m_{a,k_a}s}\ \le B_a\ \forall a
"""
    examples = (
        "Four satellites S1-S4 form a ring. The number of inter-satellite hops between each pair of satellites is:\n\n"
        "| hops | S1 | S2 | S3 | S4 |\n|---|---|---|---|---|\n"
        "| S1 | 0 | 1 | 2 | 1 |\n| S2 | 1 | 0 | 1 | 2 |\n| S3 | 2 | 1 | 0 | 1 |\n| S4 | 1 | 2 | 1 | 0 |\n\n"
        "Every hop adds 10 ms of one-way delay.\n"
        "- Application A: chain A1 -> A2, access satellite S1, round-trip latency budget 20 ms.\n"
        "- Application B: chain B1 -> B2, access satellite S3, round-trip latency budget 20 ms.\n\n"
        "CPU requirement of each microservice (cores): A1 2, A2 2, B1 3, B2 1.\n"
        "CPU capacity of each satellite (cores): S1 4, S2 8, S3 4, S4 3.\n"
        "A satellite that hosts a microservice must be switched on; activation power (W): S1 10, S2 25, S3 12, S4 6.\n"
        "Minimize the total activation power of the switched-on satellites.",
        "Switch on as few satellites as possible to host the microservices, respecting CPU capacities and each "
        "application's latency budget, minimizing the total power of the active satellites.",
    )
    tags = ("MILP", "leo_service_placement", "satellite", "consolidation", "activation power", "energy", "latency budget")
    params_model = LeoActivationParams
    structural_constraints = frozenset({"one_place", "only_if_on", "link_from", "link_to"})

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        square = square_tables(data, "delays (or hops)")
        satellites = list(dict.fromkeys(s for t in data.tables if t.id in square for s in t.rows))
        services = list(dict.fromkeys(m for chain in data.chains for m in chain))
        budget = {"latency_budget": tab.quantity_field("its round-trip latency budget; value 0 if the text states none", "ms")}
        properties = {
            "delay_table": {"enum": square, "description": "table of delays or hop counts between satellites"},
            "delay_per_table_unit": tab.quantity_field(
                "the one-way delay one unit of the table stands for: "
                "the delay per hop for a table of hops, 1 ms for a table in ms",
                "ms",
            ),
            "cpu_requirement": tab.per_name_field(data, services, "CPU requirement of each microservice", "cores", optional=True),
            "cpu_capacity": tab.per_name_field(data, satellites, "CPU capacity of each satellite", "cores", optional=True),
            "activation_power": tab.per_name_field(data, satellites, "activation power of each satellite", "W"),
            "applications": applications_field(data, satellites, budget),
        }
        return binding_object("leo_activation_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        source = tab.table(data, binding.get("delay_table"), "delay")
        per_unit = read_quantity(binding.get("delay_per_table_unit"), "ms", "delay_per_table_unit", spec, default=1.0)
        delay = tab.full_matrix(source, "delay", spec, scale=per_unit)
        satellites = list(source.rows)
        applications = []
        for entry, name, chain in named_chains(binding, data):
            budget = read_quantity(entry.get("latency_budget"), "ms", f"latency_budget[{name}]", spec, default=0.0)
            applications.append(
                BudgetedApplication(
                    name=name, chain=chain, access_satellite=entry.get("access_satellite", ""), latency_budget_ms=budget or None
                )
            )
        services = [m for app in applications for m in app.chain]
        demand = tab.per_name_values(binding.get("cpu_requirement"), data, services, "cpu_demand", None, spec)
        capacity = tab.per_name_values(binding.get("cpu_capacity"), data, satellites, "cpu_capacity", None, spec)
        power = tab.per_name_values(binding.get("activation_power"), data, satellites, "activation_power", "W", spec)
        if power is None:
            raise AssemblyError("the activation power of each satellite is needed")
        return {
            "satellites": satellites,
            "delay_ms": delay,
            "cpu_capacity": capacity,
            "cpu_demand": demand,
            "activation_power": power,
            "applications": applications,
        }

    def build_model(self, params: LeoActivationParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.S = pyo.Set(initialize=params.satellites, ordered=True)
        m.M = pyo.Set(initialize=params.services, ordered=True)
        m.x = pyo.Var(m.M, m.S, domain=pyo.Binary, doc="microservice placed on satellite")
        m.on = pyo.Var(m.S, domain=pyo.Binary, doc="satellite's payload computer switched on")
        add_transfer_variables(m, params.applications)
        m.one_place = pyo.Constraint(
            m.M, rule=lambda m, k: sum(m.x[k, s] for s in m.S) == 1, doc="microservice {i} is placed on exactly one satellite"
        )
        m.only_if_on = pyo.Constraint(
            m.M, m.S, rule=lambda m, k, s: m.x[k, s] <= m.on[s], doc="placement {i} needs its satellite switched on"
        )
        if params.cpu_demand is not None and params.cpu_capacity is not None:
            demand, capacity = params.cpu_demand, params.cpu_capacity
            m.cpu = pyo.Constraint(
                m.S,
                rule=lambda m, s: sum(demand[k] * m.x[k, s] for k in m.M) <= capacity[s] * m.on[s],
                doc="the CPU requirement placed on satellite {i} fits its capacity",
            )
        add_transfer_links(m, params.applications)
        m.A = pyo.RangeSet(0, len(params.applications) - 1)
        m.latency = pyo.Expression(
            m.A,
            rule=lambda m, a: round_trip_delay(m, params.delay_ms, params.applications[a], a),
            doc="round-trip latency of an application (ms)",
        )
        budgeted = [a for a, app in enumerate(params.applications) if app.latency_budget_ms is not None]
        if budgeted:
            m.B = pyo.Set(initialize=budgeted, ordered=True)
            m.budget = pyo.Constraint(
                m.B,
                rule=lambda m, a: m.latency[a] <= float(params.applications[a].latency_budget_ms or 0.0),
                doc="application {i} meets its round-trip latency budget",
            )
        power = params.activation_power
        m.objective = pyo.Objective(expr=sum(power[s] * m.on[s] for s in m.S), sense=pyo.minimize)
        return m

    def row(self, params: LeoActivationParams, app: Any, service: str, satellite: str, latency: float | None) -> dict[str, Any]:
        return {
            "application": app.name,
            "microservice": service,
            "satellite": satellite,
            "satellite power (W)": params.activation_power.get(satellite),
            "application latency (ms)": latency,
            "budget (ms)": app.latency_budget_ms,
        }

    def formulation_summary(self, params: LeoActivationParams) -> dict[str, Any]:
        return {
            "satellites": len(params.satellites),
            "microservices": len(params.services),
            "applications": [
                f"{a.name}: {' -> '.join(a.chain)} (access {a.access_satellite}, budget {a.latency_budget_ms} ms)"
                for a in params.applications
            ],
            "capacity constraints": params.cpu_capacity is not None,
        }


TEMPLATE = LeoPlacementActivationPower()
