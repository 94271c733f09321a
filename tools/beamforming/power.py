"""Power constraints: per-AP projection (the Euclidean projection onto each AP's ball) and uniform scalings."""

from __future__ import annotations

import torch

from tools.beamforming.metrics import ap_power


def project_per_ap(W: torch.Tensor, antennas_per_ap: int, limits: torch.Tensor) -> torch.Tensor:
    """Scale down the rows of every AP that exceeds its limit; (B, L) limits. Each AP's rows form one ball,
    so this row-block scaling is the exact Euclidean projection onto the feasible set."""
    used = ap_power(W, antennas_per_ap)
    factor = torch.sqrt(limits / used.clamp_min(1e-30)).clamp(max=1.0)
    return W * factor.repeat_interleave(antennas_per_ap, dim=1)[..., None]


def scale_to_per_ap(W: torch.Tensor, antennas_per_ap: int, limits: torch.Tensor) -> torch.Tensor:
    """One common factor so the most loaded AP sits exactly at its limit (keeps ZF nulls intact)."""
    used = ap_power(W, antennas_per_ap)
    factor = torch.sqrt((limits / used.clamp_min(1e-30)).amin(-1))
    return W * factor[:, None, None]


def scale_to_total(W: torch.Tensor, total: float, radar: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Scale beams (and radar beams) together so the total radiated power equals `total`."""
    used = (W.abs() ** 2).sum((-2, -1))
    if radar is not None:
        used = used + (radar.abs() ** 2).sum((-2, -1))
    factor = torch.sqrt(total / used.clamp_min(1e-30))[:, None, None]
    return W * factor, (radar * factor if radar is not None else None)
