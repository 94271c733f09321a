"""ISAC transmit beamforming, solved by the LAM beamforming tool (no model for the solver portfolio).

The formulation is the scene the tool needs; parameter names match `tools.beamforming.tool.IsacInput`,
which the registry validates them into. Nothing of the tool is imported here, so loading the knowledge
base stays free of torch.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from knowledge_base.template import SpecItem, ToolTemplate
from knowledge_base.templates._beamforming_common import integer_field, tool_rows
from tools.textdata import TextData


class IsacParams(BaseModel):
    n_antennas: int = Field(8, ge=2, json_schema_extra={"unit": "antennas"})
    n_users: int = Field(2, ge=1, json_schema_extra={"unit": "users"})
    sinr_db: float = Field(10.0, json_schema_extra={"unit": "dB"})
    target_angles_deg: list[float] = Field(default_factory=lambda: [-40.0, 0.0, 40.0], json_schema_extra={"unit": "deg"})
    snr_db: float = Field(20.0, json_schema_extra={"unit": "dB"})
    seed: int = 0


class IsacBeamforming(ToolTemplate[IsacParams]):
    id = "beamforming_isac_lam"
    family = "beamforming"
    problem_class = "beamforming"
    tool = "lam_beamforming_isac"
    no_model = "(ISAC beamforming) has no model for the solver portfolio"
    method = (
        "LAM beamformer (pretrained backbone + LoRA, heterogeneous GNN head with mixture of experts, SINR power control), "
        "refined by beampattern gradient steps, SDR fallback"
    )
    title = "ISAC transmit beamforming (radar beampattern matching under per-user SINR)"
    description = (
        "Integrated sensing and communication (ISAC) / dual-function radar-communication transmit beamforming at a "
        "base station with a uniform linear array: match a desired radar beampattern towards targets at given "
        "angles while every communication user gets at least a minimum SINR, under a total power budget. "
        "Compared with semidefinite relaxation (SDR)."
    )
    math = r"""
\min_{W, R}\ \textstyle\sum_\theta \big(a(\theta)^H R\, a(\theta) - d(\theta)\big)^2
\quad \text{s.t. } \mathrm{SINR}_k(W) \ge \Gamma\ \forall k,\ \ \mathrm{tr}(R) = P,\ R \succeq W W^H
"""
    examples = (
        "An ISAC base station with 8 antennas serves 2 users that each need an SINR of at least 10 dB while pointing "
        "its radar beams at targets at -40, 0 and 40 degrees.",
    )
    tags = ("beamforming", "ISAC", "radar", "beampattern", "SINR", "SDR")
    params_model = IsacParams

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        return {
            "title": "isac_binding",
            "type": "object",
            "properties": {
                "antennas": integer_field("antennas of the base station's array"),
                "users": integer_field("number of communication users"),
                "min_sinr_db": {"type": "number", "description": "the SINR every user needs, in dB"},
                "target_angles_deg": {"type": "array", "items": {"type": "number"}, "description": "radar target angles"},
            },
            "required": ["antennas", "users", "min_sinr_db", "target_angles_deg"],
        }

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        return {
            "n_antennas": binding.get("antennas"),
            "n_users": binding.get("users"),
            "sinr_db": binding.get("min_sinr_db"),
            "target_angles_deg": [float(a) for a in binding.get("target_angles_deg", [])] or [-40.0, 0.0, 40.0],
        }

    def assemble(self, binding: dict[str, Any], data: TextData) -> tuple[IsacParams, list[SpecItem]]:
        """The numbers are recorded as validated (an integer count as an integer); angles only where the text gave them."""
        params, spec = super().assemble(binding, data)
        spec += [
            SpecItem("n_antennas", params.n_antennas, "stated by the model from the text"),
            SpecItem("n_users", params.n_users, "stated by the model from the text"),
            SpecItem("sinr_db", params.sinr_db, "stated by the model from the text"),
        ]
        angles = binding.get("target_angles_deg", [])
        spec += [SpecItem(f"target_angle[{i}]", float(a), "stated by the model from the text") for i, a in enumerate(angles)]
        return params, spec

    def solution_table(self, params: IsacParams, solution: dict[str, Any]) -> list[dict[str, Any]]:
        return tool_rows(solution)

    def formulation_summary(self, params: IsacParams) -> dict[str, Any]:
        return {
            "antennas": params.n_antennas,
            "users": params.n_users,
            "SINR target (dB)": params.sinr_db,
            "radar targets (deg)": params.target_angles_deg,
            "method": self.method,
        }


TEMPLATE = IsacBeamforming()
