"""Several candidate formulations, one answer: the objective value that most verified candidates agree on.

With LAMOPT_SAMPLES=k the agents run k times on one problem, each run sampling its formulation at a temperature
above zero; every candidate is checked and solved by the whole graph. Agreement between independently sampled,
independently verified formulations is the confidence a user sees (ARCHITECTURE.md, "Fidelity"):

- the answer is the value of the largest group of verified candidates whose objectives agree (relative 1e-6);
- a narrow majority (a lead of one candidate, or less than half of all candidates) is low confidence;
- a tie between the largest groups is no verified answer, unless a single candidate passed every check at all.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TypeVar

from agents.context import Context
from agents.state import Report

AGREE_REL = 1e-6
T = TypeVar("T")


@dataclass(frozen=True)
class Vote:
    candidates: int
    groups: list[tuple[float, list[int]]] = field(default_factory=list)
    """Each distinct verified objective with the candidates (by index) that reached it, the largest group first."""

    @property
    def verified(self) -> int:
        return sum(len(members) for _, members in self.groups)

    @property
    def tie(self) -> bool:
        return len(self.groups) > 1 and len(self.groups[0][1]) == len(self.groups[1][1])

    @property
    def answer(self) -> float | None:
        """The agreed value; None when no candidate is verified or the largest groups tie (one lone candidate excepted)."""
        if not self.groups or (self.tie and self.verified > 1):
            return None
        return self.groups[0][0]

    @property
    def winners(self) -> list[int]:
        return list(self.groups[0][1]) if self.answer is not None else []

    @property
    def low_confidence(self) -> bool:
        """A narrow majority: the agreeing candidates lead the next group by one (or stand alone), or are fewer
        than half of all candidates."""
        if self.answer is None:
            return False
        agreeing = len(self.groups[0][1])
        runner_up = len(self.groups[1][1]) if len(self.groups) > 1 else 0
        return agreeing - runner_up <= 1 or agreeing * 2 < self.candidates

    def describe(self) -> str:
        """'4 of 5 candidates: 181; 1: 198', then what that means."""
        if not self.groups:
            return f"0 of {self.candidates} candidates verified"
        first, *rest = self.groups
        parts = [f"{len(first[1])} of {self.candidates} candidates: {first[0]:g}"]
        parts += [f"{len(members)}: {value:g}" for value, members in rest]
        unverified = self.candidates - self.verified
        if unverified:
            parts.append(f"{unverified} not verified")
        said = "; ".join(parts)
        if self.answer is None:
            return said + " (a tie: no verified answer)"
        return said + (" (low confidence)" if self.low_confidence else "")


def vote(objectives: list[float | None], rel: float = AGREE_REL) -> Vote:
    """Group the verified candidates' objectives (None: not verified) by agreement within `rel`."""
    groups: list[tuple[float, list[int]]] = []
    for index, value in enumerate(objectives):
        if value is None:
            continue
        for position, (anchor, members) in enumerate(groups):
            if abs(value - anchor) <= rel * max(1.0, abs(anchor)):
                groups[position] = (anchor, [*members, index])
                break
        else:
            groups.append((value, [index]))
    groups.sort(key=lambda group: (-len(group[1]), group[1][0]))
    return Vote(candidates=len(objectives), groups=groups)


def voted(reports: list[Report]) -> tuple[Report, Vote]:
    """One report from the candidates' reports: the first agreeing candidate's, with the vote in it; when no value
    wins, the first candidate's report with no verified answer and the vote as the reason."""
    values = [answer_value(r) if r["status"] in ("optimal", "feasible") else None for r in reports]
    result = vote(values)
    said = result.describe()
    if result.answer is None:
        base = reports[0]
        final = Report(**{**base, "status": "no_agreement", "objective": None, "solution": [], "comparisons": [],
                          "figures": [], "answer": None, "diagnosis": f"the candidate formulations disagree: {said}",
                          "summary": "No verified answer: the candidate formulations disagree."})  # fmt: skip
    else:
        winner = reports[result.winners[0]]
        note = " (low confidence: a narrow majority)" if result.low_confidence else ""
        final = Report(**{**winner, "summary": f"{winner['summary']} Vote: {said}.{note}"})
    final["vote"] = said
    final["low_confidence"] = result.low_confidence
    return final, result


def answer_value(report: Report) -> float | None:
    """The verified answer in the unit the question asks for (the objective itself when no conversion applies)."""
    answer = report.get("answer")
    return answer["value"] if answer else report.get("objective")


def run_candidates(context: Context, run_one: Callable[[Context], T]) -> list[T]:
    """Run the agents `context.samples` times, each sampling at `sample_temperature` with a seed of its own.

    On the embedded model the candidates run one after the other (its llama.cpp server answers one request at a
    time, and each candidate's time budget should be its own); on a served model (vLLM, any OpenAI-compatible URL)
    they run together, so the server batches their requests (the run's LLM gate still caps them)."""
    contexts = [
        replace(context, samples=1, llm_temperature=context.sample_temperature, llm_seed=index + 1)
        for index in range(max(1, context.samples))
    ]
    if context.llm_backend == "embedded" and not context.llm_url:
        return [run_one(c) for c in contexts]
    with ThreadPoolExecutor(max_workers=len(contexts)) as pool:
        return list(pool.map(run_one, contexts))
