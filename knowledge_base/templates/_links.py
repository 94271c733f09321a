"""A network's links read from an edge table: one row per link ("A->B", "A-B", "A to B"), numeric columns per property.

Shared by the network-flow templates. Code reads the node names from the row labels, so the model only
says which column holds the capacity (and the cost) and whether links are one-way or two-way.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

from knowledge_base.template import AssemblyError, SpecItem
from knowledge_base.templates import _tabular as tab
from tools.textdata import Table, TextData

Direction = Literal[
    "one-way (directed) links",
    "two-way links, the capacity shared by both directions",
    "two-way links, the capacity available in each direction",
]
_ENDS = re.compile(r"^\(?\s*([A-Za-z0-9_.]+?)\s*(?:->|→|<->|↔|–|—|-|,|\bto\b)\s*([A-Za-z0-9_.]+)\s*\)?$")


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


def link_ends(label: str) -> tuple[str, str] | None:
    """("A", "B") for "A->B", "A - B", "(A,B)", "A to B"; None when the label does not name two nodes."""
    match = _ENDS.match(label.strip())
    return (match.group(1), match.group(2)) if match else None


def link_tables(data: TextData) -> list[Table]:
    """Tables whose every row label names a link between two nodes."""
    return [t for t in data.tables if t.rows and t.columns and all(link_ends(r) for r in t.rows)]


def nodes_of(tables: list[Table]) -> list[str]:
    return list(dict.fromkeys(node for t in tables for row in t.rows for node in (link_ends(row) or ())))


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
        "direction": binding.get("links", "one-way (directed) links"),
        "unit": unit,
    }


def read_links(
    binding: dict[str, Any], data: TextData, spec: list[SpecItem], cost_column: str | None = None
) -> tuple[list[Link], str]:
    """The links of the chosen table with capacities and costs, and the capacity column's unit (flows are kept in it)."""
    source = tab.table(data, binding.get("link_table"), "link")
    capacity_column = str(binding.get("capacity_column"))
    unit = tab.unit_in(capacity_column, "Mbit/s") or tab.unit_in(source.caption, "Mbit/s") or "Mbit/s"
    columns = [capacity_column] + ([cost_column] if cost_column else [])
    values = tab.matrix(source, "link", spec, columns=columns)
    links: list[Link] = []
    for row, cells in values.items():
        ends = link_ends(row)
        if ends is None:
            raise AssemblyError(f"row {row!r} of table {source.id} does not name a link between two nodes")
        capacity = cells[capacity_column]
        if capacity is None:
            raise AssemblyError(f"link {row} has no capacity in column {capacity_column!r}")
        cost = cells[cost_column] if cost_column else 1.0
        if cost is None:
            raise AssemblyError(f"link {row} has no number in column {cost_column!r}")
        links.append(Link(name=row, tail=ends[0], head=ends[1], capacity=capacity, cost=cost))
    return links, unit
