"""The DRIB-MOBO loop on ZDT1: hypervolume accounting, progress, operator switch, reproducibility."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tools.diffusion.optimizer import DIFFUSION, GENETIC, DribConfig, ParetoResult, hypervolume, optimize
from tools.diffusion.problems import BlackBoxProblem, make_benchmark
from tools.diffusion.selection import pareto_indices

torch.set_num_threads(1)  # tiny matrices: a second thread only adds contention on shared cores

# small and fast: the loop's logic is what is under test, not its tuning
FAST = DribConfig(n_init=12, ddpm_iters=150, ddpm_hidden=64, n_guided=64, n_unguided=64, n_genetic=128)


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
