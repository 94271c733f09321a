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


def status_from_results(results: SolverResults, has_incumbent: bool) -> Status:
    """Map Pyomo's termination condition to our vocabulary.

    A time or iteration limit with an incumbent is still a usable (feasible) answer; the caller keeps
    the distinction through `has_incumbent` so the Optimizer can decide to retune.
    """
    condition = results.solver.termination_condition
    status = _TERMINATION_TO_STATUS.get(condition, Status.ERROR)
    if status is Status.TIME_LIMIT and not has_incumbent:
        return Status.TIME_LIMIT
    return status
