"""The tool catalogue the Invoker chooses from: what each tool solves and how to call it.

A template names the tool that solves its formulations (`Template.tool`). The Pyomo solver portfolio takes
every algebraic LP/MILP/NLP/MINLP model; the other tools take what the template's `tool_input` gives (its
parameters, validated into the tool's input model, or a method's problem object) and return plain data. Every
entry points at a module under tools/: tools never import a template. Their modules are imported only when a
run needs them: torch-heavy tools must not slow down every start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

PYOMO_PORTFOLIO = "pyomo_portfolio"


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    problem_classes: tuple[str, ...]
    """Formulation classes the tool takes (as templates declare them)."""
    module: str = ""
    """Module (under tools/) holding the tool's entry point; empty for the solver portfolio, which the Invoker calls itself."""
    entry: str = "run_tool"
    input_model: str = ""
    """The pydantic model the tool's input is validated into; empty for a method tool, which takes the template's
    problem object (tools.solvers.methods.BisectionProblem, DinkelbachProblem) as it is."""

    def run(self, tool_input: Any, out_dir: Path) -> dict[str, Any]:
        """Call the tool: `entry(inputs, out_dir) -> {status, objective, solution, figures, summary, time_s, checks}`.
        Its module is imported only now, so torch-heavy tools cost nothing until a run needs them."""
        module = importlib.import_module(self.module)
        entry: Callable[[Any, Path], dict[str, Any]] = getattr(module, self.entry)
        if self.input_model:
            input_model: type[BaseModel] = getattr(module, self.input_model)
            tool_input = input_model.model_validate(tool_input)
        return entry(tool_input, out_dir)


TOOLS: dict[str, ToolSpec] = {
    spec.name: spec
    for spec in (
        ToolSpec(
            name=PYOMO_PORTFOLIO,
            description="Builds the template's Pyomo model and solves it with CPLEX CE, HiGHS or SCIP, falling back as needed.",
            problem_classes=("LP", "MILP", "NLP", "MINLP"),
        ),
        ToolSpec(
            name="drib_mobo",
            description="DRIB-MOBO: diffusion-model-guided multi-objective Bayesian optimisation of expensive black boxes.",
            problem_classes=("multi-objective",),
            module="tools.diffusion.tool",
            input_model="DiffusionMOBOInput",
        ),
        ToolSpec(
            name="lam_beamforming_cellfree",
            description="LAM beamformer for cell-free massive MIMO sum rate under per-AP power limits, refined by WMMSE.",
            problem_classes=("beamforming",),
            module="tools.beamforming.tool",
            entry="run_cellfree_tool",
            input_model="CellFreeInput",
        ),
        ToolSpec(
            name="lam_beamforming_isac",
            description="LAM beamformer for ISAC: radar beampattern matching under per-user SINR targets, SDR fallback.",
            problem_classes=("beamforming",),
            module="tools.beamforming.tool",
            entry="run_isac_tool",
            input_model="IsacInput",
        ),
        ToolSpec(
            name="max_min_sinr_bisection",
            description="Max-min SINR (or rate) power control: bisection on the common target, an LP feasibility problem a step.",
            problem_classes=("NLP",),
            module="tools.solvers.methods",
            entry="run_bisection",
        ),
        ToolSpec(
            name="energy_efficiency_dinkelbach",
            description="Energy efficiency (bits per Joule): Dinkelbach's method, one concave NLP a step, over the portfolio.",
            problem_classes=("NLP",),
            module="tools.solvers.methods",
            entry="run_dinkelbach",
        ),
    )
}


def tool_named(name: str) -> ToolSpec | None:
    return TOOLS.get(name)
