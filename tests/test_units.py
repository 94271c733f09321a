"""Unit conversion through pint: the conversions wireless texts need, and clear errors for the rest."""

from __future__ import annotations

import math

import pytest
from pydantic import BaseModel, Field

from knowledge_base.units import UnitError, convert, different_dimensions, field_unit, is_unit, same_dimension


@pytest.mark.parametrize(
    ("value", "unit", "target", "expected"),
    [
        (30.0, "dBm", "W", 1.0),
        (0.1, "W", "dBm", 20.0),
        (10.0, "dB", "", 10.0),
        (100.0, "linear", "dB", 20.0),
        (20.0, "MHz", "Hz", 20e6),
        (5.0, "ms", "s", 0.005),
        (2.0, "Mbit/s", "bps", 2e6),
        (10.0, "dBW", "dBm", 40.0),
    ],
)
def test_conversions_wireless_texts_need(value: float, unit: str, target: str, expected: float) -> None:
    assert convert(value, unit, target) == pytest.approx(expected, rel=1e-9)


def test_noise_density_in_dbm_per_hz_round_trips() -> None:
    watts_per_hz = convert(-174.0, "dBm/Hz", "W/Hz")
    assert watts_per_hz == pytest.approx(10 ** (-17.4) * 1e-3, rel=1e-9)
    assert convert(-174.0, "dBm/Hz", "W/MHz") == pytest.approx(watts_per_hz * 1e6, rel=1e-9)
    assert convert(watts_per_hz, "W/Hz", "dBm/Hz") == pytest.approx(-174.0, abs=1e-9)


def test_incompatible_or_unknown_units_are_refused_in_words() -> None:
    with pytest.raises(UnitError, match="cannot express 3 MHz in s"):
        convert(3.0, "MHz", "s")
    with pytest.raises(UnitError, match="furlongz"):
        convert(1.0, "furlongz", "m")
    assert not same_dimension("dBm", "Hz")
    assert same_dimension("kHz", "GHz")
    assert math.isfinite(convert(-30.0, "dBm", "mW"))
    assert is_unit("ms") and is_unit("dBm/Hz") and is_unit("Mbit/s")
    assert not is_unit("USD") and not is_unit("trips") and not is_unit("k$") and not is_unit("M€")
    assert not is_unit("(per user") and not same_dimension("{", "W")  # prose from a caption, not a unit


def test_information_is_a_dimension_of_its_own() -> None:
    """pint's bit is dimensionless; ours is not, or a ratio in dB converts to a data size or a spectral efficiency."""
    assert different_dimensions("dB", "bit/s/Hz") and different_dimensions("dB", "Mbit") and different_dimensions("Mbit/s", "MHz")
    assert convert(1.0, "MB", "Mbit") == pytest.approx(8.0) and convert(2.0, "bit/s/Hz", "Mbit/s/MHz") == pytest.approx(2.0)
    with pytest.raises(UnitError, match="cannot express 10 dB in bit/s/Hz"):
        convert(10.0, "dB", "bit/s/Hz")


def test_a_rate_per_hertz_converts_only_to_a_rate_per_hertz() -> None:
    """pint reads bit/s/Hz as bits (s * Hz is 1); a spectral efficiency is no data size and no rate."""
    assert convert(3.0, "bps/Hz", "Mbit/s/MHz") == pytest.approx(3.0) and convert(1.0, "bit/(s*Hz)", "bit/s/Hz") == 1.0
    assert different_dimensions("bit/s/Hz", "Mbit") and different_dimensions("kbit", "bits/s/Hz")
    with pytest.raises(UnitError, match="bit/s/Hz is a rate per hertz"):
        convert(4.2, "bit/s/Hz", "bit")


def test_field_unit_reads_the_params_schema() -> None:
    class Params(BaseModel):
        power: float = Field(json_schema_extra={"unit": "W"})
        count: int = 1

    assert field_unit(Params, "power") == "W"
    assert field_unit(Params, "count") is None


def test_a_resource_block_is_a_count_of_its_own_not_a_ronnabyte() -> None:
    # pint read "RB" as a ronnabyte (information): RB budgets and backhaul rates in Mbit/s looked of one kind, RBs and GB
    # converted into each other, and "RBs" / "PRBs" were no unit at all.
    from knowledge_base.units import convert, different_dimensions, is_unit

    assert is_unit("RBs") and is_unit("PRBs") and convert(4, "PRBs", "RB") == 4
    assert different_dimensions("RB", "GB") and different_dimensions("RBs", "Mbit/s")
