"""Partial offloading against closed forms.

Unconstrained, each task balances its branches: lambda = t_l / (t_l + t_e), latency t_l t_e / (t_l + t_e).
When the edge's cycle budget binds, pulling a fraction back costs t_l per unit of lambda and frees c_k cycles,
i.e. 1000 / f_local ms per Gcycle for every task alike, so the total latency grows by that price times the
excess cycles. The worst-case latency T is the least T for which the fractions 1 - T/t_l (local part in time)
fit under T/t_e and the edge budget: found here by plain bisection on T in numpy.
"""

from __future__ import annotations

from typing import Any

import pytest

from knowledge_base.templates.mec_partial_offloading import TEMPLATE, TOTAL, WORST, PartialOffloadingParams
from tools.solvers import Status, solve
from tools.textdata import parse_text


def binding(**changes: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "data_size": {"source": "T1: data (Mbit)", "unit": "Mbit"},
        "cpu_cycles": {"source": "T1: cycles (Gcycles)", "unit": "Gcycle"},
        "uplink_rate": {"source": "T1: uplink rate (Mbit/s)", "unit": "Mbit/s"},
        "local_cpu_frequency": {"value": 1, "unit": "GHz"},
        "edge_cpu_frequency": {"value": 4, "unit": "GHz"},
        "edge_capacity": {"value": 3, "unit": "Gcycle"},
        "objective": TOTAL,
    }
    out.update(changes)
    return out


def balanced(params: PartialOffloadingParams, k: str) -> tuple[float, float]:
    tl, te = params.local_ms(k), params.edge_ms(k)
    return tl / (tl + te), tl * te / (tl + te)


def total_closed_form(params: PartialOffloadingParams) -> float:
    total = sum(balanced(params, k)[1] for k in params.tasks)
    excess = sum(balanced(params, k)[0] * params.cycles_g[k] for k in params.tasks) - (params.edge_capacity_g or float("inf"))
    return total + max(0.0, excess) * 1000 / params.local_cpu_ghz


def worst_by_bisection(params: PartialOffloadingParams) -> float:
    def feasible(t: float) -> bool:
        need = {k: max(0.0, 1 - t / params.local_ms(k)) for k in params.tasks}
        if any(need[k] > min(1.0, t / params.edge_ms(k)) for k in params.tasks):
            return False
        return params.edge_capacity_g is None or sum(need[k] * params.cycles_g[k] for k in params.tasks) <= params.edge_capacity_g

    low, high = 0.0, max(params.local_ms(k) for k in params.tasks)
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (low, middle) if feasible(middle) else (middle, high)
    return high


@pytest.mark.parametrize("capacity", [3.0, None, 0.5])
@pytest.mark.parametrize("objective", [TOTAL, WORST])
def test_lp_equals_closed_form(objective: str, capacity: float | None) -> None:
    data = parse_text(TEMPLATE.examples[0])
    params, spec = TEMPLATE.assemble(binding(objective=objective, edge_capacity={"value": capacity, "unit": "Gcycle"}), data)
    if capacity == 3.0:
        assert all(data.mentions(item.value) for item in spec)
    result = solve(TEMPLATE.build_model(params), "LP")
    assert result.status is Status.OPTIMAL
    expected = total_closed_form(params) if objective == TOTAL else worst_by_bisection(params)
    assert result.objective == pytest.approx(expected, rel=1e-7)
    latencies = [r["latency (ms)"] for r in TEMPLATE.solution_table(params, result.solution)]
    assert (sum(latencies) if objective == TOTAL else max(latencies)) == pytest.approx(expected, rel=1e-6)


def test_example_by_hand() -> None:
    """Balanced fractions 20/27, 20/33, 60/79 would offload 40/27 + 20/33 + 180/79 = 4.37 Gcycles, over the budget
    of 3, so every task ends on its local branch: latency (1 - lambda_k) * 1000 c_k / f_local, summing to
    1000 * (2 + 1 + 3) - 1000 * 3 (the budget used in full) = 3000 ms."""
    params, _ = TEMPLATE.assemble(binding(), parse_text(TEMPLATE.examples[0]))
    assert solve(TEMPLATE.build_model(params), "LP").objective == pytest.approx(3000, rel=1e-9)
