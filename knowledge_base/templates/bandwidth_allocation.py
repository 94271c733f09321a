"""Split a band among users: the delay, throughput and fairness objectives and the per-user limits real problems use.

User k gets bandwidth b_k and transmits at s_k b_k (s_k its spectral efficiency, or log2(1 + SNR_k) from an SNR);
sending D_k takes D_k / (s_k b_k). Variants, chosen by fields of the binding:

- **Objectives** (`objective`): the largest delay, the total delay, or the average delay (the total over the number
  of users: an average is not a total) of sending each user's data; the (weighted) sum rate; proportional fairness
  (the weighted sum of the logarithms of the rates); the smallest rate (max-min). The delays are convex in b (1/b is
  convex for b > 0) and proportional fairness is concave, so SCIP solves them globally in one call; the sum rate and
  the max-min rate are LPs.
- **Per-user limits**, each present only when the text speaks of it: a minimum rate (s_k b_k >= R_k), a cap on a
  user's bandwidth or rate, and a deadline on a user's delay (D_k / (s_k b_k) <= T_k, linear in b); all as one value
  for every user or one per user.
"""

from __future__ import annotations

import math
from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import SAME_FOR_ALL, AssemblyError, ProblemClass, SpecItem, Template, binding_object
from knowledge_base.templates import _cues as cue
from knowledge_base.templates._radio import BANDWIDTH_UNITS
from knowledge_base.templates._stated_quantities import (
    LINEAR,
    convert_stated,
    quantity_schema,
    read_quantity,
    read_series,
    series_choices,
    series_names,
    series_or_common_schema,
    series_schema,
    stated_series,
    stated_unit,
)
from knowledge_base.templates._tabular import read_series_or_each
from tools.question import Measure, measures
from tools.textdata import TextData

BandwidthObjective = Literal[
    "minimize the largest delay",
    "minimize the total delay",
    "minimize the average delay",
    "maximize the sum rate",
    "maximize proportional fairness (sum of log rates)",
    "maximize the smallest rate",
]
WORST_DELAY, TOTAL_DELAY, AVERAGE_DELAY, SUM_RATE, FAIRNESS, MAX_MIN_RATE = get_args(BandwidthObjective)
DELAY_OBJECTIVES = (WORST_DELAY, TOTAL_DELAY, AVERAGE_DELAY)
LINEAR_OBJECTIVES = (SUM_RATE, MAX_MIN_RATE)
DATA_UNITS = ["Mbit", "kbit", "Gbit", "bit", "MB", "kB", "GB"]
RATE_UNITS = ["Mbit/s", "kbit/s", "Gbit/s", "bit/s"]
SNR_DB, SNR_LINEAR = "SNR in dB", "SNR (linear)"
SMALLEST_SHARE = 1e-6
"""No user's bandwidth drops below this fraction of the band: 1/b stays finite for the solver."""


def _users(data: TextData, choices: list[str]) -> list[str]:
    """The users that every list or column of `choices` names (none when they name different things)."""
    named = [series_names(c, data) for c in choices]
    return named[0] if named and all(set(n) == set(named[0]) for n in named) else []


class BandwidthParams(BaseModel):
    users: list[str] = Field(min_length=1)
    spectral_efficiency: dict[str, float] = Field(json_schema_extra={"unit": "bit/s/Hz"})
    total_bandwidth_mhz: float = Field(gt=0, json_schema_extra={"unit": "MHz"})
    objective: BandwidthObjective = WORST_DELAY
    data_mbit: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "Mbit"})
    weight: dict[str, float] | None = Field(default=None, description="weights of the sum rate or of fairness")
    min_rate_mbps: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "Mbit/s"})
    max_bandwidth_mhz: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "MHz"})
    max_rate_mbps: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "Mbit/s"})
    deadline_ms: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "ms"})

    @model_validator(mode="after")
    def _consistent(self) -> BandwidthParams:
        users = set(self.users)
        if set(self.spectral_efficiency) != users or any(s <= 0 for s in self.spectral_efficiency.values()):
            raise ValueError("each user needs a positive spectral efficiency")
        if (self.objective in DELAY_OBJECTIVES or self.deadline_ms is not None) and self.data_mbit is None:
            raise ValueError("a delay needs the data each user sends")
        per_user = {
            "data sizes": self.data_mbit, "weights": self.weight, "minimum rates": self.min_rate_mbps,
            "bandwidth caps": self.max_bandwidth_mhz, "rate caps": self.max_rate_mbps, "deadlines": self.deadline_ms,
        }  # fmt: skip
        for name, values in per_user.items():
            if values is not None and (set(values) != users or any(v < 0 for v in values.values())):
                raise ValueError(f"the {name} must name exactly the users, each non-negative")
        if self.data_mbit is not None and any(d <= 0 for d in self.data_mbit.values()):
            raise ValueError("every user's data must be positive")
        if self.deadline_ms is not None and any(t <= 0 for t in self.deadline_ms.values()):
            raise ValueError("every deadline must be positive")
        return self

    def delay_ms(self, user: str, bandwidth_mhz: float) -> float:
        """Mbit / (bit/s/Hz * MHz) is seconds; the text speaks in ms."""
        assert self.data_mbit is not None
        return 1000 * self.data_mbit[user] / (self.spectral_efficiency[user] * bandwidth_mhz)

    def least_bandwidth(self, user: str) -> float:
        """The bandwidth (MHz) a user's minimum rate and deadline need."""
        s = self.spectral_efficiency[user]
        need = (self.min_rate_mbps or {}).get(user, 0.0) / s
        if self.deadline_ms is not None and self.data_mbit is not None:
            need = max(need, 1000 * self.data_mbit[user] / (s * self.deadline_ms[user]))
        return need

    def most_bandwidth(self, user: str) -> float:
        """The bandwidth (MHz) a user may get: the band, its own cap, and what its rate cap allows."""
        most = self.total_bandwidth_mhz
        if self.max_bandwidth_mhz is not None:
            most = min(most, self.max_bandwidth_mhz[user])
        if self.max_rate_mbps is not None:
            most = min(most, self.max_rate_mbps[user] / self.spectral_efficiency[user])
        return most


class BandwidthAllocation(Template[BandwidthParams]):
    id = "bandwidth_allocation"
    family = "bandwidth_allocation"
    problem_class = "NLP"
    method = "one solver call: SCIP for the delay and fairness objectives (convex), an LP for the sum and max-min rate"
    title = (
        "Bandwidth allocation: split a band among users (min worst, total or average delay; max sum rate, proportional "
        "fairness or min rate)"
    )
    objectives = measures(
        {
            WORST_DELAY: Measure("min", "the largest delay of a user", "ms"),
            TOTAL_DELAY: Measure("min", "the total delay of the users", "ms"),
            AVERAGE_DELAY: Measure("min", "the average delay of the users", "ms"),
            SUM_RATE: Measure("max", "the sum rate of the users", "Mbit/s"),
            FAIRNESS: Measure("max", "the weighted sum of the logarithms of the users' rates", ""),
            MAX_MIN_RATE: Measure("max", "the smallest user rate", "Mbit/s"),
        }
    )
    description = (
        "Divide a total bandwidth (a band of so many MHz) among users or flows. Each user has a spectral efficiency "
        "(bit/s/Hz, from its channel quality, or its SNR) and possibly data to send or download; its rate is bandwidth "
        "times spectral efficiency and its delay is data divided by rate. Choose each user's bandwidth share to minimize "
        "the worst-case delay, the total delay or the average delay, or to maximize the total throughput, proportional "
        "fairness (sum of log rates) or the minimum rate. Minimum rate guarantees, per-user caps and deadlines. Spectrum "
        "sharing, FDMA, bandwidth slicing."
    )
    math = r"""
\textbf{Parameters: } B \text{ total bandwidth (MHz)},
\ s_k \text{ spectral efficiency (bit/s/Hz; or } \log_2(1+\mathrm{SNR}_k)),\ D_k \text{ data (Mbit)},\ w_k \text{ weights},
\ R_k \text{ minimum rates},\ \bar b_k, \bar R_k \text{ caps},\ T_k \text{ deadlines}
\\ \textbf{Variables: } b_k > 0 \ (\text{MHz}),\quad \textstyle\sum_k b_k \le B,\quad r_k = s_k b_k \ (\text{Mbit/s}),
\quad d_k = 1000 D_k / r_k \ (\text{ms})
\\ r_k \ge R_k,\quad b_k \le \bar b_k,\quad r_k \le \bar R_k,\quad d_k \le T_k \ (\Leftrightarrow b_k \ge 1000 D_k / (s_k T_k))
\\ \min \max_k d_k \ \text{or}\ \min \textstyle\sum_k d_k \ \text{or}\ \min \tfrac1K \sum_k d_k
\ \text{or}\ \max \sum_k w_k r_k \ \text{or}\ \max \sum_k w_k \ln r_k \ \text{or}\ \max \min_k r_k
"""
    examples = (
        "A 20 MHz band is shared by three users, each downloading a file. The table gives each user's file size and "
        "spectral efficiency.\n\n| user | data (Mbit) | spectral efficiency (bit/s/Hz) |\n|---|---|---|\n"
        "| U1 | 10 | 2 |\n| U2 | 20 | 4 |\n| U3 | 5 | 1 |\n\n"
        "Split the bandwidth among the users to minimize the worst-case download delay.",
        "Allocate a 10 MHz channel among three users to maximize proportional fairness (the sum of the logarithms of "
        "the users' rates).\nSpectral efficiency (bit/s/Hz): U1 1.5, U2 3, U3 4.5",
        "An access point shares 40 MHz among four stations; each station needs at least 10 Mbit/s and no station may "
        "get more than 15 MHz. Maximize the total throughput.",
        "Five users upload files over a shared 25 MHz band; every upload must finish within 400 ms. Report the minimum "
        "average upload delay in ms.",
    )
    tags = (
        "bandwidth_allocation", "bandwidth", "delay", "average delay", "throughput", "sum rate", "fairness",
        "proportional fairness", "max-min", "minimum rate", "deadline", "FDMA", "spectrum sharing",
    )  # fmt: skip
    params_model = BandwidthParams
    structural_constraints = frozenset({"worst_bound", "least_bound"})

    # ---------------------------------------------------------------------------------------------- binding

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        if not series_choices(data):
            raise AssemblyError("this template needs the users' spectral efficiencies (or SNRs) in a table or list")
        snr = cue.says(data, cue.SINR_WORD)
        quality_units = ["bit/s/Hz", *([SNR_DB, SNR_LINEAR] if snr else [])]
        # the 1.5B model chose dev30-bw-03's "update size (MB)" column as the SNRs three times: only a column or list
        # that may hold a rate per hertz or an SNR (dB, or no unit) is offered
        kinds = ["bit/s/Hz", *(["dB", LINEAR] if snr else [])]
        users = _users(data, series_choices(data, kinds))
        properties: dict[str, Any] = {
            "spectral_efficiency": series_schema("each user's spectral efficiency (or SNR)", quality_units, data, kinds=kinds),
            "total_bandwidth": quantity_schema("the band to share", BANDWIDTH_UNITS),
        }
        objectives = list(get_args(BandwidthObjective))
        if cue.says(data, cue.DATA_SIZE):
            properties["data_size"] = series_schema("data each user sends; none when the text gives none", DATA_UNITS, data, True)
        else:
            objectives = [o for o in objectives if o not in DELAY_OBJECTIVES]
        if cue.says(data, cue.PRIORITY):
            properties["weights"] = series_schema("priority weights of the users, if the text gives any", [LINEAR], data, True)
        if cue.sentence_says(data, cue.RATE_NUMBER, cue.AT_LEAST) or cue.sentence_says(
            data, cue.RATE_WORD, cue.AT_LEAST, cue.EACH
        ):
            properties["minimum_rate"] = series_or_common_schema("rate each user needs", RATE_UNITS, data, names=users)
        if cue.sentence_says(data, cue.AT_MOST, cue.HERTZ_NUMBER, without=cue.TOTAL) or cue.sentence_says(
            data, cue.AT_MOST, cue.RATE_NUMBER
        ):
            properties["per_user_cap"] = series_or_common_schema(
                "the most bandwidth (or rate) one user may get", [*BANDWIDTH_UNITS, *RATE_UNITS], data, names=users
            )
        if cue.sentence_says(data, cue.TIME_NUMBER, cue.DELAY_WORD):
            properties["deadline"] = series_or_common_schema(
                "the delay each user's data must not exceed", ["ms", "s"], data, names=users
            )
        properties["objective"] = {"enum": objectives, "description": "what the question asks to optimize"}
        return binding_object("bandwidth_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        efficiency = self._efficiency(binding.get("spectral_efficiency"), data, spec)
        users = list(efficiency)
        objective = binding.get("objective", WORST_DELAY)
        values: dict[str, Any] = {
            "users": users,
            "spectral_efficiency": efficiency,
            "total_bandwidth_mhz": read_quantity(binding.get("total_bandwidth"), "MHz", "total bandwidth", spec),
            "objective": objective,
            "min_rate_mbps": read_series_or_each(binding.get("minimum_rate"), users, "Mbit/s", "minimum rate", data, spec),
            "deadline_ms": read_series_or_each(binding.get("deadline"), users, "ms", "deadline", data, spec),
        }
        if objective in DELAY_OBJECTIVES or values["deadline_ms"] is not None:
            values["data_mbit"] = read_series(binding.get("data_size"), "Mbit", "data size", data, spec, optional=True)
        if objective in (SUM_RATE, FAIRNESS):
            values["weight"] = read_series(binding.get("weights"), LINEAR, "weight", data, spec, optional=True)
        cap = binding.get("per_user_cap")
        floor = binding.get("minimum_rate")
        source = cap.get("source") if isinstance(cap, dict) else None
        if source not in (None, "none", SAME_FOR_ALL) and isinstance(floor, dict) and floor.get("source") == source:
            # dev30-bw-01 on the 0.5B model was verified at 40 for 114: the guaranteed rates read as caps too, so
            # every user got exactly its minimum ("no user more than 8 MHz" counted as covered by user 2's 8 Mbit/s).
            raise AssemblyError(
                f"per-user cap: {source} gives the minimum rates; a limit is not the numbers of a requirement (a cap the text"
                f" states once for every user is source '{SAME_FOR_ALL}' with its number and unit)"
            )
        unit = str(cap.get("unit") or "MHz") if isinstance(cap, dict) else "MHz"
        # A cap in MHz limits the bandwidth, one in Mbit/s the rate: the unit decides which field it fills.
        field, target = ("max_bandwidth_mhz", "MHz") if unit in BANDWIDTH_UNITS else ("max_rate_mbps", "Mbit/s")
        values[field] = read_series_or_each(cap, users, target, "per-user cap", data, spec)
        return values

    @staticmethod
    def _efficiency(entry: Any, data: TextData, spec: list[SpecItem]) -> dict[str, float]:
        """bit/s/Hz as stated, or log2(1 + SNR) from an SNR in dB or linear. A list the text writes in dB holds
        SNRs whatever unit the binding chose (the 1.5B model chose bit/s/Hz for dev30-bw-01's "18 dB, 9 dB, ..."
        three times, though told the list is in dB): the text's unit decides, as for every list and column."""
        chosen = str(entry.get("unit") or "bit/s/Hz") if isinstance(entry, dict) else "bit/s/Hz"
        source = str(entry.get("source") or "") if isinstance(entry, dict) else ""
        # a column headed in dB as well: the 1.5B chose "SNR (linear)" for dev30-bw-03's "SNR (dB)" column, which
        # would have read 12 dB as a linear 12
        if any(n.id == source and n.unit == "dB" for n in data.lists) or stated_unit(source.partition(": ")[2]) == "dB":
            chosen = SNR_DB
        if chosen not in (SNR_DB, SNR_LINEAR):
            values = read_series(entry, "bit/s/Hz", "spectral efficiency", data, spec)
            assert values is not None  # not optional
            return values
        stated, _ = stated_series(entry, LINEAR, "SNR", data, spec)
        assert stated is not None
        snr = {u: convert_stated(v, "dB", LINEAR, "SNR") if chosen == SNR_DB else v for u, v in stated.items()}
        return {u: math.log2(1 + v) for u, v in snr.items()}

    def problem_class_for(self, params: BandwidthParams) -> ProblemClass:
        return "LP" if params.objective in LINEAR_OBJECTIVES else "NLP"

    # ---------------------------------------------------------------------------------------------- model

    def build_model(self, params: BandwidthParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        band, s = params.total_bandwidth_mhz, params.spectral_efficiency
        m.U = pyo.Set(initialize=params.users, ordered=True)
        m.b = pyo.Var(m.U, bounds=(SMALLEST_SHARE * band, band), doc="bandwidth of the user (MHz)")
        m.band = pyo.Constraint(expr=sum(m.b[u] for u in m.U) <= band, doc="the shares fit in the band")
        m.rate = pyo.Expression(m.U, rule=lambda m, u: s[u] * m.b[u], doc="rate of the user (Mbit/s)")
        self._limits(m, params)
        weight = params.weight or dict.fromkeys(params.users, 1.0)
        if params.objective in DELAY_OBJECTIVES:
            data = params.data_mbit
            assert data is not None  # the params validator demands it
            m.delay = pyo.Expression(m.U, rule=lambda m, u: 1000 * data[u] / (s[u] * m.b[u]), doc="delay of the user (ms)")
            if params.objective == WORST_DELAY:
                m.worst = pyo.Var(bounds=(0, None), doc="the largest delay (ms)")
                m.worst_bound = pyo.Constraint(
                    m.U, rule=lambda m, u: m.delay[u] <= m.worst, doc="user {i}'s delay is at most the worst"
                )
                m.objective = pyo.Objective(expr=m.worst, sense=pyo.minimize)
            else:
                share = 1.0 if params.objective == TOTAL_DELAY else 1.0 / len(params.users)
                m.objective = pyo.Objective(expr=share * sum(m.delay[u] for u in m.U), sense=pyo.minimize)
        elif params.objective == MAX_MIN_RATE:
            m.least = pyo.Var(bounds=(0, None), doc="the smallest rate (Mbit/s)")
            m.least_bound = pyo.Constraint(
                m.U, rule=lambda m, u: m.rate[u] >= m.least, doc="user {i}'s rate is at least the least"
            )
            m.objective = pyo.Objective(expr=m.least, sense=pyo.maximize)
        elif params.objective == SUM_RATE:
            m.objective = pyo.Objective(expr=sum(weight[u] * m.rate[u] for u in m.U), sense=pyo.maximize)
        else:
            m.objective = pyo.Objective(expr=sum(weight[u] * pyo.log(m.rate[u]) for u in m.U), sense=pyo.maximize)
        return m

    @staticmethod
    def _limits(m: pyo.ConcreteModel, params: BandwidthParams) -> None:
        """The per-user groups the text states, as named constraints (the diagnosis of an infeasible split names them)."""
        s = params.spectral_efficiency
        if params.min_rate_mbps is not None:
            floor = params.min_rate_mbps
            m.min_rate = pyo.Constraint(
                m.U, rule=lambda m, u: m.rate[u] >= floor[u], doc="user {i} gets at least its minimum rate"
            )
        if params.max_bandwidth_mhz is not None:
            most = params.max_bandwidth_mhz
            m.max_bandwidth = pyo.Constraint(
                m.U, rule=lambda m, u: m.b[u] <= most[u], doc="user {i} gets at most its bandwidth cap"
            )
        if params.max_rate_mbps is not None:
            top = params.max_rate_mbps
            m.max_rate = pyo.Constraint(m.U, rule=lambda m, u: m.rate[u] <= top[u], doc="user {i}'s rate stays within its cap")
        if params.deadline_ms is not None and params.data_mbit is not None:
            deadline, data = params.deadline_ms, params.data_mbit
            m.deadline = pyo.Constraint(  # D / (s b) <= T, written linearly as s b T >= D
                m.U,
                rule=lambda m, u: s[u] * m.b[u] * deadline[u] >= 1000 * data[u],
                doc="user {i}'s data arrive within its deadline",
            )

    # ---------------------------------------------------------------------------------------------- reading the answer

    def objective_value(self, params: BandwidthParams, bandwidth: dict[str, float]) -> float:
        """The objective recomputed from the shares alone."""
        rate = {u: params.spectral_efficiency[u] * bandwidth[u] for u in params.users}
        weight = params.weight or dict.fromkeys(params.users, 1.0)
        if params.objective in DELAY_OBJECTIVES:
            delays = [params.delay_ms(u, bandwidth[u]) for u in params.users]
            return {WORST_DELAY: max(delays), TOTAL_DELAY: sum(delays)}.get(params.objective, sum(delays) / len(delays))
        if params.objective == MAX_MIN_RATE:
            return min(rate.values())
        if params.objective == SUM_RATE:
            return sum(weight[u] * rate[u] for u in params.users)
        return sum(weight[u] * math.log(rate[u]) for u in params.users)

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
        summary: dict[str, Any] = {
            "users": params.users,
            "total bandwidth (MHz)": params.total_bandwidth_mhz,
            "objective": params.objective,
            "data sizes given": params.data_mbit is not None,
        }
        optional = {
            "minimum rates (Mbit/s)": params.min_rate_mbps,
            "bandwidth caps (MHz)": params.max_bandwidth_mhz,
            "rate caps (Mbit/s)": params.max_rate_mbps,
            "deadlines (ms)": params.deadline_ms,
            "weights": params.weight,
        }
        return summary | {name: value for name, value in optional.items() if value is not None}


TEMPLATE = BandwidthAllocation()
