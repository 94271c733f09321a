"""DRIB-MOBO: diffusion-based multi-objective Bayesian optimisation (the loop).

One batch:
  1. rescale evaluated points to the unit cube; fit one GP per objective (surrogate.py);
  2. select the top third of the evaluated points by Pareto rank and shifted density (selection.py);
  3. generate candidates with the current operator:
       diffusion: train a DDPM on the selected points (interpolation-augmented) and draw half the
                  candidates with entropy-weighted LCB guidance, half unguided (ddpm.py, guidance.py);
       genetic:   SBX children of the selected points (genetic.py);
     then polynomial mutation on all candidates;
  4. choose the batch by greedy hypervolume improvement of the LCB predictions (candidate_choice.py);
  5. evaluate it on the black box and record the hypervolume (problem's fixed reference point).
Operator switch: after each batch the hypervolume growth is measured scale-free (the last three
evaluated sets, all against a reference point just beyond the current front's nadir, in objectives
normalised by the front's range): growth = (HV_t - mean(HV_{t-1}, HV_{t-2})) / HV_t. If it is below
the threshold and the operator has run for at least `switch_cooldown` batches, the operator toggles
(diffusion ⇄ genetic), as in CDM-PSL. The final Pareto front is the non-dominated set of everything
evaluated.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from pymoo.indicators.hv import HV

from tools.diffusion.candidate_choice import greedy_hvi_batch
from tools.diffusion.ddpm import DDPM
from tools.diffusion.genetic import polynomial_mutation, sbx_offspring
from tools.diffusion.guidance import lcb_guidance
from tools.diffusion.problems import BlackBoxProblem
from tools.diffusion.sampling import latin_hypercube
from tools.diffusion.selection import (
    interpolation_augmentation,
    pareto_indices,
    select_top_samples,
)
from tools.diffusion.surrogate import ObjectiveSurrogate

FloatArray = NDArray[np.float64]

DIFFUSION = "diffusion"
GENETIC = "genetic"


@dataclass(frozen=True)
class DribConfig:
    """Settings of the loop; defaults are sized for CPU runs of a few hundred evaluations."""

    n_init: int | None = None
    """Initial Latin-hypercube design size; default max(10, budget // 2) capped at the budget."""
    select_fraction: float = 1.0 / 3.0
    augmentation_factor: int = 10
    ddpm_steps: int = 50
    ddpm_hidden: int = 128
    ddpm_iters: int = 500
    ddpm_batch: int = 128
    schedule: str = "cosine"
    n_guided: int = 200
    n_unguided: int = 200
    guidance_scale: float = 1.0
    kappa: float = 0.1
    n_genetic: int = 400
    hv_growth_threshold: float = 0.05
    switch_cooldown: int = 2


@dataclass
class ParetoResult:
    problem: str
    seed: int
    X: FloatArray
    """Every evaluated point, in evaluation order."""
    F: FloatArray
    pareto_X: FloatArray
    pareto_F: FloatArray
    ref_point: FloatArray
    hv_history: list[float] = field(default_factory=list)
    """Hypervolume (problem's fixed reference point) after the initial design and after each batch."""
    evals_history: list[int] = field(default_factory=list)
    operator_history: list[str] = field(default_factory=list)
    """The operator that generated each batch."""
    time_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("X", "F", "pareto_X", "pareto_F", "ref_point"):
            out[key] = np.asarray(out[key]).tolist()
        return out


def hypervolume(F: FloatArray, ref_point: FloatArray) -> float:
    """pymoo's (moocore's exact) hypervolume; points not dominating the reference point add nothing."""
    return float(HV(ref_point=np.asarray(ref_point, dtype=np.float64))(np.asarray(F, dtype=np.float64)))


def scale_free_growth(F: FloatArray, set_sizes: list[int]) -> float:
    """Relative HV growth of the last evaluated set over the mean of the two before (see module doc)."""
    front = F[pareto_indices(F)]
    ideal, nadir = front.min(axis=0), front.max(axis=0)
    span = np.maximum(nadir - ideal, 1e-12)
    ref = np.full(F.shape[1], 1.1)
    values = [hypervolume((F[:n] - ideal) / span, ref) for n in set_sizes[-3:]]
    if values[-1] <= 0:
        return 0.0
    return (values[-1] - 0.5 * (values[0] + values[1])) / values[-1]


def _candidates_by_diffusion(
    parents: FloatArray,
    surrogate: ObjectiveSurrogate,
    config: DribConfig,
    seed: int,
    device: torch.device,
    rng: np.random.Generator,
) -> FloatArray:
    training = interpolation_augmentation(parents, config.augmentation_factor, rng)
    model = DDPM(
        parents.shape[1], n_steps=config.ddpm_steps, hidden=config.ddpm_hidden, schedule=config.schedule, seed=seed, device=device
    )
    model.fit(torch.as_tensor(training, dtype=torch.float32), n_iters=config.ddpm_iters, batch_size=config.ddpm_batch)
    guided = model.sample(config.n_guided, lcb_guidance(surrogate, config.kappa), config.guidance_scale)
    unguided = model.sample(config.n_unguided)
    return np.asarray(np.clip(torch.cat([guided, unguided]).cpu().double().numpy(), 0.0, 1.0), dtype=np.float64)


def _drop_seen(candidates: FloatArray, seen: FloatArray, tol: float = 1e-6) -> FloatArray:
    """Candidates that are neither evaluated already nor repeated (a GP gains nothing from a repeat)."""
    rounded = np.round(candidates / tol).astype(np.int64)
    _, first = np.unique(rounded, axis=0, return_index=True)
    unique = candidates[np.sort(first)]
    distance = np.min(np.linalg.norm(unique[:, None, :] - seen[None, :, :], axis=2), axis=1)
    return np.asarray(unique[distance > tol], dtype=np.float64)


def optimize(
    problem: BlackBoxProblem,
    budget: int,
    seed: int,
    batch_size: int = 5,
    device: str | torch.device | None = None,
    config: DribConfig | None = None,
) -> ParetoResult:
    """Minimise problem's objectives with `budget` black-box evaluations; same seed, same result."""
    config = config or DribConfig()
    start = time.perf_counter()
    torch_device = torch.device(device) if device is not None else torch.device("cuda" if torch.cuda.is_available() else "cpu")
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    lower, upper = problem.lower, problem.upper
    n_init = config.n_init if config.n_init is not None else max(10, budget // 2)
    n_init = int(min(n_init, budget))

    X = latin_hypercube(n_init, lower, upper, seed)
    F = problem.evaluate(X)
    ref_point = problem.ref_point
    hv_history = [hypervolume(F, ref_point)]
    evals_history = [len(F)]
    operator_history: list[str] = []
    operator, since_switch = DIFFUSION, 0

    batch_index = 0
    while len(X) < budget:
        q = min(batch_size, budget - len(X))
        U = (X - lower) / (upper - lower)
        surrogate = ObjectiveSurrogate(U, F)
        parents = U[select_top_samples(F, max(2, int(np.ceil(len(F) * config.select_fraction))))]
        if operator == DIFFUSION:
            candidates = _candidates_by_diffusion(parents, surrogate, config, seed * 7919 + batch_index, torch_device, rng)
        else:
            candidates = sbx_offspring(parents, config.n_genetic, rng)
        candidates = _drop_seen(polynomial_mutation(candidates, rng), U)
        if len(candidates) < q:
            # degenerate case (e.g. a collapsed DDPM): top up with random points so the batch is full
            candidates = np.vstack([candidates, rng.uniform(size=(q, U.shape[1]))])
        chosen = greedy_hvi_batch(surrogate, candidates, F, q, config.kappa)
        X_new = lower + candidates[chosen] * (upper - lower)
        F_new = problem.evaluate(X_new)
        X, F = np.vstack([X, X_new]), np.vstack([F, F_new])
        hv_history.append(hypervolume(F, ref_point))
        evals_history.append(len(F))
        operator_history.append(operator)
        batch_index += 1

        if len(evals_history) >= 3:
            growth = scale_free_growth(F, evals_history)
            if growth < config.hv_growth_threshold and since_switch >= config.switch_cooldown:
                operator = GENETIC if operator == DIFFUSION else DIFFUSION
                since_switch = 0
            else:
                since_switch += 1

    front = pareto_indices(F)
    return ParetoResult(
        problem=problem.name,
        seed=seed,
        X=X,
        F=F,
        pareto_X=X[front],
        pareto_F=F[front],
        ref_point=np.asarray(ref_point, dtype=np.float64),
        hv_history=hv_history,
        evals_history=evals_history,
        operator_history=operator_history,
        time_s=time.perf_counter() - start,
    )
