"""Closed-form linear precoders: MRT, ZF and regularised ZF, with equal per-user power before scaling.

Each is scaled by one common factor to the tightest per-AP limit, which keeps ZF's interference nulls.
"""

from __future__ import annotations

import torch

from tools.beamforming.power import scale_to_per_ap


def _unit_columns(W: torch.Tensor) -> torch.Tensor:
    unit: torch.Tensor = W / torch.linalg.vector_norm(W, dim=-2, keepdim=True).clamp_min(1e-30)
    return unit


def mrt(H: torch.Tensor, antennas_per_ap: int, limits: torch.Tensor) -> torch.Tensor:
    """Maximum-ratio transmission: w_k ∝ h_k^H."""
    return scale_to_per_ap(_unit_columns(H.mH), antennas_per_ap, limits)


def zf(H: torch.Tensor, antennas_per_ap: int, limits: torch.Tensor) -> torch.Tensor:
    """Zero forcing: W ∝ H^H (H H^H)^-1 (needs N ≥ K)."""
    gram = H @ H.mH
    return scale_to_per_ap(_unit_columns(H.mH @ torch.linalg.inv(gram)), antennas_per_ap, limits)


def rzf(H: torch.Tensor, antennas_per_ap: int, limits: torch.Tensor, noise: float = 1.0) -> torch.Tensor:
    """Regularised ZF: W ∝ H^H (H H^H + (K σ² / P_total) I)^-1, the MMSE-optimal regulariser."""
    n_users = H.shape[1]
    reg = n_users * noise / limits.sum(-1)
    eye = torch.eye(n_users, dtype=H.dtype, device=H.device)
    gram = H @ H.mH + reg[:, None, None].to(H.dtype) * eye
    return scale_to_per_ap(_unit_columns(H.mH @ torch.linalg.inv(gram)), antennas_per_ap, limits)
