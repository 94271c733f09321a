"""The typed state that flows through the graph. Each agent writes only its own fields.

Everything here is plain JSON data (TypedDicts, lists, numbers, strings) so the SQLite checkpointer can
store it and a resumed or reopened run sees exactly what the agents saw. `history` and `tokens` have
reducers that accumulate; every other field is overwritten by the agent that owns it.
"""

from __future__ import annotations

import hashlib
import json
import operator
import time
from typing import Annotated, Any, Literal, NotRequired, TypedDict

AgentName = Literal["retriever", "modeler", "verifier", "optimizer", "invoker", "report"]
RunStatus = Literal[
    "optimal",
    "feasible",
    "infeasible",
    "unbounded",
    "time_limit",
    "error",
    "no_model",
    "cap_reached",
    "stopped",
    "out_of_time",
    "no_agreement",
]
FindingKind = Literal["binding", "asked_quantity", "uncovered_clause", "repeated"]
"""Why a formulation was rejected, as the Optimizer and the Modeler act on it: a slip in filling the template
(`binding`: try again with the reason), a template that cannot express what the question asks or requires
(`asked_quantity`, `uncovered_clause`: drop the template), or the same formulation given again (`repeated`)."""


class Turn(TypedDict):
    """Something the user said after stating the problem."""

    kind: Literal["follow_up", "answer"]
    """A follow-up on an answer (lamopt.api.follow_up), or an answer to a review point's question (agents/review.py)."""
    text: str


class Problem(TypedDict):
    text: str
    """The problem as the user first stated it."""
    turns: NotRequired[list[Turn]]
    """What the user said since, in order; their numbers count as stated too (problem_text joins them in)."""
    data_files: list[str]
    data_numbers: list[float]
    """Every number in the attached data files: they count as stated in the problem."""
    data_text: str
    """The attached data rendered as text (tables as markdown) for the Modeler's prompt and parser."""


class RetrievedTemplate(TypedDict):
    template_id: str
    family: str
    score: float


class SpecEntry(TypedDict):
    name: str
    value: float
    source: str
    default: float | None
    table: NotRequired[str | None]
    row: NotRequired[str | None]
    """The table and row of the cell it was read from (absent or None: stated otherwise)."""
    unit: NotRequired[str | None]
    """The unit the text states it in (absent or None: not known)."""


class Formulation(TypedDict):
    revision: int
    template_id: str
    problem_class: str
    title: str
    math: str
    binding: dict[str, Any]
    """What the LLM filled in (the template's binding schema)."""
    params: dict[str, Any] | None
    """The assembled, validated parameters; None when assembly failed."""
    assembly_error: str | None
    """Why no usable model came out: a template that could not be filled, or generated code that does not build."""
    summary: dict[str, Any]
    code: NotRequired[str]
    """For a generated formulation (template_id "generated"): the Pyomo source, run only in the sandbox."""


class Finding(TypedDict):
    kind: FindingKind
    message: str


class Verdict(TypedDict):
    phase: Literal["formulation", "solution"]
    revision: int
    ok: bool
    errors: list[str]
    warnings: list[str]
    findings: NotRequired[list[Finding]]
    """The errors by kind (a formulation phase's), so the next step knows whether to retry or move on."""


class Dropped(TypedDict):
    """A template the run no longer tries: it cannot express what the question asks, and why."""

    template_id: str
    reason: str


class Rejected(TypedDict):
    """A formulation the Verifier rejected, by a fingerprint of what the Modeler wrote, so it is never tried again."""

    template_id: str
    fingerprint: str
    kinds: list[FindingKind]
    reason: str


def fingerprint(template_id: str, written: dict[str, Any], code: str = "") -> str:
    """What the Modeler wrote (a template's binding, or elements and any code), as a short hash."""
    text = json.dumps([template_id, written, code], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def written_mark(formulation: Formulation) -> str:
    """The fingerprint of a formulation: how `Rejected` remembers it."""
    return fingerprint(formulation["template_id"], formulation["binding"], formulation.get("code", ""))


class ClauseCheck(TypedDict):
    """One requirement clause of the text and what models it, for the report."""

    clause: str
    status: Literal["covered", "not a requirement", "uncovered", "unclear"]
    by: str
    reason: str


class Plan(TypedDict):
    solver: str
    time_limit_s: float
    skip: list[str]


class Result(TypedDict):
    revision: int
    tool: str
    """The tools/registry.py entry that produced this result."""
    status: str
    solver: str
    objective: float | None
    bound: float | None
    gap: float | None
    time_s: float
    solution: dict[str, Any]
    """Variable values by Pyomo name for the solver portfolio; a tool's own JSON data otherwise."""
    log_excerpt: str
    attempts: list[str]
    table: list[dict[str, Any]]
    conflicts: list[str]
    """For an infeasible model: which constraints conflict, in words (elastic relaxation)."""
    comparisons: list[dict[str, Any]]
    """The answer beside baselines, where the template computes them."""
    figures: list[str]
    """PNG files showing the answer."""
    checks: dict[str, bool]
    """A non-algebraic tool's own feasibility checks (e.g. every AP within its power limit)."""


class Decision(TypedDict):
    agent: AgentName
    decision: str
    reason: str
    at: NotRequired[float]
    """When the agent decided (time.time()): the time between two entries is what a step took."""


class Answer(TypedDict):
    value: float
    unit: str


class Report(TypedDict):
    status: RunStatus
    objective: float | None
    solver: str | None
    iterations: int
    template_id: str | None
    formulation: dict[str, Any]
    solution: list[dict[str, Any]]
    comparisons: list[dict[str, Any]]
    figures: list[str]
    warnings: list[str]
    diagnosis: str
    summary: str
    asked: NotRequired[str]
    """The quantity the question asks for, as code read it ('' when it found none)."""
    answer: NotRequired[Answer | None]
    """The verified objective in the unit the question asks for (the objective itself when no conversion applies)."""
    coverage: NotRequired[list[ClauseCheck]]
    dropped: NotRequired[list[Dropped]]
    vote: NotRequired[str]
    """With several candidate formulations: how they voted ('4 of 5 candidates: 181; 1: 198')."""
    low_confidence: NotRequired[bool]


class State(TypedDict, total=False):
    problem: Problem
    retrieved: list[RetrievedTemplate]
    spec: list[SpecEntry]
    formulation: Formulation | None
    verdict: Verdict | None
    plan: Plan | None
    result: Result | None
    diagnosis: str
    feedback: str
    """Why the last formulation was rejected, for the Modeler's next attempt ('' when none)."""
    refill: list[str]
    """Optional binding fields the Verifier found may express a clause the last binding left out: the Modeler asks
    for these alone, a request a small model can answer ([] when none)."""
    human_binding: dict[str, Any] | None
    """A binding a human expert typed at a review point; the Modeler uses it instead of asking the LLM."""
    diagnosed_binding: dict[str, Any] | None
    """The binding whose model was last found infeasible, to tell a modeling slip from a contradictory text."""
    follow_up: str | None
    """The user's follow-up while its round runs (set by start_round; the Modeler's next formulation clears it)."""
    ignored_follow_up: str | None
    """A follow-up that left every parameter as it was: the template cannot express it; the report says so."""
    outcome: RunStatus | None
    """Set by the agent that ends a run early (no template fits, cap reached, stopped by the human)."""
    iteration: int
    dropped: list[Dropped]
    """Templates this run no longer tries (the Modeler moves on to the next one or writes the model itself)."""
    rejected: list[Rejected]
    """Every formulation rejected so far, so that none is tried twice for the same reason."""
    coverage: list[ClauseCheck]
    """The requirement clauses of the text and what models each, as the last formulation check found them."""
    started_at: float
    """When this round began (time.time()), for the run's time budget (Context.run_budget_s)."""
    prompts: dict[str, str]
    """Name → hash of every prompt this run used."""
    history: Annotated[list[Decision], operator.add]
    tokens: Annotated[int, operator.add]
    report: Report


def decision(agent: AgentName, what: str, reason: str) -> list[Decision]:
    """One history entry, as the list the `history` reducer appends."""
    return [Decision(agent=agent, decision=what, reason=reason, at=round(time.time(), 2))]


TURN_MARKERS: dict[str, str] = {
    "follow_up": "\n\nFollow-up from the user: ",
    "answer": "\n\nAnswer from the human expert: ",
}
"""How each later turn joins the problem as the agents (and the LLM) read it."""


def problem_text(state: State, *, with_data: bool = True) -> str:
    """The problem as every agent reads it: the statement, each later turn, then the attached data.

    `with_data` False gives only what the user wrote (the words a check of the text's wording reads)."""
    problem = state["problem"]
    said = problem["text"] + "".join(TURN_MARKERS[t["kind"]] + t["text"] for t in problem.get("turns", []))
    if with_data and problem["data_text"]:
        return said + "\n\nAttached data:\n" + problem["data_text"]
    return said


def with_turn(problem: Problem, kind: Literal["follow_up", "answer"], text: str) -> Problem:
    """The problem with one more thing the user said."""
    return Problem(**{**problem, "turns": [*problem.get("turns", []), Turn(kind=kind, text=text)]})


def start_round(follow_up: str | None = None) -> dict[str, Any]:
    """The state update that starts a round: the last answer and its verdicts no longer apply.

    The Modeler starts one with every formulation it writes (from a template or free-form). A follow-up
    (`follow_up`, the user's words) starts a new question in the same thread: it also forgets how the last
    round ended (outcome, plan, diagnosis) and asks the Modeler to revise the formulation to answer it."""
    fresh: dict[str, Any] = {
        "result": None,
        "verdict": None,
        "human_binding": None,
        "feedback": "",
        "refill": [],
        "follow_up": None,
    }
    if follow_up is None:
        return fresh
    return fresh | {
        "started_at": time.time(),
        "dropped": [],
        "rejected": [],
        "feedback": f"the user asked a follow-up; revise the formulation to answer it: {follow_up}",
        "follow_up": follow_up,
        "outcome": None,
        "plan": None,
        "diagnosis": "",
        "diagnosed_binding": None,
        "ignored_follow_up": None,
    }
