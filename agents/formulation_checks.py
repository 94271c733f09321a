"""Checks of a formulation against the words of the problem text, for the Verifier.

Numbers: every number the text states is either used by the model (as a parameter value or a literal of
generated code) or named as unused, so a forgotten constraint does not pass silently. Sense: a text that
only ever asks to maximise must not get a minimising model, and the other way round. Domains: a text that
speaks of whole units or counts must not get a purely continuous model. The last two are errors for a
generated formulation (the LLM chose them) and need no check for a template (its author did). Units: two
parameters of a generated model that measure the same quantity in different units (ms and s, MHz and Hz,
dBm and W) must be converted before they are combined, so the pair is named.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from knowledge_base.units import UnitError, convert, is_unit, same_dimension
from tools.textdata import TextData

_MAXIMISE = re.compile(r"\b(maximi[sz]e[sd]?|maximi[sz]ing|maximi[sz]ation)\b", re.IGNORECASE)
_MINIMISE = re.compile(r"\b(minimi[sz]e[sd]?|minimi[sz]ing|minimi[sz]ation)\b", re.IGNORECASE)
_WHOLE_UNITS = re.compile(
    r"\b(integers?|integral|whole (numbers?|units?)|cannot be (fractional|split|divided)|"
    r"how many|number of \w+ (to|should|that)|yes[/ -]or[/ -]no|yes/no|binary)\b",
    re.IGNORECASE,
)
MAX_LISTED = 8


def unused_numbers(data: TextData, used_values: list[float], code: str = "") -> list[float]:
    """Numbers of the text (and attached data) that no parameter value and no literal of the code equals."""
    used = [*used_values, *code_literals(code)]
    unused: list[float] = []
    for number in dict.fromkeys((*data.numbers, *data.extra_numbers)):
        if not any(abs(number - value) <= 1e-9 * max(1.0, abs(value)) for value in used):
            unused.append(number)
    return unused


def unused_numbers_warning(numbers: list[float]) -> list[str]:
    if not numbers:
        return []
    listed = ", ".join(f"{n:g}" for n in numbers[:MAX_LISTED]) + (
        f" and {len(numbers) - MAX_LISTED} more" if len(numbers) > MAX_LISTED else ""
    )
    return [f"the model uses no parameter equal to {listed} from the text: check these are only counts or labels"]


def sense_conflict(text: str, sense: str) -> str | None:
    """An error when the text asks only to maximise (minimise) and the model does the opposite."""
    wants_max, wants_min = bool(_MAXIMISE.search(text)), bool(_MINIMISE.search(text))
    if wants_max and not wants_min and sense == "min":
        return "the text asks to maximize, but the model's objective minimizes"
    if wants_min and not wants_max and sense == "max":
        return "the text asks to minimize, but the model's objective maximizes"
    return None


def integrality_conflict(text: str, summary: dict[str, Any]) -> str | None:
    """An error when the text speaks of whole units or yes/no choices and no variable of the model is integer."""
    cue = _WHOLE_UNITS.search(text)
    if cue and summary.get("variables") and not summary.get("integer_variables"):
        return f"the text speaks of whole units or choices ('{cue.group(0)}'), but every variable of the model is continuous"
    return None


def code_literals(code: str) -> list[float]:
    if not code:
        return []
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    return [
        float(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    ]


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
