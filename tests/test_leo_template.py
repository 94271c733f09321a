"""The LEO placement template against an independent brute-force search over every placement."""

from __future__ import annotations

import itertools

import pytest

from knowledge_base.template import AssemblyError
from knowledge_base.templates.leo_microservice_placement import TEMPLATE, LeoPlacementParams
from tests.conftest import leo_binding
from tools.solvers import Status, solve
from tools.textdata import parse_text


def brute_force(params: LeoPlacementParams) -> float:
    """Enumerate all |S|^|M| placements, keep those within CPU capacity, and return the best objective."""
    services, satellites = params.services, params.satellites
    best = float("inf")
    rates = {a.name: a.request_rate for a in params.applications}
    for choice in itertools.product(satellites, repeat=len(services)):
        placed = dict(zip(services, choice, strict=True))
        if params.cpu_demand and params.cpu_capacity:
            load = {s: 0.0 for s in satellites}
            for service, satellite in placed.items():
                load[satellite] += params.cpu_demand[service]
            if any(load[s] > params.cpu_capacity[s] for s in satellites):
                continue
        latencies = {a.name: TEMPLATE.app_latency(params, a, placed) for a in params.applications}
        if params.objective == "worst-case latency":
            value = max(latencies.values())
        elif params.objective == "total latency":
            value = sum(latencies.values())
        else:
            value = sum(rates[n] * v for n, v in latencies.items()) / sum(rates.values())
        best = min(best, value)
    return best


@pytest.mark.parametrize("objective", ["request-weighted average latency", "total latency", "worst-case latency"])
def test_milp_optimum_equals_brute_force(leo_text: str, objective: str) -> None:
    params, _ = TEMPLATE.assemble(leo_binding(objective=objective), parse_text(leo_text))
    result = solve(TEMPLATE.build_model(params), "MILP")
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(brute_force(params), abs=1e-6)
    if objective == "request-weighted average latency":
        assert result.objective == pytest.approx(10.5)  # the benchmark's label for dev-leo-01


def test_linearisation_is_exact_objective_recomputes_from_the_placement(leo_text: str) -> None:
    params, _ = TEMPLATE.assemble(leo_binding(), parse_text(leo_text))
    result = solve(TEMPLATE.build_model(params), "MILP")
    rows = TEMPLATE.solution_table(params, result.solution)
    latency = {row["application"]: row["application latency (ms)"] for row in rows}
    assert (30 * latency["A"] + 10 * latency["B"]) / 40 == pytest.approx(result.objective)


def test_assembly_refuses_a_chain_the_text_does_not_have(leo_text: str) -> None:
    bad = leo_binding(
        applications=[
            {"name": "A", "first_microservice": "C1", "access_satellite": "S1", "requests_per_second": 30},
            {"name": "B", "first_microservice": "B1", "access_satellite": "S4", "requests_per_second": 10},
        ]
    )
    with pytest.raises(AssemblyError, match="C1 does not start any chain"):
        TEMPLATE.assemble(bad, parse_text(leo_text))


def test_binding_schema_offers_only_what_the_text_holds(leo_text: str) -> None:
    schema = TEMPLATE.binding_schema(parse_text(leo_text))
    props = schema["properties"]
    assert props["delay_table"]["enum"] == ["T1"]
    assert props["cpu_requirement_list"]["anyOf"][0]["enum"] == ["L1", "none"]
    assert props["cpu_capacity_list"]["anyOf"][0]["enum"] == ["L2", "none"]
    assert set(props["applications"]["items"]["properties"]) == {
        "name",
        "first_microservice",
        "access_satellite",
        "requests_per_second",
    }
    assert props["applications"]["minItems"] == props["applications"]["maxItems"] == 2
    with pytest.raises(AssemblyError, match="table of delays"):
        TEMPLATE.binding_schema(parse_text("Place microservices on satellites to minimize latency."))
