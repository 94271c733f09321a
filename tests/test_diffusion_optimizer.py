"""The DRIB-MOBO loop on ZDT1: hypervolume accounting, progress, operator switch, reproducibility, settings."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
import torch

from tools.diffusion.optimizer import (
    DIFFUSION,
    GENETIC,
    LCB_HVI,
    MIN_RADIUS,
    SOBOL,
    BatchRecord,
    DribConfig,
    ParetoResult,
    adapted_radius,
    hypervolume,
    local_candidates,
    optimize,
    seed_config,
)
from tools.diffusion.problems import BlackBoxProblem, make_benchmark
from tools.diffusion.selection import pareto_indices

torch.set_num_threads(1)  # tiny matrices: a second thread only adds contention on shared cores

# small and fast: the loop's logic is what is under test, not its tuning
FAST = DribConfig(
    n_init=12,
    ddpm_iters=150,
    ddpm_hidden=64,
    n_guided=64,
    n_unguided=64,
    n_genetic=128,
    n_local=64,
    refine_starts=2,
    refine_maxiter=30,
)


def in_pool(pool: np.ndarray, row: np.ndarray) -> bool:
    """row is one of the pool's candidates (up to float noise)."""
    return bool(np.any(np.all(np.isclose(pool, row), axis=1)))


@pytest.fixture(scope="module")
def zdt1() -> BlackBoxProblem:
    return make_benchmark("zdt1", n_var=4)


@pytest.fixture(scope="module")
def run(zdt1: BlackBoxProblem) -> ParetoResult:
    return optimize(zdt1, budget=24, seed=0, batch_size=4, device="cpu", config=FAST)


def test_budget_and_history_bookkeeping(run: ParetoResult, zdt1: BlackBoxProblem) -> None:
    assert run.X.shape == (24, 4) and run.F.shape == (24, 2)
    assert run.evals_history == [12, 16, 20, 24]
    assert len(run.hv_history) == 4 and len(run.operator_history) == 3
    np.testing.assert_allclose(run.F, zdt1.evaluate(run.X))  # F really is the black box's answer
    assert np.all((run.X >= zdt1.lower) & (run.X <= zdt1.upper))
    np.testing.assert_allclose(run.hv_history[-1], hypervolume(run.F, zdt1.ref_point))


def test_hypervolume_never_drops_and_grows_on_zdt1(run: ParetoResult) -> None:
    hv = np.asarray(run.hv_history)
    assert np.all(np.diff(hv) >= 0)
    assert hv[-1] > hv[0] * 1.01  # the batches found points the initial design did not dominate


def test_final_front_is_the_non_dominated_set(run: ParetoResult) -> None:
    front = run.F[pareto_indices(run.F)]
    assert {tuple(r) for r in front} == {tuple(r) for r in run.pareto_F}
    for f in run.pareto_F:  # nothing evaluated dominates a front point
        assert not np.any(np.all(run.F <= f, axis=1) & np.any(run.F < f, axis=1))


def test_same_seed_same_front_other_seed_other_points(run: ParetoResult, zdt1: BlackBoxProblem) -> None:
    again = optimize(zdt1, budget=24, seed=0, batch_size=4, device="cpu", config=FAST)
    np.testing.assert_array_equal(again.X, run.X)
    np.testing.assert_array_equal(again.pareto_F, run.pareto_F)
    other = optimize(zdt1, budget=16, seed=1, batch_size=4, device="cpu", config=FAST)
    assert not np.allclose(other.X[:12], run.X[:12])


def test_stalled_growth_switches_to_the_genetic_operator(zdt1: BlackBoxProblem) -> None:
    # a threshold no growth can reach forces the switch as soon as the cool-down allows it
    config = DribConfig(**{**FAST.__dict__, "hv_growth_threshold": 10.0, "switch_cooldown": 0})
    result = optimize(zdt1, budget=24, seed=2, batch_size=3, device="cpu", config=config)
    assert result.operator_history[0] == DIFFUSION
    assert GENETIC in result.operator_history
    assert np.all(np.diff(result.hv_history) >= 0)


def test_batches_come_from_the_pool_or_polish_nearby(zdt1: BlackBoxProblem) -> None:
    seen: list[BatchRecord] = []
    result = optimize(
        zdt1, budget=20, seed=3, batch_size=4, device="cpu", config=replace(FAST, refine_starts=0), on_batch=seen.append
    )
    assert [r.index for r in seen] == [0, 1]
    for record in seen:
        assert record.chosen.shape == (4, 4) and record.operator == DIFFUSION
        # without polish every evaluated point of the batch is one of the pool's candidates
        assert all(in_pool(record.pool, row) for row in record.chosen)
    np.testing.assert_allclose(result.X[12:16], zdt1.lower + seen[0].chosen * (zdt1.upper - zdt1.lower))


def test_seed_settings_and_sobol_generator_still_run(zdt1: BlackBoxProblem) -> None:
    seed_like = seed_config(FAST)
    assert seed_like.choice == LCB_HVI and seed_like.refine_starts == 0 and seed_like.n_local == 0
    assert seed_like.ddpm_iters == FAST.ddpm_iters  # the other settings are kept
    for config in (seed_like, replace(FAST, generator=SOBOL)):
        result = optimize(zdt1, budget=16, seed=4, batch_size=4, device="cpu", config=config)
        assert result.evals_history == [12, 16] and np.all(np.diff(result.hv_history) >= 0)
    with pytest.raises(ValueError, match="choice"):
        optimize(zdt1, budget=16, seed=4, config=replace(FAST, choice="best"))


def test_local_candidates_stay_in_the_trust_region_and_the_cube() -> None:
    rng = np.random.default_rng(0)
    front = np.array([[0.05, 0.5], [0.9, 0.95]])
    points = local_candidates(front, 500, 0.1, rng)
    assert points.shape == (500, 2) and np.all((points >= 0) & (points <= 1))
    distance = np.min(np.max(np.abs(points[:, None, :] - front[None, :, :]), axis=2), axis=1)
    assert np.all(distance <= 0.1 + 1e-12)
    assert np.any(points[:, 0] == 0.0) and np.any(points[:, 1] == 1.0)  # clipping lands some on the faces


def test_trust_region_grows_when_polish_reaches_the_front_and_shrinks_otherwise() -> None:
    pool = np.array([[0.1, 0.1], [0.5, 0.5]])
    evaluated = np.array([[1.0, 1.0], [2.0, 0.5]])
    polished_on_front = np.vstack([evaluated, [[0.2, 0.2]]])  # the batch's outcome (last row) is non-dominated
    polished_dominated = np.vstack([evaluated, [[3.0, 3.0]]])
    assert adapted_radius(0.2, pool, np.array([[0.12, 0.3]]), polished_on_front) == 0.4
    assert adapted_radius(0.8, pool, np.array([[0.12, 0.3]]), polished_on_front) == 1.0
    assert adapted_radius(0.2, pool, np.array([[0.12, 0.3]]), polished_dominated) == 0.1
    assert adapted_radius(MIN_RADIUS, pool, np.array([[0.12, 0.3]]), polished_dominated) == MIN_RADIUS
    # a batch of pool points only says nothing about the polish
    assert adapted_radius(0.2, pool, np.array([[0.5, 0.5]]), polished_dominated) == 0.2


def test_trust_polish_keeps_picks_near_the_pool_and_adapts_its_radius(zdt1: BlackBoxProblem) -> None:
    seen: list[BatchRecord] = []
    config = replace(FAST, refine_radius=0.1, adapt_radius=True)
    optimize(zdt1, budget=28, seed=5, batch_size=4, device="cpu", config=config, on_batch=seen.append)
    assert len(seen) == 4 and seen[0].radius == 0.1
    for record in seen:
        # every pick is a pool point or a polish that started at one and stayed within the radius
        distance = np.min(np.max(np.abs(record.chosen[:, None, :] - record.pool[None, :, :]), axis=2), axis=1)
        assert np.all(distance <= record.radius + 1e-9)
    for before, after in itertools.pairwise(seen):
        assert after.radius == adapted_radius(before.radius, before.pool, before.chosen, after.F)


def test_the_default_batch_polishes_its_first_two_picks_only(zdt1: BlackBoxProblem) -> None:
    """Change 5 on by default: picks after the second are pool points; with every pick polished some are not."""
    assert FAST.refine_picks == DribConfig().refine_picks == 2

    def later_picks_in_pool(config: DribConfig) -> list[bool]:
        seen: list[BatchRecord] = []
        optimize(zdt1, budget=24, seed=6, batch_size=4, device="cpu", config=config, on_batch=seen.append)
        return [in_pool(r.pool, row) for r in seen for row in r.chosen[2:]]

    assert all(later_picks_in_pool(FAST))
    assert not all(later_picks_in_pool(replace(FAST, refine_picks=None)))
