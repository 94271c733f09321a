"""A small denoising diffusion probabilistic model (DDPM, Ho et al. 2020) over points of the unit cube.

An MLP predicts the noise added to a training point at a random step (loss: mean squared error of
the noise). Sampling runs the reverse chain from pure noise; an optional guidance term shifts each
reverse mean against a gradient (classifier-guidance style, Dhariwal & Nichol 2021), which is how the
surrogate steers samples towards better objectives (see guidance.py).

Data are standardised per coordinate before training so the forward process ends near N(0, I) for any
box; samples are mapped back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor, nn

GradientField = Callable[[Tensor], Tensor]
"""Maps points (n, d) in data space to the gradient (n, d) of the quantity to DEcrease."""


@dataclass(frozen=True)
class NoiseSchedule:
    betas: Tensor
    alphas: Tensor
    alpha_bars: Tensor
    posterior_variance: Tensor
    """β̃_t = β_t (1 - ᾱ_{t-1}) / (1 - ᾱ_t): the variance of the reverse step ("fixed small")."""

    @property
    def n_steps(self) -> int:
        return int(self.betas.shape[0])


def make_schedule(n_steps: int, kind: str = "cosine", device: torch.device | None = None) -> NoiseSchedule:
    """Cosine schedule (Nichol & Dhariwal 2021, s = 0.008, β clipped at 0.999) or linear 1e-4 .. 0.02·1000/T."""
    if kind == "cosine":
        s = 0.008
        steps = torch.arange(n_steps + 1, dtype=torch.float64) / n_steps
        f = torch.cos((steps + s) / (1 + s) * math.pi / 2) ** 2
        alpha_bar = f / f[0]
        betas = (1 - alpha_bar[1:] / alpha_bar[:-1]).clamp(max=0.999)
    elif kind == "linear":
        betas = torch.linspace(1e-4, min(0.02 * 1000 / n_steps, 0.5), n_steps, dtype=torch.float64)
    else:
        raise ValueError(f"unknown schedule {kind!r}")
    alphas = 1 - betas
    alpha_bars = torch.cumprod(alphas, dim=0)
    previous = torch.cat([torch.ones(1, dtype=torch.float64), alpha_bars[:-1]])
    posterior_variance = betas * (1 - previous) / (1 - alpha_bars)
    return NoiseSchedule(
        betas=betas.to(device=device, dtype=torch.float32),
        alphas=alphas.to(device=device, dtype=torch.float32),
        alpha_bars=alpha_bars.to(device=device, dtype=torch.float32),
        posterior_variance=posterior_variance.to(device=device, dtype=torch.float32),
    )


def timestep_embedding(t: Tensor, dim: int) -> Tensor:
    """Sinusoidal embedding of integer steps, as in the transformer position code."""
    half = dim // 2
    frequencies = torch.exp(-math.log(10_000.0) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    angles = t.float()[:, None] * frequencies[None, :]
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)


class NoisePredictor(nn.Module):
    """ε_θ(x_t, t): an MLP on [x_t, embedding(t)] with SiLU activations."""

    def __init__(self, dim: int, hidden: int = 128, n_layers: int = 3, time_dim: int = 32) -> None:
        super().__init__()
        self.time_dim = time_dim
        layers: list[nn.Module] = [nn.Linear(dim + time_dim, hidden), nn.SiLU()]
        for _ in range(n_layers - 1):
            layers += [nn.Linear(hidden, hidden), nn.SiLU()]
        layers.append(nn.Linear(hidden, dim))
        self.net = nn.Sequential(*layers)

    def forward(self, x: Tensor, t: Tensor) -> Tensor:
        return self.net(torch.cat([x, timestep_embedding(t, self.time_dim)], dim=1))  # type: ignore[no-any-return]


class DDPM:
    """Train on a point cloud, then sample (optionally guided)."""

    def __init__(
        self,
        dim: int,
        n_steps: int = 50,
        hidden: int = 128,
        schedule: str = "cosine",
        seed: int = 0,
        device: torch.device | str | None = None,
    ) -> None:
        self.dim = dim
        self.device = torch.device(device) if device is not None else torch.device("cpu")
        self.schedule = make_schedule(n_steps, schedule, self.device)
        torch.manual_seed(seed)
        self.net = NoisePredictor(dim, hidden).to(self.device)
        self.generator = torch.Generator(device=self.device)
        self.generator.manual_seed(seed)
        self.shift = torch.zeros(dim, device=self.device)
        self.scale = torch.ones(dim, device=self.device)

    def to_model_space(self, x: Tensor) -> Tensor:
        return (x - self.shift) / self.scale

    def to_data_space(self, z: Tensor) -> Tensor:
        return z * self.scale + self.shift

    def fit(self, data: Tensor, n_iters: int = 600, batch_size: int = 128, lr: float = 2e-3) -> list[float]:
        """Noise-prediction MSE with Adam and a cosine-decayed learning rate; returns the loss per iteration."""
        data = data.to(self.device, torch.float32)
        self.shift = data.mean(dim=0)
        # a floor on the spread keeps a collapsed coordinate from blowing up the standardisation
        self.scale = data.std(dim=0).clamp_min(1e-3) if len(data) > 1 else torch.ones(self.dim, device=self.device)
        z0 = self.to_model_space(data)
        optimiser = torch.optim.Adam(self.net.parameters(), lr=lr)
        lr_decay = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=n_iters)
        losses: list[float] = []
        self.net.train()
        T = self.schedule.n_steps
        for _ in range(n_iters):
            rows = torch.randint(0, len(z0), (batch_size,), generator=self.generator, device=self.device)
            t = torch.randint(0, T, (batch_size,), generator=self.generator, device=self.device)
            noise = torch.randn(batch_size, self.dim, generator=self.generator, device=self.device)
            a_bar = self.schedule.alpha_bars[t][:, None]
            zt = a_bar.sqrt() * z0[rows] + (1 - a_bar).sqrt() * noise
            loss = torch.mean((self.net(zt, t) - noise) ** 2)
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            nn.utils.clip_grad_norm_(self.net.parameters(), 1.0)
            optimiser.step()
            lr_decay.step()
            losses.append(float(loss.detach()))
        self.net.eval()
        return losses

    def sample(self, n: int, guidance: GradientField | None = None, guidance_scale: float = 1.0) -> Tensor:
        """n points in data space by ancestral sampling.

        Guided step: the reverse mean μ_θ(x_t, t) is moved by -guidance_scale · sqrt(β̃_t) · ĝ, where ĝ is
        the per-sample unit vector of the guidance gradient taken in model space (chain rule through the
        standardisation). The minus sign makes samples move DOWN the guided quantity, i.e. towards
        lower (better) objectives. With scale 1 a step moves a sample by at most the standard deviation
        of that reverse step's noise, so guidance is strong while samples are still noisy and fades to
        fine adjustments at the end (β̃ itself would switch guidance off almost completely in the last
        steps, where samples settle).
        """
        s = self.schedule
        z = torch.randn(n, self.dim, generator=self.generator, device=self.device)
        for step in reversed(range(s.n_steps)):
            t = torch.full((n,), step, device=self.device, dtype=torch.long)
            with torch.no_grad():
                eps = self.net(z, t)
                mean = (z - s.betas[step] / (1 - s.alpha_bars[step]).sqrt() * eps) / s.alphas[step].sqrt()
            if guidance is not None:
                mean = mean - guidance_scale * s.posterior_variance[step].sqrt() * self._unit_model_gradient(mean, guidance)
            if step > 0:
                noise = torch.randn(n, self.dim, generator=self.generator, device=self.device)
                z = mean + s.posterior_variance[step].sqrt() * noise
            else:
                z = mean
        return self.to_data_space(z).detach()

    def _unit_model_gradient(self, z: Tensor, guidance: GradientField) -> Tensor:
        # d f / d z = d f / d x * scale (x = z * scale + shift)
        grad: Tensor = guidance(self.to_data_space(z).detach()).to(self.device, torch.float32) * self.scale
        unit: Tensor = grad / grad.norm(dim=1, keepdim=True).clamp_min(1e-12)
        return unit
