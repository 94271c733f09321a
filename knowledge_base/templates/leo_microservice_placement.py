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
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template
from knowledge_base.templates._chain_transfers import (
    add_latency_objective,
    add_transfer_links,
    add_transfer_variables,
    placement_of,
    round_trip_delay,
    route_delay,
)
from tools.question import Measure, measures
from tools.satnet.plots import ring_plot
from tools.textdata import TextData

ObjectiveKind = Literal["request-weighted average latency", "total latency", "worst-case latency"]


class Application(BaseModel):
    name: str
    chain: list[str] = Field(min_length=1, description="microservices in the order a request visits them")
    access_satellite: str
    request_rate: float = Field(default=1.0, gt=0, json_schema_extra={"unit": "1/s"})


class LeoPlacementParams(BaseModel):
    satellites: list[str] = Field(min_length=1)
    delay_ms: dict[str, dict[str, float]] = Field(json_schema_extra={"unit": "ms"})
    cpu_capacity: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "cores"})
    cpu_demand: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "cores"})
    applications: list[Application] = Field(min_length=1)
    objective: ObjectiveKind = "request-weighted average latency"

    @model_validator(mode="after")
    def _consistent(self) -> LeoPlacementParams:
        satellites = set(self.satellites)
        for app in self.applications:
            if app.access_satellite not in satellites:
                raise ValueError(f"application {app.name}: access satellite {app.access_satellite} is not a satellite")
        for row, columns in self.delay_ms.items():
            if row not in satellites or set(columns) != satellites:
                raise ValueError(f"delay table row {row} does not cover exactly the satellites")
        services = [m for app in self.applications for m in app.chain]
        if len(services) != len(set(services)):
            raise ValueError("a microservice appears in more than one place of the applications' chains")
        if self.cpu_demand is not None:
            missing = [m for m in services if m not in self.cpu_demand]
            if missing:
                raise ValueError(f"no CPU requirement for {', '.join(missing)}")
        if self.cpu_capacity is not None and set(self.cpu_capacity) != satellites:
            raise ValueError("the CPU capacities do not name exactly the satellites")
        return self

    @property
    def services(self) -> list[str]:
        return [m for app in self.applications for m in app.chain]


class LeoMicroservicePlacement(Template[LeoPlacementParams]):
    id = "leo_microservice_placement"
    family = "leo_service_placement"
    problem_class = "MILP"
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
        square = [t.id for t in data.tables if set(t.rows) == set(t.columns) and len(t.rows) > 1]
        if not square or not data.chains:
            raise AssemblyError(
                "this template needs a table of delays between satellites (rows and columns the same satellites) "
                "and each application's chain of microservices written as A1 -> A2 -> A3"
            )
        satellites = sorted({s for t in data.tables if t.id in square for s in t.rows})
        services = {m for chain in data.chains for m in chain}
        demand_lists = [n.id for n in data.lists if set(n.values) <= services]
        capacity_lists = [n.id for n in data.lists if set(n.values) <= set(satellites)]
        app = {
            "type": "object",
            "properties": {
                "name": {"type": "string", "description": "the application's name as the text writes it"},
                "first_microservice": {"enum": [chain[0] for chain in data.chains]},
                "access_satellite": {"enum": satellites, "description": "where its users' requests enter"},
                "requests_per_second": {
                    "type": "number",
                    "description": "the request rate the text states for it; 1 if the text states none",
                },
            },
            "required": ["name", "first_microservice", "access_satellite", "requests_per_second"],
        }
        return {
            "title": "leo_placement_binding",
            "type": "object",
            "properties": {
                "delay_table": {"enum": square, "description": "table of one-way delays between satellites"},
                "cpu_requirement_list": {"enum": [*demand_lists, "none"]},
                "cpu_capacity_list": {"enum": [*capacity_lists, "none"]},
                "applications": {"type": "array", "items": app, "minItems": len(data.chains), "maxItems": len(data.chains)},
                "objective": {"enum": list(get_args(ObjectiveKind))},
            },
            "required": ["delay_table", "cpu_requirement_list", "cpu_capacity_list", "applications", "objective"],
        }

    def assemble(self, binding: dict[str, Any], data: TextData) -> tuple[LeoPlacementParams, list[SpecItem]]:
        spec: list[SpecItem] = []
        try:
            table = data.table(binding["delay_table"])
        except KeyError as exc:
            raise AssemblyError(str(exc)) from exc
        delay: dict[str, dict[str, float]] = {}
        for row, columns in table.as_matrix().items():
            delay[row] = {}
            for column, value in columns.items():
                if value is None:
                    raise AssemblyError(f"delay table {table.id} has no number for {row} -> {column}")
                delay[row][column] = value
                spec.append(SpecItem(f"delay_ms[{row},{column}]", value, f"table {table.id}, row {row}, column {column}"))
        chains = {chain[0]: list(chain) for chain in data.chains}
        applications = []
        for entry in binding.get("applications", []):
            head = entry.get("first_microservice")
            if head not in chains:
                raise AssemblyError(f"application {entry.get('name')}: {head} does not start any chain in the text")
            rate = float(entry.get("requests_per_second", 1.0))
            applications.append(
                Application(
                    name=str(entry.get("name") or head),
                    chain=chains.pop(head),
                    access_satellite=entry.get("access_satellite", ""),
                    request_rate=rate,
                )
            )
            spec.append(SpecItem(f"request_rate[{entry.get('name')}]", rate, "stated by the model from the text", default=1.0))
        if chains:
            raise AssemblyError(f"no application was given for the chain(s) starting at {', '.join(chains)}")
        demand = self._list(binding.get("cpu_requirement_list"), data, "cpu_demand", spec)
        capacity = self._list(binding.get("cpu_capacity_list"), data, "cpu_capacity", spec)
        try:
            params = LeoPlacementParams(
                satellites=list(table.rows),
                delay_ms=delay,
                cpu_capacity=capacity,
                cpu_demand=demand,
                applications=applications,
                objective=binding.get("objective", "request-weighted average latency"),
            )
        except ValueError as exc:
            raise AssemblyError(str(exc)) from exc
        if (demand is None) != (capacity is None):
            raise AssemblyError("CPU requirements and CPU capacities must both be given, or neither")
        return params, spec

    @staticmethod
    def _list(list_id: str | None, data: TextData, name: str, spec: list[SpecItem]) -> dict[str, float] | None:
        if not list_id or list_id == "none":
            return None
        try:
            named = data.named_list(list_id)
        except KeyError as exc:
            raise AssemblyError(str(exc)) from exc
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

    def placement(self, params: LeoPlacementParams, solution: dict[str, float]) -> dict[str, str]:
        return placement_of(params.services, params.satellites, solution)

    def app_latency(self, params: LeoPlacementParams, app: Application, placed: dict[str, str]) -> float:
        """Round-trip latency of one application recomputed from the placement alone, without the model."""
        return route_delay(params.delay_ms, app, placed)

    def solution_table(self, params: LeoPlacementParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        placed = self.placement(params, solution)
        rows: list[dict[str, Any]] = []
        for app in params.applications:
            latency = self.app_latency(params, app, placed) if all(m in placed for m in app.chain) else None
            for service in app.chain:
                rows.append(
                    {
                        "application": app.name,
                        "microservice": service,
                        "satellite": placed.get(service, "?"),
                        "application latency (ms)": latency,
                    }
                )
        return rows

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
