"""Power allocation over parallel channels (OFDM subcarriers): water-filling, or its dual, least power for a rate.

Subcarrier n with gain-to-noise ratio a_n carries B log2(1 + a_n p_n). Maximising the sum rate under a total
power budget, or minimising the total power that reaches a rate target, are both convex problems whose
optimum is water-filling, p_n = max(0, mu - 1/a_n); the template states them as convex NLPs for the
portfolio (SCIP), and the test checks the water level independently. Powers are in mW: a solver's absolute
feasibility tolerance (1e-6) on a budget of a few mW in watts would be a visible error.
"""

from __future__ import annotations

import math
from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template
from knowledge_base.templates._radio import GAIN_UNITS, POWER_UNITS
from knowledge_base.templates._stated_quantities import LINEAR, quantity_schema, read_quantity, read_series, series_schema
from tools.question import Measure, measures
from tools.textdata import TextData

WaterfillingObjective = Literal[
    "maximize the sum rate under a total power budget", "minimize the total power that reaches a rate target"
]
MAX_RATE, MIN_POWER = get_args(WaterfillingObjective)
RATE_UNITS = ["Mbit/s", "kbit/s", "Gbit/s", "bit/s"]


class WaterfillingParams(BaseModel):
    channels: list[str] = Field(min_length=1, description="subcarriers or parallel channels")
    gain: dict[str, float] = Field(json_schema_extra={"unit": ""})
    noise_mw: float = Field(gt=0, description="noise power on each channel", json_schema_extra={"unit": "mW"})
    bandwidth_mhz: float = Field(default=1.0, gt=0, description="each channel's bandwidth", json_schema_extra={"unit": "MHz"})
    power_budget_mw: float | None = Field(default=None, gt=0, json_schema_extra={"unit": "mW"})
    rate_target_mbps: float | None = Field(default=None, gt=0, json_schema_extra={"unit": "Mbit/s"})
    objective: WaterfillingObjective = MAX_RATE

    @model_validator(mode="after")
    def _consistent(self) -> WaterfillingParams:
        if set(self.gain) != set(self.channels) or any(g <= 0 for g in self.gain.values()):
            raise ValueError("each channel needs a positive gain")
        if self.objective == MAX_RATE and self.power_budget_mw is None:
            raise ValueError("maximizing the sum rate needs the total power budget")
        if self.objective == MIN_POWER and self.rate_target_mbps is None:
            raise ValueError("minimizing the power needs the rate target")
        return self

    def snr_per_milliwatt(self, channel: str) -> float:
        return self.gain[channel] / self.noise_mw

    def rate(self, channel: str, power_mw: float) -> float:
        """Mbit/s (bit/s/Hz when the bandwidth is 1)."""
        return self.bandwidth_mhz * math.log2(1 + self.snr_per_milliwatt(channel) * max(0.0, power_mw))


class Waterfilling(Template[WaterfillingParams]):
    id = "power_waterfilling_subcarriers"
    family = "power_control_sinr"
    problem_class = "NLP"
    title = "Power allocation over subcarriers / parallel channels (water-filling; least power for a rate target)"
    objectives = measures(
        {
            "maximize the sum rate under a total power budget": Measure("max", "the sum rate over the subcarriers", "Mbit/s"),
            "minimize the total power that reaches a rate target": Measure("min", "the total transmit power", "mW"),
        }
    )
    description = (
        "Allocate transmit power across OFDM subcarriers or parallel channels (no interference between them) with "
        "different channel gains. Maximize the total rate (sum of B log2(1 + gain * power / noise)) under a total "
        "power budget, or minimize the total transmit power needed to reach a required total rate. The answer is "
        "water-filling: strong subcarriers get more power, weak ones may get none. OFDMA, multicarrier, MIMO eigenmodes."
    )
    math = r"""
\textbf{Parameters: } a_n = g_n / N\ (1/\text{mW}),\ B \text{ per-channel bandwidth (MHz)},\ P \text{ budget (mW)},
\ R \text{ target (Mbit/s)}
\\ \textbf{Variables: } p_n \ge 0 \ (\text{mW})
\\ \max \textstyle\sum_n B\log_2(1 + a_n p_n) \ \text{ s.t. } \sum_n p_n \le P
\quad\text{or}\quad \min \textstyle\sum_n p_n \ \text{ s.t. } \sum_n B\log_2(1 + a_n p_n) \ge R
\\ \text{Optimum (KKT): } p_n = \big(\mu - 1/a_n\big)^+ \text{ with the water level } \mu \text{ set by } P \text{ or } R
"""
    examples = (
        "An OFDM transmitter has four subcarriers of 1 MHz each and a total transmit power of 1 W. The noise power on "
        "each subcarrier is -100 dBm. Allocate the power across the subcarriers to maximize the total data rate.\n"
        "Subcarrier gains: N1 -90 dB, N2 -95 dB, N3 -100 dB, N4 -105 dB",
        "Find the minimum total transmit power over parallel channels with given gains that achieves a total rate of 20 Mbit/s.",
    )
    tags = ("NLP", "power_control_sinr", "water-filling", "OFDM", "subcarrier", "power allocation", "convex")
    params_model = WaterfillingParams

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        if not data.tables and not data.lists:
            raise AssemblyError("this template needs the channels' gains in a list or a table column")
        nullable = {"type": ["number", "null"]}
        return {
            "title": "waterfilling_binding",
            "type": "object",
            "properties": {
                "channel_gains": series_schema("each subcarrier's channel gain", GAIN_UNITS, data),
                "noise_power": quantity_schema("noise power on each subcarrier", POWER_UNITS),
                "bandwidth": {
                    "type": "object",
                    "description": "each subcarrier's bandwidth; value null if not stated (rates in bit/s/Hz)",
                    "properties": {"value": nullable, "unit": {"enum": ["MHz", "kHz", "Hz"]}},
                    "required": ["value", "unit"],
                },
                "power_budget": {
                    "type": "object",
                    "description": "total power budget; value null if none",
                    "properties": {"value": nullable, "unit": {"enum": POWER_UNITS}},
                    "required": ["value", "unit"],
                },
                "rate_target": {
                    "type": "object",
                    "description": "total rate to reach; value null if none",
                    "properties": {"value": nullable, "unit": {"enum": RATE_UNITS}},
                    "required": ["value", "unit"],
                },
                "objective": {"enum": list(get_args(WaterfillingObjective))},
            },
            "required": ["channel_gains", "noise_power", "bandwidth", "power_budget", "rate_target", "objective"],
        }

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        gains = read_series(binding.get("channel_gains"), LINEAR, "channel gain", data, spec)
        assert gains is not None  # not optional

        def optional(key: str, target: str, name: str) -> float | None:
            entry = binding.get(key)
            return (
                read_quantity(entry, target, name, spec) if isinstance(entry, dict) and entry.get("value") is not None else None
            )

        values: dict[str, Any] = {
            "channels": list(gains),
            "gain": gains,
            "noise_mw": read_quantity(binding.get("noise_power"), "mW", "noise power", spec),
            "bandwidth_mhz": optional("bandwidth", "MHz", "bandwidth") or 1.0,
            "power_budget_mw": optional("power_budget", "mW", "power budget"),
            "rate_target_mbps": optional("rate_target", "Mbit/s", "rate target"),
            "objective": binding.get("objective", MAX_RATE),
        }
        return values

    def build_model(self, params: WaterfillingParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.N = pyo.Set(initialize=params.channels, ordered=True)
        m.p = pyo.Var(m.N, bounds=(0, params.power_budget_mw), doc="transmit power on the channel (mW)")
        rate = {
            n: params.bandwidth_mhz * pyo.log(1 + params.snr_per_milliwatt(n) * m.p[n]) / math.log(2) for n in params.channels
        }
        if params.objective == MAX_RATE:
            m.budget = pyo.Constraint(expr=sum(m.p[n] for n in m.N) <= params.power_budget_mw, doc="the powers fit the budget")
            m.objective = pyo.Objective(expr=sum(rate.values()), sense=pyo.maximize)
        else:
            m.target = pyo.Constraint(
                expr=sum(rate.values()) >= params.rate_target_mbps, doc="the channels carry the target rate"
            )
            if params.power_budget_mw is not None:
                m.budget = pyo.Constraint(
                    expr=sum(m.p[n] for n in m.N) <= params.power_budget_mw, doc="the powers fit the budget"
                )
            m.objective = pyo.Objective(expr=sum(m.p[n] for n in m.N), sense=pyo.minimize)
        return m

    def solution_table(self, params: WaterfillingParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for n in params.channels:
            power = max(0.0, solution.get(f"p[{n}]", 0.0))
            rows.append(
                {
                    "channel": n,
                    "power (mW)": power,
                    "rate (Mbit/s)": params.rate(n, power),
                    "1/a (mW)": 1 / params.snr_per_milliwatt(n),
                }
            )
        return rows

    def formulation_summary(self, params: WaterfillingParams) -> dict[str, Any]:
        return {
            "channels": params.channels,
            "objective": params.objective,
            "power budget (mW)": params.power_budget_mw,
            "rate target (Mbit/s)": params.rate_target_mbps,
        }


TEMPLATE = Waterfilling()
