"""The final report: what was solved, the answer, how it was checked, and honestly, what went wrong."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.context import Context
from agents.fidelity import in_asked_unit
from agents.freeform import GENERATED, SANDBOX
from agents.knowledge import formulation_template
from agents.state import Answer, Formulation, Report, RunStatus, State, decision, problem_text
from tools.question import AskedQuantity, asked_quantity

GENERATED_SOLUTION = (
    "this solution comes from model code the LLM wrote: it was built, solved and re-checked inside the sandbox, "
    "an isolated process that sends back only data, so the re-check is that process's own and not an independent one"
)

_SUMMARIES: dict[str, str] = {
    "optimal": "Solved to optimality; the solution was re-checked against every constraint.",
    "feasible": "Found a feasible solution (not proven optimal); it was re-checked against every constraint.",
    "infeasible": "No solution exists for the problem as modelled.",
    "unbounded": "The model is unbounded.",
    "time_limit": "The solver ran out of time without an answer.",
    "error": "The solver failed.",
    "no_model": "No formulation could be built for this text.",
    "cap_reached": "Stopped at the iteration cap without a verified answer.",
    "stopped": "Stopped by the human expert.",
    "out_of_time": "No verified answer: out of time (the run's time budget ended before a verified answer).",
}


def report(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    formulation = state.get("formulation")
    result = state.get("result")
    verdict = state.get("verdict")
    status: RunStatus = state.get("outcome") or (result["status"] if result else "error")  # type: ignore[assignment]
    verified = bool(result and verdict and verdict["phase"] == "solution" and verdict["ok"])
    if status in ("optimal", "feasible") and not verified:
        status = "error"  # never report an answer that did not pass the re-check
    last_reason = state.get("history", [])[-1]["reason"] if state.get("history") else ""
    diagnosis = state.get("diagnosis") or ("" if status in ("optimal", "feasible") else last_reason)
    warnings = list(verdict["warnings"]) if verdict else []
    if state.get("ignored_follow_up") and formulation is not None:
        warnings.append(
            f'the follow-up "{state["ignored_follow_up"]}" changed nothing in the model: template '
            f"{formulation['template_id']} cannot express it, so this answer is the previous one"
        )
    if result and verified and result["tool"] == SANDBOX:
        warnings.append(GENERATED_SOLUTION)
    formulation_view: dict[str, Any] = {}
    if formulation is not None:
        formulation_view = {
            "template": formulation["template_id"],
            "title": formulation["title"],
            "class": formulation["problem_class"],
            "math": formulation["math"],
            "instance": formulation["summary"],
            "revision": formulation["revision"],
        }
    asked = asked_quantity(problem_text(state, with_data=False))
    objective = result["objective"] if result and verified else None
    final = Report(
        status=status,
        objective=result["objective"] if result and verified else None,
        solver=result["solver"] if result else None,
        iterations=state.get("iteration", 0),
        template_id=formulation["template_id"] if formulation else None,
        formulation=formulation_view,
        solution=result["table"] if result and verified else [],
        comparisons=result["comparisons"] if result and verified else [],
        figures=result["figures"] if result and verified else [],
        warnings=warnings,
        diagnosis=diagnosis,
        summary=_SUMMARIES.get(status, status),
        asked=asked.describe() if asked else "",
        answer=_answer(objective, asked, formulation, runtime.context),
        coverage=state.get("coverage", []),
        dropped=state.get("dropped", []),
    )
    return {"report": final, "history": decision("report", f"report: {status}", final["summary"])}


def _answer(
    objective: float | None, asked: AskedQuantity | None, formulation: Formulation | None, context: Context
) -> Answer | None:
    """The verified objective in the unit the question asks for (0.35 W asked in mW is 350 mW)."""
    if objective is None:
        return None
    measure = None
    if formulation is not None and formulation["template_id"] != GENERATED and formulation["params"] is not None:
        template, params = formulation_template(context, formulation)
        measure = template.objective(params)
    converted = in_asked_unit(objective, asked, measure)
    if converted is not None:
        return Answer(value=converted[0], unit=converted[1])
    unit = measure.unit if measure is not None and measure.unit else (asked.unit if asked and asked.unit else "")
    return Answer(value=objective, unit=unit or "")
