"""tools/satnet: geometry against closed forms, seeded scenarios, and the baselines' and the MILP's answers
checked against each other (branch and bound vs MILP, MILP objective vs the latency recomputed from its placement)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from knowledge_base.templates.leo_constellation_placement import TEMPLATE, LeoConstellationParams
from tools.satnet.baselines import branch_and_bound, random_placement, residual_capacity_heuristic
from tools.satnet.constellation import (
    EARTH_MU_KM3_S2,
    EARTH_RADIUS_KM,
    LIGHT_KM_PER_MS,
    WalkerDelta,
    build_constellation,
    grid_links,
    walker_positions,
)
from tools.satnet.latency import LatencyVariant, comm_load, cpu_load, evaluate, violations
from tools.satnet.scenario import ScenarioConfig, generate, load
from tools.solvers import Status, solve

SMALL_SHELL = WalkerDelta(planes=4, satellites_per_plane=6, altitude_km=2000, inclination_deg=60, phasing=1)


def small_config(seed: int, **changes: object) -> ScenarioConfig:
    base: dict[str, object] = {
        "shell": SMALL_SHELL,
        "applications": 2,
        "microservices_per_application": 4,
        "seed": seed,
        "candidates_per_microservice": 4,
        "satellite_cpu_cores": (2.0, 4.0),
        "branching": 0.5,
    }
    return ScenarioConfig.model_validate(base | changes)


def test_intra_plane_link_length_and_period_match_closed_forms() -> None:
    shell = WalkerDelta(planes=6, satellites_per_plane=10, altitude_km=1300, inclination_deg=53, phasing=1)
    positions = walker_positions(shell)
    r = EARTH_RADIUS_KM + 1300
    chord = 2 * r * math.sin(math.pi / 10)
    for p in range(6):
        for k in range(10):
            i, j = p * 10 + k, p * 10 + (k + 1) % 10
            assert np.linalg.norm(positions[i] - positions[j]) == pytest.approx(chord, rel=1e-12)
    assert np.linalg.norm(positions, axis=1) == pytest.approx(np.full(60, r))
    assert shell.period_s == pytest.approx(2 * math.pi * math.sqrt(r**3 / EARTH_MU_KM3_S2))
    assert WalkerDelta(
        planes=1, satellites_per_plane=2, altitude_km=550, inclination_deg=53, phasing=0
    ).period_s / 60 == pytest.approx(95.6, abs=0.1)  # a 550 km orbit takes about 95.6 minutes


def test_single_plane_ring_routes_by_the_shorter_way_round() -> None:
    shell = WalkerDelta(planes=1, satellites_per_plane=12, altitude_km=1000, inclination_deg=90, phasing=0)
    positions = walker_positions(shell)
    c = build_constellation([str(i) for i in range(12)], positions, grid_links(shell), min_link_altitude_km=80)
    assert len(c.links) == 12 and not c.dropped_links
    hop_ms = 2 * (EARTH_RADIUS_KM + 1000) * math.sin(math.pi / 12) / LIGHT_KM_PER_MS
    for k in range(12):
        assert c.hops[0, k] == min(k, 12 - k)
        assert c.delay_ms[0, k] == pytest.approx(min(k, 12 - k) * hop_ms)


def test_seam_links_shift_by_the_phasing_factor_and_keep_the_grid_regular() -> None:
    shell = WalkerDelta(planes=6, satellites_per_plane=10, altitude_km=1300, inclination_deg=53, phasing=2)
    links = set(grid_links(shell))
    positions = walker_positions(shell)
    for k in range(10):
        assert (min(50 + k, (k + 2) % 10), max(50 + k, (k + 2) % 10)) in links  # P6S(k+1) -- P1S(k+3)
    assert len(links) == 2 * 60  # four links per satellite, each counted once

    def length(i: int, j: int) -> float:
        return float(np.linalg.norm(positions[i] - positions[j]))

    seam = sorted(length(50 + k, (k + 2) % 10) for k in range(10))
    between_first_planes = sorted(length(k, 10 + k) for k in range(10))
    assert seam == pytest.approx(between_first_planes, rel=0.02)


def test_line_of_sight_drops_links_that_graze_the_atmosphere_and_says_so() -> None:
    # 8 satellites per plane at 550 km: the chord between neighbours passes r*cos(pi/8) - R_E = 23 km above the ground.
    low = generate(
        ScenarioConfig(
            shell=WalkerDelta(planes=1, satellites_per_plane=8, altitude_km=550, inclination_deg=53, phasing=0),
            applications=1,
            microservices_per_application=1,
            perturbation_deg=0,
            altitude_jitter_km=0,
        )
    )
    grazing = (EARTH_RADIUS_KM + 550) * math.cos(math.pi / 8) - EARTH_RADIUS_KM
    assert len(low.constellation.links) == 0 and len(low.constellation.dropped_links) == 8
    assert low.constellation.dropped_links[0][2] == pytest.approx(grazing, abs=0.1)
    assert "8 of 8 +Grid links pass too close to the Earth" in low.line_of_sight_note()
    high = generate(
        ScenarioConfig(
            shell=WalkerDelta(planes=6, satellites_per_plane=8, altitude_km=1300, inclination_deg=53),
            applications=1,
            microservices_per_application=1,
        )
    )
    assert not high.constellation.dropped_links and "all 96 +Grid links have line of sight" in high.line_of_sight_note()


def test_same_seed_same_scenario_and_files_round_trip(tmp_path: Path) -> None:
    first, again, other = generate(small_config(3)), generate(small_config(3).model_copy()), generate(small_config(4))
    assert first.to_json() == again.to_json()
    assert first.to_json() != other.to_json()
    path = tmp_path / "scenario.json"
    first.save(path)
    loaded = load(path)
    assert loaded.to_json()["applications"] == first.to_json()["applications"]
    assert np.allclose(loaded.constellation.delay_ms, first.constellation.delay_ms, atol=1e-6)
    assert (loaded.constellation.hops == first.constellation.hops).all()
    cores = [s.cpu_cores for s in first.satellites]
    assert len(set(cores)) > 1 and all(2 <= c <= 4 for c in cores)  # heterogeneous, within the asked range


def test_critical_path_is_shorter_than_the_sum_for_a_dag_and_equal_for_a_chain() -> None:
    scenario = generate(small_config(5, branching=1.0, microservices_per_application=5))
    placement = residual_capacity_heuristic(scenario, "sum over edges").placement
    assert placement is not None and not all(a.is_chain for a in scenario.applications)
    summed = evaluate(scenario, placement, "sum over edges").latency_ms
    critical = evaluate(scenario, placement, "critical path").latency_ms
    for app in scenario.applications:
        if app.is_chain:
            assert critical[app.name] == pytest.approx(summed[app.name])
        else:
            assert critical[app.name] < summed[app.name] - 1e-9
    chains = generate(small_config(5, branching=0.0))
    chain_placement = residual_capacity_heuristic(chains, "sum over edges").placement
    assert chain_placement is not None
    assert evaluate(chains, chain_placement, "critical path").total_ms == pytest.approx(
        evaluate(chains, chain_placement, "sum over edges").total_ms
    )


def _solve(config: ScenarioConfig, variant: LatencyVariant) -> tuple[float, dict[str, str], dict[str, float]]:
    params = LeoConstellationParams(scenario=config, latency=variant)
    result = solve(TEMPLATE.build_model(params), "MILP")
    assert result.status is Status.OPTIMAL, result.attempts
    assert result.objective is not None
    return result.objective, TEMPLATE.placement(params, result.solution), result.solution


@pytest.mark.parametrize("variant", ["sum over edges", "critical path"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_branch_and_bound_and_milp_agree(seed: int, variant: LatencyVariant) -> None:
    config = small_config(seed)
    objective, _, _ = _solve(config, variant)
    exact = branch_and_bound(generate(config), variant, time_limit_s=60)
    assert exact.proved_optimal and exact.total_ms is not None
    assert objective == pytest.approx(exact.total_ms, rel=1e-7)


@pytest.mark.parametrize("variant", ["sum over edges", "critical path"])
def test_linearisation_is_exact_the_objective_recomputes_from_the_placement(variant: LatencyVariant) -> None:
    config = small_config(7, applications=3)
    objective, placement, solution = _solve(config, variant)
    scenario = generate(config)
    recomputed = evaluate(scenario, placement, variant)
    assert recomputed.feasible, recomputed.violations
    assert objective == pytest.approx(recomputed.total_ms, rel=1e-7)
    for key, value in solution.items():  # y equals the product of its two placements
        if key.startswith("y["):
            src, dst, s, t = key[2:-1].split(",")
            assert value == pytest.approx(float(placement[src] == s and placement[dst] == t), abs=1e-6)


def test_communication_limit_binds_and_all_methods_respect_it() -> None:
    roomy = {"applications": 3, "satellite_cpu_cores": (6.0, 10.0)}  # room to co-locate, so a traffic limit can be met
    loose = small_config(11, **roomy)
    free_objective, free_placement, _ = _solve(loose, "sum over edges")
    heaviest = max(comm_load(generate(loose), free_placement).values())
    binding = None
    for factor in (0.9, 0.8, 0.7, 0.6, 0.5):  # the tightest limit that still leaves a placement
        tight = small_config(11, **roomy, satellite_comm_mbit=round(heaviest * factor, 3))
        params = LeoConstellationParams(scenario=tight)
        result = solve(TEMPLATE.build_model(params), "MILP")
        if result.status is Status.OPTIMAL:
            binding = (tight, result.objective, TEMPLATE.placement(params, result.solution))
    assert binding is not None
    tight, objective, placement = binding
    assert objective is not None and objective > free_objective + 1e-6  # the limit changes the answer
    scenario = generate(tight)
    assert tight.satellite_comm_mbit is not None
    assert max(comm_load(scenario, placement).values(), default=0.0) <= tight.satellite_comm_mbit + 1e-6
    exact = branch_and_bound(scenario, "sum over edges", time_limit_s=60)
    assert exact.proved_optimal and exact.total_ms == pytest.approx(objective, rel=1e-7)
    for result_ in (residual_capacity_heuristic(scenario, "sum over edges"), random_placement(scenario, "sum over edges")):
        if result_.placement is not None:
            assert violations(scenario, result_.placement) == []


@pytest.mark.parametrize("seed", range(5))
def test_heuristic_and_random_respect_cpu_capacities(seed: int) -> None:
    config = small_config(seed, applications=4, satellite_cpu_cores=(3.0, 4.0), microservice_cpu_cores=(1.0, 2.0))
    scenario = generate(config)
    capacity = {s.name: s.cpu_cores for s in scenario.satellites}
    for result in (
        residual_capacity_heuristic(scenario, "critical path"),
        random_placement(scenario, "critical path", seed=seed),
    ):
        assert result.placement is not None
        assert all(used <= capacity[s] + 1e-9 for s, used in cpu_load(scenario, result.placement).items())
        assert violations(scenario, result.placement) == []
        assert result.total_ms == pytest.approx(evaluate(scenario, result.placement, "critical path").total_ms)


def test_no_method_claims_a_placement_when_capacities_are_too_small() -> None:
    scenario = generate(small_config(0, satellite_cpu_cores=(1.0, 1.0), microservice_cpu_cores=(2.0, 2.0)))
    assert residual_capacity_heuristic(scenario, "sum over edges").placement is None
    assert random_placement(scenario, "sum over edges", attempts=20).placement is None
    exact = branch_and_bound(scenario, "sum over edges")
    assert exact.placement is None and exact.proved_optimal
    params = LeoConstellationParams(scenario=small_config(0, satellite_cpu_cores=(1.0, 1.0), microservice_cpu_cores=(2.0, 2.0)))
    assert solve(TEMPLATE.build_model(params), "MILP").status is Status.INFEASIBLE


def test_changing_capacities_keeps_the_applications_and_the_geometry() -> None:
    roomy, cramped = generate(small_config(9)), generate(small_config(9, satellite_cpu_cores=(1.0, 1.0)))
    assert np.array_equal(roomy.constellation.positions_km, cramped.constellation.positions_km)
    for a, b in zip(roomy.applications, cramped.applications, strict=True):
        assert (a.access_satellite, a.flows) == (b.access_satellite, b.flows)
        assert [m.candidates for m in a.microservices] == [m.candidates for m in b.microservices]


def test_shortest_routes_over_a_mesh_take_the_fastest_path_and_break_ties_by_hops() -> None:
    from tools.satnet.routes import UnreachableError, shortest_routes

    links = [
        ("a", "S1", "S2", 4.0),
        ("b", "S2", "S3", 5.0),
        ("c", "S3", "S4", 3.0),
        ("d", "S1", "S4", 12.0),
        ("e", "S4", "S5", 1.0),
    ]
    routes = shortest_routes(["S1", "S2", "S3", "S4", "S5"], links)
    # S1 -> S4: a-b-c (12 ms, 3 hops) ties with d (12 ms, 1 hop): the route with fewer hops is taken.
    assert routes[("S1", "S4")].links == ("d",) and routes[("S1", "S4")].delay == 12.0
    assert routes[("S2", "S5")].links == ("b", "c", "e") and routes[("S2", "S5")].hops == 3
    assert routes[("S5", "S2")].delay == routes[("S2", "S5")].delay == 9.0  # links are two-way
    assert routes[("S3", "S3")].links == () and routes[("S3", "S3")].delay == 0.0
    with pytest.raises(UnreachableError, match="no chain of links connects S1 to S6"):
        shortest_routes(["S1", "S2", "S6"], [("a", "S1", "S2", 4.0)])
