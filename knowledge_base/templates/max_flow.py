"""Maximum throughput from one source to one destination through links with capacities (max flow).

f[a] >= 0 on every arc (one per usable direction of a link), conservation at every node but the source
and the destination, capacities per link, and the objective is the net flow out of the source. An LP
whose optimum equals the capacity of the smallest cut (max-flow min-cut).
"""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo
from pydantic import model_validator

from knowledge_base.template import SpecItem, Template, binding_object
from knowledge_base.templates import _links
from tools.question import Measure, measures
from tools.textdata import TextData


class MaxFlowParams(_links.LinkNetwork):
    source: str
    destination: str

    @model_validator(mode="after")
    def _consistent(self) -> MaxFlowParams:
        if self.source not in self.nodes or self.destination not in self.nodes:
            raise ValueError(f"{self.source} or {self.destination} is not a node of the links")
        if self.source == self.destination:
            raise ValueError("the source and the destination are the same node")
        return self


class MaxFlow(Template[MaxFlowParams]):
    id = "max_flow"
    family = "network_flow"
    problem_class = "LP"
    title = "Maximum throughput between two nodes through links with capacities (max flow / min cut)"
    objectives = measures(
        {
            "": Measure("max", "the total flow (throughput) from the source to the sink", None),
        }
    )
    description = (
        "Find the largest traffic rate (maximum throughput) that can be sent from a source node (gateway, ground "
        "station, server) to a destination node through a network whose links have capacities; a table lists each "
        "link (A->B) with its capacity. Traffic may be split over several paths. Maximum flow, minimum cut, "
        "bottleneck capacity of a backhaul, mesh or satellite relay network."
    )
    math = r"""
\textbf{Sets: } N \text{ nodes},\ L \text{ links},\ A \text{ arcs (one per usable direction of a link)}
\\ \textbf{Parameters: } c_\ell\ \text{capacity},\ s \text{ source},\ t \text{ destination}
\\ \textbf{Variables: } f_a\ge 0
\\ \max\ \textstyle\sum_{a\in\delta^+(s)} f_a - \sum_{a\in\delta^-(s)} f_a
\\ \textstyle\sum_{a\in\delta^+(n)} f_a = \sum_{a\in\delta^-(n)} f_a\ \forall n\ne s,t,
\qquad \sum_{a\in\ell} f_a\le c_\ell\ \forall \ell
"""
    examples = (
        "A relay network connects a gateway G to a destination T through relays R1 and R2. Links are one-way; their "
        "capacities are:\n\n"
        "| link | capacity (Mbit/s) |\n|---|---|\n"
        "| G->R1 | 10 |\n| G->R2 | 5 |\n| R1->R2 | 15 |\n| R1->T | 4 |\n| R2->T | 10 |\n\n"
        "What is the maximum throughput from G to T?",
        "How much traffic can the ground station push to the user terminal through the inter-satellite links, given "
        "each link's capacity in Gbit/s?",
    )
    tags = ("LP", "network_flow", "max flow", "min cut", "throughput", "link capacity", "bottleneck")
    params_model = MaxFlowParams
    structural_constraints = frozenset({"conservation"})

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        parts = _links.schema_parts(data)
        nodes = _links.nodes_of(_links.link_tables(data))
        properties = {
            **parts,
            "source": {"enum": nodes, "description": "where the traffic enters"},
            "destination": {"enum": nodes, "description": "where the traffic must arrive"},
        }
        return binding_object("max_flow_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        network = _links.read_network(binding, data, spec)
        return network | {"source": str(binding.get("source")), "destination": str(binding.get("destination"))}

    def build_model(self, params: MaxFlowParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.N = pyo.Set(initialize=[n for n in params.nodes if n not in (params.source, params.destination)], ordered=True)
        m.A = pyo.Set(initialize=params.arcs(), dimen=3, ordered=True)
        m.L = pyo.Set(initialize=[link.name for link in params.links], ordered=True)
        m.f = pyo.Var(m.A, domain=pyo.NonNegativeReals, doc=f"flow on an arc ({params.unit})")
        m.conservation = pyo.Constraint(
            m.N,
            rule=lambda m, n: sum(m.f[a] for a in m.A if a[1] == n) == sum(m.f[a] for a in m.A if a[2] == n),
            doc="what enters node {i} leaves it",
        )
        capacity = {link.name: link.capacity for link in params.links}
        m.capacity = pyo.Constraint(
            m.L,
            rule=lambda m, name: sum(m.f[a] for a in m.A if a[0] == name) <= capacity[name],
            doc="the traffic on link {i} fits its capacity",
        )
        s = params.source
        m.objective = pyo.Objective(
            expr=sum(m.f[a] for a in m.A if a[1] == s) - sum(m.f[a] for a in m.A if a[2] == s), sense=pyo.maximize
        )
        return m

    def solution_table(self, params: MaxFlowParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        capacity = {link.name: link.capacity for link in params.links}
        return [
            {"link": name, "from": tail, "to": head, f"flow ({params.unit})": flow, f"capacity ({params.unit})": capacity[name]}
            for name, tail, head in params.arcs()
            if (flow := solution.get(f"f[{name},{tail},{head}]", 0.0)) > 1e-9
        ]

    def formulation_summary(self, params: MaxFlowParams) -> dict[str, Any]:
        return {
            "nodes": len(params.nodes),
            "links": len(params.links),
            "direction": params.direction,
            "source": params.source,
            "destination": params.destination,
        }


TEMPLATE = MaxFlow()
