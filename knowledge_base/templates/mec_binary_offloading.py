"""Binary computation offloading to a mobile-edge-computing (MEC) server: minimise device energy or total latency.

Each task runs either on its device (time c/f_local, energy P_compute * c/f_local) or on the edge server (upload
d/r, then c/f_edge; the device spends P_tx * d/r). Both options' times and energies are numbers known before
solving, so the choice is a binary x_k and the problem is a small MILP: a knapsack on the edge's cycle budget
with deadlines that may force a task to one side.
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
from knowledge_base.templates._stated_quantities import quantity_schema, read_quantity, read_series, series_schema
from tools.question import Measure, measures
from tools.textdata import TextData

OffloadingObjective = Literal["minimize the total energy of the devices", "minimize the total latency"]
POWER_UNITS = ["W", "mW", "dBm"]


class OffloadingParams(OffloadedTasks):
    deadline_ms: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "ms"})
    compute_power_w: float = Field(ge=0, description="device power while computing", json_schema_extra={"unit": "W"})
    transmit_power_w: float = Field(ge=0, json_schema_extra={"unit": "W"})
    edge_capacity_g: float | None = Field(
        default=None, description="cycles the edge can run in the frame", json_schema_extra={"unit": "Gcycle"}
    )
    objective: OffloadingObjective = "minimize the total energy of the devices"

    @model_validator(mode="after")
    def _consistent(self) -> OffloadingParams:
        tasks = set(self.tasks)
        for name, column in self.task_columns():
            if set(column) != tasks:
                raise ValueError(f"the {name} column must name exactly the tasks")
        if any(r <= 0 for r in self.uplink_mbps.values()):
            raise ValueError("uplink rates must be positive")
        if self.deadline_ms is not None and set(self.deadline_ms) != tasks:
            raise ValueError("the deadlines must name exactly the tasks")
        return self

    def local(self, task: str) -> tuple[float, float]:
        """(latency ms, device energy J) when the task runs on its device."""
        seconds = self.cycles_g[task] / self.local_cpu_ghz
        return 1000 * seconds, self.compute_power_w * seconds

    def offloaded(self, task: str) -> tuple[float, float]:
        """(latency ms, device energy J) when the task is uploaded and run on the edge."""
        upload = self.data_mbit[task] / self.uplink_mbps[task]
        return 1000 * (upload + self.cycles_g[task] / self.edge_cpu_ghz), self.transmit_power_w * upload


class MecOffloading(Template[OffloadingParams]):
    id = "mec_binary_offloading"
    family = "mec_offloading"
    problem_class = "MILP"
    title = "MEC computation offloading: which tasks to offload to the edge server (binary decisions)"
    objectives = measures(
        {
            "minimize the total energy of the devices": Measure("min", "the total energy the devices spend", "J"),
            "minimize the total latency": Measure("min", "the total latency of the tasks", "ms"),
        }
    )
    description = (
        "Mobile devices have computation tasks, each with input data size, required CPU cycles and a deadline. A task "
        "is either computed locally on the device CPU or offloaded: its data is uploaded over the wireless uplink and "
        "computed on the mobile edge computing (MEC) server, whose computing capacity is limited. Decide which tasks "
        "to offload (binary offloading decisions) to minimize the devices' total energy consumption or the total "
        "latency, meeting every deadline and the edge server's CPU capacity. Edge computing, task offloading."
    )
    math = r"""
\textbf{Parameters: } d_k \text{ (Mbit)},\ c_k \text{ (Gcycles)},\ r_k \text{ uplink (Mbit/s)},\ T_k \text{ deadline (ms)},
\ f^{\ell},\ f^{e} \text{ (GHz)},\ P^{c},\ P^{tx} \text{ (W)},\ C \text{ edge cycles}
\\ t^{\ell}_k = 1000\,c_k/f^{\ell},\ E^{\ell}_k = P^{c} c_k/f^{\ell};
\quad t^{o}_k = 1000\,(d_k/r_k + c_k/f^{e}),\ E^{o}_k = P^{tx} d_k/r_k
\\ \textbf{Variables: } x_k \in \{0,1\} \ (1 = \text{offload})
\\ \min\ \textstyle\sum_k (1-x_k) E^{\ell}_k + x_k E^{o}_k \quad(\text{or the latencies } t)
\\ \text{s.t. } (1-x_k) t^{\ell}_k + x_k t^{o}_k \le T_k\ \forall k,\qquad \textstyle\sum_k c_k x_k \le C
"""
    examples = (
        "Four mobile devices each have one computation task. The table gives each task's input data, the CPU cycles "
        "it needs, the device's uplink rate to the edge server and the task's deadline.\n\n"
        "| task | data (Mbit) | cycles (Gcycles) | uplink rate (Mbit/s) | deadline (ms) |\n|---|---|---|---|---|\n"
        "| K1 | 2 | 1.0 | 20 | 600 |\n| K2 | 8 | 0.5 | 10 | 1000 |\n| K3 | 1 | 2.0 | 10 | 900 |\n"
        "| K4 | 4 | 1.5 | 40 | 1000 |\n\n"
        "Each device computes at 1 GHz and draws 0.9 W while computing; it transmits at 0.2 W. The edge server runs "
        "each offloaded task at 5 GHz and can process at most 4.8 Gcycles in total. Decide which tasks to offload to "
        "minimize the total energy consumption of the devices while meeting all deadlines.",
    )
    tags = ("MILP", "mec_offloading", "edge computing", "MEC", "offloading", "energy", "latency", "knapsack")
    params_model = OffloadingParams

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        properties = {
            **task_fields(data),
            "deadline": series_schema("each task's deadline, if given", ["ms", "s"], data, optional=True),
            "local_cpu_frequency": LOCAL_CPU,
            "local_computing_power": quantity_schema("device power while computing", POWER_UNITS),
            "transmit_power": quantity_schema("device transmit power", POWER_UNITS),
            "edge_cpu_frequency": EDGE_CPU,
            "edge_capacity": EDGE_CAPACITY,
            "objective": {"enum": list(get_args(OffloadingObjective))},
        }
        return binding_object("mec_offloading_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        values = read_tasks(binding, data, spec)
        values["deadline_ms"] = read_series(binding.get("deadline"), "ms", "deadline", data, spec, optional=True)
        values["local_cpu_ghz"] = read_cpu(binding, "local", spec)
        values["compute_power_w"] = read_quantity(binding.get("local_computing_power"), "W", "computing power", spec)
        values["transmit_power_w"] = read_quantity(binding.get("transmit_power"), "W", "transmit power", spec)
        values["edge_cpu_ghz"] = read_cpu(binding, "edge", spec)
        return values | {"objective": binding.get("objective", "minimize the total energy of the devices")}

    def build_model(self, params: OffloadingParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.K = pyo.Set(initialize=params.tasks, ordered=True)
        m.x = pyo.Var(m.K, domain=pyo.Binary, doc="task offloaded to the edge server")
        pick = 1 if params.objective == "minimize the total energy of the devices" else 0
        cost = {k: (params.local(k)[pick], params.offloaded(k)[pick]) for k in params.tasks}
        m.objective = pyo.Objective(expr=sum(cost[k][0] * (1 - m.x[k]) + cost[k][1] * m.x[k] for k in m.K), sense=pyo.minimize)
        if params.deadline_ms is not None:
            deadline = params.deadline_ms
            m.deadline = pyo.Constraint(
                m.K,
                rule=lambda m, k: params.local(k)[0] * (1 - m.x[k]) + params.offloaded(k)[0] * m.x[k] <= deadline[k],
                doc="task {i} finishes by its deadline",
            )
        if params.edge_capacity_g is not None:
            m.edge_capacity = pyo.Constraint(
                expr=sum(params.cycles_g[k] * m.x[k] for k in m.K) <= params.edge_capacity_g,
                doc="the offloaded tasks fit the edge server's CPU capacity",
            )
        return m

    def solution_table(self, params: OffloadingParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for k in params.tasks:
            offload = solution.get(f"x[{k}]", 0.0) > 0.5
            latency, energy = params.offloaded(k) if offload else params.local(k)
            rows.append({"task": k, "where": "edge" if offload else "device", "latency (ms)": latency, "energy (J)": energy})
        return rows

    def formulation_summary(self, params: OffloadingParams) -> dict[str, Any]:
        return {
            "tasks": params.tasks,
            "objective": params.objective,
            "deadlines": params.deadline_ms is not None,
            "edge capacity (Gcycles)": params.edge_capacity_g,
        }


TEMPLATE = MecOffloading()
