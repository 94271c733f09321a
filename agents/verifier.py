"""Verifier: check the formulation before any solver runs (node verify_formulation), and the solution after
(node verify_solution).

Before solving: the template could be filled; every number the Modeler put into the parameters is stated
in the problem text or the attached data (or is the template's documented default); the model builds;
its size is sane. After solving: the reported solution is loaded into a freshly built model and every
constraint, bound and integrality is re-evaluated, and the objective is recomputed, without trusting the
solver's claim. Errors block the solver (or the answer); warnings go into the report.
"""

from __future__ import annotations

from typing import Any, Literal

from langgraph.runtime import Runtime
from langgraph.types import Command

from agents.context import Context
from agents.formulation_checks import (
    integrality_conflict,
    sense_conflict,
    unit_mismatches,
    unused_numbers,
    unused_numbers_warning,
)
from agents.freeform import GENERATED, SANDBOX
from agents.knowledge import built_model, problem_data, template_store
from agents.review import ask_expert
from agents.state import Formulation, Result, SpecEntry, State, Verdict, decision, problem_text
from tools.registry import PYOMO_PORTFOLIO
from tools.solvers.metamorphic import tightened_optimum_check
from tools.solvers.model_facts import model_size
from tools.solvers.portfolio import ProblemClass
from tools.solvers.solution_check import check_solution
from tools.textdata import TextData

MAX_VARIABLES = 200_000
OBJECTIVE_TOLERANCE = 1e-6
METAMORPHIC_MAX_VARIABLES = 2_000
"""The metamorphic re-solve runs only where it is cheap: small models that solved quickly."""
METAMORPHIC_MAX_SOLVE_S = 5.0


def verify_formulation(state: State, runtime: Runtime[Context]) -> Command[Literal["modeler", "plan", "report"]]:
    """The formulation phase: check what the Modeler wrote before any solver runs."""
    context = runtime.context
    formulation = state["formulation"]
    assert formulation is not None  # the Modeler routes to the report when there is none
    if not context.verify:  # the ablation: every formulation goes to the solver unchecked
        verdict = Verdict(phase="formulation", revision=formulation["revision"], ok=True, errors=[], warnings=[])
        return Command(
            goto="plan",
            update={"verdict": verdict, "history": decision("verifier", "accepted unchecked", "verification is off")},
        )
    errors: list[str] = []
    warnings: list[str] = []
    generated = formulation["template_id"] == GENERATED
    defaulted: list[SpecEntry] = []
    """Values the text does not state, filled with the template's default: the 'missing parameter' review asks."""
    if formulation["assembly_error"]:
        what = "the generated model is not usable" if generated else "the template could not be filled"
        errors.append(f"{what}: {formulation['assembly_error']}")
    else:
        data = problem_data(state)
        for item in state.get("spec", []):
            if data.mentions(item["value"]):
                continue
            if item["default"] is not None and item["value"] == item["default"]:
                defaulted.append(item)
                warnings.append(f"{item['name']} = {item['value']:g} is the template's default, not a number from the text")
            else:
                errors.append(
                    f"{item['name']} = {item['value']:g} does not appear in the problem text or data ({item['source']})"
                )
        values = [item["value"] for item in state.get("spec", [])]
        warnings += unused_numbers_warning(unused_numbers(data, values, formulation.get("code", "")))
        if generated:
            errors += _generated_errors(formulation, problem_text(state, with_data=False))
            warnings += unit_mismatches(formulation["binding"].get("parameters", []))
        else:
            warnings += _unused_data(formulation["binding"], data)
            errors += _build_errors(formulation, context)
    verdict = Verdict(phase="formulation", revision=formulation["revision"], ok=not errors, errors=errors, warnings=warnings)
    update: dict[str, Any] = {"verdict": verdict}
    if errors:
        reason = "; ".join(errors)
        iteration = state.get("iteration", 0) + 1
        update |= {"iteration": iteration, "history": decision("verifier", "rejected the formulation", reason)}
        if iteration >= context.loop_cap:
            update |= {"outcome": "cap_reached"}
            return Command(goto="report", update=update)
        return Command(goto="modeler", update=update | {"feedback": reason})
    if defaulted and "missing_parameter" in context.review_points:
        defaults = ", ".join(f"{i['name']} = {i['value']:g}" for i in defaulted)
        question = (
            f"The text does not state {', '.join(i['name'] for i in defaulted)}. Give the values (they join the problem"
            f" text), approve the template's defaults ({defaults}), or edit the binding."
        )
        shown = {"question": question, "missing": [i["name"] for i in defaulted], "formulation": formulation}
        routed = ask_expert("missing_parameter", "verifier", shown, state["problem"])
        if routed is not None:
            return routed
    if "after_modeling" in context.review_points:
        routed = ask_expert("after_modeling", "verifier", {"formulation": formulation, "warnings": warnings}, state["problem"])
        if routed is not None:
            return routed
    checked = f"{len(state.get('spec', []))} values found in the text; the model builds"
    return Command(goto="plan", update=update | {"history": decision("verifier", "accepted the formulation", checked)})


def _unused_data(binding: dict[str, Any], data: TextData) -> list[str]:
    """Tables and lists of the text that the formulation does not use: the model may be missing part of the problem."""
    used: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, str):
            used.add(value)
        elif isinstance(value, dict):
            for inner in value.values():
                collect(inner)
        elif isinstance(value, list):
            for inner in value:
                collect(inner)

    collect(binding)
    unused = [f"table {t.id} ('{t.caption}')" for t in data.tables if t.id not in used]
    unused += [f"list {n.id} ('{n.label}')" for n in data.lists if n.id not in used]
    return [f"the formulation does not use {item} of the text; check the model covers it" for item in unused]


def _generated_errors(formulation: Formulation, text: str) -> list[str]:
    """The LLM chose the objective's sense and the domains: check them against the words of the text."""
    summary = formulation["summary"]
    errors = [e for e in (sense_conflict(text, str(summary.get("sense", ""))), integrality_conflict(text, summary)) if e]
    if not summary.get("variables") or not summary.get("constraints"):
        errors.append(
            f"the model is empty ({summary.get('variables', 0)} variables, {summary.get('constraints', 0)} constraints)"
        )
    return errors


def _build_errors(formulation: Formulation, context: Context) -> list[str]:
    """Does the algebraic model build, and is its size sane? (A tool's formulation is just its validated input.)"""
    if template_store(context).get(formulation["template_id"]).tool != PYOMO_PORTFOLIO:
        return []
    try:
        size = model_size(built_model(context, formulation, copy=False))
    except Exception as exc:  # a template bug or odd parameters: say so instead of crashing the run
        return [f"the model does not build: {type(exc).__name__}: {exc}"]
    if size.variables == 0 or size.constraints == 0:
        return [f"the model is empty ({size.variables} variables, {size.constraints} constraints)"]
    if size.variables > MAX_VARIABLES:
        return [f"the model has {size.variables} variables, more than the sane limit {MAX_VARIABLES}"]
    return []


def verify_solution(state: State, runtime: Runtime[Context]) -> Command[Literal["decide"]]:
    """The solution phase: re-check the tool's answer without trusting it; the Optimizer decides what follows."""
    context = runtime.context
    formulation, result = state["formulation"], state["result"]
    assert formulation is not None and result is not None
    errors: list[str] = []
    earlier = state.get("verdict")  # the formulation's warnings travel on into the report
    warnings: list[str] = list(earlier["warnings"]) if earlier and earlier["revision"] == formulation["revision"] else []
    if not context.verify:
        what, reason = "accepted unchecked", "verification is off"
    elif not result["solution"]:
        what, reason = "nothing to re-check", f"the tool returned no solution ({result['status']})"
    elif result["tool"] == PYOMO_PORTFOLIO:
        errors = _recheck_algebraic(formulation, result, context)
        what = "re-checked the solution" if not errors else "found the solution wrong"
        reason = "every constraint holds and the objective recomputes" if not errors else "; ".join(errors)
        if not errors and result["status"] == "optimal":
            metamorphic, note = _metamorphic(formulation, result, context)
            errors += metamorphic
            reason += f"; {note}" if note else ""
    elif result["tool"] == SANDBOX:
        errors = [f"{name}: no" for name, ok in result["checks"].items() if not ok]
        what = "re-checked the solution in the sandbox" if not errors else "found the solution wrong"
        reason = "every constraint of the generated model holds and the objective recomputes" if not errors else "; ".join(errors)
    else:
        # A learned or black-box tool has no algebraic model to re-evaluate; its own checks are what we have.
        errors = [f"{name} does not hold" for name, ok in result["checks"].items() if not ok]
        warnings.append(f"answer from {result['tool']}: checked by the tool's own tests, not against an algebraic model")
        what = "read the tool's checks" if not errors else "found the tool's answer failing its checks"
        passed = ", ".join(result["checks"]) or "none reported"
        reason = f"checks passed: {passed}" if not errors else "; ".join(errors)
    verdict = Verdict(phase="solution", revision=formulation["revision"], ok=not errors, errors=errors, warnings=warnings)
    return Command(goto="decide", update={"verdict": verdict, "history": decision("verifier", what, reason)})


def _recheck_algebraic(formulation: Formulation, result: Result, context: Context) -> list[str]:
    """Load the solver's values into a fresh copy of the model and re-evaluate everything, trusting nothing."""
    check = check_solution(built_model(context, formulation), {k: float(v) for k, v in result["solution"].items()})
    errors: list[str] = []
    if check.missing:
        errors.append(f"the solution gives no value for {', '.join(check.missing[:5])}")
    errors += [f"violated: {v}" for v in check.violations]
    if check.objective is not None and result["objective"] is not None:
        if abs(check.objective - result["objective"]) > OBJECTIVE_TOLERANCE * max(1.0, abs(check.objective)):
            errors.append(f"the objective recomputes to {check.objective:g}, not the solver's {result['objective']:g}")
    return errors


def _metamorphic(formulation: Formulation, result: Result, context: Context) -> tuple[list[str], str]:
    """Tighten the budgets of a small, quickly solved model: its optimum must not improve."""
    assert result["objective"] is not None
    model = built_model(context, formulation)
    if model_size(model).variables > METAMORPHIC_MAX_VARIABLES or result["time_s"] > METAMORPHIC_MAX_SOLVE_S:
        return [], ""
    problem_class: ProblemClass = formulation["problem_class"]  # type: ignore[assignment]  # portfolio templates declare these
    keep = template_store(context).get(formulation["template_id"]).structural_constraints
    check = tightened_optimum_check(model, problem_class, result["objective"], keep)
    if not check.ok:
        return [f"metamorphic check failed: {check.message}"], ""
    return [], f"metamorphic check: {check.message}" if check.tightened else ""
