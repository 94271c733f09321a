"""MEC offloading against a brute force over every offload/local choice, recomputed from the table alone."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from knowledge_base.templates.mec_binary_offloading import TEMPLATE
from tools.solvers import Status, solve
from tools.textdata import parse_text

TEXT = TEMPLATE.examples[0]
TABLE = {  # task: (data Mbit, Gcycles, uplink Mbit/s, deadline ms), as the example's table states
    "K1": (2, 1.0, 20, 600),
    "K2": (8, 0.5, 10, 1000),
    "K3": (1, 2.0, 10, 900),
    "K4": (4, 1.5, 40, 1000),
}


def binding(**changes: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "data_size": {"source": "T1: data (Mbit)", "unit": "Mbit"},
        "cpu_cycles": {"source": "T1: cycles (Gcycles)", "unit": "Gcycle"},
        "uplink_rate": {"source": "T1: uplink rate (Mbit/s)", "unit": "Mbit/s"},
        "deadline": {"source": "T1: deadline (ms)", "unit": "ms"},
        "local_cpu_frequency": {"value": 1, "unit": "GHz"},
        "local_computing_power": {"value": 0.9, "unit": "W"},
        "transmit_power": {"value": 0.2, "unit": "W"},
        "edge_cpu_frequency": {"value": 5, "unit": "GHz"},
        "edge_capacity": {"value": 4.8, "unit": "Gcycle"},
        "objective": "minimize the total energy of the devices",
    }
    out.update(changes)
    return out


def brute_force(energy: bool, capacity: float | None, deadlines: bool = True) -> float | None:
    best = None
    for choice in itertools.product([False, True], repeat=len(TABLE)):
        total, cycles, ok = 0.0, 0.0, True
        for offload, (data, gcycles, rate, deadline) in zip(choice, TABLE.values(), strict=True):
            if offload:
                seconds, joules = data / rate + gcycles / 5, 0.2 * data / rate
                cycles += gcycles
            else:
                seconds, joules = gcycles / 1, 0.9 * gcycles / 1
            ok &= not deadlines or 1000 * seconds <= deadline + 1e-9
            total += joules if energy else 1000 * seconds
        if ok and (capacity is None or cycles <= capacity + 1e-9) and (best is None or total < best):
            best = total
    return best


@pytest.mark.parametrize(
    ("objective", "capacity", "deadlines"),
    [
        ("minimize the total energy of the devices", 4.8, True),
        ("minimize the total energy of the devices", None, True),
        ("minimize the total latency", 4.8, True),
        ("minimize the total latency", 2.5, False),
        ("minimize the total energy of the devices", 2.5, False),
    ],
)
def test_milp_equals_brute_force(objective: str, capacity: float | None, deadlines: bool) -> None:
    data = parse_text(TEXT)
    changes: dict[str, Any] = {"objective": objective, "edge_capacity": {"value": capacity, "unit": "Gcycle"}}
    if not deadlines:
        changes["deadline"] = {"source": "none", "unit": "ms"}
    params, _ = TEMPLATE.assemble(binding(**changes), data)
    result = solve(TEMPLATE.build_model(params), "MILP")
    assert result.status is Status.OPTIMAL
    expected = brute_force(objective.endswith("devices"), capacity, deadlines)
    assert expected is not None and result.objective == pytest.approx(expected, abs=1e-9)
    rows = TEMPLATE.solution_table(params, result.solution)
    column = "energy (J)" if objective.endswith("devices") else "latency (ms)"
    assert sum(r[column] for r in rows) == pytest.approx(expected, abs=1e-9)


def test_example_optimum_by_hand() -> None:
    """K1, K3, K4 miss their deadlines locally, so go to the edge (4.5 Gcycles); K2 no longer fits and stays:
    0.02 + 0.9 * 0.5 + 0.02 + 0.02 = 0.51 J."""
    data = parse_text(TEXT)
    params, spec = TEMPLATE.assemble(binding(), data)
    assert all(data.mentions(item.value) for item in spec)
    result = solve(TEMPLATE.build_model(params), "MILP")
    assert result.objective == pytest.approx(0.51)
    assert {r["task"]: r["where"] for r in TEMPLATE.solution_table(params, result.solution)} == {
        "K1": "edge",
        "K2": "device",
        "K3": "edge",
        "K4": "edge",
    }


def test_too_small_an_edge_is_infeasible_and_megacycles_convert() -> None:
    params, _ = TEMPLATE.assemble(binding(edge_capacity={"value": 3000, "unit": "Mcycle"}), parse_text(TEXT))
    assert params.edge_capacity_g == pytest.approx(3.0)
    assert solve(TEMPLATE.build_model(params), "MILP").status is Status.INFEASIBLE
