"""The methods DRIB-MOBO is compared with, run on the same problems, initial designs and budgets.

  * NSGA-II (pymoo): population = the shared initial design, `batch_size` offspring per generation,
    so its evaluations arrive in the same batches as everyone else's.
  * qLogNEHVI (botorch): batch noisy expected hypervolume improvement in log space (Ament et al.
    2023) on the same independent GPs as DRIB-MOBO, maximised with multi-start L-BFGS-B over the
    unit cube (botorch's standard recipe).
  * Sobol random search: scrambled Sobol points after the shared initial design.
All minimise; all return a ParetoResult whose hv_history uses the problem's fixed reference point.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import torch
from botorch.optim.optimize import optimize_acqf
from numpy.typing import NDArray
from pymoo.algorithms.moo.nsga2 import NSGA2
from pymoo.core.problem import Problem
from pymoo.core.termination import NoTermination
from pymoo.optimize import minimize

from tools.diffusion.candidate_choice import log_nehvi, unit_bounds
from tools.diffusion.optimizer import ParetoResult, hypervolume
from tools.diffusion.problems import BlackBoxProblem
from tools.diffusion.sampling import latin_hypercube, sobol
from tools.diffusion.selection import pareto_indices
from tools.diffusion.surrogate import ObjectiveSurrogate, resolve_device

FloatArray = NDArray[np.float64]


def _result(
    problem: BlackBoxProblem, seed: int, X: FloatArray, F: FloatArray, sizes: list[int], start: float, label: str
) -> ParetoResult:
    front = pareto_indices(F)
    return ParetoResult(
        problem=problem.name,
        seed=seed,
        X=X,
        F=F,
        pareto_X=X[front],
        pareto_F=F[front],
        ref_point=problem.ref_point,
        hv_history=[hypervolume(F[:n], problem.ref_point) for n in sizes],
        evals_history=list(sizes),
        operator_history=[label] * (len(sizes) - 1),
        time_s=time.perf_counter() - start,
    )


def _batch_sizes(n_init: int, budget: int, batch_size: int) -> list[int]:
    sizes = [n_init]
    while sizes[-1] < budget:
        sizes.append(min(sizes[-1] + batch_size, budget))
    return sizes


def sobol_random(problem: BlackBoxProblem, budget: int, seed: int, batch_size: int, n_init: int) -> ParetoResult:
    start = time.perf_counter()
    X0 = latin_hypercube(n_init, problem.lower, problem.upper, seed)
    X = np.vstack([X0, sobol(budget - n_init, problem.lower, problem.upper, seed)]) if budget > n_init else X0
    F = problem.evaluate(X)
    return _result(problem, seed, X, F, _batch_sizes(n_init, budget, batch_size), start, "sobol")


class _PymooView(Problem):  # type: ignore[misc]  # pymoo ships no type information
    """The black box as a pymoo Problem (vectorised)."""

    def __init__(self, problem: BlackBoxProblem) -> None:
        super().__init__(n_var=problem.n_var, n_obj=problem.n_obj, xl=problem.lower, xu=problem.upper)
        self.black_box = problem

    def _evaluate(self, x: FloatArray, out: dict[str, object], *args: object, **kwargs: object) -> None:
        out["F"] = self.black_box.evaluate(x)


def nsga2(problem: BlackBoxProblem, budget: int, seed: int, batch_size: int, n_init: int) -> ParetoResult:
    """NSGA-II by ask/tell so that every generation is exactly one batch of the shared budget."""
    start = time.perf_counter()
    X0 = latin_hypercube(n_init, problem.lower, problem.upper, seed)
    algorithm = NSGA2(pop_size=n_init, n_offsprings=batch_size, sampling=X0, eliminate_duplicates=True)
    view = _PymooView(problem)
    algorithm.setup(view, termination=NoTermination(), seed=seed, verbose=False)
    X_rows: list[FloatArray] = []
    F_rows: list[FloatArray] = []
    sizes: list[int] = []
    evaluated = 0
    while evaluated < budget:
        population = algorithm.ask()
        room = budget - evaluated
        if len(population) > room:
            population = population[:room]
        algorithm.evaluator.eval(view, population)
        algorithm.tell(infills=population)
        X_rows.append(population.get("X"))
        F_rows.append(population.get("F"))
        evaluated += len(population)
        sizes.append(evaluated)
    X, F = np.vstack(X_rows), np.vstack(F_rows)
    result = _result(problem, seed, X, F, sizes, start, "nsga2")
    return result


def long_nsga2_front(problem: BlackBoxProblem, generations: int, pop_size: int = 100, seed: int = 0) -> FloatArray:
    """The non-dominated points of a long NSGA-II run's final population: a reference front for cheap black boxes.

    NSGA-II is elitist, so its last population holds the best trade-offs it found (spread by crowding).
    """
    algorithm = NSGA2(pop_size=pop_size, save_history=False)
    result = minimize(_PymooView(problem), algorithm, ("n_gen", generations), seed=seed, verbose=False, save_history=False)
    F = np.asarray(result.pop.get("F"), dtype=np.float64)
    return np.asarray(F[pareto_indices(F)], dtype=np.float64)


def qlognehvi(
    problem: BlackBoxProblem,
    budget: int,
    seed: int,
    batch_size: int,
    n_init: int,
    num_restarts: int = 4,
    raw_samples: int = 128,
    mc_samples: int = 64,
    device: str | torch.device | None = "cpu",
) -> ParetoResult:
    """Batch Bayesian optimisation with qLogNEHVI of the same GP DRIB-MOBO uses (candidate_choice.log_nehvi).

    Each batch: sequential greedy, every point by multi-start L-BFGS-B from the best of raw_samples
    random points (botorch's optimize_acqf).
    """
    start = time.perf_counter()
    torch.manual_seed(seed)
    lower, upper = problem.lower, problem.upper
    torch_device = resolve_device(device)
    X = latin_hypercube(n_init, lower, upper, seed)
    F = problem.evaluate(X)
    sizes = [len(F)]
    bounds = unit_bounds(problem.n_var, torch_device)
    while len(X) < budget:
        q = min(batch_size, budget - len(X))
        U = (X - lower) / (upper - lower)
        surrogate = ObjectiveSurrogate(U, F, device=torch_device)
        acquisition = log_nehvi(surrogate, problem.ref_point, mc_samples, seed + len(X))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            candidates, _ = optimize_acqf(
                acquisition,
                bounds=bounds,
                q=q,
                num_restarts=num_restarts,
                raw_samples=raw_samples,
                options={"batch_limit": 5, "maxiter": 100, "seed": seed + len(X)},
                sequential=True,
            )
        X_new = lower + candidates.detach().cpu().numpy() * (upper - lower)
        X, F = np.vstack([X, X_new]), np.vstack([F, problem.evaluate(X_new)])
        sizes.append(len(F))
    return _result(problem, seed, X, F, sizes, start, "qlognehvi")
