"""Fidelity through the whole graph, with a scripted fake LLM: the agents solve the problem that was asked, or say
that they cannot. Retrieval, the sandbox and the solvers are real."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from agents.context import Context
from lamopt.api import stream
from lamopt.report_text import report_markdown
from tests.fakes import ScriptedChatModel
from tests.test_graph_paths import final_report, run

PRIORITY = (
    "Three cells C1, C2, C3 and five users U1-U5. Each user is served by at most one cell; a user left unserved costs "
    "nothing. Serving a user takes resource blocks (RBs) of its cell: the table gives the RBs each user needs in each "
    "cell and its priority weight. Cell C1 has 10 RBs, C2 has 8 RBs and C3 has 6 RBs.\n\n"
    "| user | priority weight | RBs in C1 | RBs in C2 | RBs in C3 |\n|---|---|---|---|---|\n"
    "| U1 | 5 | 4 | 6 | - |\n| U2 | 3 | 3 | - | 2 |\n| U3 | 4 | 5 | 4 | - |\n| U4 | 2 | - | 3 | 4 |\n| U5 | 6 | 6 | 5 | 5 |\n\n"
    "Choose which users to serve and by which cell to maximize the total priority weight of the served users. "
    "Report the maximum total priority weight."
)
WEIGHT = {"U1": 5, "U2": 3, "U3": 4, "U4": 2, "U5": 6}
RBS = {"U1": {"C1": 4, "C2": 6}, "U2": {"C1": 3, "C3": 2}, "U3": {"C1": 5, "C2": 4}, "U4": {"C2": 3, "C3": 4},
       "U5": {"C1": 6, "C2": 5, "C3": 5}}  # fmt: skip
CAPACITY = {"C1": 10, "C2": 8, "C3": 6}

HANDOVER = (
    "Load balancing after a reconfiguration: each of the users U1-U4 must be served by exactly one of the cells C1, C2. "
    "A user served by cell c with peak rate R occupies demand / R of the cell, and the load of a cell (the sum of these "
    "fractions) must stay at most 0.6. Moving a user away from its current cell costs the handover cost in the table "
    "(0 for staying).\n\n| user | demand (Mbit/s) | peak rate in C1 (Mbit/s) | peak rate in C2 (Mbit/s) | "
    "handover cost to C1 | handover cost to C2 |\n|---|---|---|---|---|---|\n| U1 | 4 | 20 | 40 | 0 | 3 |\n"
    "| U2 | 6 | 30 | 20 | 0 | 2 |\n| U3 | 5 | 25 | 25 | 4 | 0 |\n| U4 | 2 | 10 | 10 | 1 | 0 |\n\n"
    "What is the minimum total handover cost?"
)
AIRTIME = (
    "An office has two Wi-Fi access points AP1 and AP2 that can be switched off to save power: AP1 draws 12 W and AP2 "
    "draws 9 W when on. Users U1-U3 must each be served by exactly one switched-on AP. The airtime of an AP, the sum "
    "of demand / rate over its users, must be at most 0.8.\n"
    "Demands (Mbit/s): U1 4, U2 3, U3 2.\n\nThe rates (Mbit/s) each user gets from each AP:\n\n"
    "| user | AP1 | AP2 |\n|---|---|---|\n| U1 | 10 | 8 |\n| U2 | 6 | 10 |\n| U3 | 5 | 4 |\n\n"
    "Minimize the total power of the switched-on access points and report it in W."
)
NO_MAPPING: dict[str, Any] = {"clauses": []}
"""The LLM maps no clause: what code could not place stays unclear (a warning), nothing is rejected by the LLM."""


def _priority_elements() -> dict[str, Any]:
    pairs = [(u, c) for u in RBS for c in RBS[u]]
    variables = [{"name": f"x_{u}_{c}", "domain": "binary", "meaning": f"{u} served by {c}"} for u, c in pairs]
    once = [
        {"name": f"once_{u}", "expression": " + ".join(f"x_{u}_{c}" for c in RBS[u]) + " <= 1", "meaning": f"{u} at most once"}
        for u in RBS
    ]
    rbs = [
        {
            "name": f"rbs_{c}",
            "expression": " + ".join(f"{RBS[u][c]} * x_{u}_{c}" for u in RBS if c in RBS[u]) + f" <= {CAPACITY[c]}",
            "meaning": f"the RBs of cell {c}",
        }
        for c in CAPACITY
    ]
    objective = " + ".join(f"{WEIGHT[u]} * x_{u}_{c}" for u, c in pairs)
    return {
        "sets": [],
        "parameters": [],
        "variables": variables,
        "objective": {"sense": "maximize", "expression": objective},
        "constraints": once + rbs,
    }


def _priority_optimum() -> int:
    best = 0
    options = [[None, *RBS[u]] for u in RBS]
    for choice in itertools.product(*options):
        load = dict.fromkeys(CAPACITY, 0)
        for user, cell in zip(RBS, choice, strict=True):
            if cell is not None:
                load[cell] += RBS[user][cell]
        if all(load[c] <= CAPACITY[c] for c in CAPACITY):
            best = max(best, sum(WEIGHT[u] for u, cell in zip(RBS, choice, strict=True) if cell is not None))
    return best


def _decisions(steps: list[Any]) -> list[str]:
    return [s.text for s in steps if s.kind == "agent"]


def test_a_question_for_the_served_priority_weight_is_not_answered_with_a_cell_load(kb_dir: Path) -> None:
    fake = ScriptedChatModel(script=[_priority_elements(), NO_MAPPING])
    steps = run(PRIORITY, fake, kb_dir)
    said = " | ".join(_decisions(steps))
    # The load-balancing template (retrieved first) is rejected in words before the LLM fills anything ...
    assert (
        "association_load_balancing: the question asks for the maximum total priority weight; this model minimizes the "
        "largest cell load" in said
    )
    # ... and so is every other association template retrieved, so the Modeler writes the model itself.
    report = final_report(steps)
    assert report["template_id"] == "generated" and report["status"] == "optimal"
    assert report["objective"] == pytest.approx(_priority_optimum())
    assert report["asked"] == "the maximum total priority weight"
    assert "association_load_balancing" in {d["template_id"] for d in report["dropped"]}
    assert "Each user is served by at most one cell" in fake.user_texts()[1]  # the clause code could not place
    markdown = report_markdown(report, [], "t")  # type: ignore[arg-type]
    assert "**Asked:** the maximum total priority weight" in markdown
    assert "## Templates passed over" in markdown and "## Requirements of the text and what models them" in markdown


def test_a_question_for_the_total_handover_cost_is_not_answered_with_a_cell_load(kb_dir: Path) -> None:
    fake = ScriptedChatModel(script=[{"not": "elements"}] * 3)  # the model written without a template never comes
    steps = run(HANDOVER, fake, kb_dir)
    said = " | ".join(_decisions(steps))
    assert (
        "association_load_balancing: the question asks for the minimum total handover cost; this model minimizes the "
        "largest cell load" in said
    )
    report = final_report(steps)
    assert report["status"] == "no_model" and report["objective"] is None  # honest: no verified answer, and why
    assert "the question asks for the minimum total handover cost" in report["diagnosis"]
    assert len(fake.requests) == 3  # no binding of any association template was ever asked for


def test_a_template_that_cannot_express_a_clause_is_abandoned_after_one_rejection(kb_dir: Path) -> None:
    sleeping = {
        "rate_table": "T1",
        "minimum_rate": {"value": 0, "unit": "Mbit/s"},
        "power": {"unit": "W", "values": {"AP1": 12, "AP2": 9}},
        "max_users": "none",
    }
    fake = ScriptedChatModel(script=[sleeping, *[{"not": "elements"}] * 3])
    steps = run(AIRTIME, fake, kb_dir)
    said = _decisions(steps)
    rejections = [t for t in said if t.startswith("rejected the formulation")]
    assert len(rejections) == 1, said  # rejected once, with the clause named ...
    assert "must be at most 0.8" in rejections[0] and "no constraint of this model expresses" in rejections[0]
    assert any(t.startswith("dropped template association_bs_sleeping") for t in said)  # ... and the template abandoned
    # another path was tried: the model written without a template (which this scripted LLM cannot give)
    assert "five elements" in str(fake.requests[1][0].content)
    report = final_report(steps)
    assert report["objective"] is None
    dropped = {d["template_id"]: d["reason"] for d in report["dropped"]}
    assert "must be at most 0.8" in dropped["association_bs_sleeping"]


def test_an_uncovered_clause_is_named_in_the_report_when_nothing_fits(kb_dir: Path) -> None:
    text = (
        "A shop sells tea and coffee. A bag of tea earns $3 and a bag of coffee $5. The shop can pack at most 40 bags a "
        "day, and it must sell at least 10 bags of tea. How many bags of each should it pack to maximize its earnings?"
    )
    forgetful = {
        "sets": [],
        "parameters": [],
        "variables": [
            {"name": "tea", "domain": "nonnegative integer", "meaning": "bags of tea"},
            {"name": "coffee", "domain": "nonnegative integer", "meaning": "bags of coffee"},
        ],
        "objective": {"sense": "maximize", "expression": "3 * tea + 5 * coffee"},
        "constraints": [{"name": "packing", "expression": "tea + coffee <= 40", "meaning": "bags packed a day"}],
    }
    fake = ScriptedChatModel(script=[forgetful, forgetful])
    steps = run(text, fake, kb_dir, retrieval_threshold=0.99, freeform="whole")
    report = final_report(steps)
    assert report["objective"] is None and report["status"] == "cap_reached"
    assert "it must sell at least 10 bags of tea" in report["diagnosis"]
    assert "no constraint of this model expresses" in report["diagnosis"]
    uncovered = [c for c in report["coverage"] if c["status"] == "uncovered"]
    assert [c["clause"] for c in uncovered] == [
        "The shop can pack at most 40 bags a day, and it must sell at least 10 bags of tea."
    ]
    assert "it must sell at least 10 bags of tea" in fake.user_texts()[1]  # the Modeler was told which clause


def test_the_run_budget_ends_a_slow_run_with_the_honest_status(kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every LLM request takes 100 s on a fake clock; the budget of 150 s ends the run after the second formulation."""
    clock = [1_000.0]
    fake_time = type("FakeTime", (), {"time": staticmethod(lambda: clock[0])})
    monkeypatch.setattr("agents.budget.time", fake_time)
    monkeypatch.setattr("agents.retriever.time", fake_time)

    class Slow(ScriptedChatModel):
        def _generate(self, *args: Any, **kwargs: Any) -> Any:
            clock[0] += 100.0
            return super()._generate(*args, **kwargs)

    def wrong(capacity: int) -> dict[str, Any]:
        elements = _priority_elements()
        budget = next(c for c in elements["constraints"] if c["name"] == "rbs_C1")
        budget["expression"] = budget["expression"].replace("<= 10", f"<= {capacity}")  # not in the text: rejected
        return elements

    fake = Slow(script=[wrong(12), wrong(13), wrong(14)])
    context = Context(chat_model=fake, kb_path=str(kb_dir), run_budget_s=150.0, max_iterations=10)
    steps = list(stream(PRIORITY, context=context))
    report = final_report(steps)
    assert report["status"] == "out_of_time" and report["objective"] is None
    assert report["summary"].startswith("No verified answer: out of time")
    assert "(200 s of 150 s)" in report["diagnosis"] and "templates dropped: association_load_balancing" in report["diagnosis"]
    assert "rejected: generated (the model uses the number 12, which the text does not state)" in report["diagnosis"]
    assert "generated (the model uses the number 13, which the text does not state)" in report["diagnosis"]
    assert any(step.text.startswith("stop: out of time") for step in steps if step.kind == "agent")
    assert len(fake.requests) == 2  # the third formulation was never asked for
