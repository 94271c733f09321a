"""Reading what a binding points at: tables, "name value" lists, per-name numbers and quantities with units.

Shared by the association, assignment, flow, admission and LEO-variant templates. The binding schema offers
only what code found in the text: a table id, a list id when a list names exactly the things a parameter
needs, and otherwise one number per name (the names are the ones code found, so the model only copies
numbers). Every value read is recorded as a SpecItem with the value as the text states it (before any unit
conversion), so the Verifier can find it in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from knowledge_base.template import AssemblyError, SpecItem
from knowledge_base.templates._stated_quantities import convert_stated
from knowledge_base.units import same_dimension
from tools.textdata import NamedList, Table, TextData

_PARENTHESIS = re.compile(r"\(([^()]{1,20})\)")


def unit_in(text: str, dimension_of: str) -> str | None:
    """The unit a caption, column header or list label states in parentheses, if it has the dimension of `dimension_of`.

    "peak rate in C1 (Mbit/s)" -> "Mbit/s" when asked for a rate; "(cores)" is not a rate and gives None.
    """
    candidates: list[str] = _PARENTHESIS.findall(text)
    for candidate in reversed(candidates):
        unit = candidate.strip()
        if unit and _is_unit_like(unit, dimension_of):
            return unit
    return None


def _is_unit_like(text: str, dimension_of: str) -> bool:
    try:
        return same_dimension(text, dimension_of)
    except Exception:  # pint's parser raises tokenizer errors on some prose ("{"); prose is simply not a unit
        return False


def stated_unit(text: str) -> str | None:
    """The last parenthesised word of a header or label, whatever it measures: "CPU (cores)" -> "cores"."""
    candidates: list[str] = _PARENTHESIS.findall(text)
    return candidates[-1].strip() if candidates and candidates[-1].strip() else None


def table(data: TextData, table_id: Any, what: str) -> Table:
    try:
        return data.table(str(table_id))
    except KeyError as exc:
        raise AssemblyError(f"the {what} table: {exc.args[0]}; the text has {_ids(t.id for t in data.tables)}") from exc


def named_list(data: TextData, list_id: Any, what: str) -> NamedList:
    try:
        return data.named_list(str(list_id))
    except KeyError as exc:
        raise AssemblyError(f"the {what} list: {exc.args[0]}; the text has {_ids(n.id for n in data.lists)}") from exc


def _ids(ids: Iterable[str]) -> str:
    found = ", ".join(ids)
    return found if found else "none"


def matrix(
    source: Table,
    name: str,
    spec: list[SpecItem],
    columns: Sequence[str] | None = None,
    scale: float = 1.0,
) -> dict[str, dict[str, float | None]]:
    """Rows x columns of a table (None where the text has "-" or blank), values times `scale`; spec gets the raw cells."""
    chosen = list(columns) if columns is not None else list(source.columns)
    values: dict[str, dict[str, float | None]] = {}
    for row, cells in source.as_matrix().items():
        values[row] = {}
        for column in chosen:
            if column not in cells:
                raise AssemblyError(f"table {source.id} has no column {column!r}; its columns are {', '.join(source.columns)}")
            cell = cells[column]
            values[row][column] = None if cell is None else cell * scale
            if cell is not None:
                spec.append(SpecItem(f"{name}[{row},{column}]", cell, f"table {source.id}, row {row}, column {column}"))
    return values


def rate_matrix(
    data: TextData, table_id: Any, what: str, spec: list[SpecItem]
) -> tuple[Table, dict[str, dict[str, float | None]]]:
    """A table of rates (users x cells, blocks or channels) in Mbit/s, the unit read from its caption (default Mbit/s)."""
    source = table(data, table_id, what)
    unit = unit_in(source.caption, "Mbit/s") or "Mbit/s"
    return source, matrix(source, "rate", spec, scale=convert_factor(unit, "Mbit/s"))


def user_rates(
    data: TextData, binding: dict[str, Any], layouts: tuple[str, ...], spec: list[SpecItem]
) -> tuple[list[str], list[str], dict[str, dict[str, float | None]]]:
    """Users, the resources they may get (channels, blocks) and rate[user][resource], from the binding's `rate_table`
    laid out as `table_layout` says: layouts[0] has a row per user, the other a row per resource."""
    source, cells = rate_matrix(data, binding.get("rate_table"), "rate", spec)
    if binding.get("table_layout", layouts[0]) == layouts[0]:
        return list(source.rows), list(source.columns), cells
    users, resources = list(source.columns), list(source.rows)
    return users, resources, {u: {k: cells[k][u] for k in resources} for u in users}


def full_matrix(source: Table, name: str, spec: list[SpecItem], scale: float = 1.0) -> dict[str, dict[str, float]]:
    """Every cell of a table, times `scale`; a cell without a number is an AssemblyError (a delay table, a cost table)."""
    full: dict[str, dict[str, float]] = {}
    for row, cells in matrix(source, name, spec, scale=scale).items():
        full[row] = {}
        for column, value in cells.items():
            if value is None:
                raise AssemblyError(f"table {source.id} has no number for {row}, {column}")
            full[row][column] = value
    return full


def column(source: Table, name: str, what: str, spec: list[SpecItem]) -> dict[str, float]:
    """One column of a table as row -> number; every row must have one (`what` names the rows in the message)."""
    values: dict[str, float] = {}
    for row, cells in matrix(source, what, spec, columns=[name]).items():
        cell = cells[name]
        if cell is None:
            raise AssemblyError(f"{what} {row} has no number in column {name!r}")
        values[row] = cell
    return values


def per_name_field(
    data: TextData, names: Sequence[str], what: str, unit_hint: str | None, optional: bool = False
) -> dict[str, Any]:
    """Schema of a value per name (per satellite, per cell, ...): a list of the text that names exactly these, or numbers.

    The names are the ones code found, so the model only picks a list id or copies numbers. `unit_hint`
    None means plain counts (no unit asked); `optional` adds the answer "none" for a text that states none.
    """
    wanted = set(names)
    lists = [n.id for n in data.lists if set(n.values) == wanted]
    properties: dict[str, Any] = {
        "values": {"type": "object", "properties": {name: {"type": "number"} for name in names}, "required": list(names)}
    }
    if unit_hint is not None:
        properties["unit"] = {"type": "string", "description": f"the unit the text uses for them (e.g. {unit_hint})"}
    when = "; every value 0 if the text states none" if optional else ""
    numbers = {
        "type": "object",
        "description": f"the {what}, one number per name as the text states it (when no list of the text gives them){when}",
        "properties": properties,
        "required": list(properties),
    }
    # A list over the same names may hold another quantity (capacities where powers are asked), so numbers stay allowed.
    choices = [*lists, "none"] if optional else lists
    if not choices:
        return numbers
    return {"anyOf": [{"enum": choices, "description": f"the list of the text that gives the {what}"}, numbers]}


def per_name_values(
    value: Any, data: TextData, names: Sequence[str], name: str, target_unit: str | None, spec: list[SpecItem]
) -> dict[str, float] | None:
    """Read a `per_name_field` answer (a list id, "none", or {"unit": ..., "values": {name: number}}) in `target_unit`.

    `target_unit` None: plain counts, taken as they are. Returns None for "none", and for numbers that are all 0:
    the small model, asked for an optional value per name, tends to fill the numbers form with zeros rather
    than answer "none" (seen with Qwen2.5-Coder-0.5B on dev-assoc-01), and no per-name limit is meant as 0.
    """
    if value == "none" or value is None:
        return None
    if isinstance(value, dict) and isinstance(value.get("values"), dict) and value["values"]:
        if all(isinstance(v, int | float) and v == 0 for v in value["values"].values()):
            return None
    if isinstance(value, str):
        found = named_list(data, value, name)
        unit = found.unit or (unit_in(found.label, target_unit) if target_unit else None) or target_unit
        raw = dict(found.values)
        source = f"list {found.id} '{found.label}'"
    elif isinstance(value, dict) and isinstance(value.get("values"), dict):
        unit = str(value.get("unit") or target_unit) if target_unit else None
        try:
            raw = {str(k): float(v) for k, v in value["values"].items()}
        except (TypeError, ValueError) as exc:
            raise AssemblyError(f"{name}: every value must be a number ({exc})") from exc
        source = "stated by the model from the text"
    else:
        raise AssemblyError(f"{name}: expected a list id or {{'unit': ..., 'values': {{name: number}}}}, got {value!r}")
    missing = [n for n in names if n not in raw]
    if missing:
        raise AssemblyError(f"{name}: no value for {', '.join(missing)}")
    spec.extend(SpecItem(f"{name}[{k}]", raw[k], source) for k in names)
    if target_unit is None or unit is None:
        return {k: raw[k] for k in names}
    return {k: convert_stated(raw[k], unit, target_unit, f"{name}[{k}]") for k in names}


def distinct_part(headers: Sequence[str]) -> list[str]:
    """Short names for column headers: "peak rate in C1 (Mbit/s)", "peak rate in C2 (Mbit/s)" -> "C1", "C2".

    Parenthesised units go, then the words every header shares at the start and at the end.
    """
    words = [_PARENTHESIS.sub("", h).split() for h in headers]
    if len(words) < 2 or any(not w for w in words):
        return [" ".join(w) or h for w, h in zip(words, headers, strict=True)]
    head = 0
    while all(len(w) > head + 1 and w[head] == words[0][head] for w in words):
        head += 1
    tail = 0
    while all(len(w) > head + tail + 1 and w[-1 - tail] == words[0][-1 - tail] for w in words):
        tail += 1
    names = [" ".join(w[head : len(w) - tail]) for w in words]
    return names if len(set(names)) == len(names) else list(headers)


def quantity_field(what: str, unit_hint: str) -> dict[str, Any]:
    """Schema of one number the text states, with its unit as written (a noise power, a budget, a delay per hop);
    `_stated_quantities.read_quantity` reads the answer."""
    return {
        "type": "object",
        "description": what,
        "properties": {
            "value": {"type": "number", "description": "the number as the text writes it"},
            "unit": {"type": "string", "description": f"its unit as the text writes it (e.g. {unit_hint})"},
        },
        "required": ["value", "unit"],
    }


def convert_factor(unit: str, target_unit: str) -> float:
    """The factor that takes a value in `unit` to `target_unit` (linear units only: rates, times, powers in W)."""
    return convert_stated(1.0, unit, target_unit, f"a value in {unit}")
