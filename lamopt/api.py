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
from agents.state import Report, Turn, start_round
from lamopt.checkpoints import sqlite_saver
from lamopt.problem_input import make_problem
from lamopt.vote import run_candidates, voted


@dataclass
class Step:
    """One thing that happened in a run: an agent finished a step, the run paused for review, or it ended."""

    kind: str
    """"agent", "review" (paused at a review point; answer with `stream(resume=...)`) or "report"."""
    node: str
    """The agent that took the step (data["node"] names the graph node, the phase), the review point, or "report"."""
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
    if text is not None:
        thread_id = thread_id or uuid.uuid4().hex[:12]
        graph_input: Any = {"problem": make_problem(text, data_files)}
    elif thread_id is None:
        raise ValueError("continuing a run needs its thread_id")
    else:
        graph_input = Command(resume=resume) if resume is not None else None
    yield from _run(graph_input, thread_id, context or Context(), checkpointer or sqlite_saver())


def follow_up(
    thread_id: str,
    text: str,
    data_files: list[str] | None = None,
    *,
    context: Context | None = None,
    checkpointer: BaseCheckpointSaver[Any] | None = None,
) -> Iterator[Step]:
    """Talk about a finished run in the same thread ("what if S3 loses half its CPU?").

    The follow-up joins the problem as a turn (its numbers then count as stated) and the Modeler revises the
    thread's last formulation with the follow-up as the reason; the thread's history keeps both rounds.
    """
    saver = checkpointer or sqlite_saver()
    config: RunnableConfig = {"configurable": {"thread_id": thread_id}}
    before = build_graph(saver).get_state(config).values
    if "problem" not in before:
        raise ValueError(f"thread {thread_id} has no run to follow up")
    previous = before["problem"]
    turns = [*previous.get("turns", []), Turn(kind="follow_up", text=text.strip())]
    problem = make_problem(previous["text"], [*previous["data_files"], *(data_files or [])], turns=turns)
    yield from _run({"problem": problem, **start_round(follow_up=text.strip())}, thread_id, context or Context(), saver)


def _run(graph_input: Any, thread_id: str, context: Context, saver: BaseCheckpointSaver[Any]) -> Iterator[Step]:
    graph = build_graph(saver)
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
                data = {"update": update, "entry": entry, "node": node}
                yield Step("agent", entry["agent"], f"{entry['decision']}: {entry['reason']}", thread_id, data)
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
    """Solve one problem end to end, approving every review point, and return its report. With `context.samples`
    above 1, that many candidate runs and the report of their vote (lamopt/vote.py)."""
    context = context or Context()
    if context.samples > 1:
        runs = run_candidates(context, lambda candidate: solve(text, data_files, context=candidate, checkpointer=checkpointer))
        return voted(runs)[0]
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
