"""One status vocabulary for every tool outcome, and the mapping from Pyomo's solver results to it."""

from __future__ import annotations

from enum import StrEnum

from pyomo.opt import SolverResults, TerminationCondition


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    ERROR = "error"

    @property
    def has_solution(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


_TERMINATION_TO_STATUS: dict[TerminationCondition, Status] = {
    TerminationCondition.optimal: Status.OPTIMAL,
    TerminationCondition.globallyOptimal: Status.OPTIMAL,
    TerminationCondition.locallyOptimal: Status.FEASIBLE,
    TerminationCondition.feasible: Status.FEASIBLE,
    TerminationCondition.infeasible: Status.INFEASIBLE,
    TerminationCondition.invalidProblem: Status.ERROR,
    TerminationCondition.unbounded: Status.UNBOUNDED,
    # "infeasible or unbounded" is reported as infeasible: the diagnosis step then tells which.
    TerminationCondition.infeasibleOrUnbounded: Status.INFEASIBLE,
    TerminationCondition.maxTimeLimit: Status.TIME_LIMIT,
    TerminationCondition.maxIterations: Status.TIME_LIMIT,
    TerminationCondition.maxEvaluations: Status.TIME_LIMIT,
    TerminationCondition.userInterrupt: Status.ERROR,
    TerminationCondition.error: Status.ERROR,
    TerminationCondition.solverFailure: Status.ERROR,
    TerminationCondition.internalSolverError: Status.ERROR,
}


def status_from_results(results: SolverResults) -> Status:
    """Map Pyomo's termination condition to our vocabulary.

    A time limit stays TIME_LIMIT even with an incumbent: the incumbent is kept in the result, and the
    Optimizer decides whether to accept it or retune.
    """
    condition = results.solver.termination_condition
    return _TERMINATION_TO_STATUS.get(condition, Status.ERROR)
