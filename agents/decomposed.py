"""Free-form modeling in small steps, for small models: variables, then one request per sentence, then the objective.

A 0.5B or 1.5B model asked for a whole formulation at once drops requirements, invents names and writes
objectives as computed numbers (the NL4OPT failures of the second round). Asked for one thing at a time, with
solved examples of exactly that thing, it does much better:

1. the decision variables (name, meaning, domain), with the variables of similar solved problems as examples;
2. for each sentence of the text that states a number or a requirement, the constraints that sentence states
   (often none: a sentence may only give data another sentence uses), with solved clause → constraint pairs of
   similar problems as examples; each distinct constraint is kept once, and those written for a sentence that
   use none of its numbers are left out (a requirement is written with its own numbers; what that leaves
   uncovered the Verifier names, a cheaper repair than a whole round spent on the off-sentence constraint);
3. the objective's expression, its sense and what it measures taken from the question by code
   (tools/question.py), not from the model.

Code assembles the five elements (scalar variables, no sets), which agents/elements_code.py turns into a model
that runs only in the sandbox. Every constraint keeps the sentence it came from, so the Verifier's coverage
check and a repair can name it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from agents.formulation_checks import (
    REQUIREMENT,
    any_equal,
    beside_code_readings,
    bounds_read_off_their_sentence,
    comparisons_off_their_sentence,
    contents_as_bounds,
    continuous_amounts,
    count_objective,
    counts_weighed_by_their_column,
    derived_bounds,
    expression_literals,
    measure_words,
    misattributed_beside_a_reading,
    misread_bounds,
    mixed_measures,
    more_than_inverted,
    multiples_inverted,
    numbers_by_measure,
    objective_of_the_column,
    objective_of_the_money_column,
    objective_restated,
    one_count_asked,
    partial_readings,
    percents_as_shares,
    profits_beside_costs,
    readings_the_other_way,
    share_words_inverted,
    shares_against_their_words,
    short,
    strays_beside_their_sentence,
    times_as_many_as_equal,
    totals_unwritten,
    turned_to_their_words,
    writes_numbers_of,
    written_as_a_share,
    written_for_contents,
    written_from_columns,
    written_off_their_sentence,
)
from knowledge_base.bank import BankItem
from tools.question import AskedQuantity, asked_quantity, clause_numbers, counted_in, counted_numbers, plural, sentences
from tools.textdata import plain_numbers

DOMAINS = ["nonnegative real", "nonnegative integer", "binary", "real", "integer"]
MAX_VARIABLES = 10
MAX_PER_SENTENCE = 4
_TERMS = r'[^<>=;"\\\n]+'
"""An expression without a comparison, as a JSON-schema pattern (a grammar for llama.cpp, a guide for vLLM): one
expression per string, so a small model cannot write a sentence's constraints into the objective, nor several
constraints into one string joined by ';' (the 1.5B model did both on nl4opt-000)."""
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
            "items": {
                "type": "string",
                "description": "one inequality or equation over the variable names and numbers",
                "pattern": f"^{_TERMS}(<=|>=|==){_TERMS}$",
            },
        }
    },
    "required": ["constraints"],
}
OBJECTIVE_SCHEMA: dict[str, Any] = {
    "title": "objective_expression",
    "type": "object",
    "properties": {
        "expression": {
            "type": "string",
            "description": "an expression over the variable names and numbers",
            "pattern": f"^{_TERMS}$",
        }
    },
    "required": ["expression"],
}
SENSE_WORDS = {"min": "minimize", "max": "maximize"}


@dataclass(frozen=True)
class Example:
    """A solved problem shown as a few-shot example: its text, its variables, and each sentence with its constraints."""

    text: str
    variable_lines: list[str]
    clause_lines: list[str]
    objective_line: str = ""
    """The words of the question and the objective written for them: '"maximize the profit" -> 4 * x + 7 * y'."""


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
        objective_line=f'"{item.objective.clause}" -> {item.objective.expression}',
    )


Ask = Callable[[str, dict[str, Any], dict[str, str]], dict[str, Any]]
"""ask(prompt name, schema, values) → the schema-valid answer (the caller holds the gate and counts the tokens)."""


@dataclass
class Steps:
    """What the steps produced: the five elements, and for each constraint the sentence it came from."""

    elements: dict[str, Any] = field(default_factory=dict)
    sentences: list[str] = field(default_factory=list)
    """Every sentence asked about, in order (those that gave no constraint too)."""
    left_out: list[str] = field(default_factory=list)
    """The constraints left out, each with why: written for a sentence whose numbers it does not use ("off its
    sentence: expression (for: sentence)"), or reading a number the text counts in bricks as a count of something
    else beside a constraint that reads it in bricks (formulation_checks.misread_bounds)."""
    asked: AskedQuantity | None = None
    turned: list[str] = field(default_factory=list)
    """The constraints code turned to bound a number the way their sentence's words do ('at least 1000': >=)."""
    relaxed: list[str] = field(default_factory=list)
    """The variables written as integers that code made continuous (formulation_checks.continuous_amounts)."""
    by_code: list[str] = field(default_factory=list)
    """The constraints code wrote instead of asking: from the text's table (formulation_checks.written_from_columns)
    or a share of all the variables (formulation_checks.written_as_a_share)."""
    revised: str = ""
    """Where a rejection named pieces of an earlier formulation: which were asked again and which kept ('' when
    every step was asked)."""


@dataclass(frozen=True)
class Redo:
    """The pieces of an earlier formulation written in steps that a rejection names: those are asked again."""

    sentences: frozenset[str]
    objective: bool


def steps_to_redo(previous: dict[str, Any], feedback: str, text: str) -> Redo | None:
    """What the rejection `feedback` names of the `previous` elements written in steps: the sentences whose
    constraints it quotes (their sentence or their expression), holds a number the text does not state, or whose
    number no constraint uses; the objective where it names the objective or a number only the objective writes.
    None (ask every step again) where it names none of them, or the variables or the whole model. nl4opt runs of
    the 1.5B model went out of time asking all eight steps again for one constraint, and a step asked again with the
    others rewrote pieces that were right."""
    if not feedback or not previous.get("written_in_steps") or _WHOLE.search(feedback):
        return None
    said = re.sub(r"\s+", "", feedback)
    strays = [float(n) for n in _STRAY.findall(feedback)]
    missed = [float(n) for listing in _MISSED.findall(feedback) for n in re.findall(r"-?\d+(?:\.\d+)?", listing)]
    constraints = [c for c in previous.get("constraints", []) if isinstance(c, dict)]
    # the sentences counting what a missed number counts: nl4opt-010's "requires 3 treats" only gives data, the
    # requirement that needs it is "only has 1000 treats available" (asked again alone, the 1.5B wrote [] for it)
    nouns = {word for value, word in counted_numbers(text) if any_equal([value], missed)} - _GENERIC_COUNTS
    chosen: set[str] = set()
    for sentence in constraint_sentences(text, asked_quantity(text)):
        own = [c for c in constraints if c.get("meaning") == sentence]
        mine = [str(c.get("expression", "")) for c in own]
        literals = [v for e in mine for v in expression_literals(e)]
        if (
            short(sentence, 120).rstrip("…")[:60] in feedback
            or any(re.sub(r"\s+", "", e) in said for e in mine)
            or any(f"'{c.get('name')}'" in feedback for c in own)  # a conflict the solver names ('s2' cannot hold)
            or any_equal(literals, strays)
            or any_equal(clause_numbers(plain_numbers(sentence)), missed)
            or nouns & counted_in(sentence)
        ):
            chosen.add(sentence)
    written = str((previous.get("objective") or {}).get("expression", ""))
    # an objective weighing by numbers that count what a missed number counts took a neighbour for it (nl4opt-020
    # on the 1.5B: "minimize his sodium intake" as 10 * ramen + 75 * fries, the 100 mg of ramen left out)
    weighs = {word for value, word in counted_numbers(text) if any_equal([value], expression_literals(written))}
    objective = "objective" in feedback or any_equal(expression_literals(written), strays) or bool(nouns & weighs)
    return Redo(frozenset(chosen), objective) if chosen or objective else None


_GENERIC_COUNTS = frozenset({"$", "unit"})
"""What numbers of many unrelated requirements count (dollars, 'units of' anything): no pointer to one requirement."""
_WHOLE = re.compile(r"every variable|neither a variable|no variables|model is empty|not usable|the question asks", re.IGNORECASE)
"""Words of a rejection of the variables or of the whole model: every step is asked again."""
_STRAY = re.compile(r"the number (-?\d+(?:\.\d+)?(?:e[-+]?\d+)?), which the text does not state")
_MISSED = re.compile(r"no (?:number|parameter) equal to ([-\d., and]+?)(?: of the text| from the text|, which|;|\)|$)")


def extract(
    text: str,
    ask: Ask,
    examples: Sequence[Example] = (),
    feedback: str = "",
    previous: dict[str, Any] | None = None,
    redraw: Ask | None = None,
) -> Steps:
    """The formulation's elements, asked for one small piece at a time. The LLM is shown the numbers without
    thousands separators (the 1.5B model copied nl4opt-005's "at least 60,000 square feet" as 6000, twice).

    With the `previous` elements (written in steps) and the `feedback` that rejected them, only the pieces the
    feedback names are asked again (`steps_to_redo`), the others kept; a piece answered as before is asked once
    more with `redraw` (the sampling temperature): the same elements again would end the run."""
    redo = steps_to_redo(previous, feedback, text) if previous is not None else None
    kept = previous if redo is not None else None
    variable_examples = "\n\n".join(f"Problem: {e.text}\nVariables:\n" + "\n".join(e.variable_lines) for e in examples)
    clause_examples = "\n".join(line for e in examples for line in e.clause_lines)
    objective_examples = "\n\n".join(
        "Variables:\n" + "\n".join(e.variable_lines) + f"\nObjective: {e.objective_line}" for e in examples if e.objective_line
    )
    revise = f"\n\nAn earlier formulation was rejected: {feedback}" if feedback else ""

    def again(name: str, schema: dict[str, Any], values: dict[str, str], before: Any, read: Callable[[Any], Any]) -> Any:
        """A piece asked again: drawn once more at the sampling temperature where it comes back as it was."""
        answer = read(ask(name, schema, values))
        if kept is not None and redraw is not None and answer == before:
            answer = read(redraw(name, schema, values))
        return answer

    if kept is not None:
        variables = _unique_variables(kept.get("variables", []))
    else:
        found = ask(
            "modeler_steps_variables",
            VARIABLES_SCHEMA,
            {"problem": plain_numbers(text), "examples": variable_examples or "(none)", "revise": revise},
        )
        variables = _unique_variables(found.get("variables", []))
    steps = Steps(asked=asked_quantity(text))
    fractional = continuous_amounts(variables, text)
    for v in variables:
        if v["name"] in fractional:
            v["domain"] = "nonnegative real" if v["domain"].startswith("nonnegative") else "real"
            steps.relaxed.append(v["name"])
    listing = "\n".join(f"- {v['name']}: {v['meaning']} ({v['domain']})" for v in variables)

    written: list[tuple[str, list[str]]] = []
    coded: dict[str, str] = {}  # what code wrote (spaces left out) → the sentence it wrote it for
    for sentence in constraint_sentences(text, steps.asked):
        steps.sentences.append(sentence)
        before = [str(c.get("expression", "")) for c in (kept or {}).get("constraints", []) if c.get("meaning") == sentence]
        if redo is not None and sentence not in redo.sentences:
            written.append((sentence, before))
            continue
        by_code = written_from_columns(sentence, variables, text) or written_as_a_share(sentence, variables, text)
        if by_code and by_code != before:  # what code wrote and the Verifier sent back is the LLM's to write
            written.append((sentence, by_code))
            steps.by_code += by_code
            coded.update({re.sub(r"\s+", "", e): sentence for e in by_code})
            continue
        alike = same_count_sentences(sentence, text)
        related = "".join(f'\nIt counts {what} as this sentence does: "{plain_numbers(o)}"' for what, o in alike)
        values = {
            "problem": plain_numbers(text),
            "variables": listing,
            "sentence": plain_numbers(sentence),
            "related": related + (columns_for(sentence, variables, text) if kept is not None else ""),
            "examples": clause_examples or "(none)",
            "revise": revise,
        }
        written.append((sentence, again("modeler_steps_constraint", SENTENCE_SCHEMA, values, before, _constraints_of)))

    asked = steps.asked
    sense = SENSE_WORDS.get(asked.sense or "", "") if asked else ""
    goal = asked.phrase if asked else "the quantity the question asks for"
    earlier = str(((kept or {}).get("objective") or {}).get("expression", ""))
    if redo is not None and not redo.objective:
        expression = earlier
    else:
        values = {
            "problem": plain_numbers(text),
            "variables": listing,
            "sense": sense or "optimize",
            "goal": goal,
            "examples": objective_examples or "(none)",
            "revise": revise,
        }
        expression = again("modeler_steps_objective", OBJECTIVE_SCHEMA, values, earlier, _objective_of)
    counted = (
        count_objective(expression, variables, text)
        or one_count_asked(expression, variables, text)
        or objective_of_the_column(expression, variables, text)
        or objective_of_the_money_column(expression, variables, text)
    )
    recounted = [f"the objective {expression} → {counted}"] if counted else []
    expression = counted or expression
    if redo is not None:
        steps.revised = (
            f"asked again what the rejection names: {len(redo.sentences)} sentence(s)"
            + (" and the objective" if redo.objective else "")
            + f"; kept the variables and {len(steps.sentences) - len(redo.sentences)} sentence(s)"
        )
    # a constraint code wrote stays with its sentence, also where the LLM wrote it under another sentence (nl4opt-169:
    # code's share of "at most 60% of carts" written again under the question, and left out there as off its sentence)
    constraints = [{**c, "meaning": coded.get(re.sub(r"\s+", "", c["expression"]), c["meaning"])} for c in each_once(written)]
    off = written_off_their_sentence(constraints)
    leave_out: list[tuple[str, Callable[[list[dict[str, str]]], list[dict[str, str]]]]] = [
        (
            "another reading of a bound code wrote from the text's table: {expression}",
            lambda cs: beside_code_readings(cs, steps.by_code, text),
        ),
        (
            "off its sentence: {expression} (for: {meaning})",
            lambda cs: [c for c in cs if c["expression"] in off.get(c["meaning"], [])],
        ),
        (  # nl4opt-020 on the 1.5B at b80d034: 20 * ramen + 10 * fries >= 300 for "A travelling salesman only eats
            # ramen and fries", grams of protein against a pack of fries' calories, verified at 1950 for 750
            "adding up the numbers of two things for a sentence stating none: {expression} (for: {meaning})",
            lambda cs: [c for c in cs if not clause_numbers(c["meaning"]) and mixed_measures({"constraints": [c]}, text)],
        ),
        (
            "comparing what its sentence does not compare: {expression} (for: {meaning})",
            lambda cs: comparisons_off_their_sentence(cs, text, variables),
        ),
        (
            "another reading of a bound its own sentence writes: {expression} (for: {meaning})",
            lambda cs: bounds_read_off_their_sentence(cs, text),
        ),
        (
            "holding a number the text does not state: {expression} (for: {meaning})",
            lambda cs: strays_beside_their_sentence(cs, text),
        ),
        (
            "bounded by what one unit holds: {expression} (for: {meaning})",
            lambda cs: [*contents_as_bounds(cs, variables, text), *written_for_contents(cs, variables, text)],
        ),
        (
            "misreading a bound the text counts otherwise: {expression}",
            lambda cs: [
                *misread_bounds(cs, text, {"expression": expression}),
                *misattributed_beside_a_reading(cs, variables, text),
            ],
        ),
        ("a part of another reading of the same bound: {expression}", lambda cs: partial_readings(cs, text)),
        ("a profit added to costs beside a reading of costs: {expression}", lambda cs: profits_beside_costs(cs, text)),
        ("derived from the bound of another constraint: {expression} (for: {meaning})", derived_bounds),
        (
            "bounding the other way than the words of its number: {expression} (for: {meaning})",
            lambda cs: readings_the_other_way(cs, text),
        ),
        (
            "the objective's sum bounded by a number the text does not state: {expression}",
            lambda cs: objective_restated(cs, expression, text),
        ),
    ]
    for why, find in leave_out:  # each on what the ones before left
        named = find(constraints)
        dropped = [c for i, c in enumerate(named) if all(c is not n for n in named[:i])]
        steps.left_out += [why.format(**c) for c in dropped]
        constraints = [c for c in constraints if all(c is not d for d in dropped)]
    mended = {
        **counts_weighed_by_their_column(constraints, variables, text),
        **times_as_many_as_equal(constraints, text),
        **percents_as_shares(constraints, text),
        **share_words_inverted(constraints, variables),
        **multiples_inverted(constraints, variables),
        **more_than_inverted(constraints, variables),
        **shares_against_their_words(constraints, variables, text),
    }
    shared = [{**c, "expression": mended[i]} if i in mended else c for i, c in enumerate(constraints)]
    turned = turned_to_their_words(shared)
    steps.turned = recounted + [
        f"{c['expression']} → {t['expression']}" for c, t in zip(constraints, turned, strict=True) if c is not t
    ]
    totals = [{"name": f"total{i + 1}", **c} for i, c in enumerate(totals_unwritten(turned, variables, text))]
    steps.by_code += [c["expression"] for c in totals]
    turned += totals
    steps.elements = {
        "sets": [],
        "parameters": [],
        "variables": variables,
        "objective": {"sense": sense or _sense_from_words(text), "expression": expression},
        "constraints": turned,
    }
    return steps


def _constraints_of(answer: dict[str, Any]) -> list[str]:
    return [str(e).strip() for e in answer.get("constraints", [])[:MAX_PER_SENTENCE] if str(e).strip()]


def _objective_of(answer: dict[str, Any]) -> str:
    return _SENSE_WORD.sub("", str(answer.get("expression", "")))


def each_once(written: list[tuple[str, list[str]]]) -> list[dict[str, str]]:
    """The constraints written for each sentence (in order), each distinct one once, kept with the sentence whose
    own numbers it writes, else with the first sentence that wrote it. The 1.5B model wrote the same three
    constraints (the whole problem as it read it) for each of nl4opt-000's five sentences: kept under every
    sentence they were "written off" four of them, and the sentence that states the duck capacities looked modelled."""
    kept: list[dict[str, str]] = []
    where: dict[str, int] = {}
    for number, (sentence, expressions) in enumerate(written, start=1):
        for expression in expressions:
            constraint = {"name": f"s{number}", "expression": expression, "meaning": sentence}
            key = re.sub(r"\s+", "", expression)
            if key not in where:
                where[key] = len(kept)
                kept.append(constraint)
            elif not writes_numbers_of(kept[where[key]]["meaning"], [expression]) and writes_numbers_of(sentence, [expression]):
                kept[where[key]] = constraint
    return kept


_SENSE_WORD = re.compile(r"^\s*(?:maximi[sz]e|minimi[sz]e|max|min)\b\s*:?\s*", re.IGNORECASE)
"""A sense word before the objective's expression ("maximize 2.5 * hardwood + 3 * vinyl", nl4opt-005 on the 1.5B):
the sense is the question's, taken by code; the word is dropped, not the expression."""


def same_count_sentences(sentence: str, text: str, most: int = 3) -> list[tuple[str, str]]:
    """The other sentences of the text whose numbers count what this sentence's numbers count ('at least 1000
    bricks' → 'A cow can carry 20 bricks ... an elephant 50 bricks'), each with what it counts; none when more than
    `most` do (then the pointer says little). The 1.5B model wrote nl4opt-000's "at least 300 ducks" as boats +
    canoes >= 300, the ducks each trip takes being stated in another sentence."""
    counted = counted_in(sentence)
    if not counted:
        return []
    alike: list[tuple[str, str]] = []
    for other in sentences(text):
        shared = counted & counted_in(other)
        if other.strip() != sentence.strip() and shared:
            alike.append((" and ".join(sorted(plural(word) for word in shared)), other))
    return alike if len(alike) <= most else []


def columns_for(sentence: str, variables: list[dict[str, str]], text: str) -> str:
    """For a sentence asked again: what one unit of each variable takes of what the sentence counts, as the text
    states it clause by clause ("hours of meat slicer: ham_batches 4, pork_rib_batches 2; hours of meat packer:
    ham_batches 2.5, pork_rib_batches 3.5"). The 1.5B model wrote nl4opt-105's "Each machine runs for at most 4000
    hours" as 4 * ham_batches + 2.5 * pork_rib_batches <= 4000 three times over, a batch of hams' slicer and packer
    hours in one sum, however the rejection named it."""
    counted = counted_in(sentence)
    rows = [(m, row) for m, row in numbers_by_measure(variables, text).items() if m[0] in counted]
    listed = "; ".join(f"{measure_words(m)}: " + ", ".join(f"{n} {v:g}" for n, v in row.items()) for m, row in rows)
    return f"\nWhat one of each variable takes, as the text states it: {listed}" if listed else ""


def constraint_sentences(text: str, asked: AskedQuantity | None) -> list[str]:
    """The sentences that may state a constraint: those with a number or a word of requirement, not the question."""
    question = asked.sentence if asked else ""
    chosen: list[str] = []
    for sentence in sentences(text):
        if question and sentence.strip() == question.strip() and not clause_numbers(sentence):
            continue
        if clause_numbers(sentence) or (REQUIREMENT.search(sentence) and not _chooses_among_kinds(sentence)):
            chosen.append(sentence)
    return chosen


def _chooses_among_kinds(sentence: str) -> bool:
    """Is a sentence's only word of requirement a need of the kinds to choose among? Such a sentence ("A woman on a
    diet needs to eat two types of meal preps, a smoothie and a protein bar") states no requirement: asked for one, the
    1.5B model wrote four for nl4opt-138 at 5fb3f49 (2 * smoothies + 300 * smoothies <= 2000, its calories and protein
    added up), verified at 49 for 32."""
    needs = [m.group().lower() for m in REQUIREMENT.finditer(sentence)]
    return bool(_KINDS_OF.search(sentence)) and all(w.startswith(("need", "require")) for w in needs)


_KINDS_OF = re.compile(
    r"\b(?:two|three|four|five|six|several|different|various)\s+(?:different\s+)?(?:types|kinds|sorts|varieties)\s+of\b",
    re.IGNORECASE,
)
"""'two types of', 'several kinds of': the kinds a problem chooses among."""


_JUNK_AFTER = re.compile(r"\n|```|['\"]\s*[}\]]")
"""Where a meaning runs on into what is no meaning: a new line, code, the end of the JSON it was copied from (the
1.5B model's meaning of desert_trucks in nl4opt-143 at 5fb3f49 went on "...(nonnegative integer)'}]}" and a Python
program, shown in every later prompt)."""


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
        meaning = _JUNK_AFTER.split(str(item.get("meaning", "")), maxsplit=1)[0].strip()
        variables.append({"name": name, "meaning": meaning, "domain": domain if domain in DOMAINS else "nonnegative real"})
    return variables


def _sense_from_words(text: str) -> str:
    """When code found no asked quantity: the sense the text's words lean to (minimize when it says so)."""
    return (
        "minimize" if re.search(r"\bminimi[sz]|\bleast\b|\bfewest\b|\bcheapest\b|\blowest\b", text, re.IGNORECASE) else "maximize"
    )
