"""The hand-filled bindings the template tests use are what the LLM may answer: they validate against each
template's binding schema for that text (so schema and assemble() cannot drift apart)."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from knowledge_base.catalog import load_templates
from knowledge_base.template import Template
from tests import (
    test_templates_bandwidth,
    test_templates_coverage,
    test_templates_energy,
    test_templates_mec,
    test_templates_power,
    test_templates_waterfilling,
)
from tools.textdata import parse_text

TEMPLATES = load_templates(None)
power = test_templates_power
CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("power_control_sinr", power.dev_case("dev-power-01")["question"], power.DEV_POWER_01),
    ("power_control_sinr", power.dev_case("dev-power-02")["question"], power.DEV_POWER_02),
    ("power_control_sinr", power.dev_case("dev-power-03")["question"], power.DEV_POWER_03),
    ("power_control_sinr", power.SMALL_CELLS, power.small_cells_binding(power.MAX_MIN_RATE)),
    ("power_control_sinr", TEMPLATES["power_control_sinr"].examples[2], power.sum_rate_binding()),
    ("energy_efficiency_dinkelbach", TEMPLATES["energy_efficiency_dinkelbach"].examples[0], test_templates_energy.binding()),
    (
        "energy_efficiency_dinkelbach",
        test_templates_energy.ACCESS_POINT,
        test_templates_energy.access_point_binding(test_templates_energy.MIN_ENERGY_PER_BIT),
    ),
    (
        "bandwidth_allocation",
        TEMPLATES["bandwidth_allocation"].examples[0],
        test_templates_bandwidth.delay_binding(test_templates_bandwidth.WORST_DELAY),
    ),
    (
        "bandwidth_allocation",
        test_templates_bandwidth.LIMITED,
        test_templates_bandwidth.limited_binding(test_templates_bandwidth.FAIRNESS),
    ),
    ("mec_offloading", TEMPLATES["mec_offloading"].examples[0], test_templates_mec.binding()),
    ("mec_offloading", TEMPLATES["mec_offloading"].examples[1], test_templates_mec.split_binding()),
    ("mec_offloading", TEMPLATES["mec_offloading"].examples[2], test_templates_mec.shared_binding()),
    ("coverage_site_placement", TEMPLATES["coverage_site_placement"].examples[0], test_templates_coverage.example_binding()),
    (
        "power_waterfilling_subcarriers",
        TEMPLATES["power_waterfilling_subcarriers"].examples[0],
        test_templates_waterfilling.binding(),
    ),
]


@pytest.mark.parametrize(("template_id", "text", "binding"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_hand_binding_is_valid_under_the_schema(template_id: str, text: str, binding: dict[str, Any]) -> None:
    template: Template[Any] = TEMPLATES[template_id]
    schema = template.binding_schema(parse_text(text))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(binding, schema)


def test_a_wrong_choice_is_refused_by_the_schema() -> None:
    schema = TEMPLATES["power_control_sinr"].binding_schema(parse_text(power.dev_case("dev-power-01")["question"]))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**power.DEV_POWER_01, "gain_table": "T9"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**power.DEV_POWER_01, "sinr_target": power.values([6, 4, 5], "dBm")}, schema)


def test_every_template_of_this_group_has_a_tested_binding() -> None:
    mine = {"power_control_sinr", "energy_efficiency", "bandwidth_allocation", "mec_offloading", "coverage_placement"}
    assert {t.id for t in TEMPLATES.values() if t.family in mine} == {c[0] for c in CASES}
