"""Slice admission against enumeration of every decision of every slice (reject, or admit at a level, on a node),
each checked against the table's numbers recomputed here: every objective and constraint group."""

from __future__ import annotations

import itertools
from typing import Any

import jsonschema
import pytest

from knowledge_base.template import AssemblyError
from knowledge_base.templates.slice_admission import COUNT, REVENUE, TEMPLATE, SliceAdmissionParams
from tests.templates_support import solve_example
from tools.textdata import parse_text

POOLED, PLACED, LEVELS, _ = TEMPLATE.examples


def brute_force(params: SliceAdmissionParams) -> float:
    """Every choice per slice of: rejected, or (level, node) — the capacities recomputed from the raw fields."""
    levels = (
        ["full", "reduced"] if params.reduced_value is not None or any(r.reduced_demand for r in params.resources) else ["full"]
    )
    nodes: list[str] = params.nodes or [""]
    options = [
        [None, *((level, n) for level in levels for n in nodes if not (level == "reduced" and s in params.full_only))]
        for s in params.slices
    ]
    best = float("-inf")
    for choice in itertools.product(*options):
        chosen = {s: c for s, c in zip(params.slices, choice, strict=True) if c is not None}
        if any(s not in chosen for s in params.must_admit):
            continue
        ok = True
        for r in params.resources:

            def use(s: str, level: str, r: Any = r) -> float:
                demand = r.demand[s] if level == "full" or r.reduced_demand is None else r.reduced_demand[s]
                return float(demand + r.overhead)

            if r.capacity is not None:
                room = r.capacity * (1 - r.reserved_share) - r.reserved
                ok &= sum(use(s, level) for s, (level, _) in chosen.items()) <= room + 1e-9
            for n in params.nodes if r.node_capacity is not None else []:
                room = (r.node_capacity or {})[n] * (1 - r.reserved_share) - r.reserved
                ok &= sum(use(s, level) for s, (level, host) in chosen.items() if host == n) <= room + 1e-9
        value = params.value or {}
        reduced = params.reduced_value or value
        earned = sum((value if level == "full" else reduced)[s] for s, (level, _) in chosen.items())
        if not ok or (params.min_revenue is not None and earned < params.min_revenue - 1e-9):
            continue
        best = max(best, float(len(chosen)) if params.objective == COUNT else earned)
    return best


BINDING = {
    "objective": REVENUE,
    "slice_table": "T1",
    "revenue_column": "revenue (k$)",
    "resources": [
        {"column": "bandwidth (MHz)", "capacity": {"value": 80, "unit": "MHz"}},
        {"column": "CPU (cores)", "capacity": {"value": 12, "unit": "cores"}},
    ],
}


@pytest.mark.parametrize("must_admit", [[], ["URLLC-2"]])
def test_pooled_admission_equals_enumeration(must_admit: list[str]) -> None:
    text = POOLED + (" The URLLC-2 slice must be admitted." if must_admit else "")
    binding = BINDING | ({"must_admit": must_admit} if must_admit else {})
    params, result = solve_example(TEMPLATE, text, binding)
    assert result.objective == pytest.approx(brute_force(params))
    if not must_admit:
        # By hand: eMBB-1 + URLLC-1 + mMTC-1 use 70 MHz and 11 cores for 21; both eMBB slices leave no room for a third
        # (18), and every other set of three or more breaks the 80 MHz or the 12 cores.
        assert result.objective == pytest.approx(21.0)
    admitted = [row for row in TEMPLATE.solution_table(params, result.solution) if row["admitted"]]
    assert sum(row["revenue (k$)"] for row in admitted) == pytest.approx(result.objective)
    assert sum(row["bandwidth (MHz)"] for row in admitted) <= 80
    assert all(any(row["slice"] == s for row in admitted) for s in must_admit)


def test_the_number_of_slices_under_a_revenue_floor_equals_enumeration() -> None:
    text = POOLED + " Admit as many slices as possible, but the admitted slices must earn at least 17 k$ together."
    binding = BINDING | {"objective": COUNT, "minimum_revenue": {"value": 17, "unit": "k$"}}
    params, result = solve_example(TEMPLATE, text, binding)
    assert params.min_revenue == 17
    assert result.objective == pytest.approx(brute_force(params))
    # Four slices never fit 80 MHz and 12 cores together; three that earn at least 17 do (eMBB-1, URLLC-1, mMTC-1).
    assert result.objective == pytest.approx(3.0)
    unconstrained, _ = TEMPLATE.assemble(BINDING | {"objective": COUNT, "revenue_column": "none"}, parse_text(text))
    assert unconstrained.value is None  # the count alone uses no revenue: the spec has none of its numbers


def test_capacity_in_another_unit_is_converted_to_the_column_unit() -> None:
    binding = BINDING | {"resources": [{"column": "bandwidth (MHz)", "capacity": {"value": 0.08, "unit": "GHz"}}]}
    params, _ = TEMPLATE.assemble(binding, parse_text(POOLED + " That is 0.08 GHz."))
    assert params.resources[0].capacity == pytest.approx(80.0)


def test_revenue_column_cannot_be_a_resource() -> None:
    binding = BINDING | {"resources": [{"column": "revenue (k$)", "capacity": {"value": 80, "unit": "k$"}}]}
    with pytest.raises(AssemblyError, match="is the revenue"):
        TEMPLATE.assemble(binding, parse_text(POOLED))


PLACEMENT = {
    "objective": REVENUE,
    "slice_table": "T1",
    "revenue_column": "revenue",
    "resources": [{"column": "CPU (cores)", "capacity": "L1"}, {"column": "memory (GB)", "capacity": "L2"}],
}


@pytest.mark.parametrize("must_admit", [[], ["S2"]])
def test_placement_on_nodes_equals_enumeration(must_admit: list[str]) -> None:
    text = PLACED + (" S2 must be admitted." if must_admit else "")
    binding = PLACEMENT | ({"must_admit": must_admit} if must_admit else {})
    params, result = solve_example(TEMPLATE, text, binding)
    assert params.nodes == ["E1", "E2", "E3"]
    assert result.objective == pytest.approx(brute_force(params))
    if not must_admit:
        # By hand: S1 on E2, S3 and S4 on E1, S5 on E3 earn 24; S2 (12 GB) no longer fits anywhere beside them.
        # Pooling the nodes' resources would admit all but S5 for 27: slices cannot be split.
        assert result.objective == pytest.approx(24.0)
    rows = TEMPLATE.solution_table(params, result.solution)
    assert sum(r["revenue"] for r in rows if r["admitted"]) == pytest.approx(result.objective)
    assert all(r["admitted"] and r["node"] != "-" for r in rows if r["slice"] in must_admit)


def test_placement_beside_a_pooled_resource_equals_enumeration() -> None:
    text = PLACED + " The slices also share a storage pool of 25 GB."
    binding = PLACEMENT | {
        "resources": [*PLACEMENT["resources"], {"column": "memory (GB)", "capacity": {"value": 25, "unit": "GB"}}],
    }
    params, result = solve_example(TEMPLATE, text, binding)
    assert params.resources[2].capacity == 25 and params.resources[2].node_capacity is None
    assert result.objective == pytest.approx(brute_force(params))
    assert result.objective < 24.0  # the 24 of the placement alone needs 8 + 4 + 6 + 10 = 28 GB of the pool


LEVEL_BINDING = {
    "objective": REVENUE,
    "slice_table": "T1",
    "revenue_column": "revenue",
    "resources": [
        {
            "column": "PRBs",
            "capacity": {"value": 100, "unit": "PRBs"},
            "reserved": {"value": 10, "unit": "%"},
            "overhead_per_slice": {"value": 2, "unit": "PRBs"},
            "reduced_level_column": "none",
        },
        {
            "column": "transport (Mbit/s)",
            "capacity": {"value": 1, "unit": "Gbit/s"},
            "reserved": {"value": 0, "unit": "Mbit/s"},
            "overhead_per_slice": {"value": 0, "unit": "Mbit/s"},
            "reduced_level_column": "none",
        },
    ],
    "must_admit": ["URLLC"],
    "reduced_level": {
        "revenue_column": "none",
        "revenue_share": {"value": 60, "unit": "%"},
        "demand_share": {"value": None, "unit": "fraction"},
    },
    "full_only": ["URLLC"],
}


def test_levels_reserve_and_overhead_equal_enumeration() -> None:
    """By hand: 90 usable PRBs and 2 of overhead per slice. All four in full need 108; eMBB-A full, eMBB-B reduced (15),
    URLLC, mMTC reduced (5) need 81 + 7 = 88 and earn 12 + 5.4 + 8 + 1.8 = 27.2, as does eMBB-A reduced with the others
    in full (88)."""
    half = LEVEL_BINDING | {
        "reduced_level": {**LEVEL_BINDING["reduced_level"], "demand_share": {"value": 0.5, "unit": "fraction"}}
    }
    text = LEVELS.replace("half of its PRBs", "0.5 of its PRBs")
    params, result = solve_example(TEMPLATE, text, half)
    assert params.resources[0].reserved_share == pytest.approx(0.1) and params.resources[1].capacity == pytest.approx(1000)
    assert result.objective == pytest.approx(brute_force(params)) and result.objective == pytest.approx(27.2)
    rows = {r["slice"]: r for r in TEMPLATE.solution_table(params, result.solution)}
    assert rows["URLLC"]["level"] == "full"
    assert sum(r["PRBs"] for r in rows.values()) <= 90 + 1e-9  # use includes the overhead


def test_a_reduced_level_from_columns_equals_enumeration() -> None:
    text = (
        "Four slice requests may be rejected, admitted in full or admitted at a reduced level, with the revenue and "
        "demands of each level in the table. The cell has 50 PRBs.\n\n"
        "| slice | revenue | PRBs | reduced revenue | reduced PRBs |\n|---|---|---|---|---|\n"
        "| A | 10 | 30 | 6 | 12 |\n| B | 8 | 20 | 5 | 10 |\n| C | 7 | 25 | 3 | 8 |\n| D | 4 | 10 | 2 | 4 |\n\n"
        "Maximize the total revenue."
    )
    binding = {
        "objective": REVENUE,
        "slice_table": "T1",
        "revenue_column": "revenue",
        "resources": [{"column": "PRBs", "capacity": {"value": 50, "unit": "PRBs"}, "reduced_level_column": "reduced PRBs"}],
        "reduced_level": {
            "revenue_column": "reduced revenue",
            "revenue_share": {"value": None, "unit": "%"},
            "demand_share": {"value": None, "unit": "%"},
        },
    }
    params, result = solve_example(TEMPLATE, text, binding)
    assert result.objective == pytest.approx(brute_force(params))
    # By hand: in full only, A + B (50 PRBs) earn 18; A and C reduced with B and D in full use 12 + 20 + 8 + 10 = 50
    # and earn 6 + 8 + 3 + 4 = 21.
    assert result.objective == pytest.approx(21.0)


def test_the_schema_offers_only_what_each_text_speaks_of() -> None:
    fields = [set(TEMPLATE.binding_schema(parse_text(text))["properties"]) for text in (POOLED, PLACED, LEVELS)]
    basic = {"objective", "slice_table", "revenue_column", "resources"}
    assert fields[0] == basic
    assert fields[1] == basic  # "must run entirely on one node" is no must-admit
    assert fields[2] == basic | {"must_admit", "reduced_level", "full_only"}
    items = TEMPLATE.binding_schema(parse_text(LEVELS))["properties"]["resources"]["items"]["properties"]
    assert set(items) == {"column", "capacity", "reserved", "overhead_per_slice", "reduced_level_column"}
    pooled = TEMPLATE.binding_schema(parse_text(POOLED))["properties"]["resources"]["items"]["properties"]
    assert set(pooled) == {"column", "capacity"} and "anyOf" not in pooled["capacity"]  # no lists: no node capacities
    placed = TEMPLATE.binding_schema(parse_text(PLACED))["properties"]["resources"]["items"]["properties"]
    assert placed["capacity"]["anyOf"][1]["enum"] == ["L1", "L2"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(BINDING | {"objective": "maximum profit"}, TEMPLATE.binding_schema(parse_text(POOLED)))


def test_the_measure_says_what_the_value_column_holds() -> None:
    params, _ = TEMPLATE.assemble(BINDING, parse_text(POOLED))
    weights = POOLED.replace("revenue (k$)", "priority weight")
    weighted, _ = TEMPLATE.assemble(BINDING | {"revenue_column": "priority weight"}, parse_text(weights))
    count, _ = TEMPLATE.assemble(BINDING | {"objective": COUNT}, parse_text(POOLED))
    assert "profit" in (TEMPLATE.objective(params) or TEMPLATE.objectives[COUNT]).kinds
    assert "weight" in (TEMPLATE.objective(weighted) or TEMPLATE.objectives[COUNT]).kinds
    assert (TEMPLATE.objective(count) or TEMPLATE.objectives[REVENUE]).measures == "the number of admitted slices"


def test_placement_refuses_capacity_lists_over_different_nodes() -> None:
    text = PLACED.replace("Memory capacity (GB): E1 16, E2 12, E3 10.", "Memory capacity (GB): E1 16, E2 12, E4 10.")
    with pytest.raises(AssemblyError, match="other nodes"):
        TEMPLATE.assemble(PLACEMENT, parse_text(text))
