"""Which evaluated points the diffusion model learns from: the top samples by Pareto rank and shifted density.

How the paper's "shifted density estimation" is realised here: it is the shift-based density
estimation (SDE) of Li, Yang and Liu (IEEE TEVC 2014), as used in SPEA2+SDE. To judge the crowding
around a point p, every other point q is first *shifted* towards p in each objective where q is
better than p: q'_j = max(q_j, p_j). A point that is good in one objective but poor in others is then
seen as crowded (its shifted neighbours sit close to it), so density favours well-converged AND
well-spread points, which plain crowding distance does not in 3+ objectives. The density of p is read
from its sorted shifted-neighbour distances (nearest first, ties broken by the next nearest, as in
SPEA2's truncation), in objectives normalised to [0, 1] by the front's ideal and nadir; larger
distances = sparser = preferred.

Selection: fill the quota front by front (non-dominated sorting); in the front that overflows, drop
the most crowded point one at a time and recompute its neighbours' SDE (truncation as in SPEA2).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def non_dominated_fronts(F: FloatArray) -> list[IntArray]:
    """Indices of F split into Pareto fronts, best first (minimisation)."""
    return [np.asarray(front, dtype=np.int64) for front in NonDominatedSorting().do(F)]


def pareto_indices(F: FloatArray) -> IntArray:
    """Indices of the non-dominated rows of F."""
    return non_dominated_fronts(F)[0]


def normalise_objectives(F: FloatArray) -> FloatArray:
    ideal, nadir = F.min(axis=0), F.max(axis=0)
    return np.asarray((F - ideal) / np.maximum(nadir - ideal, 1e-12), dtype=np.float64)


def shifted_distances(F: FloatArray) -> FloatArray:
    """D[p, q] = Euclidean distance from p to q shifted towards p (q'_j = max(q_j, p_j)); D[p, p] = inf."""
    shifted = np.maximum(F[None, :, :], F[:, None, :])
    D = np.linalg.norm(shifted - F[:, None, :], axis=2)
    np.fill_diagonal(D, np.inf)
    return np.asarray(D, dtype=np.float64)


def sde_density_order(F: FloatArray) -> IntArray:
    """Indices of F from sparsest to most crowded, by SPEA2-style truncation on shifted distances."""
    n = len(F)
    if n <= 2:
        return np.arange(n, dtype=np.int64)
    D = shifted_distances(normalise_objectives(F))
    alive = list(range(n))
    removed: list[int] = []
    while len(alive) > 1:
        sub = np.sort(D[np.ix_(alive, alive)], axis=1)
        # lexicographic comparison of sorted neighbour distances: the smallest vector is most crowded
        crowded = min(range(len(alive)), key=lambda i: tuple(sub[i]))
        removed.append(alive.pop(crowded))
    return np.asarray(alive + removed[::-1], dtype=np.int64)


def select_top_samples(F: FloatArray, n_select: int) -> IntArray:
    """Indices of the n_select best rows of F: whole fronts first, the last front thinned by SDE."""
    n_select = int(min(max(n_select, 1), len(F)))
    chosen: list[int] = []
    for front in non_dominated_fronts(F):
        room = n_select - len(chosen)
        if room <= 0:
            break
        if len(front) <= room:
            chosen.extend(front.tolist())
        else:
            order = sde_density_order(F[front])
            chosen.extend(front[order[:room]].tolist())
    return np.asarray(chosen, dtype=np.int64)


def interpolation_augmentation(points: FloatArray, factor: int, rng: np.random.Generator) -> FloatArray:
    """The selected points plus (factor - 1)·n random convex combinations of pairs of them.

    Why: a few dozen top samples are too few for a diffusion model to learn a spread from (it would
    just memorise them). Pareto sets of continuous problems are connected pieces, so points on the
    segment between two good points are plausible good points; the model learns that region.
    """
    n = len(points)
    if n < 2 or factor <= 1:
        return np.asarray(points, dtype=np.float64)
    extra = (factor - 1) * n
    first = rng.integers(0, n, extra)
    second = rng.integers(0, n, extra)
    weight = rng.uniform(0.0, 1.0, (extra, 1))
    mixed = weight * points[first] + (1 - weight) * points[second]
    return np.asarray(np.vstack([points, mixed]), dtype=np.float64)
