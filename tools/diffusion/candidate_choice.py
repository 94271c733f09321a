"""Choosing the batch to evaluate from a pool of generated candidates.

Two rules (DribConfig.choice):

* "acquisition" (default): the noisy expected hypervolume improvement in log space (qLogNEHVI, Ament
  et al. 2023) of the same GP, with the problem's fixed reference point, integrated over the GP's
  uncertainty by quasi-Monte-Carlo. The batch is built by sequential greedy conditioning: score the
  whole pool, take the best point, add it as pending (the acquisition then integrates over its
  unknown outcome, so a second point next to it is worth little), repeat. Optionally each pick is
  polished (`refine_starts` > 0): L-BFGS-B on the acquisition over the unit cube, started from the
  pool's `refine_starts` best points, and kept only when it beats the best pool point. With
  `refine_radius` < 1 each start is polished only within a box of that half-width around it (a
  trust region for the polish; optimizer.py, change 4, says why and how the radius adapts).
  Why: the seed's rule below scores a candidate by the HV gain of one optimistic value; it ignores
  how uncertain that value is and how the batch's points interact. On ZDT1 the seed's pick had a
  lower qLogNEHVI than qLogNEHVI's own pick in the early batches (benchmarks/results/study/), while
  the diffusion pool held points that scored higher than qLogNEHVI's own optimiser reached later on;
  scoring the pool with the acquisition keeps that advantage and removes the handicap. Polishing
  lets a pick reach the box's faces and corners, where the Pareto sets of ZDT/DTLZ7 lie and which a
  diffusion model trained on interior points (and clipped) rarely hits exactly.
* "lcb_hvi" (the seed's rule): each candidate is scored by its lower confidence bound LCB = μ - κ·σ
  (minimisation). Objectives are normalised by the observed ideal and nadir, with the reference
  point at 1.1 (just past the worst observed value). The batch is built greedily: take the
  candidate whose LCB adds the most hypervolume to the current front, add that LCB to the front as
  if it were observed, repeat. When no candidate improves the front (HVI = 0 everywhere), the most
  uncertain remaining candidate is taken instead: that is where the surrogate can learn the most.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
from botorch.acquisition.multi_objective.logei import qLogNoisyExpectedHypervolumeImprovement
from botorch.acquisition.multi_objective.objective import WeightedMCMultiOutputObjective
from botorch.generation.gen import gen_candidates_scipy
from botorch.sampling.normal import SobolQMCNormalSampler
from numpy.typing import NDArray
from pymoo.indicators.hv import HV

from tools.diffusion.selection import pareto_indices
from tools.diffusion.surrogate import DTYPE, ObjectiveSurrogate

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

REFERENCE_OFFSET = 1.1
POOL_CHUNK = 512
"""Pool points scored per acquisition call (bounds the memory of one call)."""


def log_nehvi(
    surrogate: ObjectiveSurrogate, ref_point: FloatArray, mc_samples: int, seed: int
) -> qLogNoisyExpectedHypervolumeImprovement:
    """qLogNEHVI of the surrogate for MINIMISING its objectives, reference point in the problem's units.

    botorch maximises, so the objective negates the GP's outputs and the reference point; the
    evaluated points (the surrogate's training inputs) are the noisy baseline.
    """
    n_obj = surrogate.n_obj
    device = surrogate.device
    return qLogNoisyExpectedHypervolumeImprovement(
        model=surrogate.model,
        ref_point=-torch.as_tensor(ref_point, dtype=DTYPE, device=device),
        X_baseline=surrogate.train_X,
        objective=WeightedMCMultiOutputObjective(weights=-torch.ones(n_obj, dtype=DTYPE, device=device)),
        prune_baseline=True,
        sampler=SobolQMCNormalSampler(sample_shape=torch.Size([mc_samples]), seed=seed),
    )


def unit_bounds(n_var: int, device: torch.device) -> torch.Tensor:
    return torch.stack([torch.zeros(n_var, dtype=DTYPE, device=device), torch.ones(n_var, dtype=DTYPE, device=device)])


def score_pool(acquisition: qLogNoisyExpectedHypervolumeImprovement, pool: torch.Tensor) -> torch.Tensor:
    """The acquisition value of every pool point on its own (given the pending points), shape (n,)."""
    with torch.no_grad():
        return torch.cat([acquisition(chunk[:, None, :]) for chunk in torch.split(pool, POOL_CHUNK)])


def polish(
    acquisition: qLogNoisyExpectedHypervolumeImprovement, starts: torch.Tensor, radius: float, maxiter: int
) -> tuple[torch.Tensor, float]:
    """The best point L-BFGS-B reaches on the acquisition from each start, within radius of it (and the unit cube).

    radius >= 1 is the whole cube: all starts in one call of botorch's batched L-BFGS-B (each start its
    own problem), the call optimize_acqf makes. A smaller radius gives each start its own box, so each
    start gets its own call (the batched L-BFGS-B takes one box for all).
    """
    n_var = starts.shape[1]
    if radius >= 1.0:
        cube = unit_bounds(n_var, starts.device)
        groups = [(starts, cube[0], cube[1])]
    else:
        groups = [(start[None], (start - radius).clamp(0.0, 1.0), (start + radius).clamp(0.0, 1.0)) for start in starts]
    points, values = [], []
    # L-BFGS-B stopping on its iteration cap is expected here and harmless; botorch forces its
    # OptimizationWarning to "always", so the warnings are recorded (and dropped), not filtered
    with warnings.catch_warnings(record=True):
        for group, lower, upper in groups:
            group_points, group_values = gen_candidates_scipy(
                initial_conditions=group[:, None, :],
                acquisition_function=acquisition,
                lower_bounds=lower,
                upper_bounds=upper,
                options={"maxiter": maxiter},
            )
            points.append(group_points)
            values.append(group_values.reshape(-1))
    all_values = torch.cat(values)
    best = int(torch.argmax(all_values))
    return torch.cat(points)[best, 0].detach(), float(all_values[best])


def acquisition_batch(
    surrogate: ObjectiveSurrogate,
    candidates: FloatArray,
    ref_point: FloatArray,
    batch_size: int,
    mc_samples: int = 64,
    refine_starts: int = 0,
    refine_maxiter: int = 100,
    seed: int = 0,
    refine_radius: float = 1.0,
    refine_picks: int | None = None,
) -> FloatArray:
    """batch_size unit-cube points by sequential greedy qLogNEHVI over the pool (see module doc).

    Without refinement every returned row is a row of candidates; with it a row may be a polished one,
    at most refine_radius (per coordinate) from the pool point it started at. refine_picks polishes only
    the first that many picks (None: all); the others are pool points.
    """
    device = surrogate.device
    pool = torch.as_tensor(candidates, dtype=DTYPE, device=device)
    acquisition = log_nehvi(surrogate, ref_point, mc_samples, seed)
    chosen: list[torch.Tensor] = []
    for _ in range(min(batch_size, len(pool))):
        values = score_pool(acquisition, pool)
        best = int(torch.argmax(values))
        pick, pick_value = pool[best], float(values[best])
        if refine_starts > 0 and (refine_picks is None or len(chosen) < refine_picks):
            starts = pool[torch.argsort(values, descending=True)[:refine_starts]]
            polished, polished_value = polish(acquisition, starts, refine_radius, refine_maxiter)
            if polished_value > pick_value:
                pick = polished
        chosen.append(pick)
        pool = torch.cat([pool[:best], pool[best + 1 :]]) if torch.equal(pick, pool[best]) else pool
        acquisition.set_X_pending(torch.stack(chosen))
    return np.asarray(torch.stack(chosen).cpu().numpy(), dtype=np.float64)


def batch_log_nehvi(
    surrogate: ObjectiveSurrogate, batch: FloatArray, ref_point: FloatArray, mc_samples: int = 128, seed: int = 0
) -> float:
    """The joint qLogNEHVI of a whole batch (how good a batch is, judged by the surrogate)."""
    acquisition = log_nehvi(surrogate, ref_point, mc_samples, seed)
    with torch.no_grad():
        return float(acquisition(torch.as_tensor(batch, dtype=DTYPE, device=surrogate.device)[None]))


def _dominated_by_front(points: FloatArray, front: FloatArray) -> NDArray[np.bool_]:
    """Rows of points weakly dominated by some row of front (they cannot add hypervolume)."""
    le = np.all(front[None, :, :] <= points[:, None, :], axis=2)
    return np.asarray(np.any(le, axis=1), dtype=np.bool_)


def greedy_hvi_batch(
    surrogate: ObjectiveSurrogate, candidates: FloatArray, observed: FloatArray, batch_size: int, kappa: float = 0.1
) -> IntArray:
    """Indices of batch_size candidates (unit-cube points) chosen by greedy HVI of their LCB (the seed's rule)."""
    mean, std = surrogate.predict(candidates)
    lcb = mean - kappa * std
    ideal, nadir = observed.min(axis=0), observed.max(axis=0)
    span = np.maximum(nadir - ideal, 1e-12)
    lcb_n = (lcb - ideal) / span
    front = (observed[pareto_indices(observed)] - ideal) / span
    hv = HV(ref_point=np.full(observed.shape[1], REFERENCE_OFFSET))
    uncertainty = (std / np.maximum(observed.std(axis=0), 1e-12)).sum(axis=1)
    available = np.ones(len(candidates), dtype=bool)
    chosen: list[int] = []
    for _ in range(min(batch_size, len(candidates))):
        base = float(hv(front))
        gains = np.zeros(len(candidates))
        open_rows = np.flatnonzero(available & ~_dominated_by_front(lcb_n, front) & np.all(lcb_n < REFERENCE_OFFSET, axis=1))
        for row in open_rows:
            gains[row] = float(hv(np.vstack([front, lcb_n[row]]))) - base
        if open_rows.size and gains[open_rows].max() > 0:
            best = int(open_rows[np.argmax(gains[open_rows])])
        else:
            best = int(np.flatnonzero(available)[np.argmax(uncertainty[available])])
        chosen.append(best)
        available[best] = False
        front = np.vstack([front, lcb_n[best]])
        front = front[pareto_indices(front)]
    return np.asarray(chosen, dtype=np.int64)
