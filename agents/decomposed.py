"""Free-form modeling in small steps, for small models: variables, then one request per sentence, then the objective.

A 0.5B or 1.5B model asked for a whole formulation at once drops requirements, invents names and writes
objectives as computed numbers (the NL4OPT failures of the second round). Asked for one thing at a time, with
solved examples of exactly that thing, it does much better:

1. the decision variables (name, meaning, domain), with the variables of similar solved problems as examples;
2. for each sentence of the text that states a number or a requirement, the constraints that sentence states
   (often none: a sentence may only give data another sentence uses), with solved clause → constraint pairs of
   similar problems as examples;
3. the objective's expression, its sense and what it measures taken from the question by code
   (tools/question.py), not from the model.

Code assembles the five elements (scalar variables, no sets), which agents/elements_code.py turns into a model
that runs only in the sandbox. Every constraint keeps the sentence it came from, so the Verifier's coverage
check and a repair can name it.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from agents.formulation_checks import literals_allowed
from knowledge_base.bank import BankItem
from tools.question import AskedQuantity, asked_quantity, clause_numbers, sentences

DOMAINS = ["nonnegative real", "nonnegative integer", "binary", "real", "integer"]
MAX_VARIABLES = 10
MAX_PER_SENTENCE = 4
VARIABLES_SCHEMA: dict[str, Any] = {
    "title": "decision_variables",
    "type": "object",
    "properties": {
        "variables": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_VARIABLES,
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "a short Python identifier"},
                    "meaning": {"type": "string"},
                    "domain": {"enum": DOMAINS},
                },
                "required": ["name", "meaning", "domain"],
            },
        }
    },
    "required": ["variables"],
}
SENTENCE_SCHEMA: dict[str, Any] = {
    "title": "constraints_of_a_sentence",
    "type": "object",
    "properties": {
        "constraints": {
            "type": "array",
            "maxItems": MAX_PER_SENTENCE,
            "items": {"type": "string", "description": "one inequality or equation over the variable names and numbers"},
        }
    },
    "required": ["constraints"],
}
OBJECTIVE_SCHEMA: dict[str, Any] = {
    "title": "objective_expression",
    "type": "object",
    "properties": {"expression": {"type": "string", "description": "an expression over the variable names and numbers"}},
    "required": ["expression"],
}
SENSE_WORDS = {"min": "minimize", "max": "maximize"}
FUNCTION_NAMES = ("sum", "ln", "log2", "log10", "log", "exp", "sqrt")
"""The calls agents/elements_code.py reads (longest first where one name begins another)."""


def expression_pattern(variables: Sequence[str], numbers: Iterable[float], compare: bool) -> str:
    """A regular expression for an expression over `variables` and `numbers` alone: names and numbers (an atom, at
    least one) joined by operators and commas, with parentheses and the calls of FUNCTION_NAMES; with `compare`, two
    such expressions and one comparison (<=, >=, ==, =, <, >) between them.

    Given as the JSON schema's `pattern`, llama.cpp's grammar (and vLLM's guided decoding) lets a small model write
    nothing else: the 0.5B model wrote NL4OPT constraints over names it never declared ("5 * standard + 3 * express"
    with variables carriers and owls) and numbers the text does not state (1200), each rejected and often repeated.
    Two atoms always have an operator between them, so "x" then "1" cannot make a name x1, nor "1" then "200" 1200,
    nor "boat (boat)" a call of boat."""
    # Written for both Python's re (jsonschema checks the answer) and llama.cpp's GBNF, which knows fewer escapes:
    # a dot as [.], a minus last in a class, names that are identifiers (decomposed._unique_variables).
    names = sorted({v for v in variables if re.fullmatch(r"\w+", v)}, key=len, reverse=True)
    figures = sorted({_written(n).replace(".", "[.]") for n in numbers if math.isfinite(n)}, key=len, reverse=True)
    atom = "(" + "|".join([*names, *figures]) + ")"
    calls = "|".join(f"{f}\\(" for f in FUNCTION_NAMES)
    opening = f"([ (-]|{calls})*"  # what may come before an atom: "(", "-", "ln("
    glue = f"[ )]*([+*/^,-] *)+{opening}"  # between two atoms: closing parentheses, operators, an opening
    side = f"{opening}{atom}({glue}{atom})*[ )]*"
    bound = " *(<=|>=|==|=|<|>) *"
    return f"^{side}{bound}{side}({bound}{side})?$" if compare else f"^{side}$"  # a chained bound 2 <= x <= 7 too


def _written(number: float) -> str:
    """A number as a person writes it: 1200, 0.6, 1.5e-27."""
    if number == int(number) and abs(number) < 1e15:
        return str(int(abs(number)))
    plain = f"{abs(number):.12f}".rstrip("0").rstrip(".")
    return plain if abs(number) >= 1e-6 else f"{abs(number):.6g}"


@dataclass(frozen=True)
class Example:
    """A solved problem shown as a few-shot example: its text, its variables, and each sentence with its constraints."""

    text: str
    variable_lines: list[str]
    clause_lines: list[str]


def example_of(item: BankItem) -> Example:
    """A solved problem of the bank (knowledge_base/bank.py) as the steps show it."""
    by_clause: dict[str, list[str]] = {}
    for constraint in item.constraints:
        by_clause.setdefault(constraint.clause, []).append(constraint.expression)
    lines = [f'"{clause}" -> {json.dumps(expressions)}' for clause, expressions in by_clause.items()]
    lines += [f'"{n.clause}" -> [] ({n.reason})' for n in item.not_requirements]
    return Example(
        text=item.text,
        variable_lines=[f"- {v.name}: {v.meaning} ({v.domain})" for v in item.variables],
        clause_lines=lines,
    )


Ask = Callable[[str, dict[str, Any], dict[str, str]], dict[str, Any]]
"""ask(prompt name, schema, values) → the schema-valid answer (the caller holds the gate and counts the tokens)."""


@dataclass
class Steps:
    """What the steps produced: the five elements, and for each constraint the sentence it came from."""

    elements: dict[str, Any] = field(default_factory=dict)
    sentences: list[str] = field(default_factory=list)
    """Every sentence asked about, in order (those that gave no constraint too)."""
    asked: AskedQuantity | None = None


def extract(text: str, ask: Ask, examples: Sequence[Example] = (), feedback: str = "") -> Steps:
    """The formulation's elements, asked for one small piece at a time."""
    variable_examples = "\n\n".join(f"Problem: {e.text}\nVariables:\n" + "\n".join(e.variable_lines) for e in examples)
    clause_examples = "\n".join(line for e in examples for line in e.clause_lines)
    revise = f"\n\nAn earlier formulation was rejected: {feedback}" if feedback else ""

    found = ask(
        "modeler_steps_variables",
        VARIABLES_SCHEMA,
        {"problem": text, "examples": variable_examples or "(none)", "revise": revise},
    )
    variables = _unique_variables(found.get("variables", []))
    listing = "\n".join(f"- {v['name']}: {v['meaning']} ({v['domain']})" for v in variables)
    steps = Steps(asked=asked_quantity(text))
    names, numbers = [v["name"] for v in variables], literals_allowed(text)
    sentence_schema = _with_pattern(SENTENCE_SCHEMA, "constraints", expression_pattern(names, numbers, compare=True))
    objective_schema = _with_pattern(OBJECTIVE_SCHEMA, "expression", expression_pattern(names, numbers, compare=False))

    constraints: list[dict[str, str]] = []
    for sentence in constraint_sentences(text, steps.asked):
        steps.sentences.append(sentence)
        answer = ask(
            "modeler_steps_constraint",
            sentence_schema,
            {
                "problem": text,
                "variables": listing,
                "sentence": sentence,
                "examples": clause_examples or "(none)",
                "revise": revise,
            },
        )
        for expression in answer.get("constraints", [])[:MAX_PER_SENTENCE]:
            if str(expression).strip():
                constraints.append(
                    {"name": f"s{len(steps.sentences)}", "expression": str(expression).strip(), "meaning": sentence}
                )

    asked = steps.asked
    sense = SENSE_WORDS.get(asked.sense or "", "") if asked else ""
    goal = asked.phrase if asked else "the quantity the question asks for"
    objective = ask(
        "modeler_steps_objective",
        objective_schema,
        {"problem": text, "variables": listing, "sense": sense or "optimize", "goal": goal, "revise": revise},
    )
    steps.elements = {
        "sets": [],
        "parameters": [],
        "variables": variables,
        "objective": {"sense": sense or _sense_from_words(text), "expression": str(objective.get("expression", ""))},
        "constraints": constraints,
    }
    return steps


def _with_pattern(schema: dict[str, Any], field_name: str, pattern: str) -> dict[str, Any]:
    """`schema` with its string field (or the strings of its array field) held to `pattern`."""
    field = copy.deepcopy(schema["properties"][field_name])
    (field["items"] if field.get("type") == "array" else field)["pattern"] = pattern
    return {**schema, "properties": {**schema["properties"], field_name: field}}


def constraint_sentences(text: str, asked: AskedQuantity | None) -> list[str]:
    """The sentences that may state a constraint: those with a number or a word of requirement, not the question."""
    question = asked.sentence if asked else ""
    chosen: list[str] = []
    for sentence in sentences(text):
        if question and sentence.strip() == question.strip() and not clause_numbers(sentence):
            continue
        if clause_numbers(sentence) or _REQUIREMENT.search(sentence):
            chosen.append(sentence)
    return chosen


_REQUIREMENT = re.compile(
    r"\b(?:must|at most|at least|exactly|cannot|can not|no more than|no less than|exceed|only|limit\w*|available|"
    r"budget|capacity|require\w*|need\w*|should|twice|half|more than|less than|fewer than|ratio|percent|"
    r"as many|equal\w*)\b|%",
    re.IGNORECASE,
)


def _unique_variables(raw: list[Any]) -> list[dict[str, str]]:
    seen: set[str] = set()
    variables: list[dict[str, str]] = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        name = re.sub(r"\W+", "_", str(item.get("name", "")).strip()).strip("_")
        if not name or name.lower() in seen:
            continue
        seen.add(name.lower())
        domain = str(item.get("domain", "nonnegative real"))
        variables.append(
            {"name": name, "meaning": str(item.get("meaning", "")), "domain": domain if domain in DOMAINS else "nonnegative real"}
        )
    return variables


def _sense_from_words(text: str) -> str:
    """When code found no asked quantity: the sense the text's words lean to (minimize when it says so)."""
    return (
        "minimize" if re.search(r"\bminimi[sz]|\bleast\b|\bfewest\b|\bcheapest\b|\blowest\b", text, re.IGNORECASE) else "maximize"
    )
