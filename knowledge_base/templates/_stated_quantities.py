"""Numbers the text states in prose ("noise -100 dBm", "a 20 MHz band"), asked of the LLM as value + unit.

Code cannot read such numbers reliably (they are not in a table or a list), so the binding asks the model to
copy the number and pick its unit (from an enum, `quantity_schema`, or as written, `_tabular.quantity_field`);
`read_quantity`, the one reader of such a number, converts it to the unit the template's parameters use with
knowledge_base.units (pint), and records the number as the text wrote it, so the Verifier can find it in the
text. A parameter that has one value per element (a noise power per receiver) may come from a "label: name
value, ..." list that code found, or from numbers the model copies, one for all elements or one per element in order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeGuard

from knowledge_base.template import EACH_OWN, SAME_FOR_ALL, AssemblyError, SpecItem
from knowledge_base.units import UnitError, convert, different_dimensions, is_unit, same_dimension
from tools.textdata import NamedList, TextData, link_ends, same_numbers

LINEAR = "linear"
"""The unit word for a plain ratio (a linear SINR, a gain that is not in dB)."""


def quantity_schema(description: str, units: list[str], optional: bool = False) -> dict[str, Any]:
    """A number with its unit; the unit is an enum so the model can only pick one this template converts.
    `optional`: the value may be null (the text states none, or gives the quantity another way)."""
    return {
        "type": "object",
        "description": description,
        "properties": {"value": {"type": ["number", "null"] if optional else "number"}, "unit": {"enum": units}},
        "required": ["value", "unit"],
    }


def per_element_schema(
    description: str,
    units: list[str],
    data: TextData,
    count: int,
    sources: list[str] | None = None,
    not_of: re.Pattern[str] | None = None,
) -> dict[str, Any]:
    """A value for each of `count` elements: from a list of the text, or copied numbers (one for all, or one each).

    `sources` replaces the lists offered by other choices of `series_choices` (a table column "T1: deadline (ms)").
    `not_of`: words of another quantity of the same unit; a list whose label says them is not offered ("Receiver
    noise powers: Rx1 0.1 mW, ..." for the power limits: the 1.5B chose it for both, four times, on dev-power-01/02)."""
    lists = sources if sources is not None else _element_lists(data, units)
    if not_of is not None:
        lists = [i for i in lists if ": " in i or not not_of.search(data.named_list(i).label)]
    return {
        "type": "object",
        "description": description,
        "properties": {
            "list": {
                "enum": [*lists, "none"],
                "description": "the list (or table column) of the text that gives one value per element, or none",
            },
            "values": {
                "type": "array",
                "items": {"type": "number"},
                "maxItems": count,
                "description": f"when no list holds them: one number for all, or {count} numbers in order",
            },
            "unit": {"enum": units},
        },
        "required": ["list", "values", "unit"],
    }


def _element_lists(data: TextData, units: list[str]) -> list[str]:
    """The lists that may give one value per element: of the quantity's kind, and not a matrix written as a list
    ("Tx1 -> Rx1 0.8, Tx2 -> Rx1 0.02, Tx1 -> Rx2 0.005, ...": a pair's tail named twice). dev30-pow-03 on the 1.5B
    chose its gains list for the noise powers, twice, and the power-control template was dropped."""

    def matrix(named: NamedList) -> bool:
        ends = [link_ends(name) for name in named.values]
        return all(ends) and len({e[0] for e in ends if e}) < len(ends)

    return [i for i in _lists_of_kind(data, units) if not matrix(data.named_list(i))]


def _unit(unit: str) -> str:
    return "" if unit == LINEAR else unit


def list_unit(named: NamedList, chosen: str, target: str, name: str) -> str:
    """The unit a list's numbers are in: the one written after them ("0.1 mW") when it is a unit of the right
    kind, else the one the model chose (a list may end its items with a word such as "users"). A list written in a
    unit of another kind states another quantity: SINR targets "10 dB (link 1), ..." are no power limits in mW (the
    0.5B model read dev30-pow-01's targets as the noise powers and the power limits too)."""
    if named.unit and same_dimension(_unit(named.unit), _unit(target)):
        return named.unit
    if not list_of_kind(named, [target]):
        raise _another_kind(f"{name}: list {named.id} '{named.label}'", named.unit or stated_unit(named.label) or "", target)
    return chosen


def _another_kind(what: str, unit: str, target: str) -> AssemblyError:
    """The error for a list or column written in a unit that does not measure the field's quantity."""
    return AssemblyError(f"{what} is in {unit}, which is not a unit of this quantity ({target}): it states something else")


def converted_items(named: NamedList, target: str, name: str, spec: list[SpecItem]) -> dict[str, float]:
    """A list whose items each carry their own unit, every item in `target` (each recorded as the text states it)."""
    where = f"list {named.id} '{named.label}'"
    out: dict[str, float] = {}
    for element, value in named.values.items():
        unit = named.units.get(element) or named.unit
        if not unit:
            raise AssemblyError(f"{name}: {where} gives {element} no unit, and its other items differ in unit")
        spec.append(SpecItem(f"{name}[{element}] ({unit})", value, where, unit=unit))
        out[element] = convert_stated(value, unit, target, f"{name} of {element}")
    return out


def single_unit(named: NamedList, name: str) -> NamedList:
    """The list, for a reader that takes one unit for all its numbers: a list whose items differ in unit is refused
    in words rather than read in the wrong one."""
    if named.units:
        raise AssemblyError(f"{name}: list {named.id} gives its numbers in different units; this field takes one unit")
    return named


def read_quantity(entry: Any, target: str, name: str, spec: list[SpecItem], default: float | None = None) -> float:
    """The one reader of a stated quantity: the binding's {value, unit} in the `target` unit.

    The number is recorded as the text states it (before conversion); it counts as the template's default when it
    converts to `default`. Without a number the binding falls back on `default` (in `target`), recorded as the
    template's default so the Verifier warns that the text did not state it; with no default that is an error."""
    if not isinstance(entry, dict) or entry.get("value") is None:
        if default is None:
            raise AssemblyError(f"{name}: the binding gives no number for it; copy the number and its unit from the text")
        spec.append(SpecItem(name, default, "the template's default", default=default))
        return default
    try:
        value = float(entry["value"])
    except (TypeError, ValueError) as exc:
        raise AssemblyError(f"{name}: {entry['value']!r} is not a number") from exc
    unit = str(entry.get("unit") or target)
    converted = convert_stated(value, unit, target, name)
    # A value equal to the documented default ("0 if none") need not be in the text; the Verifier warns instead.
    spec.append(
        SpecItem(
            name, value, f"stated in the text in {unit}, copied by the model", value if converted == default else None, unit=unit
        )
    )
    return converted


def convert_stated(value: float, unit: str, target: str, name: str) -> float:
    """`value` in `unit` converted to `target` ("linear" is a plain ratio); AssemblyError names `name` when it cannot."""
    try:
        return convert(value, _unit(unit), _unit(target))
    except UnitError as exc:
        raise AssemblyError(f"{name}: {exc}") from exc


def read_per_element(
    entry: Any,
    elements: list[str],
    target: str,
    name: str,
    data: TextData,
    spec: list[SpecItem],
    other_names: list[str] | None = None,
    default: float | None = None,
) -> dict[str, float]:
    """One value per element in the `target` unit, from a list of the text or copied numbers.

    A list is matched by name: the elements' own names, or `other_names` (the same elements in the same order
    under another name, e.g. a link named by its receiver Rx1 or by its transmitter Tx1). A copied number equal
    to `default` is recorded as the template's default (the Verifier warns rather than rejects it).
    """
    if not isinstance(entry, dict):
        raise AssemblyError(f"{name}: the binding does not say where the values are")
    unit = str(entry.get("unit") or LINEAR)
    list_id = entry.get("list")
    if list_id and ": " in str(list_id):  # a table column, "T1: deadline (ms)"
        column = read_series({"source": list_id, "unit": unit}, target, name, data, spec)
        assert column is not None  # not optional
        missing = [e for e in elements if e not in column]
        if missing:
            raise AssemblyError(f"{name}: column {list_id} has no value for {', '.join(missing)}")
        return {e: column[e] for e in elements}
    if list_id and list_id != "none":
        try:
            named = data.named_list(str(list_id))
        except KeyError as exc:
            raise AssemblyError(f"{name}: {exc}") from exc
        keys = elements
        if other_names is not None and not set(elements) <= set(named.values):
            if set(other_names) <= set(named.values):
                keys = other_names
            elif same_numbers(elements, other_names) == dict(zip(elements, other_names, strict=True)):
                # paired elements numbered alike (Tx1, Rx1): a list naming them "link1", ... by that number names them
                renamed = same_numbers(elements, named.values)
                keys = [renamed[e] for e in elements] if renamed is not None else keys
        missing = [k for k in keys if k not in named.values]
        if missing:
            raise AssemblyError(f"{name}: list {named.id} '{named.label}' has no value for {', '.join(missing)}")
        unit = list_unit(named, unit, target, name)
        stated = {e: named.values[k] for e, k in zip(elements, keys, strict=True)}
        source = f"list {named.id} '{named.label}'"
        if named.units:  # each item in its own unit ("Tx1 up to 200 mW, ..., Tx3 up to 20 dBm")
            own = {e: named.units[k] for e, k in zip(elements, keys, strict=True)}
            for value, item_unit in dict.fromkeys((stated[e], own[e]) for e in elements):
                spec.append(SpecItem(f"{name} ({item_unit})", value, source, unit=item_unit))
            return {e: convert_stated(stated[e], own[e], target, name) for e in elements}
    else:
        values = [float(v) for v in entry.get("values") or []]
        typed_as = _typed_column(values, elements, data)
        if typed_as is not None:
            return read_per_element({**entry, "list": typed_as}, elements, target, name, data, spec, other_names, default)
        if len(values) == 1:
            stated = dict.fromkeys(elements, values[0])
        elif len(values) == len(elements):
            stated = dict(zip(elements, values, strict=True))
        else:
            raise AssemblyError(
                f"{name}: give one number for all of {', '.join(elements)} or one each in that order (got {len(values)})"
            )
        source = "stated in the text, copied by the model"
    converted = {element: convert_stated(value, unit, target, name) for element, value in stated.items()}
    for value in dict.fromkeys(stated.values()):  # each distinct number once: that is what the text states
        spec.append(SpecItem(f"{name} ({unit})", value, source, value if value == default else None, unit=unit))
    return converted


def _typed_column(values: list[float], elements: list[str], data: TextData) -> str | None:
    """The one list or table column of the text whose numbers for the elements are `values`, in their order: what the
    model typed one by one is that source, read from it (the 1.5B model typed dev30-mec-01's deadline column, and the
    Verifier refused numbers that stand only in a table as not stated as such). None for one number, or no such one."""
    if len(values) < 2 or len(values) != len(elements):
        return None
    found = [
        choice
        for choice in series_choices(data)
        if set(numbers := series_values(choice, data)) == set(elements) and [numbers[e] for e in elements] == values
    ]
    return found[0] if len(found) == 1 else None


def read_optional_per_element(
    entry: Any,
    elements: list[str],
    target: str,
    name: str,
    data: TextData,
    spec: list[SpecItem],
    other_names: list[str] | None = None,
) -> dict[str, float] | None:
    """`read_per_element` for an optional group: None when the binding names no list and copies no number."""
    if not gives_values(entry):
        return None
    return read_per_element(entry, elements, target, name, data, spec, other_names)


def gives_values(entry: Any) -> TypeGuard[dict[str, Any]]:
    """Does a `per_element_schema` answer name a list or copy a number?"""
    return isinstance(entry, dict) and ((entry.get("list") or "none") != "none" or bool(entry.get("values")))


def given(entry: Any) -> TypeGuard[dict[str, Any]]:
    """Does the binding give a number for this optional quantity ({value, unit} with a value)?"""
    return isinstance(entry, dict) and entry.get("value") is not None


def list_of_kind(named: NamedList, units: list[str] | None) -> bool:
    """May the list hold a quantity measured in one of `units`? Not when it is written in a unit of another kind
    (after its numbers, item by item, or else in its label's parentheses: "ISL delay (ms): S1-S2 4, ..."): the 0.5B
    model chose dev30-pow-01's SINR targets "10 dB (link 1), ..." for the noise powers (mW) and dev30-bw-01's SNRs in
    dB for the minimum rates (Mbit/s), and chose them again each time it was told why not (`list_unit` refuses such a
    binding; offering only the lists of the right kind leaves nothing to refuse)."""
    written = [named.unit] if named.unit else sorted(set((named.units or {}).values()))
    return all(unit_of_kind(w, units) for w in written or [stated_unit(named.label) or ""])


def unit_of_kind(written: str, units: list[str] | None) -> bool:
    """May numbers written in `written` ('' for no unit) measure a quantity in one of `units`? A count ("channels",
    no unit to pint) is measured by no physical unit: dev30-chan-02's guaranteed rates in Mbit/s were offered, and
    taken three times, as the most channels per user."""
    if not written or not units:
        return True
    if not any(is_unit(_unit(u) or "1") for u in units):
        return not is_unit(_unit(written)) or same_dimension(_unit(written) or "1", "1")
    return not all(different_dimensions(_unit(written), _unit(u)) for u in units)


PARENTHESIS = re.compile(r"\(([^()]{1,20})\)")


def stated_unit(text: str) -> str | None:
    """The last parenthesised word of a header or label, whatever it measures: "CPU (cores)" -> "cores"."""
    candidates: list[str] = PARENTHESIS.findall(text)
    return candidates[-1].strip() if candidates and candidates[-1].strip() else None


def column_of_kind(column: str, units: list[str] | None) -> bool:
    """May the column hold a quantity measured in one of `units`? Not when its header writes a unit of another kind:
    the 1.5B model read dev30-mec-03's "work (Gcycles)" as data sizes in Gbit and "onboard CPU (GHz)" as cycles."""
    return unit_of_kind(stated_unit(column) or "", units)


def _lists_of_kind(data: TextData, units: list[str] | None) -> list[str]:
    """The ids of the text's lists that may hold a quantity measured in one of `units` (`_of_kind`)."""
    return [n.id for n in data.lists if list_of_kind(n, units)]


def series_choices(data: TextData, units: list[str] | None = None) -> list[str]:
    """Where a value per named element can come from: a list ("L1") or a table column ("T1: data (Mbit)") with
    numbers in it (not a column of words: "type", "now on"); a table made of a list of links is that list, offered
    once. With `units`, the quantity's units: a list written in a unit of another kind is not offered."""
    columns = [
        f"{t.id}: {c}"
        for t in data.tables
        if not t.from_list
        for c in t.columns
        if any(v is not None for v in t.column(c).values()) and column_of_kind(c, units)
    ]
    return [*_lists_of_kind(data, units), *columns]


def series_values(choice: str, data: TextData) -> dict[str, float | None]:
    """The numbers of a `series_choices` choice by element: a list's items, or a table column by row."""
    table_id, sep, column = choice.partition(": ")
    return data.table(table_id).column(column) if sep else dict(data.named_list(choice).values)


def series_names(choice: str, data: TextData) -> list[str]:
    """The elements a `series_choices` choice gives a number for: a list's names, or a table column's rows."""
    return list(series_values(choice, data))


def series_schema(
    description: str, units: list[str], data: TextData, optional: bool = False, kinds: list[str] | None = None
) -> dict[str, Any]:
    """A value per named element (user, task, subcarrier) from a list or a table column of the text, with its unit.
    `kinds`: the units that tell which lists and columns may hold it, where `units` are words ("SNR in dB")."""
    return {
        "type": "object",
        "description": description,
        "properties": {
            "source": {"enum": [*series_choices(data, kinds or units), *(["none"] if optional else [])]},
            "unit": {"enum": units},
        },
        "required": ["source", "unit"],
    }


def series_or_common_schema(
    description: str, units: list[str], data: TextData, leave_out: tuple[str, ...] = (), names: Sequence[str] = ()
) -> dict[str, Any]:
    """A value per element from a list or table column, or one number for all (an optional group: "none").
    `leave_out`: ids of tables whose columns are not values per element (a users x channels rate table). `names`:
    the elements, when the text may state their values one by one in prose ("vehicle 3 supports at most 8 MHz and
    vehicle 4 at most 3 MHz; the others up to 10 MHz each", dev30-bw-03): source EACH_OWN with a number per name
    (`_tabular.read_series_or_each` reads it)."""
    choices = [c for c in series_choices(data, units) if c.partition(": ")[0] not in leave_out]
    properties: dict[str, Any] = {
        "source": {"enum": [*choices, SAME_FOR_ALL, *([EACH_OWN] if names else []), "none"]},
        "value": {"type": ["number", "null"], "description": f"the number, when the source is '{SAME_FOR_ALL}'"},
        "unit": {"enum": units},
    }
    if names:
        properties["values"] = {
            "type": "object",
            "description": f"when the source is '{EACH_OWN}': the number the text states for each of {', '.join(names)}",
            "properties": {name: {"type": "number"} for name in names},
        }
    return {"type": "object", "description": description, "properties": properties, "required": ["source", "value", "unit"]}


def read_series_or_common(
    entry: Any, elements: list[str], target: str, name: str, data: TextData, spec: list[SpecItem]
) -> dict[str, float] | None:
    """A `series_or_common_schema` answer in the `target` unit for exactly these elements; None for "none"."""
    source = str(entry.get("source") or "none") if isinstance(entry, dict) else "none"
    if source == "none":
        return None
    if source == SAME_FOR_ALL:
        return dict.fromkeys(elements, read_quantity(entry, target, name, spec))
    values = read_series(entry, target, name, data, spec)
    if values is None or set(values) != set(elements):
        raise AssemblyError(f"{name}: {source} does not name exactly {', '.join(elements)}")
    return values


def read_series(
    entry: Any, target: str, name: str, data: TextData, spec: list[SpecItem], optional: bool = False
) -> dict[str, float] | None:
    """The values of a list or table column (by element name) in the `target` unit; None for an optional "none"."""
    stated, unit = stated_series(entry, target, name, data, spec, optional)
    if stated is None:
        return None
    return {element: convert_stated(value, unit, target, name) for element, value in stated.items()}


def stated_series(
    entry: Any, target: str, name: str, data: TextData, spec: list[SpecItem], optional: bool = False
) -> tuple[dict[str, float] | None, str]:
    """The numbers of a list or table column as the text states them, and their unit: the one written after a
    list's numbers when it has the dimension of `target`, else the one the binding chose. A list whose items differ
    in unit ("UE1 0.5 Mbit/s, ..., UE3 400 kbit/s") comes back converted item by item, in `target`."""
    source = str(entry.get("source") or "none") if isinstance(entry, dict) else "none"
    unit = str(entry.get("unit") or LINEAR) if isinstance(entry, dict) else LINEAR
    if source == "none":
        if optional:
            return None, unit
        raise AssemblyError(f"{name}: the binding names no list or table column for it")
    table_id, sep, column = source.partition(": ")
    table = table_id if sep else None
    try:
        if sep:
            stated_or_none = data.table(table_id).column(column)
            where = f"table {table_id}, column {column}"
            if not column_of_kind(column, [target]):
                raise _another_kind(f"{name}: column '{column}' of table {table_id}", stated_unit(column) or "", target)
        else:
            named = data.named_list(source)
            if named.units and _unit(target) != _unit(LINEAR):
                return converted_items(named, target, name, spec), target
            named = single_unit(named, name)
            stated_or_none, where = dict(named.values), f"list {named.id} '{named.label}'"
            unit = list_unit(named, unit, target, name)
    except (KeyError, ValueError) as exc:
        raise AssemblyError(f"{name}: {exc}") from exc
    values: dict[str, float] = {}
    for element, value in stated_or_none.items():
        if value is None:
            raise AssemblyError(f"{name}: {where} has no number for {element}")
        values[element] = value
        spec.append(SpecItem(f"{name}[{element}] ({unit})", value, where, table=table, row=element if table else None, unit=unit))
    return values, unit
