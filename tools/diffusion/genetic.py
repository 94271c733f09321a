"""pymoo's genetic operators on the unit cube: simulated binary crossover (SBX) and polynomial mutation (PM).

Used two ways by the optimizer: PM perturbs every candidate batch (diffusion or genetic) so no
candidate is an exact copy of an evaluated point, and SBX+PM replaces diffusion as the generator of
candidates when hypervolume growth stalls.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from pymoo.core.population import Population
from pymoo.core.problem import Problem
from pymoo.operators.crossover.sbx import SBX
from pymoo.operators.mutation.pm import PM

FloatArray = NDArray[np.float64]


def _unit_box(n_var: int) -> Problem:
    return Problem(n_var=n_var, n_obj=1, xl=np.zeros(n_var), xu=np.ones(n_var))


def polynomial_mutation(U: FloatArray, rng: np.random.Generator, eta: float = 20.0) -> FloatArray:
    """PM with the usual per-variable probability 1/d; points stay in [0, 1]."""
    n_var = U.shape[1]
    population = Population.new("X", np.clip(U, 0.0, 1.0))
    mutated = PM(prob=1.0, prob_var=1.0 / n_var, eta=eta).do(_unit_box(n_var), population, random_state=rng)
    return np.asarray(mutated.get("X"), dtype=np.float64)


def sbx_offspring(parents: FloatArray, n_offspring: int, rng: np.random.Generator, eta: float = 15.0) -> FloatArray:
    """n_offspring children of random parent pairs by SBX (crossover probability 0.9, per-variable 0.5)."""
    n_parents, n_var = parents.shape
    if n_parents < 2:
        return np.repeat(parents, n_offspring, axis=0)
    n_matings = (n_offspring + 1) // 2
    first = rng.integers(0, n_parents, n_matings)
    # the second parent is always a different point, so SBX has a spread to work with
    second = (first + rng.integers(1, n_parents, n_matings)) % n_parents
    matings = np.stack([first, second], axis=1)
    population = Population.new("X", parents)
    children = SBX(prob=0.9, prob_var=0.5, eta=eta).do(_unit_box(n_var), population, matings, random_state=rng)
    return np.asarray(children.get("X"), dtype=np.float64)[:n_offspring]
