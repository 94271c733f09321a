"""Modeler: turn the problem text into a formulation by filling the best template's parameters.

The mathematics comes from the template; the LLM only fills the template's binding schema (which table
holds the delays, which application starts at which microservice, ...) under constrained decoding. On a
second pass it sees why its last answer was rejected (Verifier errors or the Optimizer's diagnosis).
When no template fits, the LLM writes the formulation and its Pyomo code itself (agents/freeform.py).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from langgraph.runtime import Runtime
from langgraph.types import Command

import prompts
from agents.backbone import Spent, StructuredOutputError, ask
from agents.context import Context
from agents.freeform import GENERATED, describe_example, states_a_problem, write_model
from agents.knowledge import problem_data, template_store
from agents.state import Formulation, SpecEntry, State, decision, problem_text, start_round
from knowledge_base.template import AssemblyError


def modeler(state: State, runtime: Runtime[Context]) -> Command[Literal["verify_formulation", "report"]]:
    context = runtime.context
    retrieved = state.get("retrieved") or []
    previous = state.get("formulation")
    if previous is not None and previous["template_id"] == GENERATED:
        return _generate(state, context, "revised its own formulation")
    if not retrieved or retrieved[0]["score"] < context.retrieval_threshold:
        best = f"best match {retrieved[0]['template_id']} scored {retrieved[0]['score']:.2f}" if retrieved else "no templates"
        return _generate(
            state, context, f"no formulation template fits this text ({best}, threshold {context.retrieval_threshold})"
        )
    template = template_store(context).get(retrieved[0]["template_id"])
    data = problem_data(state)
    try:
        schema = template.binding_schema(data)
    except AssemblyError as exc:
        return _generate(state, context, f"template {template.id} matched, but the text lacks what it needs: {exc}")

    spent = Spent()
    human = state.get("human_binding")
    if human is not None:
        binding, how = dict(human), "took the binding the human expert gave"
    else:
        binding, failure = _ask_llm(template.title, schema, state, context, previous, spent)
        how = "filled the template with the LLM" if not failure else f"LLM gave no usable binding: {failure}"
    assembly_error: str | None = None
    params: dict[str, Any] | None = None
    spec: list[SpecEntry] = []
    try:
        assembled, items = template.assemble(binding, data)
        params = assembled.model_dump()
        spec = [SpecEntry(name=i.name, value=i.value, source=i.source, default=i.default) for i in items]
    except AssemblyError as exc:
        assembly_error = str(exc)
    formulation = Formulation(
        revision=(previous["revision"] + 1) if previous else 1,
        template_id=template.id,
        problem_class=template.problem_class,
        title=template.title,
        math=template.math.strip(),
        binding=binding,
        params=params,
        assembly_error=assembly_error,
        summary=template.formulation_summary(template.params_model.model_validate(params)) if params else {},
    )
    reason = how + (f"; assembly failed: {assembly_error}" if assembly_error else f"; {len(spec)} parameter values")
    asked = state.get("follow_up")
    ignored = asked if asked and previous is not None and params is not None and params == previous["params"] else None
    if ignored:
        reason += "; the follow-up changed no parameter"
    return Command(
        goto="verify_formulation",
        update={
            **start_round(),
            "formulation": formulation,
            "spec": spec,
            "ignored_follow_up": ignored if asked else state.get("ignored_follow_up"),
            "prompts": {**state.get("prompts", {}), **spent.prompts},
            "tokens": spent.tokens,
            "history": decision("modeler", f"formulation r{formulation['revision']} from template {template.id}", reason),
        },
    )


def _ask_llm(
    title: str, schema: dict[str, Any], state: State, context: Context, previous: Formulation | None, spent: Spent
) -> tuple[dict[str, Any], str]:
    """The binding the LLM fills in (empty, with why, when it gave none usable)."""
    feedback = ""
    if state.get("feedback") and previous is not None:
        repair = spent.use(prompts.load("modeler_repair_feedback"))
        feedback = repair.user.format(previous=json.dumps(previous["binding"]), reason=state["feedback"])
    fill = prompts.load("modeler_fill_template")
    values = {"template_title": title, "problem": problem_text(state), "data": problem_data(state).describe()}
    try:
        return ask(context, fill, schema, spent, **values, feedback=feedback), ""
    except StructuredOutputError as exc:
        return {}, str(exc)


def _generate(state: State, context: Context, why: str) -> Command[Literal["verify_formulation", "report"]]:
    """The free-form path: the LLM writes the elements and the code; the sandbox checks that the code builds."""
    if not states_a_problem(problem_text(state)):
        return _no_model(f"{why}; the text states no numbers or nothing to optimize, so no model is written")
    previous = state.get("formulation")
    store = template_store(context) if state.get("retrieved") else None
    examples = (
        [describe_example(t.title, t.math) for t in (store.get(h["template_id"]) for h in state["retrieved"][:2])]
        if store
        else []
    )
    earlier = {"elements": previous["binding"], "code": previous.get("code", "")} if previous is not None else None
    made = write_model(problem_text(state), examples, context, feedback=state.get("feedback", ""), previous=earlier)
    if not made.elements and not made.code:
        return _no_model(f"{why}; {made.error}")
    formulation = Formulation(
        revision=(previous["revision"] + 1) if previous else 1,
        template_id=GENERATED,
        problem_class=_problem_class(made.summary),
        title="Formulation written by the Modeler (no template)",
        math=_render_elements(made.elements),
        binding=made.elements,
        params=made.data,
        assembly_error=made.error or None,
        summary=made.summary,
        code=made.code,
    )
    attempts = "; ".join(made.attempts) or made.error
    return Command(
        goto="verify_formulation",
        update={
            **start_round(),
            "formulation": formulation,
            "spec": _spec_of(made.data),
            "prompts": {**state.get("prompts", {}), **made.spent.prompts},
            "tokens": made.spent.tokens,
            "history": decision(
                "modeler", f"formulation r{formulation['revision']} written without a template", f"{why}; sandbox: {attempts}"
            ),
        },
    )


def _problem_class(summary: dict[str, Any]) -> str:
    if summary.get("nonlinear"):
        return "MINLP" if summary.get("integer_variables") else "NLP"
    return "MILP" if summary.get("integer_variables") else "LP"


def _spec_of(data: dict[str, Any]) -> list[SpecEntry]:
    """Every number the LLM put into the generated model's data, for the Verifier's 'stated in the text' check."""
    spec: list[SpecEntry] = []

    def walk(name: str, value: Any) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, (int, float)):
            spec.append(SpecEntry(name=name, value=float(value), source="a parameter the Modeler wrote", default=None))
        elif isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{name}[{key}]", inner)
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                walk(f"{name}[{i}]", inner)

    for name, value in data.items():
        walk(name, value)
    return spec


def _render_elements(elements: dict[str, Any]) -> str:
    """The five elements as a person reads them (the report shows this instead of a template's LaTeX)."""
    lines = [f"Set {s.get('name')} = {{{', '.join(map(str, s.get('members', [])))}}}" for s in elements.get("sets", [])]
    lines += [
        f"Parameter {p.get('name')} = {json.dumps(p.get('value'))} {p.get('unit', '')}".rstrip() + f"  ({p.get('meaning', '')})"
        for p in elements.get("parameters", [])
    ]
    lines += [
        f"Variable {v.get('name')}[{', '.join(v.get('indexed_by') or [])}] ({v.get('domain')}): {v.get('meaning', '')}"
        for v in elements.get("variables", [])
    ]
    objective = elements.get("objective") or {}
    lines.append(f"{objective.get('sense', 'minimize')} {objective.get('expression', '')}")
    lines += [f"subject to {c.get('name')}: {c.get('expression')}" for c in elements.get("constraints", [])]
    return "\n".join(lines)


def _no_model(reason: str) -> Command[Literal["verify_formulation", "report"]]:
    return Command(
        goto="report",
        update={"formulation": None, "outcome": "no_model", "history": decision("modeler", "no formulation", reason)},
    )
