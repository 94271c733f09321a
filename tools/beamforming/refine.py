"""ISAC beam refinement: a few gradient steps on the beampattern error, taken through the SINR power-control layer.

The beams are parametrised by their raw values; `meet_sinr` turns them into beams that meet every user's SINR
target exactly (the radar streams taking the rest of the budget), so the steps only have to shape the
beampattern. The loss per scene is the beampattern MSE, plus the SINR shortfall in dB where the directions
cannot meet the targets at all. Adam moves all scenes of a batch at once (its step is per entry, so scenes do
not share a step size); each scene keeps its best iterate (targets met first, then lowest MSE), so refining
never makes a scene worse than its start. A constant step did better than a decaying one (0.02 falling to
0.002 over 20 steps: MSE 1.09-1.27x the SDR's; 0.015 constant: 1.02-1.15x; 30 steps of 0.01: 1.01-1.08x).
"""

from __future__ import annotations

import torch

from tools.beamforming.channels import ula_steering
from tools.beamforming.metrics import beampattern, beampattern_mse, covariance, pattern_map, sinr
from tools.beamforming.power import meet_sinr


def _evaluate(
    H: torch.Tensor,
    W: torch.Tensor,
    radar: torch.Tensor,
    sinr_target: torch.Tensor,
    desired: torch.Tensor,
    steering: torch.Tensor,
    mapped: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    beams, radar_beams, met = meet_sinr(H, W, radar, sinr_target, 1.0, keep_higher=False)
    mse = beampattern_mse(beampattern(covariance(beams, radar_beams), steering, mapped), desired)
    if bool(met.all()):  # every scene meets its targets exactly: nothing falls short
        return beams, radar_beams, met, mse, torch.zeros_like(mse)
    shortfall = torch.relu(10.0 * torch.log10(sinr_target / sinr(H, beams, radar_beams))).sum(-1)
    return beams, radar_beams, met, mse, shortfall


def _adam(param: torch.Tensor, grad: torch.Tensor, m: torch.Tensor, v: torch.Tensor, step: int, lr: float) -> torch.Tensor:
    """One Adam step (β = 0.9, 0.999) on the real and imaginary parts of `param`; m and v are updated in place."""
    g = torch.view_as_real(grad)
    m.mul_(0.9).add_(g, alpha=0.1)
    v.mul_(0.999).addcmul_(g, g, value=0.001)
    update = (m / (1.0 - 0.9**step)) / ((v / (1.0 - 0.999**step)).sqrt() + 1e-8)
    return param - lr * torch.view_as_complex(update.contiguous())


def refine_isac(
    H: torch.Tensor,
    sinr_target: torch.Tensor,
    desired: torch.Tensor,
    grid_deg: torch.Tensor,
    W: torch.Tensor,
    radar: torch.Tensor,
    steps: int = 30,
    lr: float = 0.01,
    total_power: float = 1.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Refine (W, radar) of a batch of ISAC scenes; returns beams at total power `total_power`."""
    steering = ula_steering(grid_deg.cpu().numpy(), H.shape[-1]).to(H.device)
    mapped = pattern_map(steering)
    scale = total_power**0.5  # work at unit power: the step size then means the same for every budget
    H_unit = H * scale  # SINR of (W / s) under H s equals that of W under H
    params = [(W.detach() / scale).clone(), (radar.detach() / scale).clone()]
    moments = [(torch.zeros_like(torch.view_as_real(p)), torch.zeros_like(torch.view_as_real(p))) for p in params]
    with torch.no_grad():
        best_W, best_radar, best_met, best_mse, _ = _evaluate(
            H_unit, params[0], params[1], sinr_target, desired, steering, mapped
        )
    for step in range(1, steps + 2):
        with torch.enable_grad():
            leaves = [p.requires_grad_(True) for p in params]
            beams, radar_beams, met, mse, shortfall = _evaluate(
                H_unit, leaves[0], leaves[1], sinr_target, desired, steering, mapped
            )
            grads = torch.autograd.grad((mse + shortfall).sum(), leaves) if step <= steps else None
        better = (met & ~best_met) | ((met == best_met) & (mse < best_mse))
        best_W = torch.where(better[:, None, None], beams.detach(), best_W)
        best_radar = torch.where(better[:, None, None], radar_beams.detach(), best_radar)
        best_met, best_mse = best_met | met, torch.where(better, mse.detach(), best_mse)
        if grads is None:  # the extra pass only scores the last step
            break
        params = [_adam(p.detach(), g, m, v, step, lr) for p, g, (m, v) in zip(params, grads, moments, strict=True)]
    return best_W * scale, best_radar * scale
