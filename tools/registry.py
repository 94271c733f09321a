"""The tool catalogue the Invoker chooses from: what each tool solves and how to call it.

A template names the tool that solves its formulations (`Template.tool`). The Pyomo solver portfolio takes
every algebraic LP/MILP/NLP/MINLP model; the other tools take a pydantic input model (the template's
parameters) and return plain data. Their modules are imported only when a run needs them: torch-heavy
tools must not slow down every start-up.
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
    """Module holding the tool's entry point; empty for the solver portfolio, which the Invoker calls itself."""
    entry: str = "run_tool"
    input_model: str = ""

    def load(self) -> tuple[type[BaseModel], Callable[[BaseModel, Path], dict[str, Any]]]:
        """The tool's input model and entry point: `entry(inputs, out_dir) -> {status, objective, solution, figures,
        summary, time_s}`."""
        module = importlib.import_module(self.module)
        return getattr(module, self.input_model), getattr(module, self.entry)


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
            description="Max-min SINR power control: bisection on the common SINR target, one LP feasibility problem a step.",
            problem_classes=("NLP",),
            module="knowledge_base.templates.power_max_min_sinr",
            input_model="MaxMinSinrParams",
        ),
        ToolSpec(
            name="energy_efficiency_dinkelbach",
            description="Energy efficiency (bits per Joule): Dinkelbach's method, one concave NLP a step, over the portfolio.",
            problem_classes=("NLP",),
            module="knowledge_base.templates.energy_efficiency_dinkelbach",
            input_model="EnergyEfficiencyParams",
        ),
    )
}


def tool_named(name: str) -> ToolSpec | None:
    return TOOLS.get(name)
