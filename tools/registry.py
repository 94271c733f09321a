"""The tool catalogue the Invoker chooses from: what each tool solves and how to call it.

The Pyomo solver portfolio takes every LP/MILP/NLP/MINLP formulation; learned and black-box tools
(DRIB-MOBO, LAM beamforming, the LEO simulator) add their entries here as they land.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    problem_classes: tuple[str, ...]
    """Formulation classes the tool takes (as templates declare them)."""


PYOMO_PORTFOLIO = ToolSpec(
    name="pyomo_portfolio",
    description="Builds the template's Pyomo model and solves it with CPLEX CE, HiGHS or SCIP, falling back as needed.",
    problem_classes=("LP", "MILP", "NLP", "MINLP"),
)

TOOLS: tuple[ToolSpec, ...] = (PYOMO_PORTFOLIO,)


def tool_for(problem_class: str) -> ToolSpec | None:
    for tool in TOOLS:
        if problem_class in tool.problem_classes:
            return tool
    return None
