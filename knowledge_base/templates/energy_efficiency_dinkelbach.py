"""Energy-efficient power allocation: maximise bits per Joule over orthogonal channels, by Dinkelbach's method.

Energy efficiency is a ratio: sum rate over consumed power (circuit power plus transmit power over the amplifier
efficiency). The ratio of a concave rate and an affine power is pseudo-concave, and Dinkelbach's method solves
it exactly through a sequence of concave problems max R(p) - lam P(p) (`parametric_model`), each a convex NLP
for the portfolio (SCIP), with lam updated to the ratio reached (tools.solvers.methods.dinkelbach, registered
as the tool `energy_efficiency_dinkelbach`). A minimum rate per user is the linear lower bound
p_k >= (2^(R_min/B) - 1) / a_k, so the rate floor adds no nonlinear constraint.
"""

from __future__ import annotations

import math
from typing import Any

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import SpecItem, ToolTemplate
from knowledge_base.templates._interference import GAIN_UNITS, POWER_UNITS
from knowledge_base.templates._stated_quantities import LINEAR, quantity_schema, read_quantity, read_series, series_schema
from tools.question import Measure, measures
from tools.solvers.methods import DinkelbachProblem, MethodResult
from tools.textdata import TextData


class EnergyEfficiencyParams(BaseModel):
    users: list[str] = Field(min_length=1)
    gain: dict[str, float] = Field(description="channel power gain of each user's link", json_schema_extra={"unit": ""})
    noise_w: float = Field(gt=0, description="noise power on each user's channel", json_schema_extra={"unit": "W"})
    bandwidth_mhz: float = Field(gt=0, description="bandwidth of each user's channel", json_schema_extra={"unit": "MHz"})
    circuit_power_w: float = Field(ge=0, description="static power drawn whatever is sent", json_schema_extra={"unit": "W"})
    power_budget_w: float = Field(gt=0, description="total transmit power limit", json_schema_extra={"unit": "W"})
    min_rate_mbps: float = Field(default=0.0, ge=0, description="rate every user must get", json_schema_extra={"unit": "Mbit/s"})
    amplifier_efficiency: float = Field(default=1.0, gt=0, le=1, json_schema_extra={"unit": ""})

    @model_validator(mode="after")
    def _consistent(self) -> EnergyEfficiencyParams:
        if set(self.gain) != set(self.users) or any(g <= 0 for g in self.gain.values()):
            raise ValueError("each user needs a positive channel gain")
        if self.circuit_power_w == 0 and self.min_rate_mbps == 0:
            # Bits per Joule then only grow as the power shrinks to zero, where the ratio is undefined: no optimum.
            raise ValueError("with no circuit power and no minimum rate the efficiency has no maximum; give the circuit power")
        if sum(self.min_power_w(u) for u in self.users) > self.power_budget_w:
            raise ValueError("the minimum rates need more transmit power than the budget allows")
        return self

    def snr_per_watt(self, user: str) -> float:
        """a_k = g_k / N (1/W): the SNR one watt gives user k."""
        return self.gain[user] / self.noise_w

    def min_power_w(self, user: str) -> float:
        """The power that gives user k exactly the minimum rate."""
        return (2 ** (self.min_rate_mbps / self.bandwidth_mhz) - 1) / self.snr_per_watt(user)

    def rate(self, user: str, power_w: float) -> float:
        return self.bandwidth_mhz * math.log2(1 + self.snr_per_watt(user) * power_w)

    def consumed(self, power_w: dict[str, float]) -> float:
        return self.circuit_power_w + sum(power_w.values()) / self.amplifier_efficiency

    def efficiency(self, power_w: dict[str, float]) -> float:
        """Mbit/J, from the definition."""
        return sum(self.rate(u, power_w[u]) for u in self.users) / self.consumed(power_w)


class EnergyEfficiencyDinkelbach(ToolTemplate[EnergyEfficiencyParams]):
    id = "energy_efficiency_dinkelbach"
    family = "energy_efficiency"
    problem_class = "NLP"
    tool = "energy_efficiency_dinkelbach"
    method = "Dinkelbach's method: a sequence of concave problems max rate - lam * power (convex NLPs), lam <- rate/power"
    title = "Energy-efficient power allocation: maximize bits per Joule (sum rate over consumed power)"
    objectives = measures(
        {
            "": Measure("max", "the energy efficiency (bits per joule)", None),
        }
    )
    description = (
        "Maximize the energy efficiency (bits per Joule, sum rate divided by total consumed power) of a transmitter "
        "serving users on orthogonal channels (OFDMA subchannels, separate bands). The consumed power is a fixed "
        "circuit power plus the transmit power divided by the power amplifier efficiency. Given the users' channel "
        "gains, noise power, bandwidth, a total transmit power budget and a minimum rate per user, choose the transmit "
        "powers. Green communications, energy-efficiency versus spectral-efficiency trade-off, fractional programming."
    )
    math = r"""
\textbf{Parameters: } a_k = g_k / N\ (1/\text{W}),\ B \text{ (MHz)},\ P_c \text{ circuit power (W)},
\ \eta \text{ amplifier efficiency},\ P_{\max} \text{ budget (W)},\ R_{\min} \text{ (Mbit/s)}
\\ \textbf{Variables: } p_k \ge 0 \ (\text{W})
\\ \max\ \frac{\sum_k B \log_2(1 + a_k p_k)}{P_c + \sum_k p_k / \eta}
\quad \text{s.t. } \textstyle\sum_k p_k \le P_{\max},\quad p_k \ge (2^{R_{\min}/B} - 1)/a_k
\\ \textbf{Method (Dinkelbach): } \lambda_0 = 0;
\ p^{(n)} = \arg\max_p \sum_k B\log_2(1+a_k p_k) - \lambda_n (P_c + \sum_k p_k/\eta);
\ \lambda_{n+1} = \text{EE}(p^{(n)}) \text{ until } F(\lambda_n) = 0
"""
    examples = (
        "A base station serves three users on orthogonal subchannels of 1 MHz each. The noise power on each subchannel "
        "is -110 dBm, the circuit power is 1 W and the total transmit power budget is 2 W. Every user needs at least "
        "1 Mbit/s. Choose the transmit powers that maximize the energy efficiency in bits per Joule.\n"
        "Channel gains: U1 -90 dB, U2 -95 dB, U3 -100 dB",
    )
    tags = ("NLP", "energy_efficiency", "bits per Joule", "green", "Dinkelbach", "fractional programming", "power allocation")
    params_model = EnergyEfficiencyParams

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        return {
            "title": "energy_efficiency_binding",
            "type": "object",
            "properties": {
                "channel_gains": series_schema("each user's channel power gain", GAIN_UNITS, data),
                "noise_power": quantity_schema("noise power on each user's channel", POWER_UNITS),
                "bandwidth": quantity_schema("bandwidth of each user's channel", ["MHz", "kHz", "Hz"]),
                "circuit_power": quantity_schema("static circuit power", POWER_UNITS),
                "power_budget": quantity_schema("total transmit power budget", POWER_UNITS),
                "min_rate": quantity_schema("rate each user needs; value 0 if none", ["Mbit/s", "kbit/s", "bit/s"]),
                "amplifier_efficiency": quantity_schema("power amplifier efficiency; value 1 if none", [LINEAR, "percent"]),
            },
            "required": ["channel_gains", "noise_power", "bandwidth", "circuit_power", "power_budget", "min_rate"],
        }

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        gains = read_series(binding.get("channel_gains"), LINEAR, "channel gain", data, spec)
        assert gains is not None  # not optional
        values: dict[str, Any] = {
            "users": list(gains),
            "gain": gains,
            "noise_w": read_quantity(binding.get("noise_power"), "W", "noise power", spec),
            "bandwidth_mhz": read_quantity(binding.get("bandwidth"), "MHz", "bandwidth", spec),
            "circuit_power_w": read_quantity(binding.get("circuit_power"), "W", "circuit power", spec),
            "power_budget_w": read_quantity(binding.get("power_budget"), "W", "power budget", spec),
            "min_rate_mbps": read_quantity(binding.get("min_rate"), "Mbit/s", "minimum rate", spec, default=0.0),
            "amplifier_efficiency": read_quantity(
                binding.get("amplifier_efficiency"), LINEAR, "amplifier efficiency", spec, default=1.0
            ),
        }
        return values

    def _powers(self, m: pyo.ConcreteModel, params: EnergyEfficiencyParams) -> None:
        m.U = pyo.Set(initialize=params.users, ordered=True)
        m.p = pyo.Var(m.U, bounds=lambda m, u: (params.min_power_w(u), params.power_budget_w), doc="transmit power (W)")
        m.budget = pyo.Constraint(expr=sum(m.p[u] for u in m.U) <= params.power_budget_w, doc="the total power fits the budget")

    def _rate(self, m: pyo.ConcreteModel, params: EnergyEfficiencyParams) -> Any:
        return sum(params.bandwidth_mhz * pyo.log(1 + params.snr_per_watt(u) * m.p[u]) for u in m.U) / math.log(2)

    def _consumed(self, m: pyo.ConcreteModel, params: EnergyEfficiencyParams) -> Any:
        return params.circuit_power_w + sum(m.p[u] for u in m.U) / params.amplifier_efficiency

    def build_model(self, params: EnergyEfficiencyParams) -> pyo.ConcreteModel:
        """The fractional problem written directly (for reading and a direct SCIP solve); the tool uses Dinkelbach."""
        m = pyo.ConcreteModel(name=self.id)
        self._powers(m, params)
        m.objective = pyo.Objective(expr=self._rate(m, params) / self._consumed(m, params), sense=pyo.maximize)
        return m

    def parametric_model(self, params: EnergyEfficiencyParams, lam: float) -> pyo.ConcreteModel:
        """One Dinkelbach step: max rate - lam * consumed power, a concave objective over a box and a budget."""
        m = pyo.ConcreteModel(name=f"{self.id}_lam_{lam:g}")
        self._powers(m, params)
        m.objective = pyo.Objective(expr=self._rate(m, params) - lam * self._consumed(m, params), sense=pyo.maximize)
        return m

    def _power_of(self, params: EnergyEfficiencyParams, solution: dict[str, float]) -> dict[str, float]:
        return {u: max(0.0, solution.get(f"p[{u}]", 0.0)) for u in params.users}

    def tool_input(self, params: EnergyEfficiencyParams) -> DinkelbachProblem:
        """What the registry's Dinkelbach tool solves: the parametric NLPs, the ratio's parts, this template's checks."""

        def parts(solution: dict[str, float]) -> tuple[float, float]:
            power = self._power_of(params, solution)
            return sum(params.rate(u, power[u]) for u in params.users), params.consumed(power)

        return DinkelbachProblem(
            lambda lam: self.parametric_model(params, lam),
            parts,
            "Dinkelbach's method (EE in Mbit/J)",
            problem_class="NLP",
            checks=lambda result: self.checks(params, result),
        )

    def solve_by_dinkelbach(self, params: EnergyEfficiencyParams, time_limit_s: float = 60.0) -> MethodResult:
        return self.tool_input(params).solve(time_limit_s)

    def checks(self, params: EnergyEfficiencyParams, result: MethodResult) -> dict[str, bool]:
        """Recomputed from the powers alone: budget, rate floors, and the reported efficiency."""
        if result.value is None or not result.solution:
            return {}
        power = self._power_of(params, result.solution)
        return {
            "the transmit powers fit the budget": sum(power.values()) <= params.power_budget_w * (1 + 1e-7),
            "every user gets the minimum rate": all(
                params.rate(u, power[u]) >= params.min_rate_mbps * (1 - 1e-6) for u in params.users
            ),
            "the reported efficiency recomputes from the powers": math.isclose(
                params.efficiency(power), result.value, rel_tol=1e-7
            ),
        }

    def solution_table(self, params: EnergyEfficiencyParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        power = self._power_of(params, solution)
        return [
            {"user": u, "power (W)": power[u], "rate (Mbit/s)": params.rate(u, power[u]), "EE (Mbit/J)": params.efficiency(power)}
            for u in params.users
        ]

    def formulation_summary(self, params: EnergyEfficiencyParams) -> dict[str, Any]:
        return {
            "users": params.users,
            "circuit power (W)": params.circuit_power_w,
            "power budget (W)": params.power_budget_w,
            "minimum rate (Mbit/s)": params.min_rate_mbps,
        }


TEMPLATE = EnergyEfficiencyDinkelbach()
