"""The fields of a binding asked for alone: what the Verifier found may express what the last binding left out,
or what its error names (agents/verifier.py chooses them, the Modeler asks for them).

A small model asked for its whole binding again repeats it; asked for one field, with the reason before it, it
mends it. The field is offered narrowed to what can be right: without "none" (it is to be filled), without a
source the rejection calls wrong for it, with only the text's columns and lists where the numbers it typed stand
elsewhere, and pinned to the one quantity a left-out clause states in a unit it takes, or to the one list of the
text it writes. A field left with one answer is written by code, not asked.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection
from typing import Any

from agents.fidelity import content_words
from knowledge_base.template import EACH_OWN, NOT_IN_THE_TEXT, PICK_A_SOURCE, SAME_FOR_ALL
from tools.question import measured_quantities


def focused_schema(
    schema: dict[str, Any],
    fields: list[str],
    binding: dict[str, Any],
    feedback: str,
    left_out: list[str],
    listed: Collection[str] = (),
) -> dict[str, Any]:
    """The binding schema of these `fields` alone, each narrowed: `binding` is the last answer, `feedback` why it
    was rejected, `left_out` the requirement clauses it left uncovered, `listed` the ids of the text's lists those
    clauses write (`lists_in`)."""
    # the typed numbers stood elsewhere, or nowhere in the text: choose where they are
    pick = PICK_A_SOURCE in feedback or NOT_IN_THE_TEXT in feedback
    narrowed = {
        f: _each_own(
            _not_again(f, _sources_only(_without_none(schema["properties"][f]), pick), binding.get(f), feedback), binding.get(f)
        )
        for f in fields
    }
    pinned = {f: _listed(_pinned_by(field, left_out), listed) for f, field in narrowed.items()}
    # A quantity two fields could take has no one home ("up to 27 dBm" fits a power limit and a circuit power): neither
    # is pinned, the LLM says which.
    homes = Counter(_pin_of(field) for f, field in pinned.items() if field is not narrowed[f])
    properties = {f: narrowed[f] if homes.get(_pin_of(field), 0) > 1 else field for f, field in pinned.items()}
    return {"type": "object", "properties": properties, "required": fields}


def _each_own(field: dict[str, Any], chosen: Any) -> dict[str, Any]:
    """A field whose last answer chose to copy its numbers one by one (EACH_OWN) without them, asked again with the
    numbers required: dev30-bw-03 on the 1.5B chose it for the per-user caps and wrote one "value", three times."""
    parts = field.get("properties") or {}
    if not (isinstance(chosen, dict) and chosen.get("source") == EACH_OWN and "values" in parts):
        return field
    return {**field, "required": sorted({*field.get("required", []), "values"})}


def _pin_of(field: dict[str, Any]) -> str:
    parts = field.get("properties") or {}
    return json.dumps([field.get("enum"), *((parts.get(k) or {}).get("enum") for k in ("source", "list", "value", "unit"))])


def _listed(field: dict[str, Any], listed: Collection[str]) -> dict[str, Any]:
    """A field that may take one of the lists a left-out clause writes, narrowed to that list: dev30-assoc-02 on the
    1.5B model typed the RB budgets 25, 20, 15 as the backhaul, where "What is left of the backhaul is 40 Mbit/s for
    Alpha, 30 Mbit/s for Bravo and 25 Mbit/s for Charlie" is the list L2 the field offers. As it was when the field
    offers none of them, or several."""
    branches = field.get("anyOf")
    if isinstance(branches, list):
        for branch in branches:
            choices = branch.get("enum") if isinstance(branch, dict) else None
            if isinstance(choices, list) and len(hits := [c for c in choices if c in listed]) == 1:
                return {"description": field.get("description", ""), "enum": hits}
        return field
    parts = field.get("properties") or {}
    for key in ("source", "list"):
        choices = (parts.get(key) or {}).get("enum")
        if isinstance(choices, list) and len(hits := [c for c in choices if c in listed]) == 1:
            return {**field, "properties": {**parts, key: {**parts[key], "enum": hits}}}
    return field


def _sources_only(field: dict[str, Any], pick: bool) -> dict[str, Any]:
    """With `pick`, a field that offers the text's columns and lists or typed numbers offers only the columns and
    lists, each part of a group too: the 0.5B model retyped a demand column with a number of another row, was told
    so, and typed it again; the 1.5B typed dev30-assoc-02's RBs per user as 180, twice, where a column holds them."""
    parts = field.get("properties")
    if pick and isinstance(parts, dict) and not {"value", "values"} & set(parts):
        return {**field, "properties": {k: _sources_only(v, pick) for k, v in parts.items()}}
    if not pick or not isinstance(field.get("anyOf"), list):
        return field
    sources = [b for b in field["anyOf"] if isinstance(b, dict) and isinstance(b.get("enum"), list) and b["enum"]]
    return {**field, "anyOf": sources} if sources else field


def _not_again(name: str, field: dict[str, Any], chosen: Any, reason: str) -> dict[str, Any]:
    """The field without the source (list, table column) its last answer chose, where the rejection says of this
    field that the choice is wrong ("per-user cap: L2 gives the minimum rates", its words before the choice); as it
    was when nothing else is left. dev30-bw-01 on the 1.5B model, asked for the per-user cap alone after that error,
    chose L2 again. A field of choices alone loses the choice so named too ("channels per user: at most one channel
    per user contradicts a cap of more than one channel per user": dev30-chan-02 on the 1.5B, asked again, chose it
    again until the template was dropped)."""
    own = content_words(name.replace("_", " "))

    def without(part: dict[str, Any], picked: Any) -> dict[str, Any] | None:
        options = part.get("enum")
        if not isinstance(picked, str) or picked == "none" or not isinstance(options, list) or picked not in options:
            return None
        labels = re.findall(rf"([^;:,\n]+?):\s*{re.escape(picked)}(?![\w:])", reason)
        said = any(content_words(label.replace("-", " ")) == own for label in labels)
        return {**part, "enum": [o for o in options if o != picked]} if said and set(options) - {picked, "none"} else None

    plain = without(field, chosen)
    if plain is not None:
        return plain
    parts = field.get("properties") or {}
    for key in ("source", "list"):
        narrowed = without(parts.get(key) or {}, chosen.get(key) if isinstance(chosen, dict) else None)
        if narrowed is not None:
            return {**field, "properties": {**parts, key: narrowed}}
    return field


def _pinned_by(field: dict[str, Any], clauses: list[str]) -> dict[str, Any]:
    """A stated-number field ({value, unit}, or {source, value, unit} with one value for all) narrowed to the one
    quantity the left-out `clauses` state in a unit the field takes: its unit and number, and, where a clause speaks
    of every one ("no user can be given more than 8 MHz"), one value for all. dev30-bw-01 on the 1.5B model, asked for
    the per-user cap alone, wrote 8 Mbit/s, then "none". The field is as it was when the clauses state no such
    quantity or several."""
    parts = field.get("properties") or {}
    units = (parts.get("unit") or {}).get("enum")
    if "value" not in parts or not isinstance(units, list):
        return field
    stated = {
        (n, choice)
        for clause in clauses
        for n, u in measured_quantities(clause)
        if (choice := _unit_choice(u, [str(c) for c in units], clause))
    }
    if len(stated) != 1:
        return field
    [(number, unit)] = stated
    pinned = {**parts, "unit": {**parts["unit"], "enum": [unit]}, "value": {**parts["value"], "enum": [number]}}
    source = parts.get("source")
    if isinstance(source, dict) and "enum" in source:
        if SAME_FOR_ALL not in source["enum"] or not any(map(EVERY_ONE.search, clauses)):
            return {**field, "properties": {**parts, "unit": pinned["unit"]}}  # the unit only: which ones is the LLM's
        pinned["source"] = {**source, "enum": [SAME_FOR_ALL]}
        pinned.pop("values", None)  # no numbers one by one where one number holds for all
    return {**field, "properties": pinned}


def _unit_choice(unit: str, choices: list[str], clause: str) -> str:
    """The choice of a unit enum that the clause's `unit` is: the unit itself, or the one choice that names the unit
    with words of the clause ("112 dB" in "the path loss ... is 112 dB" is "path loss in dB"); '' for none."""
    if unit in choices:
        return unit
    said = {w.lower() for w in re.findall(r"[A-Za-z]+", clause)}
    named = [
        c
        for c in choices
        if re.search(rf"(?<![\w/]){re.escape(unit)}(?![\w/])", c)
        and {w.lower() for w in re.findall(r"[A-Za-z]+", c.replace(unit, " "))} - {"in"} <= said
    ]
    return named[0] if len(named) == 1 else ""


EVERY_ONE = re.compile(r"\b(?:no|each|every|any|all)\b", re.IGNORECASE)
"""Words by which a clause states one number for every element ("no user can be given more than 8 MHz")."""


def only_answer(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The one instance of an object schema whose every property allows one value (an enum of one), else None."""
    answer: dict[str, Any] = {}
    for name, part in (schema.get("properties") or {}).items():
        if not isinstance(part, dict):
            return None
        if part.get("type") == "object":
            inner = only_answer(part)
            if inner is None:
                return None
            answer[name] = inner
        elif isinstance(part.get("enum"), list) and len(part["enum"]) == 1:
            answer[name] = part["enum"][0]
        else:
            return None
    return answer


_NONE_IS_AN_ANSWER = re.compile(r"\bnone (?:when|if)\b", re.IGNORECASE)
"""A field whose description offers "none" as an answer of its own keeps it when asked for alone."""


def _without_none(field: dict[str, Any]) -> dict[str, Any]:
    """A binding field without its "none" choice: asked for alone, the field is to be filled, not declined."""
    if _NONE_IS_AN_ANSWER.search(str(field.get("description", ""))):
        # "data each user sends; none when the text gives none": dev30-bw-02's one list of efficiencies, read as the
        # data sizes too, was the only other choice once "none" was taken away, and was chosen again to the cap.
        return field
    if isinstance(field.get("anyOf"), list):
        kept = [_without_none(b) for b in field["anyOf"] if not (isinstance(b, dict) and b.get("enum") == ["none"])]
        return {**field, "anyOf": kept} if kept else field
    if isinstance(field.get("enum"), list) and len(field["enum"]) > 1:
        return {**field, "enum": [v for v in field["enum"] if v != "none"]}
    parts = field.get("properties")
    if isinstance(parts, dict) and not {"value", "values"} & set(parts):
        # A group ({"budget": ..., "need": ...}): each part to be filled. Not a group of stated numbers, whose
        # list "none" means "the numbers are typed here" ({"list": "none", "values": [20], "unit": "mW"}).
        return {**field, "properties": {k: _without_none(v) for k, v in parts.items()}}
    if isinstance(parts, dict) and isinstance(parts.get("source"), dict):
        # A source of values per element, or one value for all: its "none" says the text has no such values
        # (dev30-bw-01's per-user cap, asked for alone, answered "none" with a value of 8).
        return {**field, "properties": {**parts, "source": _without_none(parts["source"])}}
    return field
