"""Latency and feasibility of a placement, computed from the scenario alone (no optimization model).

Latency of a request = processing (workload / clock of the hosting satellite) + transmission (data / ISL rate
on every hop of the route) + propagation (route length / c). Two ways to add up an application:
- "sum over edges": every microservice's processing and every flow's transfer, as if all ran one after another;
- "critical path": the longest entry-to-exit path of the DAG, since parallel branches run at the same time.
For a chain the two agree. The MILP, the baselines and the tests all use these functions, so each checks the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tools.satnet.applications import Application
from tools.satnet.scenario import Scenario

LatencyVariant = Literal["sum over edges", "critical path"]
Placement = dict[str, str]
"""microservice name -> satellite name"""


class Costs:
    """Delay terms of one scenario, in ms, with the lookups the search loops need prepared once."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._index = scenario.constellation.index
        self._clock = {s.name: s.cpu_ghz for s in scenario.satellites}
        self._workload = {m.name: m.workload_gcycles for a in scenario.applications for m in a.microservices}

    def processing_ms(self, service: str, satellite: str) -> float:
        return 1000.0 * self._workload[service] / self._clock[satellite]

    def transfer_ms(self, data_mbit: float, source: str, target: str) -> float:
        """Propagation plus store-and-forward transmission on every hop of the fastest route; 0 on the same satellite."""
        c = self.scenario.constellation
        i, j = self._index[source], self._index[target]
        hops = int(c.hops[i, j])
        if hops < 0:
            return float("inf")
        return float(c.delay_ms[i, j]) + hops * 1000.0 * data_mbit / self.scenario.isl_rate_mbps


@dataclass
class Evaluation:
    latency_ms: dict[str, float]
    """Per application, in the variant asked for."""
    violations: list[str] = field(default_factory=list)
    """Capacity or candidate-set breaches, in words; empty for a feasible placement."""

    @property
    def total_ms(self) -> float:
        return sum(self.latency_ms.values())

    @property
    def feasible(self) -> bool:
        return not self.violations


def application_latency(costs: Costs, app: Application, placement: Placement, variant: LatencyVariant) -> float:
    arrive = costs.transfer_ms(app.request_mbit, app.access_satellite, placement[app.entry])
    leave = costs.transfer_ms(app.response_mbit, placement[app.exit], app.access_satellite)
    processing = {m.name: costs.processing_ms(m.name, placement[m.name]) for m in app.microservices}
    transfer = {(f.source, f.target): costs.transfer_ms(f.data_mbit, placement[f.source], placement[f.target]) for f in app.flows}
    if variant == "sum over edges":
        return arrive + sum(processing.values()) + sum(transfer.values()) + leave
    finish: dict[str, float] = {}
    for name in app.topological_order:
        ready = max((finish[s] + transfer[(s, t)] for s, t in transfer if t == name), default=arrive)
        finish[name] = ready + processing[name]
    return finish[app.exit] + leave


def cpu_load(scenario: Scenario, placement: Placement) -> dict[str, float]:
    load: dict[str, float] = {}
    for app in scenario.applications:
        for service in app.microservices:
            if service.name in placement:
                load[placement[service.name]] = load.get(placement[service.name], 0.0) + service.cpu_cores
    return load


def comm_load(scenario: Scenario, placement: Placement) -> dict[str, float]:
    """ISL data (Mbit per request) that each satellite's microservices send or receive to other satellites."""
    load: dict[str, float] = {}
    for app in scenario.applications:
        for flow in app.flows:
            s, t = placement.get(flow.source), placement.get(flow.target)
            if s is not None and t is not None and s != t:
                load[s] = load.get(s, 0.0) + flow.data_mbit
                load[t] = load.get(t, 0.0) + flow.data_mbit
    return load


def violations(scenario: Scenario, placement: Placement, tolerance: float = 1e-9) -> list[str]:
    found: list[str] = []
    for app in scenario.applications:
        for service in app.microservices:
            where = placement.get(service.name)
            if where is None:
                found.append(f"{service.name} is not placed")
            elif where not in service.candidates:
                found.append(f"{service.name} is on {where}, not one of its candidate satellites")
    satellites = scenario.by_name
    for name, used in cpu_load(scenario, placement).items():
        if used > satellites[name].cpu_cores + tolerance:
            found.append(f"satellite {name} hosts {used:g} CPU cores of microservices but has {satellites[name].cpu_cores:g}")
    for name, sent in comm_load(scenario, placement).items():
        limit = satellites[name].comm_mbit
        if limit is not None and sent > limit + tolerance:
            found.append(f"satellite {name} carries {sent:g} Mbit of ISL traffic per request but its limit is {limit:g}")
    return found


def evaluate(scenario: Scenario, placement: Placement, variant: LatencyVariant) -> Evaluation:
    costs = Costs(scenario)
    broken = violations(scenario, placement)
    placed_everything = all(m.name in placement for a in scenario.applications for m in a.microservices)
    latency = (
        {a.name: application_latency(costs, a, placement, variant) for a in scenario.applications} if placed_everything else {}
    )
    return Evaluation(latency_ms=latency, violations=broken)
