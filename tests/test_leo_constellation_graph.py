"""The constellation-scale LEO template through the whole graph: a scripted fake LLM, the real knowledge base,
the real satnet generator and the real solvers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agents.context import Context
from knowledge_base.templates.leo_constellation_placement import TEMPLATE, LeoConstellationParams
from lamopt.api import Step, stream
from tests.fakes import ScriptedChatModel
from tools.satnet.constellation import WalkerDelta
from tools.satnet.latency import evaluate
from tools.satnet.scenario import ScenarioConfig, generate
from tools.solvers import solve

STRAIGHT = ["retriever", "modeler", "verifier", "optimizer", "invoker", "verifier", "optimizer", "report"]

REQUEST = (
    "Deploy 3 applications of 4 microservices each on a Walker-Delta constellation of 6 planes with 10 satellites "
    "each at 550 km altitude, inclination 53 degrees, phasing factor 1, scenario seed 7. Each satellite has 4 to 8 CPU "
    "cores and each microservice needs 1 to 2 cores. The microservices of an application form a DAG whose branches run "
    "in parallel, so an application's latency is its critical path. Minimize the total end-to-end latency and compare "
    "the placement with random and heuristic placements."
)


def constellation_binding(**changes: Any) -> dict[str, Any]:
    """What a correct LLM answers for REQUEST: the numbers as the text writes them, 0 for those it does not state."""
    binding: dict[str, Any] = {
        "planes": 6,
        "satellites_per_plane": 10,
        "altitude_km": 550,
        "inclination_deg": 53,
        "phasing_factor": 1,
        "applications": 3,
        "microservices_per_application": 4,
        "seed": 7,
        "satellite_cpu_cores_min": 4,
        "satellite_cpu_cores_max": 8,
        "microservice_cpu_cores_min": 1,
        "microservice_cpu_cores_max": 2,
        "candidates_per_microservice": 0,
        "isl_rate_mbps": 0,
        "satellite_isl_limit_mbit": 0,
        "application_shape": "DAGs with parallel branches",
        "latency": "critical path",
        "scenario_file": "none",
    }
    binding.update(changes)
    return binding


def run(text: str, fake: ScriptedChatModel, kb_dir: Path, tmp_path: Path, data_files: list[str] | None = None) -> list[Step]:
    context = Context(chat_model=fake, kb_path=str(kb_dir), runs_dir=str(tmp_path / "runs"))
    return list(stream(text, data_files, context=context, checkpointer=InMemorySaver()))


def final_report(steps: list[Step]) -> dict[str, Any]:
    assert steps[-1].kind == "report", [s.text for s in steps]
    return steps[-1].data["report"]  # type: ignore[no-any-return]


def test_plain_english_constellation_request_is_generated_solved_and_compared(kb_dir: Path, tmp_path: Path) -> None:
    fake = ScriptedChatModel(script=[constellation_binding()])
    steps = run(REQUEST, fake, kb_dir, tmp_path)
    assert [s.node for s in steps if s.kind == "agent"] == STRAIGHT
    report = final_report(steps)
    assert report["status"] == "optimal" and report["template_id"] == "leo_constellation_placement"
    instance = report["formulation"]["instance"]
    assert instance["latency variant solved"].startswith("critical path")
    assert "6 planes x 10 satellites = 60" in instance["shell"]
    assert "pass too close to the Earth" in instance["inter-satellite links"]  # 6 planes at 550 km: some links graze
    # the placement and each application's latency, recomputed here from the scenario without the model
    config = ScenarioConfig(
        shell=WalkerDelta(planes=6, satellites_per_plane=10, altitude_km=550, inclination_deg=53, phasing=1),
        applications=3,
        microservices_per_application=4,
        seed=7,
        satellite_cpu_cores=(4.0, 8.0),
        microservice_cpu_cores=(1.0, 2.0),
    )
    scenario = generate(config)
    placement = {row["microservice"]: row["satellite"] for row in report["solution"]}
    assert len(placement) == 12
    check = evaluate(scenario, placement, "critical path")
    assert check.feasible, check.violations
    assert report["objective"] == pytest.approx(check.total_ms, rel=1e-6)
    latency_column = "application latency, critical path (ms)"
    for row in report["solution"]:
        assert row[latency_column] == pytest.approx(check.latency_ms[row["application"]], abs=1e-3)
    methods = {row["method"]: row for row in report["comparisons"]}
    assert set(methods) == {"MILP (this answer)", "heuristic", "random", "branch and bound"}
    for name in ("heuristic", "random", "branch and bound"):
        assert methods[name]["total latency (ms)"] >= report["objective"] - 1e-3
    assert methods["branch and bound"]["total latency (ms)"] == pytest.approx(report["objective"], abs=1e-3)
    assert methods["heuristic"]["total latency (ms)"] > report["objective"]
    assert {"A1 (ms)", "A2 (ms)", "A3 (ms)"} <= set(methods["heuristic"])
    assert len(report["figures"]) == 1 and Path(report["figures"][0]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    prompt = fake.user_texts()[0]
    assert "6 planes with 10 satellites" in prompt


def test_an_attached_scenario_file_is_loaded_instead_of_generated(kb_dir: Path, tmp_path: Path) -> None:
    config = ScenarioConfig(
        shell=WalkerDelta(planes=4, satellites_per_plane=6, altitude_km=2000, inclination_deg=60, phasing=1),
        applications=2,
        microservices_per_application=3,
        seed=5,
        branching=0.0,
    )
    path = tmp_path / "my_constellation.json"
    generate(config).save(path)
    text = "Deploy the applications of the attached scenario file on its LEO constellation with minimum total latency."
    fake = ScriptedChatModel(script=[constellation_binding(scenario_file="my_constellation.json", latency="sum over edges")])
    report = final_report(run(text, fake, kb_dir, tmp_path, data_files=[str(path)]))
    assert report["status"] == "optimal"
    assert report["formulation"]["instance"]["scenario"] == "scenario file my_constellation.json"
    assert "satnet scenario file" in fake.user_texts()[0] and '"position_km"' not in fake.user_texts()[0]
    generated = solve(TEMPLATE.build_model(LeoConstellationParams(scenario=config)), "MILP")  # the same scenario, generated
    assert report["objective"] == pytest.approx(generated.objective, rel=1e-6)
    assert {row["microservice"] for row in report["solution"]} == {"A1M1", "A1M2", "A1M3", "A2M1", "A2M2", "A2M3"}


def test_capacities_too_small_end_in_a_report_that_names_the_conflict(kb_dir: Path, tmp_path: Path) -> None:
    text = REQUEST.replace(
        "Each satellite has 4 to 8 CPU cores and each microservice needs 1 to 2 cores",
        ("Each satellite has 1 CPU core and each microservice needs 2 cores"),
    )
    tiny = constellation_binding(
        satellite_cpu_cores_min=1, satellite_cpu_cores_max=1, microservice_cpu_cores_min=2, microservice_cpu_cores_max=2
    )
    fake = ScriptedChatModel(script=[tiny, tiny])
    steps = run(text, fake, kb_dir, tmp_path)
    report = final_report(steps)
    assert report["status"] == "infeasible" and report["solution"] == []
    assert "the problem as stated has no solution" in report["diagnosis"]
    assert "fit its CPU capacity" in report["diagnosis"]  # the CPU constraints, in words
    assert "placed on exactly one" not in report["diagnosis"]  # structural constraints are not blamed
    repair_request = fake.user_texts()[1]
    assert "The model is infeasible" in repair_request and "satellite P" in repair_request


def test_the_form_asks_only_for_what_the_text_talks_about() -> None:
    from tools.textdata import parse_text

    bare = "Deploy 3 applications of 4 microservices on a constellation of 6 planes with 10 satellites each at 550 km."
    asked = set(TEMPLATE.binding_schema(parse_text(bare))["properties"])
    assert asked == {
        "planes",
        "satellites_per_plane",
        "altitude_km",
        "applications",
        "microservices_per_application",
        "application_shape",
        "latency",
    }
    full = set(TEMPLATE.binding_schema(parse_text(REQUEST))["properties"])
    assert {"inclination_deg", "phasing_factor", "seed", "satellite_cpu_cores_min", "microservice_cpu_cores_max"} <= full
    assert "candidates_per_microservice" not in full and "scenario_file" not in full
    params, spec = TEMPLATE.assemble(
        {"planes": 6, "satellites_per_plane": 10, "altitude_km": 550, "applications": 3, "microservices_per_application": 4},
        parse_text(bare),
    )
    assert params.scenario is not None and params.scenario.shell.inclination_deg == 53  # the documented default
    assert {s.name for s in spec if s.default is not None} >= {"inclination_deg", "seed", "phasing_factor"}


def test_numbers_with_one_phrase_in_the_text_are_read_by_code_and_contradictions_refused_in_words() -> None:
    from knowledge_base.template import AssemblyError
    from tools.textdata import parse_text

    cramped = REQUEST.replace(
        "Each satellite has 4 to 8 CPU cores and each microservice needs 1 to 2 cores",
        "Each satellite has 1 CPU core and each microservice needs 2 CPU cores",
    )
    # A real embedded-LLM run gave 2 cores per satellite here (both numbers occur in the text, so the Verifier's
    # presence check passes); code reads the phrase instead.
    swapped = constellation_binding(
        planes=10,
        satellites_per_plane=6,
        satellite_cpu_cores_min=2,
        satellite_cpu_cores_max=2,
        microservice_cpu_cores_min=1,
        microservice_cpu_cores_max=1,
    )
    params, spec = TEMPLATE.assemble(swapped, parse_text(cramped))
    assert params.scenario is not None
    assert (params.scenario.shell.planes, params.scenario.shell.satellites_per_plane) == (6, 10)
    assert params.scenario.satellite_cpu_cores == (1.0, 1.0) and params.scenario.microservice_cpu_cores == (2.0, 2.0)
    assert any(s.name == "planes" and s.source == "read by code from '6 planes'" for s in spec)
    # two different plane counts in the text: code cannot choose, so the LLM's value must be one of them
    ambiguous = REQUEST.replace("each at 550 km", "each at 550 km (a later phase adds 8 planes)")
    with pytest.raises(AssemblyError, match="planes = 10 but the text says '6 planes' / '8 planes'"):
        TEMPLATE.assemble(constellation_binding(planes=10), parse_text(ambiguous))
    TEMPLATE.assemble(constellation_binding(planes=8), parse_text(ambiguous))
