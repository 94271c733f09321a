"""Coverage placement against brute force over every subset of candidate sites."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest

from knowledge_base.template import AssemblyError
from knowledge_base.templates.coverage_site_placement import MAX_COVERAGE, SET_COVER, TEMPLATE, CoverageParams
from tools.solvers import Status, solve
from tools.textdata import parse_text

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


def brute_force(params: CoverageParams) -> float:
    best = -math.inf if params.objective == MAX_COVERAGE else math.inf
    for size in range(len(params.sites) + 1):
        if params.max_sites is not None and size > params.max_sites:
            break
        for chosen in itertools.combinations(params.sites, size):
            reached = {p for p in params.points if any(params.distance_m[p][s] <= params.radius_m for s in chosen)}
            if params.objective == MAX_COVERAGE:
                best = max(best, sum(params.weight(p) for p in reached))
            elif reached == set(params.points):
                cost = params.site_cost or dict.fromkeys(params.sites, 1.0)
                best = min(best, sum(cost[s] for s in chosen))
    return best


def example_binding(**changes: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "geometry": "a table of distances",
        "distance_table": "T1",
        "point_coordinates": "none",
        "site_coordinates": "none",
        "length_unit": "m",
        "coverage_radius": {"value": 300, "unit": "m"},
        "demand": {"source": "L1", "unit": "linear"},
        "site_cost": {"source": "none", "unit": "linear"},
        "sites_available": 2,
        "objective": MAX_COVERAGE,
    }
    out.update(changes)
    return out


@pytest.mark.parametrize("available", [1, 2, 3])
def test_max_coverage_equals_brute_force(available: int) -> None:
    data = parse_text(TEMPLATE.examples[0])
    params, spec = TEMPLATE.assemble(example_binding(sites_available=available), data)
    if available == 2:
        assert all(data.mentions(item.value) for item in spec)
    result = solve(TEMPLATE.build_model(params), "MILP")
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(brute_force(params))
    covered = sum(r["demand"] for r in TEMPLATE.solution_table(params, result.solution) if r["covered by"] != "-")
    assert covered == pytest.approx(result.objective)


def test_example_by_hand() -> None:
    """Within 300 m: H1 reaches C1, C2; H2 reaches C2, C3; H3 reaches C3, C4, C5; H4 reaches C4.
    Two UAVs: H1 + H3 cover everyone but nobody twice: 12 + 8 + 15 + 10 + 6 = 51 rescuers."""
    params, _ = TEMPLATE.assemble(example_binding(), parse_text(TEMPLATE.examples[0]))
    result = solve(TEMPLATE.build_model(params), "MILP")
    assert result.objective == pytest.approx(51)
    assert TEMPLATE.opened(params, result.solution) == ["H1", "H3"]


@pytest.mark.parametrize(("costs", "radius_km"), [(True, 2.0), (False, 2.0), (False, 2.5), (True, 3.0)])
def test_set_cover_from_coordinates_equals_brute_force(costs: bool, radius_km: float) -> None:
    binding = example_binding(
        geometry="tables of x, y coordinates",
        distance_table="none",
        point_coordinates="T1",
        site_coordinates="T2",
        length_unit="km",
        coverage_radius={"value": radius_km * 1000, "unit": "m"},
        demand={"source": "none", "unit": "linear"},
        site_cost={"source": "L1" if costs else "none", "unit": "linear"},
        sites_available=None,
        objective=SET_COVER,
    )
    params, _ = TEMPLATE.assemble(binding, parse_text(COORDINATES_TEXT))
    assert params.distance_m["U2"]["S2"] == pytest.approx(1000)  # (3, 1) to (4, 1) km, computed in code
    result = solve(TEMPLATE.build_model(params), "MILP")
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(brute_force(params))


def test_an_unreachable_point_is_named() -> None:
    binding = example_binding(coverage_radius={"value": 100, "unit": "m"}, objective=SET_COVER, sites_available=None)
    with pytest.raises(AssemblyError, match="C2, C3, C5 lie beyond the coverage radius"):
        TEMPLATE.assemble(binding, parse_text(TEMPLATE.examples[0]))


def test_a_list_whose_items_end_in_a_word_uses_the_chosen_unit() -> None:
    people = "Rescuers per cluster: C1 12 people, C2 8 people, C3 15 people, C4 10 people, C5 6 people"
    data = parse_text(TEMPLATE.examples[0].replace("Rescuers per cluster: C1 12, C2 8, C3 15, C4 10, C5 6", people))
    assert data.lists[0].unit == "people"  # not a unit pint knows: the model's choice (linear) applies
    params, _ = TEMPLATE.assemble(example_binding(), data)
    assert params.demand == {"C1": 12, "C2": 8, "C3": 15, "C4": 10, "C5": 6}
