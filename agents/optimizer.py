"""Optimizer: plan the solve, read the feedback, and decide: finish, retune and re-run, or repair the model.

Every decision and its reason go into `history`. Every loop (re-solve or back to the Modeler) counts
against `max_iterations`; a run that hits the cap ends with a report that says so.
"""

from __future__ import annotations

from typing import Any, Literal

from langgraph.runtime import Runtime
from langgraph.types import Command

from agents.context import Context
from agents.freeform import SANDBOX
from agents.review import ask_expert
from agents.state import Plan, State, decision
from tools.registry import PYOMO_PORTFOLIO
from tools.solvers import Status

Route = Literal["invoker", "modeler", "report"]
TIME_LIMIT_GROWTH = 4.0


def optimizer(state: State, runtime: Runtime[Context]) -> Command[Route]:
    context = runtime.context
    result = state.get("result")
    if result is None:
        return _plan_first_solve(state, context)
    verdict = state["verdict"]
    assert verdict is not None
    status = Status(result["status"])
    if status.has_solution and verdict["ok"]:
        return Command(goto="report", update={"history": decision("optimizer", "finish", f"{status} and verified")})
    if result["tool"] == SANDBOX and (status is Status.ERROR or status.has_solution):
        # Generated code that fails at solve time, or whose answer fails the re-check, is the Modeler's to fix.
        why = "; ".join(verdict["errors"][:3]) if status.has_solution else result["log_excerpt"][-300:]
        return _loop(state, context, "modeler", "repair the generated model", why, {"feedback": why})
    if status.has_solution:
        return _loop(
            state,
            context,
            "invoker",
            "re-solve with another solver",
            "the solver's answer failed the re-check: " + "; ".join(verdict["errors"][:3]),
            {"plan": _replan(state, skip=result["solver"])},
        )
    if status is Status.TIME_LIMIT:
        plan = state["plan"]
        assert plan is not None
        longer = Plan(solver=plan["solver"], time_limit_s=plan["time_limit_s"] * TIME_LIMIT_GROWTH, skip=plan["skip"])
        return _loop(
            state,
            context,
            "invoker",
            "retune: longer time limit",
            f"no answer within {plan['time_limit_s']:g} s; trying {longer['time_limit_s']:g} s",
            {"plan": longer},
        )
    if status is Status.ERROR and result["tool"] != PYOMO_PORTFOLIO:
        # A registered tool has no alternative solver to fall back to; report its failure as it is.
        return Command(
            goto="report",
            update={
                "outcome": "error",
                "diagnosis": result["log_excerpt"],
                "history": decision("optimizer", "finish: the tool failed", result["log_excerpt"]),
            },
        )
    if status is Status.ERROR:
        return _loop(
            state,
            context,
            "invoker",
            "re-solve with another solver",
            result["log_excerpt"][-300:] or "solver error",
            {"plan": _replan(state, skip=result["solver"])},
        )
    return _repair(state, context, status, result["conflicts"])


def _plan_first_solve(state: State, context: Context) -> Command[Route]:
    plan = Plan(solver=context.solver, time_limit_s=context.solver_time_limit_s, skip=[])
    if "before_solving" in context.review_points:
        routed = ask_expert("before_solving", "optimizer", {"formulation": state["formulation"], "plan": plan}, state["problem"])
        if routed is not None:
            return routed
    reason = f"exact solver portfolio ({context.solver}), time limit {plan['time_limit_s']:g} s"
    return Command(goto="invoker", update={"plan": plan, "history": decision("optimizer", "solve", reason)})


def _repair(state: State, context: Context, status: Status, conflicts: list[str]) -> Command[Route]:
    """Infeasible or unbounded: send the Modeler back with the diagnosis, unless the model already follows the text."""
    formulation = state["formulation"]
    assert formulation is not None
    if status is Status.INFEASIBLE:
        diagnosis = "The model is infeasible. " + (
            "Conflicting constraints: " + "; ".join(conflicts) + "." if conflicts else "No single conflict was isolated."
        )
    else:
        diagnosis = "The model is unbounded: the objective can improve without limit, so a bound or constraint is missing."
    if state.get("diagnosed_binding") == formulation["binding"]:
        # The Modeler, told what conflicts, gave the same reading of the text again: the text itself is contradictory.
        verdict = "the problem as stated has no solution: " + diagnosis
        return Command(
            goto="report",
            update={
                "outcome": status.value,
                "diagnosis": verdict,
                "history": decision("optimizer", "finish: the text is contradictory", verdict),
            },
        )
    return _loop(
        state,
        context,
        "modeler",
        "repair the model",
        diagnosis,
        {"diagnosis": diagnosis, "feedback": diagnosis, "diagnosed_binding": formulation["binding"]},
    )


def _replan(state: State, skip: str) -> Plan:
    plan = state["plan"]
    assert plan is not None
    return Plan(solver="auto", time_limit_s=plan["time_limit_s"], skip=[*plan["skip"], skip])


def _loop(state: State, context: Context, goto: Route, what: str, reason: str, update: dict[str, Any]) -> Command[Route]:
    iteration = state.get("iteration", 0) + 1
    if iteration >= context.loop_cap:
        return Command(
            goto="report",
            update={
                "outcome": "cap_reached",
                "iteration": iteration,
                "diagnosis": reason,
                "history": decision("optimizer", "stop: iteration cap reached", reason),
            },
        )
    if goto == "invoker":
        update = {**update, "result": None}  # the next result must come from the new run, not linger from this one
    return Command(goto=goto, update={**update, "iteration": iteration, "history": decision("optimizer", what, reason)})
