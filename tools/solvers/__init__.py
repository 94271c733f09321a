"""Build-and-solve for Pyomo models: a solver portfolio, one status vocabulary, checks and diagnosis."""

from tools.solvers.portfolio import SolveResult, available_solvers, solve
from tools.solvers.status import Status

__all__ = ["SolveResult", "Status", "available_solvers", "solve"]
