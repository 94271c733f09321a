"""Minimum total transmit power of interfering links subject to per-link SINR targets (an LP).

SINR_i >= gamma_i is linear in the powers once multiplied out: G_ii p_i >= gamma_i (sum_j!=i G_ij p_j + n_i).
The model keeps that row divided by G_ii (see _interference.py for why). Targets in dB and powers in dBm are
converted by pint in assemble().
"""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo
from pydantic import Field, model_validator

from knowledge_base.template import SpecItem, Template
from knowledge_base.templates._interference import NETWORK_FIELDS, InterferenceNetwork, db, network_schema, read_network
from knowledge_base.templates._stated_quantities import LINEAR, per_element_schema, read_per_element
from tools.question import Measure, measures
from tools.textdata import TextData


class MinPowerSinrParams(InterferenceNetwork):
    sinr_target: dict[str, float] = Field(description="SINR each link must reach, by transmitter", json_schema_extra={"unit": ""})

    @model_validator(mode="after")
    def _targets(self) -> MinPowerSinrParams:
        if set(self.sinr_target) != set(self.transmitters) or any(t < 0 for t in self.sinr_target.values()):
            raise ValueError("each link needs a non-negative SINR target")
        return self


class MinTotalPowerSinr(Template[MinPowerSinrParams]):
    id = "power_min_total_sinr_targets"
    family = "power_control_sinr"
    problem_class = "LP"
    title = "Power control: minimum total transmit power meeting every link's SINR target"
    objectives = measures(
        {
            "": Measure("min", "the total transmit power", "mW"),
        }
    )
    description = (
        "Interfering wireless links (transmitter i sends to receiver i) share the same frequency channel, so every "
        "receiver hears the other transmitters as interference. Given the channel power gains between transmitters and "
        "receivers (linear or in dB), the receiver noise power and a maximum transmit power, choose the transmit powers "
        "with the smallest total (sum of powers) such that every link meets its SINR requirement (target in dB or "
        "linear). Uplink or downlink power control, small cells or D2D pairs reusing one carrier, SINR constraints."
    )
    math = r"""
\textbf{Sets: } K \text{ links } (\text{transmitter } i \to \text{receiver } i)
\\ \textbf{Parameters: } G_{ij}\ \text{gain from transmitter } j \text{ to receiver } i,\ n_i\ \text{noise (mW)},
\ \gamma_i\ \text{SINR target},\ \bar p_i\ \text{power limit (mW)}
\\ \textbf{Variables: } 0 \le p_i \le \bar p_i \ \text{(mW)}
\\ \min\ \textstyle\sum_i p_i
\\ \text{s.t. } G_{ii} p_i \ge \gamma_i \big(\textstyle\sum_{j\ne i} G_{ij} p_j + n_i\big)\ \forall i
\quad(\Leftrightarrow \mathrm{SINR}_i \ge \gamma_i,\ \text{kept divided by } G_{ii})
"""
    examples = (
        "Two D2D pairs reuse one uplink channel. Linear power gains from each transmitter (column) to each receiver "
        "(row):\n\n| gain | T1 | T2 |\n|---|---|---|\n| R1 | 0.5 | 0.1 |\n| R2 | 0.2 | 0.8 |\n\n"
        "The noise power is 0.1 mW at each receiver. Link 1 needs an SINR of at least 3 dB and link 2 at least 6 dB. "
        "Each transmitter can send at most 10 mW. Find the powers with minimum total transmit power.",
        "Small cells reuse a carrier; channel gains are given in dB, noise -100 dBm, SINR targets in dB and a 23 dBm "
        "power limit per cell. Minimize the sum of transmit powers subject to the SINR targets.",
    )
    tags = ("LP", "power_control_sinr", "power control", "SINR", "interference", "minimum power", "Foschini-Miljanic")
    params_model = MinPowerSinrParams

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        network = network_schema(data)
        count = len(data.table(network["gain_table"]["enum"][0]).rows)
        return {
            "title": "min_power_sinr_binding",
            "type": "object",
            "properties": {
                **network,
                "sinr_target": per_element_schema("SINR each link must reach", [LINEAR, "dB"], data, count),
            },
            "required": [*NETWORK_FIELDS, "sinr_target"],
        }

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        network = read_network(binding, data, spec)
        targets = read_per_element(
            binding.get("sinr_target"), network["transmitters"], LINEAR, "SINR target", data, spec, network["receivers"]
        )
        return network | {"sinr_target": targets}

    def build_model(self, params: MinPowerSinrParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        links = range(len(params.transmitters))
        m.L = pyo.Set(initialize=params.transmitters, ordered=True)
        m.p = pyo.Var(m.L, bounds=lambda m, t: (0.0, params.max_power_mw[t]), doc="transmit power (mW)")

        def sinr_rule(m: pyo.ConcreteModel, tx: str) -> Any:
            i = params.transmitters.index(tx)
            gamma = params.sinr_target[tx]
            interference = sum(params.cross_ratio(i, j) * m.p[params.transmitters[j]] for j in links if j != i)
            return m.p[tx] >= gamma * (interference + params.noise_limited_power(i))

        m.sinr = pyo.Constraint(m.L, rule=sinr_rule, doc="link {i} reaches its SINR target")
        m.objective = pyo.Objective(expr=sum(m.p[t] for t in m.L), sense=pyo.minimize)
        return m

    def solution_table(self, params: MinPowerSinrParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        power = {t: solution.get(f"p[{t}]", 0.0) for t in params.transmitters}
        sinr = params.sinr(power)
        return [
            {
                "link": f"{tx} -> {rx}",
                "power (mW)": power[tx],
                "SINR": sinr[tx],
                "SINR (dB)": db(sinr[tx]),
                "target (dB)": db(params.sinr_target[tx]),
            }
            for tx, rx in params.links
        ]

    def formulation_summary(self, params: MinPowerSinrParams) -> dict[str, Any]:
        return {
            "links": [f"{tx} -> {rx}" for tx, rx in params.links],
            "SINR targets (linear)": {t: round(v, 6) for t, v in params.sinr_target.items()},
            "power limits (mW)": params.max_power_mw,
        }


TEMPLATE = MinTotalPowerSinr()
