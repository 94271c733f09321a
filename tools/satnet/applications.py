"""Applications as DAGs of microservices: CPU workloads and demands on the nodes, data sizes on the edges.

Every application has one entry microservice (which receives the user's request from the access satellite)
and one exit microservice (which sends the response back). With branching 0 the DAG is a chain; with
branching > 0 some microservices fan out to parallel branches that join again, so the sum over edges and the
critical path (longest path) of an application differ.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from pydantic import BaseModel, Field, model_validator


class Microservice(BaseModel):
    name: str
    workload_gcycles: float = Field(gt=0, description="CPU cycles one request needs, in 10^9 cycles")
    cpu_cores: float = Field(gt=0, description="CPU cores the microservice reserves on its satellite")
    candidates: list[str] = Field(min_length=1, description="satellites it may be placed on")


class Flow(BaseModel):
    source: str
    target: str
    data_mbit: float = Field(ge=0, description="data sent along this edge per request")


class Application(BaseModel):
    name: str
    access_satellite: str
    microservices: list[Microservice] = Field(min_length=1)
    flows: list[Flow] = Field(default_factory=list)
    request_mbit: float = Field(default=0.0, ge=0, description="request data from the access satellite to the entry")
    response_mbit: float = Field(default=0.0, ge=0, description="response data from the exit back to the access satellite")

    @model_validator(mode="after")
    def _is_single_entry_exit_dag(self) -> Application:
        names = [m.name for m in self.microservices]
        if len(set(names)) != len(names):
            raise ValueError(f"application {self.name}: microservice names repeat")
        for flow in self.flows:
            if flow.source not in names or flow.target not in names:
                raise ValueError(f"application {self.name}: flow {flow.source} -> {flow.target} names an unknown microservice")
        order = self.topological_order  # raises on a cycle
        if len(self.microservices) > 1:
            sources = {f.source for f in self.flows}
            targets = {f.target for f in self.flows}
            entries = [m for m in order if m not in targets]
            exits = [m for m in order if m not in sources]
            if len(entries) != 1 or len(exits) != 1:
                raise ValueError(f"application {self.name}: needs exactly one entry and one exit microservice")
        return self

    @cached_property
    def topological_order(self) -> list[str]:
        names = [m.name for m in self.microservices]
        indegree = {n: 0 for n in names}
        for flow in self.flows:
            indegree[flow.target] += 1
        ready = [n for n in names if indegree[n] == 0]
        order: list[str] = []
        while ready:
            node = ready.pop(0)
            order.append(node)
            for flow in self.flows:
                if flow.source == node:
                    indegree[flow.target] -= 1
                    if indegree[flow.target] == 0:
                        ready.append(flow.target)
        if len(order) != len(names):
            raise ValueError(f"application {self.name}: the flows form a cycle")
        return order

    @property
    def entry(self) -> str:
        return self.topological_order[0]

    @property
    def exit(self) -> str:
        return self.topological_order[-1]

    @property
    def is_chain(self) -> bool:
        return len(self.flows) == len(self.microservices) - 1 and all(
            sum(f.source == m.name for f in self.flows) <= 1 for m in self.microservices
        )


def random_dag(rng: np.random.Generator, size: int, branching: float) -> list[tuple[int, int]]:
    """Edges of a single-entry, single-exit DAG over 0..size-1 in topological order.

    Every node i > 0 gets the edge (i-1, i) unless, with probability `branching`, it forks from an earlier node
    instead (making a parallel branch); every node without a successor is then joined to the exit.
    """
    edges: set[tuple[int, int]] = set()
    for i in range(1, size):
        parent = i - 1
        if i >= 2 and i < size - 1 and rng.random() < branching:
            parent = int(rng.integers(0, i - 1))
        edges.add((parent, i))
    for i in range(size - 1):
        if not any(a == i for a, _ in edges):
            edges.add((i, size - 1))
    return sorted(edges)
