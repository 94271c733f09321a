"""Power control of interfering links: one network, the objectives and limits real problems use, chosen by the binding.

Links i (transmitter i -> receiver i) share a channel; SINR_i = G_ii p_i / (sum_{j!=i} G_ij p_j + n_i). Variants:

- **Objectives** (`objective`): the least total transmit power that meets every link's target (an LP: the SINR
  row multiplied out is linear, kept divided by G_ii, see _interference.py); the largest smallest SINR or the
  largest smallest rate (max-min fairness: for a common target t, "can every link reach t?" is an LP, monotone in
  t, so bisection on t finds the optimum exactly: the registry tool `max_min_sinr_bisection` takes `tool_input`, the
  feasibility LPs and the checks); the largest (weighted) sum rate sum_i w_i B log2(1 + SINR_i), a nonconvex NLP solved
  to global optimality by SCIP's spatial branch-and-bound.
- **Targets and floors**: an SINR target per link (dB or linear), or a rate per link (Mbit/s over the bandwidth, or
  bit/s/Hz), turned into an SINR by Shannon: 2^(R/B) - 1. The least-power objective needs them; the others keep
  them as floors.
- **Limits**: a power limit per transmitter, and/or a total power budget over all transmitters.
- **Noise**: a power per receiver, or a thermal noise density (-174 dBm/Hz) over the bandwidth with a noise figure;
  **gains**: linear, in dB, or path losses in dB.

Each optional field is offered only when the text speaks of it (knowledge_base/templates/_cues.py).
"""

from __future__ import annotations

import math
from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import Field, model_validator

from knowledge_base.template import AssemblyError, ProblemClass, SpecItem, Template, binding_object
from knowledge_base.templates import _cues as cue
from knowledge_base.templates._interference import InterferenceNetwork, network_schema, read_network
from knowledge_base.templates._radio import (
    POWER_UNITS,
    RATE_UNITS,
    ShannonRates,
    bandwidth_schema,
    db,
    ratio_units,
    read_min_rates,
    shannon_rate,
    sinr_for_rate,
)
from knowledge_base.templates._stated_quantities import (
    LINEAR,
    given,
    per_element_schema,
    quantity_schema,
    read_optional_per_element,
    read_quantity,
)
from tools.question import Measure, measures
from tools.registry import PYOMO_PORTFOLIO
from tools.solvers.methods import BisectionProblem, MethodResult
from tools.textdata import TextData

Objective = Literal[
    "minimize the total transmit power",
    "maximize the smallest SINR",
    "maximize the smallest rate",
    "maximize the sum rate",
]
MIN_POWER, MAX_MIN_SINR, MAX_MIN_RATE, SUM_RATE = get_args(Objective)
MAX_MIN = (MAX_MIN_SINR, MAX_MIN_RATE)
BISECTION_TOOL = "max_min_sinr_bisection"
RELATIVE_TOLERANCE = 1e-7
"""Bisection stops when the bracket on the optimal SINR (or rate) is this narrow, relative to it."""


class PowerControlParams(InterferenceNetwork, ShannonRates):
    objective: Objective = MIN_POWER
    total_power_mw: float | None = Field(default=None, gt=0, description="budget of all powers", json_schema_extra={"unit": "mW"})
    sinr_target: dict[str, float] | None = Field(
        default=None, description="SINR each link must reach (linear)", json_schema_extra={"unit": ""}
    )
    min_rate: dict[str, float] | None = Field(
        default=None, description="rate each link must reach, in the rate unit", json_schema_extra={"unit": "Mbit/s"}
    )
    weight: dict[str, float] | None = Field(default=None, description="priority weight of each link's rate (sum rate)")

    @model_validator(mode="after")
    def _variant(self) -> PowerControlParams:
        links = set(self.transmitters)
        for name, per_link in (("SINR targets", self.sinr_target), ("minimum rates", self.min_rate), ("weights", self.weight)):
            if per_link is not None and (set(per_link) != links or any(v < 0 for v in per_link.values())):
                raise ValueError(f"the {name} must name exactly the links, each non-negative")
        if self.objective == MIN_POWER and self.sinr_target is None and self.min_rate is None:
            raise ValueError("the least total power needs an SINR target or a rate each link must reach")
        if self.objective != MIN_POWER and self.max_power_mw is None and self.total_power_mw is None:
            raise ValueError(f"to {self.objective} the powers need a limit: a max power per transmitter or a total power budget")
        return self

    def floor(self, tx: str) -> float:
        """The SINR link tx must reach whatever the objective: its SINR target, or what its minimum rate needs."""
        target = (self.sinr_target or {}).get(tx, 0.0)
        rate = (self.min_rate or {}).get(tx, 0.0)
        return max(target, sinr_for_rate(rate, self.rate_bandwidth))

    def cap(self, tx: str) -> float | None:
        """The most power transmitter tx can use: its own limit and the total budget, whichever is lower."""
        limits = [v for v in ((self.max_power_mw or {}).get(tx), self.total_power_mw) if v is not None]
        return min(limits) if limits else None

    def rates(self, power_mw: dict[str, float]) -> dict[str, float]:
        """Each link's rate in `rate_unit`, from the definition."""
        return {t: shannon_rate(s, self.rate_bandwidth) for t, s in self.sinr(power_mw).items()}


class PowerControlSinr(Template[PowerControlParams]):
    id = "power_control_sinr"
    family = "power_control_sinr"
    problem_class = "NLP"
    method = (
        "one LP (least power), bisection on the common target with an LP a step (max-min SINR or rate), "
        "or a global nonconvex NLP by SCIP (sum rate)"
    )
    title = (
        "Power control: minimum total transmit power meeting every link's SINR target, max-min SINR or maximum sum rate "
        "of interfering links"
    )
    objectives = measures(
        {
            MIN_POWER: Measure("min", "the total transmit power", "mW"),
            MAX_MIN_SINR: Measure("max", "the smallest SINR of the links", ""),
            MAX_MIN_RATE: Measure("max", "the smallest rate of the links"),
            SUM_RATE: Measure("max", "the sum rate of the links"),
        }
    )
    description = (
        "Interfering links share one channel: transmitter i serves receiver i and the other transmitters interfere "
        "(small cells or D2D pairs reusing a carrier). Given the channel gains, noise power and power limits, choose the "
        "transmit powers with the smallest total power such that every link meets its SINR target (in dB or linear) or "
        "rate target; or maximize the minimum SINR or rate over the links (max-min fairness); or maximize the sum rate "
        "(weighted). Gains may be path losses in dB; noise may be a density in dBm/Hz with a bandwidth and noise figure; "
        "a total power budget may hold."
    )
    math = r"""
\textbf{Sets: } K \text{ links } (\text{transmitter } i \to \text{receiver } i)
\\ \textbf{Parameters: } G_{ij}\ \text{gain from transmitter } j \text{ to receiver } i,\ n_i\ \text{noise (mW; or }
N_0 B\,\mathrm{NF}),\ \bar p_i\ \text{limits},\ P\ \text{budget},\ \gamma_i\ \text{SINR targets},\ R_i\ \text{rate targets},
\ B\ \text{bandwidth},\ w_i\ \text{weights}
\\ \textbf{Variables: } 0 \le p_i \le \bar p_i,\ \textstyle\sum_i p_i \le P;\quad
\mathrm{SINR}_i = G_{ii} p_i / (\textstyle\sum_{j\ne i} G_{ij} p_j + n_i)
\\ \text{floors: } \mathrm{SINR}_i \ge \hat\gamma_i = \max(\gamma_i,\ 2^{R_i/B} - 1)
\ \Leftrightarrow\ p_i \ge \hat\gamma_i \big(\textstyle\sum_{j\ne i} \tfrac{G_{ij}}{G_{ii}} p_j + \tfrac{n_i}{G_{ii}}\big)
\\ \text{(a) } \min \textstyle\sum_i p_i \ \text{(LP)}\qquad
\text{(b) } \max t:\ \mathrm{SINR}_i \ge t\ \forall i \quad
\text{(c) } \max t:\ B\log_2(1+\mathrm{SINR}_i) \ge t\ \forall i
\\ \phantom{\text{(a) }} \text{(b), (c): bisection on } t, \text{ each step the LP (a) with targets } \max(\hat\gamma_i, t)
\text{ or } \max(\hat\gamma_i, 2^{t/B}-1)
\\ \text{(d) } \max \textstyle\sum_i w_i B \log_2(1 + s_i),
\ s_i \big(\textstyle\sum_{j\ne i} G_{ij} p_j + n_i\big) \le G_{ii} p_i,\ s_i \ge \hat\gamma_i \ \text{(bilinear; SCIP, global)}
"""
    examples = (
        "Two D2D pairs reuse one uplink channel. Linear power gains from each transmitter (column) to each receiver "
        "(row):\n\n| gain | T1 | T2 |\n|---|---|---|\n| R1 | 0.5 | 0.1 |\n| R2 | 0.2 | 0.8 |\n\n"
        "The noise power is 0.1 mW at each receiver. Link 1 needs an SINR of at least 3 dB and link 2 at least 6 dB. "
        "Each transmitter can send at most 10 mW. Find the powers with minimum total transmit power.",
        "Three links share a channel. Linear power gains from each transmitter (column) to each receiver (row):\n\n"
        "| gain | T1 | T2 | T3 |\n|---|---|---|---|\n| R1 | 1.0 | 0.1 | 0.2 |\n| R2 | 0.2 | 0.8 | 0.1 |\n"
        "| R3 | 0.1 | 0.1 | 0.9 |\n\nEvery transmitter can use at most 5 mW. Choose the powers that maximize the minimum "
        "SINR over the three links.\nReceiver noise powers: R1 0.1 mW, R2 0.1 mW, R3 0.2 mW",
        "Two links share one channel. Linear power gains from each transmitter (column) to each receiver (row):\n\n"
        "| gain | T1 | T2 |\n|---|---|---|\n| R1 | 1.0 | 0.6 |\n| R2 | 0.5 | 0.8 |\n\n"
        "The noise power is 0.1 mW at both receivers and each transmitter can send at most 1 mW. Choose the transmit "
        "powers that maximize the sum rate in bit/s/Hz.",
        "Small cells reuse a 10 MHz carrier; the path losses (dB) from each cell to each user are given in a table, "
        "the noise density is -174 dBm/Hz with a 9 dB noise figure, every user needs at least 5 Mbit/s and the total "
        "power of all cells is at most 30 dBm. What is the minimum total transmit power?",
    )
    tags = (
        "power_control_sinr", "power control", "SINR", "interference", "minimum power", "max-min", "fairness",
        "SINR balancing", "bisection", "sum rate", "weighted sum rate", "throughput", "nonconvex", "rate targets",
        "Foschini-Miljanic", "D2D", "small cells",
    )  # fmt: skip
    params_model = PowerControlParams
    structural_constraints = frozenset({"sinr_definition", "smallest"})

    # ---------------------------------------------------------------------------------------------- binding

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        network = network_schema(data)
        count = len(data.table(network["gain_table"]["enum"][0]).rows)
        properties: dict[str, Any] = dict(network)
        objectives = list(get_args(Objective))
        if cue.says(data, cue.HERTZ_NUMBER):
            properties["bandwidth"] = bandwidth_schema("the channel bandwidth the text states (rates in Mbit/s)")
        if cue.sentence_says(data, cue.POWER_NUMBER, cue.AT_MOST, without=cue.TOTAL) or cue.sentence_says(
            data, cue.POWER_NUMBER, cue.AT_MOST, cue.EACH
        ):
            properties["max_power"] = per_element_schema(
                "power limit of each transmitter; list none and no values when the text sets none",
                POWER_UNITS, data, count, not_of=cue.NOISE,
            )  # fmt: skip
        if cue.sentence_says(data, cue.POWER_NUMBER, cue.AT_MOST, cue.TOTAL):
            properties["total_power_budget"] = quantity_schema(
                "the most power all transmitters may use together; value null when the text sets no total", POWER_UNITS
            )
        targets = False
        if cue.sentence_says(data, cue.SINR_WORD, cue.AT_LEAST, cue.DIGIT):
            properties["sinr_target"] = per_element_schema(
                "SINR each link must reach; list none and no values when the text sets none",
                ratio_units(data, cue.SINR_WORD),
                data,
                count,
            )
            targets = True
        if cue.sentence_says(data, cue.RATE_NUMBER, cue.AT_LEAST):
            properties["min_rate"] = per_element_schema(
                "rate each link must reach; list none and no values when the text sets none", RATE_UNITS, data, count
            )
            targets = True
        if cue.says(data, cue.PRIORITY):
            properties["weights"] = per_element_schema(
                "priority weight of each link's rate in a weighted sum rate; [1] when the text gives none", [LINEAR], data, count
            )
        if not targets:
            objectives.remove(MIN_POWER)  # the least power without a target is no power at all
        properties["objective"] = {"enum": objectives, "description": "what the question asks to optimize"}
        return binding_object("power_control_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        objective = str(binding.get("objective") or "")
        if objective not in get_args(Objective):
            raise AssemblyError(f"objective {objective!r} is not one of: {', '.join(get_args(Objective))}")
        bandwidth = read_quantity(binding["bandwidth"], "MHz", "bandwidth", spec) if given(binding.get("bandwidth")) else None
        network = read_network(binding, data, spec, bandwidth)
        tx, rx = network["transmitters"], network["receivers"]
        values: dict[str, Any] = {
            **network,
            "objective": objective,
            "bandwidth_mhz": bandwidth,
            "max_power_mw": read_optional_per_element(
                binding.get("max_power"), tx, "mW", "maximum transmit power", data, spec, rx
            ),
            "sinr_target": read_optional_per_element(binding.get("sinr_target"), tx, LINEAR, "SINR target", data, spec, rx),
            "min_rate": read_min_rates(binding.get("min_rate"), tx, bandwidth, data, spec, rx),
        }
        if given(binding.get("total_power_budget")):
            values["total_power_mw"] = read_quantity(binding["total_power_budget"], "mW", "total power budget", spec)
        if objective == SUM_RATE:
            values["weight"] = read_optional_per_element(binding.get("weights"), tx, LINEAR, "weight", data, spec, rx)
        return values

    def problem_class_for(self, params: PowerControlParams) -> ProblemClass:
        return "LP" if params.objective == MIN_POWER else "NLP"

    def tool_for(self, params: PowerControlParams) -> str:
        return BISECTION_TOOL if params.objective in MAX_MIN else PYOMO_PORTFOLIO

    def objective(self, params: PowerControlParams) -> Measure | None:
        measure = self.objectives[params.objective]
        if params.objective in (MAX_MIN_RATE, SUM_RATE):
            phrase = "the weighted sum rate of the links" if params.objective == SUM_RATE and params.weight else measure.measures
            return Measure(measure.sense, phrase, params.rate_unit)
        return measure

    # ---------------------------------------------------------------------------------------------- models

    def _powers(self, m: pyo.ConcreteModel, params: PowerControlParams) -> None:
        m.L = pyo.Set(initialize=params.transmitters, ordered=True)
        m.p = pyo.Var(m.L, bounds=lambda m, t: (0.0, params.cap(t)), doc="transmit power (mW)")
        if params.total_power_mw is not None:
            m.budget = pyo.Constraint(
                expr=sum(m.p[t] for t in m.L) <= params.total_power_mw, doc="the powers together fit the total budget"
            )

    def _interference(self, m: pyo.ConcreteModel, params: PowerControlParams, tx: str) -> Any:
        """Interference plus noise at link tx's receiver, divided by its direct gain (mW)."""
        i = params.transmitters.index(tx)
        others = (params.cross_ratio(i, j) * m.p[t] for j, t in enumerate(params.transmitters) if j != i)
        return sum(others) + params.noise_limited_power(i)

    def _targets(self, m: pyo.ConcreteModel, params: PowerControlParams, target: dict[str, float], doc: str) -> None:
        m.sinr = pyo.Constraint(
            [t for t in params.transmitters if target[t] > 0],
            rule=lambda m, t: m.p[t] >= target[t] * self._interference(m, params, t),
            doc=doc,
        )

    def build_model(self, params: PowerControlParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        self._powers(m, params)
        floor = {t: params.floor(t) for t in params.transmitters}
        if params.objective == MIN_POWER:
            self._targets(m, params, floor, "link {i} reaches its SINR (or rate) target")
            m.objective = pyo.Objective(expr=sum(m.p[t] for t in m.L), sense=pyo.minimize)
            return m
        # The SINR of each link as a variable s with s * (interference + noise) <= G_ii p (tight at the optimum, as the
        # objective grows with s); its upper bound (full power, no interference) keeps SCIP's branching domain finite.
        top = {t: (params.cap(t) or 0.0) / params.noise_limited_power(i) for i, t in enumerate(params.transmitters)}
        m.s = pyo.Var(m.L, bounds=lambda m, t: (floor[t], max(top[t], floor[t])), doc="SINR of the link")
        m.sinr_definition = pyo.Constraint(
            m.L,
            rule=lambda m, t: m.s[t] * self._interference(m, params, t) <= m.p[t],
            doc="the SINR of link {i} is what its powers give",
        )
        bandwidth = params.rate_bandwidth
        if params.objective == SUM_RATE:
            weight = params.weight or dict.fromkeys(params.transmitters, 1.0)
            rate = sum(weight[t] * bandwidth * pyo.log(1 + m.s[t]) for t in m.L) / math.log(2)
            m.objective = pyo.Objective(expr=rate, sense=pyo.maximize)
            return m
        # Max-min written directly (for reading, and a direct SCIP solve); the registered tool solves it by bisection.
        m.t = pyo.Var(bounds=(0.0, self.upper_bound(params)), doc="the smallest SINR (or rate) of the links")
        if params.objective == MAX_MIN_SINR:
            m.smallest = pyo.Constraint(m.L, rule=lambda m, t: m.s[t] >= m.t, doc="link {i} reaches the common SINR")
        else:
            m.smallest = pyo.Constraint(
                m.L,
                rule=lambda m, t: bandwidth * pyo.log(1 + m.s[t]) / math.log(2) >= m.t,
                doc="link {i} reaches the common rate",
            )
        m.objective = pyo.Objective(expr=m.t, sense=pyo.maximize)
        return m

    def upper_bound(self, params: PowerControlParams) -> float:
        """No link beats its SINR at full power without interference, so the smallest SINR (rate) is at most the least."""
        sinr = min((params.cap(t) or 0.0) / params.noise_limited_power(i) for i, t in enumerate(params.transmitters))
        return sinr if params.objective == MAX_MIN_SINR else shannon_rate(sinr, params.rate_bandwidth)

    def feasibility_model(self, params: PowerControlParams, level: float) -> pyo.ConcreteModel:
        """The LP of one bisection step: the least total power with which every link reaches the common `level`
        (an SINR, or a rate turned into the SINR it needs), and its own floor."""
        m = pyo.ConcreteModel(name=f"{self.id}_at_{level:g}")
        self._powers(m, params)
        needed = level if params.objective == MAX_MIN_SINR else sinr_for_rate(level, params.rate_bandwidth)
        target = {t: max(params.floor(t), needed) for t in params.transmitters}
        self._targets(m, params, target, "link {i} reaches the common target")
        m.objective = pyo.Objective(expr=sum(m.p[t] for t in m.L), sense=pyo.minimize)
        return m

    def tool_input(self, params: PowerControlParams) -> BisectionProblem:
        """What the registry's bisection tool solves (max-min variants): feasibility LPs over [0, the upper bound],
        with this template's checks of the answer."""
        what = "SINR" if params.objective == MAX_MIN_SINR else f"rate in {params.rate_unit}"
        return BisectionProblem(
            lambda level: self.feasibility_model(params, level),
            0.0,
            self.upper_bound(params),
            f"bisection on the common {what}",
            problem_class="LP",
            rel_tol=RELATIVE_TOLERANCE,
            checks=lambda result: self.checks(params, result),
        )

    def solve_by_bisection(self, params: PowerControlParams, time_limit_s: float = 60.0) -> MethodResult:
        return self.tool_input(params).solve(time_limit_s)

    # ---------------------------------------------------------------------------------------------- reading the answer

    def powers(self, params: PowerControlParams, solution: dict[str, float]) -> dict[str, float]:
        return {t: max(0.0, solution.get(f"p[{t}]", 0.0)) for t in params.transmitters}

    def objective_value(self, params: PowerControlParams, power: dict[str, float]) -> float:
        """The objective recomputed from the powers alone."""
        if params.objective == MIN_POWER:
            return sum(power.values())
        if params.objective == MAX_MIN_SINR:
            return min(params.sinr(power).values())
        rates = params.rates(power)
        if params.objective == MAX_MIN_RATE:
            return min(rates.values())
        weight = params.weight or dict.fromkeys(params.transmitters, 1.0)
        return sum(weight[t] * rates[t] for t in params.transmitters)

    def checks(self, params: PowerControlParams, result: MethodResult) -> dict[str, bool]:
        """Recomputed from the powers alone: limits, budget, floors, and the reported smallest SINR or rate."""
        if result.value is None or not result.solution:
            return {}
        power = self.powers(params, result.solution)
        sinr = params.sinr(power)
        out = {
            "powers within their limits": all(_within(power[t], params.cap(t)) for t in power),
            "the powers fit the total budget": _within(sum(power.values()), params.total_power_mw),
            "every link reaches its own target": all(sinr[t] >= params.floor(t) * (1 - 1e-6) for t in power),
        }
        out[f"every link reaches the reported smallest {'SINR' if params.objective == MAX_MIN_SINR else 'rate'}"] = (
            self.objective_value(params, power) >= result.value * (1 - 1e-6)
        )
        return out

    def solution_table(self, params: PowerControlParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        power = self.powers(params, solution)
        sinr, rate = params.sinr(power), params.rates(power)
        rows: list[dict[str, Any]] = []
        for tx, rx in params.links:
            row: dict[str, Any] = {"link": f"{tx} -> {rx}", "power (mW)": power[tx], "SINR": sinr[tx], "SINR (dB)": db(sinr[tx])}
            if params.objective in (MAX_MIN_RATE, SUM_RATE) or params.min_rate is not None:
                row[f"rate ({params.rate_unit})"] = rate[tx]
            if params.floor(tx) > 0:
                row["target SINR (dB)"] = db(params.floor(tx))
            rows.append(row)
        return rows

    def formulation_summary(self, params: PowerControlParams) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "links": [f"{tx} -> {rx}" for tx, rx in params.links],
            "objective": params.objective,
            "noise (mW)": {r: float(f"{v:.6g}") for r, v in params.noise_mw.items()},
        }
        optional = {
            "power limits (mW)": params.max_power_mw,
            "total power budget (mW)": params.total_power_mw,
            "bandwidth (MHz)": params.bandwidth_mhz,
            "SINR targets (linear)": params.sinr_target,
            f"minimum rates ({params.rate_unit})": params.min_rate,
            "weights": params.weight,
        }
        summary |= {name: value for name, value in optional.items() if value is not None}
        if params.objective in MAX_MIN:
            summary["bisection bracket"] = [0.0, self.upper_bound(params)]
        return summary


TEMPLATE = PowerControlSinr()


def _within(value: float, limit: float | None) -> bool:
    """At most the limit, up to an LP solver's feasibility tolerance (1e-6, relative for large limits)."""
    return limit is None or value <= limit + 1e-6 * max(1.0, limit)
