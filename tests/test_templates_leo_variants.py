"""The LEO placement variants against independent exhaustive searches, and on dev-leo-02 and dev-leo-03."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

import pytest

from knowledge_base.template import AssemblyError
from knowledge_base.templates.leo_placement_activation_power import TEMPLATE as ACTIVATION
from knowledge_base.templates.leo_placement_activation_power import LeoActivationParams
from knowledge_base.templates.leo_placement_processing_time import TEMPLATE as PROCESSING
from knowledge_base.templates.leo_placement_processing_time import LeoProcessingParams
from tests.templates_support import dev_item, solve_example, within
from tools.textdata import parse_text


def placements(
    services: list[str], satellites: list[str], fits: dict[str, float], need: dict[str, float]
) -> Iterator[dict[str, str]]:
    """Every placement of the services whose load (need per service) stays within each satellite's room (fits)."""
    room = dict(fits)
    placed: dict[str, str] = {}

    def place(i: int) -> Iterator[dict[str, str]]:
        if i == len(services):
            yield dict(placed)
            return
        service = services[i]
        for satellite in satellites:
            if room[satellite] >= need[service]:
                room[satellite] -= need[service]
                placed[service] = satellite
                yield from place(i + 1)
                room[satellite] += need[service]
                del placed[service]

    yield from place(0)


def brute_processing(params: LeoProcessingParams) -> float:
    """Exhaustive search of the worst end-to-end latency: transfers plus processing, at most K per satellite."""
    limit = float(params.max_services_per_satellite or len(params.services))
    best = math.inf
    for placed in placements(
        params.services, params.satellites, dict.fromkeys(params.satellites, limit), dict.fromkeys(params.services, 1.0)
    ):
        latencies = []
        for app in params.applications:
            route = [app.access_satellite, *(placed[k] for k in app.chain), app.access_satellite]
            transfers = sum(params.delay_ms[a][b] for a, b in itertools.pairwise(route))
            latencies.append(transfers + sum(params.processing_ms[k][placed[k]] for k in app.chain))
        best = min(best, max(latencies))
    return best


def brute_activation(params: LeoActivationParams) -> float:
    """Cheapest set of switched-on satellites that admits a placement within CPU and every latency budget.

    Sets are tried in order of power; for each, every placement on its satellites is searched. A placement that
    leaves one of them empty is also a placement on a cheaper set, so the first set that works is the optimum.
    """
    assert params.cpu_capacity is not None and params.cpu_demand is not None
    subsets = [s for r in range(1, len(params.satellites) + 1) for s in itertools.combinations(params.satellites, r)]
    for subset in sorted(subsets, key=lambda s: sum(params.activation_power[x] for x in s)):
        room = {s: params.cpu_capacity[s] for s in subset}
        for placed in placements(params.services, list(subset), room, params.cpu_demand):
            if all(
                ACTIVATION.app_latency(params, app, placed) <= (app.latency_budget_ms or math.inf) for app in params.applications
            ):
                return sum(params.activation_power[x] for x in subset)
    return math.inf


PROCESSING_BINDING = {
    "delay_table": "T2",
    "processing_table": "T1",
    "max_microservices_per_satellite": 2,
    "applications": [
        {"name": "A", "first_microservice": "A1", "access_satellite": "S1", "requests_per_second": 1},
        {"name": "B", "first_microservice": "B1", "access_satellite": "S3", "requests_per_second": 1},
    ],
    "objective": "worst-case latency",
}


@pytest.mark.parametrize("objective", ["worst-case latency", "total latency"])
def test_processing_time_example_equals_exhaustive_search(objective: str) -> None:
    params, result = solve_example(PROCESSING, PROCESSING.examples[0], PROCESSING_BINDING | {"objective": objective})
    rows = PROCESSING.solution_table(params, result.solution)
    latency = {r["application"]: r["application latency (ms)"] for r in rows}
    if objective == "worst-case latency":
        assert result.objective == pytest.approx(brute_processing(params), abs=1e-6)
        assert max(latency.values()) == pytest.approx(result.objective)
        # By hand: A on its access satellite S1 takes 0 ms of transfers + 6 + 4 processing = 10, and every other
        # placement of A takes longer (both on S2: 8 + 3 + 2 = 13); B on S2 takes 3 + 3 + 2 + 1 = 9 <= 10: optimum 10.
        assert result.objective == pytest.approx(10.0)
    else:
        assert sum(latency.values()) == pytest.approx(result.objective)


def test_processing_time_solves_dev_leo_02() -> None:
    item = dev_item("dev-leo-02")
    binding = {
        "delay_table": "T1",
        "processing_table": "T2",
        "max_microservices_per_satellite": 2,
        "applications": [
            {"name": "X", "first_microservice": "X1", "access_satellite": "P1S1", "requests_per_second": 1},
            {"name": "Y", "first_microservice": "Y1", "access_satellite": "P2S2", "requests_per_second": 1},
            {"name": "Z", "first_microservice": "Z1", "access_satellite": "P1S3", "requests_per_second": 1},
        ],
        "objective": "worst-case latency",
    }
    params, result = solve_example(PROCESSING, item["question"], binding)
    assert within(result.objective, item)
    assert result.objective == pytest.approx(brute_processing(params), abs=1e-6)


def test_processing_time_needs_its_tables() -> None:
    with pytest.raises(AssemblyError, match="processing times"):
        PROCESSING.binding_schema(parse_text(ACTIVATION.examples[0]))


ACTIVATION_BINDING = {
    "delay_table": "T1",
    "delay_per_table_unit": {"value": 10, "unit": "ms"},
    "cpu_requirement": "L1",
    "cpu_capacity": "L2",
    "activation_power": "L3",
    "applications": [
        {"name": "A", "first_microservice": "A1", "access_satellite": "S1", "latency_budget": {"value": 20, "unit": "ms"}},
        {"name": "B", "first_microservice": "B1", "access_satellite": "S3", "latency_budget": {"value": 20, "unit": "ms"}},
    ],
}


def test_activation_example_equals_exhaustive_search() -> None:
    params, result = solve_example(ACTIVATION, ACTIVATION.examples[0], ACTIVATION_BINDING)
    # By hand: 8 cores are needed; only {S1, S3} (4 + 4 cores, 22 W) and {S2} (8 cores, 25 W) have room for them
    # among the sets under 25 W, and A on S1, B on S3 meets both 20 ms budgets: 22 W.
    assert result.objective == pytest.approx(22.0)
    assert result.objective == pytest.approx(brute_activation(params))
    for row in ACTIVATION.solution_table(params, result.solution):
        assert row["application latency (ms)"] <= row["budget (ms)"]


def test_activation_a_tighter_budget_changes_the_answer() -> None:
    """Budget 0 ms for A forces A onto its access satellite S1; with S1's 4 cores the rest must go elsewhere."""
    tight = dict(ACTIVATION_BINDING)
    tight["applications"] = [
        {"name": "A", "first_microservice": "A1", "access_satellite": "S1", "latency_budget": {"value": 0.001, "unit": "s"}},
        ACTIVATION_BINDING["applications"][1],  # type: ignore[index]
    ]
    text = ACTIVATION.examples[0] + " A's budget is 0.001 s."
    params, result = solve_example(ACTIVATION, text, tight)
    assert params.applications[0].latency_budget_ms == pytest.approx(1.0)
    assert result.objective == pytest.approx(brute_activation(params))


def test_activation_solves_dev_leo_03() -> None:
    item = dev_item("dev-leo-03")
    power = {"A1": 14, "A2": 18, "A3": 25, "A4": 22, "B1": 16, "B2": 15, "B3": 20, "B4": 24}
    binding = {
        "delay_table": "T1",
        "delay_per_table_unit": {"value": 5, "unit": "ms"},
        "cpu_requirement": "L1",
        "cpu_capacity": "L2",
        "activation_power": {"unit": "W", "values": power},  # the text writes this list inside a sentence
        "applications": [
            {"name": "P", "first_microservice": "P1", "access_satellite": "A1", "latency_budget": {"value": 25, "unit": "ms"}},
            {"name": "Q", "first_microservice": "Q1", "access_satellite": "B3", "latency_budget": {"value": 25, "unit": "ms"}},
            {"name": "R", "first_microservice": "R1", "access_satellite": "A3", "latency_budget": {"value": 15, "unit": "ms"}},
        ],
    }
    params, result = solve_example(ACTIVATION, item["question"], binding)
    assert within(result.objective, item)
    assert result.objective == pytest.approx(brute_activation(params))
