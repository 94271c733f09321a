"""The energy-efficiency template's Dinkelbach answer against a closed form and an independent local optimiser.

One user: d/dp of B log2(1 + a p) / (Pc + p/eta) = 0 gives x = 1 + a p = (a eta Pc - 1) / W((a eta Pc - 1) / e)
(W the Lambert function); the ratio is quasi-concave, so clipping x to the feasible powers stays optimal.
Several users: the ratio is pseudo-concave, so any local maximum scipy's SLSQP finds is the global one.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import lambertw

from knowledge_base.template import AssemblyError
from knowledge_base.templates.energy_efficiency_dinkelbach import TEMPLATE, EnergyEfficiencyParams
from tools.registry import tool_named
from tools.solvers import Status, solve
from tools.textdata import parse_text


def binding(**changes: Any) -> dict[str, Any]:
    """What the LLM would fill for the template's example."""
    out: dict[str, Any] = {
        "channel_gains": {"source": "L1", "unit": "dB"},
        "noise_power": {"value": -110, "unit": "dBm"},
        "bandwidth": {"value": 1, "unit": "MHz"},
        "circuit_power": {"value": 1, "unit": "W"},
        "power_budget": {"value": 2, "unit": "W"},
        "min_rate": {"value": 1, "unit": "Mbit/s"},
    }
    out.update(changes)
    return out


def slsqp_optimum(params: EnergyEfficiencyParams) -> float:
    users = params.users
    low = np.array([params.min_power_w(u) for u in users])

    def negative(p: np.ndarray) -> float:
        return -params.efficiency(dict(zip(users, p, strict=True)))

    best = -math.inf
    for start in (low + 1e-3, np.full(len(users), params.power_budget_w / len(users)), low + 0.05):
        found = minimize(
            negative,
            start,
            method="SLSQP",
            bounds=[(lo, params.power_budget_w) for lo in low],
            constraints=[{"type": "ineq", "fun": lambda p: params.power_budget_w - p.sum()}],
            options={"ftol": 1e-14, "maxiter": 500},
        )
        best = max(best, -float(found.fun))
    return best


def test_example_dinkelbach_matches_an_independent_optimiser() -> None:
    params, _ = TEMPLATE.assemble(binding(), parse_text(TEMPLATE.examples[0]))
    assert params.gain["U2"] == pytest.approx(10**-9.5)  # -95 dB, converted by pint
    assert params.noise_w == pytest.approx(1e-14)  # -110 dBm
    out = tool_named(TEMPLATE.tool).run(TEMPLATE.tool_input(params), Path("."))  # as the Invoker runs it
    assert out["status"] == "optimal" and all(out["checks"].values())
    assert out["objective"] == pytest.approx(slsqp_optimum(params), rel=1e-6)
    direct = solve(TEMPLATE.build_model(params), "NLP")  # the ratio solved directly by SCIP agrees
    assert direct.objective == pytest.approx(out["objective"], rel=1e-4)


@pytest.mark.parametrize(
    ("circuit_w", "budget_w", "min_rate"), [(1.0, 2.0, 0.0), (0.01, 2.0, 0.0), (1.0, 0.05, 0.0), (0.1, 2.0, 12.0)]
)
def test_one_user_equals_the_lambert_w_closed_form(circuit_w: float, budget_w: float, min_rate: float) -> None:
    params = EnergyEfficiencyParams(
        users=["U1"],
        gain={"U1": 1e-9},
        noise_w=1e-13,
        bandwidth_mhz=1.0,
        circuit_power_w=circuit_w,
        power_budget_w=budget_w,
        min_rate_mbps=min_rate,
        amplifier_efficiency=0.5,
    )
    a, eta = 1e4, 0.5
    c = a * eta * circuit_w - 1
    x = c / lambertw(c / math.e).real  # stationary point of the ratio in x = 1 + a p
    p = min(max((x - 1) / a, params.min_power_w("U1")), budget_w)
    expected = math.log2(1 + a * p) / (circuit_w + p / eta)
    result = TEMPLATE.solve_by_dinkelbach(params)
    assert result.status is Status.OPTIMAL
    # SCIP solves each parametric NLP to its own tolerances (about 1e-6), which bounds the ratio's accuracy.
    assert result.value == pytest.approx(expected, rel=1e-6)
    assert 2 <= len(result.steps) <= 12  # superlinear convergence: a handful of parametric problems


def test_no_rate_floor_is_the_documented_default_not_a_number_from_the_text() -> None:
    text = TEMPLATE.examples[0].replace(" Every user needs at least 1 Mbit/s.", "")
    data = parse_text(text)
    params, spec = TEMPLATE.assemble(binding(min_rate={"value": 0, "unit": "Mbit/s"}), data)
    assert params.min_rate_mbps == 0
    unstated = [item for item in spec if not data.mentions(item.value)]
    assert [(i.name, i.default) for i in unstated] == [("minimum rate", 0)]  # the one quantity reader names no unit


def test_rate_floors_beyond_the_budget_and_a_missing_circuit_power_are_refused() -> None:
    with pytest.raises(AssemblyError, match="minimum rates need more transmit power"):
        TEMPLATE.assemble(binding(min_rate={"value": 40, "unit": "Mbit/s"}), parse_text(TEMPLATE.examples[0]))
    free = binding(min_rate={"value": 0, "unit": "Mbit/s"}, circuit_power={"value": 0, "unit": "W"})
    with pytest.raises(AssemblyError, match="no maximum; give the circuit power"):
        TEMPLATE.assemble(free, parse_text(TEMPLATE.examples[0]))
