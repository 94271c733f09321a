"""Channel models, metrics, projections and the classical baselines (MRT, ZF, RZF, WMMSE, ISAC SDR)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tools.beamforming.channels import Fading, cell_free_batch, isac_batch, single_cell_batch, ula_steering
from tools.beamforming.linear import mrt, rzf, zf
from tools.beamforming.metrics import ap_power, beampattern, beampattern_mse, covariance, received_power, sinr, sum_rate
from tools.beamforming.power import project_per_ap
from tools.beamforming.sdr import solve_sdr
from tools.beamforming.wmmse import wmmse


def test_channels_are_seeded_and_fading_models_have_unit_power() -> None:
    a = cell_free_batch(4, 3, 2, 2, seed=5)
    b = cell_free_batch(4, 3, 2, 2, seed=5)
    assert torch.equal(a.H, b.H) and a.H.shape == (4, 2, 6) and a.H.dtype == torch.complex64
    assert not torch.equal(a.H, cell_free_batch(4, 3, 2, 2, seed=6).H)
    # Same geometry and shadowing draws, different small-scale model: average power ratio stays ~1.
    powers = [single_cell_batch(400, 8, 4, seed=1, fading=f).H.abs().pow(2).mean().item() for f in Fading]
    assert max(powers) / min(powers) < 1.6
    scene = isac_batch(2, 8, 3, 10.0, seed=0)
    assert scene.desired_pattern.sum(-1).min() > 0 and torch.allclose(scene.sinr_target, torch.full((2, 3), 10.0))


def test_projection_keeps_every_ap_within_power_and_leaves_feasible_aps_alone() -> None:
    gen = torch.Generator().manual_seed(0)
    W = torch.complex(torch.randn(5, 12, 3, generator=gen), torch.randn(5, 12, 3, generator=gen))
    limits = torch.rand(5, 4, generator=gen) * 3.0 + 0.1
    projected = project_per_ap(W, 3, limits)
    assert (ap_power(projected, 3) <= limits * (1 + 1e-5)).all()
    inside = ap_power(W, 3) <= limits
    rows = inside.repeat_interleave(3, dim=1)
    assert torch.equal(projected[rows], W[rows])  # APs already feasible keep their beams
    assert torch.allclose(project_per_ap(projected, 3, limits), projected)
    for fn in (mrt, zf, rzf):
        assert (ap_power(fn(cell_free_batch(3, 4, 3, 3, seed=1).H, 3, limits[:3, :4]), 3) <= limits[:3, :4] * (1 + 1e-5)).all()


def test_zero_forcing_nulls_interference() -> None:
    scene = single_cell_batch(3, 8, 4, seed=2)
    gains = received_power(scene.H, zf(scene.H, 8, scene.ap_power))
    off_diagonal = gains - torch.diag_embed(torch.diagonal(gains, dim1=-2, dim2=-1))
    assert off_diagonal.max() < 1e-6 * torch.diagonal(gains, dim1=-2, dim2=-1).min()


def test_wmmse_increases_sum_rate_monotonically_and_beats_mrt_and_rzf() -> None:
    scene = cell_free_batch(16, 4, 2, 3, seed=3)
    H, limits = scene.H.to(torch.complex128), scene.ap_power.double()
    result = wmmse(H, 2, limits, max_iter=40, tol=0.0)
    steps = result.trace[1:] - result.trace[:-1]
    assert result.iterations == 40 and result.trace.shape == (41, 16)
    assert (steps >= -1e-9).all(), f"sum rate decreased by {(-steps).max():.2e}"
    assert (ap_power(result.W, 2) <= limits * (1 + 1e-9)).all()
    final = sum_rate(H, result.W)
    assert torch.allclose(final, result.trace[-1])
    assert (final >= sum_rate(H, rzf(H, 2, limits)) - 1e-9).all()
    assert (final > sum_rate(H, mrt(H, 2, limits))).all()
    assert final.mean() > 1.02 * result.trace[0].mean()  # it does move off the RZF start


def test_beampattern_mse_is_zero_for_a_scaled_desired_pattern() -> None:
    desired = torch.tensor([[0.0, 1.0, 1.0, 0.0]])
    assert beampattern_mse(3.0 * desired, desired).item() == pytest.approx(0.0, abs=1e-12)
    assert beampattern_mse(torch.ones(1, 4), desired).item() > 0.2
    a = ula_steering(np.array([0.0]), 4)
    R = a.T @ a.conj()  # beam towards broadside
    assert beampattern(R[None], a)[0, 0].item() == pytest.approx(16.0, rel=1e-5)


def test_sdr_meets_sinr_targets_after_rank_one_extraction() -> None:
    scene = isac_batch(3, 8, 2, 10.0, seed=4)
    result = solve_sdr(scene)
    assert all(s in ("optimal", "optimal_inaccurate") for s in result.status)
    achieved = 10.0 * torch.log10(sinr(scene.H, result.W, result.radar))
    assert (achieved >= 10.0 - 1e-2).all(), achieved
    R = covariance(result.W, result.radar)
    assert torch.allclose(torch.diagonal(R, dim1=-2, dim2=-1).real.sum(-1), torch.ones(3), atol=1e-3)
    # Rank-one extraction keeps R, so the beampattern is still matched far better than an isotropic one.
    steering = ula_steering(scene.grid_deg.numpy(), 8)
    sdr_mse = beampattern_mse(beampattern(R, steering), scene.desired_pattern)
    isotropic = beampattern_mse(
        beampattern(torch.eye(8, dtype=torch.complex64)[None].expand(3, -1, -1) / 8, steering), scene.desired_pattern
    )
    assert (sdr_mse < 0.5 * isotropic).all()


def test_sdr_reports_infeasible_sinr_targets() -> None:
    scene = isac_batch(1, 8, 2, 60.0, seed=4)  # 60 dB with 20 dB SNR and unit power cannot be met
    assert solve_sdr(scene).status[0].startswith("infeasible")
