"""The DDPM learns its training distribution (no guidance)."""

from __future__ import annotations

import pytest
import torch

from tools.diffusion.ddpm import DDPM, make_schedule

torch.set_num_threads(1)  # tiny matrices: a second thread only adds contention on shared cores


@pytest.mark.parametrize("kind", ["cosine", "linear"])
def test_schedules_are_valid(kind: str) -> None:
    s = make_schedule(50, kind)
    assert torch.all((s.betas > 0) & (s.betas < 1))
    assert torch.all(s.alpha_bars[1:] < s.alpha_bars[:-1])  # signal decays monotonically
    assert float(s.alpha_bars[-1]) < 0.05  # the forward chain ends close to pure noise
    assert torch.all(s.posterior_variance <= s.betas + 1e-7)


def test_unguided_samples_reproduce_a_bimodal_training_set() -> None:
    """Mean, variance and mode weights of a two-cluster 2-D mixture come back from the sampler.

    Tolerances: with 4000 samples the Monte-Carlo standard error of a mean is σ/63 ≈ 0.016σ and of
    a variance ≈ sqrt(2/4000) ≈ 2.2 % (relative), and of a mode fraction ≈ 0.008. The bounds below
    (0.1σ, 15 %, 0.08) are ~6-10 standard errors: they leave room for the model's approximation error
    (about 3 % seen) but fail for a sampler that collapses a mode, averages the modes together or
    returns noise (variance off by far more than 15 %).
    """
    g = torch.Generator().manual_seed(0)
    n = 2000
    component = torch.randint(0, 2, (n,), generator=g)
    centres = torch.tensor([[0.25, 0.30], [0.75, 0.60]])
    data = centres[component] + 0.05 * torch.randn(n, 2, generator=g)

    model = DDPM(2, n_steps=50, hidden=128, seed=0)
    losses = model.fit(data, n_iters=1200, batch_size=256)
    assert sum(losses[-100:]) / 100 < 0.8 * sum(losses[:100]) / 100  # training did reduce the loss
    samples = model.sample(4000)

    std = data.std(dim=0)
    assert torch.all((samples.mean(dim=0) - data.mean(dim=0)).abs() < 0.1 * std)
    ratio = samples.var(dim=0) / data.var(dim=0)
    assert torch.all((ratio > 0.85) & (ratio < 1.15)), ratio
    near_first = (samples - centres[0]).norm(dim=1) < 0.15
    near_second = (samples - centres[1]).norm(dim=1) < 0.15
    assert float(near_first.float().mean()) == pytest.approx(float((component == 0).float().mean()), abs=0.08)
    assert float(near_second.float().mean()) == pytest.approx(float((component == 1).float().mean()), abs=0.08)
    assert float((near_first | near_second).float().mean()) > 0.9  # little mass between the modes
