"""The solver portfolio: pick a solver for a model's class, run it with a time limit, fall back when it refuses.

Order of preference (ENVIRONMENT.md): CPLEX Community Edition for LP/MILP while the model is inside its
1000-variable / 1000-constraint limit, HiGHS for LP/MILP otherwise, SCIP (with its bundled Ipopt) for
anything nonlinear. Every outcome is mapped to `Status`, so callers never read solver-specific codes.
"""

from __future__ import annotations

import io
import logging
import math
import tempfile
import threading
import time
from collections.abc import Sequence
from contextlib import redirect_stdout
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyomo.environ as pyo
from pyomo.opt import SolverResults

from tools.solvers.model_facts import ModelSize, model_size, objective_sense, variable_values
from tools.solvers.status import Status, status_from_results

SolverName = Literal["cplex", "highs", "scip"]
ProblemClass = Literal["LP", "MILP", "NLP", "MINLP"]

CPLEX_COMMUNITY_LIMIT = 1000
"""CPLEX Community Edition refuses models with more variables or constraints than this (error 1016)."""

_PYOMO_NAMES: dict[SolverName, str] = {"cplex": "cplex_direct", "highs": "appsi_highs", "scip": "scip_direct"}
_TIME_LIMIT_OPTION: dict[SolverName, str] = {"cplex": "timelimit", "highs": "time_limit", "scip": "limits/time"}
_LINEAR_ONLY: frozenset[SolverName] = frozenset({"cplex", "highs"})

log = logging.getLogger(__name__)


@dataclass
class SolveResult:
    """What one solver run produced, in data only (no live Pyomo objects), so it can go into the graph state."""

    status: Status
    solver: str
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    time_s: float = 0.0
    solution: dict[str, float] = field(default_factory=dict)
    log_excerpt: str = ""
    attempts: list[str] = field(default_factory=list)
    """One line per solver tried, with why the next one was needed."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = str(self.status)
        return data


def available_solvers() -> dict[SolverName, bool]:
    """Which solvers of the portfolio can run on this machine."""
    found: dict[SolverName, bool] = {}
    for name, pyomo_name in _PYOMO_NAMES.items():
        try:
            found[name] = bool(pyo.SolverFactory(pyomo_name).available(exception_flag=False))
        except Exception:  # a broken solver plugin must not break `lamopt doctor`
            found[name] = False
    return found


def portfolio_order(problem_class: ProblemClass, size: ModelSize, preference: str = "auto") -> list[SolverName]:
    """The solvers to try, best first, for this model."""
    if problem_class in ("NLP", "MINLP"):
        order: list[SolverName] = ["scip"]
    else:
        order = ["cplex", "highs", "scip"]
        if size.variables > CPLEX_COMMUNITY_LIMIT or size.constraints > CPLEX_COMMUNITY_LIMIT:
            order.remove("cplex")
    if preference != "auto" and preference in order:
        order.remove(preference)
        order.insert(0, preference)
    return order


def solve(
    model: pyo.ConcreteModel,
    problem_class: ProblemClass,
    preference: str = "auto",
    time_limit_s: float = 60.0,
    skip: Sequence[str] = (),
) -> SolveResult:
    """Solve `model` in place with the first solver of the portfolio that gives an answer.

    A solver that is missing, refuses the model (size limit, nonlinearity) or crashes is recorded in
    `attempts` and the next one is tried. `skip` names solvers the caller has ruled out (the Optimizer
    uses it after a solver error).
    """
    size = model_size(model)
    order = [s for s in portfolio_order(problem_class, size, preference) if s not in skip]
    attempts: list[str] = []
    if size.variables > CPLEX_COMMUNITY_LIMIT or size.constraints > CPLEX_COMMUNITY_LIMIT:
        attempts.append(
            f"cplex: skipped, model has {size.variables} variables and {size.constraints} constraints, "
            f"over the Community Edition limit of {CPLEX_COMMUNITY_LIMIT}"
        )
    available = available_solvers()
    last: SolveResult | None = None
    for name in order:
        if not available.get(name, False):
            attempts.append(f"{name}: not available on this machine")
            continue
        if name in _LINEAR_ONLY and size.nonlinear:
            attempts.append(f"{name}: skipped, it does not take nonlinear models")
            continue
        result = _run_one(model, name, time_limit_s)
        attempts.append(
            f"{name}: {result.status}"
            + (f" ({result.log_excerpt.splitlines()[-1]})" if result.status is Status.ERROR and result.log_excerpt else "")
        )
        last = result
        if result.status is not Status.ERROR:
            break
    if last is None:
        last = SolveResult(status=Status.ERROR, solver="none", log_excerpt="no solver of the portfolio could take this model")
    last.attempts = attempts
    return last


_STDOUT_LOCK = threading.Lock()
"""redirect_stdout swaps the process-wide sys.stdout: two solves capturing at once (concurrent chat threads or
batch cases) would read each other's logs and could leave sys.stdout pointing at a finished run's buffer.
CPLEX writes its log to a file of its own and runs concurrently; HiGHS and SCIP only tee to stdout, so they
take turns while their output is captured."""


def _solve_with_log(solver: Any, model: pyo.ConcreteModel, name: SolverName, buffer: io.StringIO) -> SolverResults:
    """Solve, writing the solver's log into `buffer` without mixing in another thread's solve."""
    if name == "cplex":
        with tempfile.TemporaryDirectory(prefix="lamopt-solve-") as scratch:
            logfile = Path(scratch) / "solver.log"
            try:
                return solver.solve(model, load_solutions=False, tee=False, logfile=str(logfile))
            finally:
                if logfile.exists():
                    buffer.write(logfile.read_text(errors="replace"))
    with _STDOUT_LOCK, redirect_stdout(buffer):
        return solver.solve(model, load_solutions=False, tee=True)


def _run_one(model: pyo.ConcreteModel, name: SolverName, time_limit_s: float) -> SolveResult:
    solver = pyo.SolverFactory(_PYOMO_NAMES[name])
    solver.options[_TIME_LIMIT_OPTION[name]] = time_limit_s
    buffer = io.StringIO()
    started = time.perf_counter()
    try:
        results: SolverResults = _solve_with_log(solver, model, name, buffer)
    except Exception as exc:  # solver libraries raise their own types (CplexSolverError, RuntimeError, ...)
        elapsed = time.perf_counter() - started
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "1016" in message:
            message = f"CPLEX Community Edition size limit exceeded: {message}"
        return SolveResult(
            status=Status.ERROR, solver=name, time_s=elapsed, log_excerpt=_tail(buffer.getvalue() + "\n" + message)
        )
    elapsed = time.perf_counter() - started
    status = status_from_results(results)
    has_incumbent = status in (Status.OPTIMAL, Status.FEASIBLE, Status.TIME_LIMIT) and _load_if_any(model, results)
    if status.has_solution and not has_incumbent:
        status = Status.ERROR
    objective = _objective_value(model) if has_incumbent else None
    bound = _bound(results, objective_sense(model))
    gap = None
    if objective is not None and bound is not None and math.isfinite(bound):
        gap = abs(objective - bound) / max(1e-9, abs(objective))
    return SolveResult(
        status=status,
        solver=name,
        objective=objective,
        bound=bound,
        gap=gap,
        time_s=elapsed,
        solution=variable_values(model) if has_incumbent else {},
        log_excerpt=_tail(buffer.getvalue()),
    )


def _load_if_any(model: pyo.ConcreteModel, results: SolverResults) -> bool:
    """Load the solver's incumbent into the model's variables; False where there is none."""
    if len(results.solution) == 0:
        return False
    try:
        model.solutions.load_from(results)
    except Exception:
        return False
    return True


def _objective_value(model: pyo.ConcreteModel) -> float | None:
    for objective in model.component_data_objects(pyo.Objective, active=True):
        value = pyo.value(objective, exception=False)
        return None if value is None else float(value)
    return None


def _bound(results: SolverResults, sense: str) -> float | None:
    bound = results.problem.lower_bound if sense == "min" else results.problem.upper_bound
    try:
        value = float(bound)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(line for line in text.strip().splitlines()[-lines:])
