"""Channel allocation for interfering access points / cells: least co-channel interference, or fewest channels.

Access points that interfere (an AP x AP table of interference weights) suffer when they share a channel.
With K channels given: x[a,k] binary, z[a,b] >= x[a,k] + x[b,k] - 1 for every interfering pair and channel
(z is 1 when the pair shares some channel), minimise sum w_ab z_ab. Without K: graph colouring, one
binary u[k] per candidate channel, interfering APs never share one, minimise the number of channels used.
"""

from __future__ import annotations

import itertools
from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template
from knowledge_base.templates import _tabular as tab
from tools.question import Measure, measures
from tools.textdata import TextData

Objective = Literal[
    "least total co-channel interference with the given channels", "fewest channels with no interfering pair sharing one"
]


class InterferenceAllocationParams(BaseModel):
    access_points: list[str] = Field(min_length=2)
    interference: dict[str, dict[str, float]] = Field(
        description="interference[a][b] >= 0 between access points a and b; 0 where they do not interfere"
    )
    channels: int | None = Field(default=None, ge=1, json_schema_extra={"unit": "channels"})
    objective: Objective = "least total co-channel interference with the given channels"

    @model_validator(mode="after")
    def _consistent(self) -> InterferenceAllocationParams:
        if self.objective == get_args(Objective)[0] and self.channels is None:
            raise ValueError("the number of available channels is needed to minimise interference")
        for a in self.access_points:
            if set(self.interference.get(a, {})) != set(self.access_points):
                raise ValueError(f"interference row {a} does not name exactly the access points")
        return self

    def pairs(self) -> dict[tuple[str, str], float]:
        """Interfering pairs a < b (table order) and their weight.

        A symmetric table states each pair's interference twice, so it counts once; an asymmetric one gives what
        each access point suffers from the other, and both count.
        """
        weights = {}
        for a, b in itertools.combinations(self.access_points, 2):
            ab, ba = self.interference[a][b], self.interference[b][a]
            weight = ab if ab == ba else ab + ba
            if weight > 0:
                weights[(a, b)] = weight
        return weights


class InterferenceChannelAllocation(Template[InterferenceAllocationParams]):
    id = "interference_channel_allocation"
    family = "channel_assignment"
    problem_class = "MILP"
    title = "Channel allocation for interfering Wi-Fi access points / cells: least co-channel interference or fewest channels"
    objectives = measures(
        {
            "least total co-channel interference with the given channels": Measure(
                "min", "the total co-channel interference", None
            ),
            "fewest channels with no interfering pair sharing one": Measure("min", "the number of channels used", ""),
        }
    )
    description = (
        "Allocate frequency channels to Wi-Fi access points (or cells, base stations, links) that interfere with their "
        "neighbours: a table gives the interference (or conflict, 1 = they interfere) between each pair of access "
        "points. Access points on the same channel interfere; with a given number of non-overlapping channels, "
        "minimize the total co-channel interference; or find the fewest channels so that no two interfering access "
        "points share one (graph colouring, frequency assignment)."
    )
    math = r"""
\textbf{Sets: } A \text{ access points},\ K \text{ channels},\ E=\{(a,b): a<b,\ w_{ab}>0\} \text{ interfering pairs}
\\ \textbf{Parameters: } w_{ab}\ \text{interference between } a \text{ and } b
\text{ (an asymmetric table: both directions summed)}
\\ \textbf{Variables: } x_{ak}\in\{0,1\},\ z_{ab}\ge 0 \text{ (pair shares a channel)},\ u_k\in\{0,1\} \text{ (channel used)}
\\ \text{(i) } \min \textstyle\sum_{E} w_{ab} z_{ab}\ \text{ s.t. } \sum_k x_{ak}=1,
\ z_{ab}\ge x_{ak}+x_{bk}-1\ \forall (a,b)\in E, k
\\ \text{(ii) } \min \textstyle\sum_k u_k\ \text{ s.t. } \sum_k x_{ak}=1,\ x_{ak}+x_{bk}\le u_k\ \forall (a,b)\in E, k,
\ u_k\ge u_{k+1}
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
    )
    tags = ("MILP", "channel_assignment", "Wi-Fi", "interference", "frequency assignment", "graph colouring", "co-channel")
    params_model = InterferenceAllocationParams
    structural_constraints = frozenset({"one_channel", "channel_order"})

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        square = [t.id for t in data.tables if set(t.rows) == set(t.columns) and len(t.rows) > 1]
        if not square:
            raise AssemblyError(
                "this template needs a table of interference between access points (the same names as rows and columns)"
            )
        return {
            "title": "interference_channel_binding",
            "type": "object",
            "properties": {
                "interference_table": {"enum": square, "description": "the table of interference between access points"},
                "number_of_channels": {
                    "type": "integer",
                    "description": "how many channels are available, as the text states; 0 if the text asks for the fewest",
                },
                "objective": {"enum": list(get_args(Objective))},
            },
            "required": ["interference_table", "number_of_channels", "objective"],
        }

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        source = tab.table(data, binding.get("interference_table"), "interference")
        interference = {
            row: {column: float(value or 0.0) for column, value in cells.items()}  # "-" or blank: no interference
            for row, cells in tab.matrix(source, "interference", spec).items()
        }
        channels = int(binding.get("number_of_channels") or 0)
        if channels > 0:
            spec.append(SpecItem("channels", float(channels), "stated by the model from the text"))
        return {
            "access_points": list(source.rows),
            "interference": interference,
            "channels": channels or None,
            "objective": binding.get("objective", get_args(Objective)[0]),
        }

    def build_model(self, params: InterferenceAllocationParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        pairs = params.pairs()
        colouring = params.objective != get_args(Objective)[0]
        count = len(params.access_points) if colouring else int(params.channels or 1)
        m.A = pyo.Set(initialize=params.access_points, ordered=True)
        m.K = pyo.RangeSet(1, count)
        m.E = pyo.Set(initialize=list(pairs), dimen=2, ordered=True)
        m.x = pyo.Var(m.A, m.K, domain=pyo.Binary, doc="access point on channel")
        m.one_channel = pyo.Constraint(
            m.A, rule=lambda m, a: sum(m.x[a, k] for k in m.K) == 1, doc="access point {i} uses one channel"
        )
        if colouring:
            m.used = pyo.Var(m.K, domain=pyo.Binary, doc="channel used by some access point")
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
            m.shared = pyo.Var(m.E, domain=pyo.NonNegativeReals, bounds=(0, 1), doc="interfering pair on the same channel")
            m.sharing = pyo.Constraint(
                m.E,
                m.K,
                rule=lambda m, a, b, k: m.shared[a, b] >= m.x[a, k] + m.x[b, k] - 1,
                doc="pair {i} shares a channel when both use it",
            )
            m.objective = pyo.Objective(expr=sum(w * m.shared[e] for e, w in pairs.items()), sense=pyo.minimize)
        return m

    def allocation(self, params: InterferenceAllocationParams, solution: dict[str, float]) -> dict[str, int]:
        count = len(params.access_points) if params.objective != get_args(Objective)[0] else int(params.channels or 1)
        return {a: k for a in params.access_points for k in range(1, count + 1) if solution.get(f"x[{a},{k}]", 0.0) > 0.5}

    def solution_table(self, params: InterferenceAllocationParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        chosen = self.allocation(params, solution)
        pairs = params.pairs()
        rows = []
        for a in params.access_points:
            same = [b for b in params.access_points if b != a and chosen.get(b) == chosen.get(a)]
            suffered = sum(pairs.get((a, b), pairs.get((b, a), 0.0)) for b in same)
            rows.append({"access point": a, "channel": chosen.get(a), "co-channel interference": suffered})
        return rows

    def formulation_summary(self, params: InterferenceAllocationParams) -> dict[str, Any]:
        return {
            "access points": len(params.access_points),
            "interfering pairs": len(params.pairs()),
            "channels": params.channels,
            "objective": params.objective,
        }


TEMPLATE = InterferenceChannelAllocation()
