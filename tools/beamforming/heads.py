"""Scenario heads on top of the backbone's token states.

- CellFreeCnnHead: a small CNN over the user-by-antenna grid that mixes the encoder's CSI feature map with
  each user's backbone state and sets the parameters of the optimal beam structure, then lands on the
  per-AP limits by projection.
- IsacHetGnnHead: a heterogeneous graph (K user nodes, one radar node; type-specific weights per edge
  kind) followed by a mixture of experts whose gate reads the SINR requirement, so low- and high-Γ
  regimes can use different output maps. Users emit their beams, the radar node emits N radar beams.
Padded users and antennas are masked to zero everywhere, so they neither transmit nor pass messages.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from tools.beamforming.channels import ula_steering
from tools.beamforming.power import project_per_ap, scale_to_per_ap, scale_to_total


class CellFreeCnnHead(nn.Module):
    """CNN over the (user, antenna) grid that sets the parameters of the optimal MISO beam structure.

    Optimal downlink beams have the form w_k ∝ sqrt(p_k) (I + Σ_j q_j h_j^H h_j)^-1 h_k^H (Björnson,
    Bengtsson & Ottersten, IEEE SPM 2014; learned by Xia et al., IEEE TCOM 2020). The CNN's output map
    gives, per user, log-factors on q_j and p_k (pooled over that user's antennas), per AP a log-factor on
    its own diagonal loading μ_l (pooled over its antennas and the users): under per-AP limits the optimum
    is w_k ∝ sqrt(p_k) (D(μ) + Σ_j q_j h_j^H h_j)^-1 h_k^H, with μ_l the AP's power price (the WMMSE fixed
    point, Shi et al. 2011), and, per (user, antenna), a bounded log-amplitude for what the structure misses.
    The last conv starts at zero, so an untrained head already returns regularised-ZF-like beams with equal
    powers and the loading prior (see `structured_beams`); training moves it from there.
    """

    def __init__(self, state_dim: int, feature_channels: int, hidden_channels: int = 32) -> None:
        super().__init__()
        self.state_to_map = nn.Linear(state_dim, hidden_channels)
        inputs = feature_channels + hidden_channels + 2  # CSI features, user state, normalised CSI (re, im)
        self.conv1 = nn.Conv2d(inputs, hidden_channels, 3, padding=1)
        self.conv2 = nn.Conv2d(hidden_channels, hidden_channels, 3, padding=1)
        self.out = nn.Conv2d(hidden_channels, 4, 1)
        nn.init.zeros_(self.out.weight)
        assert self.out.bias is not None
        nn.init.zeros_(self.out.bias)
        # Pre-projection gain (log): above 1 pushes APs onto their limit, the projection brings them back.
        self.log_gain = nn.Parameter(torch.tensor(0.4))

    def forward(
        self,
        features: torch.Tensor,  # (B, C, K, N) masked encoder map
        user_states: torch.Tensor,  # (B, K, D)
        csi: torch.Tensor,  # (B, 2, K, N) normalised CSI
        H: torch.Tensor,  # (B, K, N) padded CSI in SNR units (noise 1)
        mask: torch.Tensor,  # (B, 1, K, N) 1 on real (user, antenna) entries
        antennas_per_ap: int,
        limits: torch.Tensor,  # (B, L_max) per-AP limits (padded APs: any positive value)
    ) -> torch.Tensor:
        n_antennas = features.shape[-1]
        state_map = self.state_to_map(user_states).transpose(1, 2)[..., None].expand(-1, -1, -1, n_antennas)
        x = torch.cat([features, state_map, csi], dim=1) * mask
        x = torch.relu(self.conv1(x)) * mask
        x = torch.relu(self.conv2(x)) * mask
        raw = self.out(x) * mask  # (B, 4, K, N)
        return structured_beams(raw, H, mask, antennas_per_ap, limits, self.log_gain)


def structured_beams(
    raw: torch.Tensor,  # (B, 4, K, N): per (user, antenna) log-factors, zero on padding
    H: torch.Tensor,  # (B, K, N) padded CSI in SNR units
    mask: torch.Tensor,  # (B, 1, K, N)
    antennas_per_ap: int,
    limits: torch.Tensor,  # (B, L_max)
    log_gain: torch.Tensor,
) -> torch.Tensor:
    """The cell-free head's beams from its output map (see CellFreeCnnHead), within every AP's limit."""
    user_mask = mask[:, 0].amax(-1)  # (B, K)
    per_user = raw[:, :2].sum(-1) / mask[:, 0].sum(-1).clamp_min(1.0)[:, None]  # masked mean over antennas
    n_users = user_mask.sum(-1, keepdim=True).clamp_min(1.0)
    q = limits.sum(-1, keepdim=True) / n_users * torch.exp(per_user[:, 0]) * user_mask
    amplitude = torch.exp(0.5 * per_user[:, 1]) * user_mask  # sqrt(p_k), taken before masking: sqrt'(0) is infinite
    per_antenna = raw[:, 3].sum(1) / n_users  # (B, N): mean over the users
    batch = per_antenna.shape[0]
    per_ap = per_antenna.reshape(batch, -1, antennas_per_ap).mean(-1)  # (B, L_max); padding: 0
    # Prior: an AP's power price grows with how strongly it reaches the users. Fitted on per-scene optima of these
    # parameters: loading ∝ (AP's mean channel gain / the scene's geometric mean)^0.3 lifts the untrained head from
    # 89% (equal loadings, RZF-like) to 93% of WMMSE at L=8, M=2, K=4; the head learns the rest.
    gain_db = 10.0 * torch.log10((H.abs() ** 2).sum(1).reshape(batch, -1, antennas_per_ap).mean(-1).clamp_min(1e-30))
    ap_mask = mask[:, 0].amax(1).reshape(batch, -1, antennas_per_ap).amax(-1)  # (B, L_max): real APs
    centred = (gain_db - (gain_db * ap_mask).sum(-1, keepdim=True) / ap_mask.sum(-1, keepdim=True).clamp_min(1.0)) * ap_mask
    loading = torch.exp(per_ap + centred * (0.3 * math.log(10.0) / 10.0)).repeat_interleave(antennas_per_ap, dim=1)
    gram = torch.diag_embed(loading.to(H.dtype)) + H.mH @ (H * q[..., None].to(H.dtype))
    directions = torch.linalg.solve(gram, H.mH)  # (B, N, K)
    directions = directions / torch.linalg.vector_norm(directions, dim=-2, keepdim=True).clamp_min(1e-12)
    shaping = torch.exp(torch.tanh(raw[:, 2]) * 2.0).transpose(1, 2)  # (B, N, K), within [e^-2, e^2]
    W = directions * shaping * amplitude[:, None, :] * mask[:, 0].transpose(1, 2)
    W = scale_to_per_ap(W, antennas_per_ap, limits) * torch.exp(log_gain)
    return project_per_ap(W, antennas_per_ap, limits)


class _HetGnnLayer(nn.Module):
    """One round of messages on the user/radar graph with a weight matrix per (source, target) type."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.user_self = nn.Linear(dim, dim)
        self.user_from_users = nn.Linear(dim, dim, bias=False)
        self.user_from_radar = nn.Linear(dim, dim, bias=False)
        self.radar_self = nn.Linear(dim, dim)
        self.radar_from_users = nn.Linear(dim, dim, bias=False)
        self.norm_user = nn.LayerNorm(dim)
        self.norm_radar = nn.LayerNorm(dim)

    def forward(self, users: torch.Tensor, radar: torch.Tensor, user_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # users (B, K, D), radar (B, D), user_mask (B, K, 1)
        count = user_mask.sum(1).clamp_min(1.0)
        total = (users * user_mask).sum(1)
        others = (total[:, None, :] - users) / (count[:, None, :] - 1.0).clamp_min(1.0)  # mean over j ≠ k
        new_users = self.user_self(users) + self.user_from_users(others) + self.user_from_radar(radar)[:, None, :]
        new_radar = self.radar_self(radar) + self.radar_from_users(total / count)
        users = self.norm_user(users + torch.relu(new_users)) * user_mask
        radar = self.norm_radar(radar + torch.relu(new_radar))
        return users, radar


class IsacHetGnnHead(nn.Module):
    """Users emit corrections to MMSE-structured beams; the radar node emits corrections to the square root of the
    covariance Σ_θ d(θ) a(θ) a(θ)^H, whose beampattern is the desired mask smoothed by the array's resolution.
    All experts start at zero, so an untrained head already points its radar power at the targets."""

    steering: torch.Tensor  # (G, N) buffer: ULA steering vectors on the beampattern grid

    def __init__(
        self, state_dim: int, n_antennas: int, grid_points: int = 91, hidden: int = 128, layers: int = 2, experts: int = 3
    ) -> None:
        super().__init__()
        self.n_antennas = n_antennas
        grid = np.linspace(-90.0, 90.0, grid_points)  # the ISAC scenes' grid (channels.isac_batch, 2° steps)
        self.register_buffer("steering", ula_steering(grid, n_antennas), persistent=False)  # (G, N)
        self.user_in = nn.Linear(state_dim + 2 * n_antennas + 1, hidden)
        self.radar_in = nn.Linear(state_dim + 1, hidden)
        self.layers = nn.ModuleList([_HetGnnLayer(hidden) for _ in range(layers)])
        self.gate = nn.Sequential(nn.Linear(1, 16), nn.ReLU(), nn.Linear(16, experts))
        # Each user expert emits a log-power and a complex correction to the MMSE-structured direction.
        user_experts = [nn.Linear(hidden, 2 * n_antennas + 1) for _ in range(experts)]
        for expert in user_experts:  # start at the plain structured beams with equal powers
            nn.init.zeros_(expert.weight)
            nn.init.zeros_(expert.bias)
        self.user_experts = nn.ModuleList(user_experts)
        radar_experts = [nn.Linear(hidden, 2 * n_antennas * n_antennas) for _ in range(experts)]
        for expert in radar_experts:  # start at the matched-filter radar covariance
            nn.init.zeros_(expert.weight)
            nn.init.zeros_(expert.bias)
        self.radar_experts = nn.ModuleList(radar_experts)

    def radar_prior(self, desired: torch.Tensor, antenna_mask: torch.Tensor, total_power: float) -> torch.Tensor:
        """(B, N, N) square root of Σ_θ d(θ) a(θ) a(θ)^H over the real antennas, at total power `total_power`.
        A function of the input only (no parameters), so no gradient flows through the eigendecomposition."""
        with torch.no_grad():
            steering = self.steering.to(antenna_mask.device)[None] * antenna_mask.transpose(1, 2)  # (B, G, N)
            weights = desired.to(steering.dtype)[..., None]
            R = torch.einsum("bgn,bgm->bnm", steering * weights, steering.conj())
            R = (R + R.mH) / 2
            trace = torch.diagonal(R, dim1=-2, dim2=-1).real.sum(-1).clamp_min(1e-12)
            R = R * (total_power / trace)[:, None, None].to(R.dtype)
            values, vectors = torch.linalg.eigh(R)
            root: torch.Tensor = vectors * values.clamp_min(0.0).sqrt()[:, None, :].to(vectors.dtype)
            return root

    def forward(
        self,
        user_states: torch.Tensor,  # (B, K, D)
        radar_state: torch.Tensor,  # (B, D)
        csi: torch.Tensor,  # (B, K, 2N) normalised CSI of each user (re, im)
        H: torch.Tensor,  # (B, K, N) padded CSI in SNR units (noise 1)
        sinr_db: torch.Tensor,  # (B, K) requirement in dB (0 on padded users)
        user_mask: torch.Tensor,  # (B, K, 1)
        antenna_mask: torch.Tensor,  # (B, N, 1)
        desired: torch.Tensor,  # (B, G) desired beampattern on the grid
        total_power: float,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        gamma = (sinr_db / 10.0)[..., None]
        users = torch.relu(self.user_in(torch.cat([user_states, csi, gamma], -1))) * user_mask
        mean_gamma = (gamma * user_mask).sum(1) / user_mask.sum(1).clamp_min(1.0)
        radar = torch.relu(self.radar_in(torch.cat([radar_state, mean_gamma], -1)))
        for layer in self.layers:
            users, radar = layer(users, radar, user_mask)
        user_gate = torch.softmax(self.gate(gamma), dim=-1)  # (B, K, E): each user by its own Γ
        radar_gate = torch.softmax(self.gate(mean_gamma), dim=-1)  # (B, E): the radar node by the mean Γ
        user_out = torch.stack([e(users) for e in self.user_experts], -1)  # (B, K, 2N, E)
        user_out = (user_out * user_gate[:, :, None, :]).sum(-1)
        radar_out = torch.stack([e(radar) for e in self.radar_experts], -1)
        radar_out = (radar_out * radar_gate[:, None, :]).sum(-1)
        n = self.n_antennas
        # MMSE-structured directions (I + (P/K) Σ_j h_j^H h_j)^-1 h_k^H, as in the cell-free head; the
        # experts correct them and set each user's share of power relative to the radar streams.
        n_users = user_mask.sum(1, keepdim=True).clamp_min(1.0)
        eye = torch.eye(n, dtype=H.dtype, device=H.device)
        gram = eye + (total_power / n_users).to(H.dtype) * (H.mH @ H)
        directions = torch.linalg.solve(gram, H.mH)
        directions = directions / torch.linalg.vector_norm(directions, dim=-2, keepdim=True).clamp_min(1e-12)
        correction = torch.complex(user_out[..., :n], user_out[..., n : 2 * n]).transpose(1, 2)
        W = (directions + correction) * torch.exp(user_out[..., 2 * n])[:, None, :]
        R = radar_out.reshape(-1, 2, n, n)
        radar_beams = self.radar_prior(desired, antenna_mask, total_power) + torch.complex(R[:, 0], R[:, 1])
        W = W * antenna_mask * user_mask.transpose(1, 2)
        radar_beams = radar_beams * antenna_mask
        W, radar_scaled = scale_to_total(W, total_power, radar_beams)
        assert radar_scaled is not None
        return W, radar_scaled, user_gate
