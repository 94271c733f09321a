"""Space-filling designs in a box: Latin hypercube for the initial design, scrambled Sobol for random search."""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import NDArray
from scipy.stats import qmc

FloatArray = NDArray[np.float64]


def _scale(unit: FloatArray, lower: FloatArray, upper: FloatArray) -> FloatArray:
    return np.asarray(lower + unit * (np.asarray(upper) - np.asarray(lower)), dtype=np.float64)


def latin_hypercube(n: int, lower: FloatArray, upper: FloatArray, seed: int) -> FloatArray:
    """n points, one per stratum in every coordinate (optimised against centred discrepancy by scipy)."""
    sampler = qmc.LatinHypercube(d=len(lower), seed=np.random.default_rng(seed))
    return _scale(sampler.random(n), lower, upper)


def sobol(n: int, lower: FloatArray, upper: FloatArray, seed: int, skip: int = 0) -> FloatArray:
    """n scrambled Sobol points after skipping the first `skip` (so batches continue one sequence)."""
    sampler = qmc.Sobol(d=len(lower), scramble=True, seed=np.random.default_rng(seed))
    if skip:
        sampler.fast_forward(skip)
    with warnings.catch_warnings():
        # batches of any size are wanted; the power-of-2 balance note is not an error here
        warnings.simplefilter("ignore", UserWarning)
        unit = sampler.random(n)
    return _scale(unit, lower, upper)
