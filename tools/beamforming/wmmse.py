"""WMMSE (Shi, Razaviyayn, Luo, He, IEEE TSP 2011) for the MISO downlink under per-AP power limits, and the
best-known sum rate of a scene (the best of WMMSE from several starts).

WMMSE is block-coordinate descent on the weighted-MSE objective
    f(u, α, W) = Σ_k α_k e_k(u_k, W) - ln α_k,   e_k = |1 - u_k h_k w_k|^2 + |u_k|^2 (Σ_{j≠k} |h_k w_j|^2 + σ²),
whose minimum over (u, α) is K - Σ_k ln(1 + SINR_k): lowering f raises the sum rate. The blocks are the MMSE
receivers u, the weights α (both closed form) and, under per-AP limits, the rows of W belonging to each AP.
With u and α fixed, f is the convex quadratic Σ_k w_k^H A w_k - 2 Re(b_k^H w_k) (+ constants); with the other
APs' rows fixed too, AP l's rows solve min tr(W_l^H A_ll W_l) - 2 Re tr(W_l^H C_l) s.t. |W_l|_F^2 ≤ P_l exactly:
W_l = (A_ll + μ I)^-1 C_l with the dual μ ≥ 0 found by bisection on |W_l(μ)|^2 = P_l (in A_ll's eigenbasis the
norm is Σ_i c_i / (λ_i + μ)^2, decreasing in μ). Every block update is an exact minimisation, so f never
increases; a scene stops once it ran `min_iter` iterations and an iteration lowered f by less than `tol` times
Σ_k ln(1 + SINR_k) (its relative sum-rate gain is then below `tol`), each scene on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from tools.beamforming.linear import mrt, rzf, zf
from tools.beamforming.metrics import sum_rate
from tools.beamforming.power import project_per_ap

DUAL_STEPS = 8
"""Newton steps on each AP's dual: from the lower bound they converge monotonically and quadratically; 8 reach
float64 resolution on the scenes we tried (the test against a long projected-gradient run checks the result)."""


@dataclass
class WmmseResult:
    W: torch.Tensor  # (B, N, K)
    iterations: torch.Tensor  # (B,) long: iterations each scene ran
    converged: torch.Tensor  # (B,) bool: the scene met the stopping rule before the cap
    trace: torch.Tensor  # (max iterations + 1, B) sum rate after each iteration (a stopped scene keeps its value)
    objective: torch.Tensor  # (2 * max iterations + 1, B) f after the (u, α) update and after each W update, in turn

    @property
    def sum_rate(self) -> torch.Tensor:
        return self.trace[-1]


def weighted_mse(H: torch.Tensor, W: torch.Tensor, u: torch.Tensor, alpha: torch.Tensor, noise: float = 1.0) -> torch.Tensor:
    """f(u, α, W) per scene (B,)."""
    HW = H @ W  # (B, K, K): row k is what user k hears of each stream
    signal = torch.diagonal(HW, dim1=-2, dim2=-1)
    received = (HW.abs() ** 2).sum(-1) + noise
    mse = 1.0 - 2.0 * (u * signal).real + u.abs() ** 2 * received
    return (alpha * mse - torch.log(alpha)).sum(-1)


def receivers_and_weights(H: torch.Tensor, W: torch.Tensor, noise: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """The minimisers of f over u and then α: u_k = (h_k w_k)^* / (Σ_j |h_k w_j|^2 + σ²), α_k = 1 / e_k = 1 + SINR_k."""
    HW = H @ W
    signal = torch.diagonal(HW, dim1=-2, dim2=-1)
    power = HW.abs() ** 2
    received = power.sum(-1) + noise
    u = signal.conj() / received
    interference = received - signal.abs() ** 2  # interference plus noise, without the cancellation in 1 - |s|^2/total
    alpha = received / interference.clamp_min(1e-30)
    return u, alpha


def _quadratic(H: torch.Tensor, u: torch.Tensor, alpha: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """A = Σ_k α_k |u_k|^2 h_k^H h_k and B with columns b_k = α_k conj(u_k) h_k^H."""
    scaled = H * (alpha * u.abs() ** 2).sqrt()[..., None]
    A = scaled.mH @ scaled
    Bm = H.mH * (alpha * u.conj())[:, None, :]
    return A, Bm


def _ball_minimiser(lam: torch.Tensor, U: torch.Tensor, C: torch.Tensor, limit: torch.Tensor) -> torch.Tensor:
    """argmin tr(X^H A X) - 2 Re tr(X^H C) over |X|_F^2 ≤ limit, per scene: X = (A + μI)^-1 C with the dual μ ≥ 0.

    A = U diag(lam) U^H (B, M, M) Hermitian PSD, C (B, M, K), limit (B,). In A's eigenbasis |X(μ)|^2 =
    Σ_i c_i / (λ_i + μ)^2. Where X(0) lies outside the ball, μ solves |X(μ)| = sqrt(limit): Newton's method on
    1/|X(μ)| - 1/sqrt(limit), a concave increasing function (Moré & Sorensen 1983), climbs monotonically to the
    root from the lower bound max_i sqrt(c_i / limit) - λ_i. Directions with (numerically) zero eigenvalue carry
    no part of C (C lies in A's range) and are dropped, so the answer is the minimum-norm minimiser; a last
    rescaling removes the root's rounding error."""
    lam = lam.to(torch.float64)
    C_hat = U.mH @ C
    weight = (C_hat.abs() ** 2).sum(-1).to(torch.float64)  # c_i = Σ_k |(U^H C)_ik|^2
    live = lam > 1e-10 * lam[:, -1:].clamp_min(1e-300)
    weight = torch.where(live, weight, torch.zeros_like(weight))
    lam_safe = torch.where(live, lam, torch.ones_like(lam))
    limit64 = limit.to(torch.float64).clamp_min(1e-300)
    needs_dual = (weight / lam_safe**2).sum(-1) > limit64
    mu = (torch.sqrt(weight / limit64[:, None]) - lam_safe).amax(-1).clamp_min(0.0)
    for _ in range(DUAL_STEPS):
        shifted = lam_safe + mu[:, None]
        norm2 = (weight / shifted**2).sum(-1).clamp_min(1e-300)
        slope = (weight / shifted**3).sum(-1) * norm2**-1.5  # d/dμ of 1 / |X(μ)|
        mu = mu - (norm2**-0.5 - limit64**-0.5) / slope.clamp_min(1e-300)
    mu = torch.where(needs_dual, mu, torch.zeros_like(mu))
    scale = torch.where(live, 1.0 / (lam_safe + mu[:, None]), torch.zeros_like(lam))
    X: torch.Tensor = U @ (scale.to(C_hat.dtype)[..., None] * C_hat)
    norm = (X.abs() ** 2).sum((-2, -1)).to(torch.float64)
    shrink = torch.where(norm > limit64, torch.sqrt(limit64 / norm.clamp_min(1e-300)), torch.ones_like(norm))
    return X * shrink.to(X.real.dtype)[:, None, None]


def _beam_update(A: torch.Tensor, Bm: torch.Tensor, W: torch.Tensor, antennas_per_ap: int, limits: torch.Tensor) -> torch.Tensor:
    """One sweep over the APs, each AP's rows set to their exact minimiser with the others fixed."""
    batch, n_aps = limits.shape
    blocks = A.reshape(batch, n_aps, antennas_per_ap, n_aps, antennas_per_ap).diagonal(dim1=1, dim2=3)  # (B, M, M, L)
    lam, U = torch.linalg.eigh(blocks.permute(0, 3, 1, 2))  # every AP's block at once: A does not change in a sweep
    W = W.clone()
    for ap in range(n_aps):
        rows = slice(ap * antennas_per_ap, (ap + 1) * antennas_per_ap)
        C = Bm[:, rows] - A[:, rows] @ W + A[:, rows, rows] @ W[:, rows]  # b_l - A_{l,-l} W_{-l}
        W[:, rows] = _ball_minimiser(lam[:, ap], U[:, ap], C, limits[:, ap])
    return W


def wmmse(
    H: torch.Tensor,
    antennas_per_ap: int,
    limits: torch.Tensor,
    W0: torch.Tensor | None = None,
    max_iter: int = 500,
    min_iter: int = 10,
    tol: float = 1e-5,
    noise: float = 1.0,
) -> WmmseResult:
    """Run WMMSE from W0 (RZF when None), each scene until its own stopping rule holds or `max_iter`.

    It computes in complex128 whatever the input's precision (channel gains span many orders of magnitude, and
    in single precision f rose by up to 1e-3 relative on some steps); W comes back in H's dtype."""
    dtype = H.dtype
    H, limits = H.to(torch.complex128), limits.to(torch.float64)
    W = rzf(H, antennas_per_ap, limits, noise) if W0 is None else project_per_ap(W0.to(H.dtype), antennas_per_ap, limits)
    batch = H.shape[0]
    u, alpha = receivers_and_weights(H, W, noise)
    value = weighted_mse(H, W, u, alpha, noise)
    rates = [sum_rate(H, W, noise=noise)]
    objective = [value]
    iterations = torch.zeros(batch, dtype=torch.long, device=H.device)
    converged = torch.zeros(batch, dtype=torch.bool, device=H.device)
    for _ in range(max_iter):
        active = (~converged).nonzero().squeeze(-1)
        if active.numel() == 0:
            break
        h, w, lim = H[active], W[active], limits[active]
        A, Bm = _quadratic(h, u[active], alpha[active])
        w = _beam_update(A, Bm, w, antennas_per_ap, lim)
        after_beams = value.clone()
        after_beams[active] = weighted_mse(h, w, u[active], alpha[active], noise)
        u_new, alpha_new = receivers_and_weights(h, w, noise)
        new_value = weighted_mse(h, w, u_new, alpha_new, noise)
        W, u, alpha = W.clone(), u.clone(), alpha.clone()
        W[active], u[active], alpha[active] = w, u_new, alpha_new
        iterations[active] += 1
        log_gain = torch.log(alpha_new).sum(-1)  # Σ ln(1 + SINR_k)
        done = (iterations[active] >= min_iter) & (value[active] - new_value <= tol * log_gain)
        converged[active] = done
        value = value.clone()
        value[active] = new_value
        objective += [after_beams, value]
        rates.append(sum_rate(H, W, noise=noise))
    return WmmseResult(
        W=W.to(dtype), iterations=iterations, converged=converged, trace=torch.stack(rates), objective=torch.stack(objective)
    )


@dataclass
class BestKnown:
    """Per scene, the best sum rate any WMMSE run reached and which start it came from."""

    value: torch.Tensor  # (B,)
    source: list[str]  # the start that reached it, per scene
    runs: dict[str, WmmseResult] = field(default_factory=dict)  # the WMMSE run from every start


def best_known(
    H: torch.Tensor,
    antennas_per_ap: int,
    limits: torch.Tensor,
    starts: dict[str, torch.Tensor] | None = None,
    random_starts: int = 2,
    seed: int = 0,
    max_iter: int = 500,
    min_iter: int = 10,
    tol: float = 1e-5,
    done: dict[str, WmmseResult] | None = None,
) -> BestKnown:
    """The best of WMMSE run from RZF, MRT, ZF (when N ≥ K), `random_starts` random beams and any `starts`
    (e.g. a learned model's beams); `done` holds runs already made (by start name, e.g. "RZF": wmmse(H, ...)),
    which are not repeated. WMMSE never lowers the sum rate of its start, so the value is at least every start's
    own sum rate and every one of these WMMSE runs."""
    n_users, n_antennas = H.shape[1], H.shape[2]
    candidates: dict[str, torch.Tensor] = {"RZF": rzf(H, antennas_per_ap, limits), "MRT": mrt(H, antennas_per_ap, limits)}
    if n_antennas >= n_users:
        candidates["ZF"] = zf(H, antennas_per_ap, limits)
    gen = torch.Generator().manual_seed(seed)
    for r in range(random_starts):
        shape = (H.shape[0], n_antennas, n_users)
        draw = torch.complex(torch.randn(shape, generator=gen), torch.randn(shape, generator=gen)).to(H.dtype).to(H.device)
        candidates[f"random {r + 1}"] = project_per_ap(draw, antennas_per_ap, limits)
    candidates.update(starts or {})
    runs = dict(done or {})
    for name, W0 in candidates.items():
        if name not in runs:
            runs[name] = wmmse(H, antennas_per_ap, limits, W0=W0, max_iter=max_iter, min_iter=min_iter, tol=tol)
    names = list(runs)
    # Measured like every method (sum_rate of the beams in H's precision), and never below a start's own value.
    values = torch.stack([torch.maximum(sum_rate(H, runs[n].W), sum_rate(H, candidates[n])) for n in names])  # (S, B)
    best, index = values.max(0)
    return BestKnown(value=best, source=[names[int(i)] for i in index], runs=runs)
