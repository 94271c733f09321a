"""Choosing the batch to evaluate: greedy hypervolume improvement of the surrogate's optimistic predictions.

Each candidate is scored by its lower confidence bound LCB = μ - κ·σ (minimisation). Objectives are
normalised by the observed ideal and nadir, with the reference point at 1.1 (just past the worst
observed value) so the choice does not depend on the problem's units. The batch is built greedily:
take the candidate whose LCB adds the most hypervolume to the current front, add that LCB to the
front as if it were observed, repeat. When no candidate improves the front (HVI = 0 everywhere), the
most uncertain remaining candidate is taken instead: that is where the surrogate can learn the most.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from pymoo.indicators.hv import HV

from tools.diffusion.selection import pareto_indices
from tools.diffusion.surrogate import ObjectiveSurrogate

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

REFERENCE_OFFSET = 1.1


def _dominated_by_front(points: FloatArray, front: FloatArray) -> NDArray[np.bool_]:
    """Rows of points weakly dominated by some row of front (they cannot add hypervolume)."""
    le = np.all(front[None, :, :] <= points[:, None, :], axis=2)
    return np.asarray(np.any(le, axis=1), dtype=np.bool_)


def greedy_hvi_batch(
    surrogate: ObjectiveSurrogate, candidates: FloatArray, observed: FloatArray, batch_size: int, kappa: float = 0.1
) -> IntArray:
    """Indices of batch_size candidates (unit-cube points) chosen by greedy HVI of their LCB."""
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
