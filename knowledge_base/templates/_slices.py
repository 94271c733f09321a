"""What the slice-admission templates share: the table of slice requests (a row per slice, a revenue column and a
column of demands per resource), the slices that must be admitted, and the binding that names them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, binding_object
from knowledge_base.templates import _tabular as tab
from tools.textdata import Table, TextData


class SliceRequests(BaseModel):
    slices: list[str] = Field(min_length=1)
    value: dict[str, float] = Field(description="revenue (or priority weight) of admitting each slice")
    value_name: str = "revenue"
    must_admit: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _requests(self) -> SliceRequests:
        slices = set(self.slices)
        if set(self.value) != slices:
            raise ValueError(f"the {self.value_name} does not name exactly the slices")
        unknown = [s for s in self.must_admit if s not in slices]
        if unknown:
            raise ValueError(f"{', '.join(unknown)} must be admitted but is not a slice of the table")
        return self


def slice_tables(data: TextData, needs: str, lists_needed: bool = False) -> list[Table]:
    """Tables that can hold slice requests; none (or no list where capacities come in lists) is an AssemblyError."""
    tables = [t for t in data.tables if len(t.columns) >= 2 and t.rows]
    if not tables or (lists_needed and not data.lists):
        raise AssemblyError(f"this template needs {needs}")
    return tables


def slice_binding(title: str, tables: list[Table], resource: Callable[[list[str]], dict[str, Any]]) -> dict[str, Any]:
    """The binding: the table, its revenue column, the resources (`resource(columns)` says what one needs), must-admits."""
    columns = list(dict.fromkeys(c for t in tables for c in t.columns))
    slices = list(dict.fromkeys(r for t in tables for r in t.rows))
    properties = {
        "slice_table": {"enum": [t.id for t in tables], "description": "the table of slice requests"},
        "revenue_column": {"enum": columns, "description": "the column of what admitting a slice earns"},
        "resources": {"type": "array", "items": resource(columns), "minItems": 1},
        "must_admit": {"type": "array", "items": {"enum": slices}, "uniqueItems": True},
    }
    return binding_object(title, properties)


def read_requests(binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> tuple[Table, dict[str, Any]]:
    """The slice table and the requests' parameter values (slices, revenue, its name, the slices that must be admitted)."""
    source = tab.table(data, binding.get("slice_table"), "slice")
    revenue_column = str(binding.get("revenue_column"))
    values = {
        "slices": list(source.rows),
        "value": tab.column(source, revenue_column, "slice", spec),
        "value_name": revenue_column,
        "must_admit": [str(s) for s in binding.get("must_admit") or []],
    }
    return source, values


def demand_column(entry: dict[str, Any], key: str, revenue_column: str) -> str:
    """The column of a resource's demands, which cannot be the revenue."""
    column = str(entry.get(key))
    if column == revenue_column:
        raise AssemblyError(f"column {column!r} is the revenue; a resource needs a column of demands")
    return column
