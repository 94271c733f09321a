"""Performance measures: per-user SINR, sum rate, per-AP power, transmit covariance and beampattern MSE.

Shapes follow channels.py: H (B, K, N), W (B, N, K); an optional radar beam matrix `radar` (B, N, R)
adds sensing streams that every user hears as interference. Noise power is 1.
"""

from __future__ import annotations

import torch


def abs2(x: torch.Tensor) -> torch.Tensor:
    """|x|^2 elementwise, from the real and imaginary parts (cheaper than abs() ** 2, in value and gradient)."""
    return x.real.square() + x.imag.square() if x.is_complex() else x.square()


def received_power(H: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    """|h_k w_j|^2 as (B, K, K): row k is user k, column j the stream it hears."""
    return abs2(H @ W)


def sinr(H: torch.Tensor, W: torch.Tensor, radar: torch.Tensor | None = None, noise: float = 1.0) -> torch.Tensor:
    """Per-user SINR (B, K), linear."""
    gains = received_power(H, W)
    signal = torch.diagonal(gains, dim1=-2, dim2=-1)
    interference = gains.sum(-1) - signal
    if radar is not None:
        interference = interference + abs2(H @ radar).sum(-1)
    return signal / (interference + noise)


def sum_rate(H: torch.Tensor, W: torch.Tensor, radar: torch.Tensor | None = None, noise: float = 1.0) -> torch.Tensor:
    """Σ_k log2(1 + SINR_k) in bit/s/Hz, shape (B,)."""
    return torch.log2(1.0 + sinr(H, W, radar, noise)).sum(-1)


def ap_power(W: torch.Tensor, antennas_per_ap: int) -> torch.Tensor:
    """Power each AP radiates, (B, L): the squared norm of its M rows of W over all streams."""
    per_antenna = abs2(W).sum(-1)
    return per_antenna.reshape(W.shape[0], -1, antennas_per_ap).sum(-1)


def covariance(W: torch.Tensor, radar: torch.Tensor | None = None) -> torch.Tensor:
    """Transmit covariance R = W W^H (+ W_r W_r^H), (B, N, N)."""
    R = W @ W.mH
    if radar is not None:
        R = R + radar @ radar.mH
    return R


def pattern_map(steering: torch.Tensor) -> torch.Tensor:
    """(G, N²) rows vec(conj(a) a^T): a(θ)^H R a(θ) = Σ_ij conj(a_i) a_j R_ij = vec(R) · row θ."""
    return (steering.conj()[:, :, None] * steering[:, None, :]).flatten(1)


def beampattern(R: torch.Tensor, steering: torch.Tensor, mapped: torch.Tensor | None = None) -> torch.Tensor:
    """Transmit beampattern a(θ)^H R a(θ) on a grid, (B, G); `steering` is (G, N). One matrix product, with
    `pattern_map(steering)` passed as `mapped` where it is reused."""
    rows = pattern_map(steering) if mapped is None else mapped
    return (R.flatten(-2) @ rows.mT).real


def beampattern_mse(pattern: torch.Tensor, desired: torch.Tensor) -> torch.Tensor:
    """min_α mean_θ |α P_d(θ) - P(θ)|^2 per scene (B,), with α ≥ 0 in closed form (Liu F. et al. 2018)."""
    alpha = ((pattern * desired).sum(-1) / (desired * desired).sum(-1).clamp_min(1e-12)).clamp_min(0.0)
    return ((alpha[:, None] * desired - pattern) ** 2).mean(-1)
