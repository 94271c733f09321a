"""Placements without the MILP: random under constraints, most-residual-capacity heuristic, exact branch and bound.

The branch and bound shares nothing with the MILP but the latency functions of `latency.py`: it searches
placements directly, one microservice at a time, and prunes a branch when a lower bound on its total latency
(placed parts exact, unplaced parts at their cheapest candidate, capacities ignored) cannot beat the best
placement found. Run to completion it proves optimality, so it and the MILP check each other.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from tools.satnet.applications import Application
from tools.satnet.latency import Costs, LatencyVariant, Placement, application_latency
from tools.satnet.scenario import Scenario


@dataclass
class BaselineResult:
    method: str
    placement: Placement | None
    """None when the method found no placement that respects the capacities."""
    total_ms: float | None
    time_s: float
    proved_optimal: bool = False
    nodes: int = 0


class _Capacity:
    """Residual CPU cores and communication budget while placing microservices one by one."""

    def __init__(self, scenario: Scenario) -> None:
        self.cpu = {s.name: s.cpu_cores for s in scenario.satellites}
        self.comm = {s.name: s.comm_mbit for s in scenario.satellites}
        self.cores = {m.name: m.cpu_cores for a in scenario.applications for m in a.microservices}
        self.neighbours: dict[str, list[tuple[str, float]]] = {}
        for app in scenario.applications:
            for flow in app.flows:
                self.neighbours.setdefault(flow.source, []).append((flow.target, flow.data_mbit))
                self.neighbours.setdefault(flow.target, []).append((flow.source, flow.data_mbit))

    def traffic(self, service: str, satellite: str, placement: Placement) -> dict[str, float]:
        """ISL data each satellite would gain if `service` went to `satellite`, given what is placed already."""
        added: dict[str, float] = {}
        for other, data in self.neighbours.get(service, []):
            where = placement.get(other)
            if where is not None and where != satellite:
                added[satellite] = added.get(satellite, 0.0) + data
                added[where] = added.get(where, 0.0) + data
        return added

    def fits(self, service: str, satellite: str, placement: Placement) -> bool:
        if self.cpu[satellite] < self.cores[service] - 1e-9:
            return False
        for name, data in self.traffic(service, satellite, placement).items():
            limit = self.comm[name]
            if limit is not None and limit < data - 1e-9:
                return False
        return True

    def place(self, service: str, satellite: str, placement: Placement) -> None:
        for name, data in self.traffic(service, satellite, placement).items():
            limit = self.comm[name]
            if limit is not None:
                self.comm[name] = limit - data
        self.cpu[satellite] -= self.cores[service]
        placement[service] = satellite

    def remove(self, service: str, placement: Placement) -> None:
        satellite = placement.pop(service)
        self.cpu[satellite] += self.cores[service]
        for name, data in self.traffic(service, satellite, placement).items():
            limit = self.comm[name]
            if limit is not None:
                self.comm[name] = limit + data


def _order(scenario: Scenario) -> list[tuple[Application, str]]:
    return [(app, name) for app in scenario.applications for name in app.topological_order]


def _total(scenario: Scenario, placement: Placement, variant: LatencyVariant) -> float:
    costs = Costs(scenario)
    return sum(application_latency(costs, a, placement, variant) for a in scenario.applications)


def random_placement(scenario: Scenario, variant: LatencyVariant, seed: int = 0, attempts: int = 200) -> BaselineResult:
    """Each microservice on a uniformly drawn candidate that still has room; start over when one has none."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    candidates = {m.name: m.candidates for a in scenario.applications for m in a.microservices}
    for _ in range(attempts):
        capacity, placement = _Capacity(scenario), Placement()
        for _app, service in _order(scenario):
            room = [s for s in candidates[service] if capacity.fits(service, s, placement)]
            if not room:
                break
            capacity.place(service, room[int(rng.integers(len(room)))], placement)
        else:
            return BaselineResult("random", placement, _total(scenario, placement, variant), time.perf_counter() - started)
    return BaselineResult("random", None, None, time.perf_counter() - started)


def residual_capacity_heuristic(scenario: Scenario, variant: LatencyVariant) -> BaselineResult:
    """Each microservice on the candidate with the most CPU cores left (ties: the one nearest its predecessor)."""
    started = time.perf_counter()
    costs = Costs(scenario)
    capacity, placement = _Capacity(scenario), Placement()
    for app, service in _order(scenario):
        upstream = [f.source for f in app.flows if f.target == service]
        anchor = placement[upstream[0]] if upstream else app.access_satellite
        room = [s for s in scenario.microservice(service).candidates if capacity.fits(service, s, placement)]
        if not room:
            return BaselineResult("heuristic", None, None, time.perf_counter() - started)
        best = max(room, key=lambda s: (capacity.cpu[s], -costs.transfer_ms(0.0, anchor, s)))
        capacity.place(service, best, placement)
    return BaselineResult("heuristic", placement, _total(scenario, placement, variant), time.perf_counter() - started)


class _Bounds:
    """Per-application lower bounds on latency for a partial placement (unplaced parts at their cheapest choice)."""

    def __init__(self, scenario: Scenario, costs: Costs, variant: LatencyVariant) -> None:
        self.costs, self.variant = costs, variant
        self.candidates = {m.name: m.candidates for a in scenario.applications for m in a.microservices}
        self.cheapest_processing = {
            name: min(costs.processing_ms(name, s) for s in options) for name, options in self.candidates.items()
        }
        self._memo: dict[tuple[float, tuple[str, ...], tuple[str, ...]], float] = {}

    def transfer(
        self, data: float, source: str | None, target: str | None, source_options: list[str], target_options: list[str]
    ) -> float:
        sources = (source,) if source is not None else tuple(source_options)
        targets = (target,) if target is not None else tuple(target_options)
        key = (data, sources, targets)
        if key not in self._memo:
            self._memo[key] = min(self.costs.transfer_ms(data, s, t) for s in sources for t in targets)
        return self._memo[key]

    def application(self, app: Application, placement: Placement) -> float:
        access = [app.access_satellite]
        arrive = self.transfer(
            app.request_mbit, app.access_satellite, placement.get(app.entry), access, self.candidates[app.entry]
        )
        leave = self.transfer(app.response_mbit, placement.get(app.exit), app.access_satellite, self.candidates[app.exit], access)
        processing = {
            m.name: self.costs.processing_ms(m.name, placement[m.name])
            if m.name in placement
            else self.cheapest_processing[m.name]
            for m in app.microservices
        }
        transfer = {
            (f.source, f.target): self.transfer(
                f.data_mbit,
                placement.get(f.source),
                placement.get(f.target),
                self.candidates[f.source],
                self.candidates[f.target],
            )
            for f in app.flows
        }
        if self.variant == "sum over edges":
            return arrive + sum(processing.values()) + sum(transfer.values()) + leave
        finish: dict[str, float] = {}
        for name in app.topological_order:
            ready = max((finish[s] + transfer[(s, t)] for s, t in transfer if t == name), default=arrive)
            finish[name] = ready + processing[name]
        return finish[app.exit] + leave


def branch_and_bound(
    scenario: Scenario, variant: LatencyVariant, time_limit_s: float = 60.0, node_limit: int = 5_000_000
) -> BaselineResult:
    """Depth-first exact search with bound pruning; proved_optimal is False when a limit stopped it first."""
    started = time.perf_counter()
    costs = Costs(scenario)
    bounds = _Bounds(scenario, costs, variant)
    order = _order(scenario)
    apps = list(scenario.applications)
    empty_bound = {a.name: bounds.application(a, {}) for a in apps}
    start = residual_capacity_heuristic(scenario, variant)
    best_total = start.total_ms if start.total_ms is not None else float("inf")
    best: Placement | None = dict(start.placement) if start.placement is not None else None
    capacity, placement = _Capacity(scenario), Placement()
    nodes = 0
    stopped = False

    def lower_bound(depth: int) -> float:
        """Finished applications exact, the current one partially placed, later ones at their empty-placement bound."""
        current = order[depth][0] if depth < len(order) else None
        total = 0.0
        for app in apps:
            if app is current or all(m.name in placement for m in app.microservices):
                total += bounds.application(app, placement)
            else:
                total += empty_bound[app.name]
        return total

    def search(depth: int) -> None:
        nonlocal best_total, best, nodes, stopped
        if stopped:
            return
        nodes += 1
        if nodes >= node_limit or (nodes % 2048 == 0 and time.perf_counter() - started > time_limit_s):
            stopped = True
            return
        if depth == len(order):
            total = _total(scenario, placement, variant)
            if total < best_total - 1e-9:
                best_total, best = total, dict(placement)
            return
        app, service = order[depth]
        options = []
        for satellite in bounds.candidates[service]:
            if capacity.fits(service, satellite, placement):
                capacity.place(service, satellite, placement)
                options.append((bounds.application(app, placement), satellite))
                capacity.remove(service, placement)
        for _, satellite in sorted(options):
            capacity.place(service, satellite, placement)
            if lower_bound(depth + 1) < best_total - 1e-9:
                search(depth + 1)
            capacity.remove(service, placement)

    search(0)
    return BaselineResult(
        "branch and bound",
        best,
        best_total if best is not None else None,
        time.perf_counter() - started,
        proved_optimal=not stopped,
        nodes=nodes,
    )
