"""Shortest routes over an irregular mesh of inter-satellite links given as a list (name, one end, other end, delay).

The LEO placement template reads a mesh from the text ("S1-S2 4, S2-S5 6, ...") and needs, for every pair of
satellites, the delay of the fastest route, its hop count and the links it uses (for link capacities): code
computes them here, so the LLM never retypes a path. Links are two-way. Ties between routes of equal delay go to
the one with fewer hops, then to the first in name order, so the routes are the same on every run.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    delay: float
    links: tuple[str, ...]
    """The links the route uses, in order (their names as the text writes them)."""

    @property
    def hops(self) -> int:
        return len(self.links)


class UnreachableError(ValueError):
    """The links do not connect every pair of satellites; the message names a pair."""


def shortest_routes(nodes: Sequence[str], links: Sequence[tuple[str, str, str, float]]) -> dict[tuple[str, str], Route]:
    """The fastest route between every ordered pair of nodes (Dijkstra from each node); links are (name, a, b, delay)."""
    adjacent: dict[str, list[tuple[str, str, float]]] = {n: [] for n in nodes}
    for name, a, b, delay in links:
        if delay < 0:
            raise ValueError(f"link {name} has a negative delay {delay:g}")
        adjacent.setdefault(a, []).append((b, name, delay))
        adjacent.setdefault(b, []).append((a, name, delay))
    routes: dict[tuple[str, str], Route] = {}
    for source in nodes:
        best: dict[str, tuple[float, int, tuple[str, ...]]] = {}
        queue: list[tuple[float, int, tuple[str, ...], str]] = [(0.0, 0, (), source)]
        while queue:
            delay, hops, path, node = heapq.heappop(queue)
            if node in best:
                continue
            best[node] = (delay, hops, path)
            for neighbour, name, length in sorted(adjacent.get(node, [])):
                if neighbour not in best:
                    heapq.heappush(queue, (delay + length, hops + 1, (*path, name), neighbour))
        for target in nodes:
            if target not in best:
                raise UnreachableError(f"no chain of links connects {source} to {target}")
            delay, _, path = best[target]
            routes[(source, target)] = Route(delay=delay, links=path)
    return routes
