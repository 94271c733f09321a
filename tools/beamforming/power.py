"""Power constraints: per-AP projection (the Euclidean projection onto each AP's ball) and uniform scalings."""

from __future__ import annotations

import torch

from tools.beamforming.metrics import abs2, ap_power, sinr


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
    used = abs2(W).sum((-2, -1))
    if radar is not None:
        used = used + abs2(radar).sum((-2, -1))
    factor = torch.sqrt(total / used.clamp_min(1e-30))[:, None, None]
    return W * factor, (radar * factor if radar is not None else None)


def meet_sinr(
    H: torch.Tensor,
    W: torch.Tensor,
    radar: torch.Tensor,
    sinr_target: torch.Tensor,
    total: float,
    margin_db: float = 0.005,
    keep_higher: bool = True,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Keep every beam's direction, and give each user exactly the power that lifts it to its SINR target (or
    keeps the SINR it has, if higher); the radar streams get the rest of the budget `total`. Differentiable.

    With unit directions d_k, user powers p and a radar scale s (s = 1: the radar beams as given), SINR_k = t_k
    for every k is the linear system (diag(g_k / t_k) - G_off) p = s c + 1, with g_k = |h_k d_k|^2, G_off the
    cross gains |h_k d_j|^2 and c_k the radar power user k hears; so p = a + s b, and the budget fixes
    s = (total - Σa) / (Σb + |radar|^2). A point that already meets every target maps to itself (rescaled to
    `total`). Where no s ≥ 0 with p > 0 exists, these directions cannot meet the targets within the budget: those
    scenes come back only rescaled to `total`, and the returned mask (B,) is False for them.
    """
    target = sinr_target * 10.0 ** (margin_db / 10.0)
    if keep_higher:
        target = torch.maximum(sinr(H, W, radar), target)
    power = abs2(W).sum(-2)  # (B, K)
    directions = W / power.sqrt().clamp_min(1e-30)[:, None, :]
    gains = abs2(H @ directions)  # (B, K, K): user k, direction j
    own = torch.diagonal(gains, dim1=-2, dim2=-1)
    system = torch.diag_embed(own / target) - (gains - torch.diag_embed(own))
    heard = abs2(H @ radar).sum(-1)  # (B, K)
    solved, info = torch.linalg.solve_ex(system, torch.stack([torch.ones_like(heard), heard], -1))  # (B, K, 2)
    a, b = solved[..., 0], solved[..., 1]
    radar_power = abs2(radar).sum((-2, -1))
    scale = (total - a.sum(-1)) / (b.sum(-1) + radar_power).clamp_min(1e-30)
    users = a + scale[:, None] * b
    ok = (info == 0) & (scale >= 0) & (users > 0).all(-1) & torch.isfinite(users).all(-1)
    # Clamped away from 0 so that sqrt's infinite slope there cannot leak NaN through torch.where's other branch.
    repaired_W = directions * users.clamp_min(1e-30).sqrt()[:, None, :]
    repaired_radar = radar * scale.clamp_min(1e-30).sqrt()[:, None, None]
    if bool(ok.all()):  # the common case; skipping the fallback saves a third of the work in refinement loops
        return repaired_W, repaired_radar, ok
    scaled_W, scaled_radar = scale_to_total(W, total, radar)
    assert scaled_radar is not None
    keep = ok[:, None, None]
    return torch.where(keep, repaired_W, scaled_W), torch.where(keep, repaired_radar, scaled_radar), ok
