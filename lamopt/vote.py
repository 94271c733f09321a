"""Several candidate formulations, one answer: the objective value that most verified candidates agree on.

With LAMOPT_SAMPLES=k the agents run k times on one problem, each run sampling its formulation at a temperature
above zero; every candidate is checked and solved by the whole graph. Agreement between independently sampled,
independently verified formulations is the confidence a user sees (ARCHITECTURE.md, "Fidelity"):

- the answer is the value of the largest group of verified candidates whose objectives agree (relative 1e-6);
- a narrow majority (less than two thirds of the verified candidates, or less than half of all) is low confidence;
- a tie between the largest groups is no verified answer, unless a single candidate passed every check at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AGREE_REL = 1e-6


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
        if self.answer is None:
            return False
        agreeing = len(self.groups[0][1])
        return agreeing * 3 < 2 * self.verified or agreeing * 2 < self.candidates

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
