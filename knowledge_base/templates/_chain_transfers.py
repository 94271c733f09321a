"""The service-placement model of the LEO placement template: transfers between microservices, linearised exactly,
and the latency (a chain's sum, a DAG's critical path), hop and link-use terms built on them.

An application is a graph of microservices: a chain A1 -> A2 -> A3, or a DAG written as several chains that share
microservices (A1 -> A2 -> A4 and A1 -> A3 -> A4). A request enters at the access satellite, reaches every source
microservice, follows the transfers, and the response leaves every sink for the exit satellite (the access
satellite unless the text names another). `y[a, i, s, t]` is 1 when transfer i of application a goes from satellite
s to satellite t; Σ_t y = x of the transfer's tail and Σ_s y = x of its head make y the product of the two
placements without big-M terms. The model must already have `S` (satellites), `M` (microservices), `x[k, s]`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import pyomo.environ as pyo

PairCost = Mapping[str, Mapping[str, float]]
"""A number per ordered pair of satellites: a delay (ms), a hop count, 1 where a route uses a link."""


class ServiceGraph(Protocol):
    """What the model needs of an application."""

    @property
    def chain(self) -> list[str]: ...

    @property
    def access_satellite(self) -> str: ...

    @property
    def exit(self) -> str: ...

    @property
    def transfers(self) -> list[tuple[str, str]]: ...

    @property
    def sources(self) -> list[str]: ...

    @property
    def sinks(self) -> list[str]: ...

    @property
    def is_chain(self) -> bool: ...


def add_transfer_variables(m: pyo.ConcreteModel, applications: Sequence[ServiceGraph]) -> None:
    """`E`, one member per transfer of an application, and `y` over E × S × S."""
    edges = [(a, i) for a, app in enumerate(applications) for i in range(len(app.transfers))]
    m.E = pyo.Set(initialize=edges, dimen=2, ordered=True)
    m.y = pyo.Var(m.E, m.S, m.S, domain=pyo.NonNegativeReals, bounds=(0, 1), doc="both ends of a transfer placed")


def add_transfer_links(m: pyo.ConcreteModel, applications: Sequence[ServiceGraph]) -> None:
    """The two constraint families that make y the product of the placements of a transfer's two ends."""

    def ends(a: int, i: int) -> tuple[str, str]:
        return applications[a].transfers[i]

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


def entry_cost(m: pyo.ConcreteModel, cost: PairCost, app: ServiceGraph, service: str) -> Any:
    """From the access satellite to the satellite hosting `service`."""
    return sum(cost[app.access_satellite][s] * m.x[service, s] for s in m.S)


def exit_cost(m: pyo.ConcreteModel, cost: PairCost, app: ServiceGraph, service: str) -> Any:
    """From the satellite hosting `service` to the exit satellite."""
    return sum(cost[s][app.exit] * m.x[service, s] for s in m.S)


def transfer_cost(m: pyo.ConcreteModel, cost: PairCost, a: int, i: int) -> Any:
    return sum(cost[s][t] * m.y[a, i, s, t] for s in m.S for t in m.S if cost[s][t])


LegWeight = Callable[[str, str], float]
"""A number per leg (tail, head), each end a satellite or a microservice: the data rate a leg carries."""


def _unweighted(tail: str, head: str) -> float:
    return 1.0


def round_trip_cost(m: pyo.ConcreteModel, cost: PairCost, app: ServiceGraph, a: int, weight: LegWeight = _unweighted) -> Any:
    """The pair cost summed over every leg of a request: entries, transfers, exits (a chain's round trip), each leg
    times its `weight` (a data rate of its own, or one for all)."""
    legs = sum(weight(app.access_satellite, k) * entry_cost(m, cost, app, k) for k in app.sources)
    legs += sum(weight(k, app.exit) * exit_cost(m, cost, app, k) for k in app.sinks)
    return legs + sum(weight(t, h) * transfer_cost(m, cost, a, i) for i, (t, h) in enumerate(app.transfers))


def add_latency(
    m: pyo.ConcreteModel,
    applications: Sequence[ServiceGraph],
    delay_ms: PairCost,
    processing_ms: Mapping[str, Mapping[str, float]] | None,
) -> None:
    """`m.latency[a]`: a chain's round-trip delay plus processing; a DAG's critical path through finish times."""

    def processing(k: str) -> Any:
        return sum(processing_ms[k][s] * m.x[k, s] for s in m.S) if processing_ms else 0.0

    dags = [a for a, app in enumerate(applications) if not app.is_chain]
    if dags:
        m.D = pyo.Set(initialize=dags, ordered=True)
        services = [k for a in dags for k in applications[a].chain]
        m.finish = pyo.Var(services, domain=pyo.NonNegativeReals, doc="time a microservice finishes (ms)")
        m.critical_path = pyo.Var(m.D, domain=pyo.NonNegativeReals, doc="critical-path latency of a DAG application (ms)")
        starts = [(a, k) for a in dags for k in applications[a].sources]
        m.start_after_entry = pyo.Constraint(
            starts,
            rule=lambda m, a, k: m.finish[k] >= entry_cost(m, delay_ms, applications[a], k) + processing(k),
            doc="microservice {i} finishes after the request reaches it and it is processed",
        )
        edges = [(a, i) for a in dags for i in range(len(applications[a].transfers))]
        m.after_transfer = pyo.Constraint(
            edges,
            rule=lambda m, a, i: (
                m.finish[applications[a].transfers[i][1]]
                >= m.finish[applications[a].transfers[i][0]]
                + transfer_cost(m, delay_ms, a, i)
                + processing(applications[a].transfers[i][1])
            ),
            doc="transfer {i}: the next microservice finishes after it",
        )
        ends = [(a, k) for a in dags for k in applications[a].sinks]
        m.path_bound = pyo.Constraint(
            ends,
            rule=lambda m, a, k: m.critical_path[a] >= m.finish[k] + exit_cost(m, delay_ms, applications[a], k),
            doc="the critical path of application {i} bounds the response of each last microservice",
        )

    def latency(m: pyo.ConcreteModel, a: int) -> Any:
        app = applications[a]
        if not app.is_chain:
            return m.critical_path[a]
        return round_trip_cost(m, delay_ms, app, a) + sum(processing(k) for k in app.chain)

    m.latency = pyo.Expression(m.A, rule=latency, doc="end-to-end (round-trip) latency of an application (ms)")


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


def route_latency(
    delay_ms: PairCost, app: ServiceGraph, placed: Mapping[str, str], processing_ms: Mapping[str, Mapping[str, float]] | None
) -> float:
    """An application's latency recomputed from the placement alone, without the model: the longest path from the
    access satellite through the microservices to the exit satellite (a chain's only path)."""

    def processing(k: str) -> float:
        return processing_ms[k][placed[k]] if processing_ms else 0.0

    finish: dict[str, float] = {}
    for k in app.chain:  # topological order
        before = [finish[t] + delay_ms[placed[t]][placed[k]] for t, h in app.transfers if h == k]
        start = max(before) if before else delay_ms[app.access_satellite][placed[k]]
        finish[k] = start + processing(k)
    return max(finish[k] + delay_ms[placed[k]][app.exit] for k in app.sinks)


def round_trip_sum(cost: PairCost, app: ServiceGraph, placed: Mapping[str, str], weight: LegWeight = _unweighted) -> float:
    """A pair cost (hops, a link's use) summed over every leg of a request, each times its `weight`, from the
    placement alone."""
    legs = sum(weight(app.access_satellite, k) * cost[app.access_satellite][placed[k]] for k in app.sources)
    legs += sum(weight(k, app.exit) * cost[placed[k]][app.exit] for k in app.sinks)
    return legs + sum(weight(t, h) * cost[placed[t]][placed[h]] for t, h in app.transfers)
