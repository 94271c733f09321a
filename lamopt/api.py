"""The Python API under every front door: `stream` for each agent step as it happens, `run_to_report` for a whole
run (the one driver behind `lamopt solve`, `lamopt run`, `lamopt eval` and `solve`), `RunRecord` for what a run
leaves behind, and `follow_up` for the next question in a thread."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.types import Command

from agents.context import Context
from agents.graph import RECURSION_LIMIT, build_graph
from agents.state import Decision, Report, Turn, start_round
from lamopt.checkpoints import sqlite_saver
from lamopt.problem_input import make_problem
from lamopt.vote import run_candidates, voted
from tools.redact import redact


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


APPROVE: dict[str, Any] = {"action": "approve"}


def approve_every_review(step: Step) -> dict[str, Any] | None:
    """The answer of a run nobody watches (a batch, `--yes`, `solve`): approve every review point."""
    return APPROVE


@dataclass
class RunRecord:
    """What a finished (or paused) run leaves behind; every front door records and shows runs from this."""

    thread_id: str
    state: dict[str, Any]
    """The thread's final state (the checkpoint's values)."""
    reviews_approved: list[str] = field(default_factory=list)
    """The review points this driver approved, in order."""
    paused: dict[str, Any] | None = None
    """The review request the run waits at (its point under "review"), when nobody answered it: no report then."""

    @property
    def paused_at(self) -> str | None:
        return str(self.paused.get("review", "review")) if self.paused is not None else None

    @property
    def report(self) -> Report | None:
        return self.state.get("report") if self.paused is None else None

    @property
    def history(self) -> list[Decision]:
        return list(self.state.get("history", []))

    @property
    def path(self) -> list[str]:
        """The agent of each step, in order."""
        return [d["agent"] for d in self.history]

    @property
    def iterations(self) -> int:
        """Repair and retune loops the run went through (the one name for them: the report's and the records')."""
        return int(self.state.get("iteration", 0))

    @property
    def tokens(self) -> int:
        return int(self.state.get("tokens", 0))

    @property
    def prompts(self) -> dict[str, str]:
        return dict(self.state.get("prompts", {}))

    @property
    def solve_s(self) -> float | None:
        result = self.state.get("result") or {}
        return result.get("time_s")

    def fields(self, *, answer: bool = False) -> dict[str, Any]:
        """The run as one JSON-ready record, secrets redacted: what `lamopt run` appends per case and
        `lamopt solve --json` prints (`answer` adds the solution table, comparisons and figures)."""
        report = self.report
        assert report is not None, f"thread {self.thread_id} is paused at {self.paused_at}: no report yet"
        record: dict[str, Any] = {
            "thread_id": self.thread_id,
            "status": report["status"],
            "objective": report["objective"],
            "asked": report.get("asked", ""),
            "answer": report.get("answer"),
            "solver": report["solver"],
            "template": report["template_id"],
            "iterations": report["iterations"],
            "path": self.path,
            "history": self.history,
            "prompts": self.prompts,
            "tokens": self.tokens,
            "solve_s": self.solve_s,
            "reviews_approved": list(self.reviews_approved),
            "diagnosis": report["diagnosis"],
            "warnings": report["warnings"],
            "coverage": report.get("coverage", []),
            "dropped": report.get("dropped", []),
        }
        if answer:
            record |= {"solution": report["solution"], "comparisons": report["comparisons"], "figures": report["figures"]}
        return dict(redact(record))


def record_of(thread_id: str, checkpointer: BaseCheckpointSaver[Any] | None = None) -> RunRecord:
    """A thread's run as its checkpoint has it (the chat page reopens threads this way)."""
    snapshot = build_graph(checkpointer or sqlite_saver()).get_state({"configurable": {"thread_id": thread_id}})
    pending = [i.value for task in snapshot.tasks for i in task.interrupts]
    return RunRecord(thread_id, dict(snapshot.values), paused=dict(pending[0]) if pending else None)


def run_to_report(
    text: str | None,
    data_files: list[str] | None = None,
    *,
    context: Context | None = None,
    thread_id: str | None = None,
    checkpointer: BaseCheckpointSaver[Any] | None = None,
    review: Callable[[Step], Any] = approve_every_review,
    on_step: Callable[[Step], None] | None = None,
) -> RunRecord:
    """Run one problem (text None: go on with thread `thread_id` from its checkpoint) until it reports.

    At each review point `review(step)` gives the answer (approve, edit, answer, stop); None leaves the run
    paused there, and the record says where. `on_step` sees every step as it happens. InputError and
    LLMUnavailable come through as they are: the run is checkpointed and can be continued."""
    context = context or Context()
    saver = checkpointer or sqlite_saver()
    thread_id = thread_id or uuid.uuid4().hex[:12]
    approved: list[str] = []
    resume: Any = None
    while True:
        final: Step | None = None
        paused: Step | None = None
        for step in stream(text, data_files, context=context, thread_id=thread_id, resume=resume, checkpointer=saver):
            if on_step is not None:
                on_step(step)
            if step.kind == "review":
                paused = step
            elif step.kind == "report":
                final = step
        if final is not None:
            return RunRecord(thread_id, final.data["state"], approved)
        if paused is None:
            raise RuntimeError("the run ended without a report or a review point")
        resume = review(paused)
        if resume is None:
            return RunRecord(thread_id, record_of(thread_id, saver).state, approved, paused=paused.data)
        if isinstance(resume, dict) and resume.get("action") == "approve":
            approved.append(paused.node)
        text, data_files = None, None  # go on in the same thread with the answer


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
    report = run_to_report(text, data_files, context=context, checkpointer=checkpointer).report
    assert report is not None  # every review point was approved
    return report
