"""The interference network of power control: links on one channel, a gain table, noise, power limits.

Link k pairs the k-th transmitter with the k-th receiver of a square gain table. Gains (linear, dB, or path
losses in dB), noise (a power per receiver, or a density over the bandwidth with a noise figure) and power limits
(dBm, mW, W) are read by code and converted with pint (knowledge_base/templates/_radio.py). Real gains are tiny
(-120 dB) and would vanish under a solver's feasibility tolerance, so models use the normalised form: the SINR
constraint of link i divided by its direct gain G_ii, which leaves cross-gain ratios and the noise-limited
power n_i / G_ii (in mW), both of ordinary size.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field, model_validator

from knowledge_base.template import AssemblyError, SpecItem, cell_item
from knowledge_base.templates import _cues as cue
from knowledge_base.templates._radio import (
    POWER_UNITS,
    gain_units,
    linear_gain,
    noise_fields,
    noise_from_density,
    with_stated_noise,
)
from knowledge_base.templates._stated_quantities import given, per_element_schema, read_optional_per_element
from tools.textdata import Table, TextData

ROWS_ARE_RECEIVERS = "rows are receivers, columns are transmitters"
ROWS_ARE_TRANSMITTERS = "rows are transmitters, columns are receivers"


class InterferenceNetwork(BaseModel):
    transmitters: list[str] = Field(min_length=1, description="link k is transmitter k sending to receiver k")
    receivers: list[str] = Field(min_length=1)
    gain: dict[str, dict[str, float]] = Field(description="gain[receiver][transmitter]", json_schema_extra={"unit": ""})
    noise_mw: dict[str, float] = Field(description="noise power at each receiver", json_schema_extra={"unit": "mW"})
    max_power_mw: dict[str, float] | None = Field(
        default=None, description="transmit power limit of each transmitter", json_schema_extra={"unit": "mW"}
    )

    @model_validator(mode="after")
    def _consistent(self) -> InterferenceNetwork:
        if len(self.transmitters) != len(self.receivers):
            raise ValueError("there must be as many receivers as transmitters (one link each)")
        for rx in self.receivers:
            if set(self.gain.get(rx, {})) != set(self.transmitters):
                raise ValueError(f"the gain table row of {rx} does not cover exactly the transmitters")
            if self.noise_mw.get(rx, 0.0) <= 0:
                raise ValueError(f"the noise power at {rx} must be positive")
        for tx, rx in self.links:
            if self.gain[rx][tx] <= 0:
                raise ValueError(f"the direct gain of link {tx} -> {rx} must be positive")
        limits = self.max_power_mw
        if limits is not None and (set(limits) != set(self.transmitters) or any(p < 0 for p in limits.values())):
            raise ValueError("each transmitter needs a non-negative power limit")
        return self

    @property
    def links(self) -> list[tuple[str, str]]:
        return list(zip(self.transmitters, self.receivers, strict=True))

    def cross_ratio(self, i: int, j: int) -> float:
        """G_ij / G_ii: interference from transmitter j at receiver i, relative to link i's own gain."""
        rx = self.receivers[i]
        return self.gain[rx][self.transmitters[j]] / self.gain[rx][self.transmitters[i]]

    def noise_limited_power(self, i: int) -> float:
        """n_i / G_ii (mW): the power link i needs for SINR 1 without interference."""
        rx = self.receivers[i]
        return self.noise_mw[rx] / self.gain[rx][self.transmitters[i]]

    def sinr(self, power_mw: dict[str, float]) -> dict[str, float]:
        """Every link's SINR at these powers, straight from the definition (no model involved)."""
        out: dict[str, float] = {}
        for tx, rx in self.links:
            interference = sum(self.gain[rx][t] * power_mw[t] for t in self.transmitters if t != tx)
            out[tx] = self.gain[rx][tx] * power_mw[tx] / (interference + self.noise_mw[rx])
        return out


_RECEIVER = re.compile(r"^(?:rx|receiver|rcv)[\s_-]?\d", re.IGNORECASE)
_TRANSMITTER = re.compile(r"^(?:tx|transmitter)[\s_-]?\d", re.IGNORECASE)
_SAID = re.compile(r"\b(?P<who>transmitters?|receivers?)\s*\((?P<where>rows?|columns?)\)", re.IGNORECASE)


def stated_orientation(table: Table, data: TextData) -> str | None:
    """The orientation the table's names say (rows Rx1, Rx2, ... and columns Tx1, ...) or the text's words ("from each
    transmitter (column) to each receiver (row)"); None where neither says it. It stands whatever the binding says:
    the 1.5B model took dev-power-01/02's rows for transmitters, verified at 12.79 for 12.74 and 3.28 for 3.30."""
    if all(_RECEIVER.match(r) for r in table.rows) and all(_TRANSMITTER.match(c) for c in table.columns):
        return ROWS_ARE_RECEIVERS
    if all(_TRANSMITTER.match(r) for r in table.rows) and all(_RECEIVER.match(c) for c in table.columns):
        return ROWS_ARE_TRANSMITTERS
    said = {
        ROWS_ARE_RECEIVERS if (m["who"][0].lower() == "r") == m["where"].lower().startswith("row") else ROWS_ARE_TRANSMITTERS
        for m in _SAID.finditer(data.text)
    }
    return said.pop() if len(said) == 1 else None


def square_tables(data: TextData) -> list[Table]:
    return [t for t in data.tables if len(t.rows) == len(t.columns) and len(t.rows) > 1]


def network_schema(data: TextData) -> dict[str, Any]:
    """Binding properties that locate the network in the text: the gain table, its orientation and unit, the noise."""
    square = square_tables(data)
    if not square:
        raise AssemblyError(
            "this template needs a square table of channel gains between the transmitters (columns or rows) "
            "and the receivers (the other side), one link per transmitter-receiver pair"
        )
    density = noise_fields(data)
    stated = {stated_orientation(t, data) for t in square}
    orientations = [stated.pop()] if len(stated) == 1 and None not in stated else [ROWS_ARE_RECEIVERS, ROWS_ARE_TRANSMITTERS]
    noise_what = "receiver noise power" + ("; list none and no values when the text gives a noise density" if density else "")
    return {
        "gain_table": {"enum": [t.id for t in square], "description": "table of channel (power) gains or path losses"},
        "table_orientation": {"enum": orientations},
        "gain_unit": {"enum": gain_units(data), "description": "dB when the table's gains are in dB, else linear"},
        "noise_power": per_element_schema(noise_what, POWER_UNITS, data, len(square[0].rows), not_of=cue.POWER_LIMIT),
        **density,
    }


NETWORK_FIELDS = ["gain_table", "table_orientation", "gain_unit", "noise_power"]


def read_network(
    binding: dict[str, Any], data: TextData, spec: list[SpecItem], bandwidth_mhz: float | None = None
) -> dict[str, Any]:
    """The InterferenceNetwork fields but the power limits: gains converted to linear, noise to mW (from a density
    over `bandwidth_mhz` when the binding gives one and no noise power)."""
    try:
        table = data.table(str(binding.get("gain_table")))
    except KeyError as exc:
        raise AssemblyError(str(exc)) from exc
    if len(table.rows) != len(table.columns):
        raise AssemblyError(f"table {table.id} is not square: it cannot pair each transmitter with one receiver")
    unit = str(binding.get("gain_unit") or "linear")
    orientation = stated_orientation(table, data) or binding.get("table_orientation", ROWS_ARE_RECEIVERS)
    rows_are_receivers = orientation == ROWS_ARE_RECEIVERS
    receivers, transmitters = (list(table.rows), list(table.columns))
    if not rows_are_receivers:
        receivers, transmitters = transmitters, receivers
    gain: dict[str, dict[str, float]] = {rx: {} for rx in receivers}
    for row, columns in table.as_matrix().items():
        for column, value in columns.items():
            if value is None:
                raise AssemblyError(f"gain table {table.id} has no number for {row}, {column}")
            rx, tx = (row, column) if rows_are_receivers else (column, row)
            gain[rx][tx] = linear_gain(value, unit, f"gain {row}, {column}")
            spec.append(cell_item(f"gain[{rx},{tx}] ({unit})", value, table.id, row, column))
    fields = with_stated_noise(binding, data)
    noise = read_optional_per_element(fields.get("noise_power"), receivers, "mW", "noise power", data, spec, transmitters)
    if noise is None:
        if not given(fields.get("noise_density")):
            raise AssemblyError("the noise: give the noise power (one for all receivers or one each) or the noise density")
        noise = dict.fromkeys(receivers, noise_from_density(fields, bandwidth_mhz, spec))
    return {"transmitters": transmitters, "receivers": receivers, "gain": gain, "noise_mw": noise}
