"""Verifier: check the formulation before any solver runs (node verify_formulation), and the solution after
(node verify_solution).

Before solving: the template could be filled; every number the Modeler put into the parameters is stated
in the problem text or the attached data (or is the template's documented default); the model builds;
its size is sane. After solving: the reported solution is loaded into a freshly built model and every
constraint, bound and integrality is re-evaluated, and the objective is recomputed, without trusting the
solver's claim. Errors block the solver (or the answer); warnings go into the report.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Collection, Iterator
from typing import Any, Literal

import pyomo.environ as pyo
from langgraph.runtime import Runtime
from langgraph.types import Command

import prompts
from agents.backbone import OutOfTime, Spent, StructuredOutputError, ask
from agents.budget import deadline, out_of_time, over_budget
from agents.context import Context
from agents.fidelity import (
    UNCOVERED_FRAME,
    FidelityCheck,
    NamedConstraint,
    check_fidelity,
    content_words,
    could_express,
    lists_in,
)
from agents.formulation_checks import (
    any_equal,
    code_literals,
    element_weights,
    elements_against_text,
    holding_at_zero,
    integrality_conflict,
    labels_in_names,
    sense_conflict,
    unit_mismatches,
    unused_in_generated,
    unused_numbers,
    unused_numbers_warning,
)
from agents.freeform import GENERATED, SANDBOX
from agents.knowledge import built_model, formulation_template, problem_data, template_store
from agents.review import ask_expert
from agents.state import (
    ClauseCheck,
    Dropped,
    Finding,
    FindingKind,
    Formulation,
    Rejected,
    Result,
    SpecEntry,
    State,
    Verdict,
    decision,
    problem_text,
    written_mark,
)
from knowledge_base.template import NOT_IN_THE_TEXT, AssemblyError
from tools.question import Measure, requirement_clauses
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
    """The formulation phase: check what the Modeler wrote before any solver runs, and whether it answers the
    question that was asked (agents/fidelity.py)."""
    context = runtime.context
    formulation = state["formulation"]
    assert formulation is not None  # the Modeler routes to the report when there is none
    if not context.verify:  # the ablation: every formulation goes to the solver unchecked
        verdict = Verdict(phase="formulation", revision=formulation["revision"], ok=True, errors=[], warnings=[])
        return Command(
            goto="plan",
            update={"verdict": verdict, "history": decision("verifier", "accepted unchecked", "verification is off")},
        )
    findings: list[Finding] = []
    warnings: list[str] = []
    generated = formulation["template_id"] == GENERATED
    defaulted: list[SpecEntry] = []
    """Values the text does not state, filled with the template's default: the 'missing parameter' review asks."""
    spent = Spent(deadline=deadline(state, context))
    coverage: list[ClauseCheck] = []
    if formulation["assembly_error"]:
        what = "the generated model is not usable" if generated else "the template could not be filled"
        findings.append(Finding(kind="binding", message=f"{what}: {formulation['assembly_error']}"))
    else:
        data = problem_data(state)
        for item in state.get("spec", []):
            if data.mentions(item["value"]):
                continue
            if item["default"] is not None and item["value"] == item["default"]:
                defaulted.append(item)
                warnings.append(f"{item['name']} = {item['value']:g} is the template's default, not a number from the text")
            else:
                message = f"{item['name']} = {item['value']:g} {NOT_IN_THE_TEXT} or data ({item['source']})"
                findings.append(Finding(kind="binding", message=message))
        values = [item["value"] for item in state.get("spec", [])]
        values += element_weights(formulation["binding"]) if generated else []
        unused = unused_numbers(data, values, formulation.get("code", ""))
        left_out: list[Finding] = []
        if generated:
            # "demonstration 1" named by demonstration1 is a label, not a number the model leaves out
            labels = labels_in_names(formulation["binding"].get("variables", []), data.text)
            unused = [n for n in unused if not any_equal([n], labels)]
            # The LLM chose every number of a model it wrote: one of the text's numbers left out is a coefficient or a
            # bound it missed (nl4opt-025 on 0629a3f: "Z1 + D3" over the pills' 1.3, 1.2, 1.5 grams and $1, $3 costs
            # was verified at 15, reference 7). A warning for a template, which reads its numbers from the text
            # itself, and after a follow-up, whose new number may replace one of the text ("only 120 hours" for 150).
            if state["problem"].get("turns"):
                warnings += unused_numbers_warning(unused)
            else:  # asked for when nothing else is wrong: a clause left out, named by the fidelity check, says more
                left_out = _binding_findings(unused_in_generated(unused))
            findings += _binding_findings(_generated_errors(formulation, problem_text(state, with_data=False)))
            warnings += unit_mismatches(formulation["binding"].get("parameters", []))
        else:
            warnings += unused_numbers_warning(unused)
            warnings += _unused_data(formulation["binding"], data)
            findings += _binding_findings(_copied_from_data(state.get("spec", []), formulation["binding"], data))
            findings += _binding_findings(_one_source_two_quantities(formulation["binding"], data))
            findings += _binding_findings(_build_errors(formulation, context))
        if not findings:
            try:
                fidelity = _fidelity(state, context, formulation, data, values, spent)
            except OutOfTime:  # the clauses code left unclear were never put to the LLM: not verified
                spent_so_far = {"tokens": spent.tokens, "prompts": {**state.get("prompts", {}), **spent.prompts}}
                return Command(goto="report", update=out_of_time(state, context, "verifier", spent_so_far))
            findings += [Finding(kind=f.kind, message=f.message) for f in fidelity.findings]
            coverage = [ClauseCheck(clause=c.clause.text, status=c.status, by=c.by, reason=c.reason) for c in fidelity.coverage]
            warnings += [
                f"requirement not mapped to the model: \u201c{c['clause']}\u201d" for c in coverage if c["status"] == "unclear"
            ]
        if not findings:
            findings += left_out
    findings += _repeated(state, formulation, findings)
    errors = [f["message"] for f in findings]
    verdict = Verdict(
        phase="formulation", revision=formulation["revision"], ok=not errors, errors=errors, warnings=warnings, findings=findings
    )
    update: dict[str, Any] = {
        "verdict": verdict,
        "coverage": coverage,
        "tokens": spent.tokens,
        "prompts": {**state.get("prompts", {}), **spent.prompts},
    }
    if errors:
        return _rejected(state, context, formulation, findings, update)
    # An accepted formulation is solved whatever the clock says: the budget bounds the modelling, and the solver
    # has a time limit of its own.
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
    if coverage:
        covered = sum(c["status"] in ("covered", "not a requirement") for c in coverage)
        checked += f"; it answers the question asked and {covered} of {len(coverage)} requirement clauses map to it"
    return Command(goto="plan", update=update | {"history": decision("verifier", "accepted the formulation", checked)})


TEMPLATE_LEVEL: frozenset[FindingKind] = frozenset({"asked_quantity", "uncovered_clause", "repeated"})


def _rejected(
    state: State, context: Context, formulation: Formulation, findings: list[Finding], update: dict[str, Any]
) -> Command[Literal["modeler", "plan", "report"]]:
    """Send the formulation back, or drop its template when the template cannot express the question."""
    reason = "; ".join(f["message"] for f in findings)
    kinds = sorted({f["kind"] for f in findings})
    iteration = state.get("iteration", 0) + 1
    rejected = Rejected(
        template_id=formulation["template_id"],
        fingerprint=written_mark(formulation),
        kinds=kinds,
        reason=reason,
    )
    update |= {
        "iteration": iteration,
        "rejected": [*state.get("rejected", []), rejected],
        "history": decision("verifier", "rejected the formulation", reason),
    }
    left_out_before = any(
        r["template_id"] == formulation["template_id"] and "uncovered_clause" in r["kinds"] for r in state.get("rejected", [])
    )
    # One more try for a template whose binding left out clauses that optional fields can express (once per template).
    fields = [] if left_out_before else _fields_that_may_express(state, context, formulation, findings)
    if not fields and not any(f["kind"] == "repeated" for f in findings):  # a repeat is not asked for once more
        fields = _fields_the_error_names(state, context, formulation, [f["message"] for f in findings if f["kind"] == "binding"])
    if not fields and [f["kind"] for f in findings] == ["asked_quantity"]:
        fields = _another_objective(state, context, formulation)
    drop = _drop_reason(formulation, findings, fields)
    if drop:
        update |= {
            "dropped": [*state.get("dropped", []), Dropped(template_id=formulation["template_id"], reason=drop)],
            "history": decision("verifier", "rejected the formulation", reason)
            + decision("verifier", f"dropped template {formulation['template_id']}", drop),
        }
    repeated_generated = formulation["template_id"] == GENERATED and any(f["kind"] == "repeated" for f in findings)
    if iteration >= context.loop_cap or repeated_generated:
        return Command(goto="report", update=update | {"outcome": "cap_reached", "diagnosis": reason})
    if over_budget(state, context):
        return Command(goto="report", update=out_of_time(state, context, "verifier", update))
    hint = f"; the field(s) {', '.join(fields)} of the binding can express this: fill them from the text" if fields else ""
    return Command(goto="modeler", update=update | {"feedback": "" if drop else reason + hint, "refill": fields})


def _another_objective(state: State, context: Context, formulation: Formulation) -> list[str]:
    """["objective"] when the template offers another objective than the one that measures something else than the
    question asks, and this template was not refused so before: dev30-nf-03 on the 1.5B chose the network flow's
    "maximum total throughput" for "the largest fraction that can be carried", and the template, which has "maximum
    concurrent flow", was dropped for one that could not express the question. [] otherwise: the template goes."""
    template_id = formulation["template_id"]
    if template_id == GENERATED or any(
        r["template_id"] == template_id and "asked_quantity" in r["kinds"] for r in state.get("rejected", [])
    ):
        return []
    try:
        field = template_store(context).get(template_id).binding_schema(problem_data(state))["properties"].get("objective")
    except AssemblyError:
        return []
    offered = field.get("enum") if isinstance(field, dict) else None
    return ["objective"] if isinstance(offered, list) and set(offered) - {formulation["binding"].get("objective")} else []


def _drop_reason(formulation: Formulation, findings: list[Finding], fields: list[str]) -> str:
    """Why the template cannot express the question ('' when a corrected binding may yet do: `fields` may express
    what it left out)."""
    level = [f for f in findings if f["kind"] in TEMPLATE_LEVEL]
    if formulation["template_id"] == GENERATED or not level or fields:
        return ""
    return "; ".join(f["message"] for f in level)


def _fields_that_may_express(state: State, context: Context, formulation: Formulation, findings: list[Finding]) -> list[str]:
    """The fields of the binding that may express the clauses it left out (`refillable_fields`): every such clause
    must have one ([] otherwise, or when something else than uncovered clauses is at fault)."""
    level = [f for f in findings if f["kind"] in TEMPLATE_LEVEL]
    if formulation["template_id"] == GENERATED or not level or any(f["kind"] != "uncovered_clause" for f in level):
        return []
    template = template_store(context).get(formulation["template_id"])
    data = problem_data(state)
    listed = lists_in([f["message"] for f in level], data)
    try:
        optional = refillable_fields(template.binding_schema(data), formulation["binding"], listed)
    except AssemblyError:
        return []
    fields = [could_express(_unframed(f["message"]), optional) for f in level]
    return sorted({name for names in fields for name in names}) if all(fields) else []


def _unframed(message: str) -> str:
    """A finding without the words every uncovered clause's finding has ("the text requires “...”, which no
    constraint of this model expresses"): the clause and code's reason. "text" matched a field's description
    (dev30-ee-01's power limit "... when the text sets none" asked for beside the path loss)."""
    return message.replace("the text requires", " ").replace(UNCOVERED_FRAME, " ")


def _binding_findings(errors: list[str]) -> list[Finding]:
    return [Finding(kind="binding", message=e) for e in errors]


def _repeated(state: State, formulation: Formulation, findings: list[Finding]) -> list[Finding]:
    """The same formulation as one already rejected: the Modeler is going round in circles."""
    mark = written_mark(formulation)
    for earlier in state.get("rejected", []):
        if earlier["fingerprint"] == mark and earlier["template_id"] == formulation["template_id"]:
            return [Finding(kind="repeated", message=f"the Modeler wrote a formulation already rejected ({earlier['reason']})")]
    return []


def _fields_the_error_names(state: State, context: Context, formulation: Formulation, errors: list[str]) -> list[str]:
    """The binding fields that the template's assembly error (or else the binding's `errors`) names (every word of
    the field's name, the most such): "the objective 'total priority weight of served users' needs the priority
    weights of the text" where the binding declined the priority weights that the table holds; "a channel gain of
    +92 dB is a path loss; choose the unit 'path loss in dB'" where it chose dB; "demand[G->H] = 650 is not stated
    as such" (the demands). A small model repeats its whole binding when asked again; asked for that field alone
    (without "none"), with the error before it, it corrects it."""
    error = formulation["assembly_error"] or "; ".join(errors)
    if formulation["template_id"] == GENERATED or not error:
        return []
    try:
        schema = template_store(context).get(formulation["template_id"]).binding_schema(problem_data(state))
    except AssemblyError:
        return []
    said = content_words(error.split("[type=")[0])  # pydantic's echo of the input is not the error's words
    # An error that begins with a field's own name is about that field ("per-user cap: L2 gives the minimum rates"):
    # the minimum rates it mentions were right, and asked for again beside it, the 1.5B rewrote them all as 10.
    heads = [content_words(head.replace("-", " ")) for head in re.findall(r"(?:^|; )([\w\s-]{3,40}?):\s", error)]
    about = sorted(n for n in (schema.get("properties") or {}) if content_words(n.replace("_", " ")) in heads)
    if about:
        return sorted({*about, *_fields_holding_strays(state, formulation)})
    named = {
        name: len(words)
        for name in (schema.get("properties") or {})
        if name != "objective" and (words := content_words(name.replace("_", " ")) - _FORM_WORDS) and words <= said
    }
    # What the error says is missing the binding declined: "a load (airtime) limit needs each user's demand and its
    # rate from each cell" with rate and demand "none" (dev30-assoc-03 on the 1.5B asked for the load limit alone, to
    # the time budget). Those fields, not the one with the most words in the error.
    declined = [n for n in named if formulation["binding"].get(n) in (None, "none", "", [], {})]
    if declined:
        return sorted({*declined, *_fields_holding_strays(state, formulation)})
    most = max(named.values(), default=0)
    return sorted({*(name for name, count in named.items() if count == most), *_fields_holding_strays(state, formulation)})


_FORM_WORDS = {"list"}
"""Words of a field's name that say how it is given, not what it holds: an error about "CPU requirements" names
cpu_requirement_list (dev30-leo-02: "CPU requirements and CPU capacities must both be given" asked for nothing)."""


def _fields_holding_strays(state: State, formulation: Formulation) -> list[str]:
    """The binding fields that hold a number the text nowhere states (one the error calls "does not appear in the
    problem text"): dev30-mec-01's "kappa = 10^-27" typed as 1e15 mW, an error that names the parameter (local
    computing power), not the field (local_energy), so the whole binding was asked again and repeated."""
    data = problem_data(state)
    strays = [
        item["value"]
        for item in state.get("spec", [])
        if not data.mentions(item["value"]) and (item["default"] is None or item["value"] != item["default"])
    ]
    binding = formulation["binding"]
    return [
        name
        for name, value in binding.items()
        if name != "objective" and any(math.isclose(n, stray, rel_tol=1e-9) for n in _numbers_in(value) for stray in strays)
    ]


def refillable_fields(schema: dict[str, Any], binding: dict[str, Any], listed: Collection[str] = ()) -> dict[str, str]:
    """The binding schema's fields that may yet hold a left-out clause, with their descriptions: optional fields the
    binding left empty, fields it answered "none" (the choice a template offers for a group the text may not have),
    and fields of stated numbers ({value, unit}, {values, unit}) it filled: with numbers other than the clause's
    (dev-power-01's SINR targets 6, 4, 5 written as the power limits where the text says 20 mW), and fields that offer
    one of the `listed` lists a left-out clause writes, however they were filled (dev30-assoc-02's backhaul typed as
    the RB budgets, where the clause's "40 Mbit/s for Alpha, ..." is a list it offers). A group answered
    "none" in every part ({"budget": "none", "need": "none"}) was declined too. A field's description ends with the
    units it takes: "no user can be given more than 8 MHz" is a per-user cap "(in MHz, ...)", not a minimum rate."""
    required = set(schema.get("required", []))

    def items(spec: Any) -> dict[str, Any]:  # the fields of each item of a list field (a slice's resources)
        listed = isinstance(spec, dict) and spec.get("type") == "array"
        return ((spec.get("items") or {}).get("properties") or {}) if listed else {}

    def holds_numbers(spec: Any) -> bool:  # a stated number, or a list of things each with some
        stated = isinstance(spec, dict) and bool({"value", "values"} & set(spec.get("properties") or {}))
        return stated or any(map(holds_numbers, items(spec).values()))

    def offers_listed(spec: Any) -> bool:  # a choice of the text's lists (or numbers) that has one the clause writes
        branches = spec.get("anyOf") if isinstance(spec, dict) else None
        return any(isinstance(b, dict) and bool(set(b.get("enum") or []) & set(listed)) for b in branches or [])

    def says(spec: Any) -> str:  # what the field is, in which units, with its items' fields ("overhead per slice: ...")
        own = str(spec.get("description", "")) if isinstance(spec, dict) else ""
        units = (((spec.get("properties") or {}).get("unit") or {}).get("enum") or []) if isinstance(spec, dict) else []
        own += f" (in {', '.join(map(str, units))})" if units else ""
        for branch in (spec.get("anyOf") or []) if isinstance(spec, dict) else []:  # the numbers' unit, "(e.g. GB)"
            hint = ((branch.get("properties") or {}).get("unit") or {}).get("description") if isinstance(branch, dict) else None
            own += f" ({hint})" if hint else ""
        return "; ".join(p for p in [own, *(f"{n.replace('_', ' ')}: {says(s)}" for n, s in items(spec).items())] if p)

    def declined(value: Any) -> bool:
        if isinstance(value, dict) and value:
            return all(declined(v) for v in value.values())
        return bool(value == "none")

    return {
        name: says(spec)
        for name, spec in (schema.get("properties") or {}).items()
        if (name not in required and binding.get(name) in (None, "", [], {}, "none"))
        or declined(binding.get(name))
        or holds_numbers(spec)
        or offers_listed(spec)
    }


def _fidelity(
    state: State, context: Context, formulation: Formulation, data: TextData, values: list[float], spent: Spent
) -> FidelityCheck:
    """Does the formulation answer the question asked and model every requirement clause of the text?"""
    generated = formulation["template_id"] == GENERATED
    if generated:
        measure = _generated_measure(formulation)
        constraints = _generated_constraints(formulation["binding"])
        used = [*values, *code_literals(formulation.get("code", ""))]
        keyed = None  # the elements' numbers are code's literals, not named parameters
        cells, quantities = [], []
    else:
        template, params = formulation_template(context, formulation)
        measure = template.objective(params)
        constraints = _named_constraints(context, formulation) if template.tool_for(params) == PYOMO_PORTFOLIO else []
        rows = [(item, _cell_row(item, data)) for item in state.get("spec", [])]
        cells = [(item["value"], row) for item, row in rows if row is not None]
        stated = [item for item, row in rows if row is None]
        quantities = [(item["value"], unit) for item in stated if (unit := item.get("unit"))]
        # A parameter equal to a number read with its unit is that number, however often the parameters repeat it
        # (a rate per user and again per link); one equal to a cell's number stands for that cell once.
        with_unit = {value for value, _ in quantities}
        bare = Counter(n for n in _numbers_in(formulation["params"]) if n not in with_unit)
        used = [item["value"] for item in stated if not item.get("unit")]
        used += (bare - Counter(value for value, _ in cells)).elements()
        keyed = _keyed_numbers(formulation["params"])
    mentioned = [json.dumps(formulation["binding"]), formulation.get("code", "")]
    requirements = prompts.load("verifier_requirements")

    def ask_llm(schema: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
        return ask(context, requirements, schema, spent, **values)

    text = problem_text(state, with_data=False)
    try:
        return check_fidelity(text, data, measure, used, mentioned, constraints, ask_llm, keyed, cells, quantities)
    except OutOfTime:
        raise
    except StructuredOutputError:  # the mapping is the LLM's; without it, code's verdicts stand
        return check_fidelity(text, data, measure, used, mentioned, constraints, None, keyed, cells, quantities)


def _generated_constraints(elements: dict[str, Any]) -> list[NamedConstraint]:
    """What each constraint the LLM wrote says: its expression, each variable followed by its meaning ("loaves
    (loaves baked) >= cakes (cakes baked)"). Not the `meaning` it came with: the steps give every constraint its
    whole sentence, which would say the same words as that sentence whatever the expression models."""
    meanings = {str(v.get("name")): str(v.get("meaning") or "") for v in elements.get("variables", []) if isinstance(v, dict)}

    def in_words(name: re.Match[str]) -> str:
        meaning = meanings.get(name.group())
        return f"{name.group()} ({meaning})" if meaning else name.group()

    return [
        NamedConstraint(str(c.get("name", "")), re.sub(r"[A-Za-z_]\w*", in_words, str(c.get("expression", ""))))
        for c in elements.get("constraints", [])
        if isinstance(c, dict)
    ]


def _cell_row(item: SpecEntry, data: TextData) -> str | None:
    """The row of the text's table whose cell the formulation read this value from (None for a value stated
    otherwise, and for a table made of a prose list: its numbers are a sentence's own)."""
    table, row = item.get("table"), item.get("row")
    if table is None or row is None or any(t.id == table and t.from_list for t in data.tables):
        return None
    return row


def _generated_measure(formulation: Formulation) -> Measure | None:
    objective = formulation["binding"].get("objective") or {}
    sense = {"minimize": "min", "maximize": "max"}.get(str(objective.get("sense", "")))
    if sense is None:
        return None
    return Measure(sense, str(objective.get("measures") or ""), None)  # type: ignore[arg-type]


def _named_constraints(context: Context, formulation: Formulation) -> list[NamedConstraint]:
    model = built_model(context, formulation, copy=False)
    return [
        NamedConstraint(component.local_name, (component.doc or component.local_name).replace("{i}", "each"))
        for component in model.component_objects(pyo.Constraint, active=True)
    ]


def _numbers_in(value: Any) -> list[float]:
    """Every number in the assembled parameters (converted values too: a unit the template stores differently)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, dict):
        return [n for inner in value.values() for n in _numbers_in(inner)]
    if isinstance(value, list):
        return [n for inner in value for n in _numbers_in(inner)]
    return []


def _keyed_numbers(value: Any) -> list[dict[str, float]]:
    """The assembled parameters' numbers by name: every mapping of names to numbers, at any depth (a matrix's rows
    and its columns too, and each number field of a list of named things: the links' capacities by link name)."""
    found: list[dict[str, float]] = []
    if isinstance(value, dict):
        numbers = {str(k): float(v) for k, v in value.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        if numbers:
            found.append(numbers)
        inner = [v for v in value.values() if isinstance(v, dict)]
        for key in {k for row in inner for k in row}:  # the columns of a matrix, each by its rows' names
            column = {
                str(k): row[key] for k, row in value.items() if isinstance(row, dict) and isinstance(row.get(key), (int, float))
            }
            if column:
                found.append({k: float(v) for k, v in column.items()})
        for item in value.values():
            found += _keyed_numbers(item)
    elif isinstance(value, list):
        named = [item for item in value if isinstance(item, dict) and isinstance(item.get("name"), str)]
        for key in {k for item in named for k, v in item.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}:
            found.append({item["name"]: float(item[key]) for item in named if isinstance(item.get(key), (int, float))})
        for item in value:
            found += _keyed_numbers(item)
    return found


def _unused_data(binding: dict[str, Any], data: TextData) -> list[str]:
    """Tables and lists of the text that the formulation does not use: the model may be missing part of the problem."""
    used = _used_sources(binding, data)
    unused = [f"table {t.id} ('{t.caption}')" for t in data.tables if t.id not in used]
    unused += [f"list {n.id} ('{n.label}')" for n in data.lists if n.id not in used]
    return [f"the formulation does not use {item} of the text; check the model covers it" for item in unused]


def _copied_from_data(spec: list[SpecEntry], binding: dict[str, Any], data: TextData) -> list[str]:
    """Numbers the model typed into a field that the text gives only as items of tables or lists the formulation
    reads as data: 650 Mbit/s, R4-H's capacity, copied as a demand's rate (dev30-nf-01 was verified at 650 for 1700).
    A number also held by a list the formulation does not read may be copied from it (noise powers typed from
    "Receiver noise powers: Rx1 0.1 mW, ..." that are also gains in the table)."""
    used = _used_sources(binding, data)
    errors = []
    for item in spec:
        if "copied by the model" not in item["source"]:
            continue
        held = data.only_as_items(item["value"])
        if held and all(source in used for source in held):  # else it may be copied from data the model does not read
            where = "; ".join(f"{' and '.join(names)} in {source}" for source, names in held.items())
            errors.append(
                f"{item['name']} = {item['value']:g} is not stated as such: the text gives {item['value']:g} only as "
                f"{where}, which the model reads as data"
            )
    return errors


def _one_source_two_quantities(binding: dict[str, Any], data: TextData) -> list[str]:
    """A column or list of the text read by two fields of the binding: one column holds one quantity. dev30-mec-01 on
    the 1.5B at a656fbe was verified at 1199 mJ for 2616: the transmit powers read as the local computing powers too,
    kappa = 10^-27 left out."""
    sources = {n.id for n in data.lists} | {f"{t.id}: {c}" for t in data.tables for c in t.columns}
    readers: dict[str, list[str]] = {}
    for field, value in binding.items():
        for source in dict.fromkeys(s for s in _strings_in(value) if s in sources):
            readers.setdefault(source, []).append(field)
    return [
        f"{source} is read as {' and as '.join(f.replace('_', ' ') for f in fields)}: a column (or list) of the text holds"
        " one quantity; choose the one each field states"
        for source, fields in readers.items()
        if len(fields) > 1
    ]


def _used_sources(binding: dict[str, Any], data: TextData) -> set[str]:
    """The ids of the tables and lists the binding takes (a list and the tables made of it count as one)."""
    strings = list(_strings_in(binding))
    # "T1: peak rate in * (Mbit/s)" uses table T1's columns
    used = {*strings, *(value.split(":", 1)[0].strip() for value in strings)}
    ids = [*(t.id for t in data.tables), *(n.id for n in data.lists)]
    return used | {same for source in ids if source in used for same in data.same_data(source)}


def _strings_in(value: Any) -> Iterator[str]:
    """Every string of a binding's value, at any depth (a source's id, a choice)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings_in(inner)


def _generated_errors(formulation: Formulation, text: str) -> list[str]:
    """The LLM chose the objective's sense and the domains: check them against the words of the text."""
    summary = formulation["summary"]
    elements = formulation["binding"]
    whole = integrality_conflict(text, summary, elements.get("variables", []))
    errors = [e for e in (sense_conflict(text, str(summary.get("sense", ""))), whole) if e]
    if not summary.get("variables") or not summary.get("constraints"):
        errors.append(
            f"the model is empty ({summary.get('variables', 0)} variables, {summary.get('constraints', 0)} constraints)"
        )
    return errors + elements_against_text(elements, text)


def _build_errors(formulation: Formulation, context: Context) -> list[str]:
    """Does the algebraic model build, and is its size sane? (A tool's formulation is just its validated input.)"""
    template, params = formulation_template(context, formulation)
    if template.tool_for(params) != PYOMO_PORTFOLIO:
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
        errors += _all_zero(formulation, result, problem_text(state, with_data=False))
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


def _all_zero(formulation: Formulation, result: Result, text: str) -> list[str]:
    """A generated minimization whose optimum does nothing at all (every variable 0) almost always lacks a
    requirement to meet ('at least ...'): ask for it by name instead of reporting 0 as the answer. A maximization
    whose optimum does nothing has a constraint that allows nothing: those that can hold every variable at 0 are
    named (a word problem asks how much to make, and never has "nothing" for its best plan)."""
    objective = formulation["binding"].get("objective") or {}
    values = [float(v) for v in result["solution"].values() if isinstance(v, (int, float))]
    if not values or any(abs(v) > 1e-9 for v in values):
        return []
    if objective.get("sense") == "maximize" and (holding := holding_at_zero(formulation["binding"])):
        return [
            "every variable is 0 at the optimum of this maximization: the model allows nothing, and a constraint bounds"
            f" what its sentence does not; check: {'; '.join(holding[:3])}"
        ]
    if objective.get("sense") != "minimize":
        return []
    wants = [c.text for c in requirement_clauses(text) if _LOWER_BOUND.search(c.text)]
    if not wants:  # nothing in the text asks for more than nothing: 0 may well be the answer
        return []
    named = "; ".join(f"\u201c{w}\u201d" for w in wants[:3])
    return [
        "every variable is 0 at the optimum of this minimization, so a requirement to meet is missing or points the wrong"
        f" way (a lower bound written as an upper bound); check: {named}"
    ]


_LOWER_BOUND = re.compile(
    r"\b(?:at least|minimum|no less than|no fewer than|needs?|needing|must|requir\w*|demand\w*)\b", re.IGNORECASE
)


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
