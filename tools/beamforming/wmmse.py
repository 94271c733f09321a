"""WMMSE (Shi, Razaviyayn, Luo, He, IEEE TSP 2011) for the MISO downlink under per-AP power limits.

Block-coordinate descent on Σ_k (α_k e_k - log α_k): the MMSE receivers u and the weights α have closed
forms; the beam step minimises the convex quadratic g(W) = Σ_k w_k^H A w_k - 2 Re(b_k^H w_k) over the
per-AP balls. Shi's closed form W(μ) = (A + μI)^-1 B handles one total-power constraint; per-AP limits are
met by projecting W(μ) (μ set by bisection on the total budget). The projected point is not the exact
minimiser, so we take the exact line-search step from the current W towards it and then a few projected
gradient steps (step 1/λ_max(A)). Both never increase g, and u, α are exact, so the sum rate never
decreases: f(W_{t+1}) = min_{u,α} g(u, α, W_{t+1}) ≤ g(u_t, α_t, W_{t+1}) ≤ g(u_t, α_t, W_t) = f(W_t).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from tools.beamforming.linear import rzf
from tools.beamforming.metrics import sum_rate
from tools.beamforming.power import project_per_ap


@dataclass
class WmmseResult:
    W: torch.Tensor  # (B, N, K)
    iterations: int
    trace: torch.Tensor  # (iterations + 1, B) sum rate after each iteration, starting from the initial point
    converged: bool


def _receivers_and_weights(H: torch.Tensor, W: torch.Tensor, noise: float) -> tuple[torch.Tensor, torch.Tensor]:
    HW = H @ W  # (B, K, K)
    signal = torch.diagonal(HW, dim1=-2, dim2=-1)
    total = (HW.abs() ** 2).sum(-1) + noise
    u = signal.conj() / total  # ŝ_k = u_k y_k
    mse = 1.0 - (signal.abs() ** 2) / total
    return u, 1.0 / mse.clamp_min(1e-12)


def _quadratic(H: torch.Tensor, u: torch.Tensor, alpha: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """A = Σ_k α_k |u_k|^2 h_k^H h_k and B with columns b_k = α_k conj(u_k) h_k^H."""
    scaled = H * (alpha * u.abs() ** 2).sqrt()[..., None]
    A = scaled.mH @ scaled
    Bm = H.mH * (alpha * u.conj())[:, None, :]
    return A, Bm


def _objective(A: torch.Tensor, Bm: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    return torch.einsum("bnk,bnm,bmk->b", W.conj(), A, W).real - 2.0 * (Bm.conj() * W).sum((-2, -1)).real


def _per_ap_dual_solution(
    A: torch.Tensor, Bm: torch.Tensor, antennas_per_ap: int, limits: torch.Tensor, steps: int
) -> torch.Tensor:
    """Approximate minimiser of g over the per-AP balls via the Lagrangian W(μ) = (A + diag(μ_l))^-1 B.

    The multipliers start from the total-power one and move multiplicatively towards complementary
    slackness (μ_l grows while AP l is over its limit and shrinks while it is under)."""
    scale = torch.diagonal(A, dim1=-2, dim2=-1).real.mean(-1).clamp_min(1e-12)
    mu = (1e-2 * scale)[:, None].expand(-1, limits.shape[1]).clone()
    W = Bm
    for _ in range(steps):
        diag = mu.repeat_interleave(antennas_per_ap, dim=1).to(A.dtype)
        W = torch.linalg.solve(A + torch.diag_embed(diag), Bm)
        used = (W.abs() ** 2).sum(-1).reshape(W.shape[0], -1, antennas_per_ap).sum(-1)
        mu = (mu * (used / limits).clamp(1e-3, 1e3)).clamp(min=1e-9 * scale[:, None])
    return W


def wmmse(
    H: torch.Tensor,
    antennas_per_ap: int,
    limits: torch.Tensor,
    W0: torch.Tensor | None = None,
    max_iter: int = 100,
    tol: float = 1e-4,
    inner_steps: int = 3,
    dual_steps: int = 15,
    noise: float = 1.0,
) -> WmmseResult:
    """Run WMMSE from W0 (RZF when None) until the mean relative sum-rate gain per iteration is below `tol`."""
    W = rzf(H, antennas_per_ap, limits, noise) if W0 is None else project_per_ap(W0, antennas_per_ap, limits)
    trace = [sum_rate(H, W, noise=noise)]
    converged = False
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        u, alpha = _receivers_and_weights(H, W, noise)
        A, Bm = _quadratic(H, u, alpha)
        candidate = project_per_ap(_per_ap_dual_solution(A, Bm, antennas_per_ap, limits, dual_steps), antennas_per_ap, limits)
        # Exact line search on the segment W -> candidate (feasible set is convex, g is quadratic).
        D = candidate - W
        grad = A @ W - Bm
        slope = (D.conj() * grad).sum((-2, -1)).real
        curvature = torch.einsum("bnk,bnm,bmk->b", D.conj(), A, D).real
        step = (-slope / curvature.clamp_min(1e-30)).clamp(0.0, 1.0)
        W = W + step[:, None, None].to(W.dtype) * D
        lipschitz = torch.linalg.eigvalsh(A)[..., -1].clamp_min(1e-12)
        for _ in range(inner_steps):
            W = project_per_ap(W - (A @ W - Bm) / lipschitz[:, None, None], antennas_per_ap, limits)
        trace.append(sum_rate(H, W, noise=noise))
        gain = (trace[-1] - trace[-2]) / trace[-2].clamp_min(1e-9)
        if float(gain.mean()) < tol:  # batch-mean relative gain: one slow scene must not hold up the batch
            converged = True
            break
    return WmmseResult(W=W, iterations=iterations, trace=torch.stack(trace), converged=converged)
