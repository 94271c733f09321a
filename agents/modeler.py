"""Modeler: turn the problem text into a formulation by filling the best template's parameters.

The mathematics comes from the template; the LLM only fills the template's binding schema (which table
holds the delays, which application starts at which microservice, ...) under constrained decoding. On a
second pass it sees why its last answer was rejected (Verifier errors or the Optimizer's diagnosis).
When no template fits, the LLM writes the formulation and its Pyomo code itself (agents/freeform.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Literal

from langgraph.runtime import Runtime
from langgraph.types import Command

import prompts
from agents.backbone import Spent, StructuredOutputError, ask
from agents.budget import deadline, out_of_time, over_budget
from agents.context import Context
from agents.decomposed import example_of
from agents.fidelity import MISMATCH, lists_in, objective_mismatch
from agents.freeform import GENERATED, describe_example, states_a_problem, write_model, write_model_in_steps
from agents.knowledge import problem_data, template_store
from agents.refill import focused_schema, only_answer
from agents.state import Dropped, Formulation, SpecEntry, State, decision, fingerprint, problem_text, start_round
from knowledge_base.bank import similar_examples
from knowledge_base.catalog import AnyTemplate
from knowledge_base.template import AssemblyError
from tools.question import asked_quantity

FILLED = "filled the template with the LLM"
EXAMPLES = 2
"""Solved problems of the bank shown to each step of the free-form path."""
MAX_TEMPLATES = 3
"""Templates a run tries, best retrieval score first, before it writes the model itself."""
REDRAWS = 2
"""Requests at the sampling temperature, each with a seed of its own, when the LLM answers with a binding the Verifier
already rejected: asked at temperature 0, the 0.5B model typed a rejected number again even when asked for that field
alone with the error before it (dev30 on 49487df: 21 of the 31 runs without an answer had such a repeat, which dropped
the template it was filling)."""


@dataclass
class _Choice:
    """The template the Modeler fills next (None: none can express the question), and the templates it passed over."""

    template: AnyTemplate | None
    schema: dict[str, Any]
    dropped: list[Dropped]
    why: str


def modeler(state: State, runtime: Runtime[Context]) -> Command[Literal["verify_formulation", "report"]]:
    context = runtime.context
    if over_budget(state, context):
        return Command(goto="report", update=out_of_time(state, context, "modeler"))
    previous = state.get("formulation")
    if previous is not None and previous["template_id"] == GENERATED:
        return _generate(state, context, "revised its own formulation", state.get("dropped", []))
    choice = _choose_template(state, context)
    if choice.template is None:
        return _generate(state, context, choice.why, choice.dropped)
    template, schema = choice.template, choice.schema
    data = problem_data(state)
    if previous is not None and previous["template_id"] != template.id:
        previous = None  # another template: the last binding and its feedback were for the one dropped
    spent = Spent(deadline=deadline(state, context))
    human = state.get("human_binding")
    if human is not None:
        binding, how = dict(human), "took the binding the human expert gave"
    else:
        binding, how = _ask_llm(template.title, schema, state, context, previous, spent)
    assembly_error: str | None = None
    params: dict[str, Any] | None = None
    spec: list[SpecEntry] = []
    problem_class: str = template.problem_class
    try:
        assembled, items = template.assemble(binding, data)
        params = assembled.model_dump()
        spec = [
            SpecEntry(name=i.name, value=i.value, source=i.source, default=i.default, table=i.table, row=i.row, unit=i.unit)
            for i in items
        ]
        problem_class = template.problem_class_for(assembled)
    except AssemblyError as exc:
        assembly_error = str(exc)
    last = state.get("formulation")
    formulation = Formulation(
        revision=(last["revision"] + 1) if last else 1,
        template_id=template.id,
        problem_class=problem_class,
        title=template.title,
        math=template.math.strip(),
        binding=binding,
        params=params,
        assembly_error=assembly_error,
        summary=template.formulation_summary(template.params_model.model_validate(params)) if params else {},
    )
    reason = how + (f"; assembly failed: {assembly_error}" if assembly_error else f"; {len(spec)} parameter values")
    if choice.why:
        reason = f"{choice.why}; {reason}"
    asked = state.get("follow_up")
    ignored = asked if asked and last is not None and params is not None and params == last["params"] else None
    if ignored:
        reason += "; the follow-up changed no parameter"
    return Command(
        goto="verify_formulation",
        update={
            **start_round(),
            "formulation": formulation,
            "spec": spec,
            "dropped": choice.dropped,
            "ignored_follow_up": ignored if asked else state.get("ignored_follow_up"),
            "prompts": {**state.get("prompts", {}), **spent.prompts},
            "tokens": spent.tokens,
            "history": decision("modeler", f"formulation r{formulation['revision']} from template {template.id}", reason),
        },
    )


def _choose_template(state: State, context: Context) -> _Choice:
    """The template to fill: the last one again while it is not dropped, else the best retrieved one that can express
    the quantity the question asks for (read by code); its `objective` choices narrowed to the variants that can."""
    retrieved = state.get("retrieved") or []
    dropped = list(state.get("dropped", []))
    fitting = [h for h in retrieved if h["score"] >= context.retrieval_threshold][:MAX_TEMPLATES]
    if not fitting:
        best = f"best match {retrieved[0]['template_id']} scored {retrieved[0]['score']:.2f}" if retrieved else "no templates"
        return _Choice(
            None, {}, dropped, f"no formulation template fits this text ({best}, threshold {context.retrieval_threshold})"
        )
    previous = state.get("formulation")
    order = [h["template_id"] for h in fitting]
    if previous is not None and previous["template_id"] in order:
        order.remove(previous["template_id"])
        order.insert(0, previous["template_id"])
    asked = asked_quantity(problem_text(state, with_data=False))
    data = problem_data(state)
    passed: list[str] = []
    for template_id in order:
        if any(d["template_id"] == template_id for d in dropped):
            continue
        template = template_store(context).get(template_id)
        if template.speaks_of is not None and not data.says(template.speaks_of):
            lacks = f"the text lacks what it needs: words of what it is for ({template.speaks_of.pattern[:60]}…)"
            dropped.append(Dropped(template_id=template_id, reason=lacks))
            passed.append(f"{template_id}: {lacks}")
            continue
        try:
            schema = template.binding_schema(data)
        except AssemblyError as exc:
            dropped.append(Dropped(template_id=template_id, reason=f"the text lacks what it needs: {exc}"))
            passed.append(f"{template_id}: the text lacks what it needs ({exc})")
            continue
        variants = {name: m for name, m in template.objectives.items() if objective_mismatch(asked, m) is None}
        if template.objectives and not variants:
            mismatch = (
                objective_mismatch(asked, next(iter(template.objectives.values()))) or "it cannot express the asked quantity"
            )
            dropped.append(Dropped(template_id=template_id, reason=mismatch))
            passed.append(f"{template_id}: {mismatch}")
            continue
        narrowed = _narrowed(schema, list(variants)) if len(variants) < len(template.objectives) else schema
        return _Choice(template, narrowed, dropped, "; ".join(f"passed over {p}" for p in passed))
    reasons = "; ".join(f"{d['template_id']}: {d['reason']}" for d in dropped) or "none fits"
    return _Choice(None, {}, dropped, f"no template can express this question ({reasons})")


def _narrowed(schema: dict[str, Any], variants: list[str]) -> dict[str, Any]:
    """The binding schema whose `objective` choices are only the variants that measure what the question asks."""
    field = (schema.get("properties") or {}).get("objective")
    if not isinstance(field, dict) or "enum" not in field:
        return schema
    kept = [v for v in field["enum"] if v in variants]
    if not kept:
        return schema
    return {**schema, "properties": {**schema["properties"], "objective": {**field, "enum": kept}}}


def _ask_llm(
    title: str, schema: dict[str, Any], state: State, context: Context, previous: Formulation | None, spent: Spent
) -> tuple[dict[str, Any], str]:
    """The binding the LLM fills in (empty when it gave none usable), and how it came: in words, for the history."""
    refill = [f for f in state.get("refill", []) if f in (schema.get("properties") or {})]
    if previous is not None:
        schema = _other_objectives(schema, state.get("feedback", ""), previous["binding"])
    if refill and previous is not None:
        # The Verifier named the fields that may express what the last binding left out: ask for those alone.
        kept = previous["binding"]
        left_out = [c["clause"] for c in state.get("coverage", []) if c["status"] == "uncovered"]
        listed = lists_in(left_out, problem_data(state))
        focused = focused_schema(schema, refill, kept, state.get("feedback", ""), left_out, listed)
        only = only_answer(focused)
        if only is not None:  # the left-out clause leaves the fields one answer: code writes it
            return {**kept, **only}, f"wrote {', '.join(only)} by code: the last rejection leaves them one answer"
        ask_fields = prompts.load("modeler_refill_fields")
        values = {"template_title": title, "problem": problem_text(state), "reason": state.get("feedback", "")}
        try:
            binding = _ask_anew(context, ask_fields, focused, spent, state, previous, kept, **values, fields=", ".join(refill))
            return binding, f"asked the LLM again for {', '.join(refill)}"
        except StructuredOutputError:
            pass  # the whole binding again, with the feedback
    feedback = ""
    if state.get("feedback") and previous is not None:
        repair = spent.use(prompts.load("modeler_repair_feedback"))
        feedback = repair.user.format(previous=json.dumps(previous["binding"]), reason=state["feedback"])
    fill = prompts.load("modeler_fill_template")
    values = {"template_title": title, "problem": problem_text(state), "data": problem_data(state).describe()}
    try:
        return _ask_anew(context, fill, schema, spent, state, previous, {}, **values, feedback=feedback), FILLED
    except StructuredOutputError as exc:
        return {}, f"LLM gave no usable binding: {exc}"


def _other_objectives(schema: dict[str, Any], feedback: str, binding: dict[str, Any]) -> dict[str, Any]:
    """The schema without the objective the last binding chose, when the Verifier said it measures something else
    than the question asks ("the question asks for the maximum fraction ...; this model maximizes the total flow"):
    dev30-nf-03 on the 1.5B at f25dbbf chose "maximum total throughput" again after that rejection, and the template
    was dropped for one that could not express the question. As it was when no other objective is left."""
    field = (schema.get("properties") or {}).get("objective")
    chosen = binding.get("objective")
    if MISMATCH not in feedback or not isinstance(field, dict) or chosen not in (field.get("enum") or []):
        return schema
    kept = [o for o in field["enum"] if o != chosen]
    return {**schema, "properties": {**schema["properties"], "objective": {**field, "enum": kept}}} if kept else schema


def _ask_anew(
    context: Context,
    prompt: prompts.Prompt,
    schema: dict[str, Any],
    spent: Spent,
    state: State,
    previous: Formulation | None,
    kept: dict[str, Any],
    **values: str,
) -> dict[str, Any]:
    """The binding (the LLM's answer over the fields `kept` from the last one) for the template of `previous`; one already
    rejected is asked for again, up to REDRAWS times, at the sampling temperature with another seed (the last answer
    stands when every draw repeats or a draw fails: the Verifier then names the repeat)."""
    binding = {**kept, **ask(context, prompt, schema, spent, **values)}
    if previous is None:
        return binding
    template_id = previous["template_id"]
    rejected = {r["fingerprint"] for r in state.get("rejected", []) if r["template_id"] == template_id}
    for draw in range(1, REDRAWS + 1):
        if fingerprint(template_id, binding) not in rejected:
            break
        hotter = replace(context, llm_temperature=context.sample_temperature, llm_seed=context.llm_seed + draw)
        try:
            binding = {**kept, **ask(hotter, prompt, schema, spent, **values)}
        except StructuredOutputError:
            break
    return binding


def _generate(
    state: State, context: Context, why: str, dropped: list[Dropped]
) -> Command[Literal["verify_formulation", "report"]]:
    """The free-form path: the LLM writes the elements (whole, or in steps for a small model) and code writes or the
    LLM writes the code; the sandbox checks that the code builds."""
    text = problem_text(state)
    if not states_a_problem(text):
        return _no_model(f"{why}; the text states no numbers or nothing to optimize, so no model is written", dropped)
    previous = state.get("formulation")
    mine = previous if previous is not None and previous["template_id"] == GENERATED else None
    feedback = state.get("feedback", "") if mine is not None else ""
    if _in_steps(state, context, mine):
        # Solved problems like this one, from the bank beside the templates (none in the no-knowledge-base ablation).
        solved = similar_examples(text, k=EXAMPLES, kb_path=context.kb_folder) if context.use_rag else []
        made = write_model_in_steps(
            text,
            context,
            feedback=feedback,
            examples=[example_of(i) for i in solved],
            deadline=deadline(state, context),
            previous=mine["binding"] if mine is not None else None,
        )
        why += "; written in steps (variables, a request per sentence, the objective)"
    else:
        store = template_store(context) if state.get("retrieved") else None
        examples = (
            [describe_example(t.title, t.math) for t in (store.get(h["template_id"]) for h in state["retrieved"][:2])]
            if store
            else []
        )
        earlier = {"elements": mine["binding"], "code": mine.get("code", "")} if mine is not None else None
        made = write_model(text, examples, context, feedback=feedback, previous=earlier, deadline=deadline(state, context))
    if over_budget(state, context):
        update = out_of_time(state, context, "modeler", {"dropped": dropped})
        return Command(goto="report", update=update | {"tokens": made.spent.tokens})
    if not made.elements and not made.code:
        return _no_model(f"{why}; {made.error}", dropped)
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
            "dropped": dropped,
            "prompts": {**state.get("prompts", {}), **made.spent.prompts},
            "tokens": made.spent.tokens,
            "history": decision(
                "modeler", f"formulation r{formulation['revision']} written without a template", f"{why}; sandbox: {attempts}"
            ),
        },
    )


def _in_steps(state: State, context: Context, mine: Formulation | None) -> bool:
    """Steps for a text a small model can model by sentences: no tables (their data need index sets), and no
    earlier formulation of this run written whole (a revision stays in the way it was written)."""
    if context.freeform != "auto":
        return context.freeform == "steps"
    if mine is not None:
        return bool(mine["binding"].get("written_in_steps"))
    return not problem_data(state).tables


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


def _no_model(reason: str, dropped: list[Dropped]) -> Command[Literal["verify_formulation", "report"]]:
    return Command(
        goto="report",
        update={
            "formulation": None,
            "outcome": "no_model",
            "dropped": dropped,
            "diagnosis": reason,
            "history": decision("modeler", "no formulation", reason),
        },
    )
