"""The run's time budget: a round that cannot finish its modelling within Context.run_budget_s ends honestly.

The clock starts when the round starts (the Retriever of a new run, or a follow-up's start_round) and is read at
the points where a run would go round again: before the Modeler asks the LLM, and where the Verifier or the
Optimizer would loop. Within a step, no LLM request (nor a retry) starts after the budget (`deadline`, in the
step's `Spent`), and a request running when it ends is cut there (backbone.BudgetedChatOpenAI: its timeout is what is
left): a step of many requests, such as the free-form Modeler's, ends there too. Past the budget the
run goes to the report with "no verified answer: out of time" and what it had tried, instead of running on.
"""

from __future__ import annotations

import time
from typing import Any

from agents.context import Context
from agents.state import AgentName, State, decision


def over_budget(state: State, context: Context) -> bool:
    started = state.get("started_at")
    return started is not None and context.run_budget_s > 0 and time.time() - started > context.run_budget_s


def deadline(state: State, context: Context) -> float | None:
    """The budget as a wall-clock time (None: no budget), for the LLM requests of a step: none starts after it."""
    started = state.get("started_at")
    return started + context.run_budget_s if started is not None and context.run_budget_s > 0 else None


def tried(state: State) -> str:
    """What the run had tried, in a line: the formulations rejected and the templates dropped."""
    parts = [f"{r['template_id']} ({r['reason'][:160]})" for r in state.get("rejected", [])]
    dropped = [d["template_id"] for d in state.get("dropped", [])]
    said = f"rejected: {'; '.join(parts)}" if parts else "no formulation was rejected"
    return said + (f"; templates dropped: {', '.join(dropped)}" if dropped else "")


def out_of_time(state: State, context: Context, agent: AgentName, update: dict[str, Any] | None = None) -> dict[str, Any]:
    """The update that ends the run (the caller routes it to the report): no verified answer within the budget, and
    what was tried."""
    spent = time.time() - state.get("started_at", time.time())
    merged = dict(update or {})
    now: State = {**state, **{k: v for k, v in merged.items() if k in ("rejected", "dropped")}}  # type: ignore[typeddict-item]
    reason = f"no verified answer within the run's time budget ({spent:.0f} s of {context.run_budget_s:g} s); {tried(now)}"
    history = merged.pop("history", [])
    return merged | {
        "outcome": "out_of_time",
        "diagnosis": reason,
        "history": history + decision(agent, "stop: out of time", reason),
    }
