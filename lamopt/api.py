"""The Python API under every front door: `solve` for the report, `stream` for each agent step as it happens."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.types import Command

from agents.context import Context
from agents.graph import RECURSION_LIMIT, build_graph
from agents.state import Report
from lamopt.checkpoints import sqlite_saver
from lamopt.problem_input import make_problem


@dataclass
class Step:
    """One thing that happened in a run: an agent finished a step, the run paused for review, or it ended."""

    kind: str
    """"agent", "review" (paused at a review point; answer with `stream(resume=...)`) or "report"."""
    node: str
    text: str
    thread_id: str
    data: dict[str, Any] = field(default_factory=dict)


def stream(
    text: str | None = None,
    data_files: list[str] | None = None,
    *,
    context: Context | None = None,
    thread_id: str | None = None,
    resume: Any = None,
    checkpointer: BaseCheckpointSaver[Any] | None = None,
) -> Iterator[Step]:
    """Run (or continue) one problem and yield its steps.

    With `text` (even empty, which is then refused) this is a new run, under `thread_id` if given. With
    text None, thread `thread_id` is continued from its last checkpoint: after a crash or a dead LLM endpoint
    the run picks up where it stopped, and `resume` answers the review point it paused at.
    """
    context = context or Context()
    saver = checkpointer or sqlite_saver()
    graph = build_graph(saver)
    if text is not None:
        thread_id = thread_id or uuid.uuid4().hex[:12]
        graph_input: Any = {"problem": make_problem(text, data_files)}
    elif thread_id is None:
        raise ValueError("continuing a run needs its thread_id")
    else:
        graph_input = Command(resume=resume) if resume is not None else None
    config: RunnableConfig = {"configurable": {"thread_id": thread_id}, "recursion_limit": RECURSION_LIMIT}
    for chunk in graph.stream(graph_input, config, context=context, stream_mode="updates"):
        for node, update in chunk.items():
            if node == "__interrupt__":
                request = update[0].value
                yield Step(
                    "review", str(request.get("review", "review")), "waiting for the human expert", thread_id, dict(request)
                )
                return
            for entry in (update or {}).get("history", []):
                yield Step("agent", node, f"{entry['decision']}: {entry['reason']}", thread_id, {"update": update})
    final = graph.get_state(config).values
    if "report" in final:
        yield Step("report", "report", final["report"]["summary"], thread_id, {"report": final["report"], "state": final})


def solve(
    text: str,
    data_files: list[str] | None = None,
    *,
    context: Context | None = None,
    checkpointer: BaseCheckpointSaver[Any] | None = None,
) -> Report:
    """Solve one problem end to end, approving every review point, and return its report."""
    context = context or Context()
    thread_id: str | None = None
    steps = stream(text, data_files, context=context, checkpointer=checkpointer)
    while True:
        last: Step | None = None
        for last in steps:
            thread_id = last.thread_id
        if last is None:
            raise RuntimeError("the run produced no steps")
        if last.kind == "report":
            return last.data["report"]  # type: ignore[no-any-return]
        steps = stream(thread_id=thread_id, resume={"action": "approve"}, context=context, checkpointer=checkpointer)
