"""Max-min SINR power control: make the weakest link as good as possible, solved by bisection on a common target.

max_p min_i SINR_i is not convex in p, but "can every link reach SINR t within the power limits?" is an LP
feasibility problem for a fixed t, and feasibility only gets harder as t grows. So the optimum is the largest
feasible t, found by bisection (tools.solvers.methods.bisection, registered as the tool
`max_min_sinr_bisection`, which takes `tool_input`); each step solves the LP of `feasibility_model`, which also
minimises the total power at that target. `build_model` is the same problem written directly (a bilinear NLP), for reading.
"""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo

from knowledge_base.template import SpecItem, ToolTemplate
from knowledge_base.templates._interference import NETWORK_FIELDS, InterferenceNetwork, db, network_schema, read_network
from tools.question import Measure, measures
from tools.solvers.methods import BisectionProblem, MethodResult
from tools.textdata import TextData

RELATIVE_TOLERANCE = 1e-7
"""Bisection stops when the bracket on the optimal SINR is this narrow, relative to the SINR."""


class MaxMinSinrParams(InterferenceNetwork):
    pass


class MaxMinSinr(ToolTemplate[MaxMinSinrParams]):
    id = "power_max_min_sinr"
    family = "power_control_sinr"
    problem_class = "NLP"
    tool = "max_min_sinr_bisection"
    method = "bisection on the common SINR target; each step an LP feasibility problem (minimum power at that target)"
    title = "Power control: maximize the minimum SINR (max-min fairness) of interfering links"
    objectives = measures(
        {
            "": Measure("max", "the smallest SINR of the links", ""),
        }
    )
    description = (
        "Interfering links share one channel: transmitter i serves receiver i and the other transmitters interfere. "
        "Given the power gains between transmitters and receivers, receiver noise powers and a maximum transmit power "
        "per transmitter, choose the transmit powers to maximize the minimum SINR over all links, so that the weakest "
        "link is as good as possible (max-min fairness, balanced SINR). Report the optimal minimum SINR."
    )
    math = r"""
\textbf{Parameters: } G_{ij}\ \text{gain from transmitter } j \text{ to receiver } i,\ n_i\ \text{noise (mW)},
\ \bar p_i\ \text{power limit (mW)}
\\ \textbf{Variables: } 0 \le p_i \le \bar p_i,\ t \ge 0
\\ \max\ t \quad \text{s.t. } G_{ii} p_i \ge t \big(\textstyle\sum_{j\ne i} G_{ij} p_j + n_i\big)\ \forall i
\\ \textbf{Method: } \text{for fixed } t \text{ the constraints are linear in } p;\ \text{bisection on } t \in
\big[0,\ \min_i G_{ii}\bar p_i / n_i\big],\ \text{each step } \min \textstyle\sum_i p_i \text{ s.t. the constraints (LP)}
"""
    examples = (
        "Three links share a channel. Linear power gains from each transmitter (column) to each receiver (row):\n\n"
        "| gain | T1 | T2 | T3 |\n|---|---|---|---|\n| R1 | 1.0 | 0.1 | 0.2 |\n| R2 | 0.2 | 0.8 | 0.1 |\n"
        "| R3 | 0.1 | 0.1 | 0.9 |\n\nEvery transmitter can use at most 5 mW. Choose the powers that maximize the minimum "
        "SINR over the three links.\nReceiver noise powers: R1 0.1 mW, R2 0.1 mW, R3 0.2 mW",
    )
    tags = ("NLP", "power_control_sinr", "max-min", "fairness", "SINR balancing", "bisection", "power control")
    params_model = MaxMinSinrParams

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        return {
            "title": "max_min_sinr_binding",
            "type": "object",
            "properties": network_schema(data),
            "required": NETWORK_FIELDS,
        }

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        return read_network(binding, data, spec)

    def _powers(self, m: pyo.ConcreteModel, params: MaxMinSinrParams) -> None:
        m.L = pyo.Set(initialize=params.transmitters, ordered=True)
        m.p = pyo.Var(m.L, bounds=lambda m, t: (0.0, params.max_power_mw[t]), doc="transmit power (mW)")

    def _interference(self, m: pyo.ConcreteModel, params: MaxMinSinrParams, i: int) -> Any:
        """Interference plus noise at receiver i, divided by G_ii (mW)."""
        others = (params.cross_ratio(i, j) * m.p[t] for j, t in enumerate(params.transmitters) if j != i)
        return sum(others) + params.noise_limited_power(i)

    def build_model(self, params: MaxMinSinrParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        self._powers(m, params)
        m.t = pyo.Var(bounds=(0.0, self.sinr_upper_bound(params)), doc="the minimum SINR")
        m.sinr = pyo.Constraint(
            m.L,
            rule=lambda m, tx: m.p[tx] >= m.t * self._interference(m, params, params.transmitters.index(tx)),
            doc="link {i} reaches the common SINR t",
        )
        m.objective = pyo.Objective(expr=m.t, sense=pyo.maximize)
        return m

    def feasibility_model(self, params: MaxMinSinrParams, target: float) -> pyo.ConcreteModel:
        """The LP of one bisection step: the least total power with which every link reaches SINR `target`."""
        m = pyo.ConcreteModel(name=f"{self.id}_at_{target:g}")
        self._powers(m, params)
        m.sinr = pyo.Constraint(
            m.L,
            rule=lambda m, tx: m.p[tx] >= target * self._interference(m, params, params.transmitters.index(tx)),
            doc="link {i} reaches the common SINR target",
        )
        m.objective = pyo.Objective(expr=sum(m.p[t] for t in m.L), sense=pyo.minimize)
        return m

    def sinr_upper_bound(self, params: MaxMinSinrParams) -> float:
        """No link can beat its SINR at full power without interference, so the minimum SINR is at most the least of these."""
        return min(params.max_power_mw[t] / params.noise_limited_power(i) for i, t in enumerate(params.transmitters))

    def tool_input(self, params: MaxMinSinrParams) -> BisectionProblem:
        """What the registry's bisection tool solves: feasibility LPs over [0, the SINR bound], with this template's checks."""
        return BisectionProblem(
            lambda t: self.feasibility_model(params, t),
            0.0,
            self.sinr_upper_bound(params),
            "bisection on the common SINR target",
            problem_class="LP",
            rel_tol=RELATIVE_TOLERANCE,
            checks=lambda result: self.checks(params, result),
        )

    def solve_by_bisection(self, params: MaxMinSinrParams, time_limit_s: float = 60.0) -> MethodResult:
        return self.tool_input(params).solve(time_limit_s)

    def checks(self, params: MaxMinSinrParams, result: MethodResult) -> dict[str, bool]:
        """Recomputed from the powers alone: limits hold and every link reaches the reported minimum SINR."""
        if result.value is None or not result.solution:
            return {}
        power = {t: result.solution.get(f"p[{t}]", 0.0) for t in params.transmitters}
        sinr = params.sinr(power)
        return {
            "powers within their limits": all(-1e-9 <= power[t] <= params.max_power_mw[t] * (1 + 1e-9) for t in power),
            "every link reaches the reported minimum SINR": min(sinr.values()) >= result.value * (1 - 1e-6),
        }

    def solution_table(self, params: MaxMinSinrParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        power = {t: solution.get(f"p[{t}]", 0.0) for t in params.transmitters}
        sinr = params.sinr(power)
        return [
            {"link": f"{tx} -> {rx}", "power (mW)": power[tx], "SINR": sinr[tx], "SINR (dB)": db(sinr[tx])}
            for tx, rx in params.links
        ]

    def formulation_summary(self, params: MaxMinSinrParams) -> dict[str, Any]:
        return {
            "links": [f"{tx} -> {rx}" for tx, rx in params.links],
            "power limits (mW)": params.max_power_mw,
            "bisection bracket": [0.0, self.sinr_upper_bound(params)],
        }


TEMPLATE = MaxMinSinr()
