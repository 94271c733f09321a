"""Invoker: run the tool the plan names on the verified formulation, and hand back data only.

For an infeasible model it also asks the diagnosis tool which constraints conflict, so the Optimizer can
tell the Modeler what is wrong in words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, cast

from langgraph.config import get_config
from langgraph.runtime import Runtime
from langgraph.types import Command

from agents.context import Context
from agents.knowledge import template_store
from agents.state import Result, State, decision
from tools.registry import tool_for
from tools.solvers import Status, solve
from tools.solvers.diagnosis import explain_infeasibility
from tools.solvers.portfolio import ProblemClass


def invoker(state: State, runtime: Runtime[Context]) -> Command[Literal["verifier"]]:
    formulation, plan = state["formulation"], state["plan"]
    assert formulation is not None and plan is not None
    tool = tool_for(formulation["problem_class"])
    template = template_store(runtime.context).get(formulation["template_id"])
    params = template.params_model.model_validate(formulation["params"])
    if tool is None:
        result = Result(
            revision=formulation["revision"],
            status=str(Status.ERROR),
            solver="none",
            objective=None,
            bound=None,
            gap=None,
            time_s=0.0,
            solution={},
            log_excerpt=f"no tool takes {formulation['problem_class']} problems",
            attempts=[],
            table=[],
            conflicts=[],
            comparisons=[],
            figures=[],
        )
    else:
        problem_class = cast(ProblemClass, formulation["problem_class"])  # tool_for() admitted only these classes
        outcome = solve(template.build_model(params), problem_class, plan["solver"], plan["time_limit_s"], plan["skip"])
        conflicts: list[str] = []
        if outcome.status is Status.INFEASIBLE:
            conflicts = [
                c.sentence()
                for c in explain_infeasibility(
                    template.build_model(params), plan["time_limit_s"], template.structural_constraints
                )
            ]
        solved = bool(outcome.solution)
        figures_dir = Path(runtime.context.runs_dir) / str(get_config()["configurable"].get("thread_id", "run"))
        result = Result(
            revision=formulation["revision"],
            status=str(outcome.status),
            solver=outcome.solver,
            objective=outcome.objective,
            bound=outcome.bound,
            gap=outcome.gap,
            time_s=round(outcome.time_s, 4),
            solution=outcome.solution,
            log_excerpt=outcome.log_excerpt,
            attempts=outcome.attempts,
            table=template.solution_table(params, outcome.solution) if solved else [],
            conflicts=conflicts,
            comparisons=template.comparisons(params, outcome.solution) if solved else [],
            figures=template.figures(params, outcome.solution, figures_dir) if solved else [],
        )
    objective = f", objective {result['objective']:g}" if result["objective"] is not None else ""
    reason = "; ".join(result["attempts"]) or result["log_excerpt"]
    return Command(
        goto="verifier",
        update={"result": result, "history": decision("invoker", f"{result['solver']}: {result['status']}{objective}", reason)},
    )
