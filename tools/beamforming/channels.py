"""Channel generators: cell-free and single-cell layouts, and ISAC scenes with a uniform linear array.

Conventions used by every module of this package:
- `H` has shape (B, K, N), complex64: row k is user k's channel from all N transmit antennas, so the
  received signals are y = H @ W @ s + n with W of shape (B, N, K) (column k is user k's beam).
- Channels are normalised by the noise and by the per-AP power budget: noise power is 1 and each AP may
  radiate at most `ap_power` (1 by default), so |h|^2 is the SNR an AP reaches at full power.
- Antenna n belongs to AP n // M (M antennas per AP); a single cell is one AP with all N antennas.
Random draws use numpy's seeded Generator (Gamma variates for Nakagami included) and end as torch tensors.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np
import torch


class Fading(enum.IntEnum):
    """Small-scale fading model; the value is the channel-type index the LAM encoder embeds."""

    RAYLEIGH = 0
    RICIAN = 1
    NAKAGAMI = 2


@dataclass(frozen=True)
class PathLoss:
    """3GPP urban-microcell-like large-scale model (Björnson & Sanguinetti, cell-free massive MIMO, 2020)."""

    intercept_db: float = -30.5
    exponent: float = 3.67
    shadowing_std_db: float = 4.0
    height_difference_m: float = 10.0
    tx_power_dbm: float = 20.0
    noise_dbm: float = -94.0  # 20 MHz bandwidth, 7 dB noise figure

    def snr_db(self, distance_m: np.ndarray, shadowing_db: np.ndarray) -> np.ndarray:
        d = np.sqrt(distance_m**2 + self.height_difference_m**2)
        gain_db = self.intercept_db - 10.0 * self.exponent * np.log10(d) + shadowing_db
        snr: np.ndarray = gain_db + self.tx_power_dbm - self.noise_dbm
        return snr


@dataclass
class CellFreeBatch:
    """A batch of downlink scenes (cell-free, or a single cell when n_aps == 1)."""

    H: torch.Tensor  # (B, K, N) complex64
    ap_power: torch.Tensor  # (B, L) float32, per-AP power limits
    antennas_per_ap: int
    fading: torch.Tensor  # (B,) long, Fading index

    @property
    def n_aps(self) -> int:
        return int(self.ap_power.shape[1])

    def to(self, device: torch.device | str) -> CellFreeBatch:
        return CellFreeBatch(self.H.to(device), self.ap_power.to(device), self.antennas_per_ap, self.fading.to(device))

    @property
    def n_users(self) -> int:
        return int(self.H.shape[1])


@dataclass
class IsacBatch:
    """A batch of ISAC scenes: one BS with an N-antenna ULA serving K users and sensing targets."""

    H: torch.Tensor  # (B, K, N) complex64
    sinr_target: torch.Tensor  # (B, K) float32, linear
    target_angles_deg: torch.Tensor  # (B, T) float32
    desired_pattern: torch.Tensor  # (B, G) float32, 1 inside a target's beam, 0 elsewhere
    grid_deg: torch.Tensor  # (G,) float32
    total_power: float = 1.0

    def to(self, device: torch.device | str) -> IsacBatch:
        """The same scenes on `device`; the angle grid stays on the CPU (steering vectors are built there)."""
        return IsacBatch(
            self.H.to(device),
            self.sinr_target.to(device),
            self.target_angles_deg.to(device),
            self.desired_pattern.to(device),
            self.grid_deg,
            self.total_power,
        )

    @property
    def n_antennas(self) -> int:
        return int(self.H.shape[2])

    def rows(self, index: slice | torch.Tensor) -> IsacBatch:
        """The scenes at `index` (a slice or an index tensor), as a batch of their own."""
        return IsacBatch(
            self.H[index],
            self.sinr_target[index],
            self.target_angles_deg[index],
            self.desired_pattern[index],
            self.grid_deg,
            self.total_power,
        )

    @staticmethod
    def stack(batches: list[IsacBatch]) -> IsacBatch:
        """One batch of the scenes of `batches` (same sizes and grid), in order."""
        return IsacBatch(
            torch.cat([b.H for b in batches]),
            torch.cat([b.sinr_target for b in batches]),
            torch.cat([b.target_angles_deg for b in batches]),
            torch.cat([b.desired_pattern for b in batches]),
            batches[0].grid_deg,
            batches[0].total_power,
        )

    @property
    def n_users(self) -> int:
        return int(self.H.shape[1])


def ula_steering(angles_deg: np.ndarray | torch.Tensor, n_antennas: int) -> torch.Tensor:
    """Half-wavelength ULA steering vectors a(θ)_n = exp(jπ n sin θ); shape angles.shape + (N,)."""
    theta = torch.as_tensor(np.asarray(angles_deg, dtype=np.float64)) * (math.pi / 180.0)
    n = torch.arange(n_antennas, dtype=torch.float64)
    phase = math.pi * torch.sin(theta)[..., None] * n
    return torch.polar(torch.ones_like(phase), phase).to(torch.complex64)


def _small_scale(
    rng: np.random.Generator, fading: Fading, shape: tuple[int, ...], los: np.ndarray, rician_k: float, nakagami_m: float
) -> np.ndarray:
    """Unit-power fading coefficients; `los` (same shape) holds the line-of-sight steering entries for Rician."""
    scatter = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / math.sqrt(2.0)
    if fading is Fading.RAYLEIGH:
        return scatter
    if fading is Fading.RICIAN:
        rician: np.ndarray = math.sqrt(rician_k / (rician_k + 1.0)) * los + math.sqrt(1.0 / (rician_k + 1.0)) * scatter
        return rician
    amplitude = np.sqrt(rng.gamma(shape=nakagami_m, scale=1.0 / nakagami_m, size=shape))
    nakagami: np.ndarray = amplitude * np.exp(1j * rng.uniform(0.0, 2.0 * math.pi, size=shape))
    return nakagami


def cell_free_batch(
    batch: int,
    n_aps: int,
    antennas_per_ap: int,
    n_users: int,
    seed: int,
    fading: Fading | None = None,
    area_m: float = 400.0,
    path_loss: PathLoss | None = None,
    rician_k: float = 3.0,
    nakagami_m: float = 2.0,
) -> CellFreeBatch:
    """APs and users dropped uniformly in a square; one fading model per scene (random when `fading` is None)."""
    rng = np.random.default_rng(seed)
    pl = path_loss or PathLoss()
    ap_xy = rng.uniform(0.0, area_m, size=(batch, n_aps, 2))
    user_xy = rng.uniform(0.0, area_m, size=(batch, n_users, 2))
    return _layout_channels(rng, ap_xy, user_xy, antennas_per_ap, fading, pl, rician_k, nakagami_m)


def single_cell_batch(
    batch: int,
    n_antennas: int,
    n_users: int,
    seed: int,
    fading: Fading | None = None,
    radius_m: float = 250.0,
    min_distance_m: float = 35.0,
    path_loss: PathLoss | None = None,
    rician_k: float = 3.0,
    nakagami_m: float = 2.0,
) -> CellFreeBatch:
    """One BS at the centre of a disc; users uniform in the annulus [min_distance, radius]."""
    rng = np.random.default_rng(seed)
    pl = path_loss or PathLoss()
    r = np.sqrt(rng.uniform(min_distance_m**2, radius_m**2, size=(batch, n_users)))
    phi = rng.uniform(0.0, 2.0 * math.pi, size=(batch, n_users))
    user_xy = np.stack([r * np.cos(phi), r * np.sin(phi)], axis=-1)
    ap_xy = np.zeros((batch, 1, 2))
    return _layout_channels(rng, ap_xy, user_xy, n_antennas, fading, pl, rician_k, nakagami_m)


def _layout_channels(
    rng: np.random.Generator,
    ap_xy: np.ndarray,
    user_xy: np.ndarray,
    antennas_per_ap: int,
    fading: Fading | None,
    pl: PathLoss,
    rician_k: float,
    nakagami_m: float,
) -> CellFreeBatch:
    batch, n_aps, _ = ap_xy.shape
    n_users = user_xy.shape[1]
    offset = user_xy[:, :, None, :] - ap_xy[:, None, :, :]  # (B, K, L, 2)
    distance = np.linalg.norm(offset, axis=-1)
    shadowing = pl.shadowing_std_db * rng.standard_normal((batch, n_users, n_aps))
    amplitude = np.sqrt(10.0 ** (pl.snr_db(distance, shadowing) / 10.0))  # (B, K, L)
    # Each AP's ULA lies along the x axis; the LoS phase ramp follows the user's angle from broadside.
    angle = np.degrees(np.arctan2(offset[..., 0], offset[..., 1]))
    los_phase = math.pi * np.sin(np.radians(angle))[..., None] * np.arange(antennas_per_ap)
    los = np.exp(1j * (los_phase + rng.uniform(0.0, 2.0 * math.pi, size=(batch, n_users, n_aps, 1))))
    kinds = np.full(batch, int(fading)) if fading is not None else rng.integers(0, len(Fading), size=batch)
    small = np.empty((batch, n_users, n_aps, antennas_per_ap), dtype=np.complex128)
    for kind in np.unique(kinds):
        rows = kinds == kind
        small[rows] = _small_scale(rng, Fading(int(kind)), small[rows].shape, los[rows], rician_k, nakagami_m)
    H = (amplitude[..., None] * small).reshape(batch, n_users, n_aps * antennas_per_ap)
    return CellFreeBatch(
        H=torch.from_numpy(H).to(torch.complex64),
        ap_power=torch.ones(batch, n_aps),
        antennas_per_ap=antennas_per_ap,
        fading=torch.from_numpy(kinds).long(),
    )


def desired_beampattern(target_angles_deg: np.ndarray, grid_deg: np.ndarray, beam_width_deg: float) -> np.ndarray:
    """1 within ±width/2 of any target angle, 0 elsewhere (Liu F. et al., TWC 2018); (B, G)."""
    gap = np.abs(grid_deg[None, None, :] - target_angles_deg[:, :, None])
    mask: np.ndarray = (gap <= beam_width_deg / 2.0).any(axis=1).astype(np.float32)
    return mask


def isac_batch(
    batch: int,
    n_antennas: int,
    n_users: int,
    sinr_db: float | np.ndarray,
    seed: int,
    n_targets: int = 3,
    snr_db: float = 20.0,
    beam_width_deg: float = 10.0,
    grid_step_deg: float = 2.0,
    rician_k: float = 1.0,
    target_angles_deg: np.ndarray | None = None,
) -> IsacBatch:
    """Users at random angles with Rician channels; targets spread over [-60°, 60°] at least 20° apart.

    `snr_db` is total transmit power over noise; channels are scaled by it so noise is 1 and total power 1.
    `sinr_db` is one requirement for every user, or an array broadcastable to (B, K).
    `target_angles_deg` (T,) fixes the targets of every scene instead of drawing them.
    """
    rng = np.random.default_rng(seed)
    user_angles = rng.uniform(-60.0, 60.0, size=(batch, n_users))
    los = ula_steering(user_angles, n_antennas).numpy() * np.exp(1j * rng.uniform(0.0, 2.0 * math.pi, size=(batch, n_users, 1)))
    scatter = (rng.standard_normal(los.shape) + 1j * rng.standard_normal(los.shape)) / math.sqrt(2.0)
    small = math.sqrt(rician_k / (rician_k + 1.0)) * los + math.sqrt(1.0 / (rician_k + 1.0)) * scatter
    H = math.sqrt(10.0 ** (snr_db / 10.0)) * small
    # Targets: evenly spaced sectors with jitter, so beams never merge.
    sector = 120.0 / n_targets
    centres = -60.0 + sector * (np.arange(n_targets) + 0.5)
    targets = centres[None, :] + rng.uniform(-sector / 4.0, sector / 4.0, size=(batch, n_targets))
    if target_angles_deg is not None:
        targets = np.tile(np.asarray(target_angles_deg, dtype=np.float64), (batch, 1))
    grid = np.arange(-90.0, 90.0 + 1e-9, grid_step_deg)
    sinr = np.broadcast_to(10.0 ** (np.asarray(sinr_db, dtype=np.float64) / 10.0), (batch, n_users))
    return IsacBatch(
        H=torch.from_numpy(H).to(torch.complex64),
        sinr_target=torch.from_numpy(np.ascontiguousarray(sinr)).float(),
        target_angles_deg=torch.from_numpy(targets).float(),
        desired_pattern=torch.from_numpy(desired_beampattern(targets, grid, beam_width_deg)),
        grid_deg=torch.from_numpy(grid).float(),
    )
