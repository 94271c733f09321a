"""`lamopt mcp`: lamopt as a Model Context Protocol server, so other agents can use solver-checked modeling as a tool.

Built on the official `mcp` SDK (MCPServer). Tools: `solve`, `follow_up`, `kb_search`, `list_templates`, and the
tool models usable alone, without the LLM: `leo_placement` (a generated Walker-Delta scenario, exact MILP),
`drib_mobo`, `beamforming_cellfree`, `beamforming_isac`. Resources: a run's report (Markdown) and its figures (PNG),
by thread id. Transports: stdio (the default, for desktop assistants) and streamable HTTP, bound to loopback unless
told otherwise, behind a bearer token, and only with the operating-system sandbox in place: over HTTP, problems
come from other programs.

Review points become MCP elicitation where the client declared it: on a 2026-07-28 connection `solve` returns the
question (an InputRequiredResult) and resumes the thread's checkpoint when the client retries with the answer; on
an older connection the server asks mid-call (elicitation/create). A client that cannot be asked gets every review
point approved, and the result lists them.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import os
import secrets
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
import anyio.from_thread
import anyio.to_thread
from langgraph.checkpoint.base import BaseCheckpointSaver
from mcp.server import MCPServer
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.elicitation import AcceptedElicitation, render_elicitation_schema
from mcp.server.mcpserver import Context as RequestContext
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import (
    CallToolResult,
    ElicitRequest,
    ElicitRequestFormParams,
    ElicitResult,
    InputRequiredResult,
    TextContent,
    ToolAnnotations,
)
from mcp_types.version import is_version_at_least
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import to_jsonable_python

from agents.backbone import EmbeddedServer, LLMUnavailable
from agents.context import Context, Retrieval, ReviewPoint
from agents.invoker import run_portfolio
from agents.knowledge import template_store
from agents.state import Plan
from knowledge_base.catalog import TemplateError, load_templates
from knowledge_base.templates.leo_constellation_placement import TEMPLATE as LEO_CONSTELLATION
from knowledge_base.templates.leo_constellation_placement import LeoConstellationParams
from lamopt.api import Step, follow_up, record_of, stream
from lamopt.checkpoints import sqlite_saver
from lamopt.problem_input import InputError
from lamopt.report_text import report_markdown
from tools.beamforming.tool import CellFreeInput, IsacInput
from tools.diffusion.tool import DiffusionMOBOInput
from tools.registry import TOOLS
from tools.satnet.latency import LatencyVariant
from tools.satnet.scenario import ScenarioConfig
from tools.solvers.sandbox import isolation

INSTRUCTIONS = (
    "lamopt turns a wireless-network optimization problem stated in plain language (LEO microservice placement, "
    "power control, association, beamforming, MEC offloading, ...) into a verified mathematical model and a solved, "
    "explained answer. Call `solve` with the problem text; it returns the status, the objective, the solution table, "
    "the report in Markdown and a thread id for `follow_up` questions. `kb_search` and `list_templates` show the "
    "formulation templates it knows. The other tools run one optimization model directly from its parameters."
)
URI_PREFIX = "lamopt://runs"
ELICITATION_VERSION = "2026-07-28"
"""From this protocol version on, a server asks by returning its question (multi-round-trip requests)."""
MAX_REVIEW_ROUNDS = 8
"""A review answer that does not read (an edit that is not JSON) is asked again, at most this often per call."""


# --- what clients send -----------------------------------------------------------------------------------------------


def _described(name: str) -> str:
    """A run setting's description, from the one place settings are described (agents.context.Context)."""
    return str(next(f for f in dataclasses.fields(Context) if f.name == name).metadata["description"])


class Attachment(BaseModel):
    """A data file attached to the problem: tables and numbers in it count as stated in the problem."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}\.(json|csv|yaml|yml)$",
        description="file name; its extension says how to read it: .json, .csv, .yaml or .yml",
        examples=["cpu_capacity.csv"],
    )
    content: str = Field(max_length=2_000_000, description="the file's text")


class SolveSettings(BaseModel):
    """Run settings a client may choose. Where the LLM, the knowledge base and the runs live is the server's choice."""

    model_config = ConfigDict(extra="forbid")

    solver: Literal["auto", "cplex", "highs", "scip"] | None = Field(default=None, description=_described("solver"))
    solver_time_limit_s: float | None = Field(default=None, gt=0, le=3600, description=_described("solver_time_limit_s"))
    max_iterations: int | None = Field(default=None, ge=1, le=10, description=_described("max_iterations"))
    review_points: list[ReviewPoint] | None = Field(
        default=None,
        description="where a human expert is asked (by MCP elicitation; approved automatically when the client cannot be "
        "asked): after_modeling, before_solving, missing_parameter",
    )
    retrieval: Retrieval | None = Field(default=None, description=_described("retrieval"))

    def applied_to(self, context: Context) -> Context:
        chosen = self.model_dump(exclude_none=True)
        if "review_points" in chosen:
            chosen["review_points"] = tuple(chosen["review_points"])
        return dataclasses.replace(context, **chosen)


class ReviewAnswer(BaseModel):
    """What the person says at a review point (the form an elicitation shows)."""

    action: Literal["approve", "edit", "answer", "stop"] = Field(
        default="approve",
        description="approve the formulation, edit its binding, answer the question with missing facts, or stop the run",
    )
    text: str = Field(
        default="", description="for edit: the corrected binding as JSON; for answer: the missing facts in words; for stop: why"
    )


# --- what clients get back -------------------------------------------------------------------------------------------


class Review(BaseModel):
    point: str
    action: str
    by: Literal["client", "approved automatically"]
    """'approved automatically' when the client declared no elicitation: nobody could be asked."""


class SolveResult(BaseModel):
    thread_id: str = Field(description="the run's thread: pass it to follow_up; its report and figures are resources")
    status: str = Field(description="optimal, feasible, infeasible, unbounded, time_limit, error, no_model, cap_reached, stopped")
    objective: float | None
    summary: str
    solution: list[dict[str, Any]] = Field(description="the solution table, one row per decision")
    comparisons: list[dict[str, Any]] = Field(description="the answer beside baselines, where the template computes them")
    report_markdown: str = Field(description="the whole report: formulation (LaTeX), solution, warnings, what the agents did")
    report_uri: str
    figures: list[str] = Field(description="resource URIs of the run's figures (PNG)")
    warnings: list[str]
    diagnosis: str
    reviews: list[Review] = Field(description="every review point of the run and its answer")


class LeoPlacementInput(BaseModel):
    """A Walker-Delta constellation scenario, generated from its configuration (the seed included)."""

    scenario: ScenarioConfig
    latency: LatencyVariant = Field(
        default="sum over edges",
        description="latency summed over every microservice and flow, or along each application's critical path",
    )
    baseline_seed: int = Field(default=0, description="seed of the random-placement baseline")
    solver: Literal["auto", "cplex", "highs", "scip"] = "auto"
    time_limit_s: float = Field(default=60.0, gt=0, le=3600)


class CellFreeScene(CellFreeInput):
    """One cell-free massive MIMO downlink scene, drawn from the channel model with `seed` or given as a channel."""

    # Checkpoints are unpickled (torch.load), so a client never names one: the shipped model is used.
    checkpoint: SkipJsonSchema[None] = None


class IsacScene(IsacInput):
    """One ISAC scene: a base station's ULA, its users and the radar targets it must illuminate."""

    checkpoint: SkipJsonSchema[None] = None


# --- the server ------------------------------------------------------------------------------------------------------


class StaticToken:
    """The bearer token `lamopt mcp --http` prints at start (or the one given): the SDK's TokenVerifier protocol."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def verify_token(self, token: str) -> AccessToken | None:
        if secrets.compare_digest(token.encode(), self._token.encode()):
            return AccessToken(token=token, client_id="lamopt-mcp-client", scopes=[])
        return None


def build_server(
    make_context: Callable[[], Context] | None = None,
    checkpointer: BaseCheckpointSaver[Any] | None = None,
    *,
    token: str | None = None,
    url: str = "",
) -> MCPServer:
    """The MCP server over lamopt.api. `make_context` gives the server's settings (tests inject a scripted chat model
    there); with `token`, HTTP requests must carry it as a bearer token (`url` is the server's own address)."""
    make = make_context or Context
    saver = checkpointer or sqlite_saver()
    auth = None
    if token is not None:
        auth = AuthSettings(issuer_url=AnyHttpUrl(url), resource_server_url=None, validate_token_resource=False)
    server = MCPServer(
        "lamopt",
        instructions=INSTRUCTIONS,
        version=_version(),
        token_verifier=StaticToken(token) if token is not None else None,
        auth=auth,
        log_level="WARNING",  # the root logger's level (the SDK calls basicConfig): no INFO lines from every library
    )
    runs = _Runs(make, saver)

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, open_world_hint=False))
    async def solve(
        problem: Annotated[str, Field(description="the optimization problem in words, with its numbers and tables")],
        ctx: RequestContext,
        data: Annotated[list[Attachment] | None, Field(description="data files the problem refers to")] = None,
        settings: SolveSettings | None = None,
    ) -> Annotated[CallToolResult, SolveResult] | InputRequiredResult:
        """Solve a wireless-network optimization problem stated in plain language.

        lamopt finds a formulation template (or writes a model), fills it from the text and the attached data, checks
        every number against the text, solves it with an exact solver (or the tool the template names) and verifies
        the answer. Returns the status, the objective, the solution table, the report in Markdown and the thread id
        (for follow_up, and for the report and figure resources). Long runs report each agent step as progress.
        """
        context = (settings or SolveSettings()).applied_to(make())

        def start() -> tuple[str, Callable[[], Iterator[Step]]]:
            thread_id = uuid.uuid4().hex[:12]
            files = _keep_attachments(data or [], Path(context.runs_dir) / thread_id / "data")
            return thread_id, lambda: stream(problem, files, context=context, thread_id=thread_id, checkpointer=saver)

        return await runs.call(ctx, context, start)

    @server.tool(name="follow_up", annotations=ToolAnnotations(read_only_hint=False, open_world_hint=False))
    async def follow_up_tool(
        thread_id: Annotated[str, Field(description="the thread id a solve returned")],
        text: Annotated[str, Field(min_length=1, description="the follow-up question, with any new numbers")],
        ctx: RequestContext,
        settings: SolveSettings | None = None,
    ) -> Annotated[CallToolResult, SolveResult] | InputRequiredResult:
        """Ask about a finished run in the same thread ("what if S3 loses half its CPU?").

        The follow-up joins the thread's problem text (its numbers then count as stated) and the formulation is revised
        to answer it; the result has the same shape as solve's, for the new round.
        """
        context = (settings or SolveSettings()).applied_to(make())

        def start() -> tuple[str, Callable[[], Iterator[Step]]]:
            if "report" not in runs.values(thread_id):
                raise ToolError(f"thread {thread_id!r} has no finished run to follow up (solve a problem first)")
            return thread_id, lambda: follow_up(thread_id, text, context=context, checkpointer=saver)

        return await runs.call(ctx, context, start)

    @server.tool(annotations=ToolAnnotations(read_only_hint=True, open_world_hint=False))
    def kb_search(
        query: Annotated[str, Field(min_length=1, description="the problem, or words about it")],
        k: Annotated[int, Field(ge=1, le=20, description="how many templates")] = 3,
    ) -> list[dict[str, Any]]:
        """Find the formulation templates that fit a problem best (MiniLM embeddings and BM25 keywords, best first)."""
        context = make()
        try:
            store = template_store(context)
        except TemplateError as exc:
            raise ToolError(str(exc)) from exc
        hits = store.search(query, k=k, mode=context.retrieval)
        return [
            {
                "template_id": hit.template_id,
                "family": hit.family,
                "title": store.templates[hit.template_id].title,
                "similarity": hit.score,
                "keyword_score": hit.keyword,
            }
            for hit in hits
        ]

    @server.tool(annotations=ToolAnnotations(read_only_hint=True, open_world_hint=False))
    def list_templates() -> list[dict[str, Any]]:
        """Every formulation template lamopt knows: id, family, problem class, title and the tool that solves it."""
        try:
            templates = load_templates(make().user_templates)
        except TemplateError as exc:
            raise ToolError(str(exc)) from exc
        return [
            {"id": t.id, "family": t.family, "problem_class": t.problem_class, "title": t.title, "tool": t.tool}
            for t in templates.values()
        ]

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, open_world_hint=False))
    def leo_placement(inputs: LeoPlacementInput) -> dict[str, Any]:
        """Place the microservices of a generated LEO constellation scenario (Walker-Delta shell, +Grid ISLs, DAG
        applications) with the exact MILP, beside the random, residual-capacity and branch-and-bound baselines."""
        params = LeoConstellationParams(scenario=inputs.scenario, latency=inputs.latency, baseline_seed=inputs.baseline_seed)
        run_id, out_dir = _tool_run_dir(make())
        plan = Plan(solver=inputs.solver, time_limit_s=inputs.time_limit_s, skip=[])
        result = run_portfolio(LEO_CONSTELLATION, params, "MILP", plan, out_dir)
        out = {k: result[k] for k in ("status", "solver", "objective", "bound", "gap", "time_s", "comparisons")}
        out |= {"solution": result["table"], "summary": "; ".join(result["attempts"]) or result["log_excerpt"]}
        return _tool_output(run_id, out, result["figures"])

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, open_world_hint=False))
    def drib_mobo(inputs: DiffusionMOBOInput) -> dict[str, Any]:
        """DRIB-MOBO: diffusion-model-guided multi-objective Bayesian optimisation of an expensive black box (the
        RIB problem, objective formulas in x[i], or a ZDT/DTLZ benchmark); returns the Pareto front and its hypervolume."""
        return _run_registered("drib_mobo", inputs, make())

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, open_world_hint=False))
    def beamforming_cellfree(inputs: CellFreeScene) -> dict[str, Any]:
        """Cell-free massive MIMO downlink beamforming: the LAM beamformer's sum rate under per-AP power limits,
        refined by WMMSE, beside the classical baselines."""
        return _run_registered("lam_beamforming_cellfree", inputs, make())

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, open_world_hint=False))
    def beamforming_isac(inputs: IsacScene) -> dict[str, Any]:
        """ISAC beamforming: match a radar beampattern on the target angles while every user keeps its SINR target
        (LAM beams, SDR where they miss a target)."""
        return _run_registered("lam_beamforming_isac", inputs, make())

    @server.resource(f"{URI_PREFIX}/{{thread_id}}/report", mime_type="text/markdown")
    def report(thread_id: str) -> str:
        """The report of a run, in Markdown: formulation, solution, figures, warnings and what the agents did."""
        values = runs.values(thread_id)
        if "report" not in values:
            raise ResourceNotFoundError(f"thread {thread_id!r} has no report")
        return report_markdown(values["report"], values.get("history", []), thread_id)

    @server.resource(f"{URI_PREFIX}/{{run_id}}/figures/{{name}}", mime_type="image/png")
    def figure(run_id: str, name: str) -> bytes:
        """A figure of a run (a PNG the solve or a tool wrote), by the run's thread id and the file name."""
        folder = Path(make().runs_dir)
        path = folder / run_id / name
        if not (_safe_name(run_id) and _safe_name(name) and name.endswith(".png") and path.is_file()):
            raise ResourceNotFoundError(f"run {run_id!r} has no figure {name!r}")
        return path.read_bytes()

    return server


class _Runs:
    """Runs graph threads for the MCP tools: steps become progress, review points become elicitation.

    Its loop is its own rather than lamopt.api.run_to_report's (like the chat page's): on 2026-07-28 connections a
    review question goes back to the client in the result and the run goes on in a later request, and a follow-up
    starts from api.follow_up."""

    def __init__(self, make_context: Callable[[], Context], saver: BaseCheckpointSaver[Any]) -> None:
        self.make_context = make_context
        self.saver = saver

    def values(self, thread_id: str) -> dict[str, Any]:
        return record_of(thread_id, self.saver).state

    def paused_at(self, thread_id: str) -> Step | None:
        """The review point the thread's checkpoint is paused at, as the step that announced it."""
        request = record_of(thread_id, self.saver).paused
        if request is None:
            return None
        return Step("review", str(request.get("review", "review")), "waiting for the human expert", thread_id, request)

    async def call(
        self, ctx: RequestContext, context: Context, start: Callable[[], tuple[str, Callable[[], Iterator[Step]]]]
    ) -> CallToolResult | InputRequiredResult:
        """A solve or follow-up call: `start` begins the run (its thread and steps), unless this call is the retry
        that answers a review question (2026-07-28 connections), which goes on with the paused thread."""
        if ctx.request_state is None:
            thread_id, steps = start()
            return await self.drive(ctx, context, thread_id, [], steps)
        state = json.loads(ctx.request_state)  # sealed and verified by the SDK: it is what this server wrote
        thread_id, reviews = str(state["thread"]), [Review.model_validate(r) for r in state["reviews"]]
        paused = self.paused_at(thread_id)
        if paused is None:
            raise ToolError(f"thread {thread_id} is no longer waiting at a review point")
        reply = (ctx.input_responses or {}).get("review")
        answer, unread = _answer_of(reply.action, reply.content) if isinstance(reply, ElicitResult) else (None, "no answer came")
        if answer is None:  # ask the same question again, saying what was wrong
            return await self.drive(ctx, context, thread_id, reviews, lambda: iter([paused]), unread)
        reviews.append(Review(point=paused.node, action=answer["action"], by="client"))
        return await self.drive(ctx, context, thread_id, reviews, _resume(thread_id, answer, context, self.saver))

    async def drive(
        self, ctx: RequestContext, context: Context, thread_id: str, reviews: list[Review],
        steps: Callable[[], Iterator[Step]], unread: str = "",
    ) -> CallToolResult | InputRequiredResult:  # fmt: skip
        """Play the run until its report, asking (or approving) at each review point on the way. `unread` says what
        was wrong with the last answer, when the question is asked again."""
        _start_embedded_llm_here(context)
        while True:
            last = await _play(ctx, steps)
            if last.kind == "report":
                return _solve_result(thread_id, last, reviews)
            asked = await _ask(ctx, last, reviews, unread)
            if isinstance(asked, InputRequiredResult):
                return asked
            answer, by = asked
            reviews.append(Review(point=last.node, action=answer["action"], by=by))
            steps, unread = _resume(thread_id, answer, context, self.saver), ""


async def _ask(
    ctx: RequestContext, paused: Step, reviews: list[Review], unread: str
) -> tuple[dict[str, Any], Literal["client", "approved automatically"]] | InputRequiredResult:
    """The answer to the review point the run paused at: from the client where it can be asked, else approval."""
    how = _how_to_ask(ctx)
    if how == "approve":
        return {"action": "approve"}, "approved automatically"
    request = dict(paused.data)
    if how == "return":  # 2026-07-28: the question goes back in the result; the client retries with the answer
        # What the retry needs to go on; the question itself stays in the thread's checkpoint.
        state = {"thread": paused.thread_id, "reviews": [r.model_dump() for r in reviews]}
        question = ElicitRequest(params=_form(_review_message(paused.node, request, paused.thread_id, unread)))
        return InputRequiredResult(input_requests={"review": question}, request_state=json.dumps(state))
    for _ in range(MAX_REVIEW_ROUNDS):  # an older connection: ask mid-call
        reply = await ctx.elicit(_review_message(paused.node, request, paused.thread_id, unread), ReviewAnswer)
        if isinstance(reply, AcceptedElicitation):
            answer, unread = _answer_of("accept", reply.data.model_dump())
        else:
            answer, unread = _answer_of(reply.action, None)
        if answer is not None:
            return answer, "client"
    raise ToolError(f"thread {paused.thread_id}: {MAX_REVIEW_ROUNDS} review answers in a row did not read; the run stays paused")


def _resume(
    thread_id: str, answer: dict[str, Any], context: Context, saver: BaseCheckpointSaver[Any]
) -> Callable[[], Iterator[Step]]:
    return lambda: stream(thread_id=thread_id, resume=answer, context=context, checkpointer=saver)


async def _play(ctx: RequestContext, steps: Callable[[], Iterator[Step]]) -> Step:
    """Run the graph in a worker thread; each agent step becomes a progress notification as it happens. Returns the
    last step: the report, or the review point the run paused at."""
    send, receive = anyio.create_memory_object_stream[Step](max_buffer_size=64)
    failure: list[BaseException] = []

    def produce() -> None:
        try:
            with send:
                for step in steps():
                    anyio.from_thread.run(send.send, step)
        except Exception as exc:  # handed to the caller below, as a tool error or a crash
            failure.append(exc)

    last: Step | None = None
    done = 0
    async with anyio.create_task_group() as group:
        group.start_soon(lambda: anyio.to_thread.run_sync(produce, abandon_on_cancel=True))
        async with receive:
            async for step in receive:
                last = step
                if step.kind == "agent":
                    done += 1
                    await ctx.report_progress(done, None, f"{step.node}: {step.text}"[:500])
    if failure:
        exc = failure[0]
        if isinstance(exc, (InputError, ValueError)):
            raise ToolError(str(exc)) from exc
        if isinstance(exc, LLMUnavailable):
            raise ToolError(f"the LLM is unavailable: {exc}") from exc
        raise exc
    if last is None or last.kind == "agent":
        raise ToolError("the run ended without a report or a review point")
    return last


def _how_to_ask(ctx: RequestContext) -> Literal["approve", "return", "elicit"]:
    """How this client can be asked at a review point (the SDK's own rule for form elicitation)."""
    capabilities = ctx.client_capabilities
    elicitation = capabilities.elicitation if capabilities is not None else None
    if elicitation is None or (elicitation.form is None and elicitation.url is not None):
        return "approve"
    version = ctx.protocol_version
    return "return" if version is not None and is_version_at_least(version, ELICITATION_VERSION) else "elicit"


def _form(message: str) -> ElicitRequestFormParams:
    return ElicitRequestFormParams(message=message, requested_schema=render_elicitation_schema(ReviewAnswer))


def _answer_of(action: str, content: dict[str, Any] | None) -> tuple[dict[str, Any] | None, str]:
    """The graph's answer to a review point from an elicitation's outcome, or None and what is wrong with it."""
    if action != "accept":
        return {"action": "stop", "reason": f"the MCP client's user chose {action} at the review point"}, ""
    try:
        said = ReviewAnswer.model_validate(content or {})
    except ValidationError as exc:
        return None, f"the answer does not fit the form: {exc.errors()[0]['msg']}"
    if said.action == "edit":
        try:
            binding = json.loads(said.text)
        except json.JSONDecodeError as exc:
            return None, f"an edit needs the binding as JSON in 'text'; that text does not parse: {exc}"
        if not isinstance(binding, dict):
            return None, "an edit needs the binding as a JSON object in 'text'"
        return {"action": "edit", "binding": binding}, ""
    if said.action == "answer":
        if not said.text.strip():
            return None, "an answer needs the missing facts in 'text'"
        return {"action": "answer", "text": said.text}, ""
    if said.action == "stop":
        return {"action": "stop", "reason": said.text or "stopped in the MCP client"}, ""
    return {"action": "approve"}, ""


def _review_message(point: str, request: dict[str, Any], thread_id: str, unread: str) -> str:
    lines = [f"lamopt paused at review point '{point.replace('_', ' ')}' (thread {thread_id})."]
    if unread:
        lines.append(f"Your last answer did not read: {unread}.")
    if request.get("question"):
        lines.append(str(request["question"]))
    formulation = request.get("formulation") or {}
    if formulation:
        title, kind, template = formulation.get("title"), formulation.get("problem_class"), formulation.get("template_id")
        lines.append(f"Formulation: {title} ({kind}), template {template}.")
        lines.append("Binding: " + json.dumps(formulation.get("binding", {}), default=str)[:2000])
    if request.get("plan"):
        plan = request["plan"]
        lines.append(f"Plan: solver {plan.get('solver')}, time limit {plan.get('time_limit_s')} s.")
    if request.get("warnings"):
        lines.append("Warnings: " + "; ".join(str(w) for w in request["warnings"]))
    lines.append("Reply approve, stop, edit (text: the corrected binding as JSON) or answer (text: the missing facts in words).")
    return "\n".join(lines)


def _solve_result(thread_id: str, final: Step, reviews: list[Review]) -> CallToolResult:
    """The report for the model to read (Markdown) and, as structured content, the SolveResult for the application."""
    state, report = final.data["state"], final.data["report"]
    markdown = report_markdown(report, state.get("history", []), thread_id)
    result = SolveResult(
        thread_id=thread_id,
        status=report["status"],
        objective=report["objective"],
        summary=report["summary"],
        solution=report["solution"],
        comparisons=report["comparisons"],
        report_markdown=markdown,
        report_uri=f"{URI_PREFIX}/{thread_id}/report",
        figures=[f"{URI_PREFIX}/{thread_id}/figures/{Path(f).name}" for f in report["figures"]],
        warnings=report["warnings"],
        diagnosis=report["diagnosis"],
        reviews=reviews,
    )
    reviewed = "".join(f"\n- review point {r.point}: {r.action} ({r.by})" for r in reviews)
    text = markdown + (f"\n## Review points\n{reviewed}\n" if reviews else "")
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=result.model_dump(mode="json"))


def _start_embedded_llm_here(context: Context) -> None:
    """Start the embedded model's server from the event loop's thread (the main thread): the kernel's parent-death
    signal follows the thread that started a child, so a server started from a worker thread would outlive a killed
    `lamopt mcp`. It starts once (a few seconds); later calls find it running."""
    if context.chat_model is None and context.llm_backend == "embedded" and not context.llm_url:
        EmbeddedServer.shared(context.llm_threads, context.embedded_model)


def _keep_attachments(data: list[Attachment], folder: Path) -> list[str]:
    """Write the attachments next to the thread's outputs: follow-ups read them again."""
    paths = []
    for attachment in data:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / attachment.name
        path.write_text(attachment.content, encoding="utf-8")
        paths.append(str(path))
    return paths


def _tool_run_dir(context: Context) -> tuple[str, Path]:
    run_id = "tool-" + uuid.uuid4().hex[:12]
    return run_id, Path(context.runs_dir) / run_id


def _run_registered(name: str, inputs: BaseModel, context: Context) -> dict[str, Any]:
    """A tool of the registry, used alone (it validates the inputs into its own model); its figures become resources."""
    run_id, out_dir = _tool_run_dir(context)
    try:
        out = TOOLS[name].run(inputs.model_dump(), out_dir)
    except ValidationError as exc:
        raise ToolError(str(exc)) from exc
    return _tool_output(run_id, out, out.get("figures") or [])


def _tool_output(run_id: str, out: dict[str, Any], figures: list[Any]) -> dict[str, Any]:
    shown = {k: v for k, v in out.items() if k != "figures"}
    uris = [f"{URI_PREFIX}/{run_id}/figures/{Path(str(f)).name}" for f in figures]
    return {"run_id": run_id, **to_jsonable_python(shown, fallback=str), "figures": uris}


def _safe_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and all(c.isalnum() or c in "-_." for c in name)


def _version() -> str:
    try:
        return importlib.metadata.version("lamopt")
    except importlib.metadata.PackageNotFoundError:
        return "0"


# --- serving ---------------------------------------------------------------------------------------------------------

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class HttpRefused(RuntimeError):
    """`lamopt mcp --http` cannot start; the message says why."""


def serve(
    make_context: Callable[[], Context],
    *,
    http: bool = False,
    host: str = "127.0.0.1",
    port: int = 8765,
    token: str | None = None,
) -> None:
    """Serve until the client goes away (stdio) or until interrupted (HTTP)."""
    if not http:
        build_server(make_context).run()
        return
    sealed, why = isolation.isolation_status()
    if not sealed:
        raise HttpRefused(
            "the HTTP transport hands lamopt problems written by other programs, so it starts only with the "
            f"operating-system sandbox in place: {why} ({isolation.OVERRIDE_ENV} does not lift this). Use stdio "
            "(lamopt mcp without --http) meanwhile."
        )
    token = token or os.environ.get("LAMOPT_MCP_TOKEN") or secrets.token_urlsafe(24)
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    # On loopback the SDK also checks Host/Origin (DNS rebinding); elsewhere the token is the gate.
    security = None if host in LOOPBACK else TransportSecuritySettings(enable_dns_rebinding_protection=False)
    print(f"lamopt mcp: {url}/mcp; send 'Authorization: Bearer {token}'", file=sys.stderr, flush=True)
    build_server(make_context, token=token, url=url).run("streamable-http", host=host, port=port, transport_security=security)
