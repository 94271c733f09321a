"""Water-filling template against the water level computed independently (active-set search on the KKT form).

With a_n sorted strongest first and k channels active, the budget gives mu = (P + sum_{n<=k} 1/a_n) / k and the
rate target gives log2(mu) = (R/B - sum_{n<=k} log2 a_n) / k; the right k is the one whose weakest active
channel still has a_k mu > 1 while the next channel would not.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from knowledge_base.templates.power_waterfilling_subcarriers import MAX_RATE, MIN_POWER, TEMPLATE, WaterfillingParams
from tools.solvers import Status, solve
from tools.textdata import parse_text


def water_level(params: WaterfillingParams) -> float:
    a = sorted((params.snr_per_milliwatt(n) for n in params.channels), reverse=True)
    bandwidth = params.bandwidth_mhz
    for k in range(len(a), 0, -1):
        if params.objective == MAX_RATE:
            assert params.power_budget_mw is not None
            mu = (params.power_budget_mw + sum(1 / x for x in a[:k])) / k
        else:
            assert params.rate_target_mbps is not None
            mu = 2 ** ((params.rate_target_mbps / bandwidth - sum(math.log2(x) for x in a[:k])) / k)
        if a[k - 1] * mu > 1 and (k == len(a) or a[k] * mu <= 1):
            return mu
    raise AssertionError("no active set")


def binding(**changes: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "channel_gains": {"source": "L1", "unit": "dB"},
        "noise_power": {"value": -100, "unit": "dBm"},
        "bandwidth": {"value": 1, "unit": "MHz"},
        "power_budget": {"value": 1, "unit": "W"},
        "rate_target": {"value": None, "unit": "Mbit/s"},
        "objective": MAX_RATE,
    }
    out.update(changes)
    return out


@pytest.mark.parametrize("budget_w", [1.0, 0.004, 0.0002])
def test_max_rate_equals_water_filling(budget_w: float) -> None:
    data = parse_text(TEMPLATE.examples[0])
    params, spec = TEMPLATE.assemble(binding(power_budget={"value": budget_w, "unit": "W"}), data)
    if budget_w == 1.0:
        assert all(data.mentions(item.value) for item in spec)
    mu = water_level(params)
    expected = sum(params.rate(n, mu - 1 / params.snr_per_milliwatt(n)) for n in params.channels)
    result = solve(TEMPLATE.build_model(params), "NLP")
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(expected, rel=1e-6)
    if budget_w == 0.0002:  # a small budget leaves the weakest subcarrier dry
        assert result.solution["p[N4]"] == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize("target", [5.0, 20.0, 40.0])
def test_min_power_for_a_rate_equals_inverse_water_filling(target: float) -> None:
    changes = {
        "power_budget": {"value": None, "unit": "W"},
        "rate_target": {"value": target, "unit": "Mbit/s"},
        "objective": MIN_POWER,
    }
    params, _ = TEMPLATE.assemble(binding(**changes), parse_text(TEMPLATE.examples[0]))
    mu = water_level(params)
    expected = sum(max(0.0, mu - 1 / params.snr_per_milliwatt(n)) for n in params.channels)
    result = solve(TEMPLATE.build_model(params), "NLP")
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(expected, rel=1e-5)
    rows = TEMPLATE.solution_table(params, result.solution)
    assert sum(r["rate (Mbit/s)"] for r in rows) >= target * (1 - 1e-6)
