"""Black-box multi-objective problems behind one protocol: ZDT1-3 and DTLZ2/5/7 from pymoo.

Every problem is minimised, lives in a box [lower, upper] and carries a fixed hypervolume reference
point so that runs, methods and seeds are compared on the same yardstick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray
from pymoo.core.problem import Problem
from pymoo.problems import get_problem
from scipy.stats import qmc

FloatArray = NDArray[np.float64]

REFERENCE_DESIGN_SIZE = 1024
REFERENCE_MARGIN = 0.1


@runtime_checkable
class BlackBoxProblem(Protocol):
    """What the optimizer needs from a problem: a box, a number of objectives, a yardstick, and f(X)."""

    @property
    def name(self) -> str: ...

    @property
    def n_var(self) -> int: ...

    @property
    def n_obj(self) -> int: ...

    @property
    def lower(self) -> FloatArray: ...

    @property
    def upper(self) -> FloatArray: ...

    @property
    def ref_point(self) -> FloatArray: ...

    def evaluate(self, X: FloatArray) -> FloatArray:
        """Objective values, shape (n, n_obj), all to be minimised, for X of shape (n, n_var)."""
        ...


def reference_point_from_design(problem: BlackBoxProblem) -> FloatArray:
    """A fixed reference point: the worst value per objective over a fixed Sobol design, plus 10 % of its range.

    Why a design and not the true Pareto front's nadir: with d=8 and a few dozen evaluations the
    initial points of ZDT/DTLZ lie far from the true front, so a nadir-based point gives every
    method a hypervolume of zero for most of the run and the comparison says nothing. The design is
    seeded (seed 0, 1024 points) so the point is the same for every run, method and seed.
    """
    sobol = qmc.Sobol(d=problem.n_var, scramble=True, seed=0)
    unit = sobol.random(REFERENCE_DESIGN_SIZE)
    X = problem.lower + unit * (problem.upper - problem.lower)
    F = problem.evaluate(X)
    worst, best = F.max(axis=0), F.min(axis=0)
    return np.asarray(worst + REFERENCE_MARGIN * np.maximum(worst - best, 1e-12), dtype=np.float64)


@dataclass
class PymooBenchmark:
    """A pymoo test problem (ZDT/DTLZ) seen as a black box."""

    name: str
    problem: Problem
    _ref_point: FloatArray | None = field(default=None, repr=False)

    @property
    def n_var(self) -> int:
        return int(self.problem.n_var)

    @property
    def n_obj(self) -> int:
        return int(self.problem.n_obj)

    @property
    def lower(self) -> FloatArray:
        return np.asarray(self.problem.xl, dtype=np.float64)

    @property
    def upper(self) -> FloatArray:
        return np.asarray(self.problem.xu, dtype=np.float64)

    @property
    def ref_point(self) -> FloatArray:
        if self._ref_point is None:
            self._ref_point = reference_point_from_design(self)
        return self._ref_point

    def evaluate(self, X: FloatArray) -> FloatArray:
        return np.asarray(self.problem.evaluate(np.atleast_2d(X), return_values_of=["F"]), dtype=np.float64)


BENCHMARK_NAMES = ("zdt1", "zdt2", "zdt3", "dtlz2", "dtlz5", "dtlz7")


def make_benchmark(name: str, n_var: int = 8) -> PymooBenchmark:
    """ZDT problems have 2 objectives, DTLZ problems 3; both with n_var decision variables in [0, 1]."""
    key = name.lower()
    if key not in BENCHMARK_NAMES:
        raise ValueError(f"unknown benchmark {name!r}; choose one of {', '.join(BENCHMARK_NAMES)}")
    if key.startswith("zdt"):
        problem = get_problem(key, n_var=n_var)
    else:
        problem = get_problem(key, n_var=n_var, n_obj=3)
    return PymooBenchmark(name=key, problem=problem)
