"""Bandwidth allocation against closed forms.

With a_k = D_k / s_k (MHz*s of band-time user k needs): the worst delay is least when every delay is equal,
T = sum_k a_k / B; the total delay sum_k a_k / b_k is least at b_k proportional to sqrt(a_k) (Lagrange),
giving (sum_k sqrt(a_k))^2 / B; the max-min rate equalises rates, r = B / sum_k (1/s_k); and sum_k w_k ln(s_k b_k)
is largest at b_k = w_k B / sum_j w_j.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from knowledge_base.template import AssemblyError
from knowledge_base.templates.bandwidth_allocation import TEMPLATE
from tools.solvers import Status, solve
from tools.textdata import parse_text

DELAY_TEXT = TEMPLATE.examples[0]
FAIRNESS_TEXT = TEMPLATE.examples[1]
D = {"U1": 10.0, "U2": 20.0, "U3": 5.0}
S_DELAY = {"U1": 2.0, "U2": 4.0, "U3": 1.0}
S_FAIR = {"U1": 1.5, "U2": 3.0, "U3": 4.5}


def delay_binding(objective: str) -> dict[str, Any]:
    return {
        "spectral_efficiency": {"source": "T1: spectral efficiency (bit/s/Hz)", "unit": "bit/s/Hz"},
        "data_size": {"source": "T1: data (Mbit)", "unit": "Mbit"},
        "weights": {"source": "none", "unit": "linear"},
        "total_bandwidth": {"value": 20, "unit": "MHz"},
        "objective": objective,
    }


def closed_form(objective: str) -> float:
    a = {u: D[u] / S_DELAY[u] for u in D}
    if objective == "minimize the worst-case delay":
        return 1000 * sum(a.values()) / 20
    if objective == "minimize the total delay":
        return 1000 * sum(math.sqrt(v) for v in a.values()) ** 2 / 20
    return 20 / sum(1 / s for s in S_DELAY.values())  # maximize the minimum rate (Mbit/s)


@pytest.mark.parametrize("objective", ["minimize the worst-case delay", "minimize the total delay", "maximize the minimum rate"])
def test_example_delay_and_rate_objectives_equal_their_closed_forms(objective: str) -> None:
    data = parse_text(DELAY_TEXT)
    params, spec = TEMPLATE.assemble(delay_binding(objective), data)
    assert params.data_mbit == D and params.spectral_efficiency == S_DELAY  # read from the table's columns
    assert all(data.mentions(item.value) for item in spec)
    result = solve(TEMPLATE.build_model(params), "LP" if objective == "maximize the minimum rate" else "NLP")
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(closed_form(objective), rel=1e-6)
    rows = TEMPLATE.solution_table(params, result.solution)
    assert sum(r["bandwidth (MHz)"] for r in rows) == pytest.approx(20, rel=1e-6)
    if objective == "minimize the worst-case delay":
        assert max(r["delay (ms)"] for r in rows) == pytest.approx(result.objective, rel=1e-6)


@pytest.mark.parametrize("weights", [None, {"U1": 1.0, "U2": 2.0, "U3": 1.0}])
def test_proportional_fairness_equals_the_weighted_split(weights: dict[str, float] | None) -> None:
    text = FAIRNESS_TEXT + ("\nPriority weights: U1 1, U2 2, U3 1" if weights else "")
    binding = {
        "spectral_efficiency": {"source": "L1", "unit": "bit/s/Hz"},
        "data_size": {"source": "none", "unit": "Mbit"},
        "weights": {"source": "L2" if weights else "none", "unit": "linear"},
        "total_bandwidth": {"value": 10, "unit": "MHz"},
        "objective": "maximize proportional fairness (sum of log rates)",
    }
    params, _ = TEMPLATE.assemble(binding, parse_text(text))
    result = solve(TEMPLATE.build_model(params), "NLP")
    w = weights or dict.fromkeys(S_FAIR, 1.0)
    expected = sum(w[u] * math.log(S_FAIR[u] * 10 * w[u] / sum(w.values())) for u in S_FAIR)
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(expected, rel=1e-6)
    # The objective is flat at its top, so the shares are only as exact as the square root of SCIP's tolerance.
    assert result.solution["b[U2]"] == pytest.approx(10 * w["U2"] / sum(w.values()), rel=1e-3)


def test_bandwidth_in_khz_is_converted_and_delay_needs_data() -> None:
    binding = delay_binding("minimize the worst-case delay") | {"total_bandwidth": {"value": 20000, "unit": "kHz"}}
    params, _ = TEMPLATE.assemble(binding, parse_text(DELAY_TEXT))
    assert params.total_bandwidth_mhz == pytest.approx(20)
    with pytest.raises(AssemblyError, match="data each user sends must be given"):
        TEMPLATE.assemble(binding | {"data_size": {"source": "none", "unit": "Mbit"}}, parse_text(DELAY_TEXT))
