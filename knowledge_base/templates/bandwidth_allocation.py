"""Split a band among users: minimise the worst or the total delay, or maximise fairness (sum log-rate, min rate).

User k gets bandwidth b_k and transmits at s_k b_k (s_k its spectral efficiency); sending D_k takes
D_k / (s_k b_k). The delay objectives are convex in b (1/b is convex for b > 0), proportional fairness is
concave, and the max-min rate is an LP: each variant is one solver call (SCIP for the nonlinear ones).
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template
from knowledge_base.templates._stated_quantities import LINEAR, quantity_schema, read_quantity, read_series, series_schema
from tools.question import Measure, measures
from tools.textdata import TextData

BandwidthObjective = Literal[
    "minimize the worst-case delay",
    "minimize the total delay",
    "maximize proportional fairness (sum of log rates)",
    "maximize the minimum rate",
]
DELAY_OBJECTIVES = ("minimize the worst-case delay", "minimize the total delay")
DATA_UNITS = ["Mbit", "kbit", "Gbit", "bit", "MB", "kB", "GB"]
SMALLEST_SHARE = 1e-6
"""No user's bandwidth drops below this fraction of the band: 1/b stays finite for the solver."""


class BandwidthParams(BaseModel):
    users: list[str] = Field(min_length=1)
    spectral_efficiency: dict[str, float] = Field(json_schema_extra={"unit": "bit/s/Hz"})
    data_mbit: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "Mbit"})
    weight: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": ""})
    total_bandwidth_mhz: float = Field(gt=0, json_schema_extra={"unit": "MHz"})
    objective: BandwidthObjective = "minimize the worst-case delay"

    @model_validator(mode="after")
    def _consistent(self) -> BandwidthParams:
        users = set(self.users)
        if set(self.spectral_efficiency) != users or any(s <= 0 for s in self.spectral_efficiency.values()):
            raise ValueError("each user needs a positive spectral efficiency")
        if self.objective in DELAY_OBJECTIVES and self.data_mbit is None:
            raise ValueError(f"to {self.objective} the data each user sends must be given")
        if self.data_mbit is not None and (set(self.data_mbit) != users or any(d <= 0 for d in self.data_mbit.values())):
            raise ValueError("the data sizes must name exactly the users, each positive")
        if self.weight is not None and (set(self.weight) != users or any(w < 0 for w in self.weight.values())):
            raise ValueError("the weights must name exactly the users, each non-negative")
        return self

    def delay_ms(self, user: str, bandwidth_mhz: float) -> float:
        """Mbit / (bit/s/Hz * MHz) is seconds; the text speaks in ms."""
        assert self.data_mbit is not None
        return 1000 * self.data_mbit[user] / (self.spectral_efficiency[user] * bandwidth_mhz)


class BandwidthAllocation(Template[BandwidthParams]):
    id = "bandwidth_allocation"
    family = "bandwidth_allocation"
    problem_class = "NLP"
    method = "one solver call: SCIP for the delay and fairness objectives (convex), an LP for the max-min rate"
    title = "Bandwidth allocation: split a band among users (min worst or total delay, fairness)"
    objectives = measures(
        {
            "minimize the worst-case delay": Measure("min", "the largest delay of a user", "ms"),
            "minimize the total delay": Measure("min", "the total delay of the users", "ms"),
            "maximize proportional fairness (sum of log rates)": Measure(
                "max", "the weighted sum of the logarithms of the users' rates", None
            ),
            "maximize the minimum rate": Measure("max", "the smallest user rate", None),
        }
    )
    description = (
        "Divide a total bandwidth (a band of so many MHz) among users. Each user has a spectral efficiency "
        "(bit/s/Hz, from its channel quality) and some data to send or download; its rate is bandwidth times spectral "
        "efficiency and its delay is data divided by rate. Choose each user's bandwidth share to minimize the "
        "worst-case (maximum) delay, minimize the total delay, maximize proportional fairness (sum of log rates) or "
        "maximize the minimum rate. Spectrum sharing, FDMA, bandwidth slicing."
    )
    math = r"""
\textbf{Parameters: } B \text{ total bandwidth (MHz)},\ s_k \text{ spectral efficiency (bit/s/Hz)},
\ D_k \text{ data (Mbit)},\ w_k \text{ weights}
\\ \textbf{Variables: } b_k > 0 \ (\text{MHz}),\quad \textstyle\sum_k b_k \le B,\quad r_k = s_k b_k \ (\text{Mbit/s}),
\quad d_k = 1000 D_k / r_k \ (\text{ms})
\\ \min \max_k d_k \quad\text{or}\quad \min \textstyle\sum_k d_k \quad\text{or}\quad \max \sum_k w_k \ln r_k
\quad\text{or}\quad \max \min_k r_k
"""
    examples = (
        "A 20 MHz band is shared by three users, each downloading a file. The table gives each user's file size and "
        "spectral efficiency.\n\n| user | data (Mbit) | spectral efficiency (bit/s/Hz) |\n|---|---|---|\n"
        "| U1 | 10 | 2 |\n| U2 | 20 | 4 |\n| U3 | 5 | 1 |\n\n"
        "Split the bandwidth among the users to minimize the worst-case download delay.",
        "Allocate a 10 MHz channel among three users to maximize proportional fairness (the sum of the logarithms of "
        "the users' rates).\nSpectral efficiency (bit/s/Hz): U1 1.5, U2 3, U3 4.5",
    )
    tags = ("NLP", "bandwidth_allocation", "bandwidth", "delay", "fairness", "FDMA", "spectrum sharing")
    params_model = BandwidthParams

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        if not data.tables and not data.lists:
            raise AssemblyError("this template needs the users' spectral efficiencies (and data sizes) in a table or list")
        return {
            "title": "bandwidth_binding",
            "type": "object",
            "properties": {
                "spectral_efficiency": series_schema("each user's spectral efficiency", ["bit/s/Hz"], data),
                "data_size": series_schema("data each user sends; none for the fairness objectives", DATA_UNITS, data, True),
                "weights": series_schema("priority weights, if the text gives any", [LINEAR], data, True),
                "total_bandwidth": quantity_schema("the band to share", ["MHz", "kHz", "GHz", "Hz"]),
                "objective": {"enum": list(get_args(BandwidthObjective))},
            },
            "required": ["spectral_efficiency", "data_size", "weights", "total_bandwidth", "objective"],
        }

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        efficiency = read_series(binding.get("spectral_efficiency"), "bit/s/Hz", "spectral efficiency", data, spec)
        assert efficiency is not None  # not optional
        values: dict[str, Any] = {
            "users": list(efficiency),
            "spectral_efficiency": efficiency,
            "data_mbit": read_series(binding.get("data_size"), "Mbit", "data size", data, spec, optional=True),
            "weight": read_series(binding.get("weights"), LINEAR, "weight", data, spec, optional=True),
            "total_bandwidth_mhz": read_quantity(binding.get("total_bandwidth"), "MHz", "total bandwidth", spec),
            "objective": binding.get("objective", "minimize the worst-case delay"),
        }
        return values

    def build_model(self, params: BandwidthParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        band = params.total_bandwidth_mhz
        m.U = pyo.Set(initialize=params.users, ordered=True)
        m.b = pyo.Var(m.U, bounds=(SMALLEST_SHARE * band, band), doc="bandwidth of the user (MHz)")
        m.band = pyo.Constraint(expr=sum(m.b[u] for u in m.U) <= band, doc="the shares fit in the band")
        s = params.spectral_efficiency
        if params.objective in DELAY_OBJECTIVES:
            data = params.data_mbit
            assert data is not None  # the params validator demands it
            m.delay = pyo.Expression(m.U, rule=lambda m, u: 1000 * data[u] / (s[u] * m.b[u]), doc="delay of the user (ms)")
            if params.objective == "minimize the worst-case delay":
                m.worst = pyo.Var(bounds=(0, None), doc="the largest delay (ms)")
                m.worst_bound = pyo.Constraint(
                    m.U, rule=lambda m, u: m.delay[u] <= m.worst, doc="user {i}'s delay is at most the worst"
                )
                m.objective = pyo.Objective(expr=m.worst, sense=pyo.minimize)
            else:
                m.objective = pyo.Objective(expr=sum(m.delay[u] for u in m.U), sense=pyo.minimize)
        elif params.objective == "maximize the minimum rate":
            m.least = pyo.Var(bounds=(0, None), doc="the smallest rate (Mbit/s)")
            m.least_bound = pyo.Constraint(
                m.U, rule=lambda m, u: s[u] * m.b[u] >= m.least, doc="user {i}'s rate is at least the least"
            )
            m.objective = pyo.Objective(expr=m.least, sense=pyo.maximize)
        else:
            weight = params.weight or dict.fromkeys(params.users, 1.0)
            m.objective = pyo.Objective(expr=sum(weight[u] * pyo.log(s[u] * m.b[u]) for u in m.U), sense=pyo.maximize)
        return m

    def solution_table(self, params: BandwidthParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for u in params.users:
            b = solution.get(f"b[{u}]", 0.0)
            row: dict[str, Any] = {"user": u, "bandwidth (MHz)": b, "rate (Mbit/s)": params.spectral_efficiency[u] * b}
            if params.data_mbit is not None and b > 0:
                row["delay (ms)"] = params.delay_ms(u, b)
            rows.append(row)
        return rows

    def formulation_summary(self, params: BandwidthParams) -> dict[str, Any]:
        return {
            "users": params.users,
            "total bandwidth (MHz)": params.total_bandwidth_mhz,
            "objective": params.objective,
            "data sizes given": params.data_mbit is not None,
        }


TEMPLATE = BandwidthAllocation()
