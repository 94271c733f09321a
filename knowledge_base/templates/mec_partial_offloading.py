"""Partial (fractional) computation offloading: split each task between the device and the edge server (an LP).

A bit-wise partitionable task sends a fraction lambda_k of its input to the edge and computes the rest locally, in
parallel; its latency is the slower branch, max((1 - lambda_k) t_local, lambda_k t_edge). Unlike binary
offloading (mec_offloading.py, a MILP) the fractions are continuous and the max is linearised with an
epigraph variable, so the whole problem is an LP: minimise the total or the worst latency under the edge
server's cycle budget.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template
from knowledge_base.templates._stated_quantities import quantity_schema, read_quantity, read_series, series_schema
from tools.question import Measure, measures
from tools.textdata import TextData

PartialObjective = Literal["minimize the total latency", "minimize the worst-case latency"]
TOTAL, WORST = get_args(PartialObjective)
CYCLE_UNITS = ["Gcycle", "Mcycle", "kcycle", "cycle"]
FREQUENCY_UNITS = ["GHz", "MHz"]


class PartialOffloadingParams(BaseModel):
    tasks: list[str] = Field(min_length=1)
    data_mbit: dict[str, float] = Field(json_schema_extra={"unit": "Mbit"})
    cycles_g: dict[str, float] = Field(json_schema_extra={"unit": "Gcycle"})
    uplink_mbps: dict[str, float] = Field(json_schema_extra={"unit": "Mbit/s"})
    local_cpu_ghz: float = Field(gt=0, json_schema_extra={"unit": "GHz"})
    edge_cpu_ghz: float = Field(gt=0, description="edge CPU speed given to one task", json_schema_extra={"unit": "GHz"})
    edge_capacity_g: float | None = Field(default=None, ge=0, json_schema_extra={"unit": "Gcycle"})
    objective: PartialObjective = TOTAL

    @model_validator(mode="after")
    def _consistent(self) -> PartialOffloadingParams:
        tasks = set(self.tasks)
        for name, column in (("data", self.data_mbit), ("cycles", self.cycles_g), ("uplink rate", self.uplink_mbps)):
            if set(column) != tasks or any(v <= 0 for v in column.values()):
                raise ValueError(f"the {name} column must give a positive number for exactly the tasks")
        return self

    def local_ms(self, task: str) -> float:
        """Latency (ms) of the whole task on its device."""
        return 1000 * self.cycles_g[task] / self.local_cpu_ghz

    def edge_ms(self, task: str) -> float:
        """Latency (ms) of the whole task uploaded and computed on the edge."""
        return 1000 * (self.data_mbit[task] / self.uplink_mbps[task] + self.cycles_g[task] / self.edge_cpu_ghz)

    def latency_ms(self, task: str, fraction: float) -> float:
        return max((1 - fraction) * self.local_ms(task), fraction * self.edge_ms(task))


class MecPartialOffloading(Template[PartialOffloadingParams]):
    id = "mec_partial_offloading"
    family = "mec_offloading"
    problem_class = "LP"
    title = "MEC partial offloading: split each task between the device and the edge server (minimum latency)"
    objectives = measures(
        {
            "minimize the total latency": Measure("min", "the total latency of the tasks", "ms"),
            "minimize the worst-case latency": Measure("min", "the largest latency of a task", "ms"),
        }
    )
    description = (
        "Computation tasks can be partitioned: a fraction of each task's input bits is offloaded over the uplink and "
        "computed on the mobile edge computing (MEC) server while the rest is computed locally on the device, in "
        "parallel, so the task finishes when the slower part does. Choose the offloaded fraction of every task to "
        "minimize the total latency or the worst-case latency, within the edge server's computing capacity. Partial "
        "offloading, fractional task splitting, data partitioning."
    )
    math = r"""
\textbf{Parameters: } t^{\ell}_k = 1000\,c_k/f^{\ell},\ t^{e}_k = 1000\,(d_k/r_k + c_k/f^{e}) \ (\text{ms}),
\ C \text{ edge cycles}
\\ \textbf{Variables: } 0 \le \lambda_k \le 1 \ (\text{offloaded fraction}),\ T_k \ge 0
\\ \min \textstyle\sum_k T_k \quad(\text{or } \min T \text{ with } T_k \le T)
\\ \text{s.t. } T_k \ge (1-\lambda_k)\, t^{\ell}_k,\quad T_k \ge \lambda_k\, t^{e}_k,\quad \textstyle\sum_k \lambda_k c_k \le C
"""
    examples = (
        "Three devices each have a task that can be split: any fraction of its input bits can be offloaded to the edge "
        "server and processed there while the rest runs locally in parallel.\n\n"
        "| task | data (Mbit) | cycles (Gcycles) | uplink rate (Mbit/s) |\n|---|---|---|---|\n"
        "| J1 | 4 | 2.0 | 20 |\n| J2 | 10 | 1.0 | 25 |\n| J3 | 2 | 3.0 | 10 |\n\n"
        "Each device computes at 1 GHz; the edge server gives each task 4 GHz and can process at most 3 Gcycles in "
        "total. Choose the offloaded fractions to minimize the sum of the task latencies.",
    )
    tags = ("LP", "mec_offloading", "partial offloading", "edge computing", "MEC", "latency", "task splitting")
    params_model = PartialOffloadingParams

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        if not data.tables and not data.lists:
            raise AssemblyError("this template needs a table (or lists) of the tasks' data sizes, CPU cycles and uplink rates")
        return {
            "title": "mec_partial_offloading_binding",
            "type": "object",
            "properties": {
                "data_size": series_schema("each task's input data", ["Mbit", "kbit", "bit", "MB", "kB"], data),
                "cpu_cycles": series_schema("each task's required CPU cycles", CYCLE_UNITS, data),
                "uplink_rate": series_schema("each device's uplink rate", ["Mbit/s", "kbit/s", "bit/s"], data),
                "local_cpu_frequency": quantity_schema("device CPU frequency", FREQUENCY_UNITS),
                "edge_cpu_frequency": quantity_schema("edge CPU frequency for one task", FREQUENCY_UNITS),
                "edge_capacity": {
                    "type": "object",
                    "description": "total cycles the edge server can process; value null if unlimited",
                    "properties": {"value": {"type": ["number", "null"]}, "unit": {"enum": CYCLE_UNITS}},
                    "required": ["value", "unit"],
                },
                "objective": {"enum": list(get_args(PartialObjective))},
            },
            "required": [
                "data_size",
                "cpu_cycles",
                "uplink_rate",
                "local_cpu_frequency",
                "edge_cpu_frequency",
                "edge_capacity",
                "objective",
            ],
        }

    def assemble(self, binding: dict[str, Any], data: TextData) -> tuple[PartialOffloadingParams, list[SpecItem]]:
        spec: list[SpecItem] = []
        cycles = read_series(binding.get("cpu_cycles"), "Gcycle", "CPU cycles", data, spec)
        assert cycles is not None  # not optional
        capacity_entry = binding.get("edge_capacity")
        capacity = None
        if isinstance(capacity_entry, dict) and capacity_entry.get("value") is not None:
            capacity = read_quantity(capacity_entry, "Gcycle", "edge capacity", spec)
        values: dict[str, Any] = {
            "tasks": list(cycles),
            "cycles_g": cycles,
            "data_mbit": read_series(binding.get("data_size"), "Mbit", "data size", data, spec),
            "uplink_mbps": read_series(binding.get("uplink_rate"), "Mbit/s", "uplink rate", data, spec),
            "local_cpu_ghz": read_quantity(binding.get("local_cpu_frequency"), "GHz", "device CPU frequency", spec),
            "edge_cpu_ghz": read_quantity(binding.get("edge_cpu_frequency"), "GHz", "edge CPU frequency", spec),
            "edge_capacity_g": capacity,
            "objective": binding.get("objective", TOTAL),
        }
        try:
            return PartialOffloadingParams(**values), spec
        except ValueError as exc:
            raise AssemblyError(str(exc)) from exc

    def build_model(self, params: PartialOffloadingParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.K = pyo.Set(initialize=params.tasks, ordered=True)
        m.share = pyo.Var(m.K, bounds=(0, 1), doc="fraction of the task offloaded to the edge")
        m.latency = pyo.Var(m.K, bounds=(0, None), doc="latency of the task (ms)")
        m.local_part = pyo.Constraint(
            m.K, rule=lambda m, k: m.latency[k] >= (1 - m.share[k]) * params.local_ms(k), doc="task {i} waits for its local part"
        )
        m.edge_part = pyo.Constraint(
            m.K, rule=lambda m, k: m.latency[k] >= m.share[k] * params.edge_ms(k), doc="task {i} waits for its offloaded part"
        )
        if params.edge_capacity_g is not None:
            m.edge_capacity = pyo.Constraint(
                expr=sum(params.cycles_g[k] * m.share[k] for k in m.K) <= params.edge_capacity_g,
                doc="the offloaded cycles fit the edge server's capacity",
            )
        if params.objective == WORST:
            m.worst = pyo.Var(bounds=(0, None), doc="the largest latency (ms)")
            m.worst_bound = pyo.Constraint(
                m.K, rule=lambda m, k: m.latency[k] <= m.worst, doc="task {i}'s latency is at most the worst"
            )
            m.objective = pyo.Objective(expr=m.worst, sense=pyo.minimize)
        else:
            m.objective = pyo.Objective(expr=sum(m.latency[k] for k in m.K), sense=pyo.minimize)
        return m

    def solution_table(self, params: PartialOffloadingParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for k in params.tasks:
            share = min(1.0, max(0.0, solution.get(f"share[{k}]", 0.0)))
            rows.append({"task": k, "offloaded fraction": share, "latency (ms)": params.latency_ms(k, share)})
        return rows

    def formulation_summary(self, params: PartialOffloadingParams) -> dict[str, Any]:
        return {
            "tasks": params.tasks,
            "local latency of each whole task (ms)": {k: params.local_ms(k) for k in params.tasks},
            "edge latency of each whole task (ms)": {k: params.edge_ms(k) for k in params.tasks},
            "edge capacity (Gcycles)": params.edge_capacity_g,
            "objective": params.objective,
        }


TEMPLATE = MecPartialOffloading()
