"""What the template tests share: the dev benchmark's questions and a build-and-solve step."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import jsonschema
import pytest

from knowledge_base.template import Template
from tests.conftest import DEV_PROBLEMS
from tools.solvers import SolveResult, Status, solve
from tools.solvers.solution_check import check_solution
from tools.textdata import parse_text


@lru_cache(maxsize=1)
def _dev_items() -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in map(json.loads, DEV_PROBLEMS.read_text().splitlines()) if item}


def dev_item(item_id: str) -> dict[str, Any]:
    """One question of the dev benchmark (its copy in tests/data)."""
    return _dev_items()[item_id]


def solve_example(template: Template[Any], text: str, binding: dict[str, Any]) -> tuple[Any, SolveResult]:
    """Parse the text as the Modeler would, assemble the hand-filled binding, build and solve with the portfolio.

    Also what the Verifier will demand of the same run: every value the assembly records is stated in the text
    (or is the template's default), the parameters survive the trip through JSON the graph state makes, and the
    solution holds in a freshly built model with the same objective.
    """
    data = parse_text(text)
    jsonschema.validate(binding, template.binding_schema(data))  # what the LLM is held to under constrained decoding
    params, spec = template.assemble(binding, data)
    for item in spec:
        assert data.mentions(item.value) or item.value == item.default, f"{item.name} = {item.value} is not in the text"
    result = solve(template.build_model(params), template.problem_class_for(params))  # type: ignore[arg-type]
    assert result.status is Status.OPTIMAL, result.attempts
    fresh = template.build_model(template.params_model.model_validate(json.loads(params.model_dump_json())))
    check = check_solution(fresh, result.solution)
    assert check.feasible, check.violations
    assert check.objective == pytest.approx(result.objective, abs=1e-6)
    return params, result


def within(value: float | None, item: dict[str, Any]) -> bool:
    """The dev benchmark's own tolerance: |value - answer| <= max(abs, rel * |answer|)."""
    assert value is not None
    answer, tolerance = float(item["answer"]), item["tolerance"]
    return abs(value - answer) <= max(float(tolerance["abs"]), float(tolerance["rel"]) * abs(answer))


def fitting_variants(template: Template[Any], question: str) -> set[str]:
    """The objective variants whose measure the Verifier's asked-quantity check lets through for this question."""
    from agents.fidelity import objective_mismatch
    from tools.question import asked_quantity

    asked = asked_quantity(question)
    return {name for name, measure in template.objectives.items() if objective_mismatch(asked, measure) is None}


def dev30_case(case_id: str) -> dict[str, Any]:
    """The record of benchmarks/data/wireless_dev30.jsonl with this id."""
    from benchmarks.data.wireless_dev30_reference import records

    for record in records():
        if record["id"] == case_id:
            return record
    raise KeyError(case_id)
