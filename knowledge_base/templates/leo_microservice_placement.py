"""Microservice placement on LEO satellites given as tables, with the objective and constraint variants real problems use.

One MILP family, chosen by fields of the binding rather than by copies of the template:

- **The network** (`delay_table`): a table of one-way delays between satellites (ms), a table of hop counts with
  the delay of one hop, or an irregular mesh given as a list (or table) of inter-satellite links with their delays:
  code computes the fastest routes, their hop counts and the links they use (tools/satnet/routes.py); links listed
  without delays ("K1-K2, K2-K3 and K3-K7") give routes with the fewest hops, and hop counts only.
- **Applications**: chains A1 -> A2 -> A3, or DAGs written as chains that share microservices (A1 -> A2 -> A4 and
  A1 -> A3 -> A4); a request enters at its access satellite and the response leaves at the exit satellite (the
  access satellite unless the text names another). A DAG's latency is its critical path (finish-time variables),
  a chain's is the sum of its legs; processing times per (microservice, satellite) add to both. A data rate is one
  for every leg of an application, or one per leg where the text states each stream ("K1 to F1 800 Mbit/s, ..., F4
  to K5 40 Mbit/s": code reads them, and the satellites the first leg starts at and the last ends at).
- **Objectives** (`objective`): the request-weighted average, total or worst-case end-to-end latency, the ISL
  bandwidth consumed (data rate × hops of every leg), or the activation power of the satellites switched on.
- **Constraint groups**, each present only when the binding fills it: CPU and memory per satellite, a most
  microservices per satellite, link capacities (traffic of the legs routed over a link, for a mesh of links: a list
  of them or one for every link, for both directions together or for each direction apart), and a latency budget
  per application.

x[m,s] places microservice m on satellite s; the transfer between two microservices depends on both placements, a
product of binaries linearised exactly (_chain_transfers). Code reads every table, list and chain; the binding only
names them, and each field is offered only when the text speaks of what it holds (binding_schema). Every number the
model uses is recorded in the spec, and only those. Walker-Delta constellations generated from the shell's numbers
are the template leo_constellation_placement.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template, binding_object, variant
from knowledge_base.templates import _tabular as tab
from knowledge_base.templates._chain_transfers import (
    add_latency,
    add_latency_objective,
    add_transfer_links,
    add_transfer_variables,
    placement_of,
    round_trip_cost,
    round_trip_sum,
    route_latency,
)
from knowledge_base.templates._stated_quantities import column_of_kind, list_of_kind, list_unit, read_quantity
from knowledge_base.units import convert
from tools.question import Measure, measures
from tools.satnet.plots import ring_plot
from tools.satnet.routes import Route, UnreachableError, shortest_routes
from tools.textdata import THING_NAME, Table, TextData, link_ends, name_pattern

ObjectiveKind = Literal[
    "request-weighted average latency",
    "total latency",
    "worst-case latency",
    "total ISL bandwidth",
    "total activation power",
]
AVERAGE, TOTAL, WORST, BANDWIDTH, POWER = get_args(ObjectiveKind)
LATENCY_OBJECTIVES = (AVERAGE, TOTAL, WORST)


class Application(BaseModel):
    name: str
    chain: list[str] = Field(min_length=1, description="microservices in the order a request visits them (topological)")
    edges: list[tuple[str, str]] = Field(default_factory=list, description="transfers of a DAG; empty: the chain's order")
    access_satellite: str
    exit_satellite: str | None = Field(default=None, description="where the response leaves; None: the access satellite")
    request_rate: float = Field(default=1.0, gt=0, json_schema_extra={"unit": "1/s"})
    latency_budget_ms: float | None = Field(default=None, gt=0, json_schema_extra={"unit": "ms"})
    data_rate: float | None = Field(default=None, ge=0, json_schema_extra={"unit": "Mbit/s"}, description="on every leg")
    leg_rates: dict[str, float] = Field(
        default_factory=dict,
        json_schema_extra={"unit": "Mbit/s"},
        description="the rate of a leg 'tail->head' the text states (a pipeline's streams); other legs carry data_rate",
    )

    @property
    def exit(self) -> str:
        return self.exit_satellite or self.access_satellite

    @property
    def legs(self) -> list[tuple[str, str]]:
        """Every leg a request takes: into each source, the transfers, out of each sink."""
        return [
            *((self.access_satellite, k) for k in self.sources),
            *self.transfers,
            *((k, self.exit) for k in self.sinks),
        ]

    def rate(self, tail: str, head: str) -> float:
        """The data rate a leg carries: its own, where the text states one, else the application's."""
        return self.leg_rates.get(f"{tail}->{head}", self.data_rate or 0.0)

    @property
    def has_rates(self) -> bool:
        return self.data_rate is not None or all(f"{t}->{h}" in self.leg_rates for t, h in self.legs)

    @property
    def transfers(self) -> list[tuple[str, str]]:
        return list(self.edges) if self.edges else list(itertools.pairwise(self.chain))

    @property
    def sources(self) -> list[str]:
        heads = {h for _, h in self.transfers}
        return [k for k in self.chain if k not in heads]

    @property
    def sinks(self) -> list[str]:
        tails = {t for t, _ in self.transfers}
        return [k for k in self.chain if k not in tails]

    @property
    def is_chain(self) -> bool:
        return len(self.sources) == 1 and len(self.transfers) == len(self.chain) - 1 and len(self.sinks) == 1


class IslLink(BaseModel):
    name: str
    ends: tuple[str, str]
    delay_ms: float = Field(ge=0, json_schema_extra={"unit": "ms"})
    capacity: float | None = Field(default=None, ge=0, json_schema_extra={"unit": "Mbit/s"})


class LeoPlacementParams(BaseModel):
    satellites: list[str] = Field(min_length=1)
    delay_ms: dict[str, dict[str, float]] | None = Field(
        default=None, json_schema_extra={"unit": "ms"}, description="fastest-route delay; None when no latency is modelled"
    )
    hops: dict[str, dict[str, float]] | None = Field(default=None, description="hops of the route between satellites")
    links: list[IslLink] | None = Field(default=None, description="the mesh, when the text gives its links")
    capacity_per_direction: bool = Field(
        default=False, description="a link's capacity holds for each direction apart (else for both together)"
    )
    cpu_capacity: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "cores"})
    cpu_demand: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "cores"})
    memory_capacity: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "GB"})
    memory_demand: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "GB"})
    max_services_per_satellite: int | None = Field(default=None, ge=1, json_schema_extra={"unit": "microservices"})
    processing_ms: dict[str, dict[str, float]] | None = Field(
        default=None, json_schema_extra={"unit": "ms"}, description="processing_ms[microservice][satellite]"
    )
    activation_power: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "W"})
    applications: list[Application] = Field(min_length=1)
    objective: ObjectiveKind = AVERAGE
    pinned: dict[str, str] = Field(default_factory=dict, description="microservice -> the satellite it must run on")

    @model_validator(mode="after")
    def _consistent(self) -> LeoPlacementParams:
        satellites = set(self.satellites)
        for app in self.applications:
            for satellite in (app.access_satellite, app.exit):
                if satellite not in satellites:
                    raise ValueError(f"application {app.name}: satellite {satellite} is not one of the satellites")
        for name, matrix in (("delay", self.delay_ms), ("hop", self.hops)):
            if matrix is not None and (set(matrix) != satellites or any(set(row) != satellites for row in matrix.values())):
                raise ValueError(f"the {name} table does not cover exactly the satellites {', '.join(self.satellites)}")
        services = self.services
        wrong = [f"{k} on {s}" for k, s in self.pinned.items() if k not in services or s not in satellites]
        if wrong:
            raise ValueError(f"pinned placements name no microservice or satellite of the text: {', '.join(wrong)}")
        if len(services) != len(set(services)):
            raise ValueError("a microservice appears in more than one application")
        resources = (("CPU", self.cpu_demand, self.cpu_capacity), ("memory", self.memory_demand, self.memory_capacity))
        halves = [
            f"{what} requirements and {what} capacities must both be given, or neither"
            for what, demand, capacity in resources
            if (demand is None) != (capacity is None)
        ]
        if halves:  # both at once: the Modeler asks for every field they name in one go
            raise ValueError("; ".join(halves))
        for what, demand, capacity in resources:
            if demand is not None and any(k not in demand for k in services):
                raise ValueError(f"no {what} requirement for {', '.join(k for k in services if k not in demand)}")
            if capacity is not None and set(capacity) != satellites:
                raise ValueError(f"the {what} capacities do not name exactly the satellites")
        if self.processing_ms is not None and any(set(self.processing_ms.get(k, {})) != satellites for k in services):
            raise ValueError("the processing-time table has no full row for every microservice")
        if self.activation_power is not None and set(self.activation_power) != satellites:
            raise ValueError("the activation powers do not name exactly the satellites")
        if self.max_services_per_satellite is not None and self.max_services_per_satellite * len(satellites) < len(services):
            raise ValueError(
                f"{len(services)} microservices cannot fit on {len(satellites)} satellites "
                f"with at most {self.max_services_per_satellite} each"
            )
        self._objective_has_its_data()
        return self

    def _objective_has_its_data(self) -> None:
        if self.delay_ms is None and (
            self.objective in LATENCY_OBJECTIVES or any(a.latency_budget_ms for a in self.applications)
        ):
            raise ValueError("latencies need the delays between satellites (or the delay of one hop)")
        if self.objective == POWER and self.activation_power is None:
            raise ValueError("the objective 'total activation power' needs the activation power of each satellite")
        needs_rate = self.objective == BANDWIDTH or self.has_link_capacities
        if needs_rate and not all(app.has_rates for app in self.applications):
            what = "the ISL bandwidth objective" if self.objective == BANDWIDTH else "link capacities"
            raise ValueError(f"{what} need the data rate each application sends over the links")
        if self.objective == BANDWIDTH and self.hops is None:
            raise ValueError("the ISL bandwidth objective needs hop counts: a table of hops, or the list of links")

    @property
    def services(self) -> list[str]:
        return [k for app in self.applications for k in app.chain]

    @property
    def has_link_capacities(self) -> bool:
        return self.links is not None and any(link.capacity is not None for link in self.links)

    def link_loads(self) -> dict[str, tuple[float, dict[str, dict[str, float]]]]:
        """For each link with a capacity, or each direction of it where the capacity holds per direction ("S1-S2
        (S2->S1)"): the capacity, and 1 for the ordered satellite pairs whose fastest route crosses it (that way)."""
        assert self.links is not None
        ends = {link.name: link.ends for link in self.links}
        routes = shortest_routes(self.satellites, [(link.name, *link.ends, link.delay_ms) for link in self.links])
        crossed: dict[tuple[str, str], set[str]] = {}
        for (source, target), route in routes.items():
            node, keys = source, set()
            for name in route.links:  # walk the route to know which way it crosses each link
                a, b = ends[name]
                tail, node = (a, b) if node == a else (b, a)
                keys.add(f"{name} ({tail}->{node})" if self.capacity_per_direction else name)
            crossed[(source, target)] = keys
        loads: dict[str, tuple[float, dict[str, dict[str, float]]]] = {}
        for link in self.links:
            if link.capacity is None:
                continue
            a, b = link.ends
            for key in [f"{link.name} ({a}->{b})", f"{link.name} ({b}->{a})"] if self.capacity_per_direction else [link.name]:
                use = {s: {t: float(key in crossed[(s, t)]) for t in self.satellites} for s in self.satellites}
                loads[key] = (link.capacity, use)
        return loads


class LeoMicroservicePlacement(Template[LeoPlacementParams]):
    id = "leo_microservice_placement"
    family = "leo_service_placement"
    problem_class = "MILP"
    title = (
        "Microservice placement on LEO satellites (delay or hop tables, or a mesh of ISLs): minimize latency (average, "
        "total, worst-case), ISL bandwidth or activation power under CPU, memory, link and latency-budget limits"
    )
    objectives = measures(
        {
            AVERAGE: Measure("min", "the request-weighted average end-to-end (round-trip) latency", "ms"),
            TOTAL: Measure("min", "the total end-to-end (round-trip) latency of the applications", "ms"),
            WORST: Measure("min", "the worst-case end-to-end (round-trip) latency of an application", "ms"),
            BANDWIDTH: Measure("min", "the total ISL bandwidth consumed (data rate times hops)", "Mbit/s"),
            POWER: Measure("min", "the total activation power of the switched-on satellites", "W"),
        }
    )
    description = (
        "Deploy the microservices of applications (chains or DAGs of containerized microservices) on the satellites of "
        "a LEO constellation connected by inter-satellite links (ISLs): a ring, several orbital planes, or an irregular"
        " mesh. A table gives the delay (or the number of hops) between satellites, or a list gives the links and their"
        " delays (or just the links: routes with the fewest hops). Each microservice runs on exactly one satellite "
        "within its CPU and memory capacity and a most number of microservices per satellite; a request enters at an "
        "access satellite, visits the microservices and the response returns (or leaves at another satellite). Minimize"
        " the end-to-end latency (average over requests, total, worst-case or critical path, processing time included),"
        " the ISL bandwidth consumed, or the activation power of the satellites switched on (consolidate the edge "
        "services onto as few and as cheap satellites as possible), with latency budgets and link capacities. Data "
        "streams may carry a rate of their own on each leg of a processing pipeline, from a source satellite to a sink "
        "satellite."
    )
    math = r"""
\textbf{Sets: } S \text{ satellites},\ M \text{ microservices},\ A \text{ applications (chains or DAGs) with transfers } E_a,
\text{ access } s_a,\ \text{exit } e_a
\\ \textbf{Parameters: } d_{st}\ \text{delay (ms)},\ h_{st}\ \text{hops},\ p_{ms}\ \text{processing (ms)},\ c_m, C_s\ \text{CPU},
\ g_m, G_s\ \text{memory},\ K,\ \lambda_a\ \text{requests/s},\ \rho_a\ \text{data rate},\ B_a\ \text{budget},
\ P_s\ \text{activation power},\ U_\ell\ \text{link capacity},\ \mathbb{1}_{\ell\in r(s,t)}
\\ \textbf{Variables: } x_{ms}\in\{0,1\},\ y_{e,st}\ge 0\ (e\in E_a),\ o_s\in\{0,1\},\ f_m \text{ (DAG finish times)}
\\ L_a = \textstyle\sum_s d_{s_a s}x_{m_{a}^{first} s} + \sum_{e}\sum_{s,t} d_{st}y_{e,st} + \sum_s d_{s e_a}x_{m_a^{last}s}
+ \sum_{m\in a}\sum_s p_{ms}x_{ms} \quad(\text{DAG: } L_a \ge f_m + \dots \text{ along every path})
\\ \min\ \textstyle\sum_a\lambda_a L_a/\sum_a\lambda_a \ \text{or}\ \sum_a L_a \ \text{or}\ \max_a L_a
\ \text{or}\ \sum_a \rho_a(\text{hops of every leg}) \ \text{or}\ \sum_s P_s o_s
\\ \textstyle\sum_s x_{ms}=1,\ \sum_m c_m x_{ms}\le C_s(o_s),\ \sum_m g_m x_{ms}\le G_s,\ \sum_m x_{ms}\le K,\ L_a\le B_a,
\ x_{ms}\le o_s,\ \sum_a \rho_a(\text{legs routed over } \ell) \le U_\ell
\\ \textstyle\sum_t y_{e,st}=x_{ms},\ \sum_s y_{e,st}=x_{m't}\ \forall e=(m,m')
"""
    examples = (
        "A LEO operator runs two containerized applications on the satellites of one orbital plane. The table gives "
        "the one-way propagation delay between satellites. Application A is a chain A1 -> A2 -> A3 with users under "
        "satellite S1. CPU requirement (cores): A1 2, A2 3, A3 2. CPU capacity (cores): S1 4, S2 3, S3 3. "
        "Choose the placement that minimizes the average round-trip latency.",
        "The satellites carry different processors; the processing time (ms) of a microservice depends on the "
        "satellite that hosts it:\n\n"
        "| microservice/satellite | S1 | S2 | S3 |\n|---|---|---|---|\n"
        "| A1 | 6 | 3 | 4 |\n| A2 | 4 | 2 | 3 |\n| B1 | 5 | 2 | 4 |\n| B2 | 3 | 1 | 2 |\n\n"
        "Application A is a chain A1 -> A2 with users under satellite S1; application B is a chain B1 -> B2 with users "
        "under satellite S3. The one-way delay in milliseconds between each pair of satellites is:\n\n"
        "| from/to | S1 | S2 | S3 |\n|---|---|---|---|\n| S1 | 0 | 4 | 7 |\n| S2 | 4 | 0 | 3 |\n| S3 | 7 | 3 | 0 |\n\n"
        "Each satellite can host at most 2 microservices. The end-to-end latency of an application is the sum of the "
        "transfer delays from the access satellite through the chain and back plus the processing times. Minimize the "
        "largest end-to-end latency of the two applications.",
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
        "Five satellites form an irregular mesh; the inter-satellite links and their one-way delays are "
        "ISL delay (ms): S1-S2 4, S2-S3 5, S3-S4 3, S4-S5 6, S5-S1 9, S2-S5 7.\n"
        "Each application sends its data over every leg of its route; requests enter at the access satellite and the "
        "results are delivered at a sink satellite. Minimize the total ISL bandwidth consumed (data rate times hops).",
    )
    tags = (
        "MILP", "leo_service_placement", "satellite", "microservice", "latency", "placement", "processing time",
        "min-max latency", "hops", "ISL", "mesh", "bandwidth", "consolidation", "activation power", "latency budget",
    )  # fmt: skip
    params_model = LeoPlacementParams
    structural_constraints = frozenset(
        {"one_place", "link_from", "link_to", "worst_bound", "only_if_on", "start_after_entry", "after_transfer", "path_bound"}
    )

    # ---------------------------------------------------------------------------------------------- binding

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        square, links = _square_tables(data), _link_sources(data)
        listed = [HOP_LINKS] if _bare_links(data) else []
        if not (square or links or listed) or not data.chains:
            raise AssemblyError(
                "this template needs a table of delays (or hops) between satellites, rows and columns the same satellites, "
                "or a list of the inter-satellite links (with their delays: 'S1-S2 4'), and each application's chain of "
                "microservices written as A1 -> A2 -> A3"
            )
        satellites = _satellites(data)
        services = list(dict.fromkeys(k for chain in data.chains for k in chain))
        hop_tables = [t.id for t in square if _counts_hops(t)]
        properties: dict[str, Any] = {
            "delay_table": {
                "enum": [t.id for t in square] + links + listed,
                "description": "the table of delays (or hop counts) between satellites, or the list of links",
            },
        }
        if hop_tables:
            properties["delay_per_hop"] = tab.quantity_field(
                "the one-way delay of one hop, for a table of hop counts; value 0 if the text states none", "ms"
            )
        if hop_tables and len(hop_tables) < len(square):
            properties["hop_table"] = {"enum": [*hop_tables, "none"], "description": "the table of hop counts, if any"}
        if links and data.says(_CAPACITY):
            properties["link_capacity"] = {
                "description": "the capacity of each link, if the text gives one",
                "anyOf": [
                    {"enum": [*_of_kind(links, data, "Mbit/s"), "none"], "description": "the list of each link's capacity"},
                    tab.quantity_field("one capacity for every link, when the text states one for all", "Mbit/s"),
                ],
            }
        # a table with a row (or column) per microservice or satellite holds their numbers: its lines are offered
        of_services, of_satellites = _quantity_lines(data, services), _quantity_lines(data, satellites)
        if data.says(_CPU):
            properties["cpu_requirement_list"] = tab.per_name_field(
                data, services, "CPU requirement (cores) of each microservice", None, True, of_services
            )
            properties["cpu_capacity_list"] = tab.per_name_field(
                data, satellites, "CPU capacity (cores) of each satellite", None, True, of_satellites
            )
        if data.says(_MEMORY) and data.says(_MEMORY_UNIT):
            properties["memory_requirement"] = tab.per_name_field(
                data, services, "memory each microservice needs", "GB", True, of_services
            )
            properties["memory_capacity"] = tab.per_name_field(
                data, satellites, "memory of each satellite", "GB", True, of_satellites
            )
        if _pins(data, services, satellites):
            properties["pinned"] = {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"microservice": {"enum": services}, "satellite": {"enum": satellites}},
                    "required": ["microservice", "satellite"],
                },
                "description": "microservices the text says must run on a given satellite (empty if none)",
            }
        if data.says(_HOST_CAP):
            properties["max_microservices_per_satellite"] = {
                "type": "integer",
                "description": "the most microservices one satellite may host; 0 if the text states no such limit",
            }
        processing = _processing_sources(data, services, satellites)
        if processing:
            properties["processing_time"] = {
                "enum": [*processing, "none"],
                "description": "the table (microservice x satellite) or list of processing times",
            }
        if data.says(_ACTIVATION):
            properties["activation_power"] = tab.per_name_field(
                data, satellites, "activation power of each satellite", "W", optional=True
            )
        properties["applications"] = {
            "type": "array",
            "items": _application_schema(data, satellites),
            "minItems": len(_components(data)),
            "maxItems": len(_components(data)),
        }
        properties["objective"] = {"enum": list(get_args(ObjectiveKind)), "description": "what the question asks to minimize"}
        return binding_object("leo_placement_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        objective = variant(binding, "objective", get_args(ObjectiveKind), AVERAGE)
        applications = self._applications(binding, data, objective, spec)
        latency_needed = objective in LATENCY_OBJECTIVES or any(a.latency_budget_ms for a in applications)
        network = self._network(binding, data, latency_needed, objective == BANDWIDTH, spec)
        satellites = network["satellites"]
        applications = [_access_as_written(app, data, satellites, applications) for app in applications]
        services = [k for app in applications for k in app.chain]
        params_in: dict[str, Any] = {
            **network,
            "applications": applications,
            "objective": objective,
            "cpu_demand": tab.per_name_values(binding.get("cpu_requirement_list"), data, services, "cpu_demand", None, spec),
            "cpu_capacity": tab.per_name_values(binding.get("cpu_capacity_list"), data, satellites, "cpu_capacity", None, spec),
            "memory_demand": tab.per_name_values(binding.get("memory_requirement"), data, services, "memory_demand", "GB", spec),
            "memory_capacity": tab.per_name_values(
                binding.get("memory_capacity"), data, satellites, "memory_capacity", "GB", spec
            ),
            "max_services_per_satellite": self._host_cap(binding.get("max_microservices_per_satellite"), spec),
            "processing_ms": self._processing(binding.get("processing_time"), data, services, satellites, latency_needed, spec),
            "activation_power": None,
            "pinned": self._pinned(binding.get("pinned"), data, services, satellites),
        }
        if objective == POWER:
            params_in["activation_power"] = tab.per_name_values(
                binding.get("activation_power"), data, satellites, "activation_power", "W", spec
            )
        return params_in

    @staticmethod
    def _pinned(value: Any, data: TextData, services: list[str], satellites: list[str]) -> dict[str, str]:
        """The placements the text fixes ("Y2 must run on S2"), as code reads them where the sentences say so (the
        small model's list is taken only where code reads none)."""
        read = _pins(data, services, satellites)
        if read:
            return read
        chosen = [p for p in value or [] if isinstance(p, dict)]
        return {str(p.get("microservice")): str(p.get("satellite")) for p in chosen}

    def _applications(self, binding: dict[str, Any], data: TextData, objective: str, spec: list[SpecItem]) -> list[Application]:
        components = {graph[0][0]: graph for graph in _components(data)}
        entries = list(binding.get("applications", []))
        claimed = {e.get("first_microservice") for e in entries}
        applications = []
        for entry in entries:
            head = entry.get("first_microservice")
            unclaimed = [h for h in components if h not in claimed]
            if head not in components and len(unclaimed) == 1 and head in {g[0][0] for g in _components(data)}:
                # A small model gave two applications the same chain: the one chain nobody took is this one's,
                # and its access satellite must then be read from the text (_access_as_written, `strict`).
                head = unclaimed[0]
                claimed.add(head)
                entry = {**entry, "first_microservice": head, "access_satellite": ""}
            if head not in components:
                raise AssemblyError(f"application {entry.get('name')}: {head} does not start any chain in the text")
            order, edges = _graph_of(components.pop(head))
            name = str(entry.get("name") or head)
            rate = float(entry.get("requests_per_second") or 1.0)
            if objective == AVERAGE:
                spec.append(SpecItem(f"request_rate[{name}]", rate, "stated by the model from the text", default=1.0))
            budget = (
                read_quantity(entry["latency_budget"], "ms", f"latency_budget[{name}]", spec)
                if _given(entry.get("latency_budget"))
                else None
            )
            chain_edges = list(itertools.pairwise(order))
            app = Application(
                name=name,
                chain=order,
                edges=[] if edges == chain_edges else edges,
                access_satellite=str(entry.get("access_satellite", "")),
                exit_satellite=entry.get("exit_satellite") if entry.get("exit_satellite") not in (None, "", "same") else None,
                request_rate=rate,
                latency_budget_ms=budget,
            )
            streams = _with_stated_legs(app, data, spec)  # the text's own legs also say where the stream starts and ends
            if streams is not None:
                app = streams
            elif _given(entry.get("data_rate")):
                app = app.model_copy(
                    update={"data_rate": read_quantity(entry["data_rate"], "Mbit/s", f"data_rate[{name}]", spec)}
                )
            applications.append(app)
        if components:
            raise AssemblyError(f"no application was given for the chain(s) starting at {', '.join(components)}")
        return applications

    def _network(
        self, binding: dict[str, Any], data: TextData, latency_needed: bool, hops_needed: bool, spec: list[SpecItem]
    ) -> dict[str, Any]:
        """satellites, delay_ms, hops and links: from a delay table, a hop table with the delay of one hop, or a mesh.
        Only what the formulation uses is read (and recorded): delays when it needs latencies, hops when it needs hops."""
        choice = str(binding.get("delay_table"))
        if choice in _link_sources(data):
            return self._mesh(choice, binding.get("link_capacity"), data, spec)
        if choice == HOP_LINKS:
            return self._hop_mesh(data, latency_needed)
        if _capacity_given(binding.get("link_capacity")):
            raise AssemblyError("link capacities need the links themselves: choose the list of links as delay_table")
        source = tab.table(data, choice, "delay")
        if set(source.rows) != set(source.columns):
            raise AssemblyError(f"table {source.id} does not have the same satellites as rows and columns")
        hop_choice = binding.get("hop_table")
        hop_source = source if _counts_hops(source) else None
        if hop_choice not in (None, "none"):
            hop_source = tab.table(data, hop_choice, "hop count")
        hops = None
        if hop_source is not None and (hops_needed or (hop_source is source and latency_needed)):
            hops = tab.full_matrix(hop_source, "hops", spec)
        delay = None
        if latency_needed and hop_source is source:
            if not _given(binding.get("delay_per_hop")):
                raise AssemblyError(f"table {source.id} counts hops: the delay of one hop is needed to turn it into latencies")
            per_hop = read_quantity(binding.get("delay_per_hop"), "ms", "delay_per_hop", spec)
            delay = {s: {t: h * per_hop for t, h in row.items()} for s, row in (hops or {}).items()}
        elif latency_needed:
            unit = tab.unit_in(source.caption, "ms") or tab.unit_in(source.corner, "ms") or "ms"
            delay = tab.full_matrix(source, "delay_ms", spec, tab.convert_factor(unit, "ms"))
        return {"satellites": list(source.rows), "delay_ms": delay, "hops": hops, "links": None}

    def _mesh(self, choice: str, capacity_choice: Any, data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        delays = _link_values(data, choice, "link_delay", "ms", spec)
        capacities: dict[str, float] = {}
        if isinstance(capacity_choice, dict) and _given(capacity_choice):  # "each ISL carries at most 120 Mbit/s"
            capacities = dict.fromkeys(delays, read_quantity(capacity_choice, "Mbit/s", "link_capacity", spec))
        elif _capacity_given(capacity_choice):
            capacities = _link_values(data, str(capacity_choice), "link_capacity", "Mbit/s", spec)
            missing = [name for name in delays if name not in capacities]
            if missing:
                raise AssemblyError(f"the link capacities say nothing of {', '.join(missing)}")
        links = []
        for name, delay in delays.items():
            ends = link_ends(name, row=True)
            assert ends is not None
            links.append(IslLink(name=name, ends=ends, delay_ms=delay, capacity=capacities.get(name)))
        satellites = list(dict.fromkeys(s for link in links for s in link.ends))
        routes, hops = _routed(satellites, [(link.name, *link.ends, link.delay_ms) for link in links])
        delay_ms = {s: {t: routes[(s, t)].delay for t in satellites} for s in satellites}
        per_direction = bool(capacities) and data.says(_EACH_DIRECTION)
        return {
            "satellites": satellites,
            "delay_ms": delay_ms,
            "hops": hops,
            "links": links,
            "capacity_per_direction": per_direction,
        }

    @staticmethod
    def _hop_mesh(data: TextData, latency_needed: bool) -> dict[str, Any]:
        """Links the text lists without delays: routes with the fewest hops, and their hop counts."""
        if latency_needed:
            raise AssemblyError("the links the text lists have no delays, so they give no latency: choose a table of delays")
        pairs = _bare_links(data)
        satellites = list(dict.fromkeys(s for pair in pairs for s in pair))
        _, hops = _routed(satellites, [(f"{a}-{b}", a, b, 1.0) for a, b in pairs])
        return {"satellites": satellites, "delay_ms": None, "hops": hops, "links": None}

    @staticmethod
    def _host_cap(value: Any, spec: list[SpecItem]) -> int | None:
        limit = int(value or 0)
        if limit <= 0:
            return None
        spec.append(SpecItem("max_services_per_satellite", float(limit), "stated by the model from the text"))
        return limit

    @staticmethod
    def _processing(
        choice: Any, data: TextData, services: list[str], satellites: list[str], needed: bool, spec: list[SpecItem]
    ) -> dict[str, dict[str, float]] | None:
        """Processing time per (microservice, satellite) from a table, or per microservice from a list (any satellite)."""
        if choice in (None, "none", "") or not needed:
            return None
        if str(choice) not in _processing_sources(data, services, satellites):
            raise AssemblyError(f"processing times: {choice!r} is not a table or list of processing times of the text")
        if any(n.id == str(choice) for n in data.lists):
            per_service = tab.per_name_values(str(choice), data, services, "processing_ms", "ms", spec) or {}
            return {k: dict.fromkeys(satellites, per_service[k]) for k in services}
        source = tab.table(data, choice, "processing time")
        scale = tab.convert_factor(tab.unit_in(source.caption, "ms") or tab.unit_in(source.corner, "ms") or "ms", "ms")
        return tab.full_matrix(source, "processing_ms", spec, scale, rows=services)

    # ---------------------------------------------------------------------------------------------- model

    def build_model(self, params: LeoPlacementParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.S = pyo.Set(initialize=params.satellites, ordered=True)
        m.M = pyo.Set(initialize=params.services, ordered=True)
        m.A = pyo.RangeSet(0, len(params.applications) - 1)
        m.x = pyo.Var(m.M, m.S, domain=pyo.Binary, doc="microservice placed on satellite")
        apps = params.applications
        add_transfer_variables(m, apps)
        m.one_place = pyo.Constraint(
            m.M, rule=lambda m, k: sum(m.x[k, s] for s in m.S) == 1, doc="microservice {i} is placed on exactly one satellite"
        )
        if params.pinned:
            m.pinned = pyo.Constraint(
                list(params.pinned.items()), rule=lambda m, k, s: m.x[k, s] == 1, doc="microservice {i} runs on satellite {j}"
            )
        switched = params.objective == POWER
        if switched:
            m.on = pyo.Var(m.S, domain=pyo.Binary, doc="satellite's payload computer switched on")
            m.only_if_on = pyo.Constraint(
                m.M, m.S, rule=lambda m, k, s: m.x[k, s] <= m.on[s], doc="placement {i} needs its satellite switched on"
            )
        if params.cpu_demand is not None and params.cpu_capacity is not None:
            cpu, cores = params.cpu_demand, params.cpu_capacity
            m.cpu = pyo.Constraint(
                m.S,
                rule=lambda m, s: sum(cpu[k] * m.x[k, s] for k in m.M) <= cores[s] * (m.on[s] if switched else 1),
                doc="the CPU requirement placed on satellite {i} fits its capacity",
            )
        if params.memory_demand is not None and params.memory_capacity is not None:
            memory, room = params.memory_demand, params.memory_capacity
            m.memory = pyo.Constraint(
                m.S,
                rule=lambda m, s: sum(memory[k] * m.x[k, s] for k in m.M) <= room[s],
                doc="the memory the microservices on satellite {i} need fits its memory",
            )
        if params.max_services_per_satellite is not None:
            limit = params.max_services_per_satellite
            m.host_limit = pyo.Constraint(
                m.S,
                rule=lambda m, s: sum(m.x[k, s] for k in m.M) <= limit,
                doc="satellite {i} hosts no more microservices than allowed",
            )
        add_transfer_links(m, apps)
        if params.delay_ms is not None:
            add_latency(m, apps, params.delay_ms, params.processing_ms)
        budgeted = [a for a, app in enumerate(apps) if app.latency_budget_ms is not None]
        if budgeted:
            m.budget = pyo.Constraint(
                budgeted,
                rule=lambda m, a: m.latency[a] <= float(apps[a].latency_budget_ms or 0.0),
                doc="application {i} meets its latency budget",
            )
        if params.has_link_capacities:
            loads = params.link_loads()
            m.link_capacity = pyo.Constraint(
                list(loads),
                rule=lambda m, key: (
                    sum(round_trip_cost(m, loads[key][1], app, a, app.rate) for a, app in enumerate(apps)) <= loads[key][0]
                ),
                doc="the traffic routed over link {i} fits its capacity",
            )
        if params.objective in LATENCY_OBJECTIVES:
            add_latency_objective(m, params.objective, [app.request_rate for app in apps])
        elif params.objective == BANDWIDTH:
            hops = params.hops or {}
            m.objective = pyo.Objective(
                expr=sum(round_trip_cost(m, hops, app, a, app.rate) for a, app in enumerate(apps)),
                sense=pyo.minimize,
            )
        else:
            power = params.activation_power or {}
            m.objective = pyo.Objective(expr=sum(power[s] * m.on[s] for s in m.S), sense=pyo.minimize)
        return m

    # ---------------------------------------------------------------------------------------------- reading the answer

    def placement(self, params: LeoPlacementParams, solution: dict[str, float]) -> dict[str, str]:
        return placement_of(params.services, params.satellites, solution)

    def app_latency(self, params: LeoPlacementParams, app: Application, placed: dict[str, str]) -> float | None:
        """End-to-end latency of one application recomputed from the placement alone, without the model (None when
        the formulation models no latency: a table of hops without the delay of one hop)."""
        if params.delay_ms is None:
            return None
        return route_latency(params.delay_ms, app, placed, params.processing_ms)

    def app_bandwidth(self, params: LeoPlacementParams, app: Application, placed: dict[str, str]) -> float:
        """ISL bandwidth one application consumes (data rate x hops of every leg), from the placement alone."""
        return round_trip_sum(params.hops or {}, app, placed, app.rate)

    def solution_table(self, params: LeoPlacementParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        placed = self.placement(params, solution)
        rows: list[dict[str, Any]] = []
        for app in params.applications:
            complete = all(k in placed for k in app.chain)
            latency = self.app_latency(params, app, placed) if complete else None
            for service in app.chain:
                satellite = placed.get(service, "?")
                row: dict[str, Any] = {"application": app.name, "microservice": service, "satellite": satellite}
                if params.processing_ms is not None:
                    row["processing (ms)"] = params.processing_ms[service].get(satellite)
                if params.activation_power is not None:
                    row["satellite power (W)"] = params.activation_power.get(satellite)
                row["application latency (ms)"] = latency
                if app.latency_budget_ms is not None:
                    row["budget (ms)"] = app.latency_budget_ms
                if params.objective == BANDWIDTH and complete:
                    row["application ISL bandwidth (Mbit/s x hops)"] = self.app_bandwidth(params, app, placed)
                rows.append(row)
        return rows

    def figures(self, params: LeoPlacementParams, solution: dict[str, float], out_dir: Path) -> list[str]:
        placed = self.placement(params, solution)
        chains = {app.name: (app.access_satellite, app.chain) for app in params.applications}
        path = ring_plot(params.satellites, placed, chains, out_dir / "placement.png", "Microservice placement")
        return [str(path)]

    def formulation_summary(self, params: LeoPlacementParams) -> dict[str, Any]:
        def described(a: Application) -> str:
            shape = " -> ".join(a.chain) if a.is_chain else "DAG " + ", ".join(f"{t}->{h}" for t, h in a.transfers)
            extra = [f"access {a.access_satellite}"] + ([f"exit {a.exit_satellite}"] if a.exit_satellite else [])
            extra += [f"{a.request_rate:g}/s"] if params.objective == AVERAGE else []
            extra += [f"budget {a.latency_budget_ms:g} ms"] if a.latency_budget_ms is not None else []
            extra += [f"{a.data_rate:g} Mbit/s"] if a.data_rate is not None else []
            return f"{a.name}: {shape} ({', '.join(extra)})"

        summary: dict[str, Any] = {
            "satellites": len(params.satellites),
            "microservices": len(params.services),
            "applications": [described(a) for a in params.applications],
            "objective": params.objective,
            "network": "mesh of links, fastest routes" if params.links is not None else "table of delays between satellites",
            "capacity constraints": params.cpu_capacity is not None,
        }
        groups = {
            "memory constraints": params.memory_capacity is not None,
            "most microservices per satellite": params.max_services_per_satellite,
            "processing times": params.processing_ms is not None,
            "link capacities": params.has_link_capacities,
        }
        return summary | {k: v for k, v in groups.items() if v}


TEMPLATE = LeoMicroservicePlacement()


# -------------------------------------------------------------------------------------------------- reading the text


def _square_tables(data: TextData) -> list[Table]:
    """Tables of delays or hops between every two satellites; not a matrix code made of a list of links (blank
    where no link is: the list itself is read as links, whose routes code finds)."""
    return [t for t in data.tables if set(t.rows) == set(t.columns) and len(t.rows) > 1 and not t.from_list]


def _counts_hops(table: Table) -> bool:
    """A table of hop counts says so in its corner or caption ("hops", "the number of hops")."""
    if re.search(r"\bhops?\b", table.corner, re.IGNORECASE):
        return True
    return bool(re.search(r"\b(?:number|count) of (?:\w+[- ])*hops\b|\bhop counts?\b", table.caption, re.IGNORECASE))


def _link_sources(data: TextData) -> list[str]:
    """Lists whose names are links ("S1-S2 4") and columns of tables whose rows are links, as choices (a table made
    of such a list is the list: offered once)."""
    lists = [n.id for n in data.lists if len(n.values) >= 2 and all(_is_link(name) for name in n.values)]
    tables = [t for t in data.tables if t.rows and t.columns and all(_is_link(r) for r in t.rows) and not t.from_list]
    return lists + [f"{t.id}: {c}" for t in tables for c in t.columns]


def _is_link(label: str) -> bool:
    """ "S1-S2" names a link; "Sat-1" names a satellite (its ends must both look like names of things)."""
    ends = link_ends(label, row=True)
    return ends is not None and all(THING_NAME.match(end) for end in ends)


HOP_LINKS = "the links the text lists (no delays: one hop each)"
"""The delay_table choice for links written without numbers ("the following inter-satellite links: K1-K2, K2-K3, ...
and K3-K7"): routes with the fewest hops, and hop counts from them (dev30-leo-02 could not be read at all)."""
_BARE_LINK = r"[A-Za-z][A-Za-z_]*\d+\s*-\s*[A-Za-z][A-Za-z_]*\d+(?![\w-])(?!\s*[:=(]?\s*-?\d)"
_BARE_LINKS = re.compile(rf"(?<![\w-]){_BARE_LINK}(?:\s*(?:,|\band\b|,\s*and\b)\s*{_BARE_LINK}){{2,}}")


def _bare_links(data: TextData) -> list[tuple[str, str]]:
    """The links of a run of three or more link names with no number after any ("K1-K2, K2-K3 and K7-K1"); two are
    more often ranges ("two orbital planes: A1-A4 and B1-B4", dev-leo-03)."""
    found: list[tuple[str, str]] = []
    for run in _BARE_LINKS.finditer(data.text):
        for token in re.findall(r"[A-Za-z][A-Za-z_]*\d+\s*-\s*[A-Za-z][A-Za-z_]*\d+", run.group()):
            ends = link_ends(re.sub(r"\s+", "", token), row=True)
            if ends and ends not in found:
                found.append(ends)
    return found


_RATE_UNIT = r"[kMG]?bit/s|[kMG]?bps|[kMG]b/s"


def _leg_rates(data: TextData, names: Sequence[str]) -> dict[tuple[str, str], tuple[float, str]]:
    """Data rates the text states per leg between two named things ("K1 to F1 800 Mbit/s", "F4 -> K5: 40 Mbit/s"):
    {(tail, head): (number, unit)}, where a stream of a pipeline carries its own rate rather than one for all legs."""
    if not names:
        return {}
    either = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    leg = re.compile(
        rf"(?<![\w-])(?P<a>{either})\s*(?:\bto\b|->|→)\s*(?P<b>{either})(?![\w-])\s*(?:[:,=]|\bcarries\b|\bat\b)?\s*"
        rf"(?P<v>\d+(?:\.\d+)?)\s*(?P<u>{_RATE_UNIT})(?![\w/])"
    )
    return {(m["a"], m["b"]): (float(m["v"]), m["u"]) for m in leg.finditer(data.text)}


def _with_stated_legs(app: Application, data: TextData, spec: list[SpecItem]) -> Application | None:
    """The application with the rate of every leg, where the text states one per leg ("K1 to F1 800 Mbit/s, F1 to F2
    600 Mbit/s, ..., F4 to K5 40 Mbit/s"), in Mbit/s, and the satellites its first leg starts at and its last ends at;
    None unless one leg into each first microservice, every transfer and one leg out of each last are stated."""
    satellites = _satellites(data)
    stated = _leg_rates(data, [*satellites, *app.chain])
    entries = {a for a, b in stated if a in satellites and b in app.sources}
    exits = {b for a, b in stated if a in app.sinks and b in satellites}
    if len(entries) != 1 or len(exits) != 1:
        return None
    [access], [exit_satellite] = entries, exits
    placed = app.model_copy(
        update={"access_satellite": access, "exit_satellite": exit_satellite if exit_satellite != access else None}
    )
    if any(leg not in stated for leg in placed.legs):
        return None
    rates: dict[str, float] = {}
    for tail, head in placed.legs:
        value, unit = stated[(tail, head)]
        spec.append(SpecItem(f"data_rate[{tail}->{head}]", value, "stated in the text", unit=unit))
        rates[f"{tail}->{head}"] = convert(value, unit, "Mbit/s")
    return placed.model_copy(update={"leg_rates": rates})


def _link_values(data: TextData, choice: str, name: str, target: str, spec: list[SpecItem]) -> dict[str, float]:
    """A number per link, from a list ("ISL delay (ms): S1-S2 4, ...") or a column of a table of links, in `target`."""
    table_id, sep, column = choice.partition(": ")
    if sep:
        source = tab.table(data, table_id, name)
        unit = tab.unit_in(column, target) or tab.unit_in(source.caption, target) or target
        raw = source.column(column)
        where = f"table {source.id}, column {column}"
    else:
        listed = tab.named_list(data, choice, name)
        unit = list_unit(listed, tab.unit_in(listed.label, target) or target, target, name)
        raw = {k: float(v) for k, v in listed.values.items()}
        where = f"list {listed.id} '{listed.label}'"
    values: dict[str, float] = {}
    for link, value in raw.items():
        if value is None:
            raise AssemblyError(f"{name}: {where} has no number for {link}")
        spec.append(SpecItem(f"{name}[{link}]", value, where))
        values[link] = value * tab.convert_factor(unit, target)
    return values


def _satellites(data: TextData) -> list[str]:
    square = _square_tables(data)
    if square:
        return list(square[0].rows)
    ends = [link_ends(name, row=True) for source in _link_sources(data) for name in _link_names(data, source)]
    ends = ends or list(_bare_links(data))
    return list(dict.fromkeys(s for pair in ends if pair for s in pair))


def _link_names(data: TextData, choice: str) -> list[str]:
    table_id, sep, _ = choice.partition(": ")
    return list(data.table(table_id).rows) if sep else list(data.named_list(choice).values)


def _routed(
    satellites: list[str], links: list[tuple[str, str, str, float]]
) -> tuple[dict[tuple[str, str], Route], dict[str, dict[str, float]]]:
    """The fastest route between every two satellites over the links (name, end, end, delay), and its hop counts."""
    try:
        routes = shortest_routes(satellites, links)
    except UnreachableError as exc:
        raise AssemblyError(str(exc)) from exc
    return routes, {s: {t: float(routes[(s, t)].hops) for t in satellites} for s in satellites}


def _quantity_lines(data: TextData, names: Sequence[str]) -> list[str]:
    """Columns of tables with a row per name and rows of tables with a column per name that hold a quantity ("spare
    memory (GB)"), not those of a matrix between names (a delay table's "S2", a processing table's "A1")."""
    lines = tab.name_columns(data, names) + tab.name_rows(data, names)
    return [line for line in lines if not THING_NAME.match(line.partition(": ")[2])]


def _processing_sources(data: TextData, services: Sequence[str], satellites: Sequence[str]) -> list[str]:
    """Tables with a row per microservice and a column per satellite, and lists of a time per microservice."""
    tables = [
        t.id
        for t in data.tables
        if set(services) <= set(t.rows) and set(t.columns) == set(satellites) and set(t.rows) != set(t.columns)
    ]
    lists = [
        n.id
        for n in data.lists
        if set(n.values) == set(services) and re.search(r"process|time|\bms\b|millisec", n.label, re.IGNORECASE)
    ]
    return tables + lists


def _components(data: TextData) -> list[list[tuple[str, ...]]]:
    """The chains of the text grouped into applications: chains that share a microservice form one DAG."""
    groups: list[list[tuple[str, ...]]] = []
    for chain in data.chains:
        joined = [g for g in groups if any(set(chain) & set(c) for c in g)]
        merged = [c for g in joined for c in g] + [chain]
        groups = [g for g in groups if g not in joined] + [merged]
    return sorted(groups, key=lambda g: data.chains.index(g[0]))


def _graph_of(chains: list[tuple[str, ...]]) -> tuple[list[str], list[tuple[str, str]]]:
    """The microservices of an application in topological order, and its transfers."""
    edges = list(dict.fromkeys(pair for chain in chains for pair in itertools.pairwise(chain)))
    nodes = list(dict.fromkeys(k for chain in chains for k in chain))
    order: list[str] = []
    while len(order) < len(nodes):
        ready = [k for k in nodes if k not in order and all(t in order for t, h in edges if h == k)]
        if not ready:
            raise AssemblyError(f"the chains of {nodes[0]} form a cycle, not an application")
        order.append(ready[0])
    return order, edges


def _access_as_written(app: Application, data: TextData, satellites: list[str], apps: list[Application]) -> Application:
    """The access satellite the text names beside the application's chain, in the sentence or line that holds it
    ("Application Y: chain Y1 -> Y2 -> Y3, users under satellite P2S2"), which code reads rather than trusts the
    model's choice: a small model's slip to the neighbouring satellite gave a verified 15.5 ms for a worst-case latency
    of 14.9 ms. Where the words beside the chain name one satellite (and no exit), that one is the access satellite;
    where they name several, the model's choice must be one of them; where they name none, the text gives it
    elsewhere and the model's choice stands."""
    heads = {a.chain[0]: name_pattern(a.chain[0]) for a in apps}
    named: list[str] = []
    for line in re.split(r"(?<=[.!?])\s+|\n", data.text):  # sentences and lines
        if line.lstrip().startswith("|") or not re.search(r"->|→", line) or not heads[app.chain[0]].search(line):
            continue
        starts = sorted(m.start() for h in heads.values() for m in h.finditer(line))
        own = heads[app.chain[0]].search(line)
        assert own is not None
        later = [p for p in starts if p > own.start()]
        begin = 0 if starts[0] == own.start() else own.start()  # words before the first chain of a line are its own
        segment = line[begin : later[0] if later else len(line)]
        if _EXIT.search(segment) and app.access_satellite:
            return app
        if not _ACCESS.search(segment):  # "A1 -> A2, never on S3": a satellite named for another reason
            continue
        named += [s for s in satellites if name_pattern(s).search(segment) and s not in named]
    if len(named) == 1:
        return app.model_copy(update={"access_satellite": named[0]})
    if not app.access_satellite:  # a chain code gave it (see _applications): only the text can say where it enters
        raise AssemblyError(f"application {app.name}: give each application its own chain ({app.chain[0]} ...)")
    if not named or app.access_satellite in named:
        return app
    raise AssemblyError(
        f"application {app.name}: the text names satellites {', '.join(named)} beside its chain, "
        f"not {app.access_satellite}; choose its access satellite among them"
    )


def _application_schema(data: TextData, satellites: list[str]) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "name": {"type": "string", "description": "the application's name as the text writes it"},
        "first_microservice": {"enum": [graph[0][0] for graph in _components(data)]},
        "access_satellite": {"enum": satellites, "description": "where its users' requests enter"},
    }
    if data.says(_EXIT):
        properties["exit_satellite"] = {
            "enum": ["same", *satellites],
            "description": "where the response leaves the constellation; same: the access satellite",
        }
    if data.says(_REQUEST_RATE):
        properties["requests_per_second"] = {"type": "number", "description": "the request rate the text states; 1 if none"}
    if data.says(_BUDGET):
        properties["latency_budget"] = tab.quantity_field("its latency budget; value 0 if the text states none", "ms")
    if data.says(_DATA_RATE):
        properties["data_rate"] = tab.quantity_field("the data rate it sends over the links; value 0 if none", "Mbit/s")
    return {"type": "object", "properties": properties, "required": list(properties)}


def _of_kind(choices: list[str], data: TextData, unit: str) -> list[str]:
    """The link lists and columns not written in a unit of another kind: the 1.5B model chose dev30-leo-04's link
    delays "S1-S2 4 ms, ..." as the link capacities, and again when told why not."""
    lists = {n.id: n for n in data.lists}
    return [
        c for c in choices if (list_of_kind(lists[c], [unit]) if c in lists else column_of_kind(c.partition(": ")[2], [unit]))
    ]


def _capacity_given(value: Any) -> bool:
    """Does the binding give link capacities: a list or column of them, or one number for all?"""
    return _given(value) if isinstance(value, dict) else value not in (None, "none", "")


def _given(value: Any) -> bool:
    """A {value, unit} answer with a number other than 0 ("0 if the text states none")."""
    return isinstance(value, dict) and value.get("value") not in (None, 0, 0.0, "")


_ACCESS = re.compile(
    r"\busers?\b|\bunder\b|\baccess\w*|\benter\w*|\bingress\b|\bground\b|\bgateway\b|\boriginat\w*|\brequests?\b",
    re.IGNORECASE,
)
"""Words that say where an application's requests come in ("its users are under T2", "access satellite S1")."""
_CPU = re.compile(r"\bCPUs?\b|\bcores?\b|\bcompute\b|\bcomputing capacity\b|\bprocessing capacity\b", re.IGNORECASE)
_MEMORY = re.compile(r"\bmemory\b|\bRAM\b|\bstorage\b", re.IGNORECASE)
_MEMORY_UNIT = re.compile(r"\d\s*(?:[kMGT]i?B)\b|\((?:[kMGT]i?B|bytes?)\)", re.IGNORECASE)
"""Memory amounts come with a unit: "memory limits" alone (a most number of microservices) offers no memory field."""
_PIN_VERB = r"(?:must|has to|have to|shall|can only|may only|is to|needs? to)\s+(?:run|be placed|be hosted|be deployed|stay|be)"


def _pins(data: TextData, services: Sequence[str], satellites: Sequence[str]) -> dict[str, str]:
    """ "Y2 must run on S2", "X1 can only be placed on satellite S4": the microservices a sentence fixes."""
    if not services or not satellites:
        return {}
    by_name = {name.lower(): name for name in [*services, *satellites]}

    def either(names: Sequence[str]) -> str:  # the longest first: "S10" before "S1"
        return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))

    said = re.compile(
        rf"(?<![\w-])(?P<k>{either(services)})(?![\w-])\s+{_PIN_VERB}\s+(?:on|at)\s+(?:satellite\s+)?"
        rf"(?P<s>{either(satellites)})(?![\w-])",
        re.IGNORECASE,
    )
    return {by_name[m["k"].lower()]: by_name[m["s"].lower()] for s in data.sentences() for m in said.finditer(s)}


_HOST_CAP = re.compile(
    r"\bat most\s+(?:\d+|one|two|three|four|five)\s+microservices?\b|\bmicroservices?\s+per\s+satellite\b|"
    r"\bhosts?\s+(?:at most|no more than|up to)\b",
    re.IGNORECASE,
)
_ACTIVATION = re.compile(r"\bactivation\b|\bswitch(?:ed)?\s+on\b|\bpowered on\b|\bwake\b|\bpower(?:ed)?\b", re.IGNORECASE)
_EACH_DIRECTION = re.compile(r"\b(?:in|for|per) (?:each|every|either) direction\b|\bper direction\b|\beach way\b", re.IGNORECASE)
"""A link capacity that holds for each direction apart ("Each ISL carries at most 120 Mbit/s in each direction")."""
_CAPACITY = re.compile(r"\bcapacit(?:y|ies)\b|\bbandwidth\b|\bMbit/s\b|\bGbit/s\b", re.IGNORECASE)
_EXIT = re.compile(r"\bsinks?\b|\begress\b|\bexits?\b|\bdestination\b|\bdelivered\b|\bleaves?\b|\bdownlink\b", re.IGNORECASE)
_REQUEST_RATE = re.compile(
    r"\brequests?\s+(?:per|a|each|every|/)\s*(?:second|minute|s\b)|\brequest rates?\b|\breq/s\b", re.IGNORECASE
)
_BUDGET = re.compile(
    r"\bbudgets?\b|\bdeadlines?\b|\blatency (?:bound|limit|cap|target|requirement)s?\b|"
    r"\blatency\b[^.\n]{0,40}\b(?:at most|must not exceed|no more than|within)\b",
    re.IGNORECASE,
)
_DATA_RATE = re.compile(r"\bdata rates?\b|\bbandwidth\b|\btraffic\b|\b[kMG]bit/s\b|\bMbps\b|\bGbps\b", re.IGNORECASE)
