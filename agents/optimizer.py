"""Optimizer: plan the solve (node plan), read the feedback and decide (node decide): finish, retune and re-run,
or repair the model.

Every decision and its reason go into `history`. Every loop (re-solve or back to the Modeler) counts
against `max_iterations`; a run that hits the cap ends with a report that says so.
"""

from __future__ import annotations

from typing import Any, Literal

from langgraph.runtime import Runtime
from langgraph.types import Command

from agents.budget import out_of_time, over_budget
from agents.context import Context
from agents.freeform import SANDBOX
from agents.review import ask_expert
from agents.state import Plan, State, decision
from tools.registry import PYOMO_PORTFOLIO
from tools.solvers import Status

Route = Literal["invoker", "modeler", "report"]
TIME_LIMIT_GROWTH = 4.0


def plan(state: State, runtime: Runtime[Context]) -> Command[Route]:
    """The planning phase: a verified formulation gets its first solve (or the expert's word before it)."""
    context = runtime.context
    first = Plan(solver=context.solver, time_limit_s=context.solver_time_limit_s, skip=[])
    if "before_solving" in context.review_points:
        routed = ask_expert("before_solving", "optimizer", {"formulation": state["formulation"], "plan": first}, state["problem"])
        if routed is not None:
            return routed
    reason = f"exact solver portfolio ({context.solver}), time limit {first['time_limit_s']:g} s"
    return Command(goto="invoker", update={"plan": first, "history": decision("optimizer", "solve", reason)})


def decide(state: State, runtime: Runtime[Context]) -> Command[Route]:
    """The deciding phase: read the checked result and finish, retune and re-run, or send the Modeler back."""
    context = runtime.context
    result, verdict = state["result"], state["verdict"]
    assert result is not None and verdict is not None
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
        current = state["plan"]
        assert current is not None
        longer = Plan(solver=current["solver"], time_limit_s=current["time_limit_s"] * TIME_LIMIT_GROWTH, skip=current["skip"])
        return _loop(
            state,
            context,
            "invoker",
            "retune: longer time limit",
            f"no answer within {current['time_limit_s']:g} s; trying {longer['time_limit_s']:g} s",
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
    current = state["plan"]
    assert current is not None
    return Plan(solver="auto", time_limit_s=current["time_limit_s"], skip=[*current["skip"], skip])


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
    if over_budget(state, context):
        return Command(goto="report", update=out_of_time(state, context, "optimizer", {"iteration": iteration}))
    return Command(goto=goto, update={**update, "iteration": iteration, "history": decision("optimizer", what, reason)})
