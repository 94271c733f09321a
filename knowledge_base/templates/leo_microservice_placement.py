"""Microservice placement on LEO satellites: minimise end-to-end latency under CPU capacities.

Each application is a chain of microservices whose requests enter at an access satellite, visit the
chain in order and return to the access satellite. Placing microservice m on satellite s is the binary
x[m,s]. The delay between two consecutive microservices depends on where both are, a product of two
binaries; it is linearised with the tight form y[e,s,t] >= 0, sum_t y[e,s,t] = x[m,s] and
sum_s y[e,s,t] = x[m',t], which is exact at binary x (each row and column of y sums to one placement).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import Field, model_validator

from knowledge_base.template import SpecItem, binding_object
from knowledge_base.templates import _tabular as tab
from knowledge_base.templates._chain_transfers import (
    ChainApp,
    ChainPlacement,
    ChainPlacementParams,
    CpuLimits,
    add_latency_objective,
    add_transfer_links,
    add_transfer_variables,
    applications_field,
    named_chains,
    request_rate,
    round_trip_delay,
    square_tables,
)
from tools.question import Measure, measures
from tools.satnet.plots import ring_plot
from tools.textdata import TextData

ObjectiveKind = Literal["request-weighted average latency", "total latency", "worst-case latency"]


class Application(ChainApp):
    request_rate: float = Field(default=1.0, gt=0, json_schema_extra={"unit": "1/s"})


class LeoPlacementParams(ChainPlacementParams[Application], CpuLimits):
    objective: ObjectiveKind = "request-weighted average latency"

    @model_validator(mode="after")
    def _consistent(self) -> LeoPlacementParams:
        self.check_cpu(self.satellites, self.services)
        return self


class LeoMicroservicePlacement(ChainPlacement[LeoPlacementParams]):
    id = "leo_microservice_placement"
    title = "Microservice placement on LEO satellites (minimum end-to-end latency)"
    objectives = measures(
        {
            "request-weighted average latency": Measure("min", "the request-weighted average round-trip latency", "ms"),
            "total latency": Measure("min", "the total round-trip latency of the applications", "ms"),
            "worst-case latency": Measure("min", "the worst-case round-trip latency of an application", "ms"),
        }
    )
    description = (
        "Deploy the microservices of applications (chains of containerized microservices) on the satellites of a "
        "LEO constellation connected by inter-satellite links (ISLs). Each microservice is placed on exactly one "
        "satellite; the CPU requirement of the microservices on a satellite must not exceed its CPU capacity. "
        "A request enters at the application's access satellite, visits the microservices in chain order and returns. "
        "Minimize the end-to-end round-trip latency (propagation delay between satellites), averaged over requests, "
        "summed over applications, or the worst application's."
    )
    math = r"""
\textbf{Sets: } S \text{ satellites},\ M \text{ microservices},
\ A \text{ applications with chains } (m_{a,1},\dots,m_{a,k_a}) \text{ and access satellite } s_a
\\ \textbf{Parameters: } d_{st}\ \text{one-way delay (ms)},\ c_m\ \text{CPU requirement},
\ C_s\ \text{CPU capacity},\ \lambda_a\ \text{request rate}
\\ \textbf{Variables: } x_{ms}\in\{0,1\},\ y_{e,st}\ge 0 \text{ for consecutive pairs } e=(m,m')
\\ \min\ \textstyle\sum_a \lambda_a L_a / \sum_a \lambda_a \quad(\text{or } \sum_a L_a,\ \text{or } \max_a L_a)
\\ L_a = \textstyle\sum_s d_{s_a s} x_{m_{a,1} s} + \sum_{e\in a}\sum_{s,t} d_{st} y_{e,st} + \sum_s d_{s s_a} x_{m_{a,k_a} s}
\\ \textstyle\sum_s x_{ms} = 1\ \forall m, \quad \sum_m c_m x_{ms} \le C_s\ \forall s
\\ \textstyle\sum_t y_{e,st} = x_{ms},\ \sum_s y_{e,st} = x_{m't}\ \forall e=(m,m'),s,t
\quad(\text{exact linearisation of } x_{ms}x_{m't})
"""
    examples = (
        "A LEO operator runs two containerized applications on the satellites of one orbital plane. The table gives "
        "the one-way propagation delay between satellites. Application A is a chain A1 -> A2 -> A3 with users under "
        "satellite S1. CPU requirement (cores): A1 2, A2 3, A3 2. CPU capacity (cores): S1 4, S2 3, S3 3. "
        "Choose the placement that minimizes the average round-trip latency.",
        "Deploy microservices of several applications on a Walker-Delta constellation to minimize total end-to-end "
        "latency subject to satellite CPU capacity.",
    )
    tags = ("MILP", "leo_service_placement", "satellite", "microservice", "latency", "placement")
    params_model = LeoPlacementParams
    structural_constraints = frozenset({"one_place", "link_from", "link_to", "worst_bound"})

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        square = square_tables(data)
        satellites = sorted({s for t in data.tables if t.id in square for s in t.rows})
        services = {m for chain in data.chains for m in chain}
        demand_lists = [n.id for n in data.lists if set(n.values) <= services]
        capacity_lists = [n.id for n in data.lists if set(n.values) <= set(satellites)]
        rate = {
            "requests_per_second": {
                "type": "number",
                "description": "the request rate the text states for it; 1 if the text states none",
            }
        }
        properties = {
            "delay_table": {"enum": square, "description": "table of one-way delays between satellites"},
            "cpu_requirement_list": {"enum": [*demand_lists, "none"]},
            "cpu_capacity_list": {"enum": [*capacity_lists, "none"]},
            "applications": applications_field(data, satellites, rate),
            "objective": {"enum": list(get_args(ObjectiveKind))},
        }
        return binding_object("leo_placement_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        table = tab.table(data, binding.get("delay_table"), "delay")
        delay = tab.full_matrix(table, "delay_ms", spec)
        applications = [
            Application(
                name=name, chain=chain, access_satellite=entry.get("access_satellite", ""), request_rate=request_rate(entry, spec)
            )
            for entry, name, chain in named_chains(binding, data)
        ]
        return {
            "satellites": list(table.rows),
            "delay_ms": delay,
            "cpu_demand": self._list(binding.get("cpu_requirement_list"), data, "cpu_demand", spec),
            "cpu_capacity": self._list(binding.get("cpu_capacity_list"), data, "cpu_capacity", spec),
            "applications": applications,
            "objective": binding.get("objective", "request-weighted average latency"),
        }

    @staticmethod
    def _list(list_id: str | None, data: TextData, name: str, spec: list[SpecItem]) -> dict[str, float] | None:
        if not list_id or list_id == "none":
            return None
        named = tab.named_list(data, list_id, name)
        spec.extend(SpecItem(f"{name}[{k}]", v, f"list {named.id} '{named.label}'") for k, v in named.values.items())
        return dict(named.values)

    def build_model(self, params: LeoPlacementParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.S = pyo.Set(initialize=params.satellites, ordered=True)
        m.M = pyo.Set(initialize=params.services, ordered=True)
        m.x = pyo.Var(m.M, m.S, domain=pyo.Binary, doc="microservice placed on satellite")
        add_transfer_variables(m, params.applications)
        m.one_place = pyo.Constraint(
            m.M, rule=lambda m, s: sum(m.x[s, t] for t in m.S) == 1, doc="microservice {i} is placed on exactly one satellite"
        )
        if params.cpu_demand is not None and params.cpu_capacity is not None:
            demand, capacity = params.cpu_demand, params.cpu_capacity
            m.cpu = pyo.Constraint(
                m.S,
                rule=lambda m, s: sum(demand[k] * m.x[k, s] for k in m.M) <= capacity[s],
                doc="the CPU requirement placed on satellite {i} fits its capacity",
            )
        add_transfer_links(m, params.applications)
        m.A = pyo.RangeSet(0, len(params.applications) - 1)
        m.latency = pyo.Expression(
            m.A,
            rule=lambda m, a: round_trip_delay(m, params.delay_ms, params.applications[a], a),
            doc="round-trip latency of an application (ms)",
        )
        add_latency_objective(m, params.objective, [app.request_rate for app in params.applications])
        return m

    def figures(self, params: LeoPlacementParams, solution: dict[str, float], out_dir: Path) -> list[str]:
        placed = self.placement(params, solution)
        chains = {app.name: (app.access_satellite, app.chain) for app in params.applications}
        path = ring_plot(params.satellites, placed, chains, out_dir / "placement.png", "Microservice placement")
        return [str(path)]

    def formulation_summary(self, params: LeoPlacementParams) -> dict[str, Any]:
        return {
            "satellites": len(params.satellites),
            "microservices": len(params.services),
            "applications": [
                f"{a.name}: {' -> '.join(a.chain)} (access {a.access_satellite}, {a.request_rate:g}/s)"
                for a in params.applications
            ],
            "objective": params.objective,
            "capacity constraints": params.cpu_capacity is not None,
        }


TEMPLATE = LeoMicroservicePlacement()
