"""The chat page (`lamopt chat`): state a problem, watch each agent step, review, then talk about the answer.

Every action goes through lamopt.api (stream, follow_up). Threads live in the SQLite checkpointer, so after a
page reload or a server restart the thread list finds them again. Nothing here reaches the internet: Gradio's
analytics and hub lookups are off (set before gradio is imported) and the default theme uses local fonts.
"""

from __future__ import annotations

import os

for _name, _value in (
    ("GRADIO_ANALYTICS_ENABLED", "False"),
    ("HF_HUB_OFFLINE", "1"),
    ("HF_HUB_DISABLE_TELEMETRY", "1"),
    ("ORT_DISABLE_TELEMETRY", "1"),
):
    os.environ.setdefault(_name, _value)

import json  # noqa: E402  (the environment above must be set before gradio is imported)
import secrets  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable, Generator, Iterator  # noqa: E402
from contextlib import closing  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, cast  # noqa: E402

import gradio as gr  # noqa: E402
import pandas as pd  # noqa: E402
from langgraph.checkpoint.base import CheckpointTuple  # noqa: E402
from langgraph.checkpoint.sqlite import SqliteSaver  # noqa: E402

from agents.backbone import LLMUnavailable  # noqa: E402
from agents.context import Context  # noqa: E402
from lamopt.api import Step, follow_up, record_of, stream  # noqa: E402
from lamopt.checkpoints import sqlite_saver  # noqa: E402
from lamopt.problem_input import InputError, read_data_file  # noqa: E402
from lamopt.report_text import report_markdown  # noqa: E402
from tools.solvers.sandbox import isolation  # noqa: E402

LATEX: list[dict[str, str | bool]] = [
    {"left": "$$", "right": "$$", "display": True},
    {"left": "$", "right": "$", "display": False},
]
DATA_TYPES = [".json", ".csv", ".yaml", ".yml"]
THREADS_LISTED = 50
Message = dict[str, Any]


class ChatApp:
    """The page's behaviour, apart from its layout: each handler yields what the page shows next."""

    def __init__(self, make_context: Callable[[], Context], saver: SqliteSaver, runs_dir: Path) -> None:
        self.make_context = make_context
        self.saver = saver
        self.runs_dir = runs_dir

    # --- threads -----------------------------------------------------------------------------------------
    def threads(self) -> list[tuple[str, str]]:
        """(label, thread id) of the most recent threads in the checkpointer, newest first."""
        recent: list[str] = []
        newest_first = cast(Generator[CheckpointTuple, None, None], self.saver.list(None))  # over every thread
        with closing(newest_first) as checkpoints:  # closed early: it holds the saver's lock while it runs
            for checkpoint in checkpoints:
                thread_id = str(checkpoint.config["configurable"]["thread_id"])
                if thread_id not in recent:
                    recent.append(thread_id)
                    if len(recent) == THREADS_LISTED:
                        break
        choices = []
        for thread_id in recent:
            values = record_of(thread_id, self.saver).state
            text = values.get("problem", {}).get("text", "")
            status = values.get("report", {}).get("status", "paused")
            choices.append((f"{thread_id} · {status} · {' '.join(text.split())[:60]}", thread_id))
        return choices

    def snapshot(self, thread_id: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The thread's state, and the review request it is paused at (None when not paused)."""
        record = record_of(thread_id, self.saver)
        return record.state, record.paused

    def reopen(self, thread_id: str | None) -> tuple[Any, ...]:
        """Rebuild a thread's conversation from its checkpoint: the user's words, each agent step, the answer."""
        if not thread_id:
            return self.show([], None)
        record = record_of(thread_id, self.saver)
        values, review = record.state, record.paused
        problem = values.get("problem")
        said = [problem["text"], *(t["text"] for t in problem.get("turns", []))] if problem else []
        chat: list[Message] = []
        for entry in values.get("history", []):
            if entry["agent"] == "retriever" and said:
                chat.append({"role": "user", "content": said.pop(0)})
            chat.append(_step_message(entry, {}))
        chat += [{"role": "user", "content": rest} for rest in said]
        report = record.report
        if report is None:
            return self.show(chat, thread_id, review=review)
        chat.append({"role": "assistant", "content": report_markdown(report, [], thread_id, for_chat=True)})
        return self.show(chat, thread_id, review=review, report=dict(report))

    # --- handlers ----------------------------------------------------------------------------------------
    def send(
        self, message: str, files: list[str] | None, thread_id: str | None, chat: list[Message]
    ) -> Iterator[tuple[Any, ...]]:
        """A new problem, a follow-up on the thread's answer, or (while paused) an answer to the review's question."""
        message = (message or "").strip()
        chat = list(chat or [])
        if not message:
            yield self.show([*chat, _note("Describe the optimization problem in words first.")], thread_id)
            return
        paused = self.snapshot(thread_id)[1] if thread_id else None
        if paused is not None:
            yield from self.review(thread_id, chat, {"action": "answer", "text": message}, said=message)
            return
        chat.append({"role": "user", "content": message})
        values = self.snapshot(thread_id)[0] if thread_id else {}
        thread_id = thread_id if "problem" in values else uuid.uuid4().hex[:12]
        assert thread_id is not None
        try:
            data = self._keep_uploads(files or [], thread_id)
        except InputError as exc:
            yield self.show([*chat, _note(f"Cannot work on this: {exc}")], thread_id)
            return
        if data:
            chat.append(_note("Attached: " + ", ".join(Path(f).name for f in data)))
        context = self.make_context()
        if "problem" not in values:
            steps = stream(message, data, context=context, thread_id=thread_id, checkpointer=self.saver)
        elif "report" not in values:  # the run stopped mid-way (LLM endpoint down): carry on from its checkpoint
            steps = stream(None, context=context, thread_id=thread_id, checkpointer=self.saver)
        else:
            steps = follow_up(thread_id, message, data, context=context, checkpointer=self.saver)
        yield from self._play(steps, chat, thread_id, refresh_threads=True)

    def review(
        self, thread_id: str | None, chat: list[Message], answer: dict[str, Any], said: str = ""
    ) -> Iterator[tuple[Any, ...]]:
        """Resume the paused thread with the person's answer (approve, edit, answer, stop)."""
        chat = list(chat or [])
        if not thread_id or self.snapshot(thread_id)[1] is None:
            yield self.show([*chat, _note("Nothing is waiting for a review in this thread.")], thread_id)
            return
        chat.append({"role": "user", "content": said or f"Review: {answer['action']}"})
        steps = stream(None, context=self.make_context(), thread_id=thread_id, resume=answer, checkpointer=self.saver)
        yield from self._play(steps, chat, thread_id)

    # Gradio streams a handler only when the handler itself is a generator function, hence these small ones.
    def approve(self, thread_id: str | None, chat: list[Message]) -> Iterator[tuple[Any, ...]]:
        yield from self.review(thread_id, chat, {"action": "approve"})

    def stop(self, thread_id: str | None, chat: list[Message]) -> Iterator[tuple[Any, ...]]:
        yield from self.review(thread_id, chat, {"action": "stop", "reason": "stopped in the chat page"})

    def edit(self, thread_id: str | None, chat: list[Message], binding_text: str) -> Iterator[tuple[Any, ...]]:
        try:
            binding = json.loads(binding_text or "")
        except json.JSONDecodeError as exc:
            yield self.show([*list(chat or []), _note(f"The edited binding is not JSON: {exc}")], thread_id, keep_review=True)
            return
        if not isinstance(binding, dict):
            yield self.show([*list(chat or []), _note("The edited binding must be a JSON object.")], thread_id, keep_review=True)
            return
        yield from self.review(thread_id, chat, {"action": "edit", "binding": binding}, said="Review: edited the binding")

    # --- helpers -----------------------------------------------------------------------------------------
    def _play(
        self, steps: Iterator[Step], chat: list[Message], thread_id: str, refresh_threads: bool = False
    ) -> Iterator[tuple[Any, ...]]:
        """Show each step as it arrives; end with the answer or the review panel."""
        working = {"role": "assistant", "content": "", "metadata": {"title": "working…", "status": "pending"}}
        yield self.show([*chat, working], thread_id, refresh_threads=refresh_threads)
        try:
            for step in steps:
                if step.kind == "agent":
                    chat.append(_step_message(step.data["entry"], step.data.get("update") or {}))
                    yield self.show([*chat, working], thread_id)
                elif step.kind == "review":
                    chat.append(_note(f"Paused for the human expert at **{step.node.replace('_', ' ')}**: see the review panel."))
                    yield self.show(chat, thread_id, review=step.data, refresh_threads=True)
                    return
                else:
                    report = step.data["report"]
                    chat.append({"role": "assistant", "content": report_markdown(report, [], thread_id, for_chat=True)})
                    yield self.show(chat, thread_id, report=report, refresh_threads=True)
                    return
        except InputError as exc:
            yield self.show([*chat, _note(f"Cannot work on this: {exc}")], thread_id, refresh_threads=True)
        except LLMUnavailable as exc:
            yield self.show(
                [
                    *chat,
                    _note(f"The LLM endpoint is down: {exc}. Send any message later to continue this thread where it stopped."),
                ],
                thread_id,
            )

    def _keep_uploads(self, files: list[str], thread_id: str) -> list[str]:
        """Copy uploads next to the thread's outputs: Gradio's temp files may go, and follow-ups read them again."""
        kept = []
        for name in files:
            if Path(name).suffix.lower() not in DATA_TYPES:
                continue
            target = self.runs_dir / thread_id / "data" / Path(name).name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(read_data_file(name))  # capped: an upload past the size limit is refused, not copied
            kept.append(str(target))
        return kept

    def show(
        self,
        chat: list[Message],
        thread_id: str | None,
        *,
        review: dict[str, Any] | None = None,
        report: dict[str, Any] | None = None,
        refresh_threads: bool = False,
        keep_review: bool = False,
    ) -> tuple[Any, ...]:
        """Values for OUTPUTS, in order: chat, thread, thread list, review panel (shown, text, binding), table, figures."""
        threads: Any = gr.update()
        if refresh_threads:
            choices = self.threads()
            threads = gr.update(choices=choices, value=thread_id if thread_id in {c[1] for c in choices} else None)
        if keep_review:
            panel: tuple[Any, ...] = (gr.update(), gr.update(), gr.update())
        elif review is not None:
            panel = (gr.update(visible=True), _review_text(review), _binding_text(review))
        else:
            panel = (gr.update(visible=False), "", "")
        table = pd.DataFrame(report["solution"]) if report and report["solution"] else pd.DataFrame()
        figures = [f for f in (report or {}).get("figures", []) if Path(f).is_file()]
        return (chat, thread_id, threads, *panel, table, figures)


def _note(text: str) -> Message:
    return {"role": "assistant", "content": text}


def _step_message(entry: dict[str, Any], update: dict[str, Any]) -> Message:
    """One agent step as a collapsible message: its decision as the title, the reason and what it called inside."""
    body = [entry["reason"] or "-"]
    formulation = update.get("formulation")
    if entry["agent"] == "modeler" and formulation:
        body.append("LLM filled the template binding:\n```json\n" + json.dumps(formulation["binding"], indent=1) + "\n```")
    result = update.get("result")
    if entry["agent"] == "invoker" and result:
        body.append(f"tool `{result['tool']}`, solver `{result['solver']}`, {result['time_s']:g} s")
        if result["log_excerpt"]:
            body.append("solver log:\n```\n" + result["log_excerpt"][-1500:] + "\n```")
    verdict = update.get("verdict")
    if entry["agent"] == "verifier" and verdict and verdict["warnings"]:
        body.append("warnings:\n" + "\n".join(f"- {w}" for w in verdict["warnings"]))
    return {
        "role": "assistant",
        "content": "\n\n".join(body),
        "metadata": {"title": f"{entry['agent']} · {entry['decision']}", "status": "done"},
    }


def _review_text(review: dict[str, Any]) -> str:
    point = str(review.get("review", "review")).replace("_", " ")
    lines = [f"### Review point: {point}"]
    if review.get("question"):
        lines.append(str(review["question"]))
    formulation = review.get("formulation") or {}
    if formulation:
        lines += [
            f"**{formulation.get('title', '')}** (revision {formulation.get('revision', '?')})",
            "$$",
            formulation["math"],
            "$$",
        ]
    if review.get("plan"):
        plan = review["plan"]
        lines.append(f"Plan: solver {plan['solver']}, time limit {plan['time_limit_s']:g} s")
    if review.get("warnings"):
        lines += [f"- {w}" for w in review["warnings"]]
    lines.append("Approve, edit the binding below, type an answer in the message box, or stop.")
    return "\n\n".join(lines)


def _binding_text(review: dict[str, Any]) -> str:
    return json.dumps((review.get("formulation") or {}).get("binding", {}), indent=1)


def build_app(
    make_context: Callable[[], Context] | None = None,
    checkpoints: Path | None = None,
    runs_dir: Path | None = None,
) -> gr.Blocks:
    """The page. `make_context` gives each action its settings (tests inject a scripted chat model there)."""
    make = make_context or Context
    app = ChatApp(make, sqlite_saver(checkpoints), (runs_dir or Path(make().runs_dir)).resolve())
    with gr.Blocks(title="lamopt") as page:
        thread = gr.State(None)
        gr.Markdown("## lamopt: wireless-network optimization in plain language")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(elem_id="chat", latex_delimiters=LATEX, height=620, label="Conversation")
                with gr.Group(visible=False, elem_id="review") as review_panel:
                    review_info = gr.Markdown(latex_delimiters=LATEX, elem_id="review-info")
                    binding = gr.Code(language="json", label="binding (edit, then press Edit)", elem_id="binding")
                    with gr.Row():
                        approve = gr.Button("Approve", variant="primary", elem_id="approve")
                        edit = gr.Button("Edit", elem_id="edit")
                        stop = gr.Button("Stop", variant="stop", elem_id="stop")
                prompt = gr.Textbox(
                    placeholder="State a problem, or ask about the answer: 'what if S3 loses half its CPU?'",
                    lines=3,
                    show_label=False,
                    elem_id="prompt",
                )
                with gr.Row():
                    uploads = gr.File(
                        file_count="multiple", file_types=DATA_TYPES, label="data (JSON/CSV/YAML)", scale=3, elem_id="uploads"
                    )
                    send = gr.Button("Send", variant="primary", elem_id="send", scale=1)
            with gr.Column(scale=2):
                threads = gr.Dropdown(label="Threads", choices=[], elem_id="threads", interactive=True)
                new = gr.Button("New thread", elem_id="new-thread")
                solution = gr.Dataframe(label="Solution", elem_id="solution", interactive=False, wrap=True)
                figures = gr.Gallery(label="Figures", elem_id="figures", columns=1, height=520, object_fit="contain")
        outputs = [chat, thread, threads, review_panel, review_info, binding, solution, figures]
        # Several people (or tabs) may run threads at once; each handler call works on its own thread id.
        send.click(app.send, [prompt, uploads, thread, chat], outputs, concurrency_limit=8).then(
            lambda: ("", None), None, [prompt, uploads]
        )
        approve.click(app.approve, [thread, chat], outputs, concurrency_limit=8)
        stop.click(app.stop, [thread, chat], outputs, concurrency_limit=8)
        edit.click(app.edit, [thread, chat, binding], outputs, concurrency_limit=8)
        threads.input(app.reopen, [threads], outputs)
        new.click(lambda: app.show([], None, refresh_threads=True), None, outputs)
        page.load(lambda: gr.update(choices=app.threads(), value=None), None, [threads])
    return page  # type: ignore[no-any-return]


def serve(
    host: str = "127.0.0.1",
    port: int = 7860,
    token: str | None = None,
    make_context: Callable[[], Context] | None = None,
    checkpoints: Path | None = None,
) -> None:
    """Serve the page until interrupted; bound anywhere but loopback it asks for a token (user 'lamopt')."""
    auth = None
    if host not in ("127.0.0.1", "localhost", "::1"):
        sealed, why = isolation.isolation_status()
        if not sealed and isolation.unisolated_allowed():
            raise InputError(
                f"refusing to serve on {host}: generated model code would run without OS isolation ({why}) for anyone "
                f"who reaches the page; unset {isolation.OVERRIDE_ENV} or bind to 127.0.0.1"
            )
        token = token or os.environ.get("LAMOPT_CHAT_TOKEN") or secrets.token_urlsafe(16)
        auth = ("lamopt", token)
        print(f"lamopt chat: log in as user 'lamopt' with token {token}", flush=True)
    make = make_context or Context
    runs = Path(make().runs_dir).resolve()
    page = build_app(make, checkpoints, runs)
    page.queue(default_concurrency_limit=8).launch(
        server_name=host, server_port=port, auth=auth, ssr_mode=False, allowed_paths=[str(runs)], show_error=True
    )
