"""Routing traffic demands over a network with link capacities: min-cost or min-congestion multicommodity flow.

Each demand (source, destination, rate) may split over several paths. f[d,a] >= 0 is the flow of demand d
on arc a (one arc per usable direction of a link); flow is conserved at every node; the flows of all
demands on a link stay within its capacity (times the utilisation U in the congestion variant). An LP.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import ProblemClass, SpecItem, Template, binding_object
from knowledge_base.templates import _links, _tabular
from knowledge_base.templates._stated_quantities import read_quantity
from tools.question import Measure, measures
from tools.textdata import TextData

Objective = Literal["minimum total routing cost", "minimum maximum link utilisation"]


class Demand(BaseModel):
    name: str
    source: str
    destination: str
    rate: float = Field(gt=0, description="in the unit of the link capacities")


class MulticommodityParams(_links.LinkNetwork):
    demands: list[Demand] = Field(min_length=1)
    objective: Objective = "minimum total routing cost"

    @model_validator(mode="after")
    def _consistent(self) -> MulticommodityParams:
        nodes = set(self.nodes)
        for demand in self.demands:
            if demand.source not in nodes or demand.destination not in nodes:
                raise ValueError(f"demand {demand.name}: {demand.source} or {demand.destination} is not a node of the links")
            if demand.source == demand.destination:
                raise ValueError(f"demand {demand.name} starts and ends at {demand.source}")
        names = [link.name for link in self.links]
        if len(names) != len(set(names)):
            raise ValueError("two links have the same name")
        return self


class MulticommodityFlow(Template[MulticommodityParams]):
    id = "multicommodity_flow"
    family = "network_flow"
    problem_class: ClassVar[ProblemClass] = "LP"  # declared wide: single_path_routing reuses this class as a MILP
    title = "Routing traffic demands over links with capacities (min-cost or min-congestion multicommodity flow)"
    objectives = measures(
        {
            "minimum total routing cost": Measure("min", "the total routing cost", None),
            "minimum maximum link utilisation": Measure("min", "the largest link utilisation", ""),
        }
    )
    description = (
        "Route several traffic demands (flows from a source node to a destination node, in Mbit/s) through a "
        "backhaul / transport / mesh network whose links have capacities; a table lists each link (A->B) with its "
        "capacity and its cost or delay per unit of traffic. Traffic may be split over several paths. Minimize the "
        "total routing cost, or minimize the maximum link utilisation (congestion, load balancing of links). "
        "Multicommodity network flow, traffic engineering."
    )
    math = r"""
\textbf{Sets: } N \text{ nodes},\ L \text{ links},\ A \text{ arcs (one per usable direction of a link)},
\ D \text{ demands } (s_d, t_d, r_d)
\\ \textbf{Parameters: } c_\ell\ \text{capacity},\ w_\ell\ \text{cost per unit of traffic},\ r_d\ \text{rate of demand } d
\\ \textbf{Variables: } f_{da}\ge 0,\ U\ge 0 \text{ (congestion variant)}
\\ \min\ \textstyle\sum_d\sum_{a} w_{\ell(a)} f_{da} \quad(\text{or } \min U)
\\ \textstyle\sum_{a\in\delta^+(n)} f_{da} - \sum_{a\in\delta^-(n)} f_{da} = r_d[n=s_d] - r_d[n=t_d]\ \forall d,n
\\ \textstyle\sum_d \sum_{a\in\ell} f_{da} \le c_\ell \ (\text{or} \le U c_\ell)\ \forall \ell
"""
    examples = (
        "A backhaul network has four nodes A, B, C, D. Each link carries traffic in one direction; the table gives its "
        "capacity and its cost per Mbit/s:\n\n"
        "| link | capacity (Mbit/s) | cost per Mbit/s |\n|---|---|---|\n"
        "| A->B | 10 | 1 |\n| A->C | 8 | 2 |\n| B->D | 6 | 1 |\n| C->D | 10 | 1 |\n| B->C | 5 | 1 |\n\n"
        "Two demands must be routed: 12 Mbit/s from A to D and 3 Mbit/s from B to D. Traffic may be split over "
        "several paths. Find the routing with the minimum total cost.",
        "Route the traffic matrix through the mesh backhaul so that the most utilised link is as lightly loaded as "
        "possible; link capacities are in Gbit/s.",
    )
    tags: ClassVar[tuple[str, ...]] = (
        "LP",
        "network_flow",
        "routing",
        "multicommodity flow",
        "link capacity",
        "traffic engineering",
        "congestion",
    )
    params_model = MulticommodityParams
    structural_constraints = frozenset({"conservation"})

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        parts = _links.schema_parts(data)
        nodes = _links.nodes_of(_links.link_tables(data))
        demand = {
            "type": "object",
            "properties": {
                "source": {"enum": nodes},
                "destination": {"enum": nodes},
                "rate": _tabular.quantity_field("the demand's traffic rate as the text states it", "Mbit/s"),
            },
            "required": ["source", "destination", "rate"],
        }
        columns = parts["capacity_column"]["enum"]
        properties = {
            **parts,
            "cost_column": {"enum": [*columns, "none"], "description": "column of cost (or delay) per unit of traffic"},
            "demands": {"type": "array", "items": demand, "minItems": 1},
            "objective": {"enum": list(get_args(Objective))},
        }
        return binding_object("multicommodity_flow_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        cost_column = binding.get("cost_column")
        network = _links.read_network(binding, data, spec, None if cost_column in (None, "none") else str(cost_column))
        demands = []
        for k, entry in enumerate(binding.get("demands") or []):
            name = f"{entry.get('source')}->{entry.get('destination')}"
            rate = read_quantity(entry.get("rate"), network["unit"], f"demand[{name}]", spec)
            demands.append(
                Demand(
                    name=f"d{k + 1} {name}", source=entry.get("source", ""), destination=entry.get("destination", ""), rate=rate
                )
            )
        return network | {"demands": demands, "objective": binding.get("objective", "minimum total routing cost")}

    def build_model(self, params: MulticommodityParams) -> pyo.ConcreteModel:
        return self.routing_model(params, split=True)

    def routing_model(self, params: MulticommodityParams, split: bool) -> pyo.ConcreteModel:
        """The model of both routing templates. `split`: f[d,a] >= 0, the traffic of demand d on arc a, may take several
        paths; else y[d,a] binary marks the arcs of the one path of demand d, which carries all of its rate."""
        m = pyo.ConcreteModel(name=self.id)
        m.N = pyo.Set(initialize=params.nodes, ordered=True)
        m.D = pyo.RangeSet(0, len(params.demands) - 1)
        m.A = pyo.Set(initialize=params.arcs(), dimen=3, ordered=True)
        m.L = pyo.Set(initialize=[link.name for link in params.links], ordered=True)
        rate = [demand.rate for demand in params.demands]
        link = {item.name: item for item in params.links}
        if split:
            m.f = pyo.Var(m.D, m.A, domain=pyo.NonNegativeReals, doc=f"flow of a demand on an arc ({params.unit})")
            used, conserved = m.f, "flow of demand {i} is conserved at its node"

            def carried(d: int, a: Any) -> Any:
                return m.f[d, a]

            def cost(d: int, a: Any) -> Any:
                return link[a[0]].cost * m.f[d, a]
        else:
            m.y = pyo.Var(m.D, m.A, domain=pyo.Binary, doc="arc on the path of a demand")
            used, conserved = m.y, "the path of demand {i} passes through its node"

            def carried(d: int, a: Any) -> Any:
                return rate[d] * m.y[d, a]

            def cost(d: int, a: Any) -> Any:
                return link[a[0]].cost * rate[d] * m.y[d, a]

        def conservation(m: pyo.ConcreteModel, d: int, n: str) -> Any:
            demand = params.demands[d]
            out = sum(used[d, a] for a in m.A if a[1] == n)
            into = sum(used[d, a] for a in m.A if a[2] == n)
            leaves, arrives, passes = (demand.rate, -demand.rate, 0.0) if split else (1, -1, 0)
            return out - into == (leaves if n == demand.source else arrives if n == demand.destination else passes)

        m.conservation = pyo.Constraint(m.D, m.N, rule=conservation, doc=conserved)
        m.link_flow = pyo.Expression(m.L, rule=lambda m, name: sum(carried(d, a) for d in m.D for a in m.A if a[0] == name))
        if params.objective == "minimum maximum link utilisation":
            m.utilisation = pyo.Var(domain=pyo.NonNegativeReals, doc="largest link utilisation (fraction of capacity)")
            m.capacity = pyo.Constraint(
                m.L,
                rule=lambda m, name: m.link_flow[name] <= link[name].capacity * m.utilisation,
                doc="the traffic on link {i} is within the largest utilisation of its capacity",
            )
            m.objective = pyo.Objective(expr=m.utilisation, sense=pyo.minimize)
        else:
            m.capacity = pyo.Constraint(
                m.L,
                rule=lambda m, name: m.link_flow[name] <= link[name].capacity,
                doc="the traffic on link {i} fits its capacity",
            )
            m.objective = pyo.Objective(expr=sum(cost(d, a) for d in m.D for a in m.A), sense=pyo.minimize)
        return m

    def solution_table(self, params: MulticommodityParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for d, demand in enumerate(params.demands):
            for name, tail, head in params.arcs():
                flow = solution.get(f"f[{d},{name},{tail},{head}]", 0.0)
                if flow > 1e-9:
                    rows.append({"demand": demand.name, "link": name, "from": tail, "to": head, f"flow ({params.unit})": flow})
        return rows

    def formulation_summary(self, params: MulticommodityParams) -> dict[str, Any]:
        return {
            "nodes": len(params.nodes),
            "links": len(params.links),
            "direction": params.direction,
            "demands": [f"{d.name}: {d.rate:g} {params.unit}" for d in params.demands],
            "objective": params.objective,
        }


TEMPLATE = MulticommodityFlow()
