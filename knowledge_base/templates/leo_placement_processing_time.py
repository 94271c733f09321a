"""Microservice placement on LEO satellites when processing time depends on the hosting satellite.

Variant of leo_microservice_placement: the end-to-end latency of an application adds, to the transfer
delays, the processing time of each of its microservices on the satellite that hosts it (a table
microservice x satellite), and each satellite hosts at most a given number of microservices (memory).
The default objective is the worst application's latency (min-max). Transfers between consecutive
microservices use the same exact linearisation of x[m,s] x[m',t] as the base template.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, binding_object
from knowledge_base.templates import _tabular as tab
from knowledge_base.templates._chain_transfers import (
    ChainPlacement,
    ChainPlacementParams,
    add_latency_objective,
    add_transfer_links,
    add_transfer_variables,
    applications_field,
    named_chains,
    request_rate,
    round_trip_delay,
    route_delay,
    square_tables,
)
from knowledge_base.templates.leo_microservice_placement import Application
from tools.question import Measure, measures
from tools.textdata import Table, TextData

ObjectiveKind = Literal["worst-case latency", "total latency", "request-weighted average latency"]


class LeoProcessingParams(ChainPlacementParams[Application]):
    processing_ms: dict[str, dict[str, float]] = Field(
        json_schema_extra={"unit": "ms"}, description="processing_ms[microservice][satellite]"
    )
    max_services_per_satellite: int | None = Field(default=None, ge=1, json_schema_extra={"unit": "microservices"})
    objective: ObjectiveKind = "worst-case latency"

    @model_validator(mode="after")
    def _consistent(self) -> LeoProcessingParams:
        satellites, services = set(self.satellites), self.services
        for service in services:
            if set(self.processing_ms.get(service, {})) != satellites:
                raise ValueError(f"the processing-time table has no full row for microservice {service}")
        if self.max_services_per_satellite is not None and self.max_services_per_satellite * len(satellites) < len(services):
            raise ValueError(
                f"{len(services)} microservices cannot fit on {len(satellites)} satellites "
                f"with at most {self.max_services_per_satellite} each"
            )
        return self


class LeoPlacementProcessingTime(ChainPlacement[LeoProcessingParams]):
    id = "leo_placement_processing_time"
    title = "Latency-sensitive microservice chains on a multi-plane LEO constellation, processing time per satellite"
    objectives = measures(
        {
            "worst-case latency": Measure("min", "the worst-case end-to-end latency of an application", "ms"),
            "total latency": Measure("min", "the total end-to-end latency of the applications", "ms"),
            "request-weighted average latency": Measure("min", "the request-weighted average end-to-end latency", "ms"),
        }
    )
    description = (
        "Deploy latency-sensitive applications, chains of microservices, on a LEO constellation of several orbital "
        "planes with intra-plane and inter-plane links. The satellites carry different processors: a table gives the "
        "processing time (ms) of every microservice on every satellite. Each satellite can host at most a given number "
        "of microservices (memory limit). An application's end-to-end latency is its transfer delays plus the "
        "processing times of its microservices. Minimize the largest (worst-case, min-max) end-to-end latency."
    )
    math = r"""
\textbf{Sets: } S \text{ satellites},\ M \text{ microservices},\ A \text{ applications with chains and access satellite } s_a
\\ \textbf{Parameters: } d_{st}\ \text{one-way delay (ms)},\ p_{ms}\ \text{processing time of } m \text{ on } s \text{ (ms)},
\ K\ \text{most microservices per satellite},\ \lambda_a \text{ request rate}
\\ \textbf{Variables: } x_{ms}\in\{0,1\},\ y_{e,st}\ge 0 \text{ for consecutive pairs } e=(m,m'),\ L \text{ (worst latency)}
\\ \min\ L \quad(\text{or } \textstyle\sum_a L_a,\ \text{or } \sum_a\lambda_a L_a/\sum_a\lambda_a), \qquad L\ge L_a\ \forall a
\\ L_a = \textstyle\sum_s d_{s_a s}x_{m_{a,1}s} + \sum_{e\in a}\sum_{s,t} d_{st}y_{e,st} + \sum_s d_{s s_a}x_{m_{a,k_a}s}
+ \sum_{m\in a}\sum_s p_{ms}x_{ms}
\\ \textstyle\sum_s x_{ms}=1\ \forall m,\quad \sum_m x_{ms}\le K\ \forall s,
\quad \sum_t y_{e,st}=x_{ms},\ \sum_s y_{e,st}=x_{m't}
"""
    examples = (
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
        "Deploy microservice chains on satellites whose processing speed differs, at most two microservices per "
        "satellite, to minimize the worst application's end-to-end latency including processing time.",
    )
    tags = ("MILP", "leo_service_placement", "satellite", "microservice", "processing time", "min-max latency", "memory limit")
    params_model = LeoProcessingParams
    structural_constraints = frozenset({"one_place", "link_from", "link_to", "worst_bound"})

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        square = square_tables(data)
        services = {m for chain in data.chains for m in chain}
        processing = [t.id for t in data.tables if t.id not in square and services and services <= set(t.rows)]
        if not processing:
            raise AssemblyError(
                "this template needs a table of delays between satellites, each application's chain written as "
                "A1 -> A2 -> A3, and a table of processing times with a row per microservice and a column per satellite"
            )
        satellites = sorted({s for t in data.tables if t.id in square for s in t.rows})
        rate = {"requests_per_second": {"type": "number", "description": "the request rate the text states; 1 if none"}}
        properties = {
            "delay_table": {"enum": square, "description": "table of one-way delays between satellites (ms)"},
            "processing_table": {"enum": processing, "description": "processing time of each microservice on each satellite"},
            "max_microservices_per_satellite": {
                "type": "integer",
                "description": "the most microservices one satellite may host; 0 if the text states no such limit",
            },
            "applications": applications_field(data, satellites, rate),
            "objective": {"enum": list(get_args(ObjectiveKind))},
        }
        return binding_object("leo_processing_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        delays = tab.table(data, binding.get("delay_table"), "delay")
        processing = tab.table(data, binding.get("processing_table"), "processing time")
        delay_ms = tab.full_matrix(delays, "delay_ms", spec, scale=self._scale(delays))
        processing_ms = tab.full_matrix(processing, "processing_ms", spec, scale=self._scale(processing))
        applications = [
            Application(
                name=name, chain=chain, access_satellite=entry.get("access_satellite", ""), request_rate=request_rate(entry, spec)
            )
            for entry, name, chain in named_chains(binding, data)
        ]
        limit = int(binding.get("max_microservices_per_satellite") or 0)
        if limit > 0:
            spec.append(SpecItem("max_services_per_satellite", float(limit), "stated by the model from the text"))
        return {
            "satellites": list(delays.rows),
            "delay_ms": delay_ms,
            "processing_ms": {m: processing_ms[m] for m in processing_ms if any(m in a.chain for a in applications)},
            "max_services_per_satellite": limit if limit > 0 else None,
            "applications": applications,
            "objective": binding.get("objective", "worst-case latency"),
        }

    @staticmethod
    def _scale(source: Table) -> float:
        """Milliseconds per unit of a table whose caption states its unit (ms when it states none)."""
        return tab.convert_factor(tab.unit_in(source.caption, "ms") or "ms", "ms")

    def build_model(self, params: LeoProcessingParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.S = pyo.Set(initialize=params.satellites, ordered=True)
        m.M = pyo.Set(initialize=params.services, ordered=True)
        m.A = pyo.RangeSet(0, len(params.applications) - 1)
        m.x = pyo.Var(m.M, m.S, domain=pyo.Binary, doc="microservice placed on satellite")
        add_transfer_variables(m, params.applications)
        m.one_place = pyo.Constraint(
            m.M, rule=lambda m, k: sum(m.x[k, s] for s in m.S) == 1, doc="microservice {i} is placed on exactly one satellite"
        )
        if params.max_services_per_satellite is not None:
            limit = params.max_services_per_satellite
            m.host_limit = pyo.Constraint(
                m.S,
                rule=lambda m, s: sum(m.x[k, s] for k in m.M) <= limit,
                doc="satellite {i} hosts no more microservices than allowed",
            )
        add_transfer_links(m, params.applications)
        p = params.processing_ms

        def latency(m: pyo.ConcreteModel, a: int) -> Any:
            app = params.applications[a]
            processing = sum(p[k][s] * m.x[k, s] for k in app.chain for s in m.S)
            return round_trip_delay(m, params.delay_ms, app, a) + processing

        m.latency = pyo.Expression(m.A, rule=latency, doc="end-to-end latency of an application: transfers plus processing (ms)")
        add_latency_objective(m, params.objective, [app.request_rate for app in params.applications])
        return m

    def app_latency(self, params: LeoProcessingParams, app: Any, placed: dict[str, str]) -> float:
        """End-to-end latency of one application recomputed from the placement alone, without the model."""
        return route_delay(params.delay_ms, app, placed) + sum(params.processing_ms[k][placed[k]] for k in app.chain)

    def row(self, params: LeoProcessingParams, app: Any, service: str, satellite: str, latency: float | None) -> dict[str, Any]:
        return {
            "application": app.name,
            "microservice": service,
            "satellite": satellite,
            "processing (ms)": params.processing_ms[service].get(satellite, None),
            "application latency (ms)": latency,
        }

    def formulation_summary(self, params: LeoProcessingParams) -> dict[str, Any]:
        return {
            "satellites": len(params.satellites),
            "microservices": len(params.services),
            "applications": [f"{a.name}: {' -> '.join(a.chain)} (access {a.access_satellite})" for a in params.applications],
            "most microservices per satellite": params.max_services_per_satellite,
            "objective": params.objective,
        }


TEMPLATE = LeoPlacementProcessingTime()
