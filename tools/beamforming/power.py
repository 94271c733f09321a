"""Power constraints: per-AP projection (the Euclidean projection onto each AP's ball) and uniform scalings."""

from __future__ import annotations

import torch

from tools.beamforming.metrics import ap_power


def project_per_ap(W: torch.Tensor, antennas_per_ap: int, limits: torch.Tensor) -> torch.Tensor:
    """Scale down the rows of every AP that exceeds its limit; (B, L) limits. Each AP's rows form one ball,
    so this row-block scaling is the exact Euclidean projection onto the feasible set."""
    used = ap_power(W, antennas_per_ap)
    # Divide only where an AP is over its limit: a silent (padded) AP would otherwise give limit / ~0, whose
    # infinite derivative turns the zero gradient of the clamp into NaN during training.
    over = used > limits
    factor = torch.where(over, torch.sqrt(limits / torch.where(over, used, limits)), torch.ones_like(used))
    return W * factor.repeat_interleave(antennas_per_ap, dim=1)[..., None]


def scale_to_per_ap(W: torch.Tensor, antennas_per_ap: int, limits: torch.Tensor) -> torch.Tensor:
    """One common factor so the most loaded AP sits exactly at its limit (keeps ZF nulls intact)."""
    used = ap_power(W, antennas_per_ap)
    active = used > 0
    # Silent APs (zero beams, e.g. padding) impose nothing; dividing by their zero power would give NaN gradients.
    ratio = torch.where(active, limits / torch.where(active, used, torch.ones_like(used)), torch.full_like(used, torch.inf))
    factor = torch.sqrt(ratio.amin(-1).clamp(max=1e30))  # all-zero beams stay zero instead of 0 * inf
    return W * factor[:, None, None]


def scale_to_total(W: torch.Tensor, total: float, radar: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Scale beams (and radar beams) together so the total radiated power equals `total`."""
    used = (W.abs() ** 2).sum((-2, -1))
    if radar is not None:
        used = used + (radar.abs() ** 2).sum((-2, -1))
    factor = torch.sqrt(total / used.clamp_min(1e-30))[:, None, None]
    return W * factor, (radar * factor if radar is not None else None)
