"""Radio-link quantities the power, energy-efficiency and bandwidth templates share, read and converted by code.

- **Gains** come as linear ratios, in dB (-112 dB), or as path losses in dB (112 dB of loss is a gain of -112 dB).
- **Noise** comes as a power per receiver (-100 dBm, 0.1 mW), or as a thermal noise density over the bandwidth
  with a receiver noise figure: N = N0 * B * NF (-174 dBm/Hz + 10 log10(B / 1 Hz) + NF dB, in linear units).
- **Shannon**: a rate R over a bandwidth B needs SINR 2^(R/B) - 1, and SINR s gives B log2(1 + s).

Every number the text states (the density, the noise figure, the bandwidth) goes into the spec as stated; the
noise power computed from them is derived, so it is not recorded (the Verifier looks for stated numbers).
"""

from __future__ import annotations

import math
import re
from typing import Any

from pydantic import BaseModel, Field

from knowledge_base.template import AssemblyError, SpecItem
from knowledge_base.templates import _cues as cue
from knowledge_base.templates._stated_quantities import (
    LINEAR,
    gives_values,
    quantity_schema,
    read_per_element,
    read_quantity,
    stated_series,
)
from knowledge_base.units import UnitError, convert
from tools.textdata import TextData, plain_numbers

SPECTRAL = "bit/s/Hz"
RATE_UNITS = ["Mbit/s", "kbit/s", "Gbit/s", "bit/s", SPECTRAL]
PATH_LOSS_DB = "path loss in dB"
"""A gain unit: the numbers are losses (positive dB), the gain is their negative."""
GAIN_UNITS = [LINEAR, "dB"]
POWER_UNITS = ["mW", "W", "dBm", "dBW"]
BANDWIDTH_UNITS = ["MHz", "kHz", "Hz", "GHz"]
DENSITY_UNITS = ["dBm/Hz", "dBW/Hz", "mW/Hz", "W/Hz"]
LARGEST_GAIN_DB = 30.0
"""A channel gain above this many dB is not a gain but a path loss written without its minus sign."""


def gain_units(data: TextData) -> list[str]:
    """The units a gain of this text may be in: linear or dB, and path loss when the text speaks of losses or a table
    or list holds only numbers too large for a gain in dB (100, 120: losses written without their minus sign); only
    path loss when the text speaks of losses and never of gains (a 0.5B model chose dB for a table of path losses, and
    repeated it after the assembly said to choose path loss)."""
    groups = [[v for row in t.cells for v in row if v is not None] for t in data.tables] + [
        list(n.values.values()) for n in data.lists
    ]
    losses = any(group and min(group) > LARGEST_GAIN_DB for group in groups)
    if cue.says(data, cue.PATH_LOSS) and not cue.says(data, cue.GAIN_WORD):
        return [PATH_LOSS_DB]  # "the path loss in dB from each transmitter ...", and no word of gains
    units = ratio_units(data, cue.GAIN_WORD)
    return [*units, PATH_LOSS_DB] if losses or cue.says(data, cue.PATH_LOSS) else units


def ratio_units(data: TextData, subject: re.Pattern[str]) -> list[str]:
    """Linear and dB, or only the one a sentence about the subject states ("linear power gains", "SINR >= 6 (linear
    ratios, not dB)", "gains in dB"): a small model that reads a stated 0.8 as 0.8 dB, or an SINR of 6 as 6 dB, solves
    a problem that was never asked, and every number it uses is still in the text."""
    linear = cue.sentence_says(data, subject, cue.LINEAR_WORD, without=cue.DECIBEL)
    decibel = cue.sentence_says(data, subject, cue.DECIBEL, without=cue.LINEAR_WORD)
    if linear == decibel:
        return list(GAIN_UNITS)
    return [LINEAR] if linear else ["dB"]


def linear_gain(value: float, unit: str, name: str) -> float:
    """A gain as a linear power ratio, from a linear value, dB, or a path loss in dB."""
    if unit == PATH_LOSS_DB:
        return float(10 ** (-value / 10))
    if unit == "dB" and value > LARGEST_GAIN_DB:
        raise AssemblyError(
            f"{name}: a channel gain of +{value:g} dB is a path loss; choose the unit '{PATH_LOSS_DB}' (or linear)"
        )
    try:
        return convert(value, "" if unit == LINEAR else unit, "")
    except UnitError as exc:
        raise AssemblyError(f"{name}: {exc}") from exc


def read_gains(entry: Any, data: TextData, spec: list[SpecItem], name: str = "channel gain") -> dict[str, float]:
    """Each element's gain from a list or table column (`series_schema`), as a linear ratio."""
    chosen = str(entry.get("unit") or LINEAR) if isinstance(entry, dict) else LINEAR
    stated, unit = stated_series(entry, LINEAR, name, data, spec)
    assert stated is not None  # not optional
    if chosen == PATH_LOSS_DB:  # "U1 112 dB" in a list of path losses: the list's dB are losses
        unit = PATH_LOSS_DB
    return {element: linear_gain(value, unit, f"{name} of {element}") for element, value in stated.items()}


def bandwidth_schema(description: str) -> dict[str, Any]:
    return quantity_schema(description, BANDWIDTH_UNITS)


def noise_fields(data: TextData) -> dict[str, Any]:
    """Binding fields for noise given as a density (and a noise figure), offered only when the text speaks of them."""
    fields: dict[str, Any] = {}
    if cue.says(data, cue.NOISE_DENSITY):
        fields["noise_density"] = quantity_schema(
            "thermal noise power spectral density, when the text gives one (e.g. -174 dBm/Hz)", DENSITY_UNITS
        )
    if cue.says(data, cue.NOISE_FIGURE):
        fields["noise_figure"] = quantity_schema("receiver noise figure; value 0 when the text gives none", ["dB", LINEAR])
    return fields


_STATED_DENSITY = re.compile(r"(?<![\w.])(?P<value>[-+−]?\d+(?:\.\d+)?)\s*(?P<unit>dBm|dBW|mW|W)\s*/\s*Hz\b")
_STATED_FIGURE = re.compile(
    r"\bnoise figure\b(?:\s*\(NF\))?\s*(?:of|is|=|:|equal to)?\s*(?P<value>\d+(?:\.\d+)?)\s*dB\b|"
    r"(?<![\w.])(?P<before>\d+(?:\.\d+)?)\s*dB\s+(?:receiver\s+)?noise figure\b",
    re.IGNORECASE,
)


def stated_noise(data: TextData) -> dict[str, Any]:
    """The noise density the text states, once ("thermal noise of -174 dBm/Hz"), and its noise figure where it states
    one ("a noise figure of 7 dB"), as binding fields: read by code, they stand whatever the binding says. The 1.5B
    model typed dev30-pow-01's density as a noise power of -174 dBm, left the 7 dB out and repeated it; the template
    was dropped."""
    densities = {(float(m["value"].replace("−", "-")), m["unit"]) for m in _STATED_DENSITY.finditer(plain_numbers(data.text))}
    if len(densities) != 1:
        return {}
    [(value, unit)] = densities
    fields: dict[str, Any] = {"noise_density": {"value": value, "unit": f"{unit}/Hz"}}
    figures = {float(m["value"] or m["before"]) for m in _STATED_FIGURE.finditer(data.text)}
    if len(figures) == 1:
        fields["noise_figure"] = {"value": figures.pop(), "unit": "dB"}
    return fields


def with_stated_noise(binding: dict[str, Any], data: TextData) -> dict[str, Any]:
    """The binding with the noise the text states (`stated_noise`) over the binding's: a density the text states is the
    noise, whatever noise power the binding typed."""
    stated = stated_noise(data)
    if not stated:
        return binding
    return {**{key: value for key, value in binding.items() if key != "noise_power"}, **stated}


def noise_from_density(fields: dict[str, Any], bandwidth_mhz: float | None, spec: list[SpecItem]) -> float:
    """Noise power (mW) over the bandwidth: density x bandwidth x noise figure (all as linear quantities), from binding
    fields merged by `with_stated_noise`."""
    if bandwidth_mhz is None:
        raise AssemblyError("a noise density needs the bandwidth it is taken over; give the bandwidth the text states")
    density = read_quantity(fields.get("noise_density"), "mW/Hz", "noise density", spec)
    figure = read_quantity(fields.get("noise_figure"), "dB", "noise figure", spec, default=0.0)
    return density * bandwidth_mhz * 1e6 * 10 ** (figure / 10)


class ShannonRates(BaseModel):
    """Rates over a bandwidth in Mbit/s, or per Hz (bit/s/Hz) when the text states no bandwidth."""

    bandwidth_mhz: float | None = Field(
        default=None, gt=0, description="the channel bandwidth; None: rates in bit/s/Hz", json_schema_extra={"unit": "MHz"}
    )

    @property
    def rate_bandwidth(self) -> float:
        """The bandwidth rates are taken over: MHz (rates in Mbit/s), or 1 (rates in bit/s/Hz)."""
        return self.bandwidth_mhz or 1.0

    @property
    def rate_unit(self) -> str:
        return "Mbit/s" if self.bandwidth_mhz else SPECTRAL


def read_min_rates(
    entry: Any,
    elements: list[str],
    bandwidth_mhz: float | None,
    data: TextData,
    spec: list[SpecItem],
    other_names: list[str] | None = None,
) -> dict[str, float] | None:
    """Minimum rates (`per_element_schema` with RATE_UNITS) in the ShannonRates unit: Mbit/s with a bandwidth (a rate
    in bit/s/Hz times it), else bit/s/Hz; a rate in bit/s without the bandwidth is an AssemblyError."""
    if not gives_values(entry):
        return None
    if str(entry.get("unit") or SPECTRAL) == SPECTRAL:
        rates = read_per_element(entry, elements, SPECTRAL, "minimum rate", data, spec, other_names)
        return rates if bandwidth_mhz is None else {e: r * bandwidth_mhz for e, r in rates.items()}
    if bandwidth_mhz is None:
        raise AssemblyError("minimum rates in bit/s need the channel bandwidth; give it, or the rates in bit/s/Hz")
    return read_per_element(entry, elements, "Mbit/s", "minimum rate", data, spec, other_names)


def sinr_for_rate(rate: float, bandwidth: float) -> float:
    """The SINR a rate needs over a bandwidth (same units for both: Mbit/s and MHz, or bit/s/Hz and 1)."""
    return float(2 ** (rate / bandwidth) - 1)


def shannon_rate(sinr: float, bandwidth: float) -> float:
    return bandwidth * math.log2(1 + max(0.0, sinr))


def db(value: float) -> float:
    return 10 * math.log10(value) if value > 0 else -math.inf
