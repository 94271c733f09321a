"""Expensive black-box multi-objective problems, solved by the DRIB-MOBO tool (no algebraic model).

The formulation is only what the tool needs: which black box (the robust information bottleneck for
task-oriented semantic communication, or a named test problem) and the evaluation budget. The parameter
names match `tools.diffusion.tool.DiffusionMOBOInput`, which the registry validates them into; this file
imports nothing of the tool, so loading the knowledge base stays free of torch.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

from knowledge_base.template import SpecItem, ToolTemplate
from tools.textdata import TextData

BlackBox = Literal["rib", "zdt1", "zdt2", "zdt3", "dtlz2", "dtlz5", "dtlz7"]
DEFAULTS = {"budget": 60.0, "seed": 0.0, "rib_codewords": 4.0, "rib_snr_db": 3.0, "rib_complexity_budget": 1.5}
PARETO_CUES = re.compile(
    r"pareto|trade[- ]?offs?|trading\b|multi[- ]?objective|black[- ]?box|(?:information|rate)[- ]bottleneck|"
    r"\b(?:two|three|several|multiple|many|conflicting|competing) (?:objectives|goals|criteria)|non-?dominated|"
    r"bayesian optimi[sz]|\b(?:zdt|dtlz)\d",
    re.IGNORECASE,
)
"""What a text asking for this tool speaks of: a front of trade-offs between objectives, or a black box. Without
any, a text asks for one optimum: a production plan's least cost (nl4opt-115 on the 1.5B at eb763ca) retrieved
this template at 0.31 and spent every round filling an SNR and a complexity budget its text never states."""


class MultiObjectiveParams(BaseModel):
    problem: BlackBox = "rib"
    budget: int = Field(default=60, ge=4, le=2000, json_schema_extra={"unit": "evaluations"})
    seed: int = 0
    rib_codewords: int = Field(default=4, ge=2, le=16, json_schema_extra={"unit": "codewords"})
    rib_snr_db: float = Field(default=3.0, json_schema_extra={"unit": "dB"})
    rib_complexity_budget: float = Field(default=1.5, gt=0, json_schema_extra={"unit": "bit"})


class MultiObjectiveBlackBox(ToolTemplate[MultiObjectiveParams]):
    id = "multiobjective_blackbox_drib_mobo"
    family = "multi_objective_blackbox"
    problem_class = "multi-objective"
    tool = "drib_mobo"
    no_model = "(a black box) has no algebraic model"
    method = "DRIB-MOBO: diffusion-model-guided multi-objective Bayesian optimisation (Pareto front, no exact solver)"
    title = "Expensive multi-objective black-box optimisation (Pareto front by DRIB-MOBO)"
    description = (
        "Trade off two or three conflicting objectives of an expensive black-box system with no algebraic model, "
        "e.g. the robust information bottleneck for task-oriented semantic communication: maximize utility "
        "information I(Y;Z) while minimizing communication rate I(Z;Z) under an information-complexity budget "
        "I(X;Z) <= D over a digital modulation channel with a codebook of K codewords at a given SNR. Find the "
        "Pareto front within a budget of function evaluations (Bayesian optimization, diffusion model)."
    )
    math = r"""
\min_{x \in [l,u]^d}\ \big(f_1(x), \dots, f_m(x)\big) \quad\text{(black box, expensive; result: the Pareto set)}
\\ \text{RIB: } f_1 = -I(Y;\hat Z),\ f_2 = I(Z;\hat Z)\ \text{ s.t. } I(X;Z) \le D,
\ p(\hat z|z) \text{ the channel's confusion matrix}
"""
    examples = (
        "Find the Pareto front of the robust information bottleneck with a codebook of 8 codewords over a 16-PSK "
        "channel at 5 dB SNR, complexity budget 2 bits, using 100 evaluations.",
        "Multi-objective black-box optimization of a semantic communication system: trade utility against rate.",
    )
    tags = ("multi-objective", "black-box", "pareto", "information bottleneck", "semantic communication")
    params_model = MultiObjectiveParams
    speaks_of = PARETO_CUES

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        return {
            "title": "multiobjective_binding",
            "type": "object",
            "properties": {
                "problem": {"enum": list(get_args(BlackBox)), "description": "rib for the information bottleneck"},
                "evaluation_budget": {"type": "integer", "description": "function evaluations the text allows; 60 if none"},
                "codewords": {"type": "integer", "description": "codebook size K; 4 if none"},
                "snr_db": {"type": "number", "description": "channel SNR in dB; 3 if none"},
                "complexity_budget_bits": {"type": "number", "description": "budget D on I(X;Z) in bits; 1.5 if none"},
            },
            "required": ["problem", "evaluation_budget", "codewords", "snr_db", "complexity_budget_bits"],
        }

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        values = {
            "budget": binding.get("evaluation_budget", DEFAULTS["budget"]),
            "rib_codewords": binding.get("codewords", DEFAULTS["rib_codewords"]),
            "rib_snr_db": binding.get("snr_db", DEFAULTS["rib_snr_db"]),
            "rib_complexity_budget": binding.get("complexity_budget_bits", DEFAULTS["rib_complexity_budget"]),
        }
        stated = [(name, value) for name, value in values.items() if value is not None]
        spec += [SpecItem(name, float(value), "stated by the model from the text", DEFAULTS[name]) for name, value in stated]
        return {"problem": binding.get("problem", "rib"), **values}

    def solution_table(self, params: MultiObjectiveParams, solution: dict[str, Any]) -> list[dict[str, Any]]:
        names = solution.get("objective_names", [])
        return [dict(zip(names, point, strict=False)) for point in solution.get("pareto_front", [])]

    def formulation_summary(self, params: MultiObjectiveParams) -> dict[str, Any]:
        return {"black box": params.problem, "evaluation budget": params.budget, "method": self.method}


TEMPLATE = MultiObjectiveBlackBox()
