"""What the user-association templates share: the table of rates (a row per user, a column per cell), the
covered user-cell pairs, the association variables and "each user with exactly one cell", and the answer read back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyomo.environ as pyo
from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError
from tools.textdata import Table, TextData


class CoveredRates(BaseModel):
    """Users, cells and the rate of each user from each cell (None where the cell does not cover the user)."""

    users: list[str] = Field(min_length=1)
    cells: list[str] = Field(min_length=1)
    rate: dict[str, dict[str, float | None]] = Field(
        json_schema_extra={"unit": "Mbit/s"}, description="rate[user][cell]; None where the cell does not cover the user"
    )

    @model_validator(mode="after")
    def _every_user_covered(self) -> CoveredRates:
        for user in self.users:
            row = self.rate.get(user, {})
            if set(row) != set(self.cells):
                raise ValueError(f"rate table row {user} does not name exactly the cells {', '.join(self.cells)}")
            if all(value is None for value in row.values()):
                raise ValueError(f"user {user} is covered by no cell, so it cannot be associated")
        return self

    def covered(self) -> list[tuple[str, str]]:
        return [(u, c) for u in self.users for c in self.cells if self.rate[u][c] is not None]


def rate_tables(data: TextData, needs: str) -> list[Table]:
    """The tables that can hold the rates; none is an AssemblyError that says what the template `needs`."""
    tables = [t for t in data.tables if t.columns and t.rows]
    if not tables:
        raise AssemblyError(f"this template needs {needs}")
    return tables


def add_association(m: pyo.ConcreteModel, users: list[str], cells: list[str], pairs: list[tuple[str, str]]) -> None:
    """The sets every association model has: U users, C cells, K the user-cell pairs an association may use."""
    m.U = pyo.Set(initialize=users, ordered=True)
    m.C = pyo.Set(initialize=cells, ordered=True)
    m.K = pyo.Set(initialize=pairs, dimen=2, ordered=True)


def one_cell_each(m: pyo.ConcreteModel, doc: str) -> pyo.Constraint:
    """Each user associated (through the binary m.x over m.K) with exactly one of the cells it may use."""
    return pyo.Constraint(m.U, rule=lambda m, u: sum(m.x[u, c] for c in m.C if (u, c) in m.K) == 1, doc=doc)


def associated(pairs: Iterable[tuple[str, str]], solution: dict[str, Any]) -> dict[str, str]:
    """The cell each user was associated with, read from the solution's x values."""
    return {u: c for u, c in pairs if solution.get(f"x[{u},{c}]", 0.0) > 0.5}
