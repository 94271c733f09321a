"""The energy-efficiency template's variants against a closed form and an independent local optimiser.

One user: d/dp of B log2(1 + a p) / (Pc + p/eta) = 0 gives x = 1 + a p = (a eta Pc - 1) / W((a eta Pc - 1) / e)
(W the Lambert function); the ratio is quasi-concave, so clipping x to the feasible powers stays optimal.
Several users: the ratio is pseudo-concave, so any local maximum scipy's SLSQP finds is the global one. The
energy per bit is the inverse ratio: its minimum is 1 / the maximum efficiency, at the same powers.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import lambertw

from knowledge_base.template import AssemblyError
from knowledge_base.templates.energy_efficiency_dinkelbach import (
    MAX_EE,
    MIN_ENERGY_PER_BIT,
    TEMPLATE,
    EnergyEfficiencyParams,
)
from tests.templates_support import fitting_variants
from tools.question import asked_quantity
from tools.solvers import Status, solve
from tools.solvers.methods import run_dinkelbach
from tools.textdata import parse_text

ACCESS_POINT = TEMPLATE.examples[1] + "\nPath losses: U1 95 dB, U2 100 dB, U3 105 dB, U4 110 dB"


def run_tool(params: Any, out_dir: Path) -> dict[str, Any]:
    """What the registry's `run_dinkelbach` entry gives for these parameters (the Invoker's path for this variant)."""
    return run_dinkelbach(TEMPLATE.tool_input(params), out_dir)


def binding(**changes: Any) -> dict[str, Any]:
    """What the LLM would fill for the template's first example."""
    out: dict[str, Any] = {
        "channel_gains": {"source": "L1", "unit": "dB"},
        "noise_power": {"value": -110, "unit": "dBm"},
        "bandwidth": {"value": 1, "unit": "MHz"},
        "circuit_power": {"value": 1, "unit": "W"},
        "power_budget": {"value": 2, "unit": "W"},
        "min_rate": {"list": "none", "values": [1], "unit": "Mbit/s"},
        "objective": MAX_EE,
    }
    out.update(changes)
    return out


def access_point_binding(objective: str) -> dict[str, Any]:
    return {
        "channel_gains": {"source": "L1", "unit": "path loss in dB"},
        "noise_power": {"value": None, "unit": "dBm"},
        "noise_density": {"value": -174, "unit": "dBm/Hz"},
        "noise_figure": {"value": 7, "unit": "dB"},
        "bandwidth": {"value": 5, "unit": "MHz"},
        "circuit_power": {"value": 0.5, "unit": "W"},
        "max_power_per_user": {"list": "none", "values": [1], "unit": "W"},
        "amplifier_efficiency": {"value": 35, "unit": "percent"},
        "objective": objective,
    }


def slsqp_optimum(params: EnergyEfficiencyParams) -> float:
    users = params.users
    low = np.array([params.min_power_w(u) for u in users])
    high = np.array([params.cap(u) for u in users])
    budget = params.power_budget_w or math.inf

    def negative(p: np.ndarray) -> float:
        return -params.efficiency(dict(zip(users, p, strict=True)))

    best = -math.inf
    starts = (low + 1e-3 * (high - low), np.minimum(high, budget / len(users)), low + 0.05 * (high - low))
    for start in starts:
        found = minimize(
            negative,
            start,
            method="SLSQP",
            bounds=list(zip(low, high, strict=True)),
            constraints=[{"type": "ineq", "fun": lambda p: budget - p.sum()}] if budget < math.inf else [],
            options={"ftol": 1e-14, "maxiter": 500},
        )
        best = max(best, -float(found.fun))
    return best


def test_example_dinkelbach_matches_an_independent_optimiser() -> None:
    data = parse_text(TEMPLATE.examples[0])
    jsonschema.validate(binding(), TEMPLATE.binding_schema(data))
    params, spec = TEMPLATE.assemble(binding(), data)
    assert all(data.mentions(item.value) or item.value == item.default for item in spec)
    assert params.gain["U2"] == pytest.approx(10**-9.5)  # -95 dB, converted by pint
    assert params.noise_w == pytest.approx(1e-14)  # -110 dBm
    out = run_tool(params, Path("."))
    assert out["status"] == "optimal" and all(out["checks"].values())
    assert out["objective"] == pytest.approx(slsqp_optimum(params), rel=1e-6)
    direct = solve(TEMPLATE.build_model(params), "NLP")  # the ratio solved directly by SCIP agrees
    assert direct.objective == pytest.approx(out["objective"], rel=1e-4)


def test_energy_per_bit_is_the_inverse_at_the_same_powers() -> None:
    data = parse_text(TEMPLATE.examples[0])
    best, _ = TEMPLATE.assemble(binding(), data)
    least, _ = TEMPLATE.assemble(binding(objective=MIN_ENERGY_PER_BIT), data)
    out_best, out_least = run_tool(best, Path(".")), run_tool(least, Path("."))
    assert out_least["status"] == "optimal" and all(out_least["checks"].values())
    assert out_least["objective"] == pytest.approx(1 / out_best["objective"], rel=1e-9)  # J/Mbit = 1 / (Mbit/J)
    direct = solve(TEMPLATE.build_model(least), "NLP")  # consumed power over rate, minimised directly by SCIP
    assert direct.objective == pytest.approx(out_least["objective"], rel=1e-4)
    assert TEMPLATE.objective(least).unit == "J/Mbit"  # type: ignore[union-attr]


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
        min_rate={"U1": min_rate},
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


def test_noise_density_path_losses_amplifier_and_per_user_limits() -> None:
    data = parse_text(ACCESS_POINT)
    schema = TEMPLATE.binding_schema(data)
    jsonschema.validate(access_point_binding(MIN_ENERGY_PER_BIT), schema)
    params, spec = TEMPLATE.assemble(access_point_binding(MIN_ENERGY_PER_BIT), data)
    assert all(data.mentions(item.value) for item in spec)
    # -174 dBm/Hz + 10 log10(5 MHz) + 7 dB = -100.01 dBm; 95 dB of path loss is a gain of 10^-9.5.
    assert params.noise_w == pytest.approx(10 ** (-17.4) * 5e6 * 10**0.7 / 1000)
    assert params.gain["U1"] == pytest.approx(10**-9.5) and params.amplifier_efficiency == pytest.approx(0.35)
    assert params.power_budget_w is None and params.max_power_w == dict.fromkeys(params.users, 1.0)
    out = run_tool(params, Path("."))
    assert out["status"] == "optimal" and all(out["checks"].values())
    assert out["objective"] == pytest.approx(1 / slsqp_optimum(params), rel=1e-6)
    assert asked_quantity(ACCESS_POINT).unit == "nJ/bit"  # type: ignore[union-attr]


def test_per_user_minimum_rates_from_a_list() -> None:
    text = TEMPLATE.examples[0].replace("Every user needs at least 1 Mbit/s.", "Users need at least these rates:") + (
        "\nMinimum rate (Mbit/s): U1 1, U2 3, U3 0.5"
    )
    data = parse_text(text)
    chosen = binding(min_rate={"list": "L2", "values": [], "unit": "Mbit/s"})
    jsonschema.validate(chosen, TEMPLATE.binding_schema(data))
    params, _ = TEMPLATE.assemble(chosen, data)
    assert params.min_rate == {"U1": 1.0, "U2": 3.0, "U3": 0.5}
    out = run_tool(params, Path("."))
    power = {u: out["solution"][f"p[{u}]"] for u in params.users}
    assert params.rate("U2", power["U2"]) >= 3 * (1 - 1e-6)
    assert out["objective"] == pytest.approx(slsqp_optimum(params), rel=1e-6)


def test_the_schema_offers_only_what_the_text_speaks_of() -> None:
    first = TEMPLATE.binding_schema(parse_text(TEMPLATE.examples[0]))["properties"]
    assert set(first) == {
        "channel_gains", "noise_power", "bandwidth", "circuit_power", "power_budget", "min_rate", "objective",
    }  # fmt: skip
    second = TEMPLATE.binding_schema(parse_text(ACCESS_POINT))["properties"]
    assert {"noise_density", "noise_figure", "amplifier_efficiency", "max_power_per_user"} <= set(second)
    assert "power_budget" not in second and "min_rate" not in second
    assert "path loss in dB" in second["channel_gains"]["properties"]["unit"]["enum"]


def test_no_rate_floor_is_no_group_and_refusals_name_the_reason() -> None:
    text = TEMPLATE.examples[0].replace(" Every user needs at least 1 Mbit/s.", "")
    params, spec = TEMPLATE.assemble(binding(min_rate={"list": "none", "values": [], "unit": "Mbit/s"}), parse_text(text))
    assert params.min_rate is None and all(parse_text(text).mentions(i.value) for i in spec)
    with pytest.raises(AssemblyError, match="minimum rates need more transmit power"):
        TEMPLATE.assemble(binding(min_rate={"list": "none", "values": [40], "unit": "Mbit/s"}), parse_text(TEMPLATE.examples[0]))
    free = binding(min_rate={"list": "none", "values": [], "unit": "Mbit/s"}, circuit_power={"value": 0, "unit": "W"})
    with pytest.raises(AssemblyError, match="no maximum; give the circuit power"):
        TEMPLATE.assemble(free, parse_text(TEMPLATE.examples[0]))
    with pytest.raises(AssemblyError, match="need a limit"):
        TEMPLATE.assemble(binding(power_budget={"value": None, "unit": "W"}), parse_text(TEMPLATE.examples[0]))


@pytest.mark.parametrize(
    ("question", "fitting"),
    [
        ("Choose the powers that maximize the energy efficiency in bits per Joule.", {MAX_EE}),
        ("What is the minimum energy per bit in nJ/bit?", {MIN_ENERGY_PER_BIT}),
        ("Report the largest achievable energy efficiency in Mbit/J.", {MAX_EE}),
    ],
)
def test_each_asked_quantity_fits_exactly_its_variant(question: str, fitting: set[str]) -> None:
    assert fitting_variants(TEMPLATE, question) == fitting


ONE_LINK = (
    "A sensor uploads over a 2 MHz channel. The path loss to the gateway is 120 dB and the noise power is -110 dBm. "
    "Its amplifier has 40 % efficiency and the rest of the radio draws a constant 200 mW. The transmit power can be "
    "anything up to 20 dBm. What is the maximum energy efficiency, in Mbit/J?"
)


def test_one_link_described_without_a_list_gives_its_gain_as_a_number() -> None:
    data = parse_text(ONE_LINK)
    schema = TEMPLATE.binding_schema(data)
    assert "channel_gains" not in schema["properties"] and schema["properties"]["channel_gain"]["properties"]["unit"]["enum"] == [
        "path loss in dB"
    ]
    # dev30-ee-01: the model was never asked the constant power, so every efficiency it could fill had no maximum.
    assert "circuit_power" in schema["properties"]
    for said in ("plus a constant 400 mW for the rest of the radio", "a fixed 0.3 W overhead", "a static 250 mW"):
        assert (
            "circuit_power"
            in TEMPLATE.binding_schema(parse_text(ONE_LINK.replace("the rest of the radio draws a constant 200 mW", said)))[
                "properties"
            ]
        )
    assert (
        "circuit_power"
        not in TEMPLATE.binding_schema(parse_text(ONE_LINK.replace(" and the rest of the radio draws a constant 200 mW", "")))[
            "properties"
        ]
    )
    chosen = {
        "channel_gain": {"value": 120, "unit": "path loss in dB"},
        "noise_power": {"value": -110, "unit": "dBm"},
        "bandwidth": {"value": 2, "unit": "MHz"},
        "circuit_power": {"value": 200, "unit": "mW"},
        "max_power_per_user": {"list": "none", "values": [20], "unit": "dBm"},
        "amplifier_efficiency": {"value": 40, "unit": "percent"},
        "objective": MAX_EE,
    }
    jsonschema.validate(chosen, schema)
    params, spec = TEMPLATE.assemble(chosen, data)
    assert all(data.mentions(item.value) or item.value == item.default for item in spec)
    assert params.users == ["link"] and params.gain["link"] == pytest.approx(1e-12) and params.cap("link") == pytest.approx(0.1)
    out = run_tool(params, Path("."))
    assert out["status"] == "optimal"
    # By hand, on a grid of the power: 2 log2(1 + p 1e-12 / 1e-14) Mbit/s over 0.2 + p / 0.4 W.
    grid = np.linspace(1e-6, 0.1, 200001)
    assert out["objective"] == pytest.approx(float(np.max(2 * np.log2(1 + grid * 100) / (0.2 + grid / 0.4))), rel=1e-5)
