"""Network-slice admission: choose which slice requests to admit for the largest revenue within resource capacities.

A multi-dimensional 0-1 knapsack: a[s] binary per slice request, one capacity constraint per resource
(bandwidth, CPU, memory, ...), and slices the text says must be admitted fixed to one.
"""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template
from knowledge_base.templates import _tabular as tab
from knowledge_base.templates._slices import SliceRequests, demand_column, read_requests, slice_binding, slice_tables
from knowledge_base.templates._stated_quantities import read_quantity
from tools.question import Measure, measures
from tools.textdata import TextData


class Resource(BaseModel):
    name: str
    capacity: float = Field(ge=0, description="in the unit of the resource's column")
    demand: dict[str, float] = Field(description="demand[slice]")


class SliceAdmissionParams(SliceRequests):
    resources: list[Resource] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> SliceAdmissionParams:
        for resource in self.resources:
            if set(resource.demand) != set(self.slices):
                raise ValueError(f"the demands for {resource.name} do not name exactly the slices")
        return self


class SliceAdmission(Template[SliceAdmissionParams]):
    id = "slice_admission"
    family = "slice_admission"
    problem_class = "MILP"
    title = "Network slice admission control: admit the slice requests with the largest revenue within capacities"
    objectives = measures(
        {
            "": Measure("max", "the total revenue of the admitted slices", None),
        }
    )
    description = (
        "An operator (infrastructure provider) receives network slice requests (eMBB, URLLC, mMTC tenants); each "
        "slice brings a revenue (or priority, utility) and needs resources: bandwidth / resource blocks, CPU cores, "
        "memory, transport capacity. A table gives each slice's revenue and demands; the capacities of the resources "
        "are limited. Decide which slices to admit (accept or reject) to maximize the total revenue. Some slices may "
        "have to be admitted. A multi-dimensional 0-1 knapsack problem."
    )
    math = r"""
\textbf{Sets: } S \text{ slice requests},\ R \text{ resources},\ F\subseteq S \text{ slices that must be admitted}
\\ \textbf{Parameters: } v_s\ \text{revenue},\ q_{rs}\ \text{demand of slice } s \text{ for resource } r,\ Q_r\ \text{capacity}
\\ \textbf{Variables: } a_s\in\{0,1\}\ (\text{admitted})
\\ \max\ \textstyle\sum_s v_s a_s
\\ \textstyle\sum_s q_{rs} a_s \le Q_r\ \forall r, \qquad a_s = 1\ \forall s\in F
"""
    examples = (
        "An infrastructure provider receives five network slice requests. Each admitted slice pays its revenue and "
        "uses bandwidth and edge CPU:\n\n"
        "| slice | revenue (k$) | bandwidth (MHz) | CPU (cores) |\n|---|---|---|---|\n"
        "| eMBB-1 | 10 | 40 | 4 |\n| eMBB-2 | 8 | 30 | 3 |\n| URLLC-1 | 7 | 10 | 6 |\n| mMTC-1 | 4 | 20 | 1 |\n"
        "| URLLC-2 | 6 | 15 | 5 |\n\n"
        "The cell has 80 MHz of bandwidth and the edge server has 12 CPU cores. Which slices should be admitted to "
        "maximize the total revenue?",
        "Admit network slices so that the revenue is maximal without exceeding the resource blocks, transport "
        "capacity and computing capacity; the URLLC slice of the hospital must be accepted.",
    )
    tags = ("MILP", "slice_admission", "network slicing", "admission control", "knapsack", "revenue", "5G")
    params_model = SliceAdmissionParams
    structural_constraints = frozenset()

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        tables = slice_tables(data, "a table with a row per slice, a column of revenue and columns of demands")
        return slice_binding("slice_admission_binding", tables, self._resource)

    @staticmethod
    def _resource(columns: list[str]) -> dict[str, Any]:
        properties = {
            "column": {"enum": columns, "description": "the column of the slices' demands for this resource"},
            "capacity": tab.quantity_field("the capacity of this resource as the text states it", "MHz, cores, Gbit/s"),
        }
        return {"type": "object", "properties": properties, "required": list(properties)}

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        source, values = read_requests(binding, data, spec)
        resources = []
        for entry in binding.get("resources") or []:
            column = demand_column(entry, "column", values["value_name"])
            unit = tab.stated_unit(column) or str((entry.get("capacity") or {}).get("unit") or "")
            capacity = read_quantity(entry.get("capacity"), unit, f"capacity[{column}]", spec)
            resources.append(Resource(name=column, capacity=capacity, demand=tab.column(source, column, "slice", spec)))
        if not resources:
            raise AssemblyError("name at least one resource: the column of demands and its capacity")
        return values | {"resources": resources}

    def build_model(self, params: SliceAdmissionParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.S = pyo.Set(initialize=params.slices, ordered=True)
        m.R = pyo.RangeSet(0, len(params.resources) - 1)
        m.admit = pyo.Var(m.S, domain=pyo.Binary, doc="slice request admitted")
        resources = params.resources
        m.capacity = pyo.Constraint(
            m.R,
            rule=lambda m, r: sum(resources[r].demand[s] * m.admit[s] for s in m.S) <= resources[r].capacity,
            doc="the admitted slices fit resource {i}",
        )
        if params.must_admit:
            m.F = pyo.Set(initialize=params.must_admit, ordered=True)
            m.mandatory = pyo.Constraint(m.F, rule=lambda m, s: m.admit[s] == 1, doc="slice {i} must be admitted")
        m.objective = pyo.Objective(expr=sum(params.value[s] * m.admit[s] for s in m.S), sense=pyo.maximize)
        return m

    def solution_table(self, params: SliceAdmissionParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for s in params.slices:
            row: dict[str, Any] = {
                "slice": s,
                "admitted": solution.get(f"admit[{s}]", 0.0) > 0.5,
                params.value_name: params.value[s],
            }
            row.update({r.name: r.demand[s] for r in params.resources})
            rows.append(row)
        return rows

    def formulation_summary(self, params: SliceAdmissionParams) -> dict[str, Any]:
        return {
            "slice requests": len(params.slices),
            "resources": {r.name: r.capacity for r in params.resources},
            "must admit": params.must_admit,
        }


TEMPLATE = SliceAdmission()
