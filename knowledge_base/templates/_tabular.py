"""Reading what a binding points at: tables, "name value" lists, per-name numbers and quantities with units.

Shared by the association, assignment, flow, admission and LEO-variant templates. The binding schema offers
only what code found in the text: a table id, a list id when a list names exactly the things a parameter
needs, and otherwise one number per name (the names are the ones code found, so the model only copies
numbers). Every value read is recorded as a SpecItem with the value as the text states it (before any unit
conversion), so the Verifier can find it in the text.

Matrices of rows x names come from whole tables whose columns name things ("Macro", "Small-1") or from groups of
columns whose headers differ in one name ("peak rate in C1 (Mbit/s)", ...): `matrix_sources` finds both, so a
binding names "T1: peak rate in * (Mbit/s)" and code reads the cells.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from knowledge_base.template import EACH_OWN, PICK_A_SOURCE, AssemblyError, SpecItem, cell_item
from knowledge_base.templates import _cues as cue
from knowledge_base.templates._stated_quantities import PARENTHESIS as _PARENTHESIS
from knowledge_base.templates._stated_quantities import (
    convert_stated,
    converted_items,
    list_of_kind,
    read_series_or_common,
    single_unit,
)
from knowledge_base.units import different_dimensions, is_unit, same_dimension
from tools.textdata import NUMBER, PERCENT, THING_NAME, NamedList, Table, TextData, name_pattern, names_any

_IN_UNIT = re.compile(r"\bin\s+([A-Za-zµ%][\w/µ%]*)")
"""A unit after 'in' ("Rates in kbit/s:", "(in Gbit/s, total for both directions)")."""


def unit_in(text: str, dimension_of: str) -> str | None:
    """The unit a caption, column header or list label states in parentheses, if it has the dimension of `dimension_of`.

    "peak rate in C1 (Mbit/s)" -> "Mbit/s" when asked for a rate; "(cores)" is not a rate and gives None. Without
    one in parentheses, a unit after 'in': "Rates in kbit/s:" -> "kbit/s".
    """
    candidates: list[str] = _IN_UNIT.findall(text) + _PARENTHESIS.findall(text)
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
                spec.append(cell_item(f"{name}[{row},{column}]", cell, source.id, row, column))
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


def full_matrix(
    source: Table, name: str, spec: list[SpecItem], scale: float = 1.0, rows: Sequence[str] | None = None
) -> dict[str, dict[str, float]]:
    """Every cell of a table (of the `rows` asked for, default all) times `scale`; a cell without a number is an
    AssemblyError (a delay table, a processing-time table). spec gets the cells of those rows as stated."""
    read: list[SpecItem] = []
    full: dict[str, dict[str, float]] = {}
    for row, cells in matrix(source, name, read, scale=scale).items():
        if rows is not None and row not in rows:
            continue
        full[row] = {}
        for column_name, value in cells.items():
            if value is None:
                raise AssemblyError(f"table {source.id} has no number for {row}, {column_name}")
            full[row][column_name] = value
    spec.extend(item for item in read if item.name.partition("[")[2].split(",")[0] in full)
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
    data: TextData,
    names: Sequence[str],
    what: str,
    unit_hint: str | None,
    optional: bool = False,
    columns: Sequence[str] = (),
    kind: str | None = None,
) -> dict[str, Any]:
    """Schema of a value per name (per satellite, per cell, ...): a list of the text that names exactly these, or numbers.

    The names are the ones code found, so the model only picks a list id or copies numbers. `unit_hint`
    None means plain counts (no unit asked); `optional` adds the answer "none" for a text that states none;
    `columns` adds table columns to choose from ("T2: backhaul (Mbit/s)", see `name_columns`). A list written in a
    unit of another kind than `kind` (else `unit_hint`) is not offered: the 1.5B model took dev30-assoc-02's backhaul
    "40 Mbit/s for Alpha, 30 ... Bravo" for the RBs each cell has.
    """
    wanted = set(names)
    measure = kind or unit_hint
    lists = [n.id for n in data.lists if set(n.values) == wanted and list_of_kind(n, [measure] if measure else None)]
    lists += columns
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
    # The field's own description says what it holds in plain words (the Verifier reads it to tell whether a
    # clause a binding left out could go into this field).
    return {
        "description": f"the {what}",
        "anyOf": [{"enum": choices, "description": f"the list of the text that gives the {what}"}, numbers],
    }


_EVERY = re.compile(r"\b(?:each|every|all|any|no|both|per)\b", re.IGNORECASE)
"""A sentence of a rule for all ("No cell may be loaded above 60 % (A2: 50 %)"), even when it names an exception."""


def _placed(typed: dict[str, float], data: TextData, names: Sequence[str], name: str) -> None:
    """Numbers the model typed per name must stand where the text gives them: in a line or sentence that names the
    thing (its table row, "U4 has weight 3"), or in one that names none of them or speaks of all ("every user weighs
    2", "no cell above 60 % (A2: 50 %)"). Every typed
    number is somewhere in the text, so presence alone let a small model's priority weights 8, 6, 7 (RBs and demands
    of other columns and rows) through as verified."""
    lines = cue.sentences(data)
    words = {n: name_pattern(n) for n in names}
    # A table row is about its own row's thing, never a rule for all: dev30-ee-02 on the 1.5B typed the small cells'
    # user caps as 3, 4 and 6 (the 4 and 6 from users' rows of a power table; the text: "each small cell can serve at
    # most 3"), verified at 179 for 212.
    prose = [line for line in lines if not line.lstrip().startswith("|")]
    general = [line for line in prose if _EVERY.search(line) or not any(w.search(line) for w in words.values())]

    def numbers(line: str) -> list[float]:  # "at most 80 %" gives 80 and 0.8
        return [float(m.group()) for m in NUMBER.finditer(line)] + [float(m.group(1)) / 100 for m in PERCENT.finditer(line)]

    for thing, number in typed.items():
        if thing not in words or not data.mentions(number):  # a number the text lacks: the Verifier names it
            continue
        own = [line for line in lines if words[thing].search(line)]
        if not any(math.isclose(number, n, rel_tol=1e-9, abs_tol=1e-12) for line in own + general for n in numbers(line)):
            raise AssemblyError(f"{name}: the text gives no {number:g} for {thing} (not in its row or sentence); {PICK_A_SOURCE}")


def per_name_values(
    value: Any, data: TextData, names: Sequence[str], name: str, target_unit: str | None, spec: list[SpecItem]
) -> dict[str, float] | None:
    """Read a `per_name_field` answer (a list id, "none", or {"unit": ..., "values": {name: number}}) in `target_unit`.

    `target_unit` None: plain counts, taken as they are. Returns None for "none", and for numbers that are all 0:
    the small model, asked for an optional value per name, tends to fill the numbers form with zeros rather
    than answer "none" (seen with Qwen2.5-Coder-0.5B on dev-assoc-01), and no per-name limit is meant as 0.
    Numbers typed at the wrong names, where the text gives one number per name clause by clause (`_by_clause`) and
    the model typed each of those numbers, are read from the clauses.
    """
    if value == "none" or value is None:
        return None
    if isinstance(value, dict) and isinstance(value.get("values"), dict) and value["values"]:
        if all(isinstance(v, int | float) and v == 0 for v in value["values"].values()):
            return None
    if isinstance(value, str) and _column_choice(data, value) is not None:
        table_of, header = _column_choice(data, value)  # type: ignore[misc]
        unit = (unit_in(header, target_unit) or unit_in(table_of.caption, target_unit) if target_unit else None) or target_unit
        raw = {}
        for row, cell in _line(table_of, header).items():
            if cell is None:
                raise AssemblyError(f"{name}: table {table_of.id} has no number for {row} in {header!r}")
            raw[row] = cell
        source = f"table {table_of.id}, column {header}"
    elif isinstance(value, str):
        named = named_list(data, value, name)
        if named.units and target_unit is not None and set(names) <= set(named.values):
            # "UE1 needs at least 0.5 Mbit/s ...; UE3 needs at least 400 kbit/s": each item in its own unit (dev30-chan-02's
            # guaranteed rates were refused in words, and asked again to the cap)
            converted = converted_items(named, target_unit, name, spec)
            return {k: converted[k] for k in names}
        found = single_unit(named, name)
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
        try:
            if missing := [n for n in names if n not in raw]:
                raise AssemblyError(f"{name}: no value for {', '.join(missing)}")
            _placed(raw, data, names, name)
        except AssemblyError:
            # the numbers the text gives thing by thing (or group by group), typed by the model at the wrong places
            by_clause = _by_clause(data, names, unit)
            if by_clause is None or not set(by_clause.values()) <= set(raw.values()):
                raise
            raw, source = by_clause, "read by code from the clause that names it"
    else:
        raise AssemblyError(f"{name}: expected a list id or {{'unit': ..., 'values': {{name: number}}}}, got {value!r}")
    missing = [n for n in names if n not in raw]
    if missing:
        raise AssemblyError(f"{name}: no value for {', '.join(missing)}")
    spec.extend(SpecItem(f"{name}[{k}]", raw[k], source, unit=unit) for k in names)
    if target_unit is None or unit is None:
        return {k: raw[k] for k in names}
    return {k: convert_stated(raw[k], unit, target_unit, f"{name}[{k}]") for k in names}


def read_series_or_each(
    entry: Any, elements: list[str], target: str, name: str, data: TextData, spec: list[SpecItem]
) -> dict[str, float] | None:
    """A `series_or_common_schema(..., names=elements)` answer in the `target` unit: its numbers per name when its
    source is EACH_OWN (each must stand in its own sentence or row, or in one for all: `per_name_values`)."""
    if not (isinstance(entry, dict) and entry.get("source") == EACH_OWN):
        return read_series_or_common(entry, elements, target, name, data, spec)
    found = entry.get("values")
    typed: dict[str, Any] = found if isinstance(found, dict) else {}
    unit = str(entry.get("unit") or target)
    values = per_name_values({"values": typed, "unit": unit}, data, elements, name, target, spec)
    if values is None:
        raise AssemblyError(f"{name}: source '{EACH_OWN}' needs a number for each of {', '.join(elements)}")
    return values


_THE_OTHERS = re.compile(r"\b(?:the others|the other \w+|the rest|all others|every other \w+|each other \w+)\b", re.I)


def _by_clause(data: TextData, elements: Sequence[str], unit: str | None) -> dict[str, float] | None:
    """Each element's number in `unit` from the clause that names it, its group ("each small cell", `_groups`) or
    "the others": "Vehicle 3 ... supports at most 8 MHz and vehicle 4 supports at most 3 MHz; the others can take up
    to 10 MHz each" gives 3: 8, 4: 3 and 10 to 1, 2 and 5. A clause runs from a name to the next name; None unless
    every element gets exactly one number. Things named by a bare number ("3", rows of a table headed 'vehicle') are
    named with that word ("vehicle 3"). `unit` None reads counts: numbers written in no physical unit. dev30-bw-03 on
    the 1.5B typed the caps one by one at the wrong vehicles ({1: 8, 2: 3, 3: 10, ...}), refused, to the cap."""
    corner = next((t.corner for t in data.tables if set(elements) <= set(t.rows) and t.corner.strip()), "")
    word = re.escape(corner.strip().rstrip("s"))
    patterns: list[tuple[tuple[str, ...], re.Pattern[str]]] = [
        ((e,), re.compile(rf"\b{word}s?\s+{re.escape(e)}(?![\w.])", re.I) if e.isdigit() and word else name_pattern(e))
        for e in elements
    ]
    patterns += _groups(data, elements)
    amount = re.compile(r"(?<![\w.])([-+]?\d+(?:\.\d+)?)\s*" + re.escape(unit or "") + r"(?![\w/])")
    found: dict[str, list[float]] = {e: [] for e in elements}
    rest: list[float] = []
    for sentence in cue.sentences(data):
        if sentence.lstrip().startswith("|"):
            continue
        marks: list[tuple[int, int, tuple[str, ...]]] = [
            (m.start(), m.end(), named) for named, p in patterns for m in p.finditer(sentence)
        ]
        others = _THE_OTHERS.search(sentence)
        if others:
            marks.append((others.start(), others.end(), ()))
        cuts = sorted([start for start, _, _ in marks] + [len(sentence)])
        for start, end, named in marks:
            clause = sentence[end : next(c for c in cuts if c > start)]
            numbers = [float(m.group(1)) for m in amount.finditer(clause) if unit or not _measured(clause[m.end() :])]
            for element in named:
                found[element].extend(numbers)
            if not named:
                rest.extend(numbers)
    named_ones = {e: v for e, v in found.items() if v}
    if (
        not named_ones
        or any(len(v) != 1 for v in named_ones.values())
        or len(rest) > 1
        or (len(named_ones) < len(elements) and not rest)
    ):
        return None
    return {e: named_ones[e][0] if e in named_ones else rest[0] for e in elements}


_NOT_A_UNIT = {"a", "an", "as", "at", "in"}
"""Words pint reads as units (are, tonnes, inches, ...) that follow a count as plain English."""


def _measured(after: str) -> bool:
    """Is the number just before `after` written in a physical unit ("130 W", "20 MHz"), so that it counts nothing?
    Plural nouns pint also parses ("RBs", "links") count things."""
    token = re.match(r"\s*([^\s,;:.()]+)", after)
    if token is None:
        return False
    word = token.group(1)
    if word.isalpha() and (word.lower() in _NOT_A_UNIT or (word.endswith("s") and len(word) > 3)):
        return False
    return is_unit(word) and different_dimensions(word, "")


_LEAD = re.compile(r"^(?:one|two|three|four|five|six|seven|eight|nine|ten|\d+)$", re.IGNORECASE)
_RUN_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)")
_FUNCTION_WORDS = {
    "a", "an", "the", "and", "or", "by", "to", "of", "from", "with", "at", "in", "on", "for", "is", "are", "be", "between",
    "via", "than", "as", "its", "their", "each", "every", "all", "any", "both", "per", "only", "either",
}  # fmt: skip


def _groups(data: TextData, elements: Sequence[str]) -> list[tuple[tuple[str, ...], re.Pattern[str]]]:
    """Words the text names elements by: the lowercase words just before a name or a run of names ("a macro base
    station M", "three small cells P1, P2 and P3"), matched by their first words after each/every/the/all/any ("each
    small cell"), or after "the" for a group of one named by two words or more ("the macro"; "each cell" or "the cell"
    where only "cell B" was written may mean any cell). dev30-ee-02: "The macro can serve up to 8 users; each small
    cell can serve at most 3"."""
    words = {e: name_pattern(e) for e in elements if not e.isdigit()}  # things named by a number: `_by_clause`
    members: dict[tuple[str, ...], set[str]] = {}
    for sentence in cue.sentences(data):
        if sentence.lstrip().startswith("|"):
            continue
        mentions = sorted((m.start(), m.end(), e) for e, p in words.items() for m in p.finditer(sentence))
        runs: list[tuple[int, list[str]]] = []
        last_end = -1
        for start, end, element in mentions:
            if runs and _RUN_GAP.fullmatch(sentence[last_end:start]):
                runs[-1][1].append(element)
            else:
                runs.append((start, [element]))
            last_end = end
        for start, run in runs:
            before = re.findall(r"[A-Za-z]+|[^A-Za-z\s]", sentence[:start])
            phrase: list[str] = []
            for token in reversed(before):
                if not token.isalpha() or not token.islower() or token in _FUNCTION_WORDS or _LEAD.match(token):
                    break
                phrase.insert(0, token)
            if phrase:
                key = tuple(w.removesuffix("s") if len(w) > 3 else w for w in phrase[-3:])
                members.setdefault(key, set()).update(run)
    groups: list[tuple[tuple[str, ...], re.Pattern[str]]] = []
    for key, named in members.items():
        if len(named) == 1 and len(key) == 1:  # "satellite K1": "the satellite" may be any of them
            continue
        said = "".join(rf"(?:\s+{re.escape(w)}s?" for w in key[1:]) + ")?" * (len(key) - 1)
        which = "each|every|the|all|any" if len(named) > 1 else "the"
        pattern = re.compile(rf"\b(?:{which})\s+{re.escape(key[0])}s?{said}\b", re.IGNORECASE)
        groups.append((tuple(e for e in elements if e in named), pattern))
    return groups


def name_columns(data: TextData, names: Sequence[str], besides: Sequence[MatrixSource] = ()) -> list[str]:
    """Columns of numbers of the tables whose rows are exactly these names, as choices "T2: backhaul (Mbit/s)",
    leaving out the columns of the matrices `besides` (a cell's column of a rate table is not a value per user). A
    column of words holds no value (dev30-assoc-02 on the 1.5B chose "T1: type" for the demands)."""
    taken = {(s.table.id, c) for s in besides for c in s.columns}
    return [
        f"{t.id}: {c}"
        for t in data.tables
        if t.rows and set(t.rows) == set(names)
        for c in t.columns
        if (t.id, c) not in taken and any(v is not None for v in t.column(c).values())
    ]


def name_rows(data: TextData, names: Sequence[str]) -> list[str]:
    """Rows of the tables whose columns are exactly these names, as choices "T1: spare cores": a table written with a
    column per satellite and a row per quantity (dev30-leo-02's spare cores and memory)."""
    return [f"{t.id}: {r}" for t in data.tables if t.rows and set(t.columns) == set(names) for r in t.rows]


def _column_choice(data: TextData, choice: str) -> tuple[Table, str] | None:
    table_id, sep, header = choice.partition(": ")
    if not sep:
        return None
    for t in data.tables:
        if t.id == table_id and (header in t.columns or header in t.rows):
            return t, header
    return None


def _line(table: Table, header: str) -> dict[str, float | None]:
    """A column of the table by its header, or a row by its label."""
    return table.column(header) if header in table.columns else table.as_matrix()[header]


@dataclass(frozen=True)
class MatrixSource:
    """A rows x names block of a table: the whole table when its columns are names ("Macro", "Small-1"), or a group of
    columns whose headers differ in one name only ("peak rate in C1 (Mbit/s)", "peak rate in C2 (Mbit/s)")."""

    id: str
    """What the binding names it by: the table id, or "T1: peak rate in * (Mbit/s)" for a group of its columns."""
    table: Table
    columns: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def header(self) -> str:
        """The words the headers share (the unit included), for reading the unit."""
        return self.id.partition(": ")[2] or self.table.caption


def matrix_sources(data: TextData) -> list[MatrixSource]:
    """Every rows x names block code finds in the tables (see MatrixSource), whole tables first.

    A name without a digit ("Macro") must also appear in the prose, so that capitalised headers of numbers
    ("Demand", "Weight") are not taken for the names of things."""
    prose = "\n".join(line for line in data.text.splitlines() if not line.strip().startswith("|"))
    sources: list[MatrixSource] = []
    for t in data.tables:
        if not t.rows:
            continue
        groups: dict[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], list[tuple[str, str]]] = {}
        for header in t.columns:
            words, units = _PARENTHESIS.sub("", header).split(), tuple(_PARENTHESIS.findall(header))
            for i, word in enumerate(words):
                groups.setdefault((tuple(words[:i]), tuple(words[i + 1 :]), units), []).append((header, word))
        found: list[MatrixSource] = []
        for (before, after, units), members in groups.items():
            names = [n for _, n in members]
            if len(members) < 2 or len(set(names)) != len(names) or not all(_is_thing(n, prose) for n in names):
                continue
            columns = tuple(h for h, _ in members)
            pattern = " ".join([*before, "*", *after] + [f"({u})" for u in units])
            whole = set(columns) == set(t.columns)
            found.append(MatrixSource(t.id if whole else f"{t.id}: {pattern}", t, columns, tuple(names)))
        sources += sorted(found, key=lambda s: (s.id != t.id, t.columns.index(s.columns[0])))
    return sources


def _is_thing(name: str, prose: str) -> bool:
    if not THING_NAME.match(name):
        return False
    return any(ch.isdigit() for ch in name) or names_any(prose, [name])


def matrix_source(data: TextData, choice: Any, what: str) -> MatrixSource:
    for source in matrix_sources(data):
        if source.id == str(choice):
            return source
    found = ", ".join(s.id for s in matrix_sources(data)) or "none"
    raise AssemblyError(f"the {what}: the text has no table (or group of columns) {choice!r}; it has {found}")


def read_matrix(
    source: MatrixSource, what: str, target_unit: str | None, spec: list[SpecItem]
) -> dict[str, dict[str, float | None]]:
    """row -> name -> value of a matrix source in `target_unit` (None where the text has "-" or blank); spec gets the
    numbers as stated, named what[row,name]. A logarithmic unit (a table of powers in dBm) converts cell by cell."""
    unit = None
    if target_unit is not None:
        unit = unit_in(source.header, target_unit) or unit_in(source.table.caption, target_unit) or target_unit
    values: dict[str, dict[str, float | None]] = {}
    for row, cells in source.table.as_matrix().items():
        values[row] = {}
        for column, name in zip(source.columns, source.names, strict=True):
            cell = cells[column]
            if cell is None:
                values[row][name] = None
                continue
            stated = f"{what}[{row},{name}]"
            values[row][name] = convert_stated(cell, unit, target_unit, stated) if unit and target_unit else cell
            spec.append(cell_item(stated, cell, source.table.id, row, column))
    return values


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
    """The factor that takes a value in `unit` to `target_unit` (linear units only: rates, times, powers in W). A
    logarithmic unit (dBm, dB) has no factor: 20 dBm is not 20 times 1 dBm; convert such values one by one."""
    if any(u.strip().startswith("dB") for u in (unit, target_unit)):
        raise AssemblyError(f"a value in {unit} cannot be scaled to {target_unit} by a factor; it converts value by value")
    return convert_stated(1.0, unit, target_unit, f"a value in {unit}")
