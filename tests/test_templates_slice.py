"""The slice-admission templates against enumeration of every admission (and placement) of the slice requests."""

from __future__ import annotations

import itertools

import pytest

from knowledge_base.template import AssemblyError
from knowledge_base.templates.slice_admission import TEMPLATE as SLICES
from knowledge_base.templates.slice_admission import SliceAdmissionParams
from knowledge_base.templates.slice_admission_placement import TEMPLATE as PLACEMENT
from knowledge_base.templates.slice_admission_placement import SlicePlacementParams
from tests.templates_support import solve_example
from tools.textdata import parse_text


def brute_admission(params: SliceAdmissionParams) -> float:
    best = float("-inf")
    for r in range(len(params.slices) + 1):
        for admitted in itertools.combinations(params.slices, r):
            if any(s not in admitted for s in params.must_admit):
                continue
            if all(sum(res.demand[s] for s in admitted) <= res.capacity + 1e-9 for res in params.resources):
                best = max(best, sum(params.value[s] for s in admitted))
    return best


BINDING = {
    "slice_table": "T1",
    "revenue_column": "revenue (k$)",
    "resources": [
        {"column": "bandwidth (MHz)", "capacity": {"value": 80, "unit": "MHz"}},
        {"column": "CPU (cores)", "capacity": {"value": 12, "unit": "cores"}},
    ],
    "must_admit": [],
}


@pytest.mark.parametrize("must_admit", [[], ["URLLC-2"]])
def test_admission_equals_enumeration(must_admit: list[str]) -> None:
    params, result = solve_example(SLICES, SLICES.examples[0], BINDING | {"must_admit": must_admit})
    assert result.objective == pytest.approx(brute_admission(params))
    if not must_admit:
        # By hand: eMBB-1 + URLLC-1 + mMTC-1 use 70 MHz and 11 cores for 21; both eMBB slices leave no room for a third
        # (18), and every other set of three or more breaks the 80 MHz or the 12 cores.
        assert result.objective == pytest.approx(21.0)
    admitted = [row for row in SLICES.solution_table(params, result.solution) if row["admitted"]]
    assert sum(row["revenue (k$)"] for row in admitted) == pytest.approx(result.objective)
    assert sum(row["bandwidth (MHz)"] for row in admitted) <= 80
    assert all(any(row["slice"] == s for row in admitted) for s in must_admit)


def test_capacity_in_another_unit_is_converted_to_the_column_unit() -> None:
    binding = BINDING | {
        "resources": [{"column": "bandwidth (MHz)", "capacity": {"value": 0.08, "unit": "GHz"}}],
    }
    params, _ = SLICES.assemble(binding, parse_text(SLICES.examples[0] + " That is 0.08 GHz."))
    assert params.resources[0].capacity == pytest.approx(80.0)


def test_revenue_column_cannot_be_a_resource() -> None:
    binding = BINDING | {"resources": [{"column": "revenue (k$)", "capacity": {"value": 80, "unit": "k$"}}]}
    with pytest.raises(AssemblyError, match="is the revenue"):
        SLICES.assemble(binding, parse_text(SLICES.examples[0]))


def brute_placement(params: SlicePlacementParams) -> float:
    """Every choice of a node (or rejection) per slice, kept when every node's capacities hold."""
    best = float("-inf")
    for hosts in itertools.product([None, *params.nodes], repeat=len(params.slices)):
        placed = {s: n for s, n in zip(params.slices, hosts, strict=True) if n is not None}
        if any(s not in placed for s in params.must_admit):
            continue
        if all(
            sum(res.demand[s] for s, host in placed.items() if host == n) <= res.capacity[n] + 1e-9
            for res in params.resources
            for n in params.nodes
        ):
            best = max(best, sum(params.value[s] for s in placed))
    return best


PLACEMENT_BINDING = {
    "slice_table": "T1",
    "revenue_column": "revenue",
    "resources": [
        {"demand_column": "CPU (cores)", "capacity_list": "L1"},
        {"demand_column": "memory (GB)", "capacity_list": "L2"},
    ],
    "must_admit": [],
}


@pytest.mark.parametrize("must_admit", [[], ["S2"]])
def test_placement_equals_enumeration(must_admit: list[str]) -> None:
    params, result = solve_example(PLACEMENT, PLACEMENT.examples[0], PLACEMENT_BINDING | {"must_admit": must_admit})
    assert result.objective == pytest.approx(brute_placement(params))
    if not must_admit:
        # By hand: S1 on E2, S3 and S4 on E1, S5 on E3 earn 24; S2 (12 GB) no longer fits anywhere beside them.
        # Pooling the nodes' resources (slice_admission) would admit all but S5 for 27: slices cannot be split.
        assert result.objective == pytest.approx(24.0)
    rows = PLACEMENT.solution_table(params, result.solution)
    assert sum(r["revenue"] for r in rows if r["admitted"]) == pytest.approx(result.objective)
    assert all(r["admitted"] for r in rows if r["slice"] in must_admit)


def test_placement_refuses_capacity_lists_over_different_nodes() -> None:
    text = PLACEMENT.examples[0].replace(
        "Memory capacity (GB): E1 16, E2 12, E3 10.", "Memory capacity (GB): E1 16, E2 12, E4 10."
    )
    with pytest.raises(AssemblyError, match="names other nodes"):
        PLACEMENT.assemble(PLACEMENT_BINDING, parse_text(text))
