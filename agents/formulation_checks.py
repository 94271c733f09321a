"""Checks of a formulation against the words of the problem text, for the Verifier.

Numbers: every number the text states is either used by the model (as a parameter value or a literal of
generated code) or named as unused, so a forgotten constraint does not pass silently. Sense: a text that
only ever asks to maximise must not get a minimising model, and the other way round. Domains: a text that
speaks of whole units or counts must not get a purely continuous model. The last two are errors for a
generated formulation (the LLM chose them) and need no check for a template (its author did). Units: two
parameters of a generated model that measure the same quantity in different units (ms and s, MHz and Hz,
dBm and W) must be converted before they are combined, so the pair is named. Literals of a generated model's
expressions: each must be stated in the text, and the constraints written for a sentence must use its numbers.
"""

from __future__ import annotations

import ast
import math
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise
from typing import Any

from agents.elements_code import normalise
from knowledge_base.units import UnitError, convert, different_dimensions, is_unit, same_dimension
from tools.question import (
    asked_quantity,
    clause_numbers,
    counted_in_plural,
    counted_numbers,
    number_measures,
    plural,
    sentences,
    word_numbers,
)
from tools.textdata import NUMBER, PERCENT, TextData, counts_in_digits, plain_numbers, shares

_MAXIMISE = re.compile(r"\b(maximi[sz]e[sd]?|maximi[sz]ing|maximi[sz]ation)\b", re.IGNORECASE)
_MINIMISE = re.compile(r"\b(minimi[sz]e[sd]?|minimi[sz]ing|minimi[sz]ation)\b", re.IGNORECASE)
_WHOLE_UNITS = re.compile(
    r"\b(integers?|integral|whole (numbers?|units?)|cannot be (fractional|split|divided)|"
    r"how many|number of \w+ (to|should|that)|yes[/ -]or[/ -]no|yes/no|binary)\b",
    re.IGNORECASE,
)

MAX_LISTED = 8
FREE_LITERALS = frozenset({0.0, 1.0, 100.0})
"""Numbers an expression may hold without the text stating them: nothing, one, and the 100 of a percentage."""


def listed(numbers: list[float], limit: int = MAX_LISTED) -> str:
    """Numbers for a message: "20, 5 and 3 more"."""
    shown = ", ".join(f"{n:g}" for n in numbers[:limit])
    return shown + (f" and {len(numbers) - limit} more" if len(numbers) > limit else "")


def _equal(value: float, other: float) -> bool:
    return abs(value - other) <= 1e-9 * max(1.0, abs(other))


def any_equal(values: Iterable[float], others: Sequence[float]) -> bool:
    """Does any of `values` equal any of `others` (as two numbers of the elements compare)?"""
    return any(_equal(v, n) for v in values for n in others)


def unused_numbers(data: TextData, used_values: list[float], code: str = "") -> list[float]:
    """Numbers of the text (and attached data) that no parameter value and no literal of the code equals. A
    percentage's number is used when its fraction is (nl4opt-000's "at least 60%" written as 0.6 * ...)."""
    used = [*used_values, *code_literals(code)]
    share = shares(data.text)
    unused: list[float] = []
    for number in dict.fromkeys((*data.numbers, *data.extra_numbers)):
        if not any(_equal(number, value) or (number in share and _equal(share[number], value)) for value in used):
            unused.append(number)
    return unused


def element_weights(elements: dict[str, Any]) -> list[float]:
    """The weights of the variables in the elements' linear expressions, also those no literal writes: "2 * stools +
    benches <= 80" uses the 1 of "a bench takes 1 unit of varnish" (its code holds no 1, and the model was sent
    back for leaving the 1 out)."""
    reads = [_comparison(e) if not which else _linear_of(e) for which, e in _element_expressions(elements)]
    return list(dict.fromkeys(abs(w) for read in reads if read is not None for w in read[1].values()))


def count_weighed_by_measures(elements: dict[str, Any], text: str) -> list[str]:
    """An objective for "the number of <things>" (not a number of minutes or kilograms) weighing every variable by
    a number the text measures in a unit or in money: nl4opt-110 on the 1.5B at eb763ca was verified at 11660 for 571
    maximizing "the number of patients that can be vaccinated" as 10 * pill_vaccines + 20 * shot_vaccines, the
    minutes each takes. A count adds up the variables that count it, or what each of them counts."""
    counted, objective = _COUNT_ASKED.search(text), elements.get("objective")
    if counted is None or not isinstance(objective, dict) or _is_measure(counted.group(1).lower().rstrip("s")):
        return []
    expression = str(objective.get("expression", ""))
    read = _linear_of(expression)
    stated = [abs(w) for w in (read[1].values() if read is not None else ()) if abs(w) not in FREE_LITERALS]
    weights = _measured(stated, _single_measures(text))
    if not weights or len(weights) < len(stated) or not all(_is_measure(m[0]) for _, m in weights):
        return []
    listed = ", ".join(f"{n:g} ({measure_words(m)})" for n, m in weights)
    return [
        f"“{counted.group()}” asks for a count, but the objective {expression} weighs by {listed}: a count adds up the"
        " variables that count it"
    ]


def count_objective(expression: str, variables: list[Any], text: str) -> str | None:
    """For an objective `count_weighed_by_measures` names: the count the question asks for, written from the text,
    where the text says how: what one of each variable counts of the thing asked for, where the table has it for
    every variable of the objective ("a bus carries 20 monkeys" → 20 * buses + ...), or the variables themselves
    where no number of the text counts that thing ("maximize the number of patients", each vaccine one patient:
    nl4opt-110 on the 1.5B wrote 10 * pill_vaccines + 20 * shot_vaccines, the minutes, in four rounds). None where
    the check names nothing or the text counts the thing otherwise. An objective written in words that name no
    variable ("total sports equipment produced": nl4opt-168 on the 1.5B at 5fb3f49, three rounds) is read as all the
    variables."""
    counted, read = _COUNT_ASKED.search(text), _linear_of(expression)
    every = [str(v["name"]) for v in variables if isinstance(v, dict) and v.get("name")]
    in_words = read is None and not any(re.search(rf"\b{re.escape(n)}\b", expression) for n in every)
    weighed = read is not None and bool(count_weighed_by_measures({"objective": {"expression": expression}}, text))
    if counted is None or not (in_words or weighed):
        return None
    thing, names = _stem(counted.group(1)), every if read is None else list(read[1])
    rows = [row for (unit, _), (row, twice) in _columns(variables, text, True).items() if _stem(unit) == thing and not twice]
    if len(rows) == 1 and all(n in rows[0] for n in names):
        return " + ".join(f"{rows[0][n]:g} * {n}" for n in names)
    if any(_stem(word) == thing for _, word in counted_numbers(plain_numbers(text))):
        return None
    return " + ".join(names)


def one_count_asked(expression: str, variables: list[Any], text: str) -> str | None:
    """The variable the question's count names where the objective weighs others beside it: "how many of each vehicle
    should be used to minimize the total number of bikes needed" asks for bikes alone, and nl4opt-011 on the 1.5B at
    fb27aeb was verified at 132 for 80 minimizing bikes + cars. The count's word names a variable where it is a word of
    that variable's name and of no other's ("golf" of golf_carts; "carts" of golf_carts and pull_carts names both, and
    the sum stands); None where it names none or several, or the objective weighs only that variable."""
    asking = _asked_sentence(text)  # not "at least the number of car trips", a comparison
    counted, read = _COUNT_ASKED.search(asking), _linear_of(expression)
    if counted is None or read is None or re.match(r"(?:\s+[A-Za-z]+)?\s*(?:,|and\b|or\b|&)", asking[counted.end() :]):
        return None  # "the total number of containers and trucks", "of golf carts and pull carts" count both
    thing = _stem(counted.group(1))
    named = [
        str(v.get("name", ""))
        for v in variables
        if isinstance(v, dict) and thing in {_stem(w) for w in str(v.get("name", "")).lower().split("_")}
    ]
    if len(named) != 1 or named[0] not in read[1] or len(read[1]) < 2:
        return None
    # nor where another variable's meaning counts that thing too (liquefied_hydrogen_tankers, "number of liquefied
    # hydrogen tanker trips", beside high_pressure_tube_trips for "the total number of trips": nl4opt-116)
    if any(thing in _own_words(n, variables) for n in read[1] if n != named[0]):
        return None
    return named[0]


def objective_of_the_column(expression: str, variables: list[Any], text: str) -> str | None:
    """The objective the question names where the text's table has a column of it: "to minimize his sodium intake",
    each bowl of salmon "80 mg of sodium" and of eggs "20 mg of sodium" → 80 * salmon + 20 * eggs. nl4opt-226 on the
    1.5B at fb27aeb minimized 0.4 * eggs (the 40% of a share), verified at 0 for 460. Only a column of a thing ("of
    sodium", "of tea leaves"), not of money or a bare unit, one the words after the text's one "minimize" or
    "maximize" name alone; None where the objective already weighs by it."""
    said = [m["what"] for m in _OPTIMISE.finditer(text)]
    read = _linear_of(expression)
    if len(said) != 1 or read is None:
        return None
    words = {_stem(w) for w in re.findall(r"[a-z]+", said[0].lower())}
    head = {_stem(w) for w in re.findall(r"[a-z]+", _ASKED_HEAD.split(said[0].lower())[0])}
    names = [str(v.get("name", "")) for v in variables if isinstance(v, dict) and v.get("name")]
    rows = [
        row
        for (unit, what), (row, twice) in _columns(variables, text, True).items()
        if unit != "$" and not twice and set(row) == set(names) and _column_named(unit, what, words, head)
    ]
    if len(rows) != 1 or (read[1].keys() == rows[0].keys() and _same_weights(read[1], rows[0])):
        return None
    return " + ".join(f"{rows[0][n]:g} * {n}" for n in names)


def _column_named(unit: str, what: str, words: set[str], head: set[str]) -> bool:
    """Do the words name a column: what it measures ("of sodium"), or, by the `head` of the words (before "to",
    "that", "needed", ...), the things it counts ("5 coins": nl4opt-218 on the 1.5B at 5fb3f49 maximized "the total
    number of coins that can be plated" as 500 * process_A + 300 * process_B, the gold and wires available, three
    rounds; not the ducks of "the total time needed to transport the ducks")? Not a bare measure ("4 hours")."""
    if what:
        return {_stem(w) for w in what.split()} <= words
    return unit not in _GENERIC_UNITS and not _is_measure(unit) and _stem(unit) in head


_ASKED_HEAD = re.compile(r"\b(?:to|that|which|who|needed|required|used|for|in|by|while|so|when)\b")


_OPTIMISE = re.compile(r"\b(?:minimi[sz]e|maximi[sz]e)\s+(?P<what>[^,.;?]+)", re.IGNORECASE)
"""What a text asks to minimise or maximise, up to the end of its clause ("minimize his sodium intake")."""


def objective_of_another_count(elements: dict[str, Any], text: str) -> list[str]:
    """The Verifier's words for `one_count_asked`."""
    objective = elements.get("objective")
    expression = str(objective.get("expression", "")) if isinstance(objective, dict) else ""
    name = one_count_asked(expression, elements.get("variables", []), text)
    counted = _COUNT_ASKED.search(_asked_sentence(text))
    if name is None or counted is None:
        return []
    return [f"“{counted.group()}” asks for {name} alone, but the objective is {expression}: write the objective as {name}"]


_COUNT_ASKED = re.compile(
    r"\b(?:maximi[sz]e|minimi[sz]e|maximum|minimum|most|least|fewest|largest|smallest|greatest)\s+(?:the\s+)?"
    r"(?:total\s+)?number\s+of\s+(?:the\s+)?([A-Za-z]+)",
    re.IGNORECASE,
)
"""An objective that is a number of things: "maximize the number of patients", "the fewest number of trips"."""


_GENERIC_UNITS = frozenset({"unit", "item", "piece"})
"""Words that count anything ("3 units of wood"): what they count is the thing after them."""


def _money_as_dollar(unit: str) -> str:
    """A unit of money as "$" (dollars, euros, cents are all money to these checks), any other unit as it is."""
    return "$" if unit in _MONEY else unit


def _is_measure(unit: str) -> bool:
    """Money, or a unit of a measure ('minute', 'kg'), not a count of things or a packed unit ('bag', 'unit')."""
    return unit in _MONEY or (unit not in _PACKED | _GENERIC_UNITS and is_unit(unit))


def holding_at_zero(elements: dict[str, Any]) -> list[str]:
    """For a maximization whose optimum is every variable at 0: the constraints that can hold them there, those that
    bound a sum of variables by 0 (the objective's variables could gain from being above 0 otherwise). nl4opt-140 on
    the 1.5B at eb763ca was verified at a profit of 0 for 511 with "regular_candy_mix * 0.8 + sour_surprise_mix *
    0.1 >= 3 * regular_candy_mix": the $3 profit of a kilogram written into the sentence of its candy."""
    return [e for which, e in _element_expressions(elements) if not which and (r := _comparison(e)) and r[2] == 0]


def _element_expressions(elements: dict[str, Any]) -> list[tuple[str, str]]:
    """Each constraint's expression (with "") and the objective's (with "the objective ")."""
    objective = elements.get("objective")
    expressions = [("", str(c.get("expression", ""))) for c in elements.get("constraints", []) if isinstance(c, dict)]
    return expressions + ([("the objective ", str(objective.get("expression", "")))] if isinstance(objective, dict) else [])


def unused_numbers_warning(numbers: list[float]) -> list[str]:
    """For a template's model, or after a follow-up: an unused number may be a count, a label or a replaced value."""
    if not numbers:
        return []
    return [f"the model uses no parameter equal to {listed(numbers)} from the text: check these are only counts or labels"]


def labels_in_names(variables: list[Any], text: str) -> list[float]:
    """The numbers the variables' names take as labels of a word the text writes right before them ("demonstration
    1" → demonstration1, "lab 2" → heart_pills_lab2) or joins to them after a hyphen ("4-wheeler" → num_4wheelers):
    names, not quantities a model must use. nl4opt-120 on the
    1.5B at 181525e wrote the right model and was sent back twice for "no number equal to 1, 2"."""
    labels: list[float] = []
    for variable in variables:
        tokens = re.findall(r"[a-z]+|\d+", str(variable.get("name", "") if isinstance(variable, dict) else "").lower())
        for word, number in pairwise(tokens):
            if number.isdigit() and re.search(rf"\b{word}\w*?\s*#?\s*{number}\b", text, re.IGNORECASE):
                labels.append(float(number))
        for number, word in pairwise(tokens):  # "4-wheeler" → num_4wheelers
            if number.isdigit() and word.isalpha() and re.search(rf"\b{number}-{word[:4]}", text, re.IGNORECASE):
                labels.append(float(number))
    return list(dict.fromkeys(labels))


def unused_in_generated(numbers: list[float]) -> list[str]:
    """For a model written without a template: every number the text states belongs somewhere in it."""
    if not numbers:
        return []
    return [
        f"the model uses no number equal to {listed(numbers, 5)} of the text: each number the text states is a"
        " coefficient, a bound or a requirement of the model; one left out is a requirement missed"
    ]


def expression_literals(expression: str) -> list[float]:
    """The numbers written into an expression of the elements ("3*x + 2.5*y <= 300" → 3, 2.5, 300)."""
    bare = re.sub(r"[A-Za-z_]\w*", " ", expression.replace(",", ""))
    return [abs(float(match.group())) for match in NUMBER.finditer(bare)]


def variables_as_measured_things(elements: dict[str, Any], text: str) -> list[str]:
    """Variables that are what the text's numbers measure, not things it states numbers of: every variable is named
    only as "units of <it>" by the clauses with numbers. nl4opt-210 on the 1.5B at 181525e made the medicines the
    variables ("One pill A contains 3 units of sleep inducing medicine"), four rounds; each rejection named the pills'
    unused numbers and the sentences were asked again, never the variables."""
    variables = [v for v in elements.get("variables", []) if isinstance(v, dict) and v.get("name")]
    if not variables:
        return []
    own = _own_name_words(variables)
    numbered = [c for s in sentences(text) for c in _CLAUSE_BREAK.split(plain_numbers(s)) if clause_numbers(c)]
    measured, outside = set(), set()
    for clause in numbered:
        bare = _said(_without_measured(clause))
        for name, words in own.items():
            if words and _named_by(words, bare):
                outside.add(name)
            elif words and _named_by(words, _said(clause)):
                measured.add(name)
    if outside or measured != set(own):
        return []
    example = next(c for c in numbered if any(_named_by(w, _said(c)) for w in own.values() if w))
    return [
        f"every variable ({', '.join(sorted(own))}) is what the text's numbers measure (“{short(example.strip(), 100)}”),"
        " not a thing it states numbers of: the variables are how many of each thing to choose, the things one unit"
        " of which holds or costs those numbers"
    ]


def unstated_literals(elements: dict[str, Any], text: str) -> list[str]:
    """Numbers written right into the elements' expressions must be stated in the text too (as digits, as a
    percentage's fraction, or as a word such as 'twice' or 'a third' (3, nl4opt-040's "at least a third of the
    number of junior accountants" as 3 * seniors >= juniors was sent back)), like every parameter value."""
    expressions = [str((elements.get("objective") or {}).get("expression", ""))]
    expressions += [str(c.get("expression", "")) for c in elements.get("constraints", []) if isinstance(c, dict)]
    unstated = list(dict.fromkeys(v for expression in expressions for v in unstated_in(expression, text)))
    return [f"the model uses the number {v:g}, which the text does not state" for v in unstated[:5]]


def unstated_in(expression: str, text: str) -> list[float]:
    """The numbers an expression writes that the text does not state (see `unstated_literals`)."""
    stated = _stated_numbers(text)
    return [v for v in expression_literals(expression) if v not in FREE_LITERALS and not any(_equal(v, n) for n in stated)]


def strays_beside_their_sentence(constraints: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Constraints holding a number the text does not state, written for a sentence whose other constraints write
    its numbers and none unstated: the 1.5B model wrote nl4opt-035's "A serving of cashews contains 300 calories
    and 25 grams of protein" as 300 * cashews + 25 * almonds >= 10000 and 8 * almonds + 12 * cashews >= 800, and
    nl4opt-040's "at least 100 accountants, of whom at least 5 must be senior" with seniors >= (3/4) * juniors
    beside the two right ones; sent back for the 8 (the 4) and written so again each round."""
    stray: list[dict[str, Any]] = []
    for constraint in constraints:
        sentence, expression = str(constraint.get("meaning", "")), str(constraint.get("expression", ""))
        if not unstated_in(expression, text):
            continue
        siblings = [str(c.get("expression", "")) for c in constraints if c is not constraint and c.get("meaning") == sentence]
        if any(not unstated_in(e, text) and writes_numbers_of(sentence, [e]) for e in siblings):
            stray.append(constraint)
    return stray


_FRACTIONS = {"half": 2.0, "halves": 2.0, "third": 3.0, "thirds": 3.0, "quarter": 4.0, "quarters": 4.0, "fifth": 5.0}
_FRACTION = re.compile(r"\b(" + "|".join(_FRACTIONS) + r")\b", re.IGNORECASE)
"""A share written as a word ("one third of all agents"): its denominator may be the expression's number."""


def constraints_off_their_sentence(elements: dict[str, Any], text: str) -> list[str]:
    """Constraints written for a sentence of the text (the steps path keeps it as their `meaning`) that state
    numbers, none of them the sentence's: "owls >= 20" for "A carrier pigeon can carry two letters at a time and
    requires 3 treats". What a sentence requires is written with its own numbers ("at least 5 grams" → ">= 5");
    a sentence that only gives data another sentence uses states no constraint. The constraints of one sentence
    are taken together ("invest the whole amount" may use another sentence's total while its "at least $100,000"
    is used beside it); a sentence without numbers written in digits is not held to this."""
    own = set(sentences(text))
    mine = [c for c in elements.get("constraints", []) if isinstance(c, dict) and str(c.get("meaning", "")) in own]
    return [
        f"the constraints written for “{short(sentence, 120)}” ({'; '.join(expressions)}) use none of its numbers"
        f" ({listed(list(clause_numbers(sentence)), 5)}): write what this sentence requires with its own numbers, or no"
        " constraint when it only gives data that another sentence's constraint uses"
        for sentence, expressions in written_off_their_sentence(mine).items()
    ]


def written_off_their_sentence(constraints: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Sentence → the expressions written for it (its `meaning`) that state numbers, none of them the sentence's
    (which states some): all of them where no expression of the sentence writes its numbers; else each one whose
    numbers the sentences that state them already write (a second reading of another sentence's requirement). The
    1.5B model wrote nl4opt-065's "no more than 40,000 square feet of laminate planks and 20,000 square feet of
    carpets" as laminate <= 40000, carpets <= 20000 and laminate + carpets <= 50000, the shipping contract's "at
    least 50,000" turned around, which that sentence wrote as >= (verified at 129000 for 150000 once its other
    misreading was left out). A sentence's requirement may use another's number beside its own where that one
    writes none ("The fund must invest the whole amount, earn at least $100,000": == 2000000)."""
    written: dict[str, list[str]] = {}
    for constraint in constraints:
        written.setdefault(str(constraint.get("meaning", "")), []).append(str(constraint.get("expression", "")))
    # the numbers their own sentences write; beside a sentence's own constraints, every number of a sentence that
    # writes a constraint with its own numbers (nl4opt-010 on the 1.5B: pigeons + owls <= 40 beside pigeons >= 20,
    # the 40 being "At most 40% of the birds", which its sentence wrote as a share: verified at 128 for 841)
    at_home = [v for sentence, es in written.items() for e in es for v in _own_literals(sentence, e)]
    writing = [sentence for sentence, es in written.items() if any(_own_literals(sentence, e) for e in es)]
    stated_home = [v for sentence in writing for v in _stated_numbers(sentence)]
    off: dict[str, list[str]] = {}
    for sentence, expressions in written.items():
        stating = {e: [v for v in expression_literals(e) if v not in FREE_LITERALS] for e in expressions}
        astray = [e for e in expressions if stating[e] and not writes_numbers_of(sentence, [e])]
        if not clause_numbers(sentence):
            # a sentence stating no number in digits (nl4opt-020's "A travelling salesman only eats ramen and
            # fries": ramen + fries <= 0.3 * (ramen + fries)) is held only to what other sentences already write
            astray = [e for e in astray if all(any(_equal(v, w) for w in at_home) for v in stating[e])]
        elif len(astray) < len(expressions):
            astray = [e for e in astray if all(any(_equal(v, w) for w in stated_home) for v in stating[e])]
        if astray:
            off[sentence] = astray
    return off


def bounds_read_off_their_sentence(constraints: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Constraints bounded by a number the text states once, in another sentence than theirs, where a constraint of
    that sentence is bounded by it and weighs more variables: a part of that sentence's requirement read with a data
    sentence's numbers. nl4opt-004 on the 1.5B at 0f2dbbd wrote "a minimum of 30 units of protein and 50 units of fat"
    right, and under "Feed B costs $80 per kilogram and contains 7 units of protein and 15 units of fat" feed_B * 7 <=
    50 too, sent back three rounds. Not a reading of as many variables: the stating sentence's may be the wrong one
    (nl4opt-062's budget written with the profits, the costs' sentence with the costs)."""
    meanings = [str(c.get("meaning", "")) for c in constraints]
    reads = [_comparison(str(c.get("expression", ""))) for c in constraints]
    # each bounded constraint with its bound and whether its own sentence states that number
    bounded = [
        (c, m, r, any_equal(clause_numbers(plain_numbers(m)), [abs(r[2])]))
        for c, m, r in zip(constraints, meanings, reads, strict=True)
        if r is not None and r[2]
    ]
    homes = [(abs(r[2]), m, len(r[1])) for _, m, r, at_home in bounded if at_home]
    found: list[dict[str, Any]] = []
    for constraint, meaning, read, at_home in bounded:
        wider = [b for b, m, n in homes if m != meaning and n > len(read[1])]
        if not at_home and _times_stated(abs(read[2]), text) == 1 and any_equal(wider, [abs(read[2])]):
            found.append(constraint)
    return found


def comparisons_off_their_sentence(
    constraints: list[dict[str, Any]], text: str = "", variables: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """Constraints that only compare variables (cows >= elephants: no number but a weight of 1, a bound of 0)
    written for a sentence that states numbers and compares nothing. The 1.5B model wrote nl4opt-030's "the number
    of elephant cannot exceed the number of cows" again, turned around, under "If the company needs to transport at
    least 1000 bricks", and once more under "A cow can carry 20 bricks ... an elephant 50 bricks" (cows and
    elephants made equal, three rounds). A comparison of amounts is written for the sentence that compares them.
    With the `text`, also one weighing by a number the text does not state (nl4opt-099 on the 1.5B at 0f2dbbd: 3 *
    small_teams >= 2 * large_teams under "A small team requires 3 employees", sent back for the 2 three rounds),
    and, with the `variables` too, one weighing by what its sentence says one unit holds where the text compares
    nothing (`_weighed_by_contents`)."""
    off: list[dict[str, Any]] = []
    comparing = [s for s in sentences(text) if _COMPARING.search(s)] if text else []
    for constraint in constraints:
        sentence, expression = str(constraint.get("meaning", "")), str(constraint.get("expression", ""))
        read = _comparison(expression)
        weighed = any(v not in (0.0, 1.0) for v in expression_literals(expression))
        if read is None or len(read[1]) < 2 or read[2] != 0 or _COMPARING.search(sentence):
            continue
        if weighed and not (text and unstated_in(expression, text)):
            weights = [abs(w) for w in read[1].values()]
            compared = any(any_equal(_stated_numbers(plain_numbers(s)), weights) for s in comparing)
            if variables and text and not compared and _weighed_by_contents(read[1], sentence, variables):
                off.append(constraint)
        elif _stated_numbers(sentence) or weighed:
            off.append(constraint)  # weighed: by a number stated nowhere, under any sentence comparing nothing
    return off


def _weighed_by_contents(weights: dict[str, float], sentence: str, variables: Sequence[Any]) -> bool:
    """Does a comparison weigh one side by what its sentence says one unit holds ("Per pill, pill 2 provides 0.6
    units of pain medication and 0.2 units of anxiety medication": 0.2 units of anxiety medication) against variables
    of weight 1 that do not measure that (a number of pills)? The sides measure different things: nl4opt-239 on the
    1.5B at 864165e, verified with pill2 <= 0.2 * pill1 (2.4 for 2.3), and nl4opt-079's p2 >= 0.4 * p1 under its
    "0.4 units of medicine to the back". Generator 1's kw_1 >= 20 * on_1 under "produces between 20 and 50 kW" weighs
    an output in kW by kW."""
    measured: dict[float, set[tuple[str, str]]] = {}
    for value, unit, what in number_measures(counts_in_digits(sentence)):
        measured.setdefault(value, set()).add((_money_as_dollar(unit), what))
    for weight in weights.values():
        measures = [m for value, m in measured.items() if _equal(abs(weight), value) and abs(weight) not in FREE_LITERALS]
        if len(measures) != 1 or len(measures[0]) != 1:
            continue
        [(unit, what)] = measures[0]
        cue = {_stem(w) for w in what.split()} | ({_stem(unit)} - _GENERIC_UNITS if unit != "$" else _MONEY_WORDS)
        others = [n for n, w in weights.items() if (w > 0) != (weight > 0)]
        if others and all(abs(weights[n]) == 1 and not _own_words(n, variables) & cue for n in others):
            return True
    return False


_MONEY_WORDS = frozenset({"$", "dollar", "cost", "price", "profit", "revenue", "money", "budget", "fund", "cash", "invest"})


def _own_words(name: str, variables: Sequence[Any]) -> set[str]:
    """The stems of a variable's name and meaning ("kw_1", "output of generator 1 (kW)" → kw, output, of, ...)."""
    meaning = next((str(v.get("meaning", "")) for v in variables if isinstance(v, dict) and v.get("name") == name), "")
    return {_stem(w) for w in re.findall(r"[a-z]+", f"{name.replace('_', ' ')} {meaning}".lower())}


_COMPARING = re.compile(
    r"\b(?:than|exceed\w*|as (?:many|much)|equal\w*|same|more|less|fewer|balance\w*|majority|minority|"
    r"ratio|outnumber\w*|surpass\w*|match\w*|twice|half|times)\b",
    re.IGNORECASE,
)


def comparisons_unwritten(elements: dict[str, Any], text: str) -> list[str]:
    """Sentences requiring one amount to exceed (or match) another without a number ("the number of trips by van must
    be larger than the number of trips by trucks") where no constraint of the model compares amounts at all (one
    variable against another, give or take 1): no number of theirs can show they were left out. nl4opt-175 on the 1.5B at
    eb763ca was verified at 30 trips for 24 without its van-over-truck requirement."""
    reads = [_comparison(e) for which, e in _element_expressions(elements) if not which]
    if any(r is not None and min(r[1].values()) < 0 < max(r[1].values()) and abs(r[2]) <= 1 for r in reads):
        return []  # vans >= trucks, or vans >= trucks + 1 for whole vans "larger than" the trucks
    # a clause of its own ("at most 5 doses of medicine A and the number of doses of medicine B must be larger than the
    # number of doses of medicine A": nl4opt-071 on the 1.5B at fb27aeb, verified at 84 for 76 without it)
    wanted = [
        s
        for s in sentences(text)
        if _MUST.search(s)
        and any(_NUMBERLESS_COMPARISON.search(c) and not _stated_numbers(c) and not _SCALED.search(c) for c in _CLAUSES.split(s))
    ]
    return [
        f"“{short(s, 140)}” requires one amount to compare with another, but no constraint of the model compares two"
        " amounts: write it as a comparison of the variables"
        for s in wanted[:2]
    ]


_CLAUSES = re.compile(r"[,;]|\b(?:and|while|whereas|but)\b", re.IGNORECASE)
_NUMBERLESS_COMPARISON = re.compile(
    r"\b(?:more|fewer|less|larger|greater|smaller|higher|lower|bigger) (?:\w+ )?than (?:the )?(?:number|amount|quantity)"
    r" of|\b(?:more|fewer) \w+(?: \w+)? than \w+|\b(?:exceed|outnumber)\w* (?:the )?(?:number|amount|quantity) of|"
    r"\b(?:at (?:least|most)|equal to) (?:the )?(?:number|amount|quantity) of|\bas (?:many|much) \w+(?: \w+)? as (?!possible)",
    re.IGNORECASE,
)
"""A comparison of two amounts: "the number of trips by van must be larger than the number of trips by trucks", "more
vans than trucks", "at least as many cakes as pies" (not "earn as much as possible", "ship more than it holds")."""
_MUST = re.compile(  # a requirement's modal words (REQUIREMENT also counts "than" and "as many", which any comparison has)
    r"\b(?:must|should|has to|have to|needs? to|cannot|can't|can not|can be no|at (?:least|most)|no more|no less|no fewer)\b",
    re.IGNORECASE,
)
_SCALED = re.compile(r"\b(?:twice|half|times|thirds?|quarters?|percent|double|triple)\b|%", re.IGNORECASE)


# "than" alone: "There can be no more sleds than carts" compares amounts without a number (no "more than" in it)
REQUIREMENT = re.compile(
    r"\b(?:must|at most|at least|exactly|cannot|can not|no more than|no less than|exceed|only|limit\w*|available|"
    r"budget|capacity|require\w*|need\w*|should|twice|half|than|ratio|percent|"
    r"as many|equal\w*)\b|%",
    re.IGNORECASE,
)
"""Words by which a sentence states a limit or a requirement (a sentence without them, or a number, gives data)."""


def contents_as_bounds(constraints: list[dict[str, Any]], variables: list[Any], text: str) -> list[dict[str, Any]]:
    """Constraints bounding one variable by a number that measures something else than the variable counts, written
    for a sentence that requires nothing: "A pill of supplement B contains 4 units of iron and 15 units of calcium"
    gives what one pill holds, and nl4opt-195 on the 1.5B at eb763ca wrote it as supplement_b >= 4 and supplement_b
    <= 15 (verified at $22 for $16). A variable whose name or meaning says what the number measures ("acres of
    corn" bounded by "50 acres") is not held to this."""
    measures, nouns = _single_measures(text), counted_in_plural(text)
    found: list[dict[str, Any]] = []
    for constraint in constraints:
        read = _comparison(str(constraint.get("expression", "")))
        sentence = str(constraint.get("meaning", ""))
        if read is None or len(read[1]) != 1 or abs(read[2]) in FREE_LITERALS or REQUIREMENT.search(sentence):
            continue
        [(name, weight)] = read[1].items()
        measure = next((m for value, m in measures.items() if _equal(abs(read[2]), value)), None)
        if abs(weight) != 1 or measure is None or not (measure[1] or _is_measure(measure[0]) or measure[0] in nouns):
            continue
        measured = {_stem(w) for w in f"{measure[0]} {measure[1]}".split()} - _GENERIC_UNITS
        if not measured & _own_words(name, variables):
            found.append(constraint)
    return found


def written_for_contents(constraints: list[dict[str, Any]], variables: list[Any], text: str) -> list[dict[str, Any]]:
    """Constraints bounded by a number of their own sentence where that sentence only states what one unit of a
    variable takes or gives (each of its numbers a value the text's table has for a variable it names, none after a
    bound's words): such a sentence gives data the requirements use. The 1.5B model wrote nl4opt-120's "In
    demonstration 1, 10 units of mint and 20 units of the active ingredient is used to make 25 units of minty foam"
    as 10 * demonstration1 + 20 * demonstration2 <= 25. (A bound stated elsewhere may be a requirement written under
    the wrong sentence, and stays.)"""
    table = [row for row, _ in _columns(variables, text, True).values()]
    own = _own_name_words(variables)
    found: list[dict[str, Any]] = []
    for constraint in constraints:
        sentence = str(constraint.get("meaning", ""))
        comparison = _comparison(str(constraint.get("expression", "")))
        named = [n for n in own if _named_by(own[n], _said(sentence))]
        numbers = clause_numbers(plain_numbers(sentence))
        if (
            comparison is None
            or not named
            or comparison[2] == 0
            or not any(_equal(abs(comparison[2]), n) for n in numbers)
            or _FIRM_LOWER.search(sentence)
            or _FIRM_UPPER.search(sentence)
        ):
            continue
        if all(any(_equal(n, row[v]) for row in table for v in named if v in row) for n in numbers):
            found.append(constraint)
    return found


def percent_as_an_amount(elements: dict[str, Any], text: str) -> list[str]:
    """A number the text states only as a percentage ("At most 40% of the birds can be owls") written as an amount,
    without the 100 that makes it a share (pigeons + owls <= 40): the 1.5B model did so for nl4opt-010, verified at
    128 for 841."""
    only = _only_percents(text)
    found: list[str] = []
    for constraint in elements.get("constraints", []):
        expression = str(constraint.get("expression", "")) if isinstance(constraint, dict) else ""
        literals = expression_literals(expression)
        if any(_equal(v, 100.0) for v in literals):
            continue
        for value in (p for p in only if any(_equal(p, v) for v in literals)):
            found.append(
                f"{expression} uses {value:g} as an amount, but the text states {value:g} only as a percentage"
                f" ({value:g}%): a share of a whole is written as {value / 100:g} * (the whole)"
            )
            break
    return found[:3]


def percents_as_shares(constraints: list[dict[str, Any]], text: str) -> dict[int, str]:
    """Constraints that weigh variables by a number the text states only as a percentage, without the 100 that makes
    it a share, by index, each with that weight as the share ("mangoes <= 33 * (bananas + mangoes)" → "mangoes <=
    0.33 * (bananas + mangoes)" for "at most 33% of the fruits he eats can be mangoes": the 1.5B model wrote so for
    nl4opt-125 in two rounds, each sent back naming the 0.33 it should be). Only a number times what holds a
    variable is turned; a percentage written as a bound (owls <= 40) is the Verifier's to send back."""
    only = _only_percents(text)
    turned: dict[int, str] = {}
    for index, constraint in enumerate(constraints):
        node = _expression_node(str(constraint.get("expression", "")))
        if node is None or any(_equal(v, 100.0) for v in expression_literals(str(constraint.get("expression", "")))):
            continue
        changed = False
        for product in (n for n in ast.walk(node) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mult)):
            for side, other in ((product.left, product.right), (product.right, product.left)):
                if (
                    isinstance(side, ast.Constant)
                    and isinstance(side.value, (int, float))
                    and any(_equal(float(side.value), p) for p in only)
                    and any(isinstance(n, ast.Name) for n in ast.walk(other))
                ):
                    side.value = round(float(side.value) / 100, 10)
                    changed = True
        if changed:
            turned[index] = ast.unparse(node)
    return turned


def times_as_many_as_equal(constraints: list[dict[str, Any]], text: str) -> dict[int, str]:
    """Constraints that bound "A is N times as many as B" one way where the words say neither "at least" nor "at
    most" of it ("he must eat three times as many apple flavored baby food as carrot flavored baby food"), by index,
    each written as the equality the words say. The words are those of the constraint's sentence, or, where it
    says no such thing, of the one sentence of the text that does. nl4opt-155 on the 1.5B at 181525e wrote
    apple_servings >= 3 * carrot_servings (under another sentence), verified at 54 for 50."""
    said = [m for s in sentences(plain_numbers(text)) for m in [_TIMES_AS_MANY.search(s)] if m is not None]
    equal: dict[int, str] = {}
    for index, constraint in enumerate(constraints):
        meaning, expression = plain_numbers(str(constraint.get("meaning", ""))), str(constraint.get("expression", ""))
        read = _comparison(expression)
        found = _TIMES_AS_MANY.search(meaning) or (said[0] if len(said) == 1 else None)
        if found is None or read is None or read[0] == "==" or read[2] != 0 or len(read[1]) != 2:
            continue
        meaning = found.string
        clause = next((c for c in _CLAUSE_BREAK.split(meaning) if found["times"] in c), meaning)
        if _FIRM_LOWER.search(clause) or _FIRM_UPPER.search(clause) or _MORE_OR_FEWER.search(clause.replace(found[0], " ")):
            continue  # the "more" of "2 times more protein bars than smoothies" is the multiple's own
        times = _stated_numbers(found["times"])
        weights = sorted(abs(w) for w in read[1].values())
        if len(times) == 1 and _equal(weights[0], 1.0) and _equal(weights[1], times[0]) and min(read[1].values()) < 0:
            equal[index] = re.sub(r"<=|>=", "==", expression, count=1)
    return equal


def counts_added_as_ones(elements: dict[str, Any], text: str) -> list[str]:
    """A constraint adding up the variables by ones against a number of things (stated once) that the text says
    how many of each variable carries or makes ("at least 300 visitors" as scooters + rickshaws >= 300 where "a
    scooter can carry 2 people while a rickshaw can carry 3"): it counts the variables, not the things. Words that
    count people count the same people. nl4opt-014 on the 1.5B at dde74f9 with three candidates: two agreed on 600
    for 75 with scooter_count >= 300 - rickshaw_count."""
    variables = [v for v in elements.get("variables", []) if isinstance(v, dict) and v.get("name")]
    expressions = [e for which, e in _element_expressions(elements) if not which]
    found = [
        f"{expressions[index]} adds up the variables one by one against {bound:g} {plural(counted)}, but the text"
        f" says how many {plural(unit)} one of each carries ({', '.join(f'{n} {row[n]:g}' for n in weights)}):"
        " weigh each variable by it"
        for index, (_, weights, bound), counted, unit, row in _added_as_ones(expressions, variables, text)
    ]
    return found[:2]


def counts_weighed_by_their_column(constraints: list[dict[str, Any]], variables: list[Any], text: str) -> dict[int, str]:
    """What code writes for a constraint counts_added_as_ones names, a plain sum of the variables against a number
    of things: the same sum with each variable weighed by how many of those things one of it carries, in the same
    direction (pigeons + owls <= 1000 for "the school only has 1000 treats available" where a pigeon "requires 3
    treats" and an owl "5 treats" → 3 * pigeons + 5 * owls <= 1000). nl4opt-010 on the 1.5B at b80d034 wrote that
    plain sum in four rounds however the rejection named the weights, and ended at the cap."""
    named = [v for v in variables if isinstance(v, dict) and v.get("name")]
    expressions = [str(c.get("expression", "")) for c in constraints]
    return {
        index: " + ".join(f"{row[n]:g} * {n}" for n in weights) + f" {sense} {bound:g}"
        for index, (sense, weights, bound), _, _, row in _added_as_ones(expressions, named, text)
        if all(_equal(w, 1.0) for w in weights.values())
    }


def _added_as_ones(
    expressions: list[str], variables: list[Any], text: str
) -> Iterator[tuple[int, tuple[str, dict[str, float], float], str, str, dict[str, float]]]:
    """Each comparison adding up two or more variables by ones (either sign) against a number of things stated
    once, with a column of the text's table counting the same things (or the same people) for each of them, not
    all by ones: its position, its reading as _bounded_sum gives it, the things the number counts, the column's
    unit and the column."""
    measures = _single_measures(text)
    columns = _columns(variables, text, contents=True).items()
    rows = [(unit, row) for (unit, what), (row, twice) in columns if not what and not twice and len(row) >= 2]
    for index, expression in enumerate(expressions):
        read = _bounded_sum(expression)
        if read is None or len(read[1]) < 2 or any(not _equal(abs(w), 1.0) for w in read[1].values()):
            continue
        counted = next((m for n, m in measures.items() if _equal(n, read[2]) and not m[1]), None)
        if counted is None or _is_measure(counted[0]) or counted[0] in _GENERIC_UNITS | _PACKED:
            continue
        for unit, row in rows:
            same = _stem(unit) == _stem(counted[0]) or {_stem(unit), _stem(counted[0])} <= _PERSONS
            if same and set(read[1]) <= set(row) and any(not _equal(row[n], 1.0) for n in read[1]):
                yield index, read, counted[0], unit, row
                break


def objective_weighed_by_a_ratio(elements: dict[str, Any], text: str) -> list[str]:
    """An objective weighing a variable by a number the text states only as how many times one amount is another
    ("at least 4 times as many throat swabs ... as nasal swabs"): a ratio of a requirement, no worth of one unit.
    nl4opt-114 on the 1.5B at 864165e maximized "the number of patients seen" as throat_swabs * 4 + nasal_swabs,
    verified at 15958 for 4347; nl4opt-171 at fb27aeb "the total number of bottles filled" as 2 * glass + plastic, for
    "at least twice as many plastic jars must be filled as glass jars" (93 for 70)."""
    objective = elements.get("objective")
    expression = str(objective.get("expression", "")) if isinstance(objective, dict) else ""
    read = _linear_of(expression) if expression else None
    if read is None:
        return []
    plain = plain_numbers(text)
    # a ratio in digits ("4 times as many") states its number once; one in a word ("twice as many") none
    ratios = [(m, 1) for s in sentences(plain) for m in _TIMES_AS_MANY.finditer(s)]
    ratios += [(m, 0) for s in sentences(plain) for m in _TWICE_AS_MANY.finditer(s)]
    stated = [n for m in NUMBER.finditer(plain) for n in [abs(float(m.group()))]]
    found = [
        (weight, m.group())
        for weight in {abs(w) for w in read[1].values()} - FREE_LITERALS
        for m, own in ratios
        if any_equal(_stated_numbers(m["times"]), [weight]) and sum(_equal(weight, n) for n in stated) <= own
    ]
    return [
        f"the objective {expression} weighs by {weight:g}, which the text states only as a ratio (“{words}”): the"
        " objective adds up what the question asks for, each variable by what one unit of it gives"
        for weight, words in found[:1]
    ]


_TIMES_AS_MANY = re.compile(
    r"(?P<times>\b(?:\d+(?:\.\d+)?|[a-z]+))\s+times\s+(?:as\s+(?:many|much)|the\s+number|more\b(?=[^,.;]*\bthan\b))\b",
    re.IGNORECASE,
)
_TWICE_AS_MANY = re.compile(r"(?P<times>\b(?:twice|double|triple|thrice))\s+as\s+(?:many|much)\b", re.IGNORECASE)
_MORE_OR_FEWER = re.compile(r"\b(?:more|fewer|less|greater|larger|smaller|exceed\w*|minimum|maximum)\b", re.IGNORECASE)


def _only_percents(text: str) -> list[float]:
    """The numbers a text states only as percentages ("33%" and no plain 33, nor a word for it: nl4opt-073's "3%" beside
    "three times as much"), but 0, 1 and 100."""
    percents = [float(m.group(1)) for m in PERCENT.finditer(plain_numbers(text))]
    plain = [abs(float(m.group())) for m in NUMBER.finditer(PERCENT.sub("", plain_numbers(text)))]
    plain += [float(n) for n in word_numbers(text)]
    return [p for p in percents if p not in FREE_LITERALS and not any(_equal(p, n) for n in plain)]


def misattributed_weights(elements: dict[str, Any], text: str) -> list[str]:
    """Weights of one variable that the text states for another alone: a clause of the text naming one variable
    only ("A serving of cashews contains 300 calories and 25 grams of protein") owns the numbers it states, and 25
    weighing almonds is the cashews' number. The 1.5B model wrote nl4opt-035's protein requirement as almonds * 25 +
    cashews * 20 >= 800 beside the right 20 * almonds + 25 * cashews >= 800 (and one more), three rounds."""
    found: list[str] = []
    owners = number_owners(elements.get("variables", []), text)
    for constraint in elements.get("constraints", []):
        expression = str(constraint.get("expression", "")) if isinstance(constraint, dict) else ""
        wrong = _misattributed(expression, owners)
        if wrong:
            weight, name, owner, clause = wrong
            found.append(
                f"{weight:g} is the number of {owner} (“{short(clause, 100)}”), but {expression} weighs {name} by it:"
                f" weigh each variable by its own number"
            )
    return found[:3]


def mixed_measures(elements: dict[str, Any], text: str) -> list[str]:
    """A constraint (or the objective) that adds up numbers the text states of two different things: the 1.5B model
    wrote nl4opt-100's paint as 3 * trains + 4 * planes <= 90, the 4 being a plane's units of wood ("A model plane
    requires 4 units of wood and 2 units of paint"), the 90 the units of paint available. Only numbers every
    statement of which says what they measure take part, so "3 units of wood and 3 units of paint" says nothing."""
    measures, nouns = _single_measures(text), counted_in_plural(text)
    found: list[str] = []
    for which, expression in _element_expressions(elements):
        read = _comparison(expression) if not which else _linear_of(expression)
        if read is None:
            continue
        weights = _measured([abs(w) for w in read[1].values()], measures)
        # a constraint's weights against its bound ("3 litres of orange for every 2 litres of mango" compares two
        # things and bounds nothing); the objective's weights against each other
        firsts = _measured([abs(read[2])], measures) if not which else weights
        counts = nouns if not which else frozenset()  # an objective may add up people counted as students and as riders
        things = _things_counted(text) if not which else frozenset()
        pair = next(((a, b) for a in firsts for b in weights if a is not b and _other_measure(a[1], b[1], counts, things)), None)
        if pair:
            (one, first), (other, second) = pair
            found.append(
                f"{which}{expression} adds up {one:g} ({measure_words(first)}) and {other:g} ({measure_words(second)}):"
                " each sum holds the numbers of one thing; write each requirement with its own numbers"
            )
    return found[:3]


def _measured(numbers: list[float], measures: dict[float, tuple[str, str]]) -> list[tuple[float, tuple[str, str]]]:
    return [(n, m) for n in numbers if n not in FREE_LITERALS for value, m in measures.items() if _equal(n, value)]


def _single_measures(text: str) -> dict[float, tuple[str, str]]:
    """Each number of the text that every statement of which says what it measures, the same each time."""
    measured: dict[float, list[tuple[str, str]]] = {}
    for value, word, what in number_measures(text):
        measured.setdefault(value, []).append((_money_as_dollar(word), what))
    stated: dict[float, int] = {}
    for match in NUMBER.finditer(plain_numbers(text)):
        stated[abs(float(match.group()))] = stated.get(abs(float(match.group())), 0) + 1
    return {v: ms[0] for v, ms in measured.items() if len(set(ms)) == 1 and stated.get(v) == len(ms)}


def _other_measure(
    one: tuple[str, str], other: tuple[str, str], nouns: frozenset[str], things: frozenset[str] = frozenset()
) -> bool:
    """Do two measures certainly differ: two things ("of wood", "of paint"), or money and a unit, or two units of
    different dimensions (minutes and kg), or two things counted in the plural (`nouns`: "50 toys", "16 operators"),
    or a count of `things` ("300 light fixtures", "45 guests") and an amount of something else ("5 units of
    electricity")? A word after a number that may not be a noun ("30 pill vaccines", "20 large boxes") says nothing
    more."""
    (unit, what), (other_unit, other_what) = one, other
    if what and other_what:  # "meat slicer" and "meat packer"; "labor" is "labor time"; "pollutant" is "pollution"
        words, others = {_word_root(w) for w in what.split()}, {_word_root(w) for w in other_what.split()}
        return not (words <= others or others <= words)
    if (unit == "$") != (other_unit == "$") and (what or other_what):
        return True  # money and an amount of a thing ("$3" of profit, "0.8 kg of regular candy"): nl4opt-140
    if bool(what) != bool(other_what):  # "300 light fixtures" against "5 units of electricity": nl4opt-047
        (count, _), (measure, thing) = (one, other) if other_what else (other, one)
        of_a_thing = measure in _GENERIC_UNITS or _is_measure(measure)
        if count in things and not _is_measure(count) and of_a_thing:
            return _stem(count) not in {_stem(w) for w in thing.split()}
        if _is_measure(count) and _is_measure(measure) and different_dimensions(count, measure):
            return True  # "300 calories" against "20 grams of protein": nl4opt-020 on the 1.5B at b80d034
    if what or other_what or unit == other_unit or {_stem(unit), _stem(other_unit)} <= _PERSONS:
        return False  # "4600 customers" and "50 tourists" per sedan may count the same people
    if "$" in (unit, other_unit) and {unit, other_unit} & things:
        return True  # money and a count of things ("a maximum of 150 headphones" weighed by the profits): nl4opt-159
    if {unit, other_unit} <= nouns and not {unit, other_unit} & (_PACKED | _GENERIC_UNITS):
        return not (_is_measure(unit) and _is_measure(other_unit)) or different_dimensions(unit, other_unit)
    units = [u for u in (unit, other_unit) if u != "$" and _is_measure(u)]
    if "$" in (unit, other_unit):
        return len(units) == 1
    return len(units) == 2 and different_dimensions(unit, other_unit)


def _word_root(word: str) -> str:
    """A word's first six letters where it has more ("pollutant", "pollution" → "pollut"), else its stem."""
    stem = _stem(word)
    return stem[:6] if len(stem) > 6 else stem


_PERSONS = frozenset(
    {
        "customer",
        "guest",
        "local",
        "passenger",
        "patient",
        "peopl",
        "person",
        "rider",
        "student",
        "tourist",
        "traveler",
        "visitor",
    }
)
"""Words that count people: texts call the same people by several of them ("4600 customers", "seats 50 tourists")."""


def _things_counted(text: str) -> frozenset[str]:
    """The words numbers of the text count whole things by: nouns in the plural ("45 guests" → guest), and a word
    between a number and such a noun, as `number_measures` reads it ("300 light fixtures" → light); not a word before
    a unit ("60 free hours")."""
    found = set(counted_in_plural(text))
    for m in re.finditer(r"(?<![\w.])\d+(?:\.\d+)?\s+([A-Za-z]+)\s+([A-Za-z]+)", plain_numbers(text)):
        word, head = m.group(1).lower(), m.group(2).lower()
        if head.endswith("s") and not head.endswith("ss") and not is_unit(head) and not is_unit(word):
            found.add(word)
    return frozenset(found - _GENERIC_UNITS - _PACKED)


def measure_words(measure: tuple[str, str]) -> str:
    """A measure in words: ("hour", "meat slicer") → "hours of meat slicer", ("$", "") → "$"."""
    unit, what = measure
    return "$" if unit == "$" else f"{plural(unit)} of {what}" if what else plural(unit)


def misattributed_beside_a_reading(constraints: list[dict[str, Any]], variables: list[Any], text: str) -> list[dict[str, Any]]:
    """The constraints `misattributed_weights` names whose bound another constraint, weighing no variable by
    another's number, also reads: the misattributed reading is left out (nl4opt-035 on the 1.5B: almonds * 25 +
    cashews * 20 >= 800 beside 20 * almonds + 25 * cashews >= 800)."""
    owners = number_owners(variables, text)
    read = [(c, _comparison(str(c.get("expression", "")))) for c in constraints]
    wrong = [(c, r) for c, r in read if r is not None and _misattributed(str(c.get("expression", "")), owners)]
    right = [r for c, r in read if r is not None and all(c is not w for w, _ in wrong)]
    return [c for c, r in wrong if any(_equal(r[2], other[2]) and r[1].keys() == other[1].keys() for other in right)]


def number_owners(variables: list[Any], text: str) -> dict[float, tuple[str, str]]:
    """Each number the text states once, in a clause that names one variable only, with that variable and the
    clause. A variable is named by the words of its name no other variable's name has ('densely' of
    densely_seated_lifts), each at least three letters."""
    owners: dict[float, tuple[str, str]] = {}
    stated: dict[float, int] = {}
    for clause, named in _clauses_naming(variables, text):
        spoken = [float(n) for n in word_numbers(clause)] + [_FRACTIONS[w.lower()] for w in _FRACTION.findall(clause)]
        for number in [abs(float(m.group())) for m in NUMBER.finditer(plain_numbers(clause))] + spoken:
            stated[number] = stated.get(number, 0) + 1
        counted = {value for value, _ in counted_numbers(clause)}  # "25 grams", not "40%" (a share of them all)
        for number in clause_numbers(plain_numbers(clause)):
            if len(named) == 1 and number in counted:
                owners[number] = (named[0], clause.strip())
    return {n: owner for n, owner in owners.items() if stated.get(n) == 1}


def numbers_by_measure(variables: list[Any], text: str) -> dict[tuple[str, str], dict[str, float]]:
    """What one unit of each variable takes or gives, by what it measures, as the clauses naming one variable only
    state it: "To produce one batch of hams requires 4 hours on the meat slicer and 2.5 hours on the meat packer"
    → {("hour", "meat slicer"): {hams: 4, ...}, ("hour", "meat packer"): {hams: 2.5, ...}}; only what two variables
    or more have (a column of the problem's table)."""
    return {m: row for m, (row, _) in _columns(variables, text).items() if len(row) >= 2 and (m[1] or _is_measure(m[0]))}


def _columns(variables: list[Any], text: str, contents: bool = False) -> dict[tuple[str, str], tuple[dict[str, float], bool]]:
    """Every measure the clauses naming one variable only state, counts of things too ("50 toys"), with the first
    value each variable has of it and whether a variable has two different ones (then which is which is unclear:
    "sells for $8 and costs $5"). With `contents`, not the clauses that bound a number ("at least 20,000 square
    feet of hardwood" is no square footage of one unit of hardwood)."""
    table: dict[tuple[str, str], tuple[dict[str, float], bool]] = {}
    for clause, named in _clauses_naming(variables, text):
        bounding = contents and bool(_FIRM_LOWER.search(clause) or _FIRM_UPPER.search(clause))
        for value, unit, what in number_measures(clause) if len(named) == 1 and not bounding else ():
            key = (_money_as_dollar(unit), what)
            row, twice = table.get(key, ({}, False))
            first = row.setdefault(named[0], value)
            table[key] = (row, twice or not _equal(first, value))
    return table


def written_from_columns(sentence: str, variables: list[Any], text: str) -> list[str]:
    """The constraints a sentence states when each of its numbers bounds a column of the text's table: one value of
    it for every variable, each stated in a clause of its own ("A model train requires 3 units of wood", "A model
    plane requires 4 units of wood"), the bound in a clause that names no variable and says which way it bounds
    ("The hobbyist has available 120 units of wood" → 3 * trains + 4 * planes <= 120). [] where any number of the
    sentence is not such a bound (code then leaves the sentence to the LLM). The 1.5B model wrote nl4opt-100's wood
    with the paint of a plane in three rounds, and nl4opt-105's "Each machine runs for at most 4000 hours" as one
    batch's slicer and packer hours in one sum, however the rejection named it."""
    names = [str(v["name"]) for v in variables if isinstance(v, dict) and v.get("name")]
    # what a variable is: its name and the head of its meaning ("number of model trains made (requires 3 units of
    # wood ...)" is no amount of wood)
    heads = [f"{v.get('name', '')} {_HEAD.split(str(v.get('meaning', '')))[0]}" for v in variables if isinstance(v, dict)]
    amounts = [_said(head) for head in heads]  # of every variable ("grams of fibre from figs"), not of one's name
    columns = {
        m: row
        for m, (row, twice) in _columns(variables, text, True).items()
        if not twice and set(row) == set(names) and not all(_measured_by_variables(m, said) for said in amounts)
    }
    own = _own_name_words(variables)
    if not columns or any(_named_by(own[n], _said(_without_measured(sentence))) for n in names):
        return []  # a sentence that names a variable states what it takes or gives ("For each acre of blueberries"),
        # not one that names it only as what a number measures ("450 units of platinum" beside platinum_heavy)
    written: list[str] = []
    bounds: list[float] = []
    carried: str | None = None
    for clause in _CLAUSE_BREAK.split(plain_numbers(sentence)):
        senses = _bound_senses(clause)
        if _LIST_GOES_ON.match(clause):  # "has 1345 grams of substance A, 346 grams of substance B, ..."
            senses = [(n, sense or carried) for n, sense in senses]
        carried = senses[-1][1] if senses else None
        for value, unit, what in number_measures(clause):
            sense = next((senses.pop(i)[1] for i, (n, _) in enumerate(senses) if _equal(n, value)), None)
            unit = _money_as_dollar(unit)
            keys = [m for m in columns if m == (unit, what)] or [m for m in columns if m[0] == unit and not what]
            plain = [m for m in columns if m[0] == unit and not m[1]]
            if not keys and what and unit not in _GENERIC_UNITS | _PACKED and len(plain) == 1:
                keys = plain  # "3000 kWh of electricity available" bounds the kWh each machine consumes
            if len(keys) > 1 and not what:  # "3000 minutes available for shaping and 4000 for baking"
                keys = _told_apart(keys, _words_after(clause, value)) or keys
            # "each machine runs at most 4000 hours" bounds every column of hours; "each store needs at least 20
            # bags" bounds something per store, not the bags of all the variables together
            if sense is None or (len(keys) > 1) != bool(_EACH.search(clause)):
                continue
            for key in keys:
                written.append(" + ".join(f"{columns[key][n]:g} * {n}" for n in names) + f" {sense} {value:g}")
            bounds += [value] if keys else []
    stated = clause_numbers(plain_numbers(sentence))
    return written if written and all(any(_equal(n, b) for b in bounds) for n in stated) else []


_DIGITS = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")
"""A number of a clause written in digits (not the 5 of "x5" or the 5 of "0.5")."""


def _told_apart(keys: list[tuple[str, str]], words: str) -> list[tuple[str, str]]:
    """The one column whose own words (those no other column's name has) the words name; [] for none or several."""
    said = _said(words)
    stems = {k: {_stem(w) for w in re.findall(r"[a-z]+", k[1].lower())} for k in keys}
    named = [k for k in keys if (stems[k] - set().union(*(stems[o] for o in keys if o != k))) & said]
    return named if len(named) == 1 else []


def _words_after(clause: str, value: float) -> str:
    """The words of a clause from its number `value` up to its next number."""
    spans = list(_DIGITS.finditer(clause))
    for i, number in enumerate(spans):
        if _equal(float(number.group()), value):
            return clause[number.end() : spans[i + 1].start() if i + 1 < len(spans) else len(clause)]
    return ""


def objective_restated(constraints: list[dict[str, Any]], objective: str, text: str) -> list[dict[str, Any]]:
    """The constraints that bound the objective's own sum (the same weights on the same variables) by a number the
    text does not state: the question's prices written as a bound on the profit. The 1.5B model wrote nl4opt-105's
    "If the profit per batch of hams is $150 ... to maximize profit?" as ham_batches * 150 + pork_rib_batches * 300
    <= (4000 * 2) * 2.5, verified at 19950 for 342750. So do those bounded by a number of another sentence, written
    for a sentence that requires nothing and does not state it, beside a constraint bounded by that number with other
    weights (its sentence's reading of it): nl4opt-121's "Each carrot is sold for a profit of
    $0.75 and each cucumber ... $0.80" as 0.75 * carrots + 0.80 * cucumbers <= 500, the 500 of the spending limit
    (verified at 500 for 507.8). A bound the text states under a sentence with a requirement's words ("a profit of
    at least $500", or a number written under another such sentence) stays, for the Verifier to judge."""
    read = _linear_of(objective)
    if read is None:
        return []
    goal, stated = read[1], _stated_numbers(plain_numbers(text))
    if len(goal) < 2:
        return []  # a bound of the one variable asked for may be derived ("vans >= 2000 / (50 + 100)", nl4opt-075)
    reads = [r for r in map(_comparison, (str(c.get("expression", "")) for c in constraints)) if r is not None]
    restated: list[dict[str, Any]] = []
    for constraint in constraints:
        bound = _comparison(str(constraint.get("expression", "")))
        if bound is None or bound[1].keys() != goal.keys():
            continue
        same = all(_equal(bound[1][n], goal[n]) for n in goal) or all(_equal(-bound[1][n], goal[n]) for n in goal)
        sentence = plain_numbers(str(constraint.get("meaning", "")))
        stating = _QUESTION.split(sentence)[0]  # not the question's "how many ... should be made"
        of_data = not REQUIREMENT.search(stating) and not any_equal(_stated_numbers(sentence), [abs(bound[2])])
        another = any(_equal(abs(r[2]), abs(bound[2])) and r[1].keys() == goal.keys() and r[1] != bound[1] for r in reads)
        if same and ((of_data and another) or not any(_equal(abs(bound[2]), n) for n in stated)):
            restated.append(constraint)
    return restated


_QUESTION = re.compile(r",?\s*\b(?:how (?:many|much)|what)\b", re.IGNORECASE)


def beside_code_readings(constraints: list[dict[str, Any]], code: list[str], text: str) -> list[dict[str, Any]]:
    """The constraints (not among those `code` wrote from the text's table) that bound by a number code's constraints
    bound, where the text states that number once: another reading of a requirement code read from the table, with
    every variable's own number (the 1.5B model wrote nl4opt-105's pork ribs as pork_rib_batches * (2 + 3.5) <= 4000
    beside the machines' two 4000-hour constraints code wrote, verified at 305400 for 342750; nl4opt-100's "3 *
    trains + 2 * planes <= 120", a plane's paint for its wood, beside 3 * trains + 4 * planes <= 120). Also those
    weighing by the fraction of a percentage the text states once that code wrote as a share: nl4opt-001 on the 1.5B
    at fb27aeb wrote "at least 60% of the total number of pills must be small" again under the first sentence, as 2 *
    large_pills + small_pills >= 0.6 * (large_pills + small_pills), beside code's small_pills >= 0.6 * (...)."""
    bounds = [r[2] for r in (_comparison(e) for e in code) if r is not None]
    percents = [p for p in _only_percents(text) if _written_once(p, text)]
    shares = [v for e in code for v in expression_literals(e) if v not in FREE_LITERALS and any_equal(percents, [100 * v])]
    found: list[dict[str, Any]] = []
    for constraint in constraints:
        expression = str(constraint.get("expression", ""))
        read = _comparison(expression)
        if expression in code or read is None:
            continue
        if any_equal(shares, expression_literals(expression)):
            found.append(constraint)
        elif read[2] and any_equal(bounds, [read[2]]) and _written_once(abs(read[2]), text):
            found.append(constraint)
    return found


def _written_once(number: float, text: str) -> bool:
    return sum(1 for m in NUMBER.finditer(plain_numbers(text)) if _equal(abs(float(m.group())), number)) == 1


def readings_the_other_way(constraints: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Of two constraints bounding one sum by one number from both sides, the one against the words that bound the
    number where the text states it once ("has 1000 units" bounds from above, "needs 300 hours" from below). The 1.5B
    model wrote nl4opt-001's "A lab has 1000 units of medicinal ingredients" as 3 * large_pills + 2 * small_pills >=
    1000 beside the right <= 1000 (verified at 550 for 350), and nl4opt-135's "needs 300 hours" as <= 300 too under a
    data sentence. Where no words tell, `forced_equal` names the pair."""
    reads = [(c, _bounded_sum(str(c.get("expression", "")))) for c in constraints]
    found: list[dict[str, Any]] = []
    for constraint, read in reads:
        if read is None or read[0] == "==" or not _written_once(read[2], text):
            continue
        sense, weights, bound = read
        if not any(
            o is not None
            and o[0] not in (sense, "==")
            and _equal(o[2], bound)
            and o[1].keys() == weights.keys()
            and _same_weights(o[1], weights)
            for _, o in reads
        ):
            continue
        said = _senses_of(bound, text)
        if said and said[0] is not None and said[0] != sense:
            found.append(constraint)
    return found


def derived_bounds(constraints: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A bound of one variable by a quotient of the text's numbers whose dividend bounds a sum of the variables in
    another constraint: derived from that requirement, implied by it where the divisor is the variable's own weight
    and wrong where it is not. nl4opt-037 on the 1.5B at 0d8c20d wrote stubby <= 3000 / 150 (the shaping minutes
    over a stubby jar's baking minutes) beside 50 * thin + 30 * stubby <= 3000, verified at 200 for 239."""
    reads = [_comparison(str(c.get("expression", ""))) for c in constraints]
    sums = [abs(r[2]) for r in reads if r is not None and len(r[1]) > 1]
    return [
        c
        for c, read in zip(constraints, reads, strict=True)
        if read is not None and len(read[1]) == 1 and any_equal(_dividends(str(c.get("expression", ""))), sums)
    ]


def _dividends(expression: str) -> list[float]:
    """The numbers an expression divides by a number ("3000 / 150" → 3000)."""
    node = _expression_node(expression)
    found: list[float] = []
    for inner in ast.walk(node) if node is not None else ():
        if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Div):
            left, right = _linear(inner.left), _linear(inner.right)
            if left is not None and right is not None and not left[0] and not right[0] and left[1]:
                found.append(abs(left[1]))
    return found


def written_as_a_share(sentence: str, variables: list[Any], text: str = "") -> list[str]:
    """The constraint a sentence states when it only says what share of all the variables one of them may or must be
    ("at most 33% of the fruits he eats can be mangoes" → mangoes <= 0.33 * (bananas + mangoes)): the whole names no
    variable, what follows the share's verb names one. [] for anything else, and where the sentence states other
    numbers. The 1.5B model wrote nl4opt-125's share as mangoes <= 33 * (bananas + mangoes) and nl4opt-145's as
    crab_cakes + lobster_rolls <= 0.4 * (crab_cakes + lobster_rolls). A whole measured in a unit ("at least 30% of
    tons of candles must be transported through air") is a share of what the variables carry: weighed by the text's
    column of that unit (5 tons a freight trip, 3 an air trip), read from the `text` (code wrote nl4opt-176's as a
    share of the trips at fb27aeb, verified at 46 for 48)."""
    found = _SHARE_OF_ALL.search(plain_numbers(sentence))
    names = [str(v["name"]) for v in variables if isinstance(v, dict) and v.get("name")]
    if found is None or len(names) < 2:
        return []
    share = float(found["share"]) / 100
    if not all(_equal(n, share) or _equal(n, share * 100) for n in clause_numbers(plain_numbers(sentence))):
        return []
    own = _own_name_words(variables)
    subject = [n for n in names if _named_by(own[n], _said(found["part"]))]
    if len(subject) != 1 or any(_named_by(own[n], _said(found["whole"])) for n in names):
        return []
    sense = ">=" if re.fullmatch(_LOWER, found["word"], re.IGNORECASE) else "<="
    whole = {_stem(w) for w in re.findall(r"[a-z]+", found["whole"].lower())}
    columns = [
        row
        for (unit, _), (row, twice) in (_columns(variables, text, True).items() if text else ())
        if _stem(unit) in whole - {_stem(u) for u in _GENERIC_UNITS} and not twice and set(row) == set(names)
    ]
    if not columns:
        return [f"{subject[0]} {sense} {share:g} * ({' + '.join(names)})"]
    if len(columns) > 1:
        return []
    row = columns[0]
    return [f"{row[subject[0]]:g} * {subject[0]} {sense} {share:g} * ({' + '.join(f'{row[n]:g} * {n}' for n in names)})"]


def shares_against_their_words(constraints: list[dict[str, Any]], variables: list[Any], text: str = "") -> dict[int, str]:
    """Constraints writing the share their sentence states of all the variables (`written_as_a_share`) the other way,
    by index, each as the sentence says it. nl4opt-034 on the 1.5B at dde74f9: "only a maximum of 40% of the
    transportation can be using trolleys", which code had written right, asked again after the solver named it in a
    conflict, came back as trolleys >= 0.4 * (carts + trolleys) and was verified at 48 for 84."""
    turned: dict[int, str] = {}
    for index, constraint in enumerate(constraints):
        said = written_as_a_share(str(constraint.get("meaning", "")), variables, text)
        mine, theirs = _bounded_weights(str(constraint.get("expression", ""))), _bounded_weights(said[0] if said else "")
        if mine is not None and theirs is not None and _opposite(mine, theirs):
            turned[index] = said[0]
    return turned


def _bounded_weights(expression: str) -> dict[str, float] | None:
    """A comparison of variables with no constant as the weights of `weights <= 0` (a >= b read as b <= a); None for
    anything else."""
    read = _comparison(expression) if expression else None
    if read is None or read[0] == "==" or read[2] != 0:
        return None
    return read[1] if read[0] == "<=" else {n: -w for n, w in read[1].items()}


def _opposite(weights: dict[str, float], others: dict[str, float]) -> bool:
    """Do two `_bounded_weights` bound the same variables the other way round?"""
    return weights.keys() == others.keys() and all(_equal(weights[n], -others[n]) for n in weights)


def _measured_by_variables(measure: tuple[str, str], said: set[str]) -> bool:
    """Do the variables' names or meanings say they are amounts of the measure ("bandwidth of link 1 in MHz",
    "dollars invested in stocks")? Then a variable's number of it is a bound of the variable, not what one unit takes."""
    unit, what = measure
    if unit == "$":
        return bool(said & {"dollar", "$", "money", "invest", "invested", "budget"})
    return all(_stem(w) in said for w in (what or unit).split())


def _bound_senses(clause: str) -> list[tuple[float, str | None]]:
    """Each number of a clause with the way its words bound it: '>=' for "at least", "a minimum of", "needs"; '<='
    for "at most", "available", "has a budget of". The words nearest before the number decide (those of a firm bound
    over "needs" and "has"), else those after it up to the next number ("3000 kWh of electricity available"), else it
    bounds as the number before it ("has available 120 units of wood and 90 units of paint"), or as the one after it
    that "and" joins it to ("450 units of platinum and 390 units of palladium available"); None where no word says."""
    spans = list(_DIGITS.finditer(clause))
    senses: list[tuple[float, str | None]] = []
    for i, number in enumerate(spans):
        before = clause[spans[i - 1].end() if i else 0 : number.start()]
        after = clause[number.end() : spans[i + 1].start() if i + 1 < len(spans) else len(clause)]
        sense = _nearest_sense(before, nearest_last=True) or _nearest_sense(after, nearest_last=False)
        senses.append((float(number.group()), sense or (senses[-1][1] if senses else None)))
    for i in reversed(range(len(senses) - 1)):  # "450 units of platinum and 390 units of palladium available"
        between = clause[spans[i].end() : spans[i + 1].start()]
        if senses[i][1] is None and re.search(r"\band\s+$", between):
            senses[i] = (senses[i][0], senses[i + 1][1])
    return senses


def _senses_of(number: float, text: str) -> list[str | None]:
    """The way the words bound each statement of a number in the text (`_bound_senses`, clause by clause)."""
    return [
        sense
        for sentence in sentences(text)
        for clause in _CLAUSE_BREAK.split(plain_numbers(sentence))
        for n, sense in _bound_senses(clause)
        if _equal(n, number)
    ]


def _nearest_sense(words: str, nearest_last: bool) -> str | None:
    for lower, upper in ((_FIRM_LOWER, _FIRM_UPPER), (_NEEDS, _HAS)):
        found = sorted([(m.start(), ">=") for m in lower.finditer(words)] + [(m.start(), "<=") for m in upper.finditer(words)])
        if found:
            return found[-1 if nearest_last else 0][1]
    return None


_NEEDS = re.compile(r"\b(?:needs?|needed|needing|must|requir\w*|demand\w*|(?:has|have|had) to)\b", re.IGNORECASE)
_HAS = re.compile(  # not "has to deliver 100 kg/min", a need (nl4opt-034 at dde74f9, written <= by code)
    r"\b(?:available|(?:has|have)(?!\s+to\b)|holds?|stock|only|limit|limits|limited|capacity|budget"
    r"|can (?:be )?(?:use|used|consume|spend|produce|produced))\b",
    re.IGNORECASE,
)
_HEAD = re.compile(r"[(,;:]| - ")
"""Where a variable's meaning goes on past what the variable is."""
_EACH = re.compile(  # not a period: "each week 1200 minutes are available" bounds one sum a week
    r"\b(?:each|every)\b(?!\s+(?:day|week|month|year|hour|shift|season)s?\b)|\b(?:both|all)\b", re.IGNORECASE
)


def _clauses_naming(variables: list[Any], text: str) -> Iterator[tuple[str, list[str]]]:
    """Each clause of the text with the variables it names; none where a variable is never named or the text says
    one thing shares a number with another ("at the same speed"). A clause that goes on a list of numbers ("Each kg
    of fertilizer A contains 13 units of nitrogen, 5 units of phosphoric acid") names what the clause before named."""
    own = _own_name_words(variables)
    names = list(own)
    if _SHARED.search(text) or any(not _named_by(own[n], _said(text)) for n in names):
        return
    stems = {n: _name_stems(n) for n in names}
    for sentence in sentences(text):
        before: list[str] = []
        for clause in _SUBJECT_BREAK.split(plain_numbers(sentence)):  # not "20,000" as "20" and "000"
            named = [n for n in names if _named_by(own[n], _said(clause))]
            named = [n for n in named if not any(stems[n] < stems[o] for o in named)]  # "Oil Max Pro" names no oil_max
            if len(named) > 1:  # "A chop saw can work 25 pounds of steel": the steel measured names no steel cutter
                named = [n for n in named if _named_by(own[n], _said(_without_measured(clause)))] or named
            if not named and len(before) == 1 and _LIST_GOES_ON.match(clause):
                named = before
            before = named
            yield clause, named


def _without_measured(clause: str) -> str:
    """A clause without what its numbers measure, up to the next joining word ("25 pounds of steel and" → "25 pounds
    and", "3 units of sleep-inducing medicine and" → "3 units and"; not "Each kilogram of the regular mix"; "200 acres
    of land on which he must process hay using either a windrower" stops at "on": nl4opt-081)."""
    return _MEASURED_THING.sub(lambda m: m["amount"], clause)


_MEASURED_THING = re.compile(
    r"(?P<amount>(?<![\w.])\d+(?:\.\d+)?\s*(?:(?!(?:and|or|but|of|on)\b)[A-Za-z]+\s*){1,2})(?:of|on)\s+(?:(?:the|a|an)\s+)?[A-Za-z]+"
    r"(?:[\s-]+(?!(?:and|or|but|while|whereas|per|each|every|to|for|in|at|on|from|with|by|is|are|which|that|where|who|using|can|could|must|should|will|may|has|have)\b)[A-Za-z]+)*",
    re.IGNORECASE,
)


_LIST_GOES_ON = re.compile(r"\s*(?:and\s+)?(?:(?:can|could|will|may)\s+[a-z]+\s+)?[$]?\s*\d")
"""A clause that goes on the list of the one before: "2 wires", "and $5", "and can plate 5 coins"."""


def _said(piece: str) -> set[str]:
    """The stems of a piece's words, each two words after each other ("supplement a") for names told apart by a
    letter or a number, two words as one name writes them joined ("hay harvester" → hayharvester: nl4opt-081 on the
    1.5B at fb27aeb named no variable hayharvester_acres, so code wrote no bound from the table), and names joined by
    an ampersand ("R&B" → rb, rnb, randb)."""
    raw = re.findall(r"[a-z]+|\d+", piece.lower())
    words = [_stem(w) for w in raw]
    joined = {f"{a}{glue}{b}" for a, b in _AMPERSAND.findall(piece.lower()) for glue in ("", "n", "and")}
    together = {_stem(a + b) for a, b in pairwise(raw) if a.isalpha() and b.isalpha()}
    return {*words, *(f"{a} {b}" for a, b in pairwise(words)), *joined, *together}


_AMPERSAND = re.compile(r"\b([a-z]+)\s*&\s*([a-z]+)\b")


def _own_name_words(variables: list[Any]) -> dict[str, set[str]]:
    """Each variable's name → the stems of its name's words (three letters or more) that no other variable's name has;
    for names told apart only by a letter or a number (supplement_a, demonstration1), the word before it and it
    ("supplement a")."""
    names = [str(v.get("name", "")) for v in variables if isinstance(v, dict) and v.get("name")]
    tokens = {n: re.findall(r"[a-z]+|\d+", n.lower()) for n in names}
    words = {n: _name_stems(n) for n in names}
    own: dict[str, set[str]] = {}
    for n, ws in words.items():
        others = [o for o in names if o != n]
        own[n] = ws - set().union(*(words[o] for o in others))
        if not own[n] and len(ws) >= 2 and all(ws < words[o] for o in others if ws <= words[o]):
            # a name inside another's (oil_max beside oil_max_pro): its words one after the other, "oil max", which
            # `_clauses_naming` does not take for it where the other is named too
            own[n] = {" ".join(_stem(t) for t in tokens[n] if len(t) >= 3 and not t.isdigit())}
        labels = [(a, b) for a, b in pairwise(tokens[n]) if len(b) < 3 or b.isdigit()]
        if not own[n] and others:
            own[n] = {f"{_stem(a)} {b}" for a, b in labels if all(b not in tokens[o] for o in others)}
        if not own[n] and others:  # a two-letter name of its own ("pH_tests" beside "salinity_tests": ph)
            own[n] = {t for t in tokens[n] if len(t) == 2 and t.isalpha() and t not in _SHORT_WORDS} - {
                t for o in others for t in tokens[o]
            }
    return own


def _name_stems(name: str) -> set[str]:
    """The stems of a variable name's words of three letters or more."""
    return {_stem(w) for w in re.findall(r"[a-z]+", name.lower()) if len(w) >= 3}


_SHORT_WORDS = frozenset({"of", "to", "in", "on", "at", "by", "or", "an", "as", "is", "it", "no", "per", "we", "us"})


def _misattributed(expression: str, owners: dict[float, tuple[str, str]]) -> tuple[float, str, str, str] | None:
    read = _comparison(expression) or _linear_of(expression)
    if read is None:
        return None
    for name, weight in read[1].items():
        owner = next((o for n, o in owners.items() if _equal(abs(weight), n)), None)
        if owner is not None and weight not in FREE_LITERALS and owner[0] != name:
            return weight, name, owner[0], owner[1]
    return None


def _linear_of(expression: str) -> tuple[str, dict[str, float], float] | None:
    node = _expression_node(expression)
    read = _linear(node) if node is not None else None
    return ("", read[0], read[1]) if read is not None else None


def _stem(word: str) -> str:
    """A word's form without its plural or final e, a final f as v ('loaves', 'loaf' → 'loav'; 'stoves', 'stove' →
    'stov'; 'horses', 'horse' → 'hors'). nl4opt-164 on the 1.5B at 864165e: 'stoves' read as 'stof' named no
    stove, so the minutes of mover time were never a column and the 1.5B's sums were sent back three rounds."""
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    for ending in ("es", "s", "e"):
        if len(word) > len(ending) + 2 and word.endswith(ending) and not word.endswith("ss"):
            word = word[: -len(ending)]
            break
    return word[:-1] + "v" if word.endswith("f") and not word.endswith("ff") else word


def _named_by(own: set[str], words: set[str]) -> bool:
    """Do the words of a clause name a variable by one of its own words (the same stem, or its first four letters;
    two words only as they are)?"""
    return any(w in words or (" " not in w and any(len(w) >= 4 and x.startswith(w[:4]) for x in words)) for w in own)


_SHARED = re.compile(r"\b(?:same|identical|likewise|equally|similar\w*)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;]|\b(?:while|whereas|but)\b", re.IGNORECASE)
_SUBJECT_BREAK = re.compile(r"[,;]|\b(?:while|whereas|but)\b|\band\s+(?=(?:each|every)\b)", re.IGNORECASE)
"""Where a clause of one thing ends: also before "and each" ("Each train can transport 120 people per hour and each
tram can transport 30 people per hour": nl4opt-198 on the 1.5B at 5fb3f49 wrote trains + trams >= 600 for "at least
600 people", sent back three rounds for the 120 and 30 unused, the column of people never read)."""


def _own_literals(sentence: str, expression: str) -> list[float]:
    """The numbers an expression writes that its sentence states."""
    own = _stated_numbers(sentence)
    return [v for v in expression_literals(expression) if any(_equal(v, n) for n in own)]


def writes_numbers_of(sentence: str, expressions: list[str]) -> bool:
    """Do the expressions write a number of the sentence: one of its digits or number words, a share's word ("one
    third" → 3), or the reciprocal of one (a rate per unit written as a division)?"""
    own = [*expression_literals(sentence), *_stated_numbers(sentence)]
    own += [1 / n for n in own if n]
    return any(_equal(v, n) for e in expressions for v in expression_literals(e) for n in own)


def _stated_numbers(text: str) -> list[float]:
    """The numbers a text states: in digits (a percentage also as its fraction), as words ('twice'), and as the
    denominator of a share's word ('a third' → 3)."""
    stated = [*clause_numbers(text), *(float(n) for n in word_numbers(text))]
    return stated + [_FRACTIONS[w.lower()] for w in _FRACTION.findall(text)]


def short(text: str, limit: int = 160) -> str:
    """A text for a message, on one line and at most `limit` characters."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sense_conflict(text: str, sense: str) -> str | None:
    """An error when the text asks only to maximise (minimise) and the model does the opposite."""
    wants_max, wants_min = bool(_MAXIMISE.search(text)), bool(_MINIMISE.search(text))
    if wants_max and not wants_min and sense == "min":
        return "the text asks to maximize, but the model's objective minimizes"
    if wants_min and not wants_max and sense == "max":
        return "the text asks to minimize, but the model's objective maximizes"
    return None


def integrality_conflict(text: str, summary: dict[str, Any], variables: Sequence[Any] = ()) -> str | None:
    """An error when the text speaks of whole units or yes/no choices and no variable of the model is integer; not
    where it only asks "how many" and every one of the `variables` is an amount of a measure (`continuous_amounts`)."""
    cue = whole_units_cue(text)
    if _how_many_of_each(text) and variables and all(_is_an_amount(v) for v in variables):
        return None
    if cue and summary.get("variables") and not summary.get("integer_variables"):
        return f"the text speaks of whole units or choices ('{cue}'), but every variable of the model is continuous"
    return None


def whole_units_cue(text: str) -> str | None:
    """The words by which the text speaks of whole units or yes/no choices ('how many', 'integer'), if it does; none
    for 'how many kg of each' (an amount of a measure) nor for a text that asks for an LP (a linear program has no
    integer variables)."""
    cue = _whole_units_match(text)
    return cue.group(0) if cue else None


def _whole_units_match(text: str) -> re.Match[str] | None:
    if _LINEAR_PROGRAM.search(text):
        return None
    return next((c for c in _WHOLE_UNITS.finditer(text) if not _measures(text[c.end() :], True, _ASKED_MEASURES)), None)


def _how_many_of_each(text: str) -> bool:
    """Is the text's cue of whole units only "how many of each" (nor "how many plots", nor "integer")? Of variables
    that are amounts of a measure (acres, litres), it asks that amount: nl4opt-180 and nl4opt-113 on the 1.5B, litres
    of juice and acres of fruit sent back three rounds as continuous (labels 101.8 and 166.7; as integers 105, 166)."""
    cue = _whole_units_match(text)
    return cue is not None and cue.group(0).lower() == "how many" and re.match(r"\s+of\b", text[cue.end() :]) is not None


def continuous_amounts(variables: list[dict[str, str]], text: str) -> list[str]:
    """The integer variables that may be fractional: all of them where the text asks for an LP, else those whose
    meaning is an amount of a measure ('number of acres planted with blueberries', 'kg of the first mix') where the
    text speaks of no whole units. The 1.5B model made nl4opt-055's acres integers ("Formulate an LP problem"):
    verified at 14325 for 14375."""
    lp = bool(_LINEAR_PROGRAM.search(text))
    if not lp and whole_units_cue(text) and not _how_many_of_each(text):
        return []  # "integer", "whole units", "how many plots": of amounts too
    # time where the question asks for it ("How many minutes of each beam")
    timed = any(_measures(text[c.end() :], True, ("second",)) for c in _WHOLE_UNITS.finditer(text))
    measures = _ASKED_MEASURES if timed else _MEASURES
    return [
        v["name"]
        for v in variables
        if v.get("domain") in ("nonnegative integer", "integer") and (lp or _is_an_amount(v, measures))
    ]


def _is_an_amount(variable: Any, measures: tuple[str, ...] | None = None) -> bool:
    """Is a variable's meaning an amount of a measure ('number of acres of apples grown', 'litres of juice')?"""
    meaning = str(variable.get("meaning", "")) if isinstance(variable, dict) else ""
    return _measures(meaning, measures=measures or _MEASURES)


_LINEAR_PROGRAM = re.compile(r"\b(?:LP|linear program(?:ming)?(?! with integer))\b(?!.*\binteger)", re.DOTALL)
_MEASURES = ("kg", "meter", "meter ** 2", "liter")
"""Mass, length, area and volume: what 'how many kg (liters, acres, square feet) of each' asks for is an amount that
may be fractional (nl4opt-050, 'how many kg of each should be prepared': rejected three times as continuous). Units
pint also knows as counts ('units', 'bags', 'cups') stay cues of whole units. Time is such an amount only where it is
asked for ('How many minutes of each beam': nl4opt-013, 1.5, at the cap at f5d5b2f for its continuous minutes), not
in a variable's meaning ('chairs made per week')."""
_ASKED_MEASURES = (*_MEASURES, "second")
"""The measures 'how many ... of each' asks an amount of: time too."""


def _measures(words: str, first: bool = False, measures: tuple[str, ...] = _MEASURES) -> bool:
    """Do the words name a unit of mass, length, area or volume ('kg of each', 'square feet')? With `first`, only
    the first one or two words are read (what follows 'how many')."""
    found = [w for w in re.findall(r"[A-Za-z]+", words) if len(w) > 1]
    found = found[:2] if first else found
    names = [" ".join(found[i : i + 2]) for i in range(len(found) - 1)] + found
    measured = [n for n in names if n.lower() not in _PACKED and is_unit(n)]
    return any(same_dimension(name, m) for name in measured for m in measures)


_PACKED = frozenset(
    {
        "bag",
        "bags",
        "cup",
        "cups",
        "rod",
        "rods",
        "chain",
        "chains",
        "stone",
        "stones",
        "point",
        "points",
        "in",
        "at",
        "bus",
        "buses",
        "hand",
        "hands",
        "shot",
        "shots",
        "link",
        "links",
        "pole",
        "poles",
        "perch",
    }
)
"""Words pint reads as measures (a bag, a cup, a point, an inch) that count whole things, or are no unit, in a word
problem."""


def code_literals(code: str) -> list[float]:
    """The finite numbers written in the code. An integer no float holds (a small model looping on a digit wrote one
    hundreds of digits long) is left out: it is no number of the text, and an infinite one would equal every number
    within a relative tolerance (the expression's check names it as unstated)."""
    if not code:
        return []
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    values = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    ]
    return [float(v) for v in values if abs(v) <= sys.float_info.max and not math.isnan(v)]


def unit_mismatches(parameters: list[dict[str, Any]]) -> list[str]:
    """Pairs of parameters in different units of the same quantity; units pint does not know (USD, trips) are skipped."""
    seen: list[tuple[str, str]] = []
    found: list[str] = []
    for parameter in parameters:
        unit, name = str(parameter.get("unit") or "").strip(), str(parameter.get("name", "?"))
        if not unit or not is_unit(unit):
            continue
        for other_name, other_unit in seen:
            if other_unit != unit and same_dimension(unit, other_unit) and not _same_scale(unit, other_unit):
                found.append(f"{name} is in {unit} and {other_name} in {other_unit}: convert one before the model combines them")
                break
        seen.append((name, unit))
    return found


def _same_scale(unit: str, other: str) -> bool:
    try:
        return abs(convert(1.0, unit, other) - 1.0) < 1e-12
    except UnitError:
        return False


def one_bound_two_readings(elements: dict[str, Any], text: str) -> list[str]:
    """A number the text states once, in a sentence that says nothing of 'each', bounding two constraints over the
    same variables with different coefficients: one requirement read two ways, at least one of them wrong. The
    1.5B model was verified wrong so: nl4opt-030 (cows + elephants >= 1000 beside 20 * cows + 50 * elephants >=
    1000 for "at least 1000 bricks": 1000 animals for 29) and nl4opt-045 (the 1345 grams of substance A bounding
    the profits too). The two may bound in opposite directions (nl4opt-030 at 2065476: cows + elephants <= 1000
    beside 20 * cows + 50 * elephants >= 1000). Where what the text counts the number in tells which reading is
    wrong (`misread_bounds`), the message names it."""
    found: list[str] = []
    counted = counted_numbers(text)
    priced = _objective_weights(elements.get("objective"))
    for bound, first, second in _two_readings(elements.get("constraints", []), text):
        wrong = _misreading(first, second, counted)
        noun = first[2]
        neither = wrong is None and noun and not _counts(first[0], noun, counted) and not _counts(second[0], noun, counted)
        where = _counting(noun, bound, text) if neither else []
        as_priced = _priced_reading(first, second, priced, bound, text) if wrong is None else None
        if as_priced is not None:
            found.append(
                f"the text states {bound:g} once, in words that say nothing of what the objective measures, but"
                f" {as_priced[1]} weighs the variables as the objective does: leave it out, and keep"
                f" {(second if as_priced is first else first)[1]}"
            )
        elif where:
            # nl4opt-000 on the 1.5B model: "at least 300 ducks" as boats + canoes >= 300 beside the minutes per trip,
            # 20 * boats + 40 * canoes >= 300, three rounds, neither counting ducks; another sentence states them.
            found.append(
                f"the text states {bound:g} once, counting {plural(noun)}, but neither {first[1]} nor {second[1]} weighs"
                f" the variables by the {plural(noun)} each one counts, which “{short(where[0], 120)}” states: write the"
                " requirement once, with those numbers"
            )
        elif wrong is None:
            found.append(
                f"the text states {bound:g} once, but it bounds two constraints that weigh the same variables"
                f" differently ({first[1]}; {second[1]}): write the requirement it belongs to once, with the"
                " coefficients of that requirement"
            )
        else:
            right = second if wrong is first else first
            found.append(
                f"the text states {bound:g} once, counting {plural(wrong[2])}, as the coefficients of {right[1]}"
                f" do; {wrong[1]} reads it as something else: leave it out"
            )
    return found[:3]


def misread_bounds(constraints: list[dict[str, Any]], text: str, objective: Any = None) -> list[dict[str, Any]]:
    """Of two constraints that a number stated once bounds with different weights, the one whose weights do not
    count what the text counts the number in, where the other's do: "at least 1000 bricks", "a cow can carry 20
    bricks ... an elephant 50 bricks" make 20 * cows + 50 * elephants >= 1000 the requirement and cows + elephants
    <= 1000 a misreading (the 1.5B model wrote it for nl4opt-030 in every round, sent back each time). Else the one
    weighted as the `objective` is, where the bound's sentence says nothing of what the objective measures
    (`_priced_reading`)."""
    counted = counted_numbers(text)
    priced = _objective_weights(objective)
    wrong = (
        _misreading(first, second, counted) or _priced_reading(first, second, priced, bound, text)
        for bound, first, second in _two_readings(constraints, text)
    )
    return [reading[3] for reading in wrong if reading is not None]


def profits_beside_costs(constraints: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Of two constraints bounded by one number, the one that weighs by a unit's profit beside a unit's cost, where the
    other weighs by costs alone (or by profits alone): "spend at most $300000 on making the desktops" written both as
    2000 * premium + 1000 * regular <= 300000 and premium * 2000 + regular * 300 <= 300000, the 300 a regular
    desktop's profit (nl4opt-173 on the 1.5B at 5fb3f49, sent back three rounds as two readings of one bound)."""
    plain = plain_numbers(text)
    profits = [float(m["value"] or m["before"]) for m in _PROFIT.finditer(plain)]
    costs = [float(m["value"]) for m in _COST.finditer(plain)]
    kinds = {v: "profit" for v in profits if not any_equal(costs, [v])}
    kinds.update({v: "cost" for v in costs if not any_equal(profits, [v])})

    def kinds_of(read: tuple[str, dict[str, float], float]) -> set[str]:
        return {k for w in read[1].values() for v, k in kinds.items() if _equal(abs(w), v)}

    reads = [(c, _comparison(str(c.get("expression", "")))) for c in constraints]
    bounded = [(c, r) for c, r in reads if r is not None and r[2]]
    return [
        c
        for c, r in bounded
        if kinds_of(r) == {"profit", "cost"}
        and any(o is not c and _equal(o_r[2], r[2]) and len(kinds_of(o_r)) == 1 for o, o_r in bounded)
    ]


def partial_readings(constraints: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Of two constraints that a number stated once bounds the same way, the one that is the other less some of its
    terms (the weights it keeps unchanged): "at least 1500 boxes" read as 50 * van_trips + 80 * truck_trips >= 1500
    and again, under the sentence of the trips' costs, as van_trips * 50 >= 1500 (nl4opt-175 on the 1.5B at a311e52,
    verified at 30 trips for 24). The text states the requirement once, for the whole sum; a part of it bounded alone
    is a stronger requirement the text does not make (or, as an upper bound, one the whole already implies)."""
    bounded = [(c, _once_stated_bound(str(c.get("expression", "")), text)) for c in constraints]
    reads = [(c, read) for c, read in bounded if read is not None]
    return [
        part
        for part, (sense, weights, bound) in reads
        if any(
            other_sense == sense
            and _equal(other_bound, bound)
            and set(weights) < set(whole)
            and all(_equal(w, whole[n]) for n, w in weights.items())
            for _, (other_sense, whole, other_bound) in reads
        )
    ]


def _objective_weights(objective: Any) -> dict[str, float] | None:
    """The objective's weights when it is a weighted sum of variables without a constant."""
    read = _linear_of(str(objective.get("expression", "")) if isinstance(objective, dict) else "")
    return read[1] if read is not None and read[1] and read[2] == 0 else None


def _priced_reading(
    first: _Reading, second: _Reading, priced: dict[str, float] | None, bound: float, text: str
) -> _Reading | None:
    """Of two readings of one bound, the one weighted exactly as the objective is, where the other is not and no
    sentence stating the bound speaks of what the objective measures: the 1.5B model wrote nl4opt-055's "John has
    $10000 to spend on watering" as 22 * blueberries + 25 * raspberries <= 10000 and also as 56 * blueberries + 75 *
    raspberries <= 10000, the profits per acre, three rounds running (and nl4opt-045's grams bounding the profits)."""
    if not priced:
        return None
    one, other = (reading[0].keys() == priced.keys() and _same_weights(reading[0], priced) for reading in (first, second))
    if one == other:
        return None
    asked = asked_quantity(text)
    words = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", asked.phrase if asked else "")} - _VAGUE
    stating = [s for s in sentences(text) if any(_equal(bound, v) for v in clause_numbers(plain_numbers(s)))]
    if not words or any(w in s.lower() for s in stating for w in words):
        return None
    return first if one else second


_VAGUE = frozenset({"total", "amount", "number", "overall", "maximum", "minimum", "value"})


_Reading = tuple[dict[str, float], str, str, dict[str, Any]]
"""A constraint read as a bounded sum: its weights, its expression, what its bound counts, the constraint."""


def _two_readings(constraints: list[Any], text: str) -> list[tuple[float, _Reading, _Reading]]:
    seen: dict[tuple[frozenset[str], float], _Reading] = {}
    counted = counted_numbers(text)
    pairs: list[tuple[float, _Reading, _Reading]] = []
    for constraint in constraints:
        expression = str(constraint.get("expression", "")) if isinstance(constraint, dict) else ""
        read = _once_stated_bound(expression, text)
        if read is None:
            continue
        _, weights, bound = read
        key = (frozenset(weights), bound)
        noun = next((word for value, word in counted if _equal(value, bound)), "")
        reading = (weights, expression, noun, constraint)
        if key in seen and not _same_weights(seen[key][0], weights):
            pairs.append((bound, seen[key], reading))
        seen.setdefault(key, reading)
    return pairs


def _once_stated_bound(expression: str, text: str) -> tuple[str, dict[str, float], float] | None:
    """`_bounded_sum` of a constraint whose bound is a number the text states once (not 0, 1 or 100) and the
    expression writes as a number (not one its arithmetic makes: 2 * (0.3 * p2 + 0.05)); None otherwise."""
    read = _bounded_sum(expression)
    if read is None or read[2] in FREE_LITERALS or not any(_equal(read[2], v) for v in expression_literals(expression)):
        return None
    return read if _times_stated(read[2], text) == 1 else None


def _misreading(first: _Reading, second: _Reading, counted: tuple[tuple[float, str], ...]) -> _Reading | None:
    """The reading whose weights do not count what the bound counts (`counted`: the text's numbers with what each
    counts), where the other's all do; None if unclear."""
    noun = first[2]
    if not noun:
        return None
    one, other = _counts(first[0], noun, counted), _counts(second[0], noun, counted)
    return None if one == other else (second if one else first)


def _counting(noun: str, bound: float, text: str) -> list[str]:
    """The sentences of the text that count `noun` with a number other than `bound` ("a boat can take 10 ducks")."""
    return [s for s in sentences(text) if any(word == noun and not _equal(v, bound) for v, word in counted_numbers(s))]


def _counts(weights: dict[str, float], noun: str, counted: tuple[tuple[float, str], ...]) -> bool:
    """Do the weights (those other than 1) all count `noun`, each a number the text counts it in?"""
    stated = [w for w in weights.values() if not _equal(w, 1.0)]
    return bool(stated) and all(any(_equal(w, v) and word == noun for v, word in counted) for w in stated)


def objective_offset_by_a_bound(elements: dict[str, Any], text: str = "") -> list[str]:
    """An objective that adds or subtracts the bound of one of the model's constraints measures the distance from a
    requirement, not the asked quantity, and reports a shifted value: nl4opt-030 on the 1.5B at 6c96cca minimized
    'cows * 20 + elephants * 50 - 1000' (bricks beyond the 1000 required) for 'the minimum number of animals'. With the
    `text`, also a bound its words state that no constraint holds: nl4opt-216 at fb27aeb maximized "(2500 - 5 *
    small_wells - 10 * large_wells) + 2 * small_wells + 5 * large_wells", the drill bits left beside the oil, for "The
    company has available 2500 drill bits" (verified at 2500 for 1125)."""
    objective = elements.get("objective")
    expression = str(objective.get("expression", "")) if isinstance(objective, dict) else ""
    node = _expression_node(expression)
    read = _linear(node) if node is not None else None
    if read is None or not read[0] or read[1] == 0:
        return []
    for constraint in elements.get("constraints", []):
        written = str(constraint.get("expression", "")) if isinstance(constraint, dict) else ""
        bounded = _bounded_sum(written)
        if bounded is not None and _equal(abs(read[1]), bounded[2]):
            return [
                f"the objective ({expression}) is shifted by {read[1]:g}, the bound of the constraint {written}: the objective"
                " is the asked quantity itself, not its distance from a requirement"
            ]
    said = _senses_of(abs(read[1]), text)
    if said and all(s is not None for s in said):
        return [
            f"the objective ({expression}) is shifted by {read[1]:g}, a bound the text states: the objective is the asked"
            " quantity itself, and the bound a constraint"
        ]
    return []


def forced_equal(elements: dict[str, Any], text: str) -> list[str]:
    """Two constraints that bound the same difference from both sides (x <= y beside y <= x, or x - y <= 0 beside
    x - y >= 0) make the two sides equal, which a text that never speaks of equal amounts does not ask: nl4opt-030
    on the 1.5B at 406e292 was verified at 30 for 29 with elephants <= cows and cows <= elephants, both written for
    sentences that each bound one way ("cannot exceed", "at most twice"). So do two that bound one sum by one number
    from both sides: nl4opt-001 on the 1.5B at fb27aeb wrote "A lab has 1000 units of medicinal ingredients" as 3 *
    large_pills + 2 * small_pills >= 1000 beside the right <= 1000, verified at 550 for 350."""
    if _EQUAL_WORDS.search(text):
        return []
    seen: list[tuple[dict[str, float], float, str]] = []
    for constraint in elements.get("constraints", []):
        expression = str(constraint.get("expression", "")) if isinstance(constraint, dict) else ""
        read = _comparison(expression) if expression else None
        if read is None or read[0] == "==" or len(read[1]) < 2:
            continue
        # as weights <= bound: a >= b + 3 is b - a <= -3
        flip = -1.0 if read[0] == ">=" else 1.0
        weights, bound = {n: flip * w for n, w in read[1].items()}, flip * read[2]
        for other, other_bound, written in seen:
            if not _opposite(other, weights) or not _equal(bound, -other_bound) or (bound and _WHOLE.search(text)):
                continue
            together = f"make {' and '.join(sorted(weights))} equal" if not bound else f"hold one sum at {abs(bound):g}"
            return [
                f"{written} and {expression} together {together}, which the text does not say: each sentence"
                " bounds one way; write each requirement in its own direction"
            ]
        seen.append((weights, bound, expression))
    return []


def bounds_unwritten(elements: dict[str, Any], text: str) -> list[str]:
    """A firm bound of the text ("He must have at least 5 shifts on a scooter") that no constraint of the model bounds
    by: no constraint's constant is its number (nor one past it, as whole units write "more than"). nl4opt-082 on the
    1.5B at 0d8c20d left that sentence without a constraint and was verified at $2150 for $1965: its 5 was the weight
    of another sentence ("takes 5 units of energy"), so no unused number showed the requirement missing. A sentence
    about one unit ("A van can carry at most 50 boxes") states what the unit holds where the model weighs by it; a
    constraint without a constant bounds by its weights ("at least 3 litres of orange for every 2 of mango" as 2 *
    orange >= 3 * mango, "up to 100 Mbit/s when on" as load_a <= 100 * on_a, an average "at least 89")."""
    constants: list[float] = []
    weights: list[float] = []
    for which, expression in _element_expressions(elements):
        read = _comparison(expression) if not which else _linear_of(expression)
        if read is None and not which:
            return []  # sums over sets, parameters by name, a curve: what it bounds by is not read here
        if read is not None:
            weights += [abs(w) for w in read[1].values()]
            bounds = [abs(read[2])] if read[2] else [abs(n) for n in expression_literals(expression)]  # a ratio's
            constants += [b * scale for b in bounds for scale in _UNIT_SCALES] if not which else []
    errors: list[str] = []
    for sentence in sentences(text):
        plain = plain_numbers(sentence)
        missing = [
            found
            for found in _BOUND_BEFORE.finditer(plain)
            if not _SCALE_AFTER.match(plain, found.end())
            and not any(_equal(k, float(found["number"]) + step) for k in constants for step in (-1, 0, 1))
            and not (_ONE_UNIT.match(plain) and any_equal(weights, [float(found["number"])]))
        ]
        if missing:
            words = " and ".join(f"“{f['word']} {f['number']}”" for f in missing)
            errors.append(
                f"“{short(sentence, 140)}” sets a bound ({words}) that no constraint of the model bounds by: write"
                " that requirement as a constraint"
            )
    return errors


_SCALE_AFTER = re.compile(r"\s*(?:percent|per cent|times|fold|d[bB]\w*)\b", re.IGNORECASE)
_UNIT_SCALES = (1.0, 1e3, 1e-3, 1e6, 1e-6, 1e9, 1e-9, 60.0, 1 / 60, 3600.0, 1 / 3600)
"""A bound in one unit written in another (MHz as Hz, minutes as hours) is the same bound."""
_ONE_UNIT = re.compile(r"\s*(?:each|every|one|per|an?(?!\s+(?:minimum|maximum|total)\b))\b", re.IGNORECASE)


_LOWER = r"at least|no less than|not less than|no fewer than|not fewer than|a minimum of|minimum of"
_UPPER = r"at most|no more than|not more than|up to|a maximum of|maximum of|(?:cannot|can not|must not|does not|may not) exceed"
_BOUND_BEFORE = re.compile(
    rf"\b(?P<word>{_LOWER}|{_UPPER})\s+(?:a total of\s+)?[$€£]?\s*(?P<number>\d+(?:\.\d+)?)(?!\s*%|\.\d|\d)", re.IGNORECASE
)
_FIRM_LOWER = re.compile(rf"\b(?:{_LOWER})\b", re.IGNORECASE)
_FIRM_UPPER = re.compile(rf"\b(?:{_UPPER})\b", re.IGNORECASE)
_SHARE_OF_ALL = re.compile(
    rf"\b(?P<word>{_LOWER}|{_UPPER})\s+(?:[a-z]+\s+)?(?P<share>\d+(?:\.\d+)?)\s*(?:%|percent\b)\s+of\s+"
    r"(?P<whole>[^,.;]*?)\s+(?:(?:should|must|can|could|may|will|shall|are|is|has to|have to|need to|needs to)\s+"
    r"(?:be\s+|come\s+)?|as\s+)(?P<part>(?:(?!\b(?:because|since|so|while|whereas|if|when|as)\b)[^,.;])*)",
    re.IGNORECASE,
)
"""'at most 33% of the fruits he eats can be mangoes', 'at most perform 40% of his concerts as R&B because ...'."""


def against_their_words(elements: dict[str, Any], text: str = "") -> list[str]:
    """A constraint that bounds its sentence's number the other way than the sentence's words ("a total of at least
    60,000 square feet" written as hardwood + vinyl <= 60000: nl4opt-005 on the 1.5B at 2ba6e3d, then reported
    infeasible). Only the number right after the words ("at least 60,000", "cannot exceed 1000"), and only a
    constraint that bounds a sum of variables by that number, written in it (not "6 - x + 10 - y <= 12" for "up to 4").
    With the `text`, also a constraint written under another sentence than the one stating its number, where the
    text states it once (nl4opt-230 on the 1.5B at a311e52: "at least 2000 units of oil" as 30 * containers + 40 *
    trucks <= 2000 under "A container can hold 30 units of oil", verified at 15 for 60)."""
    return [
        f"{constraint.get('expression')} bounds {number} from {'above' if lower else 'below'}, but the text says"
        f" “{words}”: write it with {'>=' if lower else '<='}"
        for constraint, number, words, lower in _against_their_words(elements.get("constraints", []), text)
    ]


def share_words_inverted(constraints: list[dict[str, Any]], variables: list[Any]) -> dict[int, str]:
    """Constraints that read "A is at least a third of B" as A >= 3 * B (the share's denominator on the wrong side),
    by index, each with the constraint its sentence says (3 * A >= B). The subject is the variable all of whose own
    name words come before the share's words, the whole the one all of whose come after. The 1.5B model wrote
    nl4opt-040's "the number of senior accountants should be at least a third of the number to junior accountants"
    as seniors >= 3 * juniors (reported infeasible)."""
    own = _own_name_words(variables)
    names = list(own)
    turned: dict[int, str] = {}
    for index, constraint in enumerate(constraints):
        meaning, expression = str(constraint.get("meaning", "")), str(constraint.get("expression", ""))
        share = _SHARE_WORD.search(meaning)
        read = _comparison(expression)
        if share is None or read is None or read[2] != 0 or len(read[1]) != 2:
            continue
        k = _FRACTIONS[share.group(1).lower()]
        head, tail = _CLAUSE_BREAK.split(meaning[: share.start()])[-1], _CLAUSE_BREAK.split(meaning[share.end() :])[0]
        before, after = _said(head), _said(tail)
        subject = [n for n in names if own[n] and all(_named_by({w}, before) for w in own[n])]
        whole = [n for n in names if own[n] and all(_named_by({w}, after) for w in own[n])]
        if len(subject) != 1 or len(whole) != 1 or subject == whole or set(read[1]) != {subject[0], whole[0]}:
            continue
        sign = read[1][subject[0]]
        if abs(sign) == 1 and _equal(read[1][whole[0]], -sign * k):
            a, b = subject[0], whole[0]
            turned[index] = f"{k:g} * {a} {read[0]} {b}" if sign > 0 else f"{b} {read[0]} {k:g} * {a}"
    return turned


def multiples_inverted(constraints: list[dict[str, Any]], variables: list[Any]) -> dict[int, str]:
    """Constraints that read "at most twice the amount of A as B" (or "A at most 3 times the number of B") with the
    multiple on A's side, by index, each with the constraint its words say (A <= 2 * B). A is the variable named
    between the multiple and "as" where one is, else the one named before the multiple; B the one named after. The
    1.5B model wrote nl4opt-106's "he only has enough resources to grow at most twice the amount of cucumbers as
    potatoes" as 2 * potatoes <= cucumbers, verified at 30700 for 30000; nl4opt-073's "at least three times as much as"
    with the 3% of another sentence."""
    own = _own_name_words(variables)
    turned: dict[int, str] = {}
    for index, constraint in enumerate(constraints):
        meaning, expression = plain_numbers(str(constraint.get("meaning", ""))), str(constraint.get("expression", ""))
        found, read = _MULTIPLE.search(meaning), _comparison(expression)
        if found is None or read is None or read[0] == "==" or len(read[1]) != 2:
            continue
        if read[2] != 0 and any_equal(_stated_numbers(meaning), [abs(read[2])]):
            continue  # a constant the sentence states ("twice B plus 10"); one from another sentence is not its own
        k = _MULTIPLES.get(found["times"].lower()) or next(iter(_stated_numbers(found["times"])), None)
        head = _CLAUSE_BREAK.split(meaning[: found.start()])[-1]
        tail = _CLAUSE_BREAK.split(meaning[found.end() :])[0]
        inner, _, after = tail.partition(" as ") if found["of"] and " as " in tail else ("", "", tail)
        compared = _COMPARED.match(tail)  # "1.5 times more pH tests than salinity tests", "3 times as many A as B"
        if not found["of"] and compared is not None:
            inner, after = compared["more"] or compared["many"], compared["after"]

        subject, whole = _named_in(inner, own) or _named_in(head, own), _named_in(after, own)
        if k is None or len(subject) != 1 or len(whole) != 1 or subject == whole or set(read[1]) != {*subject, *whole}:
            continue
        a, b = subject[0], whole[0]
        sense = ">=" if found["bound"].lower() in _LOWER.split("|") else "<="
        right = f"{a} {sense} {k:g} * {b}"
        # the multiple on a's side (k * a <= b), the other way round (a >= k * b for "at most"), or another number
        # for k (nl4opt-073 at f5d5b2f: telecom >= 0.03 * healthcare, the 3% a telecom dollar earns, for "at least
        # three times as much as"): a comparison of the two the words state is written as they state it
        weighed = not (_equal(abs(read[1][a]), 1.0) and _equal(abs(read[1][b]), 1.0))  # not "more a than b" beside it
        if read[1][a] * read[1][b] < 0 and weighed and _comparison(right) != _comparison(expression):
            turned[index] = right
    return turned


def totals_unwritten(constraints: list[dict[str, Any]], variables: list[Any], text: str) -> list[dict[str, str]]:
    """The constraint, with its sentence as its meaning, of each amount the text states once of what every variable
    measures ("He has 50 acres available" where the variables are acres of apples and acres of pears), bounded one
    way by its words, that no constraint writes: all the variables added up against it. The 1.5B model left
    nl4opt-113's out three rounds at 5fb3f49 (at the cap, the 50 unused). Not an amount of one of them ("5 acres of
    apples"), of money, or of generic units."""
    named = [v for v in variables if isinstance(v, dict) and v.get("name")]
    if len(named) < 2:
        return []
    own = _own_name_words(named)
    words = [_own_words(str(v["name"]), named) for v in named]
    used = [v for c in constraints for v in expression_literals(str(c.get("expression", "")))]
    written: list[dict[str, str]] = []
    for sentence in sentences(text):
        for value, unit, what in number_measures(sentence):
            if unit in _GENERIC_UNITS or unit == "$" or value in FREE_LITERALS or any_equal(used, [value]):
                continue
            if (what and _named_in(what, own)) or not all(_stem(unit) in w for w in words) or _times_stated(value, text) != 1:
                continue
            senses = {sense for sense in _senses_of(value, text) if sense}
            if len(senses) == 1:
                total = " + ".join(str(v["name"]) for v in named)
                written.append({"expression": f"{total} {senses.pop()} {value:g}", "meaning": sentence})
    return written


def _named_in(piece: str, own: dict[str, set[str]]) -> list[str]:
    """The variables a piece of text names by all of their own name words (`_own_name_words`)."""
    said = _said(piece)
    return [n for n, words in own.items() if words and all(_named_by({w}, said) for w in words)]


def bounds_of_another_thing(elements: dict[str, Any], text: str) -> list[str]:
    """A constraint bounded by a number its sentence does not state, which the text's one bound by that number bounds
    for one variable the constraint leaves out ("must perform at least 250 pH tests" as 3 * salinity_tests >= 250
    under "Each unit of the salinity test requires three probes": nl4opt-088 on the 1.5B at f5d5b2f, verified at 1004
    for 1001 with the 250 also added to another sentence's comparison; "at most 10 hot-air balloon rides" as gondola *
    6 <= 10, nl4opt-103 at 5fb3f49, reported infeasible, where a balloon also makes 10 units of pollution). The
    variable is the one the words right after the number name by all of their own name words, up to the clause's end."""
    variables = [v for v in elements.get("variables", []) if isinstance(v, dict)]
    own = _own_name_words(variables)
    plain = plain_numbers(text)
    errors: list[str] = []
    for constraint in elements.get("constraints", []):
        if not isinstance(constraint, dict):
            continue
        expression, meaning = str(constraint.get("expression", "")), plain_numbers(str(constraint.get("meaning", "")))
        read = _comparison(expression)
        if read is None or not read[2] or any_equal(_stated_numbers(meaning), [abs(read[2])]):
            continue
        bounds = [found for found in _BOUND_BEFORE.finditer(plain) if _equal(float(found["number"]), abs(read[2]))]
        for found in bounds if len(bounds) == 1 else ():  # the one bound of the text by that number
            clause = re.split(r"[.?!](?:\s|$)", _CLAUSE_BREAK.split(plain[found.end() :])[0])[0]
            words = " ".join(clause.split()[:4])
            bounded = _named_in(words, own)
            if len(bounded) == 1 and bounded[0] not in read[1]:
                errors.append(
                    f"{expression} is bounded by {found['number']}, which the text states as the bound of"
                    f" {bounded[0]} (“{found['word']} {found['number']} {words}”), not of"
                    f" {' and '.join(sorted(read[1]))}: write that bound on {bounded[0]}"
                )
    return errors


def more_than_inverted(constraints: list[dict[str, Any]], variables: list[Any]) -> dict[int, str]:
    """Constraints that compare the two variables "more A than B" (or "fewer A than B") names the other way round, by
    index, each turned to the way the words say (A >= B; A <= B). The 1.5B model wrote nl4opt-143's "the company
    prefers to have more camel caravans than desert trucks" as camel_caravans <= desert_trucks at 6c45e2c, verified at
    50 for 136. Only a comparison of the two by ones, in a sentence that states no multiple of them."""
    own = _own_name_words(variables)
    turned: dict[int, str] = {}
    for index, constraint in enumerate(constraints):
        meaning, expression = plain_numbers(str(constraint.get("meaning", ""))), str(constraint.get("expression", ""))
        found, read = _MORE_THAN.search(meaning), _comparison(expression)
        multiple = any(p.search(meaning) for p in (_MULTIPLE, _TIMES_AS_MANY, _TWICE_AS_MANY))
        if found is None or multiple or read is None or read[0] == "==" or read[2] != 0:
            continue
        subject, other = _named_in(found["inner"], own), _named_in(found["after"], own)
        if len(subject) != 1 or len(other) != 1 or subject == other or set(read[1]) != {*subject, *other}:
            continue
        a, b = subject[0], other[0]
        if not (_equal(read[1][a], -read[1][b]) and _equal(abs(read[1][a]), 1.0)):
            continue
        # a on the big side; not after "no", "not", "cannot" in its clause ("There can be no more sleds than carts")
        negated = _NEGATED.search(_CLAUSE_BREAK.split(meaning[: found.start()])[-1]) is not None
        big = (found["word"].lower() == "more") != negated
        written_big = (read[1][a] > 0) == (read[0] == ">=")
        if big != written_big:
            turned[index] = f"{a} {'>=' if big else '<='} {b}"
    return turned


_NEGATED = re.compile(r"\b(?:no|not|cannot|can't|never|nor)\b", re.IGNORECASE)
_MORE_THAN = re.compile(r"\b(?P<word>more|fewer|less)\s+(?P<inner>[^,.;]+?)\s+than\s+(?P<after>[^,.;]+)", re.IGNORECASE)


_MULTIPLES = {"twice": 2.0, "double": 2.0, "triple": 3.0, "thrice": 3.0}
_MULTIPLE = re.compile(
    rf"\b(?P<bound>{_LOWER}|{_UPPER})\s+(?P<times>twice|double|triple|thrice|(?:\d+(?:\.\d+)?|[a-z]+)\s+times)"
    r"\s+(?:the\s+)?(?:(?P<of>amount|number|quantity)\s+of\b)?",
    re.IGNORECASE,
)
"""A bounded multiple: "at most twice the amount of", "at least 3 times the number of", "no more than double"."""
_COMPARED = re.compile(
    r"\s*(?:(?:more|fewer|less)\s+(?P<more>.+?)\s+than|as\s+(?:many|much)\s+(?P<many>.+?)\s+as)\s+(?P<after>.+)", re.IGNORECASE
)
"""What follows a multiple that compares two things: "more A than B", "as many A as B" (A the inner, B after)."""


def inverted_shares(elements: dict[str, Any]) -> list[str]:
    """`share_words_inverted` as the Verifier's messages."""
    constraints = [c for c in elements.get("constraints", []) if isinstance(c, dict)]
    inverted = share_words_inverted(constraints, elements.get("variables", []))
    return [
        f"{constraints[i].get('expression')} puts the share's denominator on the whole;"
        f" “{short(str(constraints[i].get('meaning', '')), 100)}” says {right}"
        for i, right in inverted.items()
    ]


_SHARE_WORD = re.compile(r"\b(?:a|one)\s+(half|third|quarter|fifth)\s+of\b", re.IGNORECASE)


def turned_to_their_words(constraints: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The constraints `against_their_words` names, each turned to bound its number the way its sentence says
    (the only comparison of the expression reversed); the others as they are. The 1.5B model wrote nl4opt-060's
    "needs at least 1000 guests every minute" with <= in three rounds, each sent back naming the >= it should be."""
    wrong = {id(c) for c, *_ in _against_their_words(constraints)}
    swap = {"<=": ">=", ">=": "<="}
    return [
        {**c, "expression": re.sub(r"<=|>=", lambda m: swap[m.group(0)], str(c["expression"]), count=1)} if id(c) in wrong else c
        for c in constraints
    ]


def _against_their_words(constraints: list[Any], text: str = "") -> Iterator[tuple[dict[str, Any], str, str, bool]]:
    """Each constraint bounding its sentence's number against the sentence's words (with the `text`, the words of the
    text where its sentence does not state the number and the text states it once): the constraint, the number as
    written, the words ('at least 1000') and whether they set a lower bound."""
    for constraint in constraints:
        if not isinstance(constraint, dict):
            continue
        read = _bounded_sum(str(constraint.get("expression", "")))
        if read is None or read[0] == "==":
            continue
        sense, _, bound = read
        written = expression_literals(str(constraint.get("expression", "")))
        meaning = plain_numbers(str(constraint.get("meaning", "")))
        elsewhere = text and not any_equal(clause_numbers(meaning), [bound]) and _times_stated(abs(bound), text) == 1
        for found in _BOUND_BEFORE.finditer(plain_numbers(text) if elsewhere else meaning):
            number = float(found["number"])
            if not (_equal(number, bound) and any(_equal(number, v) for v in written)):
                continue
            lower = re.fullmatch(_LOWER, found["word"], re.IGNORECASE) is not None
            if (sense == "<=") == lower:
                yield constraint, found["number"], f"{found['word']} {found['number']}", lower
                break


_SHARE_OF = re.compile(
    r"(?P<share>\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)\s+of\s+(?:all\s+|the\s+|its\s+|their\s+)*(?P<whole>[a-z]+)",
    re.IGNORECASE,
)


def share_of_one_for_the_whole(elements: dict[str, Any]) -> list[str]:
    """A share of a whole ("At most 40% of the birds can be owls") written as a share of one other variable
    (owls <= 0.4 * pigeons: nl4opt-010 on the 1.5B at 2ba6e3d, verified at 800 for 841). The whole is every variable
    the sentence's noun counts: a noun that names none of the variables by itself ("birds", "the total") is all of
    them; "40% of the pigeons" names pigeons, and is not held to this."""
    variables = [v for v in elements.get("variables", []) if isinstance(v, dict) and v.get("name")]
    names = [str(v["name"]) for v in variables]
    if len(names) < 2:
        return []
    errors: list[str] = []
    for constraint in elements.get("constraints", []):
        if not isinstance(constraint, dict):
            continue
        read = _comparison(str(constraint.get("expression", "")))
        if read is None or read[2] != 0 or len(read[1]) != 2:
            continue
        weights = read[1]
        for found in _SHARE_OF.finditer(str(constraint.get("meaning", ""))):
            share, whole = float(found["share"]) / 100, found["whole"].lower()
            [(one, w_one), (other, w_other)] = sorted(weights.items(), key=lambda item: -abs(item[1]))
            if not (_equal(abs(w_other), share) and _equal(abs(w_one), 1.0) and w_one * w_other < 0):
                continue  # not "one <= share * other"
            if any(_names(whole, name) for name in names):
                continue
            every = " + ".join(names)
            errors.append(
                f"{constraint.get('expression')} takes “{found.group()}” as a share of {other} alone; {found['share']}% of"
                f" the {whole} is a share of all of them ({every}): write {one} <= {share:g} * ({every}) or its >= form"
            )
            break
    return errors


def _names(noun: str, name: str) -> bool:
    """Does the noun ("pigeons") name the variable ("pigeons", "carrier_pigeons", "x_pigeon")?"""
    stem = noun.rstrip("s")
    return len(stem) >= 3 and stem in name.lower()


def _asked_sentence(text: str) -> str:
    """The sentence that asks what to optimise, where code finds one, else the whole text: "Since throwing games yield
    the most profit, ..." asks for no profit where the question maximizes the customers (nl4opt-201 at fb27aeb, a
    right objective sent back three rounds)."""
    asked = asked_quantity(text)
    return asked.sentence if asked is not None and asked.phrase and asked.sentence else text


_MONEY_WORD = r"(?:costs?|profits?|revenues?|earnings|income)"
_MONEY_ASKED = re.compile(
    r"\b(?:(?:lowest|least|minimum|minimal|smallest|cheapest|highest|maximum|largest|greatest|most|"
    rf"minimi[sz]\w*|maximi[sz]\w*|reduc\w*)\s+(?:[\w'’]+\s+){{0,3}}?{_MONEY_WORD}"
    rf"|{_MONEY_WORD}\s+(?:is|are|be|gets?)\s+(?:maximi[sz]ed|minimi[sz]ed))\b",  # "so that net revenue is maximized"
    re.IGNORECASE,
)
_MONEY = frozenset({"$", "dollar", "euro", "cent", "usd", "eur"})


def objective_without_its_prices(elements: dict[str, Any], text: str) -> list[str]:
    """An objective of money ("at the lowest cost", "maximize profit") whose coefficients are none of the money amounts
    the text states, where each of them is a number the text states: nl4opt-025 on the 1.5B at 2ba6e3d was verified
    at 16.5 for 7 with the grams of each pill as the cost ($1 and $3 per pill left to a constraint). A coefficient
    the model computed (a profit as price less cost) is not held to this."""
    asked = _MONEY_ASKED.search(_asked_sentence(text))
    money = [value for value, counted in counted_numbers(text) if counted in _MONEY]
    objective = elements.get("objective")
    if asked is None or len(money) < 2 or not isinstance(objective, dict):
        return []
    expression = str(objective.get("expression", ""))
    written = [v for v in expression_literals(expression) if v not in FREE_LITERALS]
    stated = _stated_numbers(text)
    read = _linear_of(expression)
    # all weights 1: a sum of counts (nl4opt-238 on the 1.5B at 5fb3f49: "maximize the store's profit" as phone +
    # laptop, verified at 75 for 2400), not of variables that are money themselves ("profit", "dollars in bonds")
    variables = [v for v in elements.get("variables", []) if isinstance(v, dict)]
    counts = read is not None and len(read[1]) >= 2 and all(not _own_words(n, variables) & _MONEY_WORDS for n in read[1])
    if not (written or counts) or any_equal(written, money) or not all(any_equal([v], stated) for v in written):
        return []
    amounts = ", ".join(f"${v:g}" for v in dict.fromkeys(money))
    return [
        f"“{asked.group()}” asks for an amount of money; the objective {expression} uses none of the text's money"
        f" amounts ({amounts}): an objective of money weighs each variable by what one unit costs or earns"
    ]


def objective_of_the_money_column(expression: str, variables: list[Any], text: str) -> str | None:
    """What code writes for an objective `objective_without_its_prices` names where the text's table has one column
    of money, what one unit of each variable costs or earns: nl4opt-085 on the 1.5B at b80d034 maximized "net
    revenue" as light_oil + non_sticky_oil + heavy_oil in three rounds ("Each tank of light oil produces a net revenue
    of $550", ...), at the cap. None where the table has no such column or several (a price and a cost)."""
    names = [str(v.get("name", "")) for v in variables if isinstance(v, dict) and v.get("name")]
    if not objective_without_its_prices({"variables": variables, "objective": {"expression": expression}}, text):
        return None
    rows = [row for (unit, _), (row, twice) in _columns(variables, text, True).items() if unit == "$" and not twice]
    if len(rows) != 1 or set(rows[0]) != set(names):
        return None
    return " + ".join(f"{rows[0][n]:g} * {n}" for n in names)


def profits_less_costs(elements: dict[str, Any], text: str) -> list[str]:
    """An objective of profit that subtracts a cost where the text states each unit's profit ("each mango is sold for
    a profit of $3"): the profit already is what a unit earns less what it costs. nl4opt-141 on the 1.5B at fb27aeb
    maximized 4 * mangos + 3 * guavas - 5 * mangos - 3 * guavas, the costs of the budget sentence taken off the
    profits (verified at -100 for 650)."""
    objective = elements.get("objective")
    if not isinstance(objective, dict) or not _PROFIT_ASKED.search(_asked_sentence(text)):
        return []
    profits = [float(m["value"] or m["before"]) for m in _PROFIT.finditer(plain_numbers(text))]
    costs = [float(m["value"]) for m in _COST.finditer(plain_numbers(text))]
    expression = str(objective.get("expression", ""))
    subtracted = [v for v in _subtracted_literals(expression) if any_equal(costs, [v]) and not any_equal(profits, [v])]
    first = {float(m.group()): m.start() for m in reversed(list(_DIGITS.finditer(expression)))}
    subtracted = sorted(dict.fromkeys(subtracted), key=lambda v: first.get(v, 0))
    if len(profits) < 2 or not subtracted:
        return []
    return [
        f"the text states each unit's profit ({', '.join(f'${v:g}' for v in profits)}), but the objective {expression}"
        f" takes {', '.join(f'${v:g}' for v in subtracted)} off as a cost: a profit already is a unit's earnings less its"
        " cost; weigh each variable by its profit"
    ]


def _subtracted_literals(expression: str) -> list[float]:
    """The numbers of an expression's terms taken off (- 5 * mangos, - 3 * guavas → 5, 3)."""
    node = _expression_node(expression)
    found: list[float] = []
    for sub in ast.walk(node) if node is not None else ():
        if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Sub):
            found += [v for v in expression_literals(ast.unparse(sub.right)) if v not in FREE_LITERALS]
        elif isinstance(sub, ast.UnaryOp) and isinstance(sub.op, ast.USub):
            found += [v for v in expression_literals(ast.unparse(sub.operand)) if v not in FREE_LITERALS]
    return found


_PROFIT_ASKED = re.compile(r"\b(?:maximi[sz]e|maximum|most)\b[^.?]*\bprofits?\b", re.IGNORECASE)
_PROFIT = re.compile(
    r"\bprofits?\s+(?:of\s+|per\s+\w+(?:\s+of\s+\w+)?\s+(?:is|of)\s+|(?:is|of)\s+)?\$\s?(?P<value>\d+(?:\.\d+)?)"
    r"|\$\s?(?P<before>\d+(?:\.\d+)?)\s+(?:in\s+)?profit",
    re.IGNORECASE,
)
_COST = re.compile(r"\bcosts?\b(?:\s+[a-z]+){0,4}\s+\$\s?(?P<value>\d+(?:\.\d+)?)", re.IGNORECASE)


_EQUAL_WORDS = re.compile(r"\b(?:equal\w*|same|exactly|as many|as much|balanced?|identical)\b|==", re.IGNORECASE)


_WHOLE = re.compile(r"\b(?:all|whole|entire\w*|full|fully|exhaust\w*|uses? up|used up|precisely)\b", re.IGNORECASE)
"""Words by which a text may ask for a sum at its bound exactly ("invest the whole amount", "use all 300 hours")."""
_EVERY_ONE = re.compile(r"\b(?:each|every|per|both|all)\b", re.IGNORECASE)
_HOW_MANY_OF_EACH = re.compile(r"\bhow (?:many|much) of each\b", re.IGNORECASE)
_PER_TIME = re.compile(r"\b(?:each|every|per)\s+(?:minute|hour|day|week|month|quarter|year|season|shift)s?\b", re.IGNORECASE)
"""A rate's period ('at least 1000 guests every minute', '50,000 square feet each week'): no 'each' of the things a
number counts per unit (nl4opt-060 and nl4opt-065 on the 1.5B: their once-stated bounds were not held to one reading)."""


def _times_stated(number: float, text: str) -> int:
    """How often the text writes the number, 0 where a sentence writing it speaks of each or every one (the question's
    "how many of each" speaks of the answer: nl4opt-000's "If at least 300 ducks need to be taken to shore, how many
    of each transportation method ..." states 300 once)."""
    count = 0
    for sentence in sentences(text):
        here = sum(1 for m in NUMBER.finditer(plain_numbers(sentence)) if _equal(abs(float(m.group())), number))
        if here and _EVERY_ONE.search(_PER_TIME.sub("", _HOW_MANY_OF_EACH.sub("", sentence))):
            return 0
        count += here
    return count


def _same_weights(one: dict[str, float], other: dict[str, float]) -> bool:
    return all(_equal(one[name], other[name]) for name in one)


def _bounded_sum(expression: str) -> tuple[str, dict[str, float], float] | None:
    """'20 * cows + 50 * elephants >= 1000' → ('>=', {cows: 20, elephants: 50}, 1000): a linear constraint as its
    direction, the weight of each variable and the bound; None for anything else."""
    read = _comparison(expression)
    if read is None or read[2] == 0:
        return None
    sense, weights, bound = read
    if bound < 0:  # the same requirement written with its sides swapped
        weights, bound = {n: -w for n, w in weights.items()}, -bound
        sense = {"<=": ">=", ">=": "<=", "==": "=="}[sense]
    return sense, weights, bound


def _comparison(expression: str) -> tuple[str, dict[str, float], float] | None:
    """'20 * cows + 50 * elephants >= 1000 + cows' → ('>=', {cows: 19, elephants: 50}, 1000): one linear comparison
    as its direction, each variable's weight on the left less that on the right, and the right's constant less the
    left's; None for anything else or one without a variable."""
    node = _expression_node(expression)
    if not isinstance(node, ast.Compare) or len(node.ops) != 1:
        return None
    sides = _linear(node.left), _linear(node.comparators[0])
    if sides[0] is None or sides[1] is None:
        return None
    (left, left_constant), (right, right_constant) = sides[0], sides[1]
    weights = {name: left.get(name, 0.0) - right.get(name, 0.0) for name in dict.fromkeys([*left, *right])}
    weights = {name: w for name, w in weights.items() if w != 0}
    op = node.ops[0]
    sense = "<=" if isinstance(op, (ast.LtE, ast.Lt)) else ">=" if isinstance(op, (ast.GtE, ast.Gt)) else "=="
    return (sense, weights, right_constant - left_constant) if weights else None


def _expression_node(expression: str) -> ast.expr | None:
    """An expression of the elements as Python's syntax tree; None when it is not one expression."""
    try:
        tree = ast.parse(normalise(expression, {}))
    except SyntaxError:
        return None
    return tree.body[0].value if len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr) else None


def _linear(node: ast.expr) -> tuple[dict[str, float], float] | None:
    """An expression as (weight of each name, constant); None when it is not linear in plain numbers and names."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return {}, float(node.value)
    if isinstance(node, ast.Name):
        return {node.id: 1.0}, 0.0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _linear(node.operand)
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        return None if inner is None else ({n: sign * w for n, w in inner[0].items()}, sign * inner[1])
    if not isinstance(node, ast.BinOp):
        return None
    left, right = _linear(node.left), _linear(node.right)
    if left is None or right is None:
        return None
    if isinstance(node.op, (ast.Add, ast.Sub)):
        sign = 1.0 if isinstance(node.op, ast.Add) else -1.0
        weights = dict(left[0])
        for name, weight in right[0].items():
            weights[name] = weights.get(name, 0.0) + sign * weight
        return weights, left[1] + sign * right[1]
    if isinstance(node.op, ast.Mult) and (not left[0] or not right[0]):
        (_, factor), (terms, constant) = (left, right) if not left[0] else (right, left)
        return {n: factor * w for n, w in terms.items()}, factor * constant
    if isinstance(node.op, ast.Div) and not right[0] and right[1] != 0:
        return {n: w / right[1] for n, w in left[0].items()}, left[1] / right[1]
    return None


def listed_numbers_added(elements: dict[str, Any], text: str) -> list[str]:
    """An expression adding up three or more of the text's numbers as one constant ("boxes * 10 >= 6 + 7 + 8 + 3 + 2 +
    4 + 5"): each belongs to a thing of its own, and a model that decides for each thing (which box an item goes in)
    needs a variable for each. The 1.5B model wrote LogiOR's first bin-packing problem so at 353fb5f, verified at 7
    boxes for 4 (the other constraint "boxes >= 7", the count of items)."""
    stated = _stated_numbers(text)
    found: list[str] = []
    for which, expression in _element_expressions(elements):
        for run in _ADDED_CONSTANTS.finditer(expression):
            numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", run.group())]
            if all(any_equal(stated, [n]) for n in numbers):
                found.append(
                    f"{which}{expression} adds up the text's numbers {run.group().strip()} as one constant: each is a"
                    " number of a thing of its own; decide for each thing with a variable of its own (a set indexed"
                    " by the things), not for their total"
                )
                break
    return found[:2]


_ADDED_CONSTANTS = re.compile(r"(?<![\w.*/])\d+(?:\.\d+)?(?:\s*\+\s*\d+(?:\.\d+)?){2,}(?![\w.*/])")


def elements_against_text(elements: dict[str, Any], text: str) -> list[str]:
    """Every check of free-form elements against the words of their text, as the Verifier's messages, in order."""
    return [
        *unstated_literals(elements, text),
        *constraints_off_their_sentence(elements, text),
        *forced_equal(elements, text),
        *one_bound_two_readings(elements, text),
        *against_their_words(elements, text),
        *share_of_one_for_the_whole(elements),
        *objective_without_its_prices(elements, text),
        *misattributed_weights(elements, text),
        *percent_as_an_amount(elements, text),
        *inverted_shares(elements),
        *mixed_measures(elements, text),
        *count_weighed_by_measures(elements, text),
        *comparisons_unwritten(elements, text),
        *bounds_unwritten(elements, text),
        *variables_as_measured_things(elements, text),
        *objective_weighed_by_a_ratio(elements, text),
        *counts_added_as_ones(elements, text),
        *objective_of_another_count(elements, text),
        *profits_less_costs(elements, text),
        *objective_offset_by_a_bound(elements, text),
        *bounds_of_another_thing(elements, text),
        *listed_numbers_added(elements, text),
    ]
