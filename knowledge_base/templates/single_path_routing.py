"""Unsplittable routing: every traffic demand follows one path (no splitting), within link capacities.

The same data and binding as multicommodity_flow, but y[d,a] is binary (arc a is on demand d's path) and a
unit of "path" is pushed from source to destination, so the load of a link is sum_d r_d y[d,a]. Without a
cost column every link costs 1, and the objective is the total hop count weighted by traffic (min-hop
routing). Binary flows may also close a cycle off the path where it costs nothing (min-max variant); the
solution table searches the path from the source, so such a cycle never shows as a route.
"""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo

from knowledge_base.templates.multicommodity_flow import MulticommodityFlow, MulticommodityParams
from tools.question import Measure, measures


class SinglePathRouting(MulticommodityFlow):
    id = "single_path_routing"
    family = "network_flow"
    problem_class = "MILP"
    title = "Single-path (unsplittable) routing of traffic demands within link capacities: min-hop, min-cost or min congestion"
    objectives = measures(
        {
            "minimum total routing cost": Measure("min", "the total routing cost (cost or hops per link, by traffic)", None),
            "minimum maximum link utilisation": Measure("min", "the largest link utilisation", ""),
        }
    )
    description = (
        "Route each traffic demand (source node to destination node, in Mbit/s) along exactly one path, without "
        "splitting it, through a network whose links have capacities; a table lists each link (A->B) with its "
        "capacity and its cost, delay or hop weight. Minimize the total routing cost (the traffic-weighted number of "
        "hops when no cost is given: min-hop routing, shortest paths under capacity) or the maximum link utilisation. "
        "Unsplittable multicommodity flow, path selection, traffic engineering with integer routing."
    )
    math = r"""
\textbf{Sets: } N \text{ nodes},\ L \text{ links},\ A \text{ arcs},\ D \text{ demands } (s_d, t_d, r_d)
\\ \textbf{Parameters: } c_\ell\ \text{capacity},\ w_\ell\ \text{cost per unit of traffic (1 = hop count)}
\\ \textbf{Variables: } y_{da}\in\{0,1\}\ (\text{arc } a \text{ on the path of } d),\ U\ge 0 \text{ (congestion variant)}
\\ \min\ \textstyle\sum_d\sum_a w_{\ell(a)} r_d\, y_{da} \quad(\text{or } \min U)
\\ \textstyle\sum_{a\in\delta^+(n)} y_{da} - \sum_{a\in\delta^-(n)} y_{da} = [n=s_d] - [n=t_d]\ \forall d,n
\\ \textstyle\sum_d \sum_{a\in\ell} r_d\, y_{da} \le c_\ell \ (\text{or} \le U c_\ell)\ \forall \ell
"""
    examples = (
        "In a wireless mesh backhaul with nodes G, M1, M2, M3 the links are two-way and each link's capacity is shared "
        "by both directions:\n\n"
        "| link | capacity (Mbit/s) |\n|---|---|\n"
        "| G-M1 | 100 |\n| G-M2 | 60 |\n| M1-M2 | 50 |\n| M1-M3 | 40 |\n| M2-M3 | 80 |\n\n"
        "Three flows must each follow a single path: 30 Mbit/s from G to M3, 50 Mbit/s from G to M1 and 40 Mbit/s "
        "from M2 to M3. Choose the paths that minimize the total number of hops weighted by traffic.",
        "Pick one route per flow through the inter-satellite links so that the most loaded link carries the smallest "
        "share of its capacity; flows cannot be split.",
    )
    tags = ("MILP", "network_flow", "routing", "unsplittable flow", "single path", "min-hop", "link capacity", "congestion")
    structural_constraints = frozenset({"conservation"})

    def build_model(self, params: MulticommodityParams) -> pyo.ConcreteModel:
        return self.routing_model(params, split=False)

    def paths(self, params: MulticommodityParams, solution: dict[str, float]) -> list[list[str]]:
        """Each demand's path as its node sequence: a search from the source over the arcs the solution chose."""
        routes: list[list[str]] = []
        for d, demand in enumerate(params.demands):
            chosen = [(t, h) for name, t, h in params.arcs() if solution.get(f"y[{d},{name},{t},{h}]", 0.0) > 0.5]
            parent: dict[str, str] = {}
            frontier = [demand.source]
            while frontier and demand.destination not in parent:
                node = frontier.pop(0)
                for tail, head in chosen:
                    if tail == node and head not in parent and head != demand.source:
                        parent[head] = node
                        frontier.append(head)
            route = [demand.destination] if demand.destination in parent else []
            while route and route[-1] != demand.source:
                route.append(parent[route[-1]])
            routes.append(route[::-1])
        return routes

    def solution_table(self, params: MulticommodityParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        return [
            {
                "demand": demand.name,
                f"rate ({params.unit})": demand.rate,
                "path": " -> ".join(route),
                "hops": max(len(route) - 1, 0),
            }
            for demand, route in zip(params.demands, self.paths(params, solution), strict=True)
        ]


TEMPLATE = SinglePathRouting()
