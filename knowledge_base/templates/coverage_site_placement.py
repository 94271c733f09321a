"""UAV / base-station siting for coverage: choose sites among candidates to cover demand points.

A site covers a demand point when their distance is at most the coverage radius. Distances come from a table
of the text, or are computed in code from coordinate tables (derived quantities are code's job, not the
LLM's). Two classic MILPs: maximum coverage (cover the most demand with K sites) and set cover (cover every
point at least cost, or with the fewest sites).
"""

from __future__ import annotations

import math
from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template
from knowledge_base.templates._stated_quantities import LINEAR, quantity_schema, read_quantity, read_series, series_schema
from knowledge_base.units import UnitError, convert
from tools.question import Measure, measures
from tools.textdata import Table, TextData

CoverageObjective = Literal[
    "maximize the covered demand with a limited number of sites",
    "cover every demand point with the fewest sites (or least total site cost)",
]
MAX_COVERAGE, SET_COVER = get_args(CoverageObjective)
LENGTH_UNITS = ["m", "km"]
DISTANCE_TABLE, COORDINATE_TABLES = "a table of distances", "tables of x, y coordinates"


class CoverageParams(BaseModel):
    points: list[str] = Field(min_length=1, description="demand points (users, clusters, hotspots)")
    sites: list[str] = Field(min_length=1, description="candidate sites (hovering points, base-station locations)")
    distance_m: dict[str, dict[str, float]] = Field(description="distance[point][site]", json_schema_extra={"unit": "m"})
    radius_m: float = Field(gt=0, json_schema_extra={"unit": "m"})
    demand: dict[str, float] | None = Field(
        default=None, description="weight of each point; 1 each if None", json_schema_extra={"unit": ""}
    )
    max_sites: int | None = Field(default=None, ge=0, description="sites that may be opened (UAVs available)")
    site_cost: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": ""})
    objective: CoverageObjective = MAX_COVERAGE

    @model_validator(mode="after")
    def _consistent(self) -> CoverageParams:
        for point in self.points:
            if set(self.distance_m.get(point, {})) != set(self.sites):
                raise ValueError(f"the distances of {point} do not cover exactly the candidate sites")
        if self.demand is not None and set(self.demand) != set(self.points):
            raise ValueError("the demand must name exactly the demand points")
        if self.site_cost is not None and set(self.site_cost) != set(self.sites):
            raise ValueError("the site costs must name exactly the candidate sites")
        if self.objective == MAX_COVERAGE and self.max_sites is None:
            raise ValueError("maximum coverage needs the number of sites that may be opened")
        if self.objective == SET_COVER:
            lost = [p for p in self.points if not self.covering(p)]
            if lost:
                raise ValueError(f"{', '.join(lost)} lie beyond the coverage radius of every candidate site")
        return self

    def covering(self, point: str) -> list[str]:
        return [s for s in self.sites if self.distance_m[point][s] <= self.radius_m]

    def weight(self, point: str) -> float:
        return 1.0 if self.demand is None else self.demand[point]


class CoveragePlacement(Template[CoverageParams]):
    id = "coverage_site_placement"
    family = "coverage_placement"
    problem_class = "MILP"
    title = "UAV / base-station placement for coverage (maximum coverage or set cover over candidate sites)"
    objectives = measures(
        {
            "maximize the covered demand with a limited number of sites": Measure("max", "the total covered demand", None),
            "cover every demand point with the fewest sites (or least total site cost)": Measure(
                "min", "the number of sites or their total cost", None
            ),
        }
    )
    description = (
        "Choose where to place UAVs (drones hovering as aerial base stations) or base stations among candidate "
        "locations so that ground users or demand points are covered: a point is covered when it lies within the "
        "coverage radius of an opened site. Maximize the number of covered users (or covered demand) with a given "
        "number of UAVs, or cover every demand point with the fewest base stations or the least site cost. "
        "Distances in a table or computed from x, y coordinates. Facility location, cell planning, disaster area coverage."
    )
    math = r"""
\textbf{Sets: } I \text{ demand points},\ J \text{ candidate sites};
\ J_i = \{ j : \mathrm{dist}(i,j) \le R \} \text{ sites covering } i
\\ \textbf{Parameters: } w_i \text{ demand},\ K \text{ sites available},\ c_j \text{ site cost}
\\ \textbf{Variables: } x_j \in \{0,1\} \text{ (site opened)},\ 0 \le y_i \le 1 \text{ (point covered)}
\\ \text{Maximum coverage: } \max \textstyle\sum_i w_i y_i \ \text{ s.t. } y_i \le \sum_{j\in J_i} x_j,\ \sum_j x_j \le K
\\ \text{Set cover: } \min \textstyle\sum_j c_j x_j \ \text{ s.t. } \sum_{j\in J_i} x_j \ge 1\ \forall i
"""
    examples = (
        "After an earthquake, 2 UAVs acting as aerial base stations must serve five clusters of rescue teams. The UAVs "
        "can hover above four candidate points. The table gives the horizontal distance (m) from each cluster to each "
        "candidate point; a UAV covers clusters within 300 m. Place the UAVs to maximize the number of covered "
        "rescuers.\n\n| distance (m) | H1 | H2 | H3 | H4 |\n|---|---|---|---|---|\n| C1 | 120 | 450 | 380 | 700 |\n"
        "| C2 | 280 | 200 | 520 | 640 |\n| C3 | 610 | 150 | 290 | 330 |\n| C4 | 800 | 520 | 260 | 90 |\n"
        "| C5 | 350 | 600 | 240 | 310 |\n\nRescuers per cluster: C1 12, C2 8, C3 15, C4 10, C5 6",
        "Select base-station sites among candidates so that every user location is within the 2 km coverage radius, "
        "using as few base stations as possible. Coordinates (km) of users and candidate sites are given in tables.",
    )
    tags = ("MILP", "coverage_placement", "UAV", "drone", "base station placement", "maximum coverage", "set cover")
    params_model = CoverageParams

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        if not data.tables:
            raise AssemblyError("this template needs a table of distances (points x sites) or tables of x, y coordinates")
        table_ids = [t.id for t in data.tables]
        return {
            "title": "coverage_binding",
            "type": "object",
            "properties": {
                "geometry": {"enum": [DISTANCE_TABLE, COORDINATE_TABLES]},
                "distance_table": {"enum": [*table_ids, "none"], "description": "rows demand points, columns sites"},
                "point_coordinates": {"enum": [*table_ids, "none"], "description": "table of the demand points' x, y"},
                "site_coordinates": {"enum": [*table_ids, "none"], "description": "table of the candidate sites' x, y"},
                "length_unit": {"enum": LENGTH_UNITS, "description": "unit of the distances or coordinates"},
                "coverage_radius": quantity_schema("distance within which a site covers a point", LENGTH_UNITS),
                "demand": series_schema("users or demand at each point, if given", [LINEAR], data, optional=True),
                "site_cost": series_schema("cost of each candidate site, if given", [LINEAR], data, optional=True),
                "sites_available": {"type": ["integer", "null"], "description": "UAVs or base stations available"},
                "objective": {"enum": list(get_args(CoverageObjective))},
            },
            "required": [
                "geometry",
                "distance_table",
                "point_coordinates",
                "site_coordinates",
                "length_unit",
                "coverage_radius",
                "demand",
                "site_cost",
                "sites_available",
                "objective",
            ],
        }

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        unit = str(binding.get("length_unit") or "m")
        try:
            if binding.get("geometry") == COORDINATE_TABLES:
                distance = self._from_coordinates(
                    data.table(str(binding.get("point_coordinates"))),
                    data.table(str(binding.get("site_coordinates"))),
                    unit,
                    spec,
                )
            else:
                distance = self._from_table(data.table(str(binding.get("distance_table"))), unit, spec)
        except KeyError as exc:
            raise AssemblyError(str(exc)) from exc
        points = list(distance)
        sites = list(next(iter(distance.values())))
        count = binding.get("sites_available")
        if count is not None:
            spec.append(SpecItem("sites available", float(count), "stated in the text, copied by the model"))
        values: dict[str, Any] = {
            "points": points,
            "sites": sites,
            "distance_m": distance,
            "radius_m": read_quantity(binding.get("coverage_radius"), "m", "coverage radius", spec),
            "demand": read_series(binding.get("demand"), LINEAR, "demand", data, spec, optional=True),
            "site_cost": read_series(binding.get("site_cost"), LINEAR, "site cost", data, spec, optional=True),
            "max_sites": count,
            "objective": binding.get("objective", MAX_COVERAGE),
        }
        return values

    @staticmethod
    def _metres(value: float, unit: str) -> float:
        try:
            return convert(value, unit, "m")
        except UnitError as exc:
            raise AssemblyError(str(exc)) from exc

    def _from_table(self, table: Table, unit: str, spec: list[SpecItem]) -> dict[str, dict[str, float]]:
        distance: dict[str, dict[str, float]] = {}
        for point, row in table.as_matrix().items():
            distance[point] = {}
            for site, value in row.items():
                if value is None:
                    raise AssemblyError(f"distance table {table.id} has no number for {point}, {site}")
                distance[point][site] = self._metres(value, unit)
                spec.append(SpecItem(f"distance[{point},{site}] ({unit})", value, f"table {table.id}"))
        return distance

    def _from_coordinates(self, points: Table, sites: Table, unit: str, spec: list[SpecItem]) -> dict[str, dict[str, float]]:
        """Euclidean distances in the plane from the first two coordinate columns (x, y) of each table."""

        def xy(table: Table) -> dict[str, tuple[float, float]]:
            if len(table.columns) < 2:
                raise AssemblyError(f"table {table.id} needs x and y columns")
            out: dict[str, tuple[float, float]] = {}
            for name, row in zip(table.rows, table.cells, strict=True):
                x, y = row[0], row[1]
                if x is None or y is None:
                    raise AssemblyError(f"table {table.id} has no x, y for {name}")
                out[name] = (self._metres(x, unit), self._metres(y, unit))
                spec.extend(
                    [
                        SpecItem(f"x[{name}] ({unit})", x, f"table {table.id}"),
                        SpecItem(f"y[{name}] ({unit})", y, f"table {table.id}"),
                    ]
                )
            return out

        where, at = xy(points), xy(sites)
        return {p: {s: math.dist(where[p], at[s]) for s in at} for p in where}

    def build_model(self, params: CoverageParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.I = pyo.Set(initialize=params.points, ordered=True)
        m.J = pyo.Set(initialize=params.sites, ordered=True)
        m.x = pyo.Var(m.J, domain=pyo.Binary, doc="site opened")
        if params.objective == MAX_COVERAGE:
            assert params.max_sites is not None  # the params validator demands it
            m.y = pyo.Var(m.I, bounds=(0, 1), doc="point covered")
            m.covered = pyo.Constraint(
                m.I,
                rule=lambda m, i: m.y[i] <= sum(m.x[j] for j in params.covering(i)),
                doc="point {i} counts as covered only if an opened site reaches it",
            )
            m.budget = pyo.Constraint(expr=sum(m.x[j] for j in m.J) <= params.max_sites, doc="no more sites than available")
            m.objective = pyo.Objective(expr=sum(params.weight(i) * m.y[i] for i in m.I), sense=pyo.maximize)
        else:
            cost = params.site_cost or dict.fromkeys(params.sites, 1.0)
            m.cover = pyo.Constraint(
                m.I, rule=lambda m, i: sum(m.x[j] for j in params.covering(i)) >= 1, doc="an opened site reaches point {i}"
            )
            if params.max_sites is not None:
                m.budget = pyo.Constraint(expr=sum(m.x[j] for j in m.J) <= params.max_sites, doc="no more sites than available")
            m.objective = pyo.Objective(expr=sum(cost[j] * m.x[j] for j in m.J), sense=pyo.minimize)
        return m

    def opened(self, params: CoverageParams, solution: dict[str, float]) -> list[str]:
        return [s for s in params.sites if solution.get(f"x[{s}]", 0.0) > 0.5]

    def solution_table(self, params: CoverageParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        opened = set(self.opened(params, solution))
        rows: list[dict[str, Any]] = []
        for point in params.points:
            served_by = [s for s in params.covering(point) if s in opened]
            rows.append({"point": point, "demand": params.weight(point), "covered by": ", ".join(served_by) or "-"})
        return rows

    def formulation_summary(self, params: CoverageParams) -> dict[str, Any]:
        return {
            "demand points": len(params.points),
            "candidate sites": len(params.sites),
            "coverage radius (m)": params.radius_m,
            "sites available": params.max_sites,
            "objective": params.objective,
            "sites covering each point": {p: params.covering(p) for p in params.points},
        }


TEMPLATE = CoveragePlacement()
