"""Entropy-weighted surrogate gradients that steer reverse diffusion towards better objectives.

At each reverse step the current samples x are scored by the surrogate's optimistic estimate
(lower confidence bound, minimisation): LCB_j(x) = μ_j(x) - κ·σ_j(x), standardised per objective. The
objectives are combined with entropy weights (the entropy weight method): an objective whose values
differ a lot across the current samples carries information for telling them apart and gets a large
weight; one on which all samples agree gets a small one. The guidance field is the gradient of
Σ_j w_j·LCB_j; the sampler (ddpm.DDPM.sample) steps AGAINST it, so samples go to lower LCB.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from tools.diffusion.ddpm import GradientField
from tools.diffusion.surrogate import DTYPE, ObjectiveSurrogate


def entropy_weights(values: Tensor) -> Tensor:
    """Weights (m,) summing to 1 for the columns of values (n, m) by the entropy weight method.

    Each column is min-max normalised, turned into a distribution p_ij over the n samples, and its
    normalised entropy E_j = -Σ_i p_ij ln p_ij / ln n is computed; w_j ∝ 1 - E_j (low entropy =
    uneven spread = informative). Falls back to equal weights when no column varies.
    """
    n, m = values.shape
    if n < 2:
        return torch.full((m,), 1.0 / m, dtype=values.dtype, device=values.device)
    low = values.min(dim=0, keepdim=True).values
    high = values.max(dim=0, keepdim=True).values
    spread = high - low
    normalised = (values - low) / spread.clamp_min(1e-12)
    p = normalised / normalised.sum(dim=0, keepdim=True).clamp_min(1e-12)
    entropy = -torch.xlogy(p, p).sum(dim=0) / math.log(n)  # xlogy: 0·log 0 = 0
    # a column on which all samples agree tells them nothing apart: weight 0, not (1 - 0)
    divergence = torch.where(spread.squeeze(0) > 1e-12, (1 - entropy).clamp_min(0.0), torch.zeros_like(entropy))
    if float(divergence.sum()) <= 1e-12:
        return torch.full((m,), 1.0 / m, dtype=values.dtype, device=values.device)
    return divergence / divergence.sum()


def lcb_guidance(surrogate: ObjectiveSurrogate, kappa: float = 0.1, lower: float = 0.0, upper: float = 1.0) -> GradientField:
    """The gradient field x ↦ ∇_x Σ_j w_j·LCB_j(x) for points x of the unit cube (the quantity to decrease).

    Points are clamped into the cube before the surrogate sees them (the GP is only trusted there);
    the weights are recomputed from the current samples at every call and held constant in the
    derivative.
    """

    def field(x: Tensor) -> Tensor:
        # the GP works in float64 on its own device; the diffusion model samples in float32
        inside = x.detach().to(surrogate.device, DTYPE).clamp(lower, upper).requires_grad_(True)
        mean, std = surrogate.standardised_mean_std(inside)
        lcb = mean - kappa * std
        weights = entropy_weights(lcb.detach())
        (grad,) = torch.autograd.grad((lcb * weights).sum(), inside)
        return grad.to(x.device, x.dtype)

    return field
