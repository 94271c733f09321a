"""UAV / base-station siting for coverage, with the objective and constraint variants real problems use, chosen by
fields of the binding.

A site covers a demand point when their distance is at most the site's coverage radius (one radius for all, or one
per site). Distances come from a table of the text, or are computed in code from coordinate tables (and a hovering
altitude, for the slant range of a UAV): derived quantities are code's job, not the LLM's.

- **Objectives** (`objective`): the most covered demand (users, or points when no demand is given), the fewest
  opened sites, or the least total site cost.
- **Constraint groups**, offered only when the text speaks of them: at most K sites, a budget on the total site cost,
  demand points that must be covered (by at least m sites: redundancy), and sites already opened.
- Maximum coverage: x_j opened, y_i <= sum_{j covering i} x_j; set cover: sum_{j covering i} x_j >= m_i for every
  point (m_i = 1 unless the text asks more).
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template, binding_object, variant
from knowledge_base.templates._stated_quantities import (
    LINEAR,
    convert_stated,
    per_element_schema,
    quantity_schema,
    read_per_element,
    read_quantity,
    read_series,
    series_choices,
    series_names,
    series_schema,
)
from knowledge_base.units import UnitError, convert
from tools.question import Measure, measures
from tools.textdata import Relation, Table, TextData

CoverageObjective = Literal[
    "maximize the covered demand",
    "minimize the number of opened sites",
    "minimize the total site cost",
]
MAX_COVERAGE, FEWEST_SITES, LEAST_COST = get_args(CoverageObjective)
LENGTH_UNITS = ["m", "km"]
DISTANCE_TABLE, COORDINATE_TABLES = "a table of distances", "tables of x, y coordinates"
SITE_LISTS, POINT_LISTS = "the points each site covers", "the sites that cover each point"
"""What each line of a coverage list gives ("- site A: V1, V2, V5" or "- V1: A, D")."""
EVERY_POINT = "every point"

_COST = re.compile(r"\bcosts?\b|\bprices?\b|\bbudget\b|\bk?\$|\bUSD\b|\beuros?\b|€|\bexpens\w*|\bspend\w*", re.IGNORECASE)
_BUDGET = re.compile(r"\bbudget\b|\bat most\b.*\b(?:k?\$|USD|euros?|€|cost)|\bspend\w*|\bafford\w*", re.IGNORECASE)
_COUNT = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:UAVs?|drones?|base stations?|sites?|BSs?|towers?|"
    r"antennas?|gateways?|access points?|APs?|small cells?|relays?)\b|\bat most\b|\bno more than\b|\bup to\b|\bavailable\b|"
    r"\blimited number\b",
    re.IGNORECASE,
)
_MUST_COVER = re.compile(
    r"\bmust be (?:covered|served|reached|within)|"
    # "at least two sites" is redundancy; "covered if at least one chosen tower covers it" only says what covered is
    r"\bat least (?:[2-9]|\d\d+|two|three|four|five) (?:\w+ )?"
    r"(?:sites?|base stations?|BSs?|cells?|UAVs?|drones?|towers?|antennas?)|"
    r"\b(?:twice|two|double|redundan\w*)\b.*\bcover|\bcover\w* (?:by|from) (?:at least )?\w+ (?:sites?|base stations?)|"
    r"\bevery\b.*\bmust\b|\ball\b.*\bmust\b|\bmust\b.*\bcover",
    re.IGNORECASE,
)
_ALREADY = re.compile(r"\balready\b|\bexisting\b|\bin place\b|\bmust (?:be )?(?:kept|used|opened)\b|\bfixed\b", re.IGNORECASE)
_ALTITUDE = re.compile(r"\baltitude\b|\bheight\b|\bhover\w* at\b|\bflies? at\b|\babove (?:the )?ground\b", re.IGNORECASE)
_SITE_TABLE = re.compile(r"\bsites?\b|\bcandidates?\b|\bcosts?\b|\btypes?\b|radius|range", re.IGNORECASE)
_RADIUS_COLUMN = re.compile(r"radius|range|reach|coverage", re.IGNORECASE)


class CoverageParams(BaseModel):
    points: list[str] = Field(min_length=1, description="demand points (users, clusters, hotspots)")
    sites: list[str] = Field(min_length=1, description="candidate sites (hovering points, base-station locations)")
    distance_m: dict[str, dict[str, float]] | None = Field(
        default=None, description="distance[point][site]", json_schema_extra={"unit": "m"}
    )
    radius_m: dict[str, float] | None = Field(
        default=None, description="coverage radius of each site", json_schema_extra={"unit": "m"}
    )
    covers: dict[str, list[str]] | None = Field(
        default=None, description="point -> the sites that cover it, when the text lists them instead of distances"
    )
    objective: CoverageObjective = MAX_COVERAGE
    demand: dict[str, float] | None = Field(
        default=None, description="weight of each point; 1 each if None", json_schema_extra={"unit": ""}
    )
    max_sites: int | None = Field(default=None, ge=0, description="sites that may be opened (UAVs available)")
    site_cost: dict[str, float] | None = Field(default=None, json_schema_extra={"unit": ""})
    budget: float | None = Field(default=None, ge=0, description="most total cost of the opened sites")
    must_cover: dict[str, int] = Field(default_factory=dict, description="point -> the least number of sites covering it")
    already_open: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> CoverageParams:
        sites = set(self.sites)
        if self.covers is not None:
            strangers = sorted({s for listed in self.covers.values() for s in listed} - sites)
            if strangers or set(self.covers) - set(self.points):
                raise ValueError(f"the coverage lists name {', '.join(strangers) or 'points'} beyond the points and sites")
        elif self.distance_m is None or self.radius_m is None:
            raise ValueError("coverage needs distances and radii, or lists of what each site covers")
        else:
            for point in self.points:
                if set(self.distance_m.get(point, {})) != sites:
                    raise ValueError(f"the distances of {point} do not cover exactly the candidate sites")
            if set(self.radius_m) != sites:
                raise ValueError("the coverage radii must name exactly the candidate sites")
        if self.demand is not None and set(self.demand) != set(self.points):
            raise ValueError("the demand must name exactly the demand points")
        if self.site_cost is not None and set(self.site_cost) != sites:
            raise ValueError("the site costs must name exactly the candidate sites")
        unknown = [p for p in self.must_cover if p not in self.points] + [s for s in self.already_open if s not in sites]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not demand points (or candidate sites) of the tables")
        if (self.objective == LEAST_COST or self.budget is not None) and self.site_cost is None:
            raise ValueError("a site cost (or budget) needs the cost of each candidate site")
        if self.objective == MAX_COVERAGE and self.max_sites is None and self.budget is None:
            raise ValueError("maximum coverage needs the number of sites that may be opened, or a budget")
        short = [p for p, times in self.required().items() if len(self.covering(p)) < times]
        if short:
            raise ValueError(f"{', '.join(short)} lie beyond the coverage radius of every candidate site (or of too few)")
        return self

    def covering(self, point: str) -> list[str]:
        if self.covers is not None:
            return [s for s in self.sites if s in self.covers.get(point, [])]
        assert self.distance_m is not None and self.radius_m is not None  # the validator's
        return [s for s in self.sites if self.distance_m[point][s] <= self.radius_m[s] + 1e-9]

    def weight(self, point: str) -> float:
        return 1.0 if self.demand is None else self.demand[point]

    def required(self) -> dict[str, int]:
        """point -> the least number of opened sites that must cover it (set cover: every point at least once)."""
        if self.objective == MAX_COVERAGE:
            return dict(self.must_cover)
        return {p: max(1, self.must_cover.get(p, 1)) for p in self.points}


class CoveragePlacement(Template[CoverageParams]):
    id = "coverage_site_placement"
    family = "coverage_placement"
    problem_class = "MILP"
    title = (
        "UAV / base-station placement for coverage: maximum coverage with K sites or a budget, or set cover with the "
        "fewest sites or least cost, from distances or coordinates and radii, or lists of what each site covers"
    )
    objectives = measures(
        {
            MAX_COVERAGE: Measure("max", "the total covered demand (the users or points within reach of an opened site)"),
            FEWEST_SITES: Measure("min", "the number of opened sites", ""),
            LEAST_COST: Measure("min", "the total cost of the opened sites"),
        }
    )
    description = (
        "Choose where to place UAVs (drones hovering as aerial base stations) or base stations among candidate "
        "locations so that ground users or demand points are covered: a point is covered when it lies within the "
        "coverage radius of an opened site (one radius, or one per site). Maximize the number of covered users (or "
        "covered demand) with a given number of UAVs or within a budget on the site costs, or cover every demand point "
        "with the fewest base stations or the least total site cost; some points must be covered by at least two sites "
        "(redundancy), some sites are already built. Distances in a table or computed from x, y coordinates (and the "
        "UAV altitude), or the points each candidate site would cover listed line by line ('- site A: V1, V2'). "
        "Maximum coverage, set cover, facility location, cell planning, disaster area coverage."
    )
    math = r"""
\textbf{Sets: } I \text{ demand points},\ J \text{ candidate sites};
\ J_i = \{ j : \mathrm{dist}(i,j) \le R_j \} \text{ sites covering } i
\\ \textbf{Parameters: } w_i \text{ demand},\ K \text{ sites available},\ c_j \text{ site cost},\ B \text{ budget},
\ m_i \text{ sites that must cover } i,\ O \text{ sites already open}
\\ \textbf{Variables: } x_j \in \{0,1\} \text{ (site opened)},\ 0 \le y_i \le 1 \text{ (point covered)}
\\ \text{Maximum coverage: } \max \textstyle\sum_i w_i y_i \ \text{ s.t. } y_i \le \sum_{j\in J_i} x_j
\\ \text{Set cover: } \min \textstyle\sum_j x_j \text{ or } \min \sum_j c_j x_j \text{ s.t. } \sum_{j\in J_i} x_j \ge m_i\ (\ge 1)
\\ \text{optional: } \textstyle\sum_j x_j \le K,\ \sum_j c_j x_j \le B,\ \sum_{j\in J_i} x_j \ge m_i,\ x_j = 1\ (j\in O)
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
        "An operator plans small cells for six hotspots. Each candidate site has its own coverage radius and cost "
        "(table, km and k$); the budget is 10 k$.\n\n"
        "| hotspot | x | y | users |\n|---|---|---|---|\n| P1 | 0 | 0 | 40 |\n| P2 | 2 | 1 | 25 |\n| P3 | 4 | 0 | 30 |\n"
        "| P4 | 1 | 3 | 20 |\n| P5 | 3 | 3 | 35 |\n| P6 | 5 | 2 | 15 |\n\n"
        "| site | x | y | radius (km) | cost (k$) |\n|---|---|---|---|---|\n| A | 1 | 1 | 1.5 | 4 |\n"
        "| B | 3 | 0 | 1.2 | 3 |\n| C | 2 | 3 | 1.5 | 5 |\n| D | 4 | 2 | 1.6 | 4 |\n\n"
        "Choose the sites to maximize the number of users covered within the budget.",
    )
    tags = (
        "MILP", "coverage_placement", "UAV", "drone", "base station placement", "maximum coverage", "set cover",
        "budget", "redundancy", "k-coverage", "radius",
    )  # fmt: skip
    params_model = CoverageParams
    structural_constraints = frozenset({"covered"})

    # ---------------------------------------------------------------------------------------------- binding

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        if not data.tables and not data.relations:
            raise AssemblyError(
                "this template needs a table of distances (points x sites), tables of x, y coordinates, or lists of "
                "the points each site covers ('- site A: V1, V2')"
            )
        properties: dict[str, Any] = {
            "objective": {"enum": list(get_args(CoverageObjective)), "description": "what the question asks to optimize"}
        }
        marked = _marked(data)
        if marked is not None:  # which site covers which point is read from the marks by code: nothing to ask
            points, sites = list(marked.rows), _mark_columns(marked)
        elif data.tables:
            points, sites = _names(data)
            properties |= self._geometry_schema(data, len(sites))
        else:
            properties["coverage_lists"] = {
                "enum": [r.id for r in data.relations],
                "description": "the lines that say which points each site covers (or which sites cover each point)",
            }
            if _lists_side(data, data.relations[0]) is None:
                properties["each_line_gives"] = {"enum": [SITE_LISTS, POINT_LISTS]}
            points, sites = _sides(data, data.relations[0], None)
        properties["demand"] = _naming(
            series_schema("users or demand at each point, if given", [LINEAR], data, optional=True), data, points
        )
        if data.says(_COST):
            properties["site_cost"] = _naming(
                series_schema("cost of each candidate site, if given", [LINEAR], data, optional=True), data, sites
            )
        if data.says(_COUNT):
            properties["sites_available"] = {"type": ["integer", "null"], "description": "most sites that may be opened"}
        if data.says_together(_BUDGET, _COST):
            properties["budget"] = {
                "type": "object",
                "description": "the most the opened sites may cost together; value null if no budget",
                "properties": {"value": {"type": ["number", "null"]}, "unit": {"type": "string"}},
                "required": ["value", "unit"],
            }
        if data.says_together(_MUST_COVER):
            properties["must_cover"] = {
                "type": "object",
                "description": "points that must be covered, and by how many opened sites at least (1 if not said)",
                "properties": {
                    "points": {"type": "array", "items": {"enum": [EVERY_POINT, *points]}},
                    "times": {"type": "integer", "minimum": 1},
                },
                "required": ["points", "times"],
            }
        if data.says(_ALREADY):
            properties["already_open"] = {
                "type": "array",
                "items": {"enum": sites},
                "description": "sites already built or that must be opened (empty if none)",
            }
        if data.says(_ALTITUDE) and data.tables:
            properties["altitude"] = {
                "type": "object",
                "description": "height of the UAVs above the points (slant range); value null if not given",
                "properties": {"value": {"type": ["number", "null"]}, "unit": {"enum": LENGTH_UNITS}},
                "required": ["value", "unit"],
            }
        return binding_object("coverage_binding", properties)

    @staticmethod
    def _geometry_schema(data: TextData, site_count: int) -> dict[str, Any]:
        # Each choice offers only the tables that can be it: a distance table has a number in every cell, a
        # coordinate table has x and y columns (a 0.5B model took a site table with a 'type' column for distances).
        distances = [t.id for t in data.tables if not _has_xy(t) and all(v is not None for row in t.cells for v in row)]
        coordinates = [t.id for t in data.tables if _has_xy(t)]
        geometry = [*([DISTANCE_TABLE] if distances else []), *([COORDINATE_TABLES] if len(coordinates) >= 2 else [])]
        properties: dict[str, Any] = {
            "geometry": {"enum": geometry or [DISTANCE_TABLE, COORDINATE_TABLES]},
            "distance_table": {"enum": [*distances, "none"], "description": "rows demand points, columns sites"},
            "point_coordinates": {"enum": [*coordinates, "none"], "description": "table of the demand points' x, y"},
            "site_coordinates": {"enum": [*coordinates, "none"], "description": "table of the candidate sites' x, y"},
            "length_unit": {"enum": LENGTH_UNITS, "description": "unit of the distances or coordinates"},
        }
        radius_columns = [c for c in series_choices(data) if _RADIUS_COLUMN.search(c.partition(": ")[2] or c)]
        radius_columns += _type_columns(data)  # "a macro site covers ... within 2.0 km and a pico site ... 1.2 km"
        if radius_columns:
            properties["coverage_radius"] = per_element_schema(
                "distance within which a site covers a point: one for all, or a list or column per site",
                LENGTH_UNITS, data, site_count, sources=radius_columns,
            )  # fmt: skip
        else:
            properties["coverage_radius"] = quantity_schema("distance within which a site covers a point", LENGTH_UNITS)
        return properties

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        objective = variant(binding, "objective", get_args(CoverageObjective), MAX_COVERAGE)
        marked = _marked(data)
        if marked is not None:
            sites = _mark_columns(marked)
            values: dict[str, Any] = {
                "points": list(marked.rows),
                "sites": sites,
                "covers": {p: [s for s in sites if marked.text_of(p, s).strip()] for p in marked.rows},
            }
        elif not data.tables:
            values = self._from_lists(binding, data)
        else:
            values = self._from_geometry(binding, data, spec)
        values |= {
            "objective": objective,
            "already_open": list(dict.fromkeys(str(s) for s in binding.get("already_open") or [])),
        }
        points = values["points"]
        if objective == MAX_COVERAGE:
            values["demand"] = read_series(binding.get("demand"), LINEAR, "demand", data, spec, optional=True)
        count = binding.get("sites_available")
        if count is not None:
            spec.append(SpecItem("sites available", float(count), "stated in the text, copied by the model"))
            values["max_sites"] = int(count)
        budget = binding.get("budget")
        if isinstance(budget, dict) and budget.get("value") is not None:
            values["budget"] = float(budget["value"])
            spec.append(SpecItem("budget", float(budget["value"]), "stated in the text, copied by the model"))
        if objective == LEAST_COST or "budget" in values:
            values["site_cost"] = read_series(binding.get("site_cost"), LINEAR, "site cost", data, spec, optional=True)
        must = binding.get("must_cover")
        if isinstance(must, dict) and must.get("points"):
            chosen = [str(p) for p in must["points"]]
            times = int(must.get("times") or 1)
            if times > 1:
                spec.append(SpecItem("sites covering a point", float(times), "stated in the text, copied by the model"))
            values["must_cover"] = dict.fromkeys(points if EVERY_POINT in chosen else chosen, times)
        return values

    def _from_geometry(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        """Points, sites, distances and radii from a distance table or coordinate tables (and the UAVs' altitude)."""
        unit = str(binding.get("length_unit") or "m")
        altitude = binding.get("altitude")
        height = None
        if isinstance(altitude, dict) and altitude.get("value") is not None:
            height = read_quantity(altitude, "m", "altitude", spec)
        try:
            if binding.get("geometry") == COORDINATE_TABLES:
                chosen = str(binding.get("point_coordinates")), str(binding.get("site_coordinates"))
                point_table, site_table = _labelled_coordinates(data) or chosen
                distance = self._from_coordinates(data.table(point_table), data.table(site_table), unit, spec)
            else:
                distance = self._from_table(data.table(str(binding.get("distance_table"))), unit, spec)
        except KeyError as exc:
            raise AssemblyError(str(exc)) from exc
        if height is not None:
            distance = {p: {s: math.hypot(d, height) for s, d in row.items()} for p, row in distance.items()}
        sites = list(next(iter(distance.values())))
        return {
            "points": list(distance),
            "sites": sites,
            "distance_m": distance,
            "radius_m": _radius(binding.get("coverage_radius"), sites, data, spec),
        }

    @staticmethod
    def _from_lists(binding: dict[str, Any], data: TextData) -> dict[str, Any]:
        """Points, sites and which sites cover each point, from the lines that list them ("- site A: V1, V2, V5")."""
        try:
            relation = data.relation(str(binding.get("coverage_lists")))
        except KeyError as exc:
            raise AssemblyError(str(exc)) from exc
        points, sites = _sides(data, relation, binding.get("each_line_gives"))
        if set(relation.members) <= set(sites):
            covers = {p: [s for s in sites if p in relation.members.get(s, ())] for p in points}
        else:
            covers = {p: [s for s in sites if s in relation.members.get(p, ())] for p in points}
        return {"points": points, "sites": sites, "covers": covers}

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
        """Euclidean distances in the plane from the x, y columns of each table (the first two when none is named so)."""

        def xy(table: Table) -> dict[str, tuple[float, float]]:
            x_col, y_col = _xy_columns(table)
            out: dict[str, tuple[float, float]] = {}
            for name in table.rows:
                x, y = table.column(x_col)[name], table.column(y_col)[name]
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

    # ---------------------------------------------------------------------------------------------- model

    def build_model(self, params: CoverageParams) -> pyo.ConcreteModel:
        m = pyo.ConcreteModel(name=self.id)
        m.I = pyo.Set(initialize=params.points, ordered=True)
        m.J = pyo.Set(initialize=params.sites, ordered=True)
        m.x = pyo.Var(m.J, domain=pyo.Binary, doc="site opened")
        cost = params.site_cost or dict.fromkeys(params.sites, 1.0)
        required = params.required()
        if required:
            m.cover = pyo.Constraint(
                list(required),
                rule=lambda m, i: sum(m.x[j] for j in params.covering(i)) >= required[i],
                doc="point {i} is within reach of enough opened sites",
            )
        if params.max_sites is not None:
            m.max_sites = pyo.Constraint(expr=sum(m.x[j] for j in m.J) <= params.max_sites, doc="no more sites than available")
        if params.budget is not None:
            m.budget = pyo.Constraint(
                expr=sum(cost[j] * m.x[j] for j in m.J) <= params.budget, doc="the opened sites fit the budget"
            )
        if params.already_open:
            m.already_open = pyo.Constraint(params.already_open, rule=lambda m, j: m.x[j] == 1, doc="site {i} is open already")
        if params.objective == MAX_COVERAGE:
            m.y = pyo.Var(m.I, bounds=(0, 1), doc="point covered")
            m.covered = pyo.Constraint(
                m.I,
                rule=lambda m, i: m.y[i] <= sum(m.x[j] for j in params.covering(i)),
                doc="point {i} counts as covered only if an opened site reaches it",
            )
            m.objective = pyo.Objective(expr=sum(params.weight(i) * m.y[i] for i in m.I), sense=pyo.maximize)
        elif params.objective == LEAST_COST:
            m.objective = pyo.Objective(expr=sum(cost[j] * m.x[j] for j in m.J), sense=pyo.minimize)
        else:
            m.objective = pyo.Objective(expr=sum(m.x[j] for j in m.J), sense=pyo.minimize)
        return m

    # ---------------------------------------------------------------------------------------------- reading the answer

    def opened(self, params: CoverageParams, solution: dict[str, float]) -> list[str]:
        return [s for s in params.sites if solution.get(f"x[{s}]", 0.0) > 0.5]

    def objective_value(self, params: CoverageParams, opened: list[str]) -> float:
        """The objective recomputed from the opened sites alone."""
        if params.objective == MAX_COVERAGE:
            return sum(params.weight(p) for p in params.points if set(params.covering(p)) & set(opened))
        if params.objective == LEAST_COST:
            return sum((params.site_cost or {})[s] for s in opened)
        return float(len(opened))

    def solution_table(self, params: CoverageParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        opened = set(self.opened(params, solution))
        rows: list[dict[str, Any]] = []
        for point in params.points:
            served_by = [s for s in params.covering(point) if s in opened]
            rows.append({"point": point, "demand": params.weight(point), "covered by": ", ".join(served_by) or "-"})
        return rows

    def formulation_summary(self, params: CoverageParams) -> dict[str, Any]:
        summary: dict[str, Any] = {"demand points": len(params.points), "candidate sites": len(params.sites)}
        if params.radius_m is not None:
            radii = set(params.radius_m.values())
            summary["coverage radius (m)"] = radii.pop() if len(radii) == 1 else params.radius_m
        summary |= {"objective": params.objective, "sites covering each point": {p: params.covering(p) for p in params.points}}
        groups = {"sites available": params.max_sites, "budget": params.budget}
        summary |= {name: value for name, value in groups.items() if value is not None}
        if params.must_cover:
            summary["must be covered (by at least)"] = params.must_cover
        if params.already_open:
            summary["already open"] = params.already_open
        return summary


TEMPLATE = CoveragePlacement()


def _names(data: TextData) -> tuple[list[str], list[str]]:
    """(points, sites) as the tables suggest: a distance table's rows and columns, or two coordinate tables' rows
    (the sites' is the one that says so, or gives a cost, a type or a radius; else the second)."""
    coordinates = [t for t in data.tables if _has_xy(t)]
    if len(coordinates) >= 2:
        sites = [t for t in coordinates if _SITE_TABLE.search(" ".join([t.caption, t.corner, *t.columns]))]
        if len(sites) == 1:
            return list(next(t for t in coordinates if t is not sites[0]).rows), list(sites[0].rows)
        return list(coordinates[0].rows), list(coordinates[1].rows)
    table = data.tables[0]
    return list(table.rows), list(table.columns)


def _lists_side(data: TextData, relation: Relation) -> str | None:
    """What the coverage lines give, when a list or table column of the text says which side the points are (their
    demand or population names them): SITE_LISTS, POINT_LISTS, or None when nothing tells."""
    keys = set(relation.members)
    members = {m for listed in relation.members.values() for m in listed}
    named = [set(n.values) for n in data.lists] + [set(t.rows) for t in data.tables]
    if any(members <= names for names in named):
        return SITE_LISTS
    if any(keys <= names for names in named):
        return POINT_LISTS
    return None


def _sides(data: TextData, relation: Relation, said: Any) -> tuple[list[str], list[str]]:
    """(points, sites) of a coverage relation: the side a demand list names is the points; else what the binding
    says each line gives (the points each site covers, by default). Points named by a demand list that no site
    covers are points too."""
    keys = list(relation.members)
    members = list(dict.fromkeys(m for listed in relation.members.values() for m in listed))
    side = _lists_side(data, relation) or (POINT_LISTS if said == POINT_LISTS else SITE_LISTS)
    points, sites = (members, keys) if side == SITE_LISTS else (keys, members)
    for names in [list(n.values) for n in data.lists]:
        if set(points) <= set(names) and not set(sites) & set(names):
            return names, sites  # the demand list's order, and its points that no site reaches
    return points, sites


_WITHIN = r"[^.;]*?\bwithin\s+(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>km|m|metres|meters|kilometres|kilometers)\b"


def _type_radii(data: TextData, types: set[str]) -> dict[str, tuple[float, str]] | None:
    """The radius the text states for each site type ("a pico site every hotspot within 1.2 km"); None unless it
    states one for every type."""
    found: dict[str, tuple[float, str]] = {}
    for kind in types:
        pattern = re.compile(rf"\b{re.escape(kind)}\b{_WITHIN}", re.IGNORECASE)
        match = next((m for m in map(pattern.search, data.sentences()) if m), None)  # prose, not a table's rows
        if match is None:
            return None
        found[kind] = (float(match.group("value")), match.group("unit"))
    return found


def _type_columns(data: TextData) -> list[str]:
    """Columns of a coordinate table that give each site a type in words ("macro", "pico"), where the text states
    a radius for every type, as choices "T1: type"."""
    out = []
    for table in (t for t in data.tables if _has_xy(t) and t.texts):
        for column in table.columns:
            kinds = {table.text_of(r, column).strip() for r in table.rows}
            if all(re.fullmatch(r"[A-Za-z][\w\- ]*", k) for k in kinds) and _type_radii(data, kinds) is not None:
                out.append(f"{table.id}: {column}")
    return out


def _radius_by_type(choice: str, sites: list[str], data: TextData, spec: list[SpecItem]) -> dict[str, float]:
    table_id, _, column = choice.partition(": ")
    table = data.table(table_id)
    kind = {site: table.text_of(site, column).strip() for site in sites if site in table.rows}
    if len(kind) != len(sites):
        raise AssemblyError(f"coverage radius: column {choice} does not give every site a type")
    radii = _type_radii(data, set(kind.values())) or {}
    for name, (value, unit) in radii.items():
        spec.append(SpecItem(f"coverage radius[{name}] ({unit})", value, f"the text, for the {name} sites of {choice}"))
    return {site: convert_stated(*radii[kind[site]], "m", "coverage radius") for site in sites}


_MARK = re.compile(r"^(?:x|X|✓|✔|•|\*|yes|Yes|covered)$")
"""A cell that marks "this site covers this point" in a coverage table (a blank one: it does not)."""


def _mark_columns(table: Table) -> list[str]:
    """The columns of a table that hold only marks and blanks, with at least one mark (the sites of a coverage table)."""
    cells = {c: [table.text_of(r, c).strip() for r in table.rows] for c in table.columns}
    return [c for c, written in cells.items() if any(written) and all(not t or _MARK.match(t) for t in written)]


def _marked(data: TextData) -> Table | None:
    """The table that marks which sites cover which points ("An 'x' means the site covers the district": rows the
    points, a column of marks per site; dev30-cov-03), when the text has exactly one; else None."""
    tables = [t for t in data.tables if len(_mark_columns(t)) >= 2]
    return tables[0] if len(tables) == 1 else None


def _naming(field: dict[str, Any], data: TextData, names: list[str]) -> dict[str, Any]:
    """A series field offering only the lists and columns that give a number for each of `names` (the points for a
    demand, the sites for a cost), unless none does: dev30-cov-03's site costs are no districts' populations."""
    source = field["properties"]["source"]
    choices = [c for c in source["enum"] if c == "none" or set(series_names(c, data)) == set(names)]
    return (
        field if choices == ["none"] else {**field, "properties": {**field["properties"], "source": {**source, "enum": choices}}}
    )


def _has_xy(table: Table) -> bool:
    lowered = [c.lower().split("(")[0].strip() for c in table.columns]
    return "x" in lowered and "y" in lowered


def _xy_columns(table: Table) -> tuple[str, str]:
    by_name = {c.lower().split("(")[0].strip(): c for c in table.columns}
    if "x" in by_name and "y" in by_name:
        return by_name["x"], by_name["y"]
    if len(table.columns) < 2:
        raise AssemblyError(f"table {table.id} needs x and y columns")
    return table.columns[0], table.columns[1]


def _radius(entry: Any, sites: list[str], data: TextData, spec: list[SpecItem]) -> dict[str, float]:
    """One radius for every site ({value, unit}) or one per site (a list, a column, numbers in order, or a column of
    site types whose radii the text states: "a macro site covers every hotspot within 2.0 km")."""
    if isinstance(entry, dict) and "list" in entry:
        if str(entry["list"]) in _type_columns(data):
            return _radius_by_type(str(entry["list"]), sites, data, spec)
        return read_per_element(entry, sites, "m", "coverage radius", data, spec)
    return dict.fromkeys(sites, read_quantity(entry, "m", "coverage radius", spec))


_SITE_WORDS = re.compile(r"\b(?:sites?|candidates?|base stations?|BSs?|towers?|access points?|APs?|gNBs?|eNBs?)\b", re.I)


def _labelled_coordinates(data: TextData) -> tuple[str, str] | None:
    """(points, sites) where the text says which of its two coordinate tables holds the sites (its corner or caption:
    "| site | x (km) | ...", "Candidate sites:"), and the other does not; None otherwise. The binding's choice gives way:
    the 1.5B model swapped dev30-cov-02's hotspots and candidate sites, three times."""
    tables = [t for t in data.tables if _has_xy(t)]
    if len(tables) != 2:
        return None
    said = [bool(_SITE_WORDS.search(f"{t.corner} {t.caption}")) for t in tables]
    if said.count(True) != 1:
        return None
    sites = tables[said.index(True)]
    points = tables[said.index(False)]
    return points.id, sites.id
