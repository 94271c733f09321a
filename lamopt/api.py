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

FOLLOW_UP_MARKER = "\n\nFollow-up from the user: "
"""How a follow-up joins the thread's problem text (the chat page splits the conversation on it)."""


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

    The follow-up joins the problem text (its numbers then count as stated) and the Modeler revises the
    thread's last formulation with the follow-up as the reason; the thread's history keeps both rounds.
    """
    saver = checkpointer or sqlite_saver()
    config: RunnableConfig = {"configurable": {"thread_id": thread_id}}
    before = build_graph(saver).get_state(config).values
    if "problem" not in before:
        raise ValueError(f"thread {thread_id} has no run to follow up")
    previous = before["problem"]
    files = [*previous["data_files"], *(data_files or [])]
    problem = make_problem(previous["text"] + FOLLOW_UP_MARKER + text.strip(), files)
    graph_input = {
        "problem": problem,
        "feedback": f"the user asked a follow-up; revise the formulation to answer it: {text.strip()}",
        # A follow-up is a new round: the last round's answer and verdicts no longer apply.
        "outcome": None,
        "result": None,
        "verdict": None,
        "plan": None,
        "diagnosis": "",
        "diagnosed_binding": None,
        "follow_up": text.strip(),
        "ignored_follow_up": None,
    }
    yield from _run(graph_input, thread_id, context or Context(), saver)


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
                yield Step(
                    "agent", node, f"{entry['decision']}: {entry['reason']}", thread_id, {"update": update, "entry": entry}
                )
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
