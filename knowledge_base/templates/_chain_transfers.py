"""The service-chain placement model the LEO placement templates share: transfers between consecutive
microservices of a chain, linearised exactly, and the latency and placement read from them.

`y[a, i, s, t]` is 1 when transfer i of application a goes from satellite s to satellite t; Σ_t y = x of the
transfer's first microservice and Σ_s y = x of its second make y the product of the two placements without
big-M terms. The model must already have `S` (satellites), `M` (microservices) and `x[k, s]` (binary).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import pyomo.environ as pyo


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
