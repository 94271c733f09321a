"""Cell-free massive MIMO beamforming, solved by the LAM beamforming tool (no model for the solver portfolio).

The formulation is the scene the tool needs; parameter names match `tools.beamforming.tool.CellFreeInput`,
which the registry validates them into. Nothing of the tool is imported here, so loading the knowledge
base stays free of torch.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

from knowledge_base.template import SpecItem, ToolTemplate
from knowledge_base.templates._beamforming_common import integer_field, tool_rows
from tools.textdata import TextData

Fading = Literal["rayleigh", "rician", "nakagami"]


class CellFreeParams(BaseModel):
    n_aps: int = Field(8, ge=1, json_schema_extra={"unit": "access points"})
    antennas_per_ap: int = Field(2, ge=1, json_schema_extra={"unit": "antennas"})
    n_users: int = Field(4, ge=1, json_schema_extra={"unit": "users"})
    fading: Fading = "rayleigh"
    seed: int = 0


class CellFreeBeamforming(ToolTemplate[CellFreeParams]):
    id = "beamforming_cellfree_lam"
    family = "beamforming"
    problem_class = "beamforming"
    tool = "lam_beamforming_cellfree"
    no_model = "(beamforming) has no model for the solver portfolio"
    method = "LAM beamformer (pretrained transformer backbone + LoRA, CNN head), refined by WMMSE"
    title = "Cell-free massive MIMO downlink beamforming (maximum sum rate, per-AP power limits)"
    description = (
        "Downlink beamforming / precoding in a cell-free massive MIMO network: distributed access points (APs) with "
        "several antennas each serve single-antenna users on the same time-frequency resource. Choose the "
        "beamforming vectors to maximize the sum rate (sum of log2(1+SINR)) subject to a transmit power limit at "
        "every AP. Compared with MRT, zero forcing, regularized ZF and WMMSE."
    )
    math = r"""
\max_{\{w_k\}}\ \textstyle\sum_k \log_2\!\Big(1 + \frac{|h_k^H w_k|^2}{\sum_{j\ne k} |h_k^H w_j|^2 + \sigma^2}\Big)
\quad \text{s.t. } \textstyle\sum_k \|w_{k,l}\|^2 \le P_l\ \ \forall \text{AP } l
"""
    examples = (
        "A cell-free network has 8 access points with 2 antennas each serving 4 users; maximize the downlink sum rate "
        "with a power limit per access point under Rayleigh fading.",
    )
    tags = ("beamforming", "cell-free", "MIMO", "sum rate", "precoding", "WMMSE")
    params_model = CellFreeParams

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        return {
            "title": "cellfree_binding",
            "type": "object",
            "properties": {
                "access_points": integer_field("number of access points (APs)"),
                "antennas_per_access_point": integer_field("antennas at each AP"),
                "users": integer_field("number of users"),
                "fading": {"enum": list(get_args(Fading))},
            },
            "required": ["access_points", "antennas_per_access_point", "users", "fading"],
        }

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        values = {
            "n_aps": binding.get("access_points"),
            "antennas_per_ap": binding.get("antennas_per_access_point"),
            "n_users": binding.get("users"),
        }
        spec += [SpecItem(k, float(v), "stated by the model from the text") for k, v in values.items() if v is not None]
        return values | {"fading": binding.get("fading", "rayleigh")}

    def solution_table(self, params: CellFreeParams, solution: dict[str, Any]) -> list[dict[str, Any]]:
        return tool_rows(solution)

    def formulation_summary(self, params: CellFreeParams) -> dict[str, Any]:
        return {
            "access points": params.n_aps,
            "antennas per AP": params.antennas_per_ap,
            "users": params.n_users,
            "fading": params.fading,
            "method": self.method,
        }


TEMPLATE = CellFreeBeamforming()
