"""Entropy weights and the direction of surrogate guidance (samples must move to LOWER objectives)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tools.diffusion.ddpm import DDPM
from tools.diffusion.guidance import entropy_weights, lcb_guidance
from tools.diffusion.sampling import latin_hypercube
from tools.diffusion.surrogate import DTYPE, ObjectiveSurrogate

torch.set_num_threads(1)  # tiny matrices: a second thread only adds contention on shared cores

TARGETS = np.array([[0.8, 0.8], [0.7, 0.9]])


def two_bowls(X: np.ndarray) -> np.ndarray:
    """Two objectives with minima near (0.8, 0.8): good points are up and to the right."""
    return np.stack([((X - t) ** 2).sum(axis=1) for t in TARGETS], axis=1)


@pytest.fixture(scope="module")
def surrogate() -> ObjectiveSurrogate:
    X = latin_hypercube(30, np.zeros(2), np.ones(2), seed=1)
    return ObjectiveSurrogate(X, two_bowls(X))


def test_entropy_weights() -> None:
    constant_and_spread = torch.tensor([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 9.0]])
    w = entropy_weights(constant_and_spread)
    assert float(w.sum()) == pytest.approx(1.0)
    assert w[0] == pytest.approx(0.0) and w[1] == pytest.approx(1.0)  # only the varying column informs
    same_spread = torch.tensor([[0.0, 5.0], [1.0, 6.0], [3.0, 8.0]])
    np.testing.assert_allclose(entropy_weights(same_spread).numpy(), [0.5, 0.5])
    uneven = torch.tensor([[0.0, 0.0], [0.1, 1.0], [0.2, 0.0], [1.0, 0.0]])
    w = entropy_weights(uneven)
    assert float(w[1]) > float(w[0])  # a single outlier = lower entropy = more weight


def test_guidance_field_points_uphill_of_the_weighted_lcb(surrogate: ObjectiveSurrogate) -> None:
    """The field is the gradient of the quantity to decrease: a small step against it lowers that quantity."""
    x = torch.tensor([[0.2, 0.3], [0.5, 0.1], [0.3, 0.6]], dtype=DTYPE)
    field = lcb_guidance(surrogate, kappa=0.1)
    grad = field(x)
    mean, std = surrogate.standardised_mean_std(x)
    weights = entropy_weights((mean - 0.1 * std).detach())

    def weighted(points: torch.Tensor) -> torch.Tensor:
        m, s = surrogate.standardised_mean_std(points)
        return ((m - 0.1 * s) * weights).sum(dim=1).detach()

    stepped = x - 1e-3 * grad / grad.norm(dim=1, keepdim=True)
    assert torch.all(weighted(stepped) < weighted(x))
    # and towards the true minima, which lie up and to the right of these points
    assert torch.all(-grad[:, 0] > 0) and torch.all(-grad[:, 1] > 0)


def test_guided_samples_have_better_surrogate_objectives_than_unguided(surrogate: ObjectiveSurrogate) -> None:
    g = torch.Generator().manual_seed(3)
    data = torch.tensor([0.3, 0.3]) + 0.08 * torch.randn(400, 2, generator=g)
    model = DDPM(2, n_steps=50, hidden=64, seed=0)
    model.fit(data, n_iters=400, batch_size=128)
    unguided = model.sample(300).double().clamp(0, 1)
    guided = model.sample(300, guidance=lcb_guidance(surrogate, kappa=0.1), guidance_scale=1.0).double().clamp(0, 1)
    with torch.no_grad():
        mean_unguided, _ = surrogate.mean_std(unguided)
        mean_guided, _ = surrogate.mean_std(guided)
    # both (aligned) objectives improve on average, by a clear margin
    assert torch.all(mean_guided.mean(dim=0) < 0.8 * mean_unguided.mean(dim=0))
    # and the true objectives agree with the surrogate
    true_guided = two_bowls(guided.numpy()).mean(axis=0)
    true_unguided = two_bowls(unguided.numpy()).mean(axis=0)
    assert np.all(true_guided < true_unguided)
