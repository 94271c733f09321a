"""A network's links read from an edge table: one row per link ("A->B", "A-B", "A to B"), numeric columns per property.

Shared by the network-flow templates. Code reads the node names from the row labels, so the model only
says which column holds the capacity (and the cost) and whether links are one-way or two-way.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

from knowledge_base.template import AssemblyError, SpecItem, cell_item
from knowledge_base.templates import _tabular as tab
from tools.textdata import Table, TextData, link_ends

Direction = Literal[
    "one-way (directed) links",
    "two-way links, the capacity shared by both directions",
    "two-way links, the capacity available in each direction",
]


class Link(BaseModel):
    name: str
    tail: str
    head: str
    capacity: float = Field(ge=0, description="in the unit of the link table's capacity column")
    cost: float = Field(default=1.0, description="cost of one unit of traffic on the link")


class LinkNetwork(BaseModel):
    """The nodes and links of a flow template's network, and the unit its capacities (and flows) are in."""

    nodes: list[str] = Field(min_length=2)
    links: list[Link] = Field(min_length=1)
    direction: Direction = "one-way (directed) links"
    unit: str = "Mbit/s"

    def arcs(self) -> list[tuple[str, str, str]]:
        return arcs(self.links, self.direction)


def link_tables(data: TextData) -> list[Table]:
    """Tables whose every row label names a link between two nodes."""
    return [t for t in data.tables if t.rows and t.columns and all(link_ends(r, row=True) for r in t.rows)]


def nodes_of(tables: list[Table]) -> list[str]:
    return list(dict.fromkeys(node for t in tables for row in t.rows for node in (link_ends(row, row=True) or ())))


def arcs(links: list[Link], direction: Direction) -> list[tuple[str, str, str]]:
    """(link, from, to) for every direction traffic may use: one per one-way link, two per two-way link."""
    if direction == "one-way (directed) links":
        return [(link.name, link.tail, link.head) for link in links]
    return [(link.name, a, b) for link in links for a, b in ((link.tail, link.head), (link.head, link.tail))]


def schema_parts(data: TextData) -> dict[str, Any]:
    """The binding properties every flow template asks: the link table, its capacity column, the link direction."""
    tables = link_tables(data)
    if not tables:
        raise AssemblyError(
            "this template needs a table with one row per link, labelled by its two nodes (e.g. 'A->B' or 'A-B'), "
            "and a column of link capacities"
        )
    return {
        "link_table": {"enum": [t.id for t in tables], "description": "the table of links"},
        "capacity_column": {"enum": list(dict.fromkeys(c for t in tables for c in t.columns))},
        "links": {"enum": list(get_args(Direction)), "description": "how traffic may use a link"},
    }


def read_network(binding: dict[str, Any], data: TextData, spec: list[SpecItem], cost_column: str | None = None) -> dict[str, Any]:
    """The LinkNetwork values the binding points at: the links' nodes, the links, their direction, the unit."""
    links, unit = read_links(binding, data, spec, cost_column)
    return {
        "nodes": list(dict.fromkeys(n for link in links for n in (link.tail, link.head))),
        "links": links,
        "direction": said_direction(data) or binding.get("links", "one-way (directed) links"),
        "unit": unit,
    }


_EACH_WAY = re.compile(
    r"\b(?:in|for|on) (?:each|both|either) directions?\b|\beach way\b|\bper direction\b|\bfull[- ]duplex\b", re.IGNORECASE
)
_SHARED_WAYS = re.compile(
    r"\bshared (?:by|between|across|over) (?:both|the two) directions\b|\b(?:in )?total (?:for|over|across) both directions\b|"
    r"\bboth directions (?:together|combined)\b|\bhalf[- ]duplex\b",
    re.IGNORECASE,
)
_LINK_WORDS = re.compile(r"\blinks?\b|\bcapacit(?:y|ies)\b|\bcarr(?:y|ies)\b|\bhops?\b|\bISLs?\b", re.IGNORECASE)


def said_direction(data: TextData) -> Direction | None:
    """How the links are used when a sentence about them says so in so many words ("each link carries up to this
    capacity in each direction", "shared by both directions"); None when none does (the binding's choice stands)."""
    about_links = [s for s in data.sentences() if _LINK_WORDS.search(s)]
    if any(_SHARED_WAYS.search(s) for s in about_links):
        return "two-way links, the capacity shared by both directions"
    if any(_EACH_WAY.search(s) for s in about_links):
        return "two-way links, the capacity available in each direction"
    return None


def read_links(
    binding: dict[str, Any], data: TextData, spec: list[SpecItem], cost_column: str | None = None
) -> tuple[list[Link], str]:
    """The links of the chosen table with capacities and costs, and the unit the capacities are kept in (flows too).

    The unit is the capacity column's ("capacity (Gbit/s)"), else the caption's; cells may carry their own unit
    ("10 Gbit/s", "400 Mbit/s" in one column), converted to the column's unit or, when the column states none, to
    the first unit a cell states (Mbit/s when nothing states one)."""
    source = tab.table(data, binding.get("link_table"), "link")
    capacity_column = str(binding.get("capacity_column"))
    if capacity_column not in source.columns:
        raise AssemblyError(f"table {source.id} has no column {capacity_column!r}; its columns are {', '.join(source.columns)}")
    stated = tab.unit_in(capacity_column, "Mbit/s") or tab.unit_in(source.caption, "Mbit/s")
    capacities = {row: _capacity_cell(source, row, capacity_column) for row in source.rows}
    units = [unit for _, unit in capacities.values() if unit is not None]
    unit = stated or (units[0] if units else "Mbit/s")
    costs = tab.column(source, cost_column, "link", spec) if cost_column else {}
    links: list[Link] = []
    for row, (value, cell_unit) in capacities.items():
        ends = link_ends(row, row=True)
        if ends is None:
            raise AssemblyError(f"row {row!r} of table {source.id} does not name a link between two nodes")
        spec.append(cell_item(f"link[{row},{capacity_column}]", value, source.id, row, capacity_column))
        capacity = value * tab.convert_factor(cell_unit or unit, unit)
        name = f"{ends[0]}-{ends[1]}" if _QUOTED.search(row) else row  # "(A,B)" would be quoted in Pyomo's names
        links.append(Link(name=name, tail=ends[0], head=ends[1], capacity=capacity, cost=costs.get(row, 1.0)))
    return links, unit


_QUOTED = re.compile(r"[,()'\"\[\]]")
_QUANTITY_CELL = re.compile(r"^\s*(?P<value>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(?P<unit>[A-Za-zµ/]+)\s*$")


def _capacity_cell(source: Table, row: str, column: str) -> tuple[float, str | None]:
    """A capacity cell: a number (in the column's unit), or a number with a rate unit of its own ("10 Gbit/s")."""
    number = source.column(column)[row]
    if number is not None:
        return number, None
    written = source.text_of(row, column)
    match = _QUANTITY_CELL.match(written)
    if match and tab.unit_in(f"({match.group('unit')})", "Mbit/s"):
        return float(match.group("value")), match.group("unit")
    raise AssemblyError(f"link {row} has no capacity in column {column!r} (the cell says {written!r})")
