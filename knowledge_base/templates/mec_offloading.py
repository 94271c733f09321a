"""Computation offloading to a mobile-edge-computing (MEC) server, with the objective and constraint variants real
problems use, chosen by fields of the binding.

One model for whole-task (binary) and partial offloading. A share s_k of task k's input goes to the edge (s_k in
{0, 1} for a whole task, in [0, 1] for a task the text says can be split); the local part runs on the device (time
(1 - s_k) c_k / f_k, energy (1 - s_k) E^l_k) while the offloaded part is uploaded and computed on the edge (time
s_k (d_k / r_k + c_k / f^e), device energy s_k P^tx d_k / r_k). The two parts run in parallel, so the task's
latency is T_k = max((1 - s_k) t^l_k, s_k t^o_k), which for a whole task is exactly t^l_k or t^o_k: an epigraph
variable T_k makes every variant linear.

- **Objectives** (`objective`): the devices' total energy, the total, average or worst-case (largest) latency, or a
  weighted sum of latency and energy (weights per unit of time and of energy, one for all tasks or one per task).
- **Local energy**: a computing power (W: energy = power x local time), an energy per CPU cycle (J/Gcycle, nJ/cycle),
  or an effective switched capacitance kappa (energy = kappa c f^2, c in cycles and f in Hz).
- **Constraint groups**, offered only when the text speaks of them: deadlines, energy budgets per device, the edge
  server's cycle budget, a cap on the number of offloaded tasks (containers, slots), tasks that may be split
  (partial offloading), tasks that must run locally or must be offloaded, and an edge CPU shared by the offloaded
  whole tasks (f_k >= 0, sum f_k <= F; the edge time e_k obeys s_k^2 c_k <= e_k f_k, exact for binary s_k: a
  quadratic MIQCP that the portfolio hands to SCIP).
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template, binding_object, variant
from knowledge_base.templates._stated_quantities import (
    per_element_schema,
    quantity_schema,
    read_per_element,
    read_quantity,
    read_series,
    series_choices,
    series_schema,
)
from knowledge_base.units import UnitError, convert
from tools.question import Measure, measures
from tools.textdata import NUMBER, TextData, names_any, plain_numbers

Objective = Literal[
    "minimize the total energy of the devices",
    "minimize the total latency",
    "minimize the average latency",
    "minimize the worst-case latency",
    "minimize the weighted sum of latency and energy",
]
ENERGY, TOTAL, AVERAGE, WORST, WEIGHTED = get_args(Objective)
LATENCIES = (TOTAL, AVERAGE, WORST)
LocalEnergy = Literal["computing power", "energy per cycle", "switched capacitance"]
EdgeCpu = Literal[
    "each offloaded task gets this speed",
    "shared by the offloaded tasks",
    "split equally among the offloaded tasks (each gets the speed / n)",
]
PER_TASK, SHARED, EQUAL = get_args(EdgeCpu)
"""The edge CPU's speed: every offloaded task's own, a server's speed shared as the model chooses (the best split),
or a server's speed shared equally (n tasks offloaded: each computes at speed / n)."""
EVERY_TASK = "every task"

CYCLE_UNITS = ["Gcycle", "Mcycle", "kcycle", "cycle"]
PER_BIT = "cycles/bit"
"""Computation given per input bit ("400 CPU cycles per bit"): the task's cycles are that times its input bits;
offered only where the text speaks of cycles per bit (a column of Gcycles read per bit would be a wrong answer)."""
_PER_BIT = re.compile(r"\bcycles?\s*(?:per|/)\s*bit\b", re.IGNORECASE)
DATA_UNITS = ["Mbit", "kbit", "bit", "MB", "kB", "Gbit"]
RATE_UNITS = ["Mbit/s", "kbit/s", "bit/s", "Gbit/s"]
ONE_TASK = "the task"
"""The one task of a text without a table or a list of tasks ("An AR headset has to process each 6 Mbit frame")."""
FREQUENCY_UNITS = ["GHz", "MHz"]
POWER_UNITS = ["W", "mW", "dBm"]
KAPPA = "kappa (effective switched capacitance)"
LOCAL_ENERGY_UNITS = ["W", "mW", "J/Gcycle", "J/Mcycle", "nJ/cycle", "J/cycle", KAPPA]
ENERGY_UNITS = ["J", "mJ"]
TIME_UNITS = ["ms", "s"]

_ENERGY = re.compile(r"\benerg|\bjoules?\b|\b\d+(?:\.\d+)?\s*m?J\b|\bbatter", re.IGNORECASE)
_DEADLINE = re.compile(
    r"\bdeadlines?\b|\bwithin\b|\bfinish\w*\s+(?:in|by|within)\b|\blatency (?:budget|limit|requirement|bound)", re.I
)
_BUDGET = re.compile(r"\bbudget|\bat most\b|\bno more than\b|\bup to\b|\bcannot exceed|\blimit|\bexceed|\bleft\b|\bremain", re.I)
_CYCLES = re.compile(r"\bcycles?\b|\bGcycles?\b|\bMcycles?\b|\bcycles per\b", re.IGNORECASE)
_EDGE_BUDGET = re.compile(r"\bcapacity\b|\bbudget\b|\bat most\b|\btotal\b|\bno more than\b|\bper (?:frame|slot)\b", re.I)
_SHARED = re.compile(r"\bshar(?:e|ed|es|ing)\b|\bdivid\w*|\ballocat\w*|\bsplit (?:among|between)|\bamong\b", re.IGNORECASE)
_EQUAL_SHARE = re.compile(r"\bequal(?:ly)?\b|\bevenly\b|\b(?:\d+(?:\.\d+)?|[A-Z])\s*/\s*n\b", re.IGNORECASE)
_EDGE = re.compile(r"\bedge\b|\bserver\b|\bMEC\b", re.IGNORECASE)
_CAP = re.compile(
    r"\bcontainers?\b|\bslots?\b|\bconcurren\w*|\bsimultaneous\w*|\bnumber of offloaded\b|"
    r"\b(?:at most|no more than|up to|only)\s+\w+\s+(?:of the\s+)?(?:tasks|jobs|devices|users)\b",
    re.IGNORECASE,
)
_PARTIAL = re.compile(
    r"\bpartial\w*|\bfractions?\b|\bpartition\w*|\bportions?\b|\bdivisible\b|\bsplit\w*|"
    r"\b(?:share|part) of (?:its|the|each)(?: \w+)? (?:input|data|bits|task|workload|load)\b",
    re.IGNORECASE,
)
"""Tasks that may be split ("any fraction of its input bits", "partial offloading") ..."""
_NOT_SPLIT = re.compile(
    r"\bno (?:splitting|partial \w+|split\w*)|\b(?:not|never|cannot|can't|may not) be (?:split|divided|partitioned)\b|"
    r"\bwithout (?:splitting|being split)\b|\bindivisible\b",
    re.IGNORECASE,
)
"""... unless the text says they may not: "(whole task, no splitting)", "tasks cannot be split"."""
_FIXED = re.compile(r"\bmust\b|\bcannot\b|\bcan't\b|\bmay not\b|\bhas to\b|\bonly\b|\bnot allowed\b|\bforbidden\b", re.IGNORECASE)
_NOT_OF = {"local_energy": re.compile(r"transmit|\btx\b|uplink|upload|radio", re.IGNORECASE)}
"""Columns that a field's words match but that hold another quantity: a transmit power is no local computing power
(dev30-mec-01 on the 1.5B read the transmit powers as both)."""
_WEIGHT = re.compile(r"\bweight\w*|\btrade-?off\b", re.IGNORECASE)
_COLUMN_WORDS = {
    "local_cpu": re.compile(r"\bCPU\b|GHz|MHz|frequenc|speed|clock", re.IGNORECASE),
    "deadline": re.compile(r"deadline|latency|delay|\(m?s\)|time", re.IGNORECASE),
    "energy_budget": re.compile(r"energy|battery|budget|\(m?J\)", re.IGNORECASE),
    "local_energy": re.compile(r"power|energy|kappa|κ|capacitance|\((?:m?W|[nm]?J/\w+)\)", re.IGNORECASE),
    "transmit_power": re.compile(r"power|\(m?W\)|dBm", re.IGNORECASE),
    "weight": re.compile(r"weight", re.IGNORECASE),
}
_KAPPA = re.compile(
    rf"(?:\bkappa\b|κ|\bswitched capacitance\b)\s*(?:\([^)]*\)\s*)?(?:=|\bis\b|\bof\b|:)\s*(?P<value>{NUMBER.pattern})",
    re.IGNORECASE,
)
_CAPACITANCE_AT_MOST = 1e-15
"""A switched capacitance is of the order of 10^-27 .. 10^-28 (energy per cycle per Hz^2); a larger number after
"kappa =" is no capacitance."""
_TASK_COLUMN = re.compile(r"cycle|CPU|workload|computation|data|input", re.IGNORECASE)


def _stated_kappa(data: TextData) -> tuple[float, str] | None:
    """The one switched capacitance the text states for every device ("costs kappa x f^2 x C joules, with kappa =
    10^-27") and its sentence. Then the local energy is kappa c f^2 whatever the binding chose: the 1.5B model typed
    dev30-mec-01's kappa as computing powers in mW (1e15, then the transmit powers) or left it out, every round."""
    found = {
        (float(m.group("value")), sentence)
        for sentence in data.sentences()
        for m in _KAPPA.finditer(plain_numbers(sentence))
        if 0 < float(m.group("value")) <= _CAPACITANCE_AT_MOST
    }
    return next(iter(found)) if len({value for value, _ in found}) == 1 else None


_NEGLIGIBLE = re.compile(r"\bnegligible\b|\bneglected\b|\bignored?\b|\btakes? no time\b", re.IGNORECASE)
_EDGE_TIME = re.compile(r"\b(?:processing|computing|computation|execution|compute) (?:time|delay|latency)\b", re.IGNORECASE)


def _edge_time_negligible(data: TextData) -> bool:
    """Does the text call the edge's computing time negligible ("The edge server's processing time and the result
    download are negligible")? Then an offloaded part waits for its upload only, whatever speed the binding gives: the
    1.5B typed dev30-mec-04's edge budget of 3.6 Gcycles as a speed of 3.6 GHz, a latency the text does not have."""
    return any(_EDGE.search(s) and _EDGE_TIME.search(s) and _NEGLIGIBLE.search(s) for s in data.sentences())


def _says_equal_share(data: TextData) -> bool:
    """Does the text share the edge CPU equally ("shared equally by all offloaded tasks: each gets 12/n GHz")? Then
    that is the model, whatever the binding chose: the best split would be a different, lower answer."""
    return any(_SHARED.search(s) and _EDGE.search(s) and _EQUAL_SHARE.search(s) for s in data.sentences())


class OffloadingParams(BaseModel):
    tasks: list[str] = Field(min_length=1)
    data_mbit: dict[str, float] = Field(description="input data uploaded when offloaded", json_schema_extra={"unit": "Mbit"})
    cycles_g: dict[str, float] = Field(description="computation of the task", json_schema_extra={"unit": "Gcycle"})
    uplink_mbps: dict[str, float] = Field(json_schema_extra={"unit": "Mbit/s"})
    local_cpu_ghz: dict[str, float] = Field(description="CPU speed of each task's device", json_schema_extra={"unit": "GHz"})
    edge_cpu_ghz: float | None = Field(
        default=None,
        gt=0,
        description="edge CPU speed of one task, or of the whole server when shared; None: the edge's computing time is "
        "negligible",
        json_schema_extra={"unit": "GHz"},
    )
    edge_cpu: EdgeCpu = PER_TASK
    objective: Objective = ENERGY
    local_energy_kind: LocalEnergy | None = None
    local_energy: dict[str, float] | None = Field(
        default=None, description="computing power (W), energy per cycle (J/Gcycle) or kappa, per task's device"
    )
    transmit_power_w: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "W"})
    deadline_ms: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "ms"})
    energy_budget_j: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": "J"})
    edge_capacity_g: float | None = Field(
        default=None, ge=0, description="cycles the edge can run", json_schema_extra={"unit": "Gcycle"}
    )
    max_offloaded: int | None = Field(default=None, ge=0, description="most tasks offloaded at once (containers)")
    partial: list[str] = Field(default_factory=list, description="tasks that may be split between device and edge")
    run_locally: list[str] = Field(default_factory=list)
    offloaded: list[str] = Field(default_factory=list)
    latency_weight: dict[str, float] | None = Field(default=None, description="cost per ms of each task's latency")
    energy_weight: dict[str, float] | None = Field(default=None, description="cost per J of each device's energy")

    @model_validator(mode="after")
    def _consistent(self) -> OffloadingParams:
        tasks = set(self.tasks)
        per_task = {
            "data": self.data_mbit, "cycles": self.cycles_g, "uplink rate": self.uplink_mbps,
            "device CPU frequency": self.local_cpu_ghz, "local energy": self.local_energy,
            "transmit power": self.transmit_power_w, "deadline": self.deadline_ms, "energy budget": self.energy_budget_j,
            "latency weight": self.latency_weight, "energy weight": self.energy_weight,
        }  # fmt: skip
        for name, column in per_task.items():
            if column is not None and set(column) != tasks:
                raise ValueError(f"the {name} values must name exactly the tasks {', '.join(self.tasks)}")
        for name, column in (("data", self.data_mbit), ("uplink rate", self.uplink_mbps), ("device CPU", self.local_cpu_ghz)):
            if any(v <= 0 for v in column.values()):
                raise ValueError(f"every task's {name} must be positive")
        unknown = [k for k in (*self.partial, *self.run_locally, *self.offloaded) if k not in tasks]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not tasks of the table")
        both = set(self.run_locally) & set(self.offloaded)
        if both:
            raise ValueError(f"{', '.join(sorted(both))} cannot both run locally and be offloaded")
        if self.uses_energy and (self.local_energy is None or self.local_energy_kind is None or self.transmit_power_w is None):
            raise ValueError("the devices' energy needs the local computing power (or energy per cycle) and the transmit power")
        if self.objective == WEIGHTED and (self.latency_weight is None or self.energy_weight is None):
            raise ValueError("the weighted sum needs a weight for latency and a weight for energy")
        if self.edge_cpu in (SHARED, EQUAL) and self.edge_cpu_ghz is None:
            raise ValueError("an edge CPU shared by the offloaded tasks needs its speed")
        if self.edge_cpu in (SHARED, EQUAL) and self.partial:
            raise ValueError("a shared edge CPU is modelled for whole tasks only; the text splits tasks as well")
        return self

    @property
    def uses_energy(self) -> bool:
        return self.objective in (ENERGY, WEIGHTED) or self.energy_budget_j is not None

    def local_ms(self, task: str) -> float:
        """Latency (ms) of the whole task on its device."""
        return 1000 * self.cycles_g[task] / self.local_cpu_ghz[task]

    def upload_ms(self, task: str) -> float:
        return 1000 * self.data_mbit[task] / self.uplink_mbps[task]

    def edge_ms(self, task: str, cpu_ghz: float | None = None) -> float:
        """Latency (ms) of the whole task uploaded and computed on the edge (at `cpu_ghz`, default the per-task speed)."""
        speed = self.edge_cpu_ghz if cpu_ghz is None else cpu_ghz
        if speed is None:  # the text calls the edge's computing time negligible
            return self.upload_ms(task)
        compute = 1000 * self.cycles_g[task] / speed if speed > 0 else float("inf")
        return self.upload_ms(task) + compute

    def local_j(self, task: str) -> float:
        """Device energy (J) of the whole task computed locally."""
        assert self.local_energy is not None
        value, cycles, ghz = self.local_energy[task], self.cycles_g[task], self.local_cpu_ghz[task]
        if self.local_energy_kind == "computing power":
            return value * cycles / ghz
        if self.local_energy_kind == "energy per cycle":
            return value * cycles  # J/Gcycle x Gcycle
        return value * (cycles * 1e9) * (ghz * 1e9) ** 2  # kappa c f^2

    def offload_j(self, task: str) -> float:
        """Device energy (J) of uploading the whole task."""
        assert self.transmit_power_w is not None
        return self.transmit_power_w[task] * self.upload_ms(task) / 1000

    def latency_ms(self, task: str, share: float, cpu_ghz: float | None = None) -> float:
        return max((1 - share) * self.local_ms(task), share * self.edge_ms(task, cpu_ghz) if share > 0 else 0.0)

    def energy_j(self, task: str, share: float) -> float:
        return (1 - share) * self.local_j(task) + share * self.offload_j(task)


class MecOffloading(Template[OffloadingParams]):
    id = "mec_offloading"
    family = "mec_offloading"
    problem_class = "MILP"
    title = (
        "MEC computation offloading: offload whole tasks or shares of them to the edge server to minimize device energy, "
        "latency (total, average, worst) or a weighted energy-latency cost"
    )
    objectives = measures(
        {
            ENERGY: Measure("min", "the total energy the devices spend", "J"),
            TOTAL: Measure("min", "the total latency of the tasks", "ms"),
            AVERAGE: Measure("min", "the average latency of the tasks", "ms"),
            WORST: Measure("min", "the largest latency of a task", "ms"),
            WEIGHTED: Measure("min", "the total weighted cost of the tasks' latency and energy"),
        }
    )
    description = (
        "Mobile devices have computation tasks, each with input data size, required CPU cycles and often a deadline. A "
        "task is either computed locally on the device CPU or offloaded: its data is uploaded over the wireless uplink "
        "and computed on the mobile edge computing (MEC) server, whose computing capacity is limited. Binary offloading "
        "decisions, or partial offloading: a fraction of a task's input bits is offloaded and processed at the edge "
        "while the rest runs locally in parallel (task splitting). Minimize the devices' total energy consumption, the "
        "total, average or worst-case latency, or a weighted sum of latency and energy, meeting deadlines, battery "
        "energy budgets, the edge server's CPU cycle budget, a limited number of containers, with the edge CPU shared "
        "among the offloaded tasks. Edge computing, task offloading."
    )
    math = r"""
\textbf{Parameters: } d_k \text{ (Mbit)},\ c_k \text{ (Gcycles)},\ r_k \text{ uplink (Mbit/s)},\ f^{\ell}_k,\ f^{e} \text{ (GHz)},
\ E^{\ell}_k = P^{c}_k c_k/f^{\ell}_k \ (\text{or } \varepsilon_k c_k,\ \kappa_k c_k (f^{\ell}_k)^2),\ E^{o}_k = P^{tx}_k d_k/r_k
\\ t^{\ell}_k = 1000\,c_k/f^{\ell}_k,\quad t^{o}_k = 1000\,(d_k/r_k + c_k/f^{e}) \ (\text{ms})
\\ \textbf{Variables: } s_k \in \{0,1\} \ (\text{or } [0,1] \text{ for a task that may be split}),\ T_k \ge 0
\\ T_k \ge (1-s_k)\,t^{\ell}_k,\quad T_k \ge s_k\,t^{o}_k,\quad E_k = (1-s_k)E^{\ell}_k + s_k E^{o}_k
\\ \min\ \textstyle\sum_k E_k \mid \sum_k T_k \mid \tfrac1K\sum_k T_k \mid \max_k T_k \mid \sum_k (w^T_k T_k + w^E_k E_k)
\\ \text{optional: } T_k \le D_k,\ E_k \le B_k,\ \textstyle\sum_k c_k s_k \le C,\ \sum_k o_k \le N\ (s_k \le o_k \in\{0,1\}),
\ s_k = 0 \text{ or } 1 \text{ (fixed)}
\\ \text{shared edge CPU: } \textstyle\sum_k f_k \le F,\ s_k^2 c_k \le e_k f_k,\ T_k \ge 1000\,s_k d_k/r_k + e_k
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
        "Three devices each have a task that can be split: any fraction of its input bits can be offloaded to the edge "
        "server and processed there while the rest runs locally in parallel.\n\n"
        "| task | data (Mbit) | cycles (Gcycles) | uplink rate (Mbit/s) |\n|---|---|---|---|\n"
        "| J1 | 4 | 2.0 | 20 |\n| J2 | 10 | 1.0 | 25 |\n| J3 | 2 | 3.0 | 10 |\n\n"
        "Each device computes at 1 GHz; the edge server gives each task 4 GHz and can process at most 3 Gcycles in "
        "total. Choose the offloaded fractions to minimize the sum of the task latencies.",
        "Five IoT devices may offload their jobs to an edge server whose 12 GHz CPU is shared among the offloaded jobs. "
        "A device computes locally at 1.5 GHz, spending 1.2 J per Gcycle, and transmits at 0.5 W; its battery allows "
        "at most the energy in the table.\n\n"
        "| job | data (Mbit) | cycles (Gcycles) | uplink rate (Mbit/s) | energy budget (J) |\n|---|---|---|---|---|\n"
        "| D1 | 3 | 1.2 | 15 | 1.5 |\n| D2 | 6 | 0.6 | 30 | 0.8 |\n| D3 | 2 | 2.4 | 10 | 2.0 |\n| D4 | 5 | 0.9 | 25 | 1.2 |\n"
        "| D5 | 1 | 1.8 | 5 | 1.5 |\n\n"
        "At most three jobs can be offloaded (three containers). Decide which jobs to offload, and how the edge CPU is "
        "divided among them, to minimize the average job latency.",
    )
    tags = (
        "MILP", "mec_offloading", "edge computing", "MEC", "offloading", "partial offloading", "task splitting",
        "energy", "latency", "deadline", "battery", "weighted cost", "containers", "knapsack",
    )  # fmt: skip
    params_model = OffloadingParams
    structural_constraints = frozenset({"local_part", "edge_part", "worst_bound", "offloaded_if_any", "edge_compute"})

    # ---------------------------------------------------------------------------------------------- binding

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        tasks = _tasks(data)
        count = len(tasks)
        one = tasks == [ONE_TASK]
        cycle_units = [*CYCLE_UNITS, PER_BIT] if data.says(_PER_BIT) else CYCLE_UNITS
        properties: dict[str, Any] = {
            "objective": {"enum": list(get_args(Objective)), "description": "what the question asks to minimize"},
            "data_size": _task_schema("task's input data", DATA_UNITS, data, one),
            "cpu_cycles": _task_schema("task's required CPU cycles", cycle_units, data, one),
            "uplink_rate": _task_schema("device's uplink rate", RATE_UNITS, data, one),
            "local_cpu_frequency": _per_task("device CPU frequency", FREQUENCY_UNITS, data, count, "local_cpu"),
        }
        if not _edge_time_negligible(data):
            properties["edge_cpu_frequency"] = quantity_schema("edge server CPU frequency", FREQUENCY_UNITS)
        if data.says_together(_SHARED, _EDGE):
            properties["edge_cpu"] = {"enum": list(get_args(EdgeCpu)), "description": "how offloaded tasks use the edge CPU"}
        if data.says(_ENERGY) and _stated_kappa(data) is None:
            properties["local_energy"] = _per_task(
                "device energy for local computing: its computing power, its energy per CPU cycle, or kappa",
                LOCAL_ENERGY_UNITS, data, count, "local_energy",
            )  # fmt: skip
        if data.says(_ENERGY):
            properties["transmit_power"] = _per_task("device transmit power", POWER_UNITS, data, count, "transmit_power")
        if data.says(_DEADLINE):
            properties["deadline"] = _per_task("each task's deadline (none if not given)", TIME_UNITS, data, count, "deadline")
        if data.says_together(_ENERGY, _BUDGET):
            properties["energy_budget"] = _per_task(
                "most energy each device may spend (battery); none if not given", ENERGY_UNITS, data, count, "energy_budget"
            )
        if data.says_together(_CYCLES, _EDGE_BUDGET):
            properties["edge_capacity"] = {
                "type": "object",
                "description": "total cycles the edge server can process; value null if unlimited",
                "properties": {"value": {"type": ["number", "null"]}, "unit": {"enum": CYCLE_UNITS}},
                "required": ["value", "unit"],
            }
        if data.says(_CAP):
            properties["max_offloaded_tasks"] = {
                "type": ["integer", "null"],
                "description": "most tasks that may be offloaded (containers, slots); null if no such limit",
            }
        if any(_PARTIAL.search(_NOT_SPLIT.sub("", sentence)) for sentence in data.sentences()):
            properties["splittable_tasks"] = {
                "type": "array",
                "items": {"enum": [EVERY_TASK, *tasks]},
                "description": "tasks whose input may be split between the device and the edge (empty if none)",
            }
        if tasks != [ONE_TASK] and any(_FIXED.search(s) and _names_any(s, tasks) for s in data.sentences()):
            for key, what in (
                ("run_locally", "must run on their device (cannot be offloaded)"),
                ("must_offload", "must be offloaded"),
            ):
                properties[key] = {"type": "array", "items": {"enum": tasks}, "description": f"tasks that {what}"}
        if data.says(_WEIGHT):
            properties["weights"] = {
                "type": "object",
                "description": "weights of the cost: one per unit of latency and one per unit of energy",
                "properties": {
                    "latency": _per_task("weight of latency", ["per s", "per ms"], data, count, "weight"),
                    "energy": _per_task("weight of energy", ["per J", "per mJ"], data, count, "weight"),
                },
                "required": ["latency", "energy"],
            }
        return binding_object("mec_offloading_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        """The parameters the binding points at; only the numbers this variant uses go into the spec."""
        objective = variant(binding, "objective", get_args(Objective), ENERGY)
        one = _tasks(data) == [ONE_TASK]
        data_mbit = _task_values(binding.get("data_size"), "Mbit", "data size", data, spec, one)
        cycles = _cycles(binding.get("cpu_cycles"), data_mbit, data, spec, one)
        tasks = list(cycles)
        values: dict[str, Any] = {
            "tasks": tasks,
            "objective": objective,
            "cycles_g": cycles,
            "data_mbit": data_mbit,
            "uplink_mbps": _task_values(binding.get("uplink_rate"), "Mbit/s", "uplink rate", data, spec, one),
            "local_cpu_ghz": _read_per_task(binding.get("local_cpu_frequency"), tasks, "GHz", "device CPU frequency", data, spec),
            "edge_cpu_ghz": None
            if _edge_time_negligible(data)
            else read_quantity(binding.get("edge_cpu_frequency"), "GHz", "edge CPU frequency", spec),
            "edge_cpu": EQUAL if _says_equal_share(data) else binding.get("edge_cpu") or PER_TASK,
        }
        partial = [str(k) for k in binding.get("splittable_tasks") or []]
        values["partial"] = list(tasks) if EVERY_TASK in partial else list(dict.fromkeys(partial))
        values["run_locally"] = list(dict.fromkeys(str(k) for k in binding.get("run_locally") or []))
        values["offloaded"] = list(dict.fromkeys(str(k) for k in binding.get("must_offload") or []))
        deadline = _read_per_task(binding.get("deadline"), tasks, "ms", "deadline", data, spec, optional=True)
        budget = _read_per_task(binding.get("energy_budget"), tasks, "J", "energy budget", data, spec, optional=True)
        values |= {"deadline_ms": deadline, "energy_budget_j": budget}
        capacity = binding.get("edge_capacity")
        if isinstance(capacity, dict) and capacity.get("value") is not None:
            values["edge_capacity_g"] = read_quantity(capacity, "Gcycle", "edge capacity", spec)
        cap = binding.get("max_offloaded_tasks")
        if cap is not None:
            values["max_offloaded"] = int(cap)
            spec.append(SpecItem("most offloaded tasks", float(cap), "stated in the text, copied by the model"))
        if objective in (ENERGY, WEIGHTED) or budget is not None:
            values |= _read_energy(binding, tasks, data, spec)
        if objective == WEIGHTED:
            found = binding.get("weights")
            weights: dict[str, Any] = found if isinstance(found, dict) else {}
            values["latency_weight"] = _read_weight(weights.get("latency"), tasks, "ms", "latency weight", data, spec)
            values["energy_weight"] = _read_weight(weights.get("energy"), tasks, "J", "energy weight", data, spec)
        return values

    # ---------------------------------------------------------------------------------------------- model

    def build_model(self, params: OffloadingParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.K = pyo.Set(initialize=params.tasks, ordered=True)
        whole = [k for k in params.tasks if k not in params.partial]
        m.share = pyo.Var(m.K, bounds=(0, 1), doc="share of the task offloaded to the edge server (1: all of it)")
        for k in whole:
            m.share[k].domain = pyo.Binary
        m.latency = pyo.Var(m.K, bounds=(0, None), doc="latency of the task (ms)")
        m.local_part = pyo.Constraint(
            m.K, rule=lambda m, k: m.latency[k] >= (1 - m.share[k]) * params.local_ms(k), doc="task {i} waits for its local part"
        )
        if params.edge_cpu == SHARED:
            self._shared_edge(m, params)
        elif params.edge_cpu == EQUAL:
            self._equal_edge(m, params)
        else:
            m.edge_part = pyo.Constraint(
                m.K, rule=lambda m, k: m.latency[k] >= m.share[k] * params.edge_ms(k), doc="task {i} waits for its offloaded part"
            )
        if params.uses_energy:
            m.energy = pyo.Expression(
                m.K, rule=lambda m, k: (1 - m.share[k]) * params.local_j(k) + m.share[k] * params.offload_j(k),
                doc="energy the task's device spends (J)",
            )  # fmt: skip
        self._constraints(m, params)
        self._objective(m, params)
        return m

    @staticmethod
    def _shared_edge(m: pyo.ConcreteModel, params: OffloadingParams) -> None:
        m.cpu = pyo.Var(m.K, bounds=(0, params.edge_cpu_ghz), doc="edge CPU speed given to the task (GHz)")
        m.edge_time = pyo.Var(m.K, bounds=(0, None), doc="time the task computes on the edge (ms)")
        m.cpu_shared = pyo.Constraint(
            expr=sum(m.cpu[k] for k in m.K) <= params.edge_cpu_ghz, doc="the offloaded tasks share the edge server's CPU"
        )
        m.edge_compute = pyo.Constraint(
            m.K,
            rule=lambda m, k: 1000 * params.cycles_g[k] * m.share[k] ** 2 <= m.edge_time[k] * m.cpu[k],
            doc="task {i} computes on the edge at the CPU speed it gets",
        )
        m.edge_part = pyo.Constraint(
            m.K,
            rule=lambda m, k: m.latency[k] >= m.share[k] * params.upload_ms(k) + m.edge_time[k],
            doc="task {i} waits for its upload and its edge computation",
        )

    @staticmethod
    def _equal_edge(m: pyo.ConcreteModel, params: OffloadingParams) -> None:
        """n offloaded tasks each compute at speed / n: task k's edge time is c_k n / F, and n s_k = sum_j s_k s_j,
        each product of binaries bounded below by s_k + s_j - 1 (the latency only needs it from below)."""
        speed = params.edge_cpu_ghz
        assert speed is not None  # a shared edge CPU has its speed (OffloadingParams)
        m.both = pyo.Var(m.K, m.K, bounds=(0, 1), doc="tasks {i} and {j} are both offloaded")
        m.both_lower = pyo.Constraint(
            m.K, m.K, rule=lambda m, k, j: m.both[k, j] >= m.share[k] + m.share[j] - 1, doc="both offloaded"
        )
        m.edge_part = pyo.Constraint(
            m.K,
            rule=lambda m, k: (
                m.latency[k]
                >= m.share[k] * params.upload_ms(k) + 1000 * params.cycles_g[k] / speed * sum(m.both[k, j] for j in m.K)
            ),
            doc="task {i} waits for its upload and its share of the edge CPU",
        )

    @staticmethod
    def _constraints(m: pyo.ConcreteModel, params: OffloadingParams) -> None:
        if params.deadline_ms is not None:
            deadline = params.deadline_ms
            m.deadline = pyo.Constraint(
                m.K, rule=lambda m, k: m.latency[k] <= deadline[k], doc="task {i} finishes by its deadline"
            )
        if params.energy_budget_j is not None:
            budget = params.energy_budget_j
            m.energy_budget = pyo.Constraint(
                m.K, rule=lambda m, k: m.energy[k] <= budget[k], doc="device {i} spends no more than its energy budget"
            )
        if params.edge_capacity_g is not None:
            m.edge_capacity = pyo.Constraint(
                expr=sum(params.cycles_g[k] * m.share[k] for k in m.K) <= params.edge_capacity_g,
                doc="the offloaded cycles fit the edge server's CPU capacity",
            )
        if params.max_offloaded is not None:
            split = list(params.partial)
            if split:
                m.any_offloaded = pyo.Var(split, domain=pyo.Binary, doc="some of the task is offloaded")
                m.offloaded_if_any = pyo.Constraint(
                    split, rule=lambda m, k: m.share[k] <= m.any_offloaded[k], doc="a split task counts as offloaded"
                )
            counted = sum(m.any_offloaded[k] if k in split else m.share[k] for k in m.K)
            m.max_offloaded = pyo.Constraint(
                expr=counted <= params.max_offloaded, doc="no more tasks are offloaded than the edge can host"
            )
        if params.run_locally:
            m.run_locally = pyo.Constraint(
                params.run_locally, rule=lambda m, k: m.share[k] == 0, doc="task {i} runs on its device"
            )
        if params.offloaded:
            m.must_offload = pyo.Constraint(
                params.offloaded, rule=lambda m, k: m.share[k] == 1, doc="task {i} is offloaded to the edge server"
            )

    @staticmethod
    def _objective(m: pyo.ConcreteModel, params: OffloadingParams) -> None:
        if params.objective == ENERGY:
            m.objective = pyo.Objective(expr=sum(m.energy[k] for k in m.K), sense=pyo.minimize)
        elif params.objective == TOTAL:
            m.objective = pyo.Objective(expr=sum(m.latency[k] for k in m.K), sense=pyo.minimize)
        elif params.objective == AVERAGE:
            m.objective = pyo.Objective(expr=sum(m.latency[k] for k in m.K) / len(params.tasks), sense=pyo.minimize)
        elif params.objective == WORST:
            m.worst = pyo.Var(bounds=(0, None), doc="the largest latency (ms)")
            m.worst_bound = pyo.Constraint(
                m.K, rule=lambda m, k: m.latency[k] <= m.worst, doc="task {i}'s latency is at most the worst"
            )
            m.objective = pyo.Objective(expr=m.worst, sense=pyo.minimize)
        else:
            wt, we = params.latency_weight or {}, params.energy_weight or {}
            m.objective = pyo.Objective(expr=sum(wt[k] * m.latency[k] + we[k] * m.energy[k] for k in m.K), sense=pyo.minimize)

    # ---------------------------------------------------------------------------------------------- reading the answer

    def shares(self, params: OffloadingParams, solution: dict[str, float]) -> dict[str, float]:
        return {k: min(1.0, max(0.0, solution.get(f"share[{k}]", 0.0))) for k in params.tasks}

    def edge_speeds(self, params: OffloadingParams, solution: dict[str, float]) -> dict[str, float | None]:
        if params.edge_cpu == SHARED:
            return {k: max(0.0, solution.get(f"cpu[{k}]", 0.0)) for k in params.tasks}
        if params.edge_cpu == EQUAL and params.edge_cpu_ghz is not None:
            offloaded = sum(1 for share in self.shares(params, solution).values() if share > 0.5)
            return dict.fromkeys(params.tasks, params.edge_cpu_ghz / max(1, offloaded))
        return dict.fromkeys(params.tasks, params.edge_cpu_ghz)

    def objective_value(
        self, params: OffloadingParams, shares: dict[str, float], speeds: dict[str, float | None] | None = None
    ) -> float:
        """The objective recomputed from the shares (and edge speeds) alone, without the model."""
        speed = speeds or dict.fromkeys(params.tasks, params.edge_cpu_ghz)
        latency = {k: params.latency_ms(k, shares[k], speed[k]) for k in params.tasks}
        if params.objective == ENERGY:
            return sum(params.energy_j(k, shares[k]) for k in params.tasks)
        if params.objective == TOTAL:
            return sum(latency.values())
        if params.objective == AVERAGE:
            return sum(latency.values()) / len(params.tasks)
        if params.objective == WORST:
            return max(latency.values())
        wt, we = params.latency_weight or {}, params.energy_weight or {}
        return sum(wt[k] * latency[k] + we[k] * params.energy_j(k, shares[k]) for k in params.tasks)

    def solution_table(self, params: OffloadingParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        shares, speeds = self.shares(params, solution), self.edge_speeds(params, solution)
        rows: list[dict[str, Any]] = []
        for k in params.tasks:
            share = shares[k]
            where = "edge" if share > 1 - 1e-6 else "device" if share < 1e-6 else "split"
            row: dict[str, Any] = {"task": k, "where": where, "latency (ms)": params.latency_ms(k, share, speeds[k])}
            if params.partial:
                row["offloaded share"] = share
            if params.edge_cpu in (SHARED, EQUAL):
                row["edge CPU (GHz)"] = speeds[k]
            if params.uses_energy:
                row["energy (J)"] = params.energy_j(k, share)
            rows.append(row)
        return rows

    def formulation_summary(self, params: OffloadingParams) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "tasks": params.tasks,
            "objective": params.objective,
            "offloading": "whole tasks" if not params.partial else f"may be split: {', '.join(params.partial)}",
            "edge CPU": f"{params.edge_cpu_ghz:g} GHz, {params.edge_cpu}"
            if params.edge_cpu_ghz is not None
            else "computing time negligible",
        }
        groups = {
            "deadlines (ms)": params.deadline_ms,
            "energy budgets (J)": params.energy_budget_j,
            "edge capacity (Gcycles)": params.edge_capacity_g,
            "most offloaded tasks": params.max_offloaded,
            "local energy": params.local_energy_kind,
        }
        summary |= {name: value for name, value in groups.items() if value is not None}
        if params.run_locally:
            summary["run locally"] = params.run_locally
        if params.offloaded:
            summary["must be offloaded"] = params.offloaded
        return summary


TEMPLATE = MecOffloading()


# -------------------------------------------------------------------------------------------------- reading the text


def _tasks(data: TextData) -> list[str]:
    """The tasks: the rows of the tables that hold the tasks' cycles or data (else every table's rows), or a list's
    names; in a text with neither, its one task (`ONE_TASK`, its numbers in prose: dev30-mec-02's one frame, split
    between the headset and the edge, was left to the free-form path, which the 1.5B could not write)."""
    tables = [t for t in data.tables if t.rows and any(_TASK_COLUMN.search(c) for c in t.columns)] or list(data.tables)
    names = [r for t in tables for r in t.rows] or [k for n in data.lists for k in n.values]
    return list(dict.fromkeys(names)) or [ONE_TASK]


def _task_schema(what: str, units: list[str], data: TextData, one: bool) -> dict[str, Any]:
    """A value per task from a list or a table column, or the one task's number."""
    return quantity_schema(f"the {what}", units) if one else series_schema(f"each {what}", units, data)


def _task_values(entry: Any, target: str, name: str, data: TextData, spec: list[SpecItem], one: bool) -> dict[str, float]:
    """A value per task in `target`: the one task's number, or a list or table column."""
    if one:
        return {ONE_TASK: read_quantity(entry, target, name, spec)}
    found = read_series(entry, target, name, data, spec)
    assert found is not None  # not optional
    return found


def _cycles(entry: Any, data_mbit: dict[str, float], data: TextData, spec: list[SpecItem], one: bool) -> dict[str, float]:
    """Each task's computation in Gcycles: as stated, or cycles per bit times its input bits."""
    if not (isinstance(entry, dict) and entry.get("unit") == PER_BIT):
        return _task_values(entry, "Gcycle", "CPU cycles", data, spec, one)
    per_bit = _task_values(entry, PER_BIT, "CPU cycles per bit", data, spec, one)
    if missing := [k for k in per_bit if k not in data_mbit]:
        raise AssemblyError(f"CPU cycles per bit: no data size for {', '.join(missing)}")
    return {k: cycles * data_mbit[k] * 1e6 / 1e9 for k, cycles in per_bit.items()}


def _names_any(sentence: str, names: list[str]) -> bool:
    """Does the sentence name a task? A task named by a bare number only after a noun ("task 3", "tasks 1, 2 and
    5"), not as a count: dev30-mec-01's "at most 3 tasks can be offloaded" offered the 1.5B model lists of tasks that
    must run locally or be offloaded, which it filled with tasks the text never names. Nor the whole of a decimal:
    dev30-mec-04's "must be done within 1.5 s" named task 1 (the 1.5B then put every task in both lists)."""
    worded = [n for n in names if not n.isdigit()]
    numbered = [n for n in names if n.isdigit()]
    return names_any(sentence, worded) or any(re.search(_AFTER_A_NOUN + rf"(?<!\d){n}(?!\w|\.\d)", sentence) for n in numbered)


_AFTER_A_NOUN = r"\b(?!(?:most|least|than|only|to|up|of|by|and|or|the|all)\b)[A-Za-z]{3,}\s+(?:\d+(?:\s*,\s*|\s+(?:and|or)\s+))*"
"""A noun, then perhaps numbers before the last of a list ("tasks 1, 2 and "): where a bare number names a task."""


def _per_task(description: str, units: list[str], data: TextData, count: int, words: str) -> dict[str, Any]:
    """One number for every task, or one per task (in order, or from a list or table column whose header fits `words`)."""
    fitting = [
        c
        for c in series_choices(data, units)
        if _COLUMN_WORDS[words].search(label := _source_label(c, data))
        and not ((other := _NOT_OF.get(words)) and other.search(label))
    ]
    return per_element_schema(description, units, data, count, sources=fitting)


def _source_label(choice: str, data: TextData) -> str:
    if ": " in choice:
        return choice.partition(": ")[2]
    return next((n.label for n in data.lists if n.id == choice), choice)


def _read_per_task(
    entry: Any, tasks: list[str], target: str, name: str, data: TextData, spec: list[SpecItem], optional: bool = False
) -> dict[str, float] | None:
    if optional and (not isinstance(entry, dict) or (entry.get("list") in (None, "none") and not entry.get("values"))):
        return None
    return read_per_element(entry, tasks, target, name, data, spec)


def _read_energy(binding: dict[str, Any], tasks: list[str], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
    """The local-energy model (the kappa the text states, else by the unit the binding picked) and the transmit
    power, per task."""
    stated = _stated_kappa(data)
    if stated is not None:
        kind, (kappa, sentence) = "switched capacitance", stated
        spec.append(SpecItem(KAPPA, kappa, f"read by code from '{sentence.strip()}'"))
        local = dict.fromkeys(tasks, kappa)
    else:
        entry = binding.get("local_energy")
        if not isinstance(entry, dict):
            raise AssemblyError("the devices' energy needs the local computing power, energy per cycle or kappa")
        unit = str(entry.get("unit") or "W")
        if unit == KAPPA:
            kind, target, entry = "switched capacitance", "linear", {**entry, "unit": "linear"}
        elif "cycle" in unit:
            kind, target = "energy per cycle", "J/Gcycle"
        else:
            kind, target = "computing power", "W"
        local = read_per_element(entry, tasks, target, f"local {kind}", data, spec)
    transmit = read_per_element(binding.get("transmit_power"), tasks, "W", "transmit power", data, spec)
    return {"local_energy_kind": kind, "local_energy": local, "transmit_power_w": transmit}


def _read_weight(entry: Any, tasks: list[str], per: str, name: str, data: TextData, spec: list[SpecItem]) -> dict[str, float]:
    """A cost weight per task, as a cost per `per` (ms or J): a weight 'per s' of 0.5 is 0.0005 per ms."""
    if not isinstance(entry, dict):
        raise AssemblyError(f"{name}: the binding gives no weight")
    stated = str(entry.get("unit") or f"per {per}").removeprefix("per ").strip()
    raw = read_per_element({**entry, "unit": "linear"}, tasks, "linear", name, data, spec)
    try:
        factor = convert(1.0, per, stated)  # one `per` expressed in the stated unit
    except UnitError as exc:
        raise AssemblyError(f"{name}: {exc}") from exc
    return {k: v * factor for k, v in raw.items()}
