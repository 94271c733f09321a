"""The comparison methods share the initial design and the batch accounting of DRIB-MOBO."""

from __future__ import annotations

import numpy as np
import torch

from tools.diffusion.baselines import nsga2, qlognehvi, sobol_random
from tools.diffusion.problems import make_benchmark
from tools.diffusion.sampling import latin_hypercube

torch.set_num_threads(1)  # tiny matrices: a second thread only adds contention on shared cores


def test_baselines_use_the_budget_and_the_shared_initial_design() -> None:
    problem = make_benchmark("zdt2", n_var=3)
    initial = latin_hypercube(8, problem.lower, problem.upper, seed=4)
    for method in (sobol_random, nsga2):
        result = method(problem, 20, 4, 4, 8)
        assert result.evals_history == [8, 12, 16, 20]
        assert result.X.shape == (20, 3)
        np.testing.assert_allclose(result.X[:8], initial)
        np.testing.assert_allclose(result.F, problem.evaluate(result.X))
        assert np.all(np.diff(result.hv_history) >= 0)


def test_qlognehvi_runs_one_batch_inside_the_box() -> None:
    problem = make_benchmark("zdt1", n_var=3)
    result = qlognehvi(problem, 10, 0, 2, 8, num_restarts=2, raw_samples=32, mc_samples=16)
    assert result.evals_history == [8, 10]
    assert np.all((result.X >= 0) & (result.X <= 1))
    assert result.hv_history[1] >= result.hv_history[0]
