"""Unit conversion for template parameters, by pint rather than hand-written factor tables.

Templates declare the unit each parameter is stored in (`Field(json_schema_extra={"unit": "W"})`); the
Modeler's binding may state a value in the unit the text uses ("23 dBm", "20 MHz", "5 ms"), and
`convert` brings it to the template's unit. Logarithmic units (dB, dBm, dBW) are pint's own. pint cannot
take a logarithmic unit divided by another (a noise density of -174 dBm/Hz), so such a unit is split: the
logarithmic part is converted on its own and the per-unit part scales it.
"""

from __future__ import annotations

import re
import tokenize
from functools import lru_cache
from typing import Any

import pint

LOG_UNITS = ("dBm", "dBW", "dB")
# bit/s/Hz is information to pint (a second times a hertz is 1), so a spectral efficiency "was" a data size: the 1.5B
# model read dev30-bw-02's "4.2, 1.3, ... bit/s/Hz" as the gateways' data to send, 4.2 bit. Per hertz converts only
# to per hertz.
SPECTRAL = re.compile(r"[kMG]?bits?\s*/\s*(?:s\s*/\s*[kMG]?Hz|\(\s*s\s*[·*]?\s*[kMG]?Hz\s*\))")


class UnitError(ValueError):
    """A value cannot be read or converted in the units given; the message says which, for the Modeler."""


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry[Any]:
    # Offsets (dB, degC) must convert to base units when they appear in a product, or pint refuses them.
    ureg: pint.UnitRegistry[Any] = pint.UnitRegistry(autoconvert_offset_to_baseunit=True, on_redefinition="ignore")
    # pint counts a bit as dimensionless, so 10 dB "was" 10 bit/s/Hz or 1e-5 Mbit and Mbit/s "was" MHz: dev30-bw-01's
    # SNRs in dB were read as spectral efficiencies and data sizes, and verified. Information is its own dimension.
    ureg.define("bit = [information] = b")
    # A resource block is a count of its own: pint read "RB" as a ronnabyte (1e27 bytes, information), so a list of RB
    # budgets and one of backhaul rates in Mbit/s were of one kind, and "RBs" and "PRBs" were no unit at all.
    ureg.define("resource_block = [resource_block] = RB = PRB = RBs = PRBs")
    ureg._build_cache()  # units built on the bit (byte, baud) were cached dimensionless when the defaults loaded
    return ureg


def _normalise(unit: str) -> str:
    unit = unit.strip()
    if unit in ("", "1", "linear", "ratio", "-"):
        return "dimensionless"
    return unit.replace("µ", "u").replace("bps", "bit/s")


def _split_log(unit: str) -> tuple[str, str] | None:
    """'dBm/Hz' -> ('dBm', 'Hz'); None when the unit is not a logarithmic unit per something."""
    head, sep, tail = unit.partition("/")
    if sep and head.strip() in LOG_UNITS:
        return head.strip(), tail.strip()
    return None


def convert(value: float, unit: str, target: str) -> float:
    """`value` in `unit`, expressed in `target`: convert(23, "dBm", "W") == 0.1995...; dimensionless is ""."""
    source, goal = _normalise(unit), _normalise(target)
    if source == goal:
        return float(value)
    if bool(SPECTRAL.fullmatch(source)) != bool(SPECTRAL.fullmatch(goal)):
        per_hertz = unit if SPECTRAL.fullmatch(source) else target
        raise UnitError(f"cannot express {value:g} {unit} in {target or 'a plain ratio'}: {per_hertz} is a rate per hertz")
    split_source, split_goal = _split_log(source), _split_log(goal)
    if split_source:  # -174 dBm/Hz: the logarithmic part to its linear base, then an ordinary per-Hz quantity
        log_unit, per = split_source
        value, source = convert(value, log_unit, _linear_base(log_unit)), f"{_linear_base(log_unit)}/({per})"
    if split_goal:
        log_unit, per = split_goal
        linear = _pint(value, source, f"{_linear_base(log_unit)}/({per})", unit, target)
        return convert(linear, _linear_base(log_unit), log_unit)
    return _pint(value, source, goal, unit, target)


def _linear_base(log_unit: str) -> str:
    return "dimensionless" if log_unit == "dB" else "W"


def _pint(value: float, source: str, goal: str, unit: str, target: str) -> float:
    ureg = registry()
    try:
        return float(ureg.Quantity(float(value), source).to(goal).magnitude)
    except (pint.errors.UndefinedUnitError, pint.errors.DimensionalityError, pint.errors.OffsetUnitCalculusError) as exc:
        raise UnitError(f"cannot express {value:g} {unit} in {target or 'a plain ratio'}: {exc}") from exc
    except (AssertionError, ValueError, TypeError, tokenize.TokenError) as exc:  # pint's parser on malformed units
        raise UnitError(f"'{unit}' or '{target}' is not a unit pint understands") from exc


def same_dimension(unit: str, target: str) -> bool:
    """True when a value in `unit` can be expressed in `target` (the Verifier's units-consistency check)."""
    try:
        convert(1.0, unit, target)
    except UnitError:
        return False
    return True


def different_dimensions(unit: str, other: str) -> bool:
    """True when both are units pint knows ("" is a plain ratio) and a value in one cannot be expressed in the other
    (dB and mW, Mbit/s and ms); a unit pint does not know (USD, trips, "natural logarithms") says nothing."""
    if unit == other or not (is_unit(unit or "1") and is_unit(other or "1")):
        return False
    return not same_dimension(unit or "1", other or "1")


def is_unit(unit: str) -> bool:
    """True when pint knows `unit` (so "ms", "dBm/Hz" and "Mbit/s" are units, "USD" and "trips" are not). Money is
    no unit here: pint reads "k$" as Boltzmann's constant (its "$" ignored)."""
    if any(symbol in unit for symbol in "$€£¥"):
        return False
    split = _split_log(_normalise(unit))
    try:
        registry().Quantity(1.0, split[1] if split else _normalise(unit))
    except (pint.errors.UndefinedUnitError, AssertionError, ValueError, TypeError, tokenize.TokenError):
        return False
    return True


def field_unit(model: type[Any], field: str) -> str | None:
    """The unit a pydantic params model declares for `field` (json_schema_extra={"unit": ...}), if any."""
    info = model.model_fields.get(field)
    extra = getattr(info, "json_schema_extra", None)
    if isinstance(extra, dict):
        unit = extra.get("unit")
        return str(unit) if unit is not None else None
    return None
