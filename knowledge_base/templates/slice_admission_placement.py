"""Slice admission with placement: admit slice requests and host each admitted one on a single edge node / data centre.

Unlike slice_admission (one pool of resources), a slice cannot be split across nodes, so the capacities of
the nodes bind separately: p[s,n] binary (slice s hosted on node n), sum_n p[s,n] <= 1 (or = 1 for a
slice that must be admitted), and per node and resource sum_s q_rs p[s,n] <= Q_rn. A multiple knapsack.
"""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template
from knowledge_base.templates import _tabular as tab
from knowledge_base.templates._slices import SliceRequests, demand_column, read_requests, slice_binding, slice_tables
from tools.question import Measure, measures
from tools.textdata import TextData


class NodeResource(BaseModel):
    name: str
    demand: dict[str, float] = Field(description="demand[slice], in the unit of the slice table's column")
    capacity: dict[str, float] = Field(description="capacity[node], in the unit of the capacity list")


class SlicePlacementParams(SliceRequests):
    nodes: list[str] = Field(min_length=1)
    resources: list[NodeResource] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> SlicePlacementParams:
        slices, nodes = set(self.slices), set(self.nodes)
        for resource in self.resources:
            if set(resource.demand) != slices:
                raise ValueError(f"the demands for {resource.name} do not name exactly the slices")
            if set(resource.capacity) != nodes:
                raise ValueError(f"the capacities for {resource.name} do not name exactly the nodes {', '.join(self.nodes)}")
        return self


class SliceAdmissionPlacement(Template[SlicePlacementParams]):
    id = "slice_admission_placement"
    family = "slice_admission"
    problem_class = "MILP"
    title = "Slice admission and placement: admit slices and host each on one edge node within the nodes' capacities"
    objectives = measures(
        {
            "": Measure("max", "the total revenue of the admitted slices", None),
        }
    )
    description = (
        "Network slice requests (with revenue and CPU / memory / bandwidth demands) must be admitted or rejected, and "
        "each admitted slice is hosted entirely on one edge node, data centre or server (it cannot be split). Every "
        "node has its own capacity per resource, given as a list per node. Decide which slices to admit and where to "
        "place them to maximize the total revenue. Some slices may have to be admitted. Multiple knapsack / virtual "
        "network function (VNF) placement with admission control."
    )
    math = r"""
\textbf{Sets: } S \text{ slice requests},\ N \text{ nodes},\ R \text{ resources},\ F\subseteq S \text{ must be admitted}
\\ \textbf{Parameters: } v_s\ \text{revenue},\ q_{rs}\ \text{demand},\ Q_{rn}\ \text{capacity of node } n
\\ \textbf{Variables: } p_{sn}\in\{0,1\}\ (\text{slice } s \text{ hosted on node } n)
\\ \max\ \textstyle\sum_s v_s \sum_n p_{sn}
\\ \textstyle\sum_n p_{sn}\le 1\ \forall s\ (=1\ \forall s\in F), \qquad \sum_s q_{rs}p_{sn}\le Q_{rn}\ \forall r,n
"""
    examples = (
        "An operator can host network slices on three edge nodes E1, E2, E3. Each slice request pays its revenue if "
        "admitted and must run entirely on one node:\n\n"
        "| slice | revenue | CPU (cores) | memory (GB) |\n|---|---|---|---|\n"
        "| S1 | 9 | 6 | 8 |\n| S2 | 7 | 4 | 12 |\n| S3 | 6 | 5 | 4 |\n| S4 | 5 | 3 | 6 |\n| S5 | 4 | 2 | 10 |\n\n"
        "CPU capacity (cores): E1 8, E2 6, E3 4.\n"
        "Memory capacity (GB): E1 16, E2 12, E3 10.\n"
        "Admit and place the slices to maximize the total revenue.",
        "Decide which VNF chains / slices to accept and on which data centre each runs, within each data centre's CPU "
        "and memory, to maximize revenue.",
    )
    tags = ("MILP", "slice_admission", "network slicing", "placement", "VNF", "edge node", "multiple knapsack")
    params_model = SlicePlacementParams
    structural_constraints = frozenset({"host_once"})

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        needs = (
            "a table with a row per slice (revenue and demands) and, per resource, a list of "
            "the nodes' capacities such as 'CPU capacity (cores): E1 8, E2 6'"
        )
        lists = [n.id for n in data.lists]

        def resource(columns: list[str]) -> dict[str, Any]:
            properties = {
                "demand_column": {"enum": columns, "description": "the column of the slices' demands for this resource"},
                "capacity_list": {"enum": lists, "description": "the list of the nodes' capacities for it"},
            }
            return {"type": "object", "properties": properties, "required": list(properties)}

        return slice_binding("slice_placement_binding", slice_tables(data, needs, lists_needed=True), resource)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        source, values = read_requests(binding, data, spec)
        resources: list[NodeResource] = []
        nodes: list[str] | None = None
        for entry in binding.get("resources") or []:
            column = demand_column(entry, "demand_column", values["value_name"])
            capacities = tab.named_list(data, entry.get("capacity_list"), f"capacity for {column}")
            if nodes is not None and set(capacities.values) != set(nodes):
                raise AssemblyError(f"list {capacities.id} names other nodes than the first capacity list ({', '.join(nodes)})")
            nodes = nodes or list(capacities.values)
            spec.extend(
                SpecItem(f"capacity[{column},{n}]", v, f"list {capacities.id} '{capacities.label}'")
                for n, v in capacities.values.items()
            )
            capacity = dict(capacities.values)
            column_unit, list_unit = tab.stated_unit(column), capacities.unit or tab.stated_unit(capacities.label)
            if column_unit and list_unit and column_unit != list_unit:
                factor = tab.convert_factor(list_unit, column_unit)
                capacity = {n: v * factor for n, v in capacity.items()}
            resources.append(NodeResource(name=column, demand=tab.column(source, column, "slice", spec), capacity=capacity))
        if not resources or nodes is None:
            raise AssemblyError("name at least one resource: the column of demands and the list of node capacities")
        return values | {"nodes": nodes, "resources": resources}

    def build_model(self, params: SlicePlacementParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.S = pyo.Set(initialize=params.slices, ordered=True)
        m.N = pyo.Set(initialize=params.nodes, ordered=True)
        m.R = pyo.RangeSet(0, len(params.resources) - 1)
        m.host = pyo.Var(m.S, m.N, domain=pyo.Binary, doc="slice hosted on node")
        mandatory = set(params.must_admit)

        def host_once(m: pyo.ConcreteModel, s: str) -> Any:
            hosted = sum(m.host[s, n] for n in m.N)
            return hosted == 1 if s in mandatory else hosted <= 1

        m.host_once = pyo.Constraint(
            m.S, rule=host_once, doc="slice {i} is hosted on at most one node (exactly one if it must be admitted)"
        )
        resources = params.resources
        m.capacity = pyo.Constraint(
            m.R,
            m.N,
            rule=lambda m, r, n: sum(resources[r].demand[s] * m.host[s, n] for s in m.S) <= resources[r].capacity[n],
            doc="the slices on node {i} fit its capacity",
        )
        m.objective = pyo.Objective(expr=sum(params.value[s] * m.host[s, n] for s in m.S for n in m.N), sense=pyo.maximize)
        return m

    def placement(self, params: SlicePlacementParams, solution: dict[str, float]) -> dict[str, str]:
        return {s: n for s in params.slices for n in params.nodes if solution.get(f"host[{s},{n}]", 0.0) > 0.5}

    def solution_table(self, params: SlicePlacementParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        placed = self.placement(params, solution)
        return [
            {"slice": s, "admitted": s in placed, "node": placed.get(s, "-"), params.value_name: params.value[s]}
            for s in params.slices
        ]

    def formulation_summary(self, params: SlicePlacementParams) -> dict[str, Any]:
        return {
            "slice requests": len(params.slices),
            "nodes": params.nodes,
            "resources": [r.name for r in params.resources],
            "must admit": params.must_admit,
        }


TEMPLATE = SliceAdmissionPlacement()
