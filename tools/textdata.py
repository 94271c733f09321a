"""Read the data a problem statement carries: numbers, markdown tables, "name value" lists and chains.

The embedded model is too weak to retype tables reliably (ENVIRONMENT.md), so code reads them and the
model only says which table or list holds which parameter. Every item keeps its place in the text so
the Verifier can point at where a value came from.

Lists come as "label: A 1, B 2" lines, one item per bullet line, prose ("40 Mbit/s for Alpha, 30 Mbit/s for
Bravo", "Alpha has 25 RBs, Bravo 20", "V1 to V4 is 1, 2, 3 and 4"), and relations ("- site A: V1, V2"). A list of
values per pair ("A-B 100 Mbit/s", "Tx1 -> Rx1 0.8") is also made into tables (`Table.from_list`): a table of
links, and a matrix where the pairs allow one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?![\w])")
_NAME = r"[A-Za-z][\w\-]*"
_NOTE = r"(?:\s*\([^()\n]{1,40}\))?"
"""What a chain may say of a step in parentheses: "F1 (decode) -> F2 (cloud mask)"."""
_CHAIN = re.compile(rf"({_NAME}){_NOTE}((?:\s*(?:->|→)\s*{_NAME}{_NOTE})+)")
_LIST_LINE = re.compile(r"^\s*(?:[-*]\s*)?(?P<label>[^:\n|]{3,80}):\s*(?P<items>[^\n]+)$", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n")
_LIST_ITEM = re.compile(rf"^\s*(?P<name>{_NAME})\s+(?P<value>[-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<unit>[A-Za-z%/]*)\s*$")
_VALUE = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_UNIT = r"[A-Za-zµ%][A-Za-z%/µ]*"
_PROSE_FOR = re.compile(rf"(?P<value>{_VALUE})\s*(?P<unit>{_UNIT})?\s+(?:for|at|in|on|to)\s+(?P<name>{_NAME}(?:\s+\d+)?)")
"""One item of a list written as prose, value first: "40 Mbit/s for Alpha", "0.2 mW at Rx1", "-95 dB for sensor 1"
('sensor 1' is named sensor1)."""
_VERB = (
    r"(?:(?:has|have|gets|needs|is|with|can take|can (?:transmit|send|use)(?: any power)?(?: up to| at most| from 0 to)?"
    r"|any power (?:from 0 to|up to|of at most)|up to|at most"
    r"|(?:needs? )?at least|must (?:deliver|get|receive|reach|have|carry)(?: at least| at most| up to)?)\s+)?"
)
_PROSE_PAREN = re.compile(rf"(?P<value>{_VALUE})\s*(?P<unit>{_UNIT})?\s*\(\s*(?:for\s+)?(?P<name>{_NAME}(?:\s+\d+)?)\s*\)")
"""One item, the name after it in parentheses: "10 dB (link 1)", "8 dB (Rx2)"; 'link 1' is named link1."""
_PAIR = rf"{_NAME}\s*(?:->|→)\s*{_NAME}"
"""Two names joined by an arrow: 'Tx1 -> Rx1' (a gain from a transmitter to a receiver)."""
_PROSE_HAS = re.compile(
    rf"(?P<name>{_PAIR}|{_NAME}(?:\s+\d+(?=\s+[A-Za-z]))?)(?:\s*:)?\s+{_VERB}(?P<value>{_VALUE})\s*(?P<unit>{_UNIT})?"
)
"""One item, name first: "Alpha has 25 RBs", "Bravo 20", "sensor 2 at least 25 Mbit/s" (named sensor2)."""
_ITEM = rf"{_VALUE}(?:\s*{_UNIT})?"
_RANGE_LIST = re.compile(
    rf"(?P<values>{_ITEM}(?:\s*,\s*(?:and\s+)?{_ITEM}|\s+and\s+{_ITEM})+)\s+(?:for|of)\s+(?:the\s+)?"
    rf"(?:(?P<what>[A-Za-z]+)\s+)?(?P<first>[A-Za-z]*\d+)\s*(?:to|through|-|–)\s*(?P<last>[A-Za-z]*\d+)"
)
"""A list whose names are a range: "18 dB, 9 dB, 24 dB, 3 dB and 14 dB for users 1 to 5", "4.2, 1.3 and 2.8 bit/s/Hz
for gateways G1 to G3"."""
_RANGE_FIRST = re.compile(
    rf"(?:(?P<what>[A-Za-z]+)\s+)?(?P<first>[A-Za-z]*\d+)\s*(?:to|through|-|–)\s*(?P<last>[A-Za-z]*\d+)\s+"
    rf"(?:is|are|was|were|equals?|has|have|:)?\s*(?P<values>{_ITEM}(?:\s*,\s*(?:and\s+)?{_ITEM}|\s+and\s+{_ITEM})+)"
    r"(?=\s*(?:[.;]|$))"  # the values end the sentence: "1900 and 600", not "1900 and" as a unit
)
"""The range first: "The population of the villages V1 to V12 is 1800, 2500, ... and 600"."""
THING_NAME = re.compile(r"^(?:[A-Z][\w\-]*|[A-Za-z][\w\-]*\d[\w\-]*)$")
"""How the name of a thing looks: 'U3', 'AP1', 'Macro', 'Small-1', 'P1S2'; not 'demand', 'rate' or '1'."""
_NAMES = rf"{_NAME}(?:\s*(?:,|/|\bor\b|\band\b)\s*{_NAME})*"
_RELATION_LINE = re.compile(rf"^\s*(?:[-*]\s*)?(?:[a-z]+\s+)?(?P<key>{_NAME})\s*:\s*(?P<items>{_NAMES})\s*\.?\s*$")
"""'- U1: Macro, Small-1', and with a word for what the key is: '- site A: V1, V2, V5'."""
_RELATION_GROUP = re.compile(rf"(?P<key>{_NAME})\s*[({{]\s*(?P<items>{_NAMES})\s*[)}}]")
_GROUP_GAP = re.compile(r"\s*[;,]?\s*(?:and\s+)?")
_ITEM_SPLIT = re.compile(r"\s*(?:,|/|\bor\b|\band\b)\s*")


@dataclass(frozen=True)
class Table:
    id: str
    caption: str
    """The sentence just before the table, which usually says what it holds."""
    corner: str
    columns: tuple[str, ...]
    rows: tuple[str, ...]
    cells: tuple[tuple[float | None, ...], ...]
    """cells[r][c]; None where the text has no number ("-", blank)."""
    texts: tuple[tuple[str, ...], ...] = ()
    """The cells as written ("10 Gbit/s", "A"), for readers of cells that are not plain numbers."""
    from_list: str = ""
    """The id of the list this table was made of (a list of links, "A-B 100 Mbit/s, ...", is also a link table)."""

    def as_matrix(self) -> dict[str, dict[str, float | None]]:
        return {row: dict(zip(self.columns, values, strict=True)) for row, values in zip(self.rows, self.cells, strict=True)}

    def text_of(self, row: str, column: str) -> str:
        """The cell as written ('' when the row is shorter than the header)."""
        cells = self.texts[self.rows.index(row)] if self.texts else ()
        j = self.columns.index(column)
        return cells[j] if j < len(cells) else ""

    def column(self, name: str) -> dict[str, float | None]:
        j = self.columns.index(name)
        return {row: values[j] for row, values in zip(self.rows, self.cells, strict=True)}

    def describe(self) -> str:
        return f"{self.id}: table '{self.caption}' with rows {', '.join(self.rows)} and columns {', '.join(self.columns)}"


@dataclass(frozen=True)
class NamedList:
    id: str
    label: str
    values: dict[str, float]
    unit: str
    """The unit written after the numbers, when they share one ("" when none is written, or they differ)."""
    units: dict[str, str] = field(default_factory=dict)
    """Each item's own unit where the items differ ("Tx1 up to 200 mW, Tx2 up to 50 mW and Tx3 up to 20 dBm")."""

    def describe(self) -> str:
        items = ", ".join(f"{k} {v:g}" + (f" {self.units[k]}" if k in self.units else "") for k, v in self.values.items())
        return f"{self.id}: list '{self.label}': {items}" + (f" ({self.unit})" if self.unit else "")


@dataclass(frozen=True)
class Relation:
    """Names the text relates to other names, one line (or group) each: "- U1: Macro, Small-1" or "U1 (A, B); U2 (B)"."""

    id: str
    label: str
    """The line the relation follows (or its own label), which usually says what it holds ("Coverage: ...")."""
    members: dict[str, tuple[str, ...]]

    def describe(self) -> str:
        items = "; ".join(f"{k}: {', '.join(v)}" for k, v in self.members.items())
        return f"{self.id}: '{self.label}': {items}"


@dataclass(frozen=True)
class TextData:
    text: str
    numbers: tuple[float, ...]
    tables: tuple[Table, ...] = ()
    lists: tuple[NamedList, ...] = ()
    chains: tuple[tuple[str, ...], ...] = ()
    relations: tuple[Relation, ...] = field(default=())
    """Names related to other names ("- U1: Macro, Small-1": the cells that cover a user)."""
    extra_numbers: tuple[float, ...] = field(default=())
    """Numbers from attached data files: they count as 'in the problem' for the Verifier too."""
    files: tuple[str, ...] = field(default=())
    """Paths of the attached data files, for templates that read a whole file (e.g. a satnet scenario)."""
    counts: tuple[float, ...] = field(default=())
    """Counts the text states without digits: "two channels", "channels 1, 6 and 11" (3)."""
    fractions: tuple[float, ...] = field(default=())
    """The fractions its percentages state: "60 %" is 0.6 too."""

    def says(self, pattern: re.Pattern[str]) -> bool:
        """Does the problem's own text use these words? (Templates offer a binding field only when it does.)"""
        return pattern.search(self.text) is not None

    def sentences(self) -> list[str]:
        """The sentences (and bullets) of the problem's own prose, hard-wrapped lines joined, and each column header of
        its tables on its own."""
        prose = _unwrapped("\n".join(line for line in self.text.splitlines() if not line.strip().startswith("|")))
        return [s for s in _SENTENCE_END.split(prose) if s.strip()] + [c for t in self.tables for c in t.columns]

    def says_together(self, *patterns: re.Pattern[str]) -> bool:
        """Does one sentence (or line) of the problem's text use all these words?"""
        return any(all(p.search(s) for p in patterns) for s in self.sentences())

    def mentions(self, value: float, rel: float = 1e-9) -> bool:
        """Does the text (or attached data) state this number, literally, as a count ("two", "channels 1, 6 and 11") or
        as a percentage ("60 %" states 0.6)?"""
        stated = (*self.numbers, *self.extra_numbers, *self.counts, *self.fractions)
        return any(abs(value - n) <= rel * max(1.0, abs(n)) for n in stated)

    def only_as_items(self, value: float) -> dict[str, list[str]]:
        """Where the text gives this number only as data: {source id: the items (a list's names, a table's
        "column of row") that hold it}, when no sentence states it otherwise; {} when one does (or nothing holds it).

        "- R4-H: 650 Mbit/s" gives 650 as the capacity of R4-H: a model that copies 650 as a demand's rate took a
        link's capacity for something the text never states."""

        def same(number: float) -> bool:
            return abs(number - value) <= 1e-9 * max(1.0, abs(value))

        items: dict[str, list[str]] = {}
        for named in self.lists:
            held = [name for name, number in named.values.items() if same(number)]
            if held:
                items[named.id] = held
        for table in self.tables:
            held = [f"{column} of {row}" for row, column in _cells_equal(table, same)]
            if held and not table.from_list:
                items[table.id] = held
        if not items or any(same(n) for n in (*self.extra_numbers, *self.counts, *self.fractions)):
            return {}
        for sentence in self.sentences():
            said = sum(1 for m in NUMBER.finditer(sentence) if same(float(m.group())))
            listed = sum(1 for named in self.lists for name in items.get(named.id, []) if name_pattern(name).search(sentence))
            if said > listed:
                return {}  # stated in a sentence of its own, not only as an item
        return items

    def table(self, table_id: str) -> Table:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise KeyError(f"no table {table_id!r} in the problem text")

    def named_list(self, list_id: str) -> NamedList:
        for named in self.lists:
            if named.id == list_id:
                return named
        raise KeyError(f"no list {list_id!r} in the problem text")

    def relation(self, relation_id: str) -> Relation:
        for relation in self.relations:
            if relation.id == relation_id:
                return relation
        raise KeyError(f"no relation {relation_id!r} in the problem text")

    def same_data(self, source_id: str) -> set[str]:
        """The ids under which one piece of the text is read: a list and the tables code made of it (a link list read
        as a table of links); a binding that takes any of them takes the others."""
        made_of = {t.from_list for t in self.tables if t.id == source_id and t.from_list}
        lists = made_of or {source_id}
        return lists | {t.id for t in self.tables if t.from_list in lists}

    def describe(self) -> str:
        """What code found in the text, in the words the Modeler's prompt shows the model."""
        lines = [t.describe() for t in self.tables] + [n.describe() for n in self.lists]
        lines += [r.describe() for r in self.relations]
        lines += [f"chain: {' -> '.join(chain)}" for chain in self.chains]
        return "\n".join(lines) if lines else "(no tables or lists found)"


def _cells_equal(table: Table, same: Callable[[float], bool]) -> list[tuple[str, str]]:
    return [
        (row, column)
        for row, values in zip(table.rows, table.cells, strict=True)
        for column, number in zip(table.columns, values, strict=True)
        if number is not None and same(number)
    ]


def name_pattern(name: str) -> re.Pattern[str]:
    """The name as a word of its own: 'U1' in "U1 and U5" but not in "U10" or "U1-extra"; a word and a number also
    written apart ('link1' in "Link 1 needs", as code names the things of "10 dB (link 1)")."""
    numbered = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    written = rf"(?i:{numbered.group(1)})\s?{numbered.group(2)}" if numbered else re.escape(name)
    return re.compile(rf"(?<![\w-]){written}(?![\w-])")


def names_any(text: str, names: Iterable[str]) -> bool:
    """Does the text name any of these, each as a word of its own?"""
    return any(name_pattern(name).search(text) for name in names)


PERCENT = re.compile(r"(?<![\w.])([-+]?\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)", re.IGNORECASE)
"""A percentage ("35 %", "20 percent"): its number, which a model may use as the fraction."""


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


_POWER_OF_TEN = re.compile(
    r"(?<![\w.])(?:(?P<mantissa>\d+(?:\.\d+)?)\s*[x×*·]\s*)?10\s*(?:\^\s*(?:\(\s*(?P<bracketed>[-+−]?\d+)\s*\)|(?P<exponent>[-+−]?\d+))"
    r"|(?P<superscript>[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))(?!\w|\.\d)"
)
_SUPERSCRIPT = str.maketrans("⁺⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "+-0123456789")


def _e_notation(match: re.Match[str]) -> str:
    exponent = match.group("exponent") or match.group("bracketed") or match.group("superscript").translate(_SUPERSCRIPT)
    return f"{match.group('mantissa') or 1}e{exponent.replace('−', '-')}"


def plain_numbers(text: str) -> str:
    """The text with its numbers written plainly: without thousands separators, "60,000" → "60000" (read as 60 and 0
    before, nl4opt-005's "at least 60,000 square feet" asked a model that used 60000 for a 60 and a 0 it had left
    out); powers of ten in e-notation, "kappa = 10^-27" → "1e-27", "1.5 x 10^9" → "1.5e9", "10⁻¹⁷" → "1e-17" (read as
    10 and -27 before, dev30-mec-01's kappa could be written by no model as a number of the text)."""
    return _POWER_OF_TEN.sub(_e_notation, _THOUSANDS.sub("", text))


def shares(text: str) -> dict[float, float]:
    """Each percentage's number and its fraction, each to the other ({60: 0.6, 0.6: 60}): a model may write either
    (nl4opt-000's "at least 60% of the trips by canoe" as canoes >= 0.6 * (boats + canoes))."""
    pairs = [(float(m.group(1)), float(m.group(1)) / 100) for m in PERCENT.finditer(plain_numbers(text))]
    return {**dict(pairs), **{fraction: percent for percent, fraction in pairs}}


def parse_text(text: str, extra_numbers: tuple[float, ...] = (), files: tuple[str, ...] = ()) -> TextData:
    numbers = tuple(float(m.group()) for m in NUMBER.finditer(plain_numbers(text)))
    lists = _lists(text)
    lists += _bullet_lists(text, lists)
    lists += _prose_lists(text, lists)
    return TextData(
        text=text,
        numbers=numbers,
        tables=_derived_tables(text, lists),
        lists=lists,
        chains=_chains(text),
        relations=_relations(text),
        extra_numbers=extra_numbers,
        files=files,
        counts=stated_counts(text),
        fractions=tuple(float(m.group(1)) / 100 for m in PERCENT.finditer(text)),
    )


_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                "eleven": 11, "twelve": 12}  # fmt: skip
_COUNT_WORD = re.compile(r"\b(" + "|".join(_COUNT_WORDS) + r")\b", re.IGNORECASE)
_ENUMERATED = re.compile(r"\b(?P<noun>[A-Za-z]+s)\s+(?P<items>\d[\w.]*(?:\s*,\s*\d[\w.]*)*\s*,?\s+(?:and|or)\s+\d[\w.]*)")
"""Things named by their numbers: "channels 1, 6 and 11", "subcarriers 3, 4 or 7"."""


def _enumerated(text: str) -> list[tuple[str, float]]:
    """(noun, how many) for each enumeration of things by their numbers: ("channels", 3) for "channels 1, 6 and 11"."""
    items = r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+"
    return [(m.group("noun").lower(), float(len(re.split(items, m.group("items"))))) for m in _ENUMERATED.finditer(text)]


_COUNTED = re.compile(
    r"\b(?P<count>" + "|".join(_COUNT_WORDS) + r"|\d+)\s+"
    r"(?:(?!(?:[kMGT]?Hz|dB\w*|[kMGT]?bits?|[kMG]?W|mW|ms|km|m|GB|MB|kB)\b)[A-Za-z-]+\s+){0,2}?(?P<noun>[A-Za-z]+s)\b",
    re.IGNORECASE,
)
"""A count and the plural noun it counts: "3 orthogonal channels", "seven satellites" (no unit between them)."""


def counted_nouns(text: str) -> tuple[tuple[str, float], ...]:
    """(noun, count) for what the text counts: "3 orthogonal channels" -> (channels, 3), "channels 1, 6 and 11" ->
    (channels, 3); a count of a thing's own (its "20 MHz channels") is left out by the unit between them."""
    found = [(m.group("noun").lower(), float(_COUNT_WORDS.get(m.group("count").lower(), 0) or m.group("count")))
             for m in _COUNTED.finditer(text)]  # fmt: skip
    return tuple(dict.fromkeys(found + _enumerated(text)))


def counts_in_digits(text: str) -> str:
    """The text with its counts from two to twelve written in digits ("requires two probes" → "requires 2 probes"),
    for readers of numbers with what they count."""
    return _COUNT_WORD.sub(lambda m: str(_COUNT_WORDS[m.group().lower()]), text)


def stated_counts(text: str) -> tuple[float, ...]:
    """How many things the text says there are without writing the count: "two channels", "channels 1, 6 and 11"."""
    words = [float(_COUNT_WORDS[w.lower()]) for w in _COUNT_WORD.findall(text)]
    return tuple(dict.fromkeys(words + [count for _, count in _enumerated(text)]))


def _derived_tables(text: str, lists: tuple[NamedList, ...]) -> tuple[Table, ...]:
    """The text's own tables, then the tables code makes of its lists of pairs (a table of links, a matrix) and of
    its lists of positions."""
    tables = _tables(text)
    tables += _link_tables(text, lists, len(tables))
    tables += _pair_tables(lists, len(tables))
    return tables + _position_tables(text, len(tables))


_POSITION = re.compile(rf"(?P<name>{_NAME})\s*(?::|=|at)?\s*\(\s*(?P<x>{_VALUE})\s*,\s*(?P<y>{_VALUE})\s*\)")
"""One thing's position in a sentence: "H1 (1.0, 1.0)", "AP2 at (30, 40)", "S3: (2, 5)"."""
_POSITION_UNIT = re.compile(
    r"\b(?:coordinates?|positions?|locations?|grid)\b[^.\n]*?\b(?:in|are)\s+(?P<unit>km|m|metres|meters|kilometres|kilometers)\b",
    re.IGNORECASE,
)


def _position_tables(text: str, count: int) -> tuple[Table, ...]:
    """Lists of positions written in a sentence ("Hotspots: H1 (1.0, 1.0), H2 (2.5, 0.5), ...") as tables with x
    and y columns (in the unit the text gives coordinates in, where it says), so that readers of coordinate tables
    read them."""
    unit = (m := _POSITION_UNIT.search(text)) and m.group("unit")
    columns = (f"x ({unit})", f"y ({unit})") if unit else ("x", "y")
    tables: list[Table] = []
    for line in _unwrapped(text).splitlines():
        if line.lstrip().startswith("|"):
            continue
        found = list(_POSITION.finditer(line))
        names = [m.group("name") for m in found]
        if len(found) < 2 or len(set(names)) < len(names) or not all(THING_NAME.match(n) for n in names):
            continue
        caption = line[: found[0].start()].strip(" :-*") or line.strip()[:100]
        cells = tuple((float(m.group("x")), float(m.group("y"))) for m in found)
        texts = tuple((m.group("x"), m.group("y")) for m in found)
        tables.append(Table(f"T{count + len(tables) + 1}", caption[:200], "", columns, tuple(names), cells, texts))
    return tuple(tables)


def _number_or_none(cell: str) -> float | None:
    match = NUMBER.fullmatch(cell.strip())
    return float(match.group()) if match else None


def _split_row(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _tables(text: str) -> tuple[Table, ...]:
    lines = text.splitlines()
    tables: list[Table] = []
    i = 0
    while i < len(lines) - 1:
        header, separator = lines[i].strip(), lines[i + 1].strip()
        if header.startswith("|") and re.fullmatch(r"\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?", separator):
            head = _split_row(header)
            body: list[list[str]] = []
            j = i + 2
            while j < len(lines) and lines[j].strip().startswith("|"):
                body.append(_split_row(lines[j]))
                j += 1
            caption = _caption_before(lines, i)
            tables.append(
                Table(
                    id=f"T{len(tables) + 1}",
                    caption=caption,
                    corner=head[0],
                    columns=tuple(head[1:]),
                    rows=tuple(row[0] for row in body),
                    cells=tuple(tuple(_number_or_none(c) for c in row[1 : len(head)]) for row in body),
                    texts=tuple(tuple(row[1 : len(head)]) for row in body),
                )
            )
            i = j
        else:
            i += 1
    return tuple(tables)


def _caption_before(lines: list[str], index: int) -> str:
    for k in range(index - 1, -1, -1):
        line = lines[k].strip()
        if line:
            sentences = re.split(r"(?<=[.!?])\s+", line)
            return sentences[-1][:200]
    return ""


def _lists(text: str) -> tuple[NamedList, ...]:
    found: list[NamedList] = []
    for match in _LIST_LINE.finditer(text):
        items = re.split(r",\s*|;\s*|\s+and\s+", match.group("items").rstrip(". "))
        parsed = [_LIST_ITEM.match(item) for item in items]
        if len(parsed) >= 2 and all(parsed):
            values = {m.group("name"): float(m.group("value")) for m in parsed if m}
            written = {m.group("name"): m.group("unit") for m in parsed if m and m.group("unit")}
            if len(set(written.values())) > 1 and len(written) < len(values):
                written = {}  # mixed units, some items without one: no unit can be trusted
            found.append(_list_of(f"L{len(found) + 1}", match.group("label").strip(), values, written))
    return tuple(found)


_BULLET_ITEM = re.compile(rf"^\s*[-*•]\s*(?P<name>{_NAME})\s*:\s*(?P<value>{_VALUE})\s*(?P<unit>{_UNIT})?\s*[.;,]?\s*$")
"""A list item on a bullet line of its own: "- G-R1: 1.2 Gbit/s"."""
_LINK = re.compile(r"^([A-Za-z][\w.]*)\s*(?:->|→|<->|↔|–|—|-)\s*([A-Za-z][\w.]*)$")
"""A link named by its two ends ("G-R1", "S1-A", "A->B"); not "Small-1", whose second part is a number."""
_LINK_ROW = re.compile(r"^\(?\s*([A-Za-z0-9_.]+?)\s*(?:->|→|<->|↔|–|—|-|,|\bto\b)\s*([A-Za-z0-9_.]+)\s*\)?$")
"""A table row that names a link: also "(A,B)", "A to B" and "1-2" (a table whose every row is one is a link table)."""


def link_ends(label: str, *, row: bool = False) -> tuple[str, str] | None:
    """("A", "B") for a link named by its two ends ("A->B", "G-R1"); None when the label does not name two nodes.

    A table's row label (`row`) may also be "(A,B)", "A to B" or "1-2"; in prose and lists those read as two items or
    as a numbered name ("Small-1"), so they are not links there."""
    match = (_LINK_ROW if row else _LINK).match(label.strip())
    return (match.group(1), match.group(2)) if match else None


_UNIT_IN_CAPTION = re.compile(r"\(\s*(?:in\s+)?(?P<unit>[A-Za-zµ][\w/µ]*)\s*[,;)]")
"""The unit a caption gives in parentheses, alone or first: "(Mbit/s)", "(in Gbit/s, total for both directions)"."""


def _bullet_lists(text: str, known: tuple[NamedList, ...]) -> tuple[NamedList, ...]:
    """Lists written one item per bullet line ("- G-R1: 1.2 Gbit/s", "- R1-R2: 300 Mbit/s"): two or more lines in a
    row, each naming a thing with a digit in its name or a link; the line before says what they hold."""
    lines = text.splitlines()
    found: list[NamedList] = []
    run: list[re.Match[str]] = []
    start = 0
    for index, line in enumerate([*lines, ""]):
        match = _BULLET_ITEM.match(line)
        if match and all(m.group("name") != match.group("name") for m in run):
            start = index if not run else start
            run.append(match)
            continue
        names = [m.group("name") for m in run]
        if len(run) >= 2 and all(re.search(r"\d", n) or link_ends(n) for n in names):
            values = {m.group("name"): float(m.group("value")) for m in run}
            written = {m.group("name"): m.group("unit") for m in run if m.group("unit")}
            label = _caption_before(lines, start) or "list"
            found.append(_list_of(f"L{len(known) + len(found) + 1}", label, values, written))
        run = [match] if match else []
        start = index
    return tuple(found)


def _link_tables(text: str, lists: tuple[NamedList, ...], count: int) -> tuple[Table, ...]:
    """A list whose every name is a link ("A-B 100 Mbit/s, A-C 60 Mbit/s") as a table of links too, with one column
    of its values, so that templates that read a table of links read it: a cell keeps its own unit where the items
    differ ("1.2 Gbit/s" beside "800 Mbit/s"); the column header has the unit the list or its caption states."""
    tables: list[Table] = []
    for named in lists:
        if len(named.values) < 2 or not all(link_ends(name) for name in named.values):
            continue
        before = _context_before(text, next(iter(named.values)))
        said = named.label.strip(" :")
        caption = before if said in before else named.label if before.strip(" :") in said else f"{before} {named.label}"
        stated = named.unit or ((m := _UNIT_IN_CAPTION.search(caption)) and m.group("unit")) or ""
        column = f"value ({stated})" if stated else "value"
        rows = tuple(named.values)
        own = named.units  # items in different units: each cell is read with its own
        cells = tuple((None if name in own else value,) for name, value in named.values.items())
        texts = tuple((f"{value:g} {own[name]}" if name in own else f"{value:g}",) for name, value in named.values.items())
        table_id = f"T{count + len(tables) + 1}"
        tables.append(Table(table_id, caption[:200], "link", (column,), rows, cells, texts, from_list=named.id))
    return tuple(tables)


def same_numbers(names: Iterable[str], others: Iterable[str]) -> dict[str, str] | None:
    """{name: other} where both are one word and a number and the numbers match one to one ("link1" -> "Tx1" ...,
    two namings of numbered things); None when either is not numbered that way or the numbers differ."""

    def numbered(group: Iterable[str]) -> dict[str, str] | None:
        found = {n: re.fullmatch(r"([A-Za-z]+)-?(\d+)", n) for n in group}
        if not all(found.values()) or len({m.group(1) for m in found.values() if m}) != 1:
            return None
        by_number = {m.group(2): n for n, m in found.items() if m}
        return by_number if len(by_number) == len(found) else None

    mine, theirs = numbered(names), numbered(others)
    if mine is None or theirs is None or set(mine) != set(theirs):
        return None
    return {mine[number]: theirs[number] for number in mine}


def _pair_name(name: str) -> str:
    """'Tx1 -> Rx1' as 'Tx1->Rx1', 'link 1' and 'Link 1' as 'link1' (a word's capital at a sentence's start is no
    part of the name: "Sensor 1 must ... and sensor 2 ..."), 'UE 1' as 'UE1'; other names as written."""

    def joined(match: re.Match[str]) -> str:
        word = match.group(1)
        return f"{word.lower() if word[1:].islower() else word}{match.group(2)}"

    return re.sub(r"\s*(->|→)\s*", "->", re.sub(r"^([A-Za-z]+)\s+(\d+)$", joined, name))


def _pair_tables(lists: tuple[NamedList, ...], count: int) -> tuple[Table, ...]:
    """A list of values per pair as a matrix too: "Tx1 -> Rx1 0.8, Tx2 -> Rx1 0.02, ..." with every pair of two
    groups is a table (rows the first names, columns the second); "AP1-AP2: 18, AP1-AP3: 9, ..." among one group
    is a square table, a pair's value both ways unless the text gives the other way too, blank where no pair is
    listed. Templates that read a matrix (gains, interference between access points) read it there."""
    tables: list[Table] = []
    for named in lists:
        ends = [link_ends(name) for name in named.values]
        if len(ends) < 2 or named.units or not all(ends):
            continue
        pairs = {e: value for e, value in zip(ends, named.values.values(), strict=True) if e is not None}
        firsts = list(dict.fromkeys(a for a, _ in pairs))
        seconds = list(dict.fromkeys(b for _, b in pairs))
        if not set(firsts) & set(seconds):
            if len(pairs) != len(firsts) * len(seconds):
                continue  # two groups, but not every pair: no matrix to read
            rows, columns = firsts, seconds
            cells = tuple(tuple(pairs.get((a, b)) for b in columns) for a in rows)
        else:
            rows = columns = sorted(dict.fromkeys(n for pair in pairs for n in pair), key=_natural)
            if len(rows) < 3:
                continue
            cells = tuple(tuple(pairs.get((a, b), pairs.get((b, a))) if a != b else None for b in columns) for a in rows)
        texts = tuple(tuple("" if v is None else f"{v:g}" for v in row) for row in cells)
        caption = f"{named.label} ({named.unit})" if named.unit else named.label
        table_id = f"T{count + len(tables) + 1}"
        tables.append(Table(table_id, caption[:200], "", tuple(columns), tuple(rows), cells, texts, from_list=named.id))
    return tuple(tables)


def _natural(name: str) -> tuple[Any, ...]:
    """'AP2' before 'AP10'."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def _context_before(text: str, name: str) -> str:
    """The sentence before the first mention of `name` in the text, where a list's caption usually is."""
    match = name_pattern(name).search(text)
    if match is None:
        return ""
    before = text[: match.start()].rstrip()
    pieces = [p for p in re.split(r"(?<=[.!?:])\s+|\n", before) if re.search(r"\w", p)]
    return pieces[-1].strip() if pieces else ""


def _list_of(list_id: str, label: str, values: dict[str, float], written: dict[str, str]) -> NamedList:
    """A list with the units written after its items: one `unit` when they agree, each item's in `units` when
    they differ."""
    units = set(written.values())
    if len(units) > 1:
        return NamedList(id=list_id, label=label, values=values, unit="", units=written)
    return NamedList(id=list_id, label=label, values=values, unit=units.pop() if units else "")


def _range_list(sentence: str, list_id: str) -> NamedList | None:
    """The list of a sentence that names its things by a range ("... for users 1 to 5", "... for G1 to G6"), its
    names spelled out (user1 ... user5, G1 ... G6); None when the count of numbers and names differ."""
    match = _RANGE_LIST.search(sentence) or _RANGE_FIRST.search(sentence)
    if match is None:
        return None
    first, last = (re.fullmatch(r"([A-Za-z]*)(\d+)", match.group(g)) for g in ("first", "last"))
    assert first is not None and last is not None
    if first.group(1) != last.group(1):
        return None
    prefix = first.group(1) or re.sub(r"s$", "", match.group("what") or "")
    if not prefix:
        return None
    names = [f"{prefix}{i}" for i in range(int(first.group(2)), int(last.group(2)) + 1)]
    tokens = re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group("values"))
    items = [re.fullmatch(rf"({_VALUE})\s*({_UNIT})?", t.strip()) for t in tokens]
    if len(items) != len(names) or not all(items):
        return None
    written = [i.group(2) or "" for i in items if i]
    unit = next((u for u in reversed(written) if u), "")  # "4.2, 1.3 and 2.8 bit/s/Hz": the last item's
    values = {n: float(i.group(1)) for n, i in zip(names, items, strict=True) if i}
    before = match.start() if match.re is _RANGE_LIST else match.start("values")  # the range is part of the label
    label = sentence[:before].strip(" :-*,") or sentence.strip()[:100]
    return _list_of(list_id, label, values, {n: u or unit for n, u in zip(names, written, strict=True)})


def _prose_lists(text: str, known: tuple[NamedList, ...]) -> tuple[NamedList, ...]:
    """Lists written in a sentence: "What is left of the backhaul is 40 Mbit/s for Alpha, 30 Mbit/s for Bravo and
    25 Mbit/s for Charlie", "Per TTI Alpha has 25 RBs, Bravo 20 and Charlie 15": two or more items of one form, each
    naming a thing ('Alpha', 'Rx1'), joined by commas or 'and'; what precedes the first item is the label. An item
    without a unit takes the first item's. A small model picks such a list by its id where it would retype (or
    confuse) its numbers."""
    found: list[NamedList] = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n", _unwrapped(text)):
        if sentence.lstrip().startswith("|"):
            continue
        reads: list[tuple[dict[str, float], dict[str, str], str]] = []
        for piece in re.split(r"(?<=;)\s+", sentence):
            ranged = _range_list(piece, f"L{len(known) + len(found) + 1}")
            if ranged is not None and not any(ranged.values == k.values for k in [*known, *found]):
                found.append(ranged)
                continue
            read = _prose_items(piece)
            for colon in [m.start() for m in re.finditer(":", piece)] if read is None else []:
                read = _prose_items(piece[colon + 1 :], piece[:colon].strip())  # "...: A-B 100, A-C 60"
                if read is not None:
                    break
            for group in re.finditer(r"\(([^()]+)\)", piece) if read is None else []:
                # "... draws a fixed power (M 130 W, P1 68 W, P2 72 W, P3 65 W); ...": the list in parentheses, after
                # words that say what it holds (not a bullet's name, "- P1→N1 (Capacity 80, Cost 2)")
                said = piece[: group.start()].strip()
                read = _prose_items(group.group(1), said[-200:]) if len(said) >= 15 else None
                if read is not None:
                    break
            if read is None and reads:
                read = _prose_items(piece, minimum=1)  # "...; UE3 needs at least 250 kbit/s": one more item
            if read is not None:
                reads.append(read)
        for values, written, label in _joined(reads):
            if len(values) < 2:
                continue
            if not any(values == k.values for k in [*known, *found]):
                found.append(_list_of(f"L{len(known) + len(found) + 1}", label, values, written))
    return tuple(found)


def _joined(
    reads: list[tuple[dict[str, float], dict[str, str], str]],
) -> list[tuple[dict[str, float], dict[str, str], str]]:
    """The lists of one sentence, a list continued after a semicolon joined to its start ("UE1 needs at least 0.5
    Mbit/s and UE2 at least 0.6 Mbit/s; UE3 needs at least 400 kbit/s and UE4 at least 250 kbit/s"): other names of
    the same kind (UE1, UE3: the same letters), each with a unit where the start has one."""
    out: list[tuple[dict[str, float], dict[str, str], str]] = []
    for values, written, label in reads:
        if out:
            last_values, last_written, last_label = out[-1]
            same_kind = {re.sub(r"\d+", "", n) for n in values} == {re.sub(r"\d+", "", n) for n in last_values}
            if same_kind and not set(values) & set(last_values) and bool(written) == bool(last_written):
                out[-1] = ({**last_values, **values}, {**last_written, **written}, last_label)
                continue
        out.append((values, written, label))
    return out


_OWN_LINE = re.compile(r"^\s*(?:[-*•|]|\d+[.)]\s)")
"""A line that is a bullet, a numbered item or a table row: never part of the prose line before it."""


def _unwrapped(text: str) -> str:
    """The text with hard-wrapped prose lines joined ("... AP3-AP5: 9,\nAP4-AP5: 11 ..." is one sentence); blank
    lines, bullets, numbered items and table rows still start lines of their own."""
    out: list[str] = []
    for line in text.splitlines():
        starts_own = not line.strip() or _OWN_LINE.match(line) is not None
        if out and out[-1].strip() and not starts_own and not _OWN_LINE.match(out[-1]):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
    return "\n".join(out)


def _prose_items(sentence: str, label: str = "", minimum: int = 2) -> tuple[dict[str, float], dict[str, str], str] | None:
    """The items of one sentence's list (values, units as written, label), or None: two or more items of one form
    joined by commas or 'and'. `label`: what the caller already knows the list holds (the words before a colon:
    "... these links, with capacities shared by both directions: A-B 100 Mbit/s, A-C 100 Mbit/s")."""
    parts = re.split(r",\s*(?:and\s+)?|;\s*|\s+and\s+", sentence.strip().rstrip("."))
    for form in (_PROSE_FOR, _PROSE_HAS, _PROSE_PAREN):
        first = form.search(parts[0]) if parts else None
        items = [first] if first is not None and first.end() == len(parts[0].rstrip()) else []
        for part in parts[1:] if items else []:
            match = form.fullmatch(part.strip())
            if match is None:
                break
            items.append(match)
        names = [_pair_name(m.group("name")) for m in items]
        if len(items) < minimum or len(set(names)) < len(names) or not all(THING_NAME.match(n) or link_ends(n) for n in names):
            continue
        assert first is not None
        if not label:
            label = parts[0][: first.start()].strip(" :-*")
            label = label if len(label) >= 15 else sentence.strip()[:100]  # "Per TTI" says less than the sentence
        first_unit = items[0].group("unit") or ""
        written = {n: m.group("unit") or first_unit for n, m in zip(names, items, strict=True)}  # "Bravo 20": the first's
        return dict(zip(names, (float(m.group("value")) for m in items), strict=True)), written, label[:200]
    return None


def _chains(text: str) -> tuple[tuple[str, ...], ...]:
    chains: list[tuple[str, ...]] = []
    for match in _CHAIN.finditer(text):
        steps = re.split(r"\s*(?:->|→)\s*", match.group(0).strip())
        chain = tuple(re.sub(r"\s*\(.*\)$", "", step) for step in steps)
        if chain not in chains:
            chains.append(chain)
    return tuple(chains)


def _relations(text: str) -> tuple[Relation, ...]:
    """Blocks of two or more "NAME: NAME, NAME" lines, and lines of two or more "NAME (NAME, NAME)" groups."""
    lines = text.splitlines()
    found: list[Relation] = []

    def add(label: str, members: dict[str, tuple[str, ...]]) -> None:
        found.append(Relation(id=f"R{len(found) + 1}", label=label.strip()[:200], members=members))

    block: dict[str, tuple[str, ...]] = {}
    start = 0
    for index, line in enumerate([*lines, ""]):
        match = _RELATION_LINE.match(line)
        if match and match.group("key") not in block:
            if not block:
                start = index
            block[match.group("key")] = _items(match.group("items"))
            continue
        if len(block) >= 2:
            add(_caption_before(lines, start), block)
        block = {}
        groups = list(_RELATION_GROUP.finditer(line))
        keys = [g.group("key") for g in groups]
        joined = all(_GROUP_GAP.fullmatch(line[a.end() : b.start()]) for a, b in itertools.pairwise(groups))
        if len(groups) >= 2 and len(set(keys)) == len(keys) and joined:
            label = line[: groups[0].start()].strip(" :-*") or _caption_before(lines, index)
            add(label, {g.group("key"): _items(g.group("items")) for g in groups})
    return tuple(found)


def _items(items: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in _ITEM_SPLIT.split(items.strip()) if i))


# --- Numbers read from the phrase that states them ------------------------------------------------------------------
# A small model often swaps numbers that occur together ("6 planes of 10 satellites" -> 10 planes). Where the text
# says a number in a recognisable phrase, code reads it from there, and refuses a value the phrase contradicts.

_PHRASE_NUMBER = r"(\d+(?:\.\d+)?)"
SPACE_WORDS = re.compile(
    r"\b(?:satellites?|sats?|LEO|MEO|GEO|constellations?|orbit\w*|ISLs?|inter-satellite|Walker|spacecraft)\b",
    re.IGNORECASE,
)
"""Words of a text about satellites in orbit (what a LEO template is for)."""
CONSTELLATION_PHRASES: dict[str, str] = {
    "planes": _PHRASE_NUMBER + r"\s+(?:orbital\s+)?planes\b",
    "satellites_per_plane": _PHRASE_NUMBER + r"\s+satellites\s+(?:each|per\s+plane|in\s+each)",
    "altitude_km": _PHRASE_NUMBER + r"\s*km\b",
    "applications": _PHRASE_NUMBER + r"\s+(?:\w+\s+)?applications\b",
    "microservices_per_application": _PHRASE_NUMBER + r"\s+microservices\b",
}
"""How a text states a LEO constellation's and its workload's numbers (the first group is the number)."""
CORE_SUBJECTS: tuple[tuple[str, str, str], ...] = (
    ("satellite", "microservice", "satellite_cpu_cores"),
    ("microservice", "satellite", "microservice_cpu_cores"),
)
"""(subject, the other subject, field prefix): a clause about the subject's cores, not the other's, gives the
prefix's _min and _max ("each satellite has 4 to 8 CPU cores")."""


def _phrase_matches(text: str, pattern: str) -> list[re.Match[str]]:
    return list(re.finditer(pattern, text, flags=re.IGNORECASE))


def subject_clauses(text: str, subject: str, other: str, word: str = r"\bcores?\b") -> list[str]:
    """The clauses (split at . ; , and "and") that speak of `subject` and `word` but not of `other`."""
    clauses = re.split(r"[.;,]|\band\b", text)
    return [c for c in clauses if re.search(subject, c, re.I) and not re.search(other, c, re.I) and re.search(word, c, re.I)]


def read_by_phrase(
    text: str, phrases: dict[str, str], subjects: tuple[tuple[str, str, str], ...] = ()
) -> dict[str, tuple[float, str]]:
    """name -> (number, the phrase it was read from), for the numbers whose phrase occurs with one value only, and
    the (min, max) of each subject whose cores one clause alone states."""
    read: dict[str, tuple[float, str]] = {}
    for name, pattern in phrases.items():
        found = _phrase_matches(text, pattern)
        if found and len({float(m.group(1)) for m in found}) == 1:
            read[name] = (float(found[0].group(1)), found[0].group(0))
    for subject, other, prefix in subjects:
        said = subject_clauses(text, subject, other)
        if len(said) != 1:
            continue
        numbers = sorted({float(n) for n in re.findall(_PHRASE_NUMBER, said[0])})
        if 1 <= len(numbers) <= 2:
            read[f"{prefix}_min"], read[f"{prefix}_max"] = (numbers[0], said[0].strip()), (numbers[-1], said[0].strip())
    return read


def contradicted_by_phrase(
    values: dict[str, Any], text: str, phrases: dict[str, str], subjects: tuple[tuple[str, str, str], ...] = ()
) -> str:
    """What in `values` the text's own phrases contradict, in words ('' when nothing does).

    A number must be one of those its phrase states ("6 planes") where the text has the phrase; a subject's core
    range must use numbers its clauses state. The Verifier only checks that a number occurs somewhere, which a
    swapped pair passes."""
    problems: list[str] = []
    for name, pattern in phrases.items():
        found = _phrase_matches(text, pattern)
        if found and name in values and _as_float(values[name]) not in {float(m.group(1)) for m in found}:
            problems.append(f"{name} = {values[name]} but the text says " + " / ".join(f"'{m.group(0)}'" for m in found))
    for subject, other, prefix in subjects:
        said = subject_clauses(text, subject, other)
        stated = {float(n) for c in said for n in re.findall(_PHRASE_NUMBER, c)}
        for end in ("min", "max"):
            value = _as_float(values.get(f"{prefix}_{end}", 0))
            if stated and value and value not in stated:
                problems.append(f"{prefix}_{end} = {value:g} but the text says '{said[0].strip()}'")
    return "; ".join(problems)


def _as_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
