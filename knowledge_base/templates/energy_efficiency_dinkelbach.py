"""Energy-efficient power allocation over orthogonal channels: the most bits per Joule, or the least energy per bit.

Energy efficiency is a ratio: sum rate over consumed power (circuit power plus transmit power over the amplifier
efficiency). The ratio of a concave rate and an affine power is pseudo-concave, and Dinkelbach's method solves
it exactly through a sequence of concave problems max R(p) - lam P(p) (`parametric_model`), each a convex NLP
for the portfolio (SCIP), with lam updated to the ratio reached (tools.solvers.methods.dinkelbach, registered
as the tool `energy_efficiency_dinkelbach`). The energy per bit is the inverse ratio, least at the same powers.

Variants, by fields of the binding: the objective (bits per Joule, or Joules per bit); a minimum rate for every
user or one per user (the linear bound p_k >= (2^(R_k/B) - 1) / a_k, no nonlinear constraint); a circuit power;
the amplifier efficiency; a total transmit power budget and/or a power limit per user; the noise as a power or
as a density over the bandwidth with a noise figure; gains linear, in dB or as path losses. Each optional field
is offered only when the text speaks of it (_cues.py).
"""

from __future__ import annotations

import math
from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, ToolTemplate, binding_object
from knowledge_base.templates import _cues as cue
from knowledge_base.templates._radio import (
    POWER_UNITS,
    RATE_UNITS,
    ShannonRates,
    bandwidth_schema,
    gain_units,
    linear_gain,
    noise_fields,
    noise_from_density,
    read_gains,
    read_min_rates,
    with_stated_noise,
)
from knowledge_base.templates._stated_quantities import (
    LINEAR,
    given,
    gives_values,
    per_element_schema,
    quantity_schema,
    read_per_element,
    read_quantity,
    series_choices,
    series_schema,
)
from tools.question import Measure, measures
from tools.solvers.methods import DinkelbachProblem, MethodResult
from tools.textdata import TextData

Objective = Literal["maximize the energy efficiency (bits per Joule)", "minimize the energy per bit"]
MAX_EE, MIN_ENERGY_PER_BIT = get_args(Objective)


LINK = "link"
"""The one user of a text that describes a single link."""


class EnergyEfficiencyParams(ShannonRates):
    users: list[str] = Field(min_length=1)
    gain: dict[str, float] = Field(description="channel power gain of each user's link", json_schema_extra={"unit": ""})
    noise_w: float = Field(gt=0, description="noise power on each user's channel", json_schema_extra={"unit": "W"})
    circuit_power_w: float = Field(
        default=0.0, ge=0, description="static power drawn whatever is sent", json_schema_extra={"unit": "W"}
    )
    power_budget_w: float | None = Field(
        default=None, gt=0, description="total transmit power limit", json_schema_extra={"unit": "W"}
    )
    max_power_w: dict[str, float] | None = Field(
        default=None, description="power limit per user", json_schema_extra={"unit": "W"}
    )
    min_rate: dict[str, float] | None = Field(
        default=None, description="rate each user must get, in the rate unit", json_schema_extra={"unit": "Mbit/s"}
    )
    amplifier_efficiency: float = Field(default=1.0, gt=0, le=1, json_schema_extra={"unit": ""})
    objective: Objective = MAX_EE

    @model_validator(mode="after")
    def _consistent(self) -> EnergyEfficiencyParams:
        users = set(self.users)
        if set(self.gain) != users or any(g <= 0 for g in self.gain.values()):
            raise ValueError("each user needs a positive channel gain")
        for name, per_user in (("minimum rates", self.min_rate), ("power limits", self.max_power_w)):
            if per_user is not None and (set(per_user) != users or any(v < 0 for v in per_user.values())):
                raise ValueError(f"the {name} must name exactly the users, each non-negative")
        if self.power_budget_w is None and self.max_power_w is None:
            raise ValueError("the transmit powers need a limit: a max power per user or a total power budget")
        if self.circuit_power_w == 0 and not any((self.min_rate or {}).values()):
            # Bits per Joule then only grow as the power shrinks to zero, where the ratio is undefined: no optimum.
            raise ValueError("with no circuit power and no minimum rate the efficiency has no maximum; give the circuit power")
        short = [u for u in self.users if self.min_power_w(u) > self.cap(u) * (1 + 1e-12)]
        if short or sum(self.min_power_w(u) for u in self.users) > (self.power_budget_w or math.inf):
            raise ValueError("the minimum rates need more transmit power than the budget (or a user's limit) allows")
        return self

    def cap(self, user: str) -> float:
        limits = [v for v in ((self.max_power_w or {}).get(user), self.power_budget_w) if v is not None]
        return min(limits)

    def snr_per_watt(self, user: str) -> float:
        """a_k = g_k / N (1/W): the SNR one watt gives user k."""
        return self.gain[user] / self.noise_w

    def min_power_w(self, user: str) -> float:
        """The power that gives user k exactly its minimum rate."""
        rate = (self.min_rate or {}).get(user, 0.0)
        return float((2 ** (rate / self.rate_bandwidth) - 1) / self.snr_per_watt(user))

    def rate(self, user: str, power_w: float) -> float:
        return self.rate_bandwidth * math.log2(1 + self.snr_per_watt(user) * power_w)

    def consumed(self, power_w: dict[str, float]) -> float:
        return self.circuit_power_w + sum(power_w.values()) / self.amplifier_efficiency

    def efficiency(self, power_w: dict[str, float]) -> float:
        """Bits per Joule in the rate unit per watt (Mbit/J with a bandwidth), from the definition."""
        return sum(self.rate(u, power_w[u]) for u in self.users) / self.consumed(power_w)


class EnergyEfficiencyDinkelbach(ToolTemplate[EnergyEfficiencyParams]):
    id = "energy_efficiency_dinkelbach"
    family = "energy_efficiency"
    problem_class = "NLP"
    tool = "energy_efficiency_dinkelbach"
    method = "Dinkelbach's method: a sequence of concave problems max rate - lam * power (convex NLPs), lam <- rate/power"
    title = "Energy-efficient power allocation: maximize bits per Joule or minimize the energy per bit"
    objectives = measures(
        {
            MAX_EE: Measure("max", "the energy efficiency (bits per Joule)", "Mbit/J"),
            MIN_ENERGY_PER_BIT: Measure("min", "the energy per bit", "J/Mbit"),
        }
    )
    description = (
        "Maximize the energy efficiency (bits per Joule, sum rate divided by total consumed power), or minimize the "
        "energy consumed per bit (Joules per bit, its inverse), of a transmitter serving users on orthogonal channels "
        "(OFDMA subchannels, separate bands). The consumed power is a fixed circuit power plus the transmit power "
        "divided by the power amplifier efficiency. Given the users' channel gains or path losses, the noise power or "
        "noise density, the bandwidth, a total transmit power budget or per-user power limits and a minimum rate per "
        "user, choose the transmit powers. Green communications, energy-efficiency versus spectral-efficiency "
        "trade-off, fractional programming."
    )
    math = r"""
\textbf{Parameters: } a_k = g_k / N\ (1/\text{W};\ N \text{ or } N_0 B\,\mathrm{NF}),\ B \text{ (MHz)},
\ P_c \text{ circuit power (W)},\ \eta \text{ amplifier efficiency},\ P_{\max} \text{ budget},\ \bar p_k \text{ limits (W)},
\ R_k \text{ minimum rates}
\\ \textbf{Variables: } (2^{R_k/B} - 1)/a_k \le p_k \le \bar p_k,\quad \textstyle\sum_k p_k \le P_{\max}
\\ \max\ \mathrm{EE}(p) = \frac{\sum_k B \log_2(1 + a_k p_k)}{P_c + \sum_k p_k / \eta}
\quad\text{or}\quad \min\ 1/\mathrm{EE}(p) \ \text{(energy per bit; the same powers)}
\\ \textbf{Method (Dinkelbach): } \lambda_0 = 0;
\ p^{(n)} = \arg\max_p \sum_k B\log_2(1+a_k p_k) - \lambda_n (P_c + \sum_k p_k/\eta);
\ \lambda_{n+1} = \text{EE}(p^{(n)}) \text{ until } F(\lambda_n) = 0
"""
    examples = (
        "A base station serves three users on orthogonal subchannels of 1 MHz each. The noise power on each subchannel "
        "is -110 dBm, the circuit power is 1 W and the total transmit power budget is 2 W. Every user needs at least "
        "1 Mbit/s. Choose the transmit powers that maximize the energy efficiency in bits per Joule.\n"
        "Channel gains: U1 -90 dB, U2 -95 dB, U3 -100 dB",
        "An access point sends to four users over separate 5 MHz channels; the noise density is -174 dBm/Hz with a 7 dB "
        "noise figure, the power amplifier efficiency is 35 %, the static circuit power is 0.5 W and each user's "
        "transmit power is at most 1 W. What is the minimum energy per bit in nJ/bit?",
    )
    tags = (
        "NLP", "energy_efficiency", "bits per Joule", "energy per bit", "green", "Dinkelbach", "fractional programming",
        "power allocation", "circuit power", "amplifier efficiency",
    )  # fmt: skip
    params_model = EnergyEfficiencyParams

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        """Users' gains from a list or a table column; a text with neither describes one link, whose gain (or path
        loss) the binding gives as a number ("The path loss to the base station is 112 dB")."""
        density = noise_fields(data)
        noise_what = "noise power on each user's channel" + (
            "; value null when the text gives a noise density" if density else ""
        )
        if series_choices(data):
            count = max([len(n.values) for n in data.lists] + [len(t.rows) for t in data.tables])
            gains = {"channel_gains": series_schema("each user's channel power gain (or path loss)", gain_units(data), data)}
        elif cue.says(data, cue.PATH_LOSS) or cue.says(data, cue.GAIN_WORD):
            count = 1
            gains = {"channel_gain": quantity_schema("the link's channel power gain (or path loss)", gain_units(data))}
        else:
            raise AssemblyError("this template needs each user's channel gain (or one link's) in the text")
        properties: dict[str, Any] = {
            **gains,
            "noise_power": quantity_schema(noise_what, POWER_UNITS, optional=True),
            **density,
        }
        if cue.says(data, cue.HERTZ_NUMBER):
            properties["bandwidth"] = bandwidth_schema("bandwidth of each user's channel")
        if cue.says(data, cue.CIRCUIT_POWER):
            properties["circuit_power"] = quantity_schema("static circuit power; value 0 when none", POWER_UNITS)
        if cue.sentence_says(data, cue.POWER_NUMBER, cue.AT_MOST, cue.TOTAL):
            properties["power_budget"] = quantity_schema(
                "total transmit power budget; value null if none", POWER_UNITS, optional=True
            )
        if cue.sentence_says(data, cue.POWER_NUMBER, cue.AT_MOST, without=cue.TOTAL) or cue.sentence_says(
            data, cue.POWER_NUMBER, cue.AT_MOST, cue.EACH
        ):
            properties["max_power_per_user"] = per_element_schema(
                "transmit power limit of each user; list none and no values when the text sets none",
                POWER_UNITS, data, count, not_of=cue.NOISE,
            )  # fmt: skip
        if cue.sentence_says(data, cue.RATE_NUMBER, cue.AT_LEAST):
            properties["min_rate"] = per_element_schema(
                "rate each user needs; list none and no values when the text sets none", RATE_UNITS, data, count
            )
        if cue.says(data, cue.AMPLIFIER):
            properties["amplifier_efficiency"] = quantity_schema(
                "power amplifier efficiency; value 1 if none", [LINEAR, "percent"]
            )
        properties["objective"] = {"enum": list(get_args(Objective)), "description": "what the question asks to optimize"}
        return binding_object("energy_efficiency_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        one = binding.get("channel_gain")
        if given(one):
            value, unit = float(one["value"]), str(one.get("unit") or LINEAR)
            spec.append(SpecItem(f"channel gain ({unit})", value, "stated in the text, copied by the model"))
            gains = {LINK: linear_gain(value, unit, "channel gain")}
        else:
            gains = read_gains(binding.get("channel_gains"), data, spec)
        users = list(gains)
        bandwidth = read_quantity(binding["bandwidth"], "MHz", "bandwidth", spec) if given(binding.get("bandwidth")) else None
        noise = with_stated_noise(binding, data)
        if given(noise.get("noise_power")):
            noise_w = read_quantity(noise["noise_power"], "W", "noise power", spec)
        elif given(noise.get("noise_density")):
            noise_w = noise_from_density(noise, bandwidth, spec) / 1000
        else:
            raise AssemblyError("the noise: give the noise power on each channel, or the noise density")
        values: dict[str, Any] = {
            "users": users,
            "gain": gains,
            "noise_w": noise_w,
            "bandwidth_mhz": bandwidth,
            "circuit_power_w": read_quantity(binding.get("circuit_power"), "W", "circuit power", spec, default=0.0),
            "amplifier_efficiency": read_quantity(
                binding.get("amplifier_efficiency"), LINEAR, "amplifier efficiency", spec, default=1.0
            ),
            "objective": binding.get("objective", MAX_EE),
        }
        if given(binding.get("power_budget")):
            values["power_budget_w"] = read_quantity(binding["power_budget"], "W", "power budget", spec)
        limits = binding.get("max_power_per_user")
        if gives_values(limits):
            values["max_power_w"] = read_per_element(limits, users, "W", "maximum transmit power", data, spec)
        values["min_rate"] = read_min_rates(binding.get("min_rate"), users, bandwidth, data, spec)
        return values

    def objective(self, params: EnergyEfficiencyParams) -> Measure | None:
        measure = self.objectives[params.objective]
        if params.bandwidth_mhz:
            return measure
        unit = "bit/s/Hz/W" if params.objective == MAX_EE else "W/(bit/s/Hz)"
        return Measure(measure.sense, measure.measures, unit)

    # ---------------------------------------------------------------------------------------------- models

    def _powers(self, m: pyo.ConcreteModel, params: EnergyEfficiencyParams) -> None:
        m.U = pyo.Set(initialize=params.users, ordered=True)
        m.p = pyo.Var(m.U, bounds=lambda m, u: (params.min_power_w(u), params.cap(u)), doc="transmit power (W)")
        if params.power_budget_w is not None:
            m.budget = pyo.Constraint(
                expr=sum(m.p[u] for u in m.U) <= params.power_budget_w, doc="the total power fits the budget"
            )

    def _rate(self, m: pyo.ConcreteModel, params: EnergyEfficiencyParams) -> Any:
        return sum(params.rate_bandwidth * pyo.log(1 + params.snr_per_watt(u) * m.p[u]) for u in m.U) / math.log(2)

    def _consumed(self, m: pyo.ConcreteModel, params: EnergyEfficiencyParams) -> Any:
        return params.circuit_power_w + sum(m.p[u] for u in m.U) / params.amplifier_efficiency

    def build_model(self, params: EnergyEfficiencyParams) -> pyo.ConcreteModel:
        """The fractional problem written directly (for reading and a direct SCIP solve); the tool uses Dinkelbach."""
        m = pyo.ConcreteModel(name=self.id)
        self._powers(m, params)
        rate, consumed = self._rate(m, params), self._consumed(m, params)
        if params.objective == MAX_EE:
            m.objective = pyo.Objective(expr=rate / consumed, sense=pyo.maximize)
        else:
            m.objective = pyo.Objective(expr=consumed / rate, sense=pyo.minimize)
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
        """What the registry's Dinkelbach tool solves: the parametric NLPs, the ratio's parts, this template's checks;
        for the energy per bit it reports the inverse of the best ratio (the same powers)."""

        def parts(solution: dict[str, float]) -> tuple[float, float]:
            power = self._power_of(params, solution)
            return sum(params.rate(u, power[u]) for u in params.users), params.consumed(power)

        what = "EE in Mbit/J" if params.objective == MAX_EE else "energy per bit, the inverse of the best EE"
        return DinkelbachProblem(
            lambda lam: self.parametric_model(params, lam),
            parts,
            f"Dinkelbach's method ({what})",
            problem_class="NLP",
            checks=lambda result: self.checks(params, result),
            inverse=params.objective == MIN_ENERGY_PER_BIT,
        )

    def solve_by_dinkelbach(self, params: EnergyEfficiencyParams, time_limit_s: float = 60.0) -> MethodResult:
        return self.tool_input(params).solve(time_limit_s)

    def objective_value(self, params: EnergyEfficiencyParams, power: dict[str, float]) -> float:
        efficiency = params.efficiency(power)
        return efficiency if params.objective == MAX_EE else 1 / efficiency

    def checks(self, params: EnergyEfficiencyParams, result: MethodResult) -> dict[str, bool]:
        """Recomputed from the powers alone: budget, limits, rate floors, and the reported value."""
        if result.value is None or not result.solution:
            return {}
        power = self._power_of(params, result.solution)
        budget = params.power_budget_w or math.inf
        return {
            "the transmit powers fit the budget and the limits": sum(power.values()) <= budget * (1 + 1e-7)
            and all(power[u] <= params.cap(u) * (1 + 1e-7) for u in params.users),
            "every user gets its minimum rate": all(
                params.rate(u, power[u]) >= (params.min_rate or {}).get(u, 0.0) * (1 - 1e-6) for u in params.users
            ),
            "the reported value recomputes from the powers": math.isclose(
                self.objective_value(params, power), result.value, rel_tol=1e-7
            ),
        }

    def solution_table(self, params: EnergyEfficiencyParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        power = self._power_of(params, solution)
        unit = params.rate_unit
        ee = "EE (Mbit/J)" if params.bandwidth_mhz else "EE (bit/s/Hz per W)"
        return [
            {"user": u, "power (W)": power[u], f"rate ({unit})": params.rate(u, power[u]), ee: params.efficiency(power)}
            for u in params.users
        ]

    def formulation_summary(self, params: EnergyEfficiencyParams) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "users": params.users,
            "objective": params.objective,
            "noise (W)": float(f"{params.noise_w:.6g}"),
            "circuit power (W)": params.circuit_power_w,
            "amplifier efficiency": params.amplifier_efficiency,
        }
        optional = {
            "bandwidth (MHz)": params.bandwidth_mhz,
            "power budget (W)": params.power_budget_w,
            "power limits (W)": params.max_power_w,
            f"minimum rates ({params.rate_unit})": params.min_rate,
        }
        return summary | {name: value for name, value in optional.items() if value is not None}


TEMPLATE = EnergyEfficiencyDinkelbach()
