"""Wiring only: each phase of the work is a node, and each node routes itself with Command(goto=...).

retriever → modeler → verify_formulation ─(rejected)→ modeler
                           │ ok
                           ▼
                         plan → invoker → verify_solution → decide ─(retune, re-solve)→ invoker
                                                              ├─(infeasible, unbounded, broken code)→ modeler
                                                              └─(done, cap reached, tool failed)→ report → END

The Verifier's two phases (verify_formulation, verify_solution) and the Optimizer's (plan, decide) are nodes
of their own, so a run's path says which check or decision ran; history entries still name the agent.
"""

from __future__ import annotations

from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import RetryPolicy

from agents.backbone import LLMUnavailable
from agents.context import Context
from agents.invoker import invoker
from agents.modeler import modeler
from agents.optimizer import decide, plan
from agents.report import report
from agents.retriever import retriever
from agents.state import State
from agents.verifier import verify_formulation, verify_solution

RECURSION_LIMIT = 60
"""Steps per run; our own iteration cap ends loops long before this (LangGraph's default is 10007)."""


def build_graph(checkpointer: BaseCheckpointSaver[Any] | None = None) -> CompiledStateGraph[Any, Any, Any, Any]:
    builder = StateGraph(State, context_schema=Context)
    builder.add_node("retriever", retriever)
    # The endpoint's own client already retried with timeouts; one more node-level try covers a server restart.
    builder.add_node("modeler", modeler, retry_policy=RetryPolicy(max_attempts=2, retry_on=LLMUnavailable))
    builder.add_node("verify_formulation", verify_formulation)
    builder.add_node("plan", plan)
    builder.add_node("invoker", invoker)
    builder.add_node("verify_solution", verify_solution)
    builder.add_node("decide", decide)
    builder.add_node("report", report)
    builder.add_edge(START, "retriever")
    builder.add_edge("report", END)
    return builder.compile(checkpointer=checkpointer, name="lamopt")


graph = build_graph()
"""For langgraph.json (LangGraph Studio / `langgraph dev`), which brings its own checkpointer."""
