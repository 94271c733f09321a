"""Channel allocation for interfering access points / cells / links: least co-channel penalty, fewest channels, or
the largest smallest SINR.

A square table over the access points gives what each suffers from each other one when they share a channel:
interference weights (a conflict graph, 1 = they interfere) or received powers (dBm or mW, the access point's own
signal on the diagonal). x[a,k] binary puts access point a on channel k; z[a,b] >= x[a,k] + x[b,k] - 1 is 1 when
the pair shares a channel. Variants, chosen by fields of the binding:

- **least total co-channel penalty** with K channels: min sum w_ab z_ab (received powers: both directions count);
- **fewest channels** with no interfering pair on one channel (graph colouring, u[k] per candidate channel), or,
  with received powers and a minimum SINR, the fewest channels on which every link still reaches that SINR;
- **largest smallest SINR** with K channels and received powers: SINR_a = S_a / (N + sum_b I_ab z_ab). Scaled by the
  noise and by T = min_a S_a / N (no SINR exceeds a link's SNR), t' = t / T and y_ab = t' z_ab lie in [0, 1], and
  y_ab >= t' - (1 - z_ab) makes the product exact for binary z: t' T + sum_b (I_ab / N) T y_ab <= S_a / N is linear,
  an MILP whose objective T t' is the smallest SINR itself;
- **a minimum SINR** for every link (received powers): sum_b I_ab z_ab <= S_a / gamma - N, linear, with any objective.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template, binding_object
from knowledge_base.templates import _cues as cue
from knowledge_base.templates import _tabular as tab
from knowledge_base.templates._radio import POWER_UNITS, ratio_units
from knowledge_base.templates._stated_quantities import LINEAR, convert_stated, given, quantity_schema, read_quantity
from tools.question import Measure, measures
from tools.textdata import TextData, counted_nouns

Objective = Literal[
    "least total co-channel interference with the given channels",
    "fewest channels with no interfering pair sharing one",
    "largest smallest SINR with the given channels",
]
LEAST, FEWEST, MAX_MIN_SINR = get_args(Objective)
Holds = Literal["interference weights (0 = none)", "received powers (each access point's own signal on the diagonal)"]
WEIGHTS, POWERS = get_args(Holds)
PW_PER_MW = 1e9


class InterferenceAllocationParams(BaseModel):
    access_points: list[str] = Field(min_length=2)
    interference: dict[str, dict[str, float]] = Field(
        description="interference[a][b] >= 0 that a suffers from b on a shared channel (weight or received mW); 0: none"
    )
    signal_mw: dict[str, float] | None = Field(
        default=None, description="received signal power", json_schema_extra={"unit": "mW"}
    )
    noise_mw: float | None = Field(default=None, gt=0, json_schema_extra={"unit": "mW"})
    channels: int | None = Field(default=None, ge=1, json_schema_extra={"unit": "channels"})
    min_sinr: float | None = Field(default=None, gt=0, description="SINR every link must reach (linear)")
    objective: Objective = LEAST

    @model_validator(mode="after")
    def _consistent(self) -> InterferenceAllocationParams:
        if self.objective != FEWEST and self.channels is None:
            raise ValueError(f"the number of available channels is needed for the {self.objective}")
        for a in self.access_points:
            if set(self.interference.get(a, {})) != set(self.access_points):
                raise ValueError(f"interference row {a} does not name exactly the access points")
        if (self.objective == MAX_MIN_SINR or self.min_sinr is not None) and (self.signal_mw is None or self.noise_mw is None):
            raise ValueError("an SINR needs received powers (each access point's own signal on the diagonal) and the noise")
        if self.signal_mw is not None and (
            set(self.signal_mw) != set(self.access_points) or any(s <= 0 for s in self.signal_mw.values())
        ):
            raise ValueError("each access point needs a positive signal power on the table's diagonal")
        return self

    @property
    def powers(self) -> bool:
        return self.signal_mw is not None

    def pairs(self) -> dict[tuple[str, str], float]:
        """Interfering pairs a < b (table order) and their weight.

        A symmetric table of weights states each pair's interference twice, so it counts once; an asymmetric one, or
        received powers, give what each access point suffers from the other, and both count. Received powers count in
        pW: in mW (1e-9 for -90 dBm) a total would sit below a MILP solver's absolute optimality gap.
        """
        weights = {}
        for a, b in itertools.combinations(self.access_points, 2):
            ab, ba = self.interference[a][b], self.interference[b][a]
            weight = ab if ab == ba and not self.powers else (ab + ba) * (PW_PER_MW if self.powers else 1.0)
            if weight > 0:
                weights[(a, b)] = weight
        return weights

    def channel_count(self) -> int:
        return len(self.access_points) if self.objective == FEWEST else int(self.channels or 1)

    def sinr(self, channel_of: dict[str, int]) -> dict[str, float]:
        """Each access point's SINR for a channel choice, from the definition."""
        assert self.signal_mw is not None and self.noise_mw is not None
        return {
            a: self.signal_mw[a]
            / (
                self.noise_mw
                + sum(self.interference[a][b] for b in self.access_points if b != a and channel_of[b] == channel_of[a])
            )
            for a in self.access_points
        }


class InterferenceChannelAllocation(Template[InterferenceAllocationParams]):
    id = "interference_channel_allocation"
    family = "channel_assignment"
    problem_class = "MILP"
    title = (
        "Channel allocation for interfering Wi-Fi access points / cells: least co-channel interference, fewest channels, "
        "or the largest minimum SINR from received powers"
    )
    objectives = measures(
        {
            LEAST: Measure("min", "the total co-channel interference", None),
            FEWEST: Measure("min", "the number of channels used", ""),
            MAX_MIN_SINR: Measure("max", "the smallest SINR of the links", ""),
        }
    )
    description = (
        "Allocate frequency channels to Wi-Fi access points (or cells, base stations, links) that interfere with their "
        "neighbours: a table gives the interference (or conflict, 1 = they interfere) between each pair of access "
        "points, or the received power (dBm) at each access point's users from every access point, its own signal on "
        "the diagonal. Access points on the same channel interfere; with a given number of non-overlapping channels, "
        "minimize the total co-channel interference or maximize the minimum SINR (max-min), possibly with an SINR "
        "every link must reach; or find the fewest channels so that no two interfering access points share one (graph "
        "colouring, frequency assignment)."
    )
    math = r"""
\textbf{Sets: } A \text{ access points},\ K \text{ channels},\ E=\{(a,b): a<b,\ w_{ab}+w_{ba}>0\} \text{ interfering pairs}
\\ \textbf{Parameters: } w_{ab}\ \text{what } a \text{ suffers from } b \text{ (weight, or received power } I_{ab}),
\ S_a \text{ signal},\ N \text{ noise},\ \gamma \text{ minimum SINR},\ T = \min_a S_a/N
\\ \textbf{Variables: } x_{ak}\in\{0,1\},\ z_{ab}\in[0,1] \text{ (pair shares a channel)},\ u_k\in\{0,1\} \text{ (channel used)}
\\ \textstyle\sum_k x_{ak}=1,\quad z_{ab}\ge x_{ak}+x_{bk}-1\ \forall (a,b)\in E, k
\\ \text{(i) } \min \textstyle\sum_{E} w_{ab} z_{ab}\qquad
\text{(ii) } \min \textstyle\sum_k u_k,\ x_{ak}+x_{bk}\le u_k,\ u_k\ge u_{k+1}
\\ \text{(iii) } \max T t',\ t' T + \textstyle\sum_b \tfrac{I_{ab}}{N} T y_{ab} \le \tfrac{S_a}{N},
\ y_{ab} \ge t' - (1 - z_{ab}),\ 0 \le t', y \le 1
\qquad \text{SINR floor: } \textstyle\sum_b I_{ab} z_{ab} \le S_a/\gamma - N
"""
    examples = (
        "Five Wi-Fi access points AP1-AP5 share 3 non-overlapping channels. Access points on the same channel "
        "interfere; the table gives the interference between each pair (0 = none):\n\n"
        "| AP | AP1 | AP2 | AP3 | AP4 | AP5 |\n|---|---|---|---|---|---|\n"
        "| AP1 | 0 | 5 | 3 | 0 | 1 |\n| AP2 | 5 | 0 | 4 | 2 | 1 |\n| AP3 | 3 | 4 | 0 | 6 | 2 |\n"
        "| AP4 | 0 | 2 | 6 | 0 | 7 |\n| AP5 | 1 | 1 | 2 | 7 | 0 |\n\n"
        "Assign one channel to each access point to minimize the total interference between access points on the same "
        "channel.",
        "What is the smallest number of channels so that no two neighbouring cells use the same frequency?",
        "Four cells share two channels. The table gives the received power (dBm) at each cell's user (row) from each "
        "cell (column); the diagonal is the cell's own signal, and the noise power is -95 dBm. Choose a channel for each "
        "cell to maximize the minimum SINR.",
    )
    tags = (
        "MILP", "channel_assignment", "Wi-Fi", "interference", "frequency assignment", "graph colouring", "co-channel",
        "received power", "SINR", "max-min",
    )  # fmt: skip
    params_model = InterferenceAllocationParams
    structural_constraints = frozenset({"one_channel", "channel_order", "sharing", "shared_product", "only_used"})

    def objective(self, params: InterferenceAllocationParams) -> Measure | None:
        if params.objective == LEAST and params.powers:
            return Measure("min", "the total co-channel interference power", "pW")
        return self.objectives[params.objective]

    # ---------------------------------------------------------------------------------------------- binding

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        square = [t.id for t in data.tables if set(t.rows) == set(t.columns) and len(t.rows) > 1]
        if not square:
            raise AssemblyError(
                "this template needs a table of interference between access points (the same names as rows and columns)"
            )
        description = "how many channels are available, as the text states; 0 if the text asks for the fewest"
        counted = _counted_channels(data)
        # The counts the text gives are the choices where it gives any: the 0.5B model typed dev30-chan-01's 7 access
        # points as its number of channels ("channels 1, 6 and 11") again each time it was told the text counts 3.
        number: dict[str, Any] = {"enum": [*counted, 0]} if counted else {"type": "integer"}
        properties: dict[str, Any] = {
            "interference_table": {"enum": square, "description": "the table of interference between access points"},
            "number_of_channels": {**number, "description": description},
        }
        objectives = list(get_args(Objective))
        if cue.says(data, cue.POWER_NUMBER) or cue.says(data, cue.RECEIVED_POWER):
            properties["table_holds"] = {"enum": list(get_args(Holds))}
            properties["power_unit"] = {"enum": POWER_UNITS, "description": "the unit of the table's received powers"}
            properties["noise_power"] = quantity_schema("the noise power; value null when the text gives none", POWER_UNITS, True)
            if cue.sentence_says(data, cue.SINR_WORD, cue.AT_LEAST, cue.DIGIT):
                properties["min_sinr"] = quantity_schema(
                    "the SINR every link must reach; value null when none", ratio_units(data, cue.SINR_WORD), optional=True
                )
        else:
            objectives.remove(MAX_MIN_SINR)  # an SINR needs powers
        properties["objective"] = {"enum": objectives, "description": "what the question asks to optimize"}
        return binding_object("interference_channel_binding", properties)

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        source = tab.table(data, binding.get("interference_table"), "interference")
        stated = tab.matrix(source, "interference", spec)
        names = list(source.rows)
        values: dict[str, Any] = {"access_points": names, "objective": binding.get("objective", LEAST)}
        if binding.get("table_holds") == POWERS:
            unit = str(binding.get("power_unit") or "dBm")
            mw = {
                a: {b: None if v is None else convert_stated(v, unit, "mW", f"received power {a}, {b}") for b, v in row.items()}
                for a, row in stated.items()
            }
            values["interference"] = {a: {b: (mw[a][b] or 0.0) if b != a else 0.0 for b in names} for a in names}
            values["signal_mw"] = {a: mw[a][a] or 0.0 for a in names}
            if given(binding.get("noise_power")):
                values["noise_mw"] = read_quantity(binding["noise_power"], "mW", "noise power", spec)
            if given(binding.get("min_sinr")):
                values["min_sinr"] = read_quantity(binding["min_sinr"], LINEAR, "minimum SINR", spec)
        else:
            # "-" or blank: no interference
            values["interference"] = {a: {b: float(v or 0.0) for b, v in row.items()} for a, row in stated.items()}
        channels = int(binding.get("number_of_channels") or 0)
        counted = _counted_channels(data)
        if channels > 0 and counted and channels not in counted and values["objective"] != FEWEST:
            # dev30-chan-01: "channels 1, 6 and 11" are 3 channels; the model's 7 was the access points' count.
            said = " or ".join(str(n) for n in counted)
            raise AssemblyError(f"number_of_channels: the text counts {said} channels, not {channels}")
        if channels > 0 and values["objective"] != FEWEST:
            spec.append(SpecItem("channels", float(channels), "stated by the model from the text"))
            values["channels"] = channels
        return values

    # ---------------------------------------------------------------------------------------------- model

    def build_model(self, params: InterferenceAllocationParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        pairs = params.pairs()
        m.A = pyo.Set(initialize=params.access_points, ordered=True)
        m.K = pyo.RangeSet(1, params.channel_count())
        m.E = pyo.Set(initialize=list(pairs), dimen=2, ordered=True)
        m.x = pyo.Var(m.A, m.K, domain=pyo.Binary, doc="access point on channel")
        m.one_channel = pyo.Constraint(
            m.A, rule=lambda m, a: sum(m.x[a, k] for k in m.K) == 1, doc="access point {i} uses one channel"
        )
        if params.objective == FEWEST:
            m.used = pyo.Var(m.K, domain=pyo.Binary, doc="channel used by some access point")
            if params.min_sinr is not None:  # pairs may share a channel as long as every SINR holds
                m.only_used = pyo.Constraint(
                    m.A, m.K, rule=lambda m, a, k: m.x[a, k] <= m.used[k], doc="access point {i} is on a used channel"
                )
            else:
                m.no_conflict = pyo.Constraint(
                    m.E,
                    m.K,
                    rule=lambda m, a, b, k: m.x[a, k] + m.x[b, k] <= m.used[k],
                    doc="interfering pair {i} does not share a channel",
                )
            # Channels are interchangeable: using them in order removes symmetric copies of every solution.
            m.channel_order = pyo.Constraint(
                m.K,
                rule=lambda m, k: m.used[k] <= m.used[k - 1] if k > 1 else pyo.Constraint.Skip,
                doc="channel {i} is used only after the one before",
            )
            m.objective = pyo.Objective(expr=sum(m.used[k] for k in m.K), sense=pyo.minimize)
        else:
            m.shared = pyo.Var(m.E, bounds=(0, 1), doc="interfering pair on the same channel")
            m.sharing = pyo.Constraint(
                m.E,
                m.K,
                rule=lambda m, a, b, k: m.shared[a, b] >= m.x[a, k] + m.x[b, k] - 1,
                doc="pair {i} shares a channel when both use it",
            )
            if params.objective == LEAST:
                m.objective = pyo.Objective(expr=sum(w * m.shared[e] for e, w in pairs.items()), sense=pyo.minimize)
            else:
                self._max_min_sinr(m, params)
        if params.min_sinr is not None:
            self._sinr_floor(m, params)
        return m

    @staticmethod
    def _suffered(params: InterferenceAllocationParams, a: str) -> list[tuple[tuple[str, str], float]]:
        """The pairs access point a is in, with the power (mW) a receives from the other one."""
        return [(e, params.interference[a][e[1] if e[0] == a else e[0]]) for e in params.pairs() if a in e]

    def _max_min_sinr(self, m: pyo.ConcreteModel, params: InterferenceAllocationParams) -> None:
        assert params.signal_mw is not None and params.noise_mw is not None
        noise, signal = params.noise_mw, params.signal_mw
        top = min(s / noise for s in signal.values())  # no SINR exceeds the smallest SNR
        m.level = pyo.Var(bounds=(0, 1), doc="the smallest SINR over its upper bound")
        m.product = pyo.Var(m.E, bounds=(0, 1), doc="the scaled smallest SINR where the pair shares a channel, else 0")
        if len(m.E):
            m.shared_product = pyo.Constraint(
                m.E, rule=lambda m, a, b: m.product[a, b] >= m.level - (1 - m.shared[a, b]), doc="pair {i}'s product is exact"
            )
        m.smallest = pyo.Constraint(
            m.A,
            rule=lambda m, a: (
                top * m.level + sum(top * (i / noise) * m.product[e] for e, i in self._suffered(params, a)) <= signal[a] / noise
            ),
            doc="the SINR of access point {i} is at least the smallest SINR",
        )
        m.objective = pyo.Objective(expr=top * m.level, sense=pyo.maximize)

    def _sinr_floor(self, m: pyo.ConcreteModel, params: InterferenceAllocationParams) -> None:
        assert params.signal_mw is not None and params.noise_mw is not None and params.min_sinr is not None
        noise, signal, gamma = params.noise_mw, params.signal_mw, params.min_sinr
        if not hasattr(m, "shared"):  # the colouring variant: a shared pair is one on the same channel
            m.shared = pyo.Var(m.E, bounds=(0, 1), doc="interfering pair on the same channel")
            m.sharing = pyo.Constraint(
                m.E, m.K, rule=lambda m, a, b, k: m.shared[a, b] >= m.x[a, k] + m.x[b, k] - 1, doc="pair {i} shares a channel"
            )
        m.min_sinr = pyo.Constraint(
            m.A,
            rule=lambda m, a: (
                sum((i / noise) * m.shared[e] for e, i in self._suffered(params, a)) <= signal[a] / (gamma * noise) - 1
            ),
            doc="access point {i} reaches the minimum SINR",
        )

    # ---------------------------------------------------------------------------------------------- reading the answer

    def allocation(self, params: InterferenceAllocationParams, solution: dict[str, float]) -> dict[str, int]:
        count = params.channel_count()
        return {a: k for a in params.access_points for k in range(1, count + 1) if solution.get(f"x[{a},{k}]", 0.0) > 0.5}

    def objective_value(self, params: InterferenceAllocationParams, channel_of: dict[str, int]) -> float:
        """The objective recomputed from a channel choice alone."""
        if params.objective == FEWEST:
            return float(len(set(channel_of.values())))
        if params.objective == MAX_MIN_SINR:
            return min(params.sinr(channel_of).values())
        return sum(w for (a, b), w in params.pairs().items() if channel_of[a] == channel_of[b])

    def solution_table(self, params: InterferenceAllocationParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        chosen = self.allocation(params, solution)
        pairs = params.pairs()
        sinr = (
            params.sinr(chosen)
            if params.powers and params.noise_mw is not None and len(chosen) == len(params.access_points)
            else {}
        )
        rows = []
        for a in params.access_points:
            same = [b for b in params.access_points if b != a and chosen.get(b) == chosen.get(a)]
            row: dict[str, Any] = {
                "access point": a,
                "channel": chosen.get(a),
                "co-channel interference": sum(pairs.get((a, b), pairs.get((b, a), 0.0)) for b in same),
            }
            if sinr:
                row["SINR (dB)"] = 10 * math.log10(sinr[a])
            rows.append(row)
        return rows

    def formulation_summary(self, params: InterferenceAllocationParams) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "access points": len(params.access_points),
            "interfering pairs": len(params.pairs()),
            "channels": params.channels,
            "objective": params.objective,
            "table": POWERS if params.powers else WEIGHTS,
        }
        if params.noise_mw is not None:
            summary["noise (mW)"] = float(f"{params.noise_mw:.6g}")
        if params.min_sinr is not None:
            summary["minimum SINR (linear)"] = params.min_sinr
        return summary


TEMPLATE = InterferenceChannelAllocation()


def _counted_channels(data: TextData) -> list[int]:
    """The numbers of channels the text counts ("3 orthogonal channels", "channels 1, 6 and 11")."""
    return sorted({int(n) for noun, n in counted_nouns(data.text) if noun == "channels" and n > 0})
