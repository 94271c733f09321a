"""Partial (fractional) computation offloading: split each task between the device and the edge server (an LP).

A bit-wise partitionable task sends a fraction lambda_k of its input to the edge and computes the rest locally, in
parallel; its latency is the slower branch, max((1 - lambda_k) t_local, lambda_k t_edge). Unlike binary
offloading (mec_binary_offloading.py, a MILP) the fractions are continuous and the max is linearised with an
epigraph variable, so the whole problem is an LP: minimise the total or the worst latency under the edge
server's cycle budget.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import Field, model_validator

from knowledge_base.template import SpecItem, Template, binding_object
from knowledge_base.templates._offloading import (
    EDGE_CAPACITY,
    EDGE_CPU,
    LOCAL_CPU,
    OffloadedTasks,
    read_cpu,
    read_tasks,
    task_fields,
)
from tools.question import Measure, measures
from tools.textdata import TextData

PartialObjective = Literal["minimize the total latency", "minimize the worst-case latency"]
TOTAL, WORST = get_args(PartialObjective)


class PartialOffloadingParams(OffloadedTasks):
    edge_capacity_g: float | None = Field(default=None, ge=0, json_schema_extra={"unit": "Gcycle"})
    objective: PartialObjective = TOTAL

    @model_validator(mode="after")
    def _consistent(self) -> PartialOffloadingParams:
        tasks = set(self.tasks)
        for name, column in self.task_columns():
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
        properties = {
            **task_fields(data),
            "local_cpu_frequency": LOCAL_CPU,
            "edge_cpu_frequency": EDGE_CPU,
            "edge_capacity": EDGE_CAPACITY,
            "objective": {"enum": list(get_args(PartialObjective))},
        }
        return binding_object("mec_partial_offloading_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        values = read_tasks(binding, data, spec)
        values["local_cpu_ghz"] = read_cpu(binding, "local", spec)
        values["edge_cpu_ghz"] = read_cpu(binding, "edge", spec)
        return values | {"objective": binding.get("objective", TOTAL)}

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
