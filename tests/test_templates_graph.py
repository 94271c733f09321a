"""Dev questions of this batch of templates through the whole graph: retrieval picks the template, a scripted model
fills the binding the small LLM should give, and the Verifier accepts the formulation and re-checks the answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fakes import ScriptedChatModel
from tests.templates_support import dev_item, within
from tests.test_graph_paths import STRAIGHT, final_report, path_of, run

BINDINGS: dict[str, dict[str, Any]] = {
    "dev-assoc-01": {
        "objective": "sum rate",
        "rate": "T1",
        "max_users_per_cell": {"values": {"Macro": 4, "Small-1": 3, "Small-2": 2}},
    },
    "dev-assoc-02": {
        "objective": "largest cell load",
        "rate": "T1: peak rate in * (Mbit/s)",
        "demand": "T1: demand (Mbit/s)",
    },
    "dev-assoc-03": {"rate_table": "T1"},
    "dev-leo-02": {
        "delay_table": "T1",
        "max_microservices_per_satellite": 2,
        "processing_time": "T2",
        "applications": [
            {"name": "X", "first_microservice": "X1", "access_satellite": "P1S1"},
            {"name": "Y", "first_microservice": "Y1", "access_satellite": "P2S2"},
            {"name": "Z", "first_microservice": "Z1", "access_satellite": "P1S3"},
        ],
        "objective": "worst-case latency",
    },
    "dev-leo-03": {
        "delay_table": "T1",
        "delay_per_hop": {"value": 5, "unit": "ms"},
        "cpu_requirement_list": "L1",
        "cpu_capacity_list": "L2",
        "activation_power": {
            "unit": "W",
            "values": {"A1": 14, "A2": 18, "A3": 25, "A4": 22, "B1": 16, "B2": 15, "B3": 20, "B4": 24},
        },
        "applications": [
            {"name": "P", "first_microservice": "P1", "access_satellite": "A1", "latency_budget": {"value": 25, "unit": "ms"}},
            {"name": "Q", "first_microservice": "Q1", "access_satellite": "B3", "latency_budget": {"value": 25, "unit": "ms"}},
            {"name": "R", "first_microservice": "R1", "access_satellite": "A3", "latency_budget": {"value": 15, "unit": "ms"}},
        ],
        "objective": "total activation power",
    },
}
TEMPLATE_OF = {
    "dev-assoc-01": "user_association",
    "dev-assoc-02": "user_association",
    "dev-assoc-03": "association_proportional_fair",
    "dev-leo-02": "leo_microservice_placement",
    "dev-leo-03": "leo_microservice_placement",
}


@pytest.mark.parametrize("item_id", sorted(BINDINGS))
def test_dev_question_is_solved_and_verified_through_the_graph(item_id: str, kb_dir: Path) -> None:
    item = dev_item(item_id)
    # After the binding, the Verifier may ask the LLM to map a requirement clause code could not place; this LLM
    # maps none (a clause left unclear is a warning, not a rejection).
    fake = ScriptedChatModel(script=[BINDINGS[item_id], {"clauses": []}])
    steps = run(item["question"], fake, kb_dir)
    assert path_of(steps) == STRAIGHT, [s.text for s in steps]
    assert TEMPLATE_OF[item_id] in steps[0].text or TEMPLATE_OF[item_id] in steps[1].text
    report = final_report(steps)
    assert report["status"] == "optimal"
    assert within(report["objective"], item)
