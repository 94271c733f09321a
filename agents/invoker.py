"""Invoker: run the tool the formulation's template names, and hand back data only.

The solver portfolio builds the template's Pyomo model and solves it; for an infeasible model the Invoker
also asks the diagnosis tool which constraints conflict, so the Optimizer can tell the Modeler what is
wrong in words. Other tools (DRIB-MOBO, LAM beamforming, ...) take the template's parameters as their input.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Literal, cast

import pyomo.environ as pyo
from langgraph.config import get_config
from langgraph.runtime import Runtime
from langgraph.types import Command

from agents.context import Context
from agents.freeform import GENERATED, SANDBOX
from agents.knowledge import built_model, formulation_template
from agents.state import Formulation, Plan, Result, State, decision
from knowledge_base.catalog import AnyTemplate
from tools.registry import PYOMO_PORTFOLIO, ToolSpec, tool_named
from tools.solvers import Status, solve
from tools.solvers.diagnosis import explain_infeasibility
from tools.solvers.portfolio import ProblemClass
from tools.solvers.sandbox.runner import run_generated_model


def invoker(state: State, runtime: Runtime[Context]) -> Command[Literal["verify_solution"]]:
    formulation, plan = state["formulation"], state["plan"]
    assert formulation is not None and plan is not None
    out_dir = Path(runtime.context.runs_dir) / str(get_config()["configurable"].get("thread_id", "run"))
    # A batch caps concurrent solves separately from LLM requests: solvers compete for the CPU cores.
    gate = runtime.context.solver_gate or nullcontext()
    if formulation["template_id"] == GENERATED:
        with gate:
            return _done(_run_generated(formulation, plan, runtime.context))
    template, params = formulation_template(runtime.context, formulation)
    named = template.tool_for(params)
    tool = tool_named(named)
    if tool is None:
        result = _failed(formulation, f"template {template.id} names tool {named!r}, which the registry lacks")
    else:
        with gate:
            if tool.name == PYOMO_PORTFOLIO:
                result = _run_portfolio(runtime.context, template, formulation, plan, out_dir)
            else:
                result = _run_tool(tool, template, formulation, out_dir)
    return _done(result)


def _done(result: Result) -> Command[Literal["verify_solution"]]:
    objective = f", objective {result['objective']:g}" if result["objective"] is not None else ""
    reason = "; ".join(result["attempts"]) or result["log_excerpt"]
    return Command(
        goto="verify_solution",
        update={"result": result, "history": decision("invoker", f"{result['solver']}: {result['status']}{objective}", reason)},
    )


def _run_portfolio(context: Context, template: AnyTemplate, formulation: Formulation, plan: Plan, out_dir: Path) -> Result:
    params = template.params_model.model_validate(formulation["params"])
    problem_class = cast(ProblemClass, formulation["problem_class"])  # portfolio templates declare only these
    build = lambda copy: built_model(context, formulation, copy=copy)  # noqa: E731  (built once, cloned per use)
    return run_portfolio(template, params, problem_class, plan, out_dir, formulation["revision"], build)


def run_portfolio(
    template: AnyTemplate,
    params: Any,
    problem_class: ProblemClass,
    plan: Plan,
    out_dir: Path,
    revision: int = 0,
    build: Callable[[bool], pyo.ConcreteModel] | None = None,
) -> Result:
    """Solve the template's model with the portfolio; the result holds data only (solution table, baselines,
    figures written to `out_dir`). `build(copy)` gives the model (copy False: one the caller only reads or clones);
    by default the template builds it from `params`. Also what `lamopt mcp` runs for a template used alone."""
    model = build or (lambda copy: template.build_model(params))
    outcome = solve(model(True), problem_class, plan["solver"], plan["time_limit_s"], plan["skip"])
    conflicts: list[str] = []
    if outcome.status is Status.INFEASIBLE:  # the diagnosis relaxes a copy of its own
        found = explain_infeasibility(model(False), plan["time_limit_s"], template.structural_constraints)
        conflicts = [c.sentence() for c in found]
    solved = bool(outcome.solution)
    return Result(
        revision=revision,
        tool=PYOMO_PORTFOLIO,
        status=str(outcome.status),
        solver=outcome.solver,
        objective=outcome.objective,
        bound=outcome.bound,
        gap=outcome.gap,
        time_s=round(outcome.time_s, 4),
        solution=dict(outcome.solution),
        log_excerpt=outcome.log_excerpt,
        attempts=outcome.attempts,
        table=template.solution_table(params, outcome.solution) if solved else [],
        conflicts=conflicts,
        comparisons=template.comparisons(params, outcome.solution) if solved else [],
        figures=template.figures(params, outcome.solution, out_dir) if solved else [],
        checks={},
    )


def _run_generated(formulation: Formulation, plan: Plan, context: Context) -> Result:
    """Generated code never runs here: the sandbox builds and solves it and sends back data, with its own re-check."""
    started = time.perf_counter()
    run = run_generated_model(
        formulation.get("code", ""),
        formulation["params"] or {},
        time_limit_s=plan["time_limit_s"],
        memory_mb=context.sandbox_memory_mb,
    )
    status = run.status or str(Status.ERROR)
    recomputes = (
        run.objective is not None
        and run.recomputed_objective is not None
        and abs(run.objective - run.recomputed_objective) <= 1e-6 * max(1.0, abs(run.objective))
    )
    checks = {"every constraint, bound and integrality holds at the solution": not run.violations} if run.solution else {}
    if run.solution:
        checks["the objective recomputes from the solution"] = recomputes
    table = [{"variable": name, "value": round(value, 9)} for name, value in run.solution.items() if abs(value) > 1e-9]
    message = run.error or f"{run.solver}: {status}" + (
        f"; violations: {'; '.join(run.violations[:3])}" if run.violations else ""
    )
    return Result(
        revision=formulation["revision"],
        tool=SANDBOX,
        status=status,
        solver=run.solver or SANDBOX,
        objective=run.objective,
        bound=None,
        gap=None,
        time_s=round(time.perf_counter() - started, 4),
        solution=dict(run.solution),
        log_excerpt=message,
        attempts=[message],
        table=table,
        conflicts=run.conflicts,
        comparisons=[],
        figures=[],
        checks=checks,
    )


def _run_tool(tool: ToolSpec, template: AnyTemplate, formulation: Formulation, out_dir: Path) -> Result:
    """A registered tool: it takes what the template makes of its parameters (`tool_input`) and returns data."""
    started = time.perf_counter()
    params = template.params_model.model_validate(formulation["params"])
    try:
        tool_input = template.tool_input(params)
        out: dict[str, Any] = tool.run(tool_input, out_dir)
    except Exception as exc:  # a tool's failure is a result the Optimizer reads, not a crash of the run
        return _failed(formulation, f"{tool.name} failed: {type(exc).__name__}: {exc}", tool.name, time.perf_counter() - started)
    solution = dict(out.get("solution") or {})
    return Result(
        revision=formulation["revision"],
        tool=tool.name,
        status=str(out.get("status", Status.ERROR)),
        solver=tool.name,
        objective=out.get("objective"),
        bound=None,
        gap=None,
        time_s=round(float(out.get("time_s", time.perf_counter() - started)), 4),
        solution=solution,
        log_excerpt=str(out.get("summary", "")),
        attempts=[f"{tool.name}: {out.get('status')}"],
        table=template.solution_table(params, solution) if solution else [],
        conflicts=[],
        comparisons=list(out.get("comparisons") or []),
        figures=[str(f) for f in out.get("figures") or []],
        checks={str(k): bool(v) for k, v in (out.get("checks") or {}).items()},
    )


def _failed(formulation: Formulation, message: str, tool: str = "none", time_s: float = 0.0) -> Result:
    return Result(
        revision=formulation["revision"],
        tool=tool,
        status=str(Status.ERROR),
        solver=tool,
        objective=None,
        bound=None,
        gap=None,
        time_s=round(time_s, 4),
        solution={},
        log_excerpt=message,
        attempts=[message],
        table=[],
        conflicts=[],
        comparisons=[],
        figures=[],
        checks={},
    )
