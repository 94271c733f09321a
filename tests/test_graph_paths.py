"""Every path through the graph, driven by a scripted chat model: the tests assert the exact path taken."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agents.backbone import LLMUnavailable
from agents.context import Context
from agents.modeler import REDRAWS
from lamopt.api import Step, stream
from lamopt.checkpoints import sqlite_saver
from tests.conftest import leo_binding
from tests.fakes import ScriptedChatModel

STRAIGHT = ["retriever", "modeler", "verifier", "optimizer", "invoker", "verifier", "optimizer", "report"]


def run(text: str | None, fake: ScriptedChatModel, kb_dir: Path, saver: Any = None, **settings: Any) -> list[Step]:
    context = Context(chat_model=fake, kb_path=str(kb_dir), **settings)
    return list(stream(text, context=context, checkpointer=saver or InMemorySaver(), thread_id=settings.pop("thread_id", None)))


def path_of(steps: list[Step]) -> list[str]:
    return [s.node for s in steps if s.kind == "agent"]


def final_report(steps: list[Step]) -> dict[str, Any]:
    assert steps[-1].kind == "report", [s.text for s in steps]
    return steps[-1].data["report"]  # type: ignore[no-any-return]


def test_straight_through_solves_and_verifies(leo_text: str, kb_dir: Path) -> None:
    fake = ScriptedChatModel(script=[leo_binding()])
    steps = run(leo_text, fake, kb_dir)
    assert path_of(steps) == STRAIGHT
    report = final_report(steps)
    assert report["status"] == "optimal"
    assert report["objective"] == pytest.approx(10.5)
    assert report["iterations"] == 0
    assert {row["satellite"] for row in report["solution"] if row["application"] == "A"} <= {"S1", "S2", "S6"}
    assert "T1" in fake.user_texts()[0] and "A1 -> A2 -> A3" in fake.user_texts()[0]


def test_verifier_rejects_a_number_not_in_the_text_then_modeler_fixes(leo_text: str, kb_dir: Path) -> None:
    wrong = leo_binding(
        applications=[
            {"name": "A", "first_microservice": "A1", "access_satellite": "S1", "requests_per_second": 35},
            {"name": "B", "first_microservice": "B1", "access_satellite": "S4", "requests_per_second": 10},
        ]
    )
    fake = ScriptedChatModel(script=[wrong, leo_binding()])
    steps = run(leo_text, fake, kb_dir)
    assert path_of(steps) == ["retriever", "modeler", "verifier", *STRAIGHT[1:]]
    rejection = steps[2].text
    assert "rejected the formulation" in rejection and "request_rate[A] = 35" in rejection
    second_request = fake.user_texts()[1]
    assert "request_rate[A] = 35 does not appear in the problem text" in second_request
    report = final_report(steps)
    assert report["status"] == "optimal" and report["objective"] == pytest.approx(10.5)
    assert report["iterations"] == 1


def _two_capacity_lists(text: str) -> str:
    return text.replace(
        "- CPU capacity (cores): S1 4, S2 3, S3 3, S4 4, S5 3, S6 3.",
        "- CPU capacity at launch (cores): S1 1, S2 1, S3 1, S4 1, S5 1, S6 1.\n"
        "- CPU capacity after the upgrade, which applies now (cores): S1 4, S2 3, S3 3, S4 4, S5 3, S6 3.",
    )


def test_infeasible_model_is_diagnosed_in_words_and_repaired(leo_text: str, kb_dir: Path) -> None:
    # The capacities at launch are no longer used by the repaired model: the Verifier asks the LLM whether that
    # sentence is a requirement (it is not: the upgrade replaced it), since code alone cannot tell.
    superseded = {"clauses": [{"clause": 1, "covered_by": "not a requirement", "reason": "replaced by the upgrade"}]}
    fake = ScriptedChatModel(script=[leo_binding(cpu_capacity_list="L2"), leo_binding(cpu_capacity_list="L3"), superseded])
    steps = run(_two_capacity_lists(leo_text), fake, kb_dir)
    assert path_of(steps) == [*STRAIGHT[:6], "optimizer", *STRAIGHT[1:]]
    invoker_says = steps[4].text
    assert "infeasible" in invoker_says
    repair_request = fake.user_texts()[1]
    assert "The model is infeasible" in repair_request
    assert "the CPU requirement placed on satellite" in repair_request
    mapping_request = fake.user_texts()[2]
    assert "CPU capacity at launch (cores): S1 1" in mapping_request and "one_place: microservice" in mapping_request
    report = final_report(steps)
    assert report["status"] == "optimal" and report["objective"] == pytest.approx(10.5)
    launch = next(c for c in report["coverage"] if "at launch" in c["clause"])
    assert launch["status"] == "not a requirement" and launch["reason"] == "replaced by the upgrade"


def test_contradictory_text_gets_an_honest_report(leo_text: str, kb_dir: Path) -> None:
    tiny = leo_text.replace(
        "CPU capacity (cores): S1 4, S2 3, S3 3, S4 4, S5 3, S6 3", "CPU capacity (cores): S1 2, S2 2, S3 2, S4 2, S5 2, S6 2"
    )
    fake = ScriptedChatModel(script=[leo_binding(), leo_binding()])
    steps = run(tiny, fake, kb_dir)
    report = final_report(steps)
    assert report["status"] == "infeasible"
    assert report["objective"] is None and report["solution"] == []
    assert "the problem as stated has no solution" in report["diagnosis"]
    assert "fits its capacity" in report["diagnosis"]
    assert path_of(steps)[-2:] == ["optimizer", "report"]


def test_iteration_cap_ends_in_an_honest_report(leo_text: str, kb_dir: Path) -> None:
    def wrong(rate: int) -> dict[str, Any]:
        return leo_binding(
            applications=[
                {"name": "A", "first_microservice": "A1", "access_satellite": "S1", "requests_per_second": rate},
                {"name": "B", "first_microservice": "B1", "access_satellite": "S4", "requests_per_second": 10},
            ],
        )

    fake = ScriptedChatModel(script=[wrong(77), wrong(78), wrong(79)])
    steps = run(leo_text, fake, kb_dir, max_iterations=3)
    assert path_of(steps) == ["retriever"] + ["modeler", "verifier"] * 3 + ["report"]
    report = final_report(steps)
    assert report["status"] == "cap_reached"
    assert report["objective"] is None
    assert "79" in report["diagnosis"]


def test_a_formulation_given_again_is_not_checked_again_the_template_is_dropped(leo_text: str, kb_dir: Path) -> None:
    """The same wrong binding again, and again on each of the Modeler's draws at the sampling temperature: the Modeler
    is going round in circles, so the run moves on (here to a model written without a template, which the scripted
    LLM cannot give, so the run ends honestly)."""
    wrong = leo_binding(
        applications=[
            {"name": "A", "first_microservice": "A1", "access_satellite": "S1", "requests_per_second": 77},
            {"name": "B", "first_microservice": "B1", "access_satellite": "S4", "requests_per_second": 10},
        ],
    )
    fake = ScriptedChatModel(script=[wrong, wrong, *[wrong] * REDRAWS, *[{"no": "elements"}] * 3])
    steps = run(leo_text, fake, kb_dir, max_iterations=4)
    texts = [s.text for s in steps if s.kind == "agent"]
    assert any("already rejected" in t for t in texts)
    assert any("dropped template leo_microservice_placement" in t for t in texts)
    report = final_report(steps)
    assert report["status"] == "no_model" and report["objective"] is None
    dropped = {d["template_id"]: d["reason"] for d in report["dropped"]}
    assert "already rejected" in dropped["leo_microservice_placement"]
    # any other template retrieved was passed over by code, without asking the LLM: it cannot express this question
    others = {k: v for k, v in dropped.items() if k != "leo_microservice_placement"}
    assert "this model minimizes the total end-to-end latency" in others["leo_constellation_placement"]
    assert all("lacks what it needs" in v or "the question asks for" in v for v in others.values()), others
    assert len(fake.requests) == 2 + REDRAWS + 3  # two bindings and the redraws, then three tries at free-form elements


def test_text_without_an_optimization_problem_stops_before_the_llm(kb_dir: Path) -> None:
    fake = ScriptedChatModel(script=[])
    steps = run("Tell me a joke about penguins and the weather in Paris.", fake, kb_dir)
    assert path_of(steps) == ["retriever", "modeler", "report"]
    assert final_report(steps)["status"] == "no_model"
    assert fake.requests == []


def test_review_point_pauses_and_resumes_with_the_experts_edit(leo_text: str, kb_dir: Path) -> None:
    saver = InMemorySaver()
    misplaced = [
        {"name": "A", "first_microservice": "A1", "access_satellite": "S2", "requests_per_second": 30},
        {"name": "B", "first_microservice": "B1", "access_satellite": "S4", "requests_per_second": 10},
    ]
    fake = ScriptedChatModel(script=[leo_binding(applications=misplaced)])
    context = Context(chat_model=fake, kb_path=str(kb_dir), review_points=("after_modeling",))
    steps = list(stream(leo_text, context=context, checkpointer=saver, thread_id="review-1"))
    assert steps[-1].kind == "review" and steps[-1].node == "after_modeling"
    assert steps[-1].data["formulation"]["binding"]["applications"][0]["access_satellite"] == "S2"
    edited = list(
        stream(
            None, context=context, checkpointer=saver, thread_id="review-1", resume={"action": "edit", "binding": leo_binding()}
        )
    )
    assert edited[-1].kind == "review"  # the edited formulation is shown again
    done = list(stream(None, context=context, checkpointer=saver, thread_id="review-1", resume={"action": "approve"}))
    report = final_report(done)
    assert report["objective"] == pytest.approx(10.5)
    assert len(fake.requests) == 1  # the expert's binding needed no LLM call


def test_expert_can_stop_before_solving(leo_text: str, kb_dir: Path) -> None:
    saver = InMemorySaver()
    context = Context(
        chat_model=ScriptedChatModel(script=[leo_binding()]), kb_path=str(kb_dir), review_points=("before_solving",)
    )
    steps = list(stream(leo_text, context=context, checkpointer=saver, thread_id="review-2"))
    assert steps[-1].node == "before_solving"
    done = list(
        stream(
            None, context=context, checkpointer=saver, thread_id="review-2", resume={"action": "stop", "reason": "wrong rates"}
        )
    )
    report = final_report(done)
    assert report["status"] == "stopped"
    assert "invoker" not in path_of(steps + done)


def test_dead_endpoint_fails_with_its_name_and_the_run_resumes_from_the_checkpoint(
    leo_text: str, kb_dir: Path, tmp_path: Path
) -> None:
    down = openai.APIConnectionError(request=httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions"))
    fake = ScriptedChatModel(script=[down, down])
    saver = sqlite_saver(tmp_path / "checkpoints.sqlite")
    context = Context(chat_model=fake, kb_path=str(kb_dir))
    seen: list[Step] = []
    with pytest.raises(LLMUnavailable, match="ScriptedChatModel did not answer"):
        for step in stream(leo_text, context=context, checkpointer=saver, thread_id="crash-1"):
            seen.append(step)
    assert path_of(seen) == ["retriever"]
    assert len(fake.requests) == 2  # the node's retry policy tried once more
    fake.script.append(leo_binding())
    resumed = list(stream(None, context=context, checkpointer=sqlite_saver(tmp_path / "checkpoints.sqlite"), thread_id="crash-1"))
    assert path_of(resumed) == STRAIGHT[1:]
    assert final_report(resumed)["objective"] == pytest.approx(10.5)


def test_a_default_value_is_a_warning_in_the_report_not_an_error(leo_text: str, kb_dir: Path) -> None:
    no_rates = leo_text.replace(
        "Application A receives 30 requests per second and application B receives 10 requests per second. ", ""
    )
    default_rates = leo_binding(
        applications=[
            {"name": "A", "first_microservice": "A1", "access_satellite": "S1", "requests_per_second": 1},
            {"name": "B", "first_microservice": "B1", "access_satellite": "S4", "requests_per_second": 1},
        ],
    )
    steps = run(no_rates, ScriptedChatModel(script=[default_rates]), kb_dir)
    report = final_report(steps)
    assert report["status"] == "optimal" and report["objective"] == pytest.approx((8 + 18) / 2)  # equal weights: the mean
    assert "request_rate[A] = 1 is the template's default, not a number from the text" in report["warnings"]


def test_a_table_the_formulation_ignores_is_reported(leo_text: str, kb_dir: Path) -> None:
    processing = (
        "\n\nThe processing time (ms) of a microservice depends on the satellite that hosts it:\n\n"
        "| microservice | S1 | S2 |\n|---|---|---|\n| A1 | 6 | 4 |\n| B1 | 3 | 2 |\n"
    )
    steps = run(leo_text + processing, ScriptedChatModel(script=[leo_binding()]), kb_dir)
    warnings = final_report(steps)["warnings"]
    assert any("does not use table T2" in w and "processing time" in w for w in warnings)
    assert not any("table T1" in w for w in warnings)


def test_missing_parameter_review_asks_only_when_a_default_fills_a_gap(leo_text: str, kb_dir: Path) -> None:
    no_rates = leo_text.replace(
        "Application A receives 30 requests per second and application B receives 10 requests per second. ", ""
    )
    default_rates = leo_binding(
        applications=[
            {"name": "A", "first_microservice": "A1", "access_satellite": "S1", "requests_per_second": 1},
            {"name": "B", "first_microservice": "B1", "access_satellite": "S4", "requests_per_second": 1},
        ],
    )
    saver = InMemorySaver()
    points: Any = ("missing_parameter", "after_modeling")
    context = Context(chat_model=ScriptedChatModel(script=[default_rates]), kb_path=str(kb_dir), review_points=points)
    asked = list(stream(no_rates, context=context, checkpointer=saver, thread_id="missing-1"))
    assert asked[-1].node == "missing_parameter"
    assert asked[-1].data["missing"] == ["request_rate[A]", "request_rate[B]"]
    assert "approve the template's defaults (request_rate[A] = 1, request_rate[B] = 1)" in asked[-1].data["question"]
    then = list(stream(None, context=context, checkpointer=saver, thread_id="missing-1", resume={"action": "approve"}))
    assert then[-1].node == "after_modeling"  # the next review point still comes
    done = list(stream(None, context=context, checkpointer=saver, thread_id="missing-1", resume={"action": "approve"}))
    report = final_report(done)
    assert report["objective"] == pytest.approx((8 + 18) / 2)
    assert "request_rate[A] = 1 is the template's default, not a number from the text" in report["warnings"]

    stated = Context(chat_model=ScriptedChatModel(script=[leo_binding()]), kb_path=str(kb_dir), review_points=points)
    steps = list(stream(leo_text, context=stated, checkpointer=saver, thread_id="missing-2"))
    assert steps[-1].node == "after_modeling"  # nothing missing: no question


def test_langgraph_json_names_a_graph_studio_can_load_with_its_settings_schema() -> None:
    """LangGraph Studio / `langgraph dev` import the graph named in langgraph.json and show its context schema."""
    import importlib.util
    import json

    config = json.loads((Path(__file__).resolve().parent.parent / "langgraph.json").read_text())
    file, name = config["graphs"]["lamopt"].split(":")
    spec = importlib.util.spec_from_file_location("studio_graph", Path(__file__).resolve().parent.parent / file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    graph = getattr(module, name)
    phases = {"retriever", "modeler", "verify_formulation", "plan", "invoker", "verify_solution", "decide", "report"}
    assert set(graph.nodes) >= phases
    properties = graph.get_context_jsonschema()["properties"]
    assert {"review_points", "llm_backend", "solver"} <= set(properties)


def test_readme_shows_the_graph_as_it_is_wired() -> None:
    """The picture in README.md is LangGraph's own drawing of the compiled graph, phases and routes included."""
    from agents.graph import graph

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "```mermaid\n" + graph.get_graph().draw_mermaid().rstrip("\n") + "\n```" in readme


def test_run_to_report_answers_review_points_or_leaves_the_run_paused(leo_text: str, kb_dir: Path) -> None:
    """The one driver behind every door: it approves (or asks), and a review nobody answers leaves the run paused."""
    from lamopt.api import APPROVE, run_to_report

    saver = InMemorySaver()
    context = Context(
        chat_model=ScriptedChatModel(script=[leo_binding()]), kb_path=str(kb_dir), review_points=("after_modeling",)
    )
    seen: list[str] = []
    paused = run_to_report(leo_text, context=context, checkpointer=saver, thread_id="driver-1", review=lambda step: None)
    assert paused.paused_at == "after_modeling" and paused.report is None and paused.path == ["retriever", "modeler"]
    done = run_to_report(
        None,
        context=context,
        checkpointer=saver,
        thread_id="driver-1",
        review=lambda step: APPROVE,
        on_step=lambda s: seen.append(s.node),
    )
    assert done.reviews_approved == ["after_modeling"] and done.paused_at is None
    assert done.report is not None and done.report["objective"] == pytest.approx(10.5)
    assert done.path == STRAIGHT and seen[0] == "after_modeling"  # resuming re-runs the paused phase first
    record = done.fields(answer=True)
    assert record["iterations"] == 0 and record["template"] == "leo_microservice_placement" and record["solution"]
