"""Human expert review points: pause the graph with interrupt() and route on the person's answer.

The answer is {"action": "approve"}; {"action": "edit", "binding": {...}} (the Modeler rebuilds the
formulation from the person's binding, no LLM call); {"action": "answer", "text": "..."} (the person's
words join the problem as a turn, so their numbers count as stated, and the Modeler fills the template again);
or {"action": "stop", "reason": "..."}.
"""

from __future__ import annotations

from typing import Any

from langgraph.types import Command, interrupt

from agents.context import ReviewPoint
from agents.state import AgentName, Problem, decision, with_turn


def ask_expert(point: ReviewPoint, agent: AgentName, shown: dict[str, Any], problem: Problem) -> Command[Any] | None:
    """Pause for the expert; None means approved (carry on), otherwise where the run goes instead."""
    answer = interrupt({"review": point, **shown})
    action = answer.get("action", "approve") if isinstance(answer, dict) else str(answer)
    where = point.replace("_", " ")
    if action == "approve":
        return None
    if action == "edit" and isinstance(answer, dict) and isinstance(answer.get("binding"), dict):
        return Command(
            goto="modeler",
            update={
                "human_binding": answer["binding"],
                "history": decision(agent, f"human edited the formulation {where}", "binding replaced"),
            },
        )
    if action == "answer" and isinstance(answer, dict) and str(answer.get("text", "")).strip():
        said = str(answer["text"]).strip()
        return Command(
            goto="modeler",
            update={
                "problem": with_turn(problem, "answer", said),
                "feedback": f"the human expert answered ({where}): {said}",
                "history": decision(agent, f"human answered {where}", said),
            },
        )
    reason = answer.get("reason", "") if isinstance(answer, dict) else ""
    return Command(
        goto="report",
        update={"outcome": "stopped", "history": decision(agent, f"human stopped the run {where}", reason or str(answer))},
    )
