"""What the LEO placement templates share: applications as chains of microservices (their parameters, how the
binding names them, the checks), the model of transfers between consecutive microservices, linearised exactly,
and the placement, latency and solution table read from an answer.

`y[a, i, s, t]` is 1 when transfer i of application a goes from satellite s to satellite t; Σ_t y = x of the
transfer's first microservice and Σ_s y = x of its second make y the product of the two placements without
big-M terms. The model must already have `S` (satellites), `M` (microservices) and `x[k, s]` (binary).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template
from tools.textdata import TextData


class ChainApp(BaseModel):
    """An application: a chain of microservices its requests visit in order, entering at an access satellite."""

    name: str
    chain: list[str] = Field(min_length=1, description="microservices in the order a request visits them")
    access_satellite: str


App = TypeVar("App", bound=ChainApp)


class ChainPlacementParams(BaseModel, Generic[App]):
    """The satellites, the delays between them and the applications every LEO placement template has."""

    satellites: list[str] = Field(min_length=1)
    delay_ms: dict[str, dict[str, float]] = Field(json_schema_extra={"unit": "ms"})
    applications: list[App] = Field(min_length=1)

    @model_validator(mode="after")
    def _chains_fit(self) -> ChainPlacementParams[App]:
        satellites = set(self.satellites)
        for app in self.applications:
            if app.access_satellite not in satellites:
                raise ValueError(f"application {app.name}: access satellite {app.access_satellite} is not a satellite")
        for row, columns in self.delay_ms.items():
            if row not in satellites or set(columns) != satellites:
                raise ValueError(f"delay table row {row} does not cover exactly the satellites")
        services = self.services
        if len(services) != len(set(services)):
            raise ValueError("a microservice appears in more than one place of the applications' chains")
        return self

    @property
    def services(self) -> list[str]:
        return [m for app in self.applications for m in app.chain]


class CpuLimits(BaseModel):
    """Optional CPU cores: what each microservice needs and what each satellite offers (both, or neither)."""

    cpu_capacity: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "cores"})
    cpu_demand: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "cores"})

    def check_cpu(self, satellites: list[str], services: list[str]) -> None:
        """ValueError (in words) unless the demands name every microservice and the capacities exactly the satellites."""
        if self.cpu_demand is not None:
            missing = [m for m in services if m not in self.cpu_demand]
            if missing:
                raise ValueError(f"no CPU requirement for {', '.join(missing)}")
        if self.cpu_capacity is not None and set(self.cpu_capacity) != set(satellites):
            raise ValueError("the CPU capacities do not name exactly the satellites")
        if (self.cpu_demand is None) != (self.cpu_capacity is None):
            raise ValueError("CPU requirements and CPU capacities must both be given, or neither")


def square_tables(data: TextData, delays: str = "delays") -> list[str]:
    """Tables whose rows and columns are the same names: `delays` (or hops) between satellites. Without one, or
    without the applications' chains, the template cannot be filled: an AssemblyError says what it needs."""
    square = [t.id for t in data.tables if set(t.rows) == set(t.columns) and len(t.rows) > 1]
    if not square or not data.chains:
        raise AssemblyError(
            f"this template needs a table of {delays} between satellites (rows and columns the same satellites) "
            "and each application's chain of microservices written as A1 -> A2 -> A3"
        )
    return square


def applications_field(data: TextData, satellites: list[str], more: dict[str, Any]) -> dict[str, Any]:
    """The binding's list of applications, one per chain of the text: its name, first microservice, access satellite
    and the template's `more` properties."""
    properties: dict[str, Any] = {
        "name": {"type": "string", "description": "the application's name as the text writes it"},
        "first_microservice": {"enum": [chain[0] for chain in data.chains]},
        "access_satellite": {"enum": satellites, "description": "where its users' requests enter"},
        **more,
    }
    app = {"type": "object", "properties": properties, "required": list(properties)}
    return {"type": "array", "items": app, "minItems": len(data.chains), "maxItems": len(data.chains)}


def named_chains(binding: dict[str, Any], data: TextData) -> list[tuple[dict[str, Any], str, list[str]]]:
    """(binding entry, name, chain) of each application the binding names; every chain of the text exactly once."""
    chains = {chain[0]: list(chain) for chain in data.chains}
    found: list[tuple[dict[str, Any], str, list[str]]] = []
    for entry in binding.get("applications", []):
        head = entry.get("first_microservice")
        if head not in chains:
            raise AssemblyError(f"application {entry.get('name')}: {head} does not start any chain in the text")
        found.append((entry, str(entry.get("name") or head), chains.pop(head)))
    if chains:
        raise AssemblyError(f"no application was given for the chain(s) starting at {', '.join(chains)}")
    return found


def request_rate(entry: dict[str, Any], spec: list[SpecItem]) -> float:
    """The request rate the binding gives an application (1, the documented default, when none)."""
    rate = float(entry.get("requests_per_second", 1.0))
    spec.append(SpecItem(f"request_rate[{entry.get('name')}]", rate, "stated by the model from the text", default=1.0))
    return rate


CP = TypeVar("CP", bound="ChainPlacementParams[Any]")


class ChainPlacement(Template[CP]):
    """A LEO placement template: the answer read back as a placement and a table of applications' latencies."""

    family = "leo_service_placement"
    problem_class = "MILP"

    def placement(self, params: CP, solution: dict[str, float]) -> dict[str, str]:
        return placement_of(params.services, params.satellites, solution)

    def app_latency(self, params: CP, app: Any, placed: dict[str, str]) -> float:
        """Round-trip latency of one application recomputed from the placement alone, without the model."""
        return route_delay(params.delay_ms, app, placed)

    def row(self, params: CP, app: Any, service: str, satellite: str, latency: float | None) -> dict[str, Any]:
        """One row of the solution table: where a microservice runs and its application's latency."""
        return {"application": app.name, "microservice": service, "satellite": satellite, "application latency (ms)": latency}

    def solution_table(self, params: CP, solution: dict[str, float]) -> list[dict[str, Any]]:
        placed = self.placement(params, solution)
        rows: list[dict[str, Any]] = []
        for app in params.applications:
            latency = self.app_latency(params, app, placed) if all(m in placed for m in app.chain) else None
            rows += [self.row(params, app, service, placed.get(service, "?"), latency) for service in app.chain]
        return rows


class Chain(Protocol):
    """What the shared model needs of an application: its chain and the satellite its users reach it by."""

    @property
    def chain(self) -> list[str]: ...

    @property
    def access_satellite(self) -> str: ...


def add_transfer_variables(m: pyo.ConcreteModel, applications: Sequence[Chain]) -> None:
    """`E`, one member per pair of consecutive microservices of a chain, and `y` over E × S × S."""
    edges = [(a, i) for a, app in enumerate(applications) for i in range(len(app.chain) - 1)]
    m.E = pyo.Set(initialize=edges, dimen=2, ordered=True)
    m.y = pyo.Var(m.E, m.S, m.S, domain=pyo.NonNegativeReals, bounds=(0, 1), doc="both ends of a transfer placed")


def add_transfer_links(m: pyo.ConcreteModel, applications: Sequence[Chain]) -> None:
    """The two constraint families that make y the product of the placements of a transfer's two ends."""

    def ends(a: int, i: int) -> tuple[str, str]:
        chain = applications[a].chain
        return chain[i], chain[i + 1]

    m.link_from = pyo.Constraint(
        m.E,
        m.S,
        rule=lambda m, a, i, s: sum(m.y[a, i, s, t] for t in m.S) == m.x[ends(a, i)[0], s],
        doc="transfer {i} leaves the satellite of its first microservice",
    )
    m.link_to = pyo.Constraint(
        m.E,
        m.S,
        rule=lambda m, a, i, t: sum(m.y[a, i, s, t] for s in m.S) == m.x[ends(a, i)[1], t],
        doc="transfer {i} arrives at the satellite of its second microservice",
    )


def round_trip_delay(m: pyo.ConcreteModel, delay_ms: Mapping[str, Mapping[str, float]], app: Chain, a: int) -> Any:
    """Propagation delay of application a's round trip: access → first microservice, the transfers, last → access."""
    d, access, first, last = delay_ms, app.access_satellite, app.chain[0], app.chain[-1]
    inner = sum(d[s][t] * m.y[a, i, s, t] for i in range(len(app.chain) - 1) for s in m.S for t in m.S)
    return sum(d[access][s] * m.x[first, s] + d[s][access] * m.x[last, s] for s in m.S) + inner


def add_latency_objective(m: pyo.ConcreteModel, objective: str, request_rates: Sequence[float]) -> None:
    """Minimise the worst-case latency, the total latency, or (otherwise) the request-weighted mean latency of m.latency."""
    if objective == "worst-case latency":
        m.worst = pyo.Var(domain=pyo.NonNegativeReals)
        m.worst_bound = pyo.Constraint(
            m.A, rule=lambda m, a: m.worst >= m.latency[a], doc="the worst-case latency bounds application {i}"
        )
        m.objective = pyo.Objective(expr=m.worst, sense=pyo.minimize)
    elif objective == "total latency":
        m.objective = pyo.Objective(expr=sum(m.latency[a] for a in m.A), sense=pyo.minimize)
    else:
        total = sum(request_rates)
        m.objective = pyo.Objective(
            expr=sum(rate * m.latency[a] for a, rate in enumerate(request_rates)) / total, sense=pyo.minimize
        )


def placement_of(services: Sequence[str], satellites: Sequence[str], solution: Mapping[str, float]) -> dict[str, str]:
    """The satellite each microservice was placed on, read from the solution's x values."""
    return {k: s for k in services for s in satellites if solution.get(f"x[{k},{s}]", 0.0) > 0.5}


def route_delay(delay_ms: Mapping[str, Mapping[str, float]], app: Chain, placed: Mapping[str, str]) -> float:
    """Round-trip propagation delay of one application recomputed from the placement alone, without the model."""
    route = [app.access_satellite, *(placed[k] for k in app.chain), app.access_satellite]
    return sum(delay_ms[a][b] for a, b in itertools.pairwise(route))
