"""Weighted sum-rate power control of interfering links: a nonconvex NLP solved to global optimality by SCIP.

sum_i w_i log2(1 + SINR_i(p)) is not concave in p (each link's interference term makes it a difference of
concave functions), so a local NLP solver may stop at a poor point. SCIP's spatial branch-and-bound proves
global optimality; that is affordable for a handful of links, which is what a stated problem has. The SINR
is an auxiliary variable s_i with s_i * (interference + noise) <= G_ii p_i (a bilinear constraint, tight at
the optimum because the objective increases in s_i).
"""

from __future__ import annotations

import math
from typing import Any

import pyomo.environ as pyo
from pydantic import Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template
from knowledge_base.templates._interference import NETWORK_FIELDS, InterferenceNetwork, db, network_schema, read_network
from knowledge_base.templates._stated_quantities import LINEAR, per_element_schema, read_per_element, read_quantity
from tools.question import Measure, measures
from tools.textdata import TextData

SPECTRAL = "bit/s/Hz"
RATE_UNITS = ["Mbit/s", "kbit/s", "Gbit/s", SPECTRAL]


class SumRateParams(InterferenceNetwork):
    weight: dict[str, float] = Field(description="priority weight of each link's rate", json_schema_extra={"unit": ""})
    bandwidth_mhz: float = Field(default=1.0, gt=0, description="1 gives the rate in bit/s/Hz", json_schema_extra={"unit": "MHz"})
    min_spectral_efficiency: dict[str, float] | None = Field(
        default=None, description="rate each link must keep (QoS), per Hz", json_schema_extra={"unit": "bit/s/Hz"}
    )

    @model_validator(mode="after")
    def _weights(self) -> SumRateParams:
        if set(self.weight) != set(self.transmitters) or any(w < 0 for w in self.weight.values()):
            raise ValueError("each link needs a non-negative weight")
        if self.min_spectral_efficiency is not None and set(self.min_spectral_efficiency) != set(self.transmitters):
            raise ValueError("the minimum rates must name exactly the links")
        return self

    def min_sinr(self, transmitter: str) -> float:
        """The SINR a link's minimum rate needs: 2^(R/B) - 1 (0 without a floor)."""
        if self.min_spectral_efficiency is None:
            return 0.0
        return float(2 ** self.min_spectral_efficiency[transmitter] - 1)

    def rates(self, power_mw: dict[str, float]) -> dict[str, float]:
        """Each link's rate (Mbit/s, or bit/s/Hz when no bandwidth is given), from the definition."""
        return {t: self.bandwidth_mhz * math.log2(1 + s) for t, s in self.sinr(power_mw).items()}


class SumRatePowerControl(Template[SumRateParams]):
    id = "power_weighted_sum_rate"
    family = "power_control_sinr"
    problem_class = "NLP"
    method = "global nonconvex NLP by SCIP (spatial branch-and-bound)"
    title = "Power control: maximize the (weighted) sum rate of interfering links"
    objectives = measures(
        {
            "": Measure("max", "the weighted sum rate of the links", None),
        }
    )
    description = (
        "Interfering links reuse one channel (transmitter i serves receiver i; the others interfere). Given the channel "
        "power gains, noise power and maximum transmit powers, choose the transmit powers that maximize the sum rate "
        "(sum of log2(1 + SINR), Shannon capacity) or a weighted sum rate with priority weights per link. Interference "
        "management, binary power control, spectrum sharing of D2D or small-cell links, total throughput."
    )
    math = r"""
\textbf{Parameters: } G_{ij},\ n_i\ (\text{mW}),\ \bar p_i\ (\text{mW}),\ w_i \text{ weights},
\ B \text{ bandwidth (MHz; 1 for bit/s/Hz)}
\\ \textbf{Variables: } 0 \le p_i \le \bar p_i,\ s_i \ge 0 \ (\text{SINR})
\\ \max\ \textstyle\sum_i w_i B \log_2(1 + s_i)
\\ \text{s.t. } s_i \big(\textstyle\sum_{j\ne i} G_{ij} p_j + n_i\big) \le G_{ii} p_i\ \forall i \quad(\text{bilinear, nonconvex})
\\ \phantom{\text{s.t. }} s_i \ge 2^{R^{\min}_i / B} - 1 \quad(\text{optional minimum rate per link})
"""
    examples = (
        "Two links share one channel. Linear power gains from each transmitter (column) to each receiver (row):\n\n"
        "| gain | T1 | T2 |\n|---|---|---|\n| R1 | 1.0 | 0.6 |\n| R2 | 0.5 | 0.8 |\n\n"
        "The noise power is 0.1 mW at both receivers and each transmitter can send at most 1 mW. Choose the transmit "
        "powers that maximize the sum rate in bit/s/Hz.",
    )
    tags = ("NLP", "power_control_sinr", "sum rate", "weighted sum rate", "throughput", "nonconvex", "interference")
    params_model = SumRateParams

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        network = network_schema(data)
        count = len(data.table(network["gain_table"]["enum"][0]).rows)
        return {
            "title": "sum_rate_binding",
            "type": "object",
            "properties": {
                **network,
                "weights": per_element_schema(
                    "priority weight of each link; [1] when the text gives none", [LINEAR], data, count
                ),
                "bandwidth": {
                    "type": "object",
                    "description": "the channel bandwidth if the text states one (rates in Mbit/s); value null otherwise",
                    "properties": {"value": {"type": ["number", "null"]}, "unit": {"enum": ["MHz", "kHz", "Hz", "GHz"]}},
                    "required": ["value", "unit"],
                },
                "min_rate": per_element_schema(
                    "rate each link must keep (QoS); list none and no values when the text sets none", RATE_UNITS, data, count
                ),
            },
            "required": [*NETWORK_FIELDS, "weights", "min_rate"],
        }

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        network = read_network(binding, data, spec)
        weights_entry = binding.get("weights") or {"list": "none", "values": [1.0], "unit": LINEAR}
        weights = read_per_element(
            weights_entry, network["transmitters"], LINEAR, "weight", data, spec, network["receivers"], default=1.0
        )
        bandwidth = read_quantity(binding.get("bandwidth"), "MHz", "bandwidth", spec, default=1.0)
        floor = self._min_spectral_efficiency(binding, network, bandwidth, data, spec)
        return network | {"weight": weights, "bandwidth_mhz": bandwidth, "min_spectral_efficiency": floor}

    @staticmethod
    def _min_spectral_efficiency(
        binding: dict[str, Any], network: dict[str, Any], bandwidth_mhz: float, data: TextData, spec: list[SpecItem]
    ) -> dict[str, float] | None:
        """Minimum rates as bit/s/Hz: a rate in Mbit/s needs the bandwidth the text states."""
        entry = binding.get("min_rate")
        if not isinstance(entry, dict) or ((entry.get("list") or "none") == "none" and not entry.get("values")):
            return None
        unit = str(entry.get("unit") or SPECTRAL)
        if unit != SPECTRAL and not isinstance(binding.get("bandwidth"), dict):
            raise AssemblyError("minimum rates in bit/s need the channel bandwidth; give it, or the rates in bit/s/Hz")
        target = SPECTRAL if unit == SPECTRAL else "Mbit/s"
        rates = read_per_element(entry, network["transmitters"], target, "minimum rate", data, spec, network["receivers"])
        return {t: r if unit == SPECTRAL else r / bandwidth_mhz for t, r in rates.items()}

    def build_model(self, params: SumRateParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        tx = params.transmitters
        m.L = pyo.Set(initialize=tx, ordered=True)
        m.p = pyo.Var(m.L, bounds=lambda m, t: (0.0, params.max_power_mw[t]), doc="transmit power (mW)")
        # An upper bound on each SINR (full power, no interference) keeps SCIP's branching domain finite.
        top = {t: params.max_power_mw[t] / params.noise_limited_power(i) for i, t in enumerate(tx)}
        # A QoS floor on the rate is a floor on the SINR: s_i >= 2^(R_i/B) - 1 (s_i never exceeds the true SINR).
        m.s = pyo.Var(m.L, bounds=lambda m, t: (params.min_sinr(t), max(top[t], params.min_sinr(t))), doc="SINR of the link")

        def sinr_rule(m: pyo.ConcreteModel, t: str) -> Any:
            i = tx.index(t)
            others = sum(params.cross_ratio(i, j) * m.p[u] for j, u in enumerate(tx) if j != i)
            return m.s[t] * (others + params.noise_limited_power(i)) <= m.p[t]

        m.sinr = pyo.Constraint(m.L, rule=sinr_rule, doc="the SINR of link {i} is what its powers give")
        rate = sum(params.weight[t] * params.bandwidth_mhz * pyo.log(1 + m.s[t]) for t in m.L) / math.log(2)
        m.objective = pyo.Objective(expr=rate, sense=pyo.maximize)
        return m

    def solution_table(self, params: SumRateParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        power = {t: solution.get(f"p[{t}]", 0.0) for t in params.transmitters}
        sinr, rate = params.sinr(power), params.rates(power)
        unit = "bit/s/Hz" if params.bandwidth_mhz == 1.0 else "Mbit/s"
        return [
            {"link": f"{tx} -> {rx}", "power (mW)": power[tx], "SINR (dB)": db(sinr[tx]), f"rate ({unit})": rate[tx]}
            for tx, rx in params.links
        ]

    def formulation_summary(self, params: SumRateParams) -> dict[str, Any]:
        return {
            "links": [f"{tx} -> {rx}" for tx, rx in params.links],
            "weights": params.weight,
            "bandwidth (MHz)": params.bandwidth_mhz,
            "power limits (mW)": params.max_power_mw,
            "minimum SINR from the rate floors": {t: params.min_sinr(t) for t in params.transmitters},
        }


TEMPLATE = SumRatePowerControl()
