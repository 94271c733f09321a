"""Traffic through a network of links with capacities: one flow model with the objective and routing variants real
problems use, chosen by fields of the binding.

Each demand d goes from a source to a destination; f[d,a] >= 0 is its flow on arc a (one arc per usable direction
of a link: one-way links, or two-way links whose capacity is shared by both directions or available in each), and
v_d the amount routed: flow is conserved at every node, with v_d leaving the source and reaching the destination.
The flows of all demands on a link stay within its capacity.

- **Objectives** (`objective`): the maximum total throughput (v_d free, at most the demand's rate when one is given:
  max flow, or max multicommodity flow), the minimum total routing cost of fixed demands (a cost or delay per unit
  of traffic on each link; hops when none is given: min-cost flow), the minimum largest link utilisation (every
  link's traffic at most U times its capacity), or the maximum concurrent flow (the largest common fraction lambda
  of every demand: v_d = lambda r_d).
- **Routing** (`routing`): traffic may be split over several paths, or each demand follows a single path: y[d,a]
  binary, f[d,a] <= M y[d,a] and at most one arc with y = 1 leaves each node for each demand, so its flow cannot
  fork. A **hop limit** bounds the arcs of a single path (sum_a y[d,a] <= H); for split traffic the flow is indexed
  by hop (the h-th arc of a walk), which is exact because a walk of at most H hops contains a path of at most H hops.
- **Units**: capacities in the column's unit (Gbit/s, Mbit/s); cells that state their own unit ("10 Gbit/s",
  "400 Mbit/s") are converted to it, and so are the demands' rates. The flows and the throughput are in that unit.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template, binding_object, variant
from knowledge_base.templates import _links
from knowledge_base.templates._stated_quantities import read_quantity
from knowledge_base.templates._tabular import column, convert_factor, unit_in
from tools.question import Measure, measures
from tools.textdata import NUMBER, Table, TextData, link_ends, name_pattern

Objective = Literal[
    "maximum total throughput",
    "minimum total routing cost",
    "minimum largest link utilisation",
    "maximum concurrent flow",
]
THROUGHPUT, COST, UTILISATION, CONCURRENT = get_args(Objective)
Routing = Literal["traffic may be split over several paths", "each demand follows a single path"]
SPLIT, SINGLE_PATH = get_args(Routing)
FIXED_RATES = (COST, UTILISATION)
"""Objectives that route every demand in full: each needs its rate."""

_RATE_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(?:[kMGT]?bit/s|[kMG]bps)\b", re.IGNORECASE)


def _changed_links(data: TextData, tables: list[Table]) -> list[str]:
    """Links a sentence gives a rate other than the table's ("that link is down to 120 Mbit/s"): the text may change
    them (a line of a list of links, "- D-R1: 1.5 Gbit/s", is the link itself)."""
    held: dict[str, set[float]] = {}
    for table in tables:
        for r, row in enumerate(table.rows):
            written = table.texts[r] if table.texts else ()
            held.setdefault(row, set()).update(float(n) for text in written for n in NUMBER.findall(text))
            held[row].update(v for v in table.cells[r] if v is not None)
    changed = []
    for sentence in data.sentences():
        rates = {float(m.group(1)) for m in _RATE_NUMBER.finditer(sentence)}  # none: no link of it is changed
        named = [link for link in held if name_pattern(link).search(sentence)]
        if len(named) == len(held):
            continue  # the sentence that lists every link ("these links: A-B 100 Mbit/s, A-C 100 Mbit/s, ...") is the table
        changed += [link for link in named if rates - held[link]]
    return list(dict.fromkeys(changed))


def _with_changes(links: list[_links.Link], changes: list[Any], unit: str, spec: list[SpecItem]) -> list[_links.Link]:
    """The links with the capacities the binding says the text changes, in the network's unit."""
    new: dict[str, float] = {}
    own = {link.name: link.capacity for link in links}
    for change in changes:
        if not isinstance(change, dict) or not isinstance(change.get("capacity"), dict):
            continue
        name = str(change.get("link"))
        if name not in own:
            raise AssemblyError(f"changed capacity: {name} is not a link of the table")
        read: list[SpecItem] = []
        capacity = read_quantity(change["capacity"], unit, f"changed capacity[{name}]", read)
        if math.isclose(capacity, own[name], rel_tol=1e-9):
            continue  # the link's own capacity is no change (the 1.5B copied dev30-nf-02's whole link list as changes)
        spec += read
        new[name] = capacity
    return [link.model_copy(update={"capacity": new[link.name]}) if link.name in new else link for link in links]


_COST_WORDS = re.compile(
    r"\bcosts?\b|\bdelays?\b|\blatenc\w*|\bprices?\b|\bmetrics?\b|\bweights?\b|\bper (?:Mbit|Gbit|unit)", re.I
)
_ONE_PATH = re.compile(
    r"\bsingle[- ](?:path|route)|\bone (?:single )?(?:path|route)\b|\bunsplittable\b|\b(?:not|never|cannot|can't) be split|"
    r"\bno splitting\b|\bwithout splitting\b",
    re.IGNORECASE,
)
_MANY_PATHS = re.compile(
    r"\b(?:can|may|could) be split\b|(?<!un)\bsplittable\b|\bseveral paths\b|\bmultiple paths\b|\bmultipath\b|"
    r"\bbifurcat\w*",
    re.IGNORECASE,
)


_ROUTING_WORDS = re.compile(rf"{_ONE_PATH.pattern}|{_MANY_PATHS.pattern}|\bsplit\w*", re.IGNORECASE)
"""Words on whether a demand may be split, either way: the binding is asked which."""


def said_routing(data: TextData) -> Routing | None:
    """Whether a demand may be split, when the text says one or the other in so many words ("Each demand can be split
    over several paths", "each on one single path (no splitting)"); None when it says neither, or both."""
    sentences = data.sentences()
    one = any(_ONE_PATH.search(s) for s in sentences)
    many = any(_MANY_PATHS.search(s) for s in sentences)
    return SINGLE_PATH if one and not many else SPLIT if many and not one else None


_HOPS = re.compile(r"\bhops?\b", re.IGNORECASE)
_DELAY = re.compile(r"delay|latenc|\(m?s\)", re.IGNORECASE)


class Demand(BaseModel):
    name: str
    source: str
    destination: str
    rate: float | None = Field(default=None, ge=0, description="in the unit of the link capacities; None: as much as fits")


class FlowParams(_links.LinkNetwork):
    demands: list[Demand] = Field(min_length=1)
    objective: Objective = COST
    routing: Routing = SPLIT
    hop_limit: int | None = Field(default=None, ge=1)
    cost_name: str | None = Field(default=None, description="the cost column's header; None: every link costs one hop")

    @model_validator(mode="after")
    def _consistent(self) -> FlowParams:
        nodes = set(self.nodes)
        for demand in self.demands:
            if demand.source not in nodes or demand.destination not in nodes:
                raise ValueError(f"demand {demand.name}: {demand.source} or {demand.destination} is not a node of the links")
            if demand.source == demand.destination:
                raise ValueError(f"demand {demand.name} starts and ends at {demand.source}")
            if demand.rate is None and self.objective != THROUGHPUT:
                raise ValueError(f"demand {demand.name} needs its rate: the objective '{self.objective}' routes it in full")
        names = [link.name for link in self.links]
        if len(names) != len(set(names)):
            raise ValueError("two links have the same name")
        return self

    def capacity(self) -> dict[str, float]:
        return {link.name: link.capacity for link in self.links}

    def flow_bound(self, d: int, link: str) -> float:
        """The most demand d can put on a link: its rate when routed in full, else the link's capacity."""
        rate = self.demands[d].rate
        fixed = self.objective in FIXED_RATES and rate is not None
        return float(rate) if fixed and rate is not None else self.capacity()[link]


class NetworkFlow(Template[FlowParams]):
    id = "network_flow"
    family = "network_flow"
    problem_class = "MILP"
    title = (
        "Traffic through links with capacities: maximum throughput (max flow), min-cost routing, min largest link "
        "utilisation or max concurrent flow; split over paths or one path per demand, with a hop limit"
    )
    objectives = measures(
        {
            THROUGHPUT: Measure("max", "the total flow (throughput) delivered from the sources to the destinations"),
            COST: Measure("min", "the total routing cost of the traffic (cost, delay or hops per unit on each link)"),
            UTILISATION: Measure("min", "the largest link utilisation", ""),
            CONCURRENT: Measure("max", "the common fraction of every demand that is routed at once (concurrent flow)", ""),
        }
    )
    description = (
        "Route traffic through a backhaul, transport, mesh or satellite relay network whose links have capacities; a "
        "table lists each link (A->B or A-B) with its capacity in Gbit/s or Mbit/s and often a cost or delay per unit "
        "of traffic. Find the maximum throughput (maximum flow, minimum cut, bottleneck capacity) from a source "
        "(gateway, ground station, server) to a destination, route fixed traffic demands at minimum total cost, delay "
        "or hop count (min-cost flow, multicommodity flow), minimize the maximum link utilisation (congestion, load "
        "balancing of links, traffic engineering), or maximize the concurrent flow (the largest fraction of every "
        "demand that can be routed at once). Traffic may be split over several paths, or each demand follows a single "
        "path (unsplittable routing, path selection) within a hop limit. Links may be one-way or two-way."
    )
    math = r"""
\textbf{Sets: } N \text{ nodes},\ L \text{ links},\ A \text{ arcs (one per usable direction of a link)},
\ D \text{ demands } (s_d, t_d, r_d)
\\ \textbf{Parameters: } c_\ell\ \text{capacity},\ w_\ell\ \text{cost per unit of traffic (1 = one hop)},\ H \text{ hop limit}
\\ \textbf{Variables: } f_{da}\ge 0,\ v_d \ge 0 \text{ (routed)},\ y_{da}\in\{0,1\} \text{ (single path)},\ U,\ \lambda
\\ \textstyle\sum_{a\in\delta^+(n)} f_{da} - \sum_{a\in\delta^-(n)} f_{da} = v_d[n=s_d] - v_d[n=t_d]\ \forall d,n,
\qquad \sum_d \sum_{a\in\ell} f_{da} \le c_\ell \ (\le U c_\ell)
\\ \max \textstyle\sum_d v_d\ (v_d \le r_d) \ \mid\ \min \sum_{d,a} w_{\ell(a)} f_{da}\ (v_d = r_d)
\ \mid\ \min U\ (v_d = r_d) \ \mid\ \max \lambda\ (v_d = \lambda r_d)
\\ \text{single path: } f_{da} \le M_{da} y_{da},\ \textstyle\sum_{a\in\delta^+(n)} y_{da} \le 1,\ \sum_a y_{da} \le H
"""
    examples = (
        "A relay network connects a gateway G to a destination T through relays R1 and R2. Links are one-way; their "
        "capacities are:\n\n"
        "| link | capacity (Mbit/s) |\n|---|---|\n"
        "| G->R1 | 10 |\n| G->R2 | 5 |\n| R1->R2 | 15 |\n| R1->T | 4 |\n| R2->T | 10 |\n\n"
        "What is the maximum throughput from G to T?",
        "A backhaul network has four nodes A, B, C, D. Each link carries traffic in one direction; the table gives its "
        "capacity and its cost per Mbit/s:\n\n"
        "| link | capacity (Mbit/s) | cost per Mbit/s |\n|---|---|---|\n"
        "| A->B | 10 | 1 |\n| A->C | 8 | 2 |\n| B->D | 6 | 1 |\n| C->D | 10 | 1 |\n| B->C | 5 | 1 |\n\n"
        "Two demands must be routed: 12 Mbit/s from A to D and 3 Mbit/s from B to D. Traffic may be split over "
        "several paths. Find the routing with the minimum total cost.",
        "In a wireless mesh backhaul with nodes G, M1, M2, M3 the links are two-way and each link's capacity is shared "
        "by both directions:\n\n"
        "| link | capacity (Mbit/s) |\n|---|---|\n"
        "| G-M1 | 100 |\n| G-M2 | 60 |\n| M1-M2 | 50 |\n| M1-M3 | 40 |\n| M2-M3 | 80 |\n\n"
        "Three flows must each follow a single path: 30 Mbit/s from G to M3, 50 Mbit/s from G to M1 and 40 Mbit/s "
        "from M2 to M3. Choose the paths that minimize the total number of hops weighted by traffic.",
        "Route the traffic matrix through the mesh backhaul so that the most utilised link is as lightly loaded as "
        "possible; link capacities are in Gbit/s and no flow may use more than three hops.",
        "What is the largest fraction of every demand that the optical transport network can carry at the same time "
        "(maximum concurrent flow)?",
    )
    tags = (
        "MILP", "LP", "network_flow", "max flow", "min cut", "throughput", "routing", "multicommodity flow",
        "min-cost flow", "unsplittable flow", "single path", "hop limit", "min-hop", "link capacity", "congestion",
        "utilisation", "concurrent flow", "traffic engineering", "bottleneck",
    )  # fmt: skip
    params_model = FlowParams
    structural_constraints = frozenset({"conservation", "one_way_out", "on_path", "hop_layer"})

    def objective(self, params: FlowParams) -> Measure | None:
        """The variant's measure, with the unit the capacities are in and the words of the cost the links carry."""
        if params.objective == THROUGHPUT:
            return Measure("max", self.objectives[THROUGHPUT].measures, params.unit)
        if params.objective == COST:
            if params.cost_name is None:
                return Measure("min", "the total number of hops of the traffic (hops per unit of traffic)")
            if _DELAY.search(params.cost_name):
                return Measure("min", "the total delay of the traffic (delay per unit on each link)")
            return Measure("min", "the total routing cost of the traffic (cost per unit on each link)")
        return super().objective(params)

    # ---------------------------------------------------------------------------------------------- binding

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        parts = _links.schema_parts(data)
        tables = _links.link_tables(data)
        nodes = _links.nodes_of(tables)
        demand = {
            "type": "object",
            "properties": {
                "source": {"enum": nodes},
                "destination": {"enum": nodes},
                "rate": {
                    "type": "object",
                    "description": "the demand's traffic rate as the text states it; value null when it asks for the most",
                    "properties": {"value": {"type": ["number", "null"]}, "unit": {"type": "string"}},
                    "required": ["value", "unit"],
                },
            },
            "required": ["source", "destination", "rate"],
        }
        properties: dict[str, Any] = {
            "objective": {"enum": list(get_args(Objective)), "description": "what the question asks to optimize"},
            **parts,
            "demands": {
                "type": "array",
                "items": demand,
                "minItems": 0 if len(tables) >= 2 else 1,
                "description": "traffic from a source to a destination (none when a table lists the demands)",
            },
        }
        columns = parts["capacity_column"]["enum"]
        if len(columns) >= 2 or data.says(_COST_WORDS):
            properties["cost_column"] = {
                "enum": [*columns, "none"],
                "description": "the column of the cost (or delay) per unit of traffic on a link; none: count hops",
            }
        if len(tables) >= 2:
            properties["demand_table"] = {
                "enum": [*(t.id for t in tables), "none"],
                "description": "a table with one row per demand (source->destination) and its rate, or none",
            }
            properties["demand_rate_column"] = {"enum": [*columns, "none"], "description": "the demand table's rate column"}
        if data.says(_ROUTING_WORDS):
            properties["routing"] = {"enum": list(get_args(Routing)), "description": "whether a demand may be split"}
        if data.says(_HOPS):
            properties["hop_limit"] = {"type": ["integer", "null"], "description": "most hops a path may have; null if none"}
        changed = _changed_links(data, tables)
        if changed:
            properties["changed_capacities"] = {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "link": {"enum": changed},
                        "capacity": {
                            "type": "object",
                            "properties": {"value": {"type": "number"}, "unit": {"type": "string"}},
                            "required": ["value", "unit"],
                        },
                    },
                    "required": ["link", "capacity"],
                },
                "description": "links whose capacity the text changes from the table's (rain fade, upgrade, failure: 0); "
                "empty if none",
            }
        return binding_object("network_flow_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        objective = variant(binding, "objective", get_args(Objective), COST)
        cost_column = binding.get("cost_column")
        cost_column = None if objective != COST or cost_column in (None, "none") else str(cost_column)
        if cost_column is not None and cost_column == binding.get("capacity_column"):
            raise AssemblyError(f"column {cost_column!r} holds the capacities; the cost needs a column of its own")
        network = _links.read_network(binding, data, spec, cost_column)
        network["links"] = _with_changes(network["links"], binding.get("changed_capacities") or [], network["unit"], spec)
        demands = _read_demands(binding, data, network["unit"], spec, objective)
        hops = binding.get("hop_limit")
        if hops is not None:
            spec.append(SpecItem("hop limit", float(hops), "stated in the text, copied by the model"))
        return {
            **network,
            "demands": demands,
            "objective": objective,
            # the text's words where they say it (dev30-nf-03 on the 1.5B: "each demand follows a single path" for
            # "Each demand can be split over several paths", verified at 50 % for 64.3 %)
            "routing": said_routing(data) or binding.get("routing") or SPLIT,
            "hop_limit": hops,
            "cost_name": cost_column,
        }

    # ---------------------------------------------------------------------------------------------- model

    def build_model(self, params: FlowParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.N = pyo.Set(initialize=params.nodes, ordered=True)
        m.D = pyo.RangeSet(0, len(params.demands) - 1)
        m.A = pyo.Set(initialize=params.arcs(), dimen=3, ordered=True)
        m.L = pyo.Set(initialize=[link.name for link in params.links], ordered=True)
        self._routed(m, params)
        layered = params.hop_limit is not None and params.routing == SPLIT
        if layered:
            self._hop_layers(m, params)
        else:
            m.f = pyo.Var(m.D, m.A, domain=pyo.NonNegativeReals, doc=f"flow of a demand on an arc ({params.unit})")
            m.conservation = pyo.Constraint(
                m.D, m.N, rule=lambda m, d, n: self._balance(m, params, d, n), doc="flow of demand {i} is conserved at its node"
            )
        if params.routing == SINGLE_PATH:
            self._single_path(m, params)
        capacity = params.capacity()
        m.link_flow = pyo.Expression(m.L, rule=lambda m, name: sum(m.f[d, a] for d in m.D for a in m.A if a[0] == name))
        if params.objective == UTILISATION:
            m.utilisation = pyo.Var(domain=pyo.NonNegativeReals, doc="largest link utilisation (fraction of capacity)")
            m.capacity = pyo.Constraint(
                m.L,
                rule=lambda m, name: m.link_flow[name] <= capacity[name] * m.utilisation,
                doc="the traffic on link {i} is within the largest utilisation of its capacity",
            )
            m.objective = pyo.Objective(expr=m.utilisation, sense=pyo.minimize)
            return m
        m.capacity = pyo.Constraint(
            m.L, rule=lambda m, name: m.link_flow[name] <= capacity[name], doc="the traffic on link {i} fits its capacity"
        )
        if params.objective == COST:
            cost = {link.name: link.cost for link in params.links}
            m.objective = pyo.Objective(expr=sum(cost[a[0]] * m.f[d, a] for d in m.D for a in m.A), sense=pyo.minimize)
        elif params.objective == CONCURRENT:
            m.objective = pyo.Objective(expr=m.fraction, sense=pyo.maximize)
        else:
            m.objective = pyo.Objective(expr=sum(m.routed[d] for d in m.D), sense=pyo.maximize)
        return m

    @staticmethod
    def _routed(m: pyo.ConcreteModel, params: FlowParams) -> None:
        """m.routed[d]: the demand's rate (fixed objectives), lambda times it (concurrent), or a variable (throughput)."""
        rates = [d.rate for d in params.demands]
        if params.objective in FIXED_RATES:
            m.routed = pyo.Param(m.D, initialize=dict(enumerate(rates)), doc="rate of the demand")
        elif params.objective == CONCURRENT:
            m.fraction = pyo.Var(domain=pyo.NonNegativeReals, doc="common fraction of every demand that is routed")
            m.routed = pyo.Expression(m.D, rule=lambda m, d: m.fraction * (rates[d] or 0.0))
        else:
            m.routed = pyo.Var(m.D, domain=pyo.NonNegativeReals, doc=f"traffic of the demand that is routed ({params.unit})")
            capped = [d for d in range(len(rates)) if rates[d] is not None]
            if capped:
                m.at_most_demand = pyo.Constraint(
                    capped, rule=lambda m, d: m.routed[d] <= float(rates[d] or 0.0), doc="demand {i} is routed at most in full"
                )

    @staticmethod
    def _balance(m: pyo.ConcreteModel, params: FlowParams, d: int, n: str) -> Any:
        demand = params.demands[d]
        out = sum(m.f[d, a] for a in m.A if a[1] == n)
        into = sum(m.f[d, a] for a in m.A if a[2] == n)
        supply = m.routed[d] if n == demand.source else -m.routed[d] if n == demand.destination else 0.0
        return out - into == supply

    @staticmethod
    def _hop_layers(m: pyo.ConcreteModel, params: FlowParams) -> None:
        """Split traffic within H hops: g[d,a,h] is flow whose h-th arc is a; walks start at the source at hop 1 and end at
        the destination at any hop <= H, so f[d,a] = sum_h g[d,a,h]."""
        assert params.hop_limit is not None
        m.H = pyo.RangeSet(1, params.hop_limit)
        m.g = pyo.Var(
            m.D, m.A, m.H, domain=pyo.NonNegativeReals, doc=f"flow of a demand on an arc as its h-th hop ({params.unit})"
        )
        m.f = pyo.Expression(m.D, m.A, rule=lambda m, d, *a: sum(m.g[d, a, h] for h in m.H))

        last = params.hop_limit

        def layer(m: pyo.ConcreteModel, d: int, n: str, h: int) -> Any:
            into = [a for a in m.A if a[2] == n]
            out = [a for a in m.A if a[1] == n] if h < last else []
            if n == params.demands[d].destination:  # what arrives stays; nothing leaves the destination again
                into = []
            if not into and not out:
                return pyo.Constraint.Skip
            return sum(m.g[d, a, h] for a in into) == sum(m.g[d, a, h + 1] for a in out)

        m.hop_layer = pyo.Constraint(
            m.D, m.N, m.H, rule=layer, doc="flow of demand {i} arriving at a node leaves it by its next hop"
        )
        m.conservation = pyo.Constraint(
            m.D,
            rule=lambda m, d: sum(m.g[d, a, 1] for a in m.A if a[1] == params.demands[d].source) == m.routed[d],
            doc="demand {i} leaves its source",
        )
        m.delivered = pyo.Constraint(
            m.D,
            rule=lambda m, d: sum(m.g[d, a, h] for a in m.A for h in m.H if a[2] == params.demands[d].destination) == m.routed[d],
            doc="demand {i} reaches its destination within the hop limit",
        )
        m.no_late_start = pyo.Constraint(
            m.D,
            rule=lambda m, d: sum(m.g[d, a, 1] for a in m.A if a[1] != params.demands[d].source) == 0,
            doc="demand {i}'s first hop starts at its source",
        )

    @staticmethod
    def _single_path(m: pyo.ConcreteModel, params: FlowParams) -> None:
        m.y = pyo.Var(m.D, m.A, domain=pyo.Binary, doc="arc on the path of a demand")
        m.on_path = pyo.Constraint(
            m.D,
            m.A,
            rule=lambda m, d, *a: m.f[d, a] <= params.flow_bound(d, a[0]) * m.y[d, a],
            doc="demand {i} uses only arcs of its path",
        )
        m.one_way_out = pyo.Constraint(
            m.D,
            m.N,
            rule=lambda m, d, n: sum(m.y[d, a] for a in m.A if a[1] == n) <= 1,
            doc="the path of demand {i} leaves its node by one arc",
        )
        if params.hop_limit is not None:
            limit = params.hop_limit
            m.hop_limit = pyo.Constraint(
                m.D,
                rule=lambda m, d: sum(m.y[d, a] for a in m.A) <= limit,
                doc="the path of demand {i} has at most the hop limit",
            )

    # ---------------------------------------------------------------------------------------------- reading the answer

    def arc_flows(self, params: FlowParams, solution: dict[str, float]) -> list[dict[tuple[str, str, str], float]]:
        """Each demand's flow per arc (name, from, to), summed over hop layers when the model has them."""
        flows: list[dict[tuple[str, str, str], float]] = []
        for d in range(len(params.demands)):
            per_arc: dict[tuple[str, str, str], float] = {}
            for arc in params.arcs():
                key = ",".join(arc)
                if params.hop_limit is not None and params.routing == SPLIT:
                    value = sum(solution.get(f"g[{d},{key},{h}]", 0.0) for h in range(1, params.hop_limit + 1))
                else:
                    value = solution.get(f"f[{d},{key}]", 0.0)
                per_arc[arc] = max(0.0, value)
            flows.append(per_arc)
        return flows

    def paths(self, params: FlowParams, solution: dict[str, float]) -> list[list[str]]:
        """Each demand's path (single-path routing) as its node sequence, following the arcs that carry its flow."""
        routes: list[list[str]] = []
        for d, per_arc in enumerate(self.arc_flows(params, solution)):
            demand = params.demands[d]
            chosen: dict[str, list[str]] = {}
            for name, tail, head in params.arcs():
                if per_arc[name, tail, head] > 1e-7 or solution.get(f"y[{d},{name},{tail},{head}]", 0.0) > 0.5:
                    chosen.setdefault(tail, []).append(head)
            route, seen = [demand.source], {demand.source}
            while route[-1] != demand.destination:
                step = next((h for h in chosen.get(route[-1], []) if h not in seen), None)
                if step is None:
                    break
                route.append(step)
                seen.add(step)
            routes.append(route if route[-1] == demand.destination else [])
        return routes

    def solution_table(self, params: FlowParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        flows = self.arc_flows(params, solution)
        if params.routing == SINGLE_PATH:
            rows: list[dict[str, Any]] = []
            for d, (demand, route) in enumerate(zip(params.demands, self.paths(params, solution), strict=True)):
                routed = sum(flow for (_, tail, _), flow in flows[d].items() if tail == demand.source)
                routed -= sum(flow for (_, _, head), flow in flows[d].items() if head == demand.source)
                rows.append({
                    "demand": demand.name, f"routed ({params.unit})": routed, "path": " -> ".join(route),
                    "hops": max(len(route) - 1, 0),
                })  # fmt: skip
            return rows
        capacity = params.capacity()
        return [
            {
                "demand": demand.name,
                "link": name,
                "from": tail,
                "to": head,
                f"flow ({params.unit})": flow,
                f"capacity ({params.unit})": capacity[name],
            }
            for demand, per_arc in zip(params.demands, flows, strict=True)
            for (name, tail, head), flow in per_arc.items()
            if flow > 1e-9
        ]

    def formulation_summary(self, params: FlowParams) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "nodes": len(params.nodes),
            "links": len(params.links),
            "direction": params.direction,
            "capacity unit": params.unit,
            "demands": [
                f"{d.name}: {d.rate:g} {params.unit}" if d.rate is not None else f"{d.name}: as much as fits"
                for d in params.demands
            ],
            "objective": params.objective,
            "routing": params.routing,
        }
        if params.hop_limit is not None:
            summary["hop limit"] = params.hop_limit
        if params.objective == COST:
            summary["cost per unit of traffic"] = params.cost_name or "one per hop"
        return summary


TEMPLATE = NetworkFlow()


def _read_demands(binding: dict[str, Any], data: TextData, unit: str, spec: list[SpecItem], objective: str) -> list[Demand]:
    """The demands the binding lists, or the rows of a demand table (source->destination, a rate column). Asked for
    the most throughput, a demand's rate of 0 is "as much as fits": no demand asks for nothing (dev30-nf-01 on the 1.5B
    typed 0 for "the maximum throughput from G to H", refused as a number the text never states)."""
    table_id = binding.get("demand_table")
    if table_id not in (None, "none"):
        return _demand_table(data, str(table_id), binding.get("demand_rate_column"), unit, spec)
    demands: list[Demand] = []
    for k, entry in enumerate(binding.get("demands") or []):
        if not isinstance(entry, dict):
            raise AssemblyError("each demand needs a source, a destination and a rate")
        name = f"{entry.get('source')}->{entry.get('destination')}"
        rate_entry = entry.get("rate")
        rate = None
        as_much = objective == THROUGHPUT and isinstance(rate_entry, dict) and rate_entry.get("value") in (0, 0.0, "0")
        if isinstance(rate_entry, dict) and rate_entry.get("value") is not None and not as_much:
            rate = read_quantity({**rate_entry, "unit": rate_entry.get("unit") or unit}, unit, f"demand[{name}]", spec)
        demands.append(
            Demand(
                name=f"d{k + 1} {name}",
                source=str(entry.get("source", "")),
                destination=str(entry.get("destination", "")),
                rate=rate,
            )
        )
    if not demands:
        raise AssemblyError("name at least one demand: its source, its destination and its rate (null for as much as fits)")
    return demands


def _demand_table(data: TextData, table_id: str, rate_column: Any, unit: str, spec: list[SpecItem]) -> list[Demand]:
    source: Table = next((t for t in data.tables if t.id == table_id), None)  # type: ignore[assignment]
    if source is None:
        raise AssemblyError(f"no table {table_id!r} in the problem text")
    if rate_column not in source.columns:
        raise AssemblyError(
            f"the demand table {table_id} has no column {rate_column!r}; its columns are {', '.join(source.columns)}"
        )
    stated = unit_in(str(rate_column), unit) or unit_in(source.caption, unit) or unit
    rates = column(source, str(rate_column), "demand", spec)
    demands = []
    for row, rate in rates.items():
        ends = link_ends(row, row=True)
        if ends is None:
            raise AssemblyError(f"row {row!r} of table {table_id} does not name a source and a destination")
        demands.append(Demand(name=row, source=ends[0], destination=ends[1], rate=rate * convert_factor(stated, unit)))
    return demands
