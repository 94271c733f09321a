"""Free-form modeling, for problems no template fits: the LLM writes the five elements, then the code is written.

Step one asks for the formulation's elements (sets, parameters with their values, variables with their
domains, objective with its sense, constraints) as structured output; the parameters become the `data`
the code receives. Step two gets `build_model(data)`: written from the elements by agents/elements_code.py
when they are plain algebra (scalar variables, expressions over names and numbers), else asked of the LLM.
Either way the code is run only in the sandbox (tools/solvers/sandbox), first just to build the model, and
what is wrong goes back to the LLM a bounded number of times: an unreadable expression on its own, the
sandbox's one-line error (the line, the exception) with the code or the elements it came from.
Retrieved templates serve as worked examples: their mathematics goes into the prompt.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import prompts
from agents.backbone import Spent, StructuredOutputError, ask
from agents.context import Context
from agents.decomposed import Example, extract
from agents.elements_code import ElementsError, code_from_elements, plain_algebra
from prompts import Prompt
from tools.solvers.sandbox.runner import run_generated_model
from tools.textdata import NUMBER

GENERATED = "generated"
"""The template id of a formulation the LLM wrote itself."""
SANDBOX = "sandbox"
"""The tool name on a generated formulation's results: its code ran in the sandbox, with the solver portfolio."""
BUILD_CHECK_TIME_S = 20.0

ELEMENTS_SCHEMA: dict[str, Any] = {
    "title": "formulation_elements",
    "type": "object",
    "properties": {
        "sets": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "members": {"type": "array", "items": {"type": "string"}}},
                "required": ["name", "members"],
            },
        },
        "parameters": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "a Python identifier, one per number (profit_wheat, profit_corn)"},
                    "value": {"type": "number"},
                    "unit": {"type": "string"},
                    "meaning": {"type": "string"},
                },
                "required": ["name", "value", "meaning"],
            },
        },
        "variables": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "indexed_by": {"type": "array", "items": {"type": "string"}},
                    "domain": {"enum": ["nonnegative real", "real", "nonnegative integer", "integer", "binary"]},
                    "meaning": {"type": "string"},
                },
                "required": ["name", "domain", "meaning"],
            },
        },
        "objective": {
            "type": "object",
            "properties": {"sense": {"enum": ["minimize", "maximize"]}, "expression": {"type": "string"}},
            "required": ["sense", "expression"],
        },
        "constraints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "expression": {"type": "string"}, "meaning": {"type": "string"}},
                "required": ["name", "expression"],
            },
        },
    },
    "required": ["sets", "parameters", "variables", "objective", "constraints"],
}
EXPRESSION_SCHEMA: dict[str, Any] = {
    "title": "expression",
    "type": "object",
    "properties": {"expression": {"type": "string"}},
    "required": ["expression"],
}
MAX_EXPRESSIONS_MENDED = 6
"""More unreadable expressions than this and the elements as a whole are asked for again."""
CODE_SCHEMA: dict[str, Any] = {
    "title": "pyomo_code",
    "type": "object",
    "properties": {"code": {"type": "string", "description": "Python source defining build_model(data)"}},
    "required": ["code"],
}


_OBJECTIVE_WORDS = re.compile(
    r"\b(maxim\w*|minim\w*|optim\w*|best|most|least|lowest|highest|cheapest|fastest|smallest|largest|"
    r"how (many|much)|allocat\w*|assign\w*|schedul\w*|plac\w*)\b",
    re.IGNORECASE,
)


def states_a_problem(text: str) -> bool:
    """Worth asking the LLM for a model: the text has at least one number and says what to optimise or decide."""
    return bool(NUMBER.search(text)) and bool(_OBJECTIVE_WORDS.search(text))


@dataclass
class GeneratedModel:
    """What the free-form Modeler produced; `error` is set when no building model came out of it."""

    elements: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    code: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    spent: Spent = field(default_factory=Spent)
    """Tokens and the prompts used, over every request."""
    attempts: list[str] = field(default_factory=list)
    """One line per build attempt in the sandbox: 'builds' or the error fed back."""
    error: str = ""


def write_model(
    problem_text: str,
    worked_examples: list[str],
    context: Context,
    *,
    feedback: str = "",
    previous: dict[str, Any] | None = None,
    deadline: float | None = None,
) -> GeneratedModel:
    """Elements, then code, then build-and-repair in the sandbox. `previous` is the last generated
    formulation (elements and code), revised in the light of `feedback` (a Verifier error or a diagnosis). No LLM
    request starts after `deadline` (the run's budget, a time.time())."""
    out = GeneratedModel(spent=Spent(deadline=deadline))
    asking = _Asking(context, problem_text, "\n\n".join(worked_examples) or "(none retrieved)")
    revise = ""
    if feedback and previous is not None:
        revise = _paragraph(out, "modeler_freeform_revise_elements", json.dumps(previous.get("elements", {})), feedback)
    if not _ask_elements(out, asking, revise):
        return out
    if context.code_from_elements and plain_algebra(out.elements):
        return _code_from_elements(out, asking)
    out.data = {str(p["name"]): p["value"] for p in out.elements.get("parameters", []) if "name" in p}

    request = prompts.load("modeler_freeform_code")
    values = {
        "problem": problem_text,
        "elements": json.dumps(out.elements, indent=1),
        "data_keys": ", ".join(sorted(out.data)) or "(none)",
        "revise": "",
    }
    if revise and previous:
        values["revise"] = _paragraph(out, "modeler_freeform_revise_code", previous.get("code", ""), feedback)
    for attempt in range(context.code_repairs + 1):
        answer = asking.call(out, request, CODE_SCHEMA, **values)
        if answer is None:
            return out
        out.code = tidy_code(str(answer.get("code", "")))
        built = run_generated_model(
            out.code, out.data, solve=False, time_limit_s=BUILD_CHECK_TIME_S, memory_mb=context.sandbox_memory_mb
        )
        if built.ok:
            out.summary = built.summary
            out.attempts.append("builds")
            out.error = ""
            return out
        out.error = f"the generated code does not build: {built.error}"
        out.attempts.append(built.error)
        if attempt == context.code_repairs:
            break
        request = prompts.load("modeler_freeform_repair")
        values = {"code": out.code, "error": built.error, "data_keys": ", ".join(sorted(out.data)) or "(none)"}
    return out


def write_model_in_steps(
    problem_text: str,
    context: Context,
    *,
    feedback: str = "",
    examples: Sequence[Example] = (),
    deadline: float | None = None,
    previous: dict[str, Any] | None = None,
) -> GeneratedModel:
    """The elements asked for in small steps (agents/decomposed.py), then code written from them and built in the
    sandbox, with the same repairs as the whole path. `feedback` (why the last formulation was rejected) goes
    into every request; with the `previous` elements it rejected, only the steps it names are asked again. No LLM
    request starts after `deadline`."""
    out = GeneratedModel(spent=Spent(deadline=deadline))
    asking = _Asking(context, problem_text, "(none)")
    hotter = replace(context, llm_temperature=context.sample_temperature, llm_seed=context.llm_seed + 1)

    def step(name: str, schema: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
        return ask(context, prompts.load(name), schema, out.spent, **values)

    def redraw(name: str, schema: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
        return ask(hotter, prompts.load(name), schema, out.spent, **values)

    try:
        steps = extract(problem_text, step, examples, feedback, previous=previous, redraw=redraw)
    except StructuredOutputError as exc:
        out.error = f"the LLM gave no usable answer to a step: {exc}"
        return out
    out.elements = {**steps.elements, "written_in_steps": True}
    out.attempts += [steps.revised] if steps.revised else []
    out.attempts += [f"left out, {c}" for c in steps.left_out]
    out.attempts += [f"turned to the text's words: {t}" for t in steps.turned]
    out.attempts += [f"written by code from the text: {t}" for t in steps.by_code]
    if steps.relaxed:
        out.attempts.append(f"made continuous (amounts the text does not count in whole units): {', '.join(steps.relaxed)}")
    if not out.elements["variables"]:
        out.error = "the LLM named no decision variable"
        return out
    return _code_from_elements(out, asking)


def _paragraph(out: GeneratedModel, name: str, previous: str, reason: str) -> str:
    """A paragraph of prompts/ appended to a request: what the LLM answered before and why it did not do."""
    return "\n\n" + out.spent.use(prompts.load(name)).user.format(previous=previous, reason=reason)


def _code_from_elements(out: GeneratedModel, asking: _Asking) -> GeneratedModel:
    """Scalar elements: the code is written from them (agents/elements_code.py) and built in the sandbox.

    An expression that does not read is asked for again on its own, with what is wrong with it (a small model
    repeats a whole answer it is shown, but mends one line); code that does not build sends the whole elements
    back with the sandbox's error. Both count against `code_repairs`."""
    context = asking.context
    for attempt in range(context.code_repairs + 1):
        problem, unreadable = _build(out, context)
        if not problem:
            return out
        if attempt == context.code_repairs:
            return _without_unreadable_steps(out, unreadable, context)
        if unreadable and len(unreadable) <= MAX_EXPRESSIONS_MENDED:
            if not _mend_expressions(out, unreadable, asking):
                return out
            continue
        revise = _paragraph(out, "modeler_freeform_unusable_elements", json.dumps(out.elements), problem)
        if not _ask_elements(out, asking, revise):
            return out
        if not plain_algebra(out.elements):
            out.error = "the corrected elements index their variables by sets; the code must be written by the LLM"
            out.attempts.append(out.error)
            break
    return out


def _build(out: GeneratedModel, context: Context) -> tuple[str, dict[str | int, str]]:
    """Code written from the elements and built in the sandbox: what is wrong ('' when it builds), and the
    expressions that did not read."""
    unreadable: dict[str | int, str] = {}
    try:
        out.code, out.data = code_from_elements(out.elements)
        built = run_generated_model(
            out.code, out.data, solve=False, time_limit_s=BUILD_CHECK_TIME_S, memory_mb=context.sandbox_memory_mb
        )
        problem = "" if built.ok else f"the code written from them does not build: {built.error}"
    except ElementsError as exc:
        out.code, problem, unreadable = "", str(exc), exc.expressions
    if not problem:
        out.summary, out.error = built.summary, ""
        out.attempts.append("builds (code written from the elements)")
        return "", {}
    out.error = f"the elements are not a usable model: {problem}"
    out.attempts.append(problem)
    return problem, unreadable


def _without_unreadable_steps(out: GeneratedModel, unreadable: dict[str | int, str], context: Context) -> GeneratedModel:
    """Elements written in steps whose only unreadable expressions, mended and still unreadable, are constraints:
    those constraints are left out and the rest is built. Each was written for one sentence on its own, often one
    that only gives data ("pigeons * 2 <= treats / 3" for "a carrier pigeon can carry two letters at a time and
    requires 3 treats", nl4opt-010 on the 1.5B, three rounds alike until the cap); what the rest leaves out of
    the text is the Verifier's to find (its numbers unused, its clause uncovered), and it says which."""
    if not out.elements.get("written_in_steps") or not unreadable or "objective" in unreadable:
        return out
    constraints = out.elements.get("constraints", [])
    left_out = [constraints[int(i)] for i in unreadable if 0 <= int(i) < len(constraints)]
    kept = [c for c in constraints if all(c is not d for d in left_out)]
    if not kept:
        return out
    out.elements["constraints"] = kept
    out.attempts.append("left out, unreadable: " + "; ".join(str(c.get("expression", "")) for c in left_out))
    _build(out, context)
    return out


def _mend_expressions(out: GeneratedModel, unreadable: dict[str | int, str], asking: _Asking) -> bool:
    """Ask for each unreadable expression again, on its own, and put the answers into the elements.
    False, with `out.error` set, when the LLM gave no answer."""
    prompt = prompts.load("modeler_freeform_expression")
    variables = ", ".join(f"{v.get('name')} ({v.get('meaning', '')})" for v in out.elements.get("variables", []))
    for where, problem_found in unreadable.items():
        element = out.elements["objective"] if where == "objective" else out.elements["constraints"][int(where)]
        what = "objective" if where == "objective" else f"constraint {element.get('name') or element.get('meaning') or ''}"
        answer = asking.call(
            out,
            prompt,
            EXPRESSION_SCHEMA,
            problem=asking.problem_text,
            variables=variables,
            what=what.strip(),
            written=str(element.get("expression", "")),
            problem_found=problem_found,
        )
        if answer is None:
            return False
        element["expression"] = str(answer["expression"])
    return True


def _ask_elements(out: GeneratedModel, asking: _Asking, revise: str) -> bool:
    """Ask for the five elements (again, when `revise` says what was wrong). False, with `out.error` set,
    when the LLM gave none."""
    prompt = prompts.load("modeler_freeform_elements")
    answer = asking.call(out, prompt, ELEMENTS_SCHEMA, problem=asking.problem_text, examples=asking.examples, revise=revise)
    if answer is None:
        return False
    out.elements = answer
    return True


@dataclass
class _Asking:
    """What every request of the free-form Modeler to the LLM needs."""

    context: Context
    problem_text: str
    examples: str

    def call(self, out: GeneratedModel, prompt: Prompt, schema: dict[str, Any], **values: str) -> dict[str, Any] | None:
        """The structured answer (through backbone.ask, into `out.spent`); None, with `out.error` set, when none came."""
        try:
            return ask(self.context, prompt, schema, out.spent, **values)
        except StructuredOutputError as exc:
            out.error = f"the LLM gave no usable {schema['title'].replace('_', ' ')}: {exc}"
            return None


def tidy_code(code: str) -> str:
    """The code without what small models wrap around it: markdown fences, and prose or example usage after it.

    Kept are the definitions of the longest run of lines from the top that parses and defines build_model; when
    none does, the code is returned as it came, so the sandbox's syntax error (with its line) goes back to the model.
    """
    lines = [line for line in code.strip().splitlines() if not line.lstrip().startswith("```")]
    for end in range(len(lines), 0, -1):
        candidate = "\n".join(lines[:end])
        if "def build_model" not in candidate:
            break
        try:
            tree = ast.parse(candidate)
        except SyntaxError:
            continue
        return "\n\n".join(ast.get_source_segment(candidate, node) or "" for node in tree.body if _definition(node)) + "\n"
    return code


def _definition(node: ast.stmt) -> bool:
    """Imports, functions, classes and constant assignments; not example usage (`model = build_model(data)`, print)."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
        return True
    return isinstance(node, ast.Assign) and not any(isinstance(inner, ast.Call) for inner in ast.walk(node.value))


def describe_example(title: str, math: str) -> str:
    """A retrieved template as a worked example for the prompt: its title and mathematics."""
    return f"{title}:\n{math.strip()}"
