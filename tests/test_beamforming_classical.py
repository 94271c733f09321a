"""Channel models, metrics, projections and the classical baselines (MRT, ZF, RZF, WMMSE, ISAC SDR)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tools.beamforming.channels import Fading, cell_free_batch, isac_batch, single_cell_batch, ula_steering
from tools.beamforming.linear import mrt, rzf, zf
from tools.beamforming.metrics import ap_power, beampattern, beampattern_mse, covariance, received_power, sinr, sum_rate
from tools.beamforming.power import meet_sinr, project_per_ap
from tools.beamforming.refine import refine_isac
from tools.beamforming.sdr import solve_sdr
from tools.beamforming.wmmse import best_known, wmmse


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


def test_wmmse_is_monotone_in_the_weighted_mse_objective_and_stops_each_scene_on_its_own() -> None:
    scene = cell_free_batch(16, 4, 2, 3, seed=3)
    H, limits = scene.H.to(torch.complex128), scene.ap_power.double()
    result = wmmse(H, 2, limits, max_iter=60, min_iter=5, tol=1e-4)
    steps = result.objective[1:] - result.objective[:-1]  # f after each (u, α) update and each beam update, in turn
    assert (steps <= 1e-10 * result.objective.abs().amax(0)).all(), f"objective rose by {steps.max():.2e}"
    assert (result.trace[1:] - result.trace[:-1] >= -1e-9).all()
    assert (ap_power(result.W, 2) <= limits * (1 + 1e-9)).all()
    final = sum_rate(H, result.W)
    assert torch.allclose(final, result.sum_rate)
    # At optimal (u, α) the weighted MSE is K - Σ ln(1 + SINR_k): the objective and the sum rate move together.
    assert torch.allclose(result.objective[-1], 3 - math.log(2.0) * final)
    assert (final >= sum_rate(H, rzf(H, 2, limits)) - 1e-9).all()
    assert (final > sum_rate(H, mrt(H, 2, limits))).all()
    assert final.mean() > 1.02 * result.trace[0].mean()  # it does move off the RZF start
    # Per-scene stopping: every scene ran the minimum, scenes stopped at different iterations, and a scene that
    # converged stopped with a relative sum-rate gain below the tolerance on its last iteration.
    assert (result.iterations >= 5).all() and result.iterations.unique().numel() > 1
    assert result.converged.any()
    for b in result.converged.nonzero().flatten().tolist():
        last = int(result.iterations[b])
        assert result.trace[last, b] - result.trace[last - 1, b] <= 1e-4 * result.trace[last, b] + 1e-12


def _projected_gradient(H: torch.Tensor, per_ap: int, limits: torch.Tensor, W: torch.Tensor, steps: int) -> torch.Tensor:
    """Projected gradient ascent on the sum rate with a per-scene step that grows on success and halves on failure."""
    step = torch.full((H.shape[0],), 1e-3, dtype=torch.float64)
    rate = sum_rate(H, W)
    for _ in range(steps):
        grad = _rate_gradient(H, W)
        trial = project_per_ap(W + step[:, None, None] * grad, per_ap, limits)
        trial_rate = sum_rate(H, trial)
        better = trial_rate > rate
        W = torch.where(better[:, None, None], trial, W)
        rate = torch.where(better, trial_rate, rate)
        step = torch.where(better, step * 1.5, step * 0.5)
    return W


def _rate_gradient(H: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    W = W.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(sum_rate(H, W).sum(), W)
    return grad  # torch's convention: the ascent direction for a real function of complex inputs


def _stationarity(H: torch.Tensor, per_ap: int, limits: torch.Tensor, W: torch.Tensor, t: float = 1e-3) -> torch.Tensor:
    """|P(W + t ∇R) - W| / t per scene: zero exactly at a KKT point of max R over the per-AP balls."""
    moved = project_per_ap(W + t * _rate_gradient(H, W), per_ap, limits)
    return torch.linalg.vector_norm((moved - W).flatten(1), dim=-1) / t


def test_wmmse_reaches_a_stationary_point_that_a_long_projected_gradient_run_cannot_improve() -> None:
    scene = cell_free_batch(4, 3, 2, 2, seed=2)
    H, limits = scene.H.to(torch.complex128), scene.ap_power.double()
    result = wmmse(H, 2, limits, max_iter=3000, tol=1e-10)
    assert result.converged.all(), result.iterations
    polished = _projected_gradient(H, 2, limits, result.W, steps=1500)
    gain = (sum_rate(H, polished) - result.sum_rate) / result.sum_rate
    assert (gain < 1e-6).all(), gain
    start = rzf(H, 2, limits)
    assert (_stationarity(H, 2, limits, result.W) < 1e-3 * _stationarity(H, 2, limits, start)).all()
    # The same long projected-gradient run from RZF ends no higher than WMMSE does from there.
    from_rzf = _projected_gradient(H, 2, limits, start, steps=1500)
    assert (sum_rate(H, from_rzf) <= result.sum_rate * (1 + 1e-6)).all()


def test_best_known_is_at_least_every_method_on_every_scene() -> None:
    scene = cell_free_batch(12, 4, 2, 3, seed=12)
    H, limits = scene.H, scene.ap_power
    gen = torch.Generator().manual_seed(4)
    other = project_per_ap(torch.complex(torch.randn(12, 8, 3, generator=gen), torch.randn(12, 8, 3, generator=gen)), 2, limits)
    best = best_known(H, 2, limits, starts={"other": other}, random_starts=1, max_iter=60)
    methods = {
        "MRT": mrt(H, 2, limits),
        "ZF": zf(H, 2, limits),
        "RZF": rzf(H, 2, limits),
        "WMMSE": wmmse(H, 2, limits, max_iter=60).W,
        "other": other,
        "other+WMMSE": wmmse(H, 2, limits, W0=other, max_iter=60).W,
    }
    for name, W in methods.items():
        assert (best.value >= sum_rate(H, W) * (1 - 1e-6)).all(), name
    assert set(best.runs) == {"RZF", "MRT", "ZF", "random 1", "other"} and len(best.source) == 12
    assert set(best.source) <= set(best.runs)


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


def test_meet_sinr_gives_every_user_exactly_its_target_within_the_budget() -> None:
    scene = isac_batch(6, 8, 2, 10.0, seed=31)
    gen = torch.Generator().manual_seed(2)
    W = torch.complex(torch.randn(6, 8, 2, generator=gen), torch.randn(6, 8, 2, generator=gen)) * 0.05
    radar = torch.complex(torch.randn(6, 8, 8, generator=gen), torch.randn(6, 8, 8, generator=gen)) * 0.1
    # Radar beams mostly away from the users (the radar takes whatever power the users leave), beams towards them.
    away = torch.eye(8) - scene.H.mH @ torch.linalg.solve(scene.H @ scene.H.mH, scene.H)
    radar = away @ radar + 0.01 * radar
    W = W * 0.1 + scene.H.mH @ torch.linalg.inv(scene.H @ scene.H.mH)  # near zero forcing: the targets can be met
    beams, radar_beams, ok = meet_sinr(scene.H, W, radar, scene.sinr_target, 1.0, margin_db=0.0, keep_higher=False)
    assert ok.all()
    achieved = 10.0 * torch.log10(sinr(scene.H, beams, radar_beams))
    assert torch.allclose(achieved, torch.full_like(achieved, 10.0), atol=1e-3), achieved
    power = torch.diagonal(covariance(beams, radar_beams), dim1=-2, dim2=-1).real.sum(-1)
    assert torch.allclose(power, torch.ones(6), atol=1e-4)
    # Directions are kept: each beam is a positive multiple of its input column, the radar beams one multiple of theirs.
    cosine = (beams.conj() * W).sum(-2).abs() / (beams.norm(dim=-2) * W.norm(dim=-2))
    assert torch.allclose(cosine, torch.ones_like(cosine), atol=1e-4)
    # keep_higher: a point that already meets every target comes back unchanged.
    again, radar_again, _ = meet_sinr(scene.H, beams, radar_beams, scene.sinr_target * 0.5, 1.0)
    assert torch.allclose(again, beams, atol=1e-4) and torch.allclose(radar_again, radar_beams, atol=1e-4)
    # A target no direction can meet within the budget: flagged, and the beams are only rescaled to the budget.
    _, _, impossible = meet_sinr(scene.H, W, radar, torch.full_like(scene.sinr_target, 1e6), 1.0)
    assert not impossible.any()


def test_isac_refinement_never_worsens_a_scene_and_moves_the_structured_start_towards_the_sdr() -> None:
    scene = isac_batch(8, 8, 2, 10.0, seed=32)
    steering = ula_steering(scene.grid_deg.numpy(), 8)
    # Zero-forcing beams and an isotropic radar kept away from the users: feasible, and blind to the targets.
    directions = scene.H.mH @ torch.linalg.inv(scene.H @ scene.H.mH)
    radar = torch.eye(8) - scene.H.mH @ torch.linalg.solve(scene.H @ scene.H.mH, scene.H)
    start_W, start_radar, ok = meet_sinr(scene.H, directions * 0.1, radar, scene.sinr_target, 1.0, keep_higher=False)
    assert ok.all()
    W, radar_out = refine_isac(scene.H, scene.sinr_target, scene.desired_pattern, scene.grid_deg, start_W, start_radar, 40)

    def mse(w: torch.Tensor, r: torch.Tensor) -> torch.Tensor:
        return beampattern_mse(beampattern(covariance(w, r), steering), scene.desired_pattern)

    achieved = 10.0 * torch.log10(sinr(scene.H, W, radar_out))
    assert (achieved >= 10.0 - 1e-2).all()
    assert (mse(W, radar_out) <= mse(start_W, start_radar) + 1e-6).all()
    sdr = solve_sdr(scene)
    gap_before = mse(start_W, start_radar).mean() - mse(sdr.W, sdr.radar).mean()
    gap_after = mse(W, radar_out).mean() - mse(sdr.W, sdr.radar).mean()
    assert gap_after < 0.5 * gap_before, (gap_before, gap_after)
