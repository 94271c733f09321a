"""Coverage placement against brute force over every subset of candidate sites, each objective and constraint group
scored from the distances and radii alone (recomputed here from the coordinates where the text gives those)."""

from __future__ import annotations

import itertools
import math
from typing import Any

import jsonschema
import pytest

from knowledge_base.template import AssemblyError
from knowledge_base.templates.coverage_site_placement import (
    FEWEST_SITES,
    LEAST_COST,
    MAX_COVERAGE,
    TEMPLATE,
    CoverageParams,
)
from tests.templates_support import dev30_case, solve_example
from tools.textdata import parse_text

UAV_TEXT, _, BUDGET_TEXT = TEMPLATE.examples

COORDINATES_TEXT = """Select base-station sites so that every user location is within 2 km of an opened base station,
at least total site cost. User locations (km):

| user | x | y |
|---|---|---|
| U1 | 0 | 0 |
| U2 | 3 | 1 |
| U3 | 5 | 4 |
| U4 | 1 | 4 |
| U5 | 6 | 0 |

Candidate sites (km):

| site | x | y |
|---|---|---|
| S1 | 1 | 1 |
| S2 | 4 | 1 |
| S3 | 4 | 4 |
| S4 | 1 | 3 |
| S5 | 6 | 2 |

Site cost: S1 3, S2 4, S3 2, S4 2, S5 3
"""
USERS = {"U1": (0, 0), "U2": (3, 1), "U3": (5, 4), "U4": (1, 4), "U5": (6, 0)}
SITES = {"S1": (1, 1), "S2": (4, 1), "S3": (4, 4), "S4": (1, 3), "S5": (6, 2)}


def brute_force(params: CoverageParams, reach: dict[str, set[str]] | None = None) -> float:
    """Every subset of sites that meets the constraints, scored by the objective; `reach` (point -> sites within its
    radius) defaults to what the distances and radii say."""
    reach = reach or {p: {s for s in params.sites if params.distance_m[p][s] <= params.radius_m[s] + 1e-9} for p in params.points}
    needed = (
        dict(params.must_cover)
        if params.objective == MAX_COVERAGE
        else {p: max(1, params.must_cover.get(p, 1)) for p in params.points}
    )
    cost = params.site_cost or dict.fromkeys(params.sites, 1.0)
    best = -math.inf if params.objective == MAX_COVERAGE else math.inf
    for size in range(len(params.sites) + 1):
        for chosen in itertools.combinations(params.sites, size):
            if params.max_sites is not None and size > params.max_sites:
                continue
            if params.budget is not None and sum(cost[s] for s in chosen) > params.budget + 1e-9:
                continue
            if not set(params.already_open) <= set(chosen):
                continue
            if any(len(reach[p] & set(chosen)) < times for p, times in needed.items()):
                continue
            if params.objective == MAX_COVERAGE:
                best = max(best, sum(params.weight(p) for p in params.points if reach[p] & set(chosen)))
            elif params.objective == LEAST_COST:
                best = min(best, sum(cost[s] for s in chosen))
            else:
                best = min(best, size)
    return best


def example_binding(**changes: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "objective": MAX_COVERAGE,
        "geometry": "a table of distances",
        "distance_table": "T1",
        "point_coordinates": "none",
        "site_coordinates": "none",
        "length_unit": "m",
        "coverage_radius": {"value": 300, "unit": "m"},
        "demand": {"source": "L1", "unit": "linear"},
        "sites_available": 2,
    }
    out.update(changes)
    return out


@pytest.mark.parametrize("available", [1, 2, 3])
def test_max_coverage_equals_brute_force(available: int) -> None:
    text = UAV_TEXT.replace("2 UAVs", f"{available} UAVs")
    params, result = solve_example(TEMPLATE, text, example_binding(sites_available=available))
    assert result.objective == pytest.approx(brute_force(params))
    covered = sum(r["demand"] for r in TEMPLATE.solution_table(params, result.solution) if r["covered by"] != "-")
    assert covered == pytest.approx(result.objective)
    assert TEMPLATE.objective_value(params, TEMPLATE.opened(params, result.solution)) == pytest.approx(result.objective)


def test_example_by_hand() -> None:
    """Within 300 m: H1 reaches C1, C2; H2 reaches C2, C3; H3 reaches C3, C4, C5; H4 reaches C4.
    Two UAVs: H1 + H3 cover everyone but nobody twice: 12 + 8 + 15 + 10 + 6 = 51 rescuers."""
    params, result = solve_example(TEMPLATE, UAV_TEXT, example_binding())
    assert result.objective == pytest.approx(51)
    assert TEMPLATE.opened(params, result.solution) == ["H1", "H3"]


def coordinate_binding(objective: str, radius_km: float, costs: bool) -> dict[str, Any]:
    return {
        "objective": objective,
        "geometry": "tables of x, y coordinates",
        "distance_table": "none",
        "point_coordinates": "T1",
        "site_coordinates": "T2",
        "length_unit": "km",
        "coverage_radius": {"value": radius_km, "unit": "km"},
        "demand": {"source": "none", "unit": "linear"},
        "site_cost": {"source": "L1" if costs else "none", "unit": "linear"},
    }


def reach_from_coordinates(radius_km: float) -> dict[str, set[str]]:
    return {u: {s for s, at in SITES.items() if math.dist(USERS[u], at) <= radius_km + 1e-9} for u in USERS}


@pytest.mark.parametrize(
    ("objective", "radius_km"), [(LEAST_COST, 2.0), (FEWEST_SITES, 2.0), (FEWEST_SITES, 2.5), (LEAST_COST, 3.0)]
)
def test_set_cover_from_coordinates_equals_brute_force(objective: str, radius_km: float) -> None:
    text = COORDINATES_TEXT.replace("within 2 km", f"within {radius_km:g} km")
    params, result = solve_example(TEMPLATE, text, coordinate_binding(objective, radius_km, objective == LEAST_COST))
    assert params.distance_m["U2"]["S2"] == pytest.approx(1000)  # (3, 1) to (4, 1) km, computed in code
    assert result.objective == pytest.approx(brute_force(params, reach_from_coordinates(radius_km)))


def test_points_covered_twice_and_sites_already_open_equal_brute_force() -> None:
    text = COORDINATES_TEXT + "\nU2 and U5 must be covered by at least two base stations. S4 is already built."
    binding = coordinate_binding(FEWEST_SITES, 3.0, False) | {
        "must_cover": {"points": ["U2", "U5"], "times": 2},
        "already_open": ["S4"],
        "sites_available": None,  # "two base stations" reads as a count too: the field is offered, and empty
    }
    text = text.replace("within 2 km", "within 3 km")
    params, result = solve_example(TEMPLATE, text, binding)
    assert params.must_cover == {"U2": 2, "U5": 2}
    reach = reach_from_coordinates(3.0)
    assert result.objective == pytest.approx(brute_force(params, reach))
    plain, _ = TEMPLATE.assemble(coordinate_binding(FEWEST_SITES, 3.0, False), parse_text(text))
    assert result.objective > brute_force(plain, reach)  # redundancy and the built site cost more sites here
    opened = set(TEMPLATE.opened(params, result.solution))
    assert "S4" in opened and all(len(reach[u] & opened) >= 2 for u in ("U2", "U5"))
    # in maximum coverage, "every point at least once" is a hard floor beside the objective
    every = example_binding(must_cover={"points": ["every point"], "times": 1}, sites_available=2)
    params, result = solve_example(TEMPLATE, UAV_TEXT + "\nEvery cluster must be covered.", every)
    assert result.objective == pytest.approx(brute_force(params)) and result.objective == pytest.approx(51)


BUDGET_BINDING = {
    "objective": MAX_COVERAGE,
    "geometry": "tables of x, y coordinates",
    "distance_table": "none",
    "point_coordinates": "T1",
    "site_coordinates": "T2",
    "length_unit": "km",
    "coverage_radius": {"list": "T2: radius (km)", "values": [], "unit": "km"},
    "demand": {"source": "T1: users", "unit": "linear"},
    "site_cost": {"source": "T2: cost (k$)", "unit": "linear"},
    "budget": {"value": 10, "unit": "k$"},
}
HOTSPOTS = {"P1": (0, 0, 40), "P2": (2, 1, 25), "P3": (4, 0, 30), "P4": (1, 3, 20), "P5": (3, 3, 35), "P6": (5, 2, 15)}
CELLS = {"A": (1, 1, 1.5, 4), "B": (3, 0, 1.2, 3), "C": (2, 3, 1.5, 5), "D": (4, 2, 1.6, 4)}


def test_a_budget_and_a_radius_per_site_equal_brute_force() -> None:
    params, result = solve_example(TEMPLATE, BUDGET_TEXT, BUDGET_BINDING)
    assert params.radius_m == {"A": 1500, "B": 1200, "C": 1500, "D": 1600}
    reach = {p: {c for c, (x, y, r, _) in CELLS.items() if math.dist(at[:2], (x, y)) <= r + 1e-9} for p, at in HOTSPOTS.items()}
    assert result.objective == pytest.approx(brute_force(params, reach))
    # By hand: A reaches P1, P2 (65 users); B reaches P3 (30); C reaches P4, P5 (55); D reaches P5, P6 (50). Within
    # 10 k$: A + C (9 k$) cover 120, A + D (8) 115, A + B (7) 95; any three sites cost more than 10.
    assert result.objective == pytest.approx(120)


def test_a_uav_altitude_turns_horizontal_distances_into_slant_ranges() -> None:
    text = UAV_TEXT.replace("within 300 m", "within 300 m of slant range; the UAVs hover at an altitude of 200 m")
    binding = example_binding(altitude={"value": 200, "unit": "m"})
    params, result = solve_example(TEMPLATE, text, binding)
    assert params.distance_m["C1"]["H1"] == pytest.approx(math.hypot(120, 200))
    # Only pairs within sqrt(300^2 - 200^2) = 223.6 m horizontally remain: H1-C1, H2-C2, H2-C3, H4-C4.
    assert result.objective == pytest.approx(brute_force(params)) and result.objective == pytest.approx(35)


def test_the_schema_offers_only_what_each_text_speaks_of() -> None:
    fields = [set(TEMPLATE.binding_schema(parse_text(text))["properties"]) for text in (UAV_TEXT, COORDINATES_TEXT, BUDGET_TEXT)]
    basic = {"objective", "geometry", "distance_table", "point_coordinates", "site_coordinates", "length_unit"}
    basic |= {"coverage_radius", "demand"}
    assert fields[0] == basic | {"sites_available"}
    assert fields[1] == basic | {"site_cost"}
    assert fields[2] == basic | {"site_cost", "budget"}
    radius = TEMPLATE.binding_schema(parse_text(BUDGET_TEXT))["properties"]["coverage_radius"]
    assert radius["properties"]["list"]["enum"] == ["T2: radius (km)", "none"]  # a radius per site, from its column
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(example_binding(objective="maximize the coverage"), TEMPLATE.binding_schema(parse_text(UAV_TEXT)))


def test_an_unreachable_point_is_named() -> None:
    binding = example_binding(coverage_radius={"value": 100, "unit": "m"}, objective=FEWEST_SITES, sites_available=None)
    with pytest.raises(AssemblyError, match="C2, C3, C5 lie beyond the coverage radius"):
        TEMPLATE.assemble(binding, parse_text(UAV_TEXT))


def test_a_budget_needs_the_site_costs() -> None:
    binding = BUDGET_BINDING | {"site_cost": {"source": "none", "unit": "linear"}}
    with pytest.raises(AssemblyError, match="cost of each candidate site"):
        TEMPLATE.assemble(binding, parse_text(BUDGET_TEXT))


def test_a_list_whose_items_end_in_a_word_uses_the_chosen_unit() -> None:
    people = "Rescuers per cluster: C1 12 people, C2 8 people, C3 15 people, C4 10 people, C5 6 people"
    data = parse_text(UAV_TEXT.replace("Rescuers per cluster: C1 12, C2 8, C3 15, C4 10, C5 6", people))
    assert data.lists[0].unit == "people"  # not a unit pint knows: the model's choice (linear) applies
    params, _ = TEMPLATE.assemble(example_binding(), data)
    assert params.demand == {"C1": 12, "C2": 8, "C3": 15, "C4": 10, "C5": 6}


LISTS_TEXT = """A county can afford at most 2 new masts. Six hamlets H1 to H6 have 120, 340, 80, 260, 150 and 90 residents.
The survey lists which hamlets each candidate mast would reach:
- mast North: H1, H2
- mast East: H2, H3, H4
- mast South: H4, H5
- mast West: H1, H5
Which masts should be built to reach as many residents as possible?
"""
REACH = {"North": {"H1", "H2"}, "East": {"H2", "H3", "H4"}, "South": {"H4", "H5"}, "West": {"H1", "H5"}}
"""Mast -> hamlets; H6 is reached by no mast and counts as a point all the same."""


def list_binding(available: int, **changes: Any) -> dict[str, Any]:
    return {"objective": MAX_COVERAGE, "coverage_lists": "R1", "demand": {"source": "L1", "unit": "linear"},
            "sites_available": available} | changes  # fmt: skip


@pytest.mark.parametrize("available", [1, 2, 3])
def test_coverage_from_lists_of_what_each_site_reaches_equals_brute_force(available: int) -> None:
    text = LISTS_TEXT.replace("at most 2", f"at most {available}")
    schema = TEMPLATE.binding_schema(parse_text(text))
    assert "each_line_gives" not in schema["properties"]  # the residents' list names the hamlets: code tells the sides
    assert "distance_table" not in schema["properties"] and "coverage_radius" not in schema["properties"]
    params, result = solve_example(TEMPLATE, text, list_binding(available))
    assert params.points == ["H1", "H2", "H3", "H4", "H5", "H6"] and params.sites == ["North", "East", "South", "West"]
    reach = {p: {s for s, hamlets in REACH.items() if p in hamlets} for p in params.points}
    assert result.objective == pytest.approx(brute_force(params, reach))
    assert {2: 340 + 80 + 260 + 120 + 150}.get(available, result.objective) == pytest.approx(result.objective)


def test_coverage_lists_by_point_and_without_a_demand_list_follow_the_binding() -> None:
    # Lines per hamlet ("- H1: North, West") with no residents' list: code cannot tell the sides, the binding says.
    by_point = "\n".join(f"- {p}: {', '.join(s for s, h in REACH.items() if p in h)}" for p in ["H1", "H2", "H3", "H4", "H5"])
    text = f"At most 2 masts can be built. The masts that reach each hamlet:\n{by_point}\nMaximize the hamlets reached."
    schema = TEMPLATE.binding_schema(parse_text(text))
    assert schema["properties"]["each_line_gives"]["enum"] == ["the points each site covers", "the sites that cover each point"]
    binding = list_binding(2, demand={"source": "none", "unit": "linear"}, each_line_gives="the sites that cover each point")
    params, result = solve_example(TEMPLATE, text, binding)
    assert set(params.sites) == {"North", "East", "South", "West"} and result.objective == pytest.approx(5)  # East + West
    wrong_way, _ = TEMPLATE.assemble(binding | {"each_line_gives": "the points each site covers"}, parse_text(text))
    assert wrong_way.points == ["North", "West", "East", "South"]  # what the LLM's word decides when code cannot


def test_a_text_with_neither_distances_nor_coverage_lists_says_what_the_template_needs() -> None:
    with pytest.raises(AssemblyError, match="lists of the points each site covers"):
        TEMPLATE.binding_schema(parse_text("Place 2 masts to reach as many hamlets as possible."))


def test_covered_by_at_least_one_site_defines_coverage_and_asks_no_must_cover() -> None:
    # The 0.5B model filled must_cover with "times 3" from "at most 3 masts" when the field was offered for the
    # definition of coverage; redundancy ("at least two") and "must be covered" still offer it.
    defined = LISTS_TEXT + "A hamlet counts as covered if at least one chosen tower covers it."
    assert "must_cover" not in TEMPLATE.binding_schema(parse_text(defined))["properties"]
    for rule in ("H2 must be reached by at least two masts.", "H2 must be covered."):
        assert "must_cover" in TEMPLATE.binding_schema(parse_text(LISTS_TEXT + rule))["properties"], rule


TYPED_SITES = """Cover eight hotspots at least cost. Coordinates are in km.

Hotspots: Q1 (0.5, 0.5), Q2 (2.0, 0.8), Q3 (3.4, 1.2), Q4 (0.8, 2.6),
Q5 (2.2, 2.2), Q6 (3.8, 3.0), Q7 (1.2, 4.0), Q8 (3.0, 4.4).

Candidate sites:

| site | x (km) | y (km) | type | cost (kEUR) |
|---|---|---|---|---|
| R1 | 1.0 | 1.0 | macro | 70 |
| R2 | 3.0 | 1.5 | macro | 65 |
| R3 | 1.5 | 3.5 | macro | 75 |
| R4 | 3.5 | 3.8 | pico | 25 |
| R5 | 2.1 | 2.0 | pico | 20 |

A macro site covers every hotspot within 1.8 km and a pico site every hotspot within 1.0 km. Every hotspot must be
covered by at least one built site. What is the least total cost?"""


def test_positions_in_a_sentence_and_a_radius_per_site_type_equal_brute_force() -> None:
    # dev30-cov-02's form: the points' positions written in prose, the radius stated per site type.
    data = parse_text(TYPED_SITES)
    [points] = [t for t in data.tables if t.caption == "Hotspots"]
    assert points.columns == ("x (km)", "y (km)") and points.rows[-1] == "Q8" and points.cells[6] == (1.2, 4.0)
    radius = TEMPLATE.binding_schema(data)["properties"]["coverage_radius"]
    assert radius["properties"]["list"]["enum"] == ["T1: type", "none"]
    schema = TEMPLATE.binding_schema(data)["properties"]
    assert schema["geometry"]["enum"] == ["tables of x, y coordinates"] and schema["distance_table"]["enum"] == ["none"]
    assert schema["point_coordinates"]["enum"] == ["T1", points.id, "none"]  # only tables with x and y columns
    costs = schema["site_cost"]["properties"]["source"]["enum"]
    assert "T1: cost (kEUR)" in costs and "T1: type" not in costs  # a column of words holds no value per site
    binding = coordinate_binding(LEAST_COST, 0, costs=False) | {
        "point_coordinates": points.id, "site_coordinates": "T1",
        "coverage_radius": {"list": "T1: type", "values": [], "unit": "km"},
        "site_cost": {"source": "T1: cost (kEUR)", "unit": "linear"},
        "must_cover": {"points": ["every point"], "times": 1},
    }  # fmt: skip
    params, result = solve_example(TEMPLATE, TYPED_SITES, binding)
    assert params.radius_m == {"R1": 1800, "R2": 1800, "R3": 1800, "R4": 1000, "R5": 1000}
    xy = dict(zip(points.rows, points.cells, strict=True))
    sites = {"R1": (1.0, 1.0, 1.8), "R2": (3.0, 1.5, 1.8), "R3": (1.5, 3.5, 1.8), "R4": (3.5, 3.8, 1.0), "R5": (2.1, 2.0, 1.0)}
    reach = {q: {s for s, (x, y, r) in sites.items() if math.dist(xy[q], (x, y)) <= r + 1e-9} for q in points.rows}
    assert result.objective == pytest.approx(brute_force(params, reach))
    unstated = TYPED_SITES.replace(" and a pico site every hotspot within 1.0 km", "")
    without = TEMPLATE.binding_schema(parse_text(unstated))["properties"]["coverage_radius"]
    assert "list" not in without.get("properties", {})  # a type with no radius in the text: the column is not offered


def test_a_table_of_marks_says_which_site_covers_which_point() -> None:
    """dev30-cov-03: 'An "x" means the site covers the district', a row per district and a column of marks per site.
    The template offered distances or coordinates only (every table choice 'none'), failed three times and was
    dropped. The marks are read by code; a demand is offered only from what names the districts, a cost only from
    what names the sites (the site costs were offered as the districts' populations)."""
    data = parse_text(dev30_case("dev30-cov-03")["question"])
    fields = TEMPLATE.binding_schema(data)["properties"]
    assert "geometry" not in fields and "distance_table" not in fields
    assert fields["demand"]["properties"]["source"]["enum"] == ["T1: population (thousands)", "none"]
    assert fields["site_cost"]["properties"]["source"]["enum"] == ["L1", "none"]
    binding = {"objective": "maximize the covered demand", "demand": {"source": "T1: population (thousands)", "unit": "linear"},
               "sites_available": 3, "must_cover": {"points": ["3"], "times": 2}}  # fmt: skip
    params, _ = TEMPLATE.assemble(binding, data)
    assert params.sites == [f"S{i}" for i in range(1, 10)] and params.points == [str(i) for i in range(1, 9)]
    assert params.covering("1") == ["S1", "S2", "S7"] and params.covering("8") == ["S5", "S7", "S8"]
