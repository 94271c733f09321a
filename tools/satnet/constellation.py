"""Walker-Delta constellation geometry: satellite positions, +Grid inter-satellite links, line of sight, routing.

A Walker-Delta shell i:T/P/F has P circular orbital planes at inclination i, their ascending nodes spread
evenly over 360 degrees, S = T/P satellites evenly spaced in each plane, and a phase offset of F * 360/T
degrees between neighbouring planes. Each satellite keeps four links (+Grid): its two neighbours in the
plane and the satellites of the same slot in the neighbouring planes. Plane P-1 and plane 0 meet at the
seam, where the phasing shifts the slot numbers by F. The positions are a snapshot (t = 0): the scenario is
static, so no orbit propagator is needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, Field, model_validator
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

EARTH_RADIUS_KM = 6371.0
EARTH_MU_KM3_S2 = 398600.4418
"""Earth's standard gravitational parameter."""
LIGHT_KM_PER_MS = 299.792458


class WalkerDelta(BaseModel):
    planes: int = Field(ge=1, le=200)
    satellites_per_plane: int = Field(ge=2, le=200)
    altitude_km: float = Field(gt=100, le=40_000)
    inclination_deg: float = Field(ge=0, le=180)
    phasing: int = Field(default=1, ge=0, description="Walker phasing factor F, 0 <= F < planes")

    @model_validator(mode="after")
    def _phasing_in_range(self) -> WalkerDelta:
        if self.phasing >= max(1, self.planes):
            raise ValueError(f"the phasing factor F = {self.phasing} must be smaller than the number of planes {self.planes}")
        return self

    @property
    def total(self) -> int:
        return self.planes * self.satellites_per_plane

    @property
    def radius_km(self) -> float:
        return EARTH_RADIUS_KM + self.altitude_km

    @property
    def period_s(self) -> float:
        """Orbital period of a circular orbit at this altitude (Kepler's third law)."""
        return 2 * math.pi * math.sqrt(self.radius_km**3 / EARTH_MU_KM3_S2)

    def notation(self) -> str:
        return f"{self.inclination_deg:g}°: {self.total}/{self.planes}/{self.phasing} at {self.altitude_km:g} km"


def satellite_name(plane: int, slot: int) -> str:
    return f"P{plane + 1}S{slot + 1}"


@dataclass(frozen=True)
class Constellation:
    names: tuple[str, ...]
    positions_km: NDArray[np.float64]
    """(N, 3) Earth-centred inertial coordinates at t = 0."""
    links: tuple[tuple[int, int], ...]
    """Usable inter-satellite links (indices into names), each once with i < j."""
    dropped_links: tuple[tuple[int, int, float], ...]
    """+Grid links left out because the line between the satellites passes too low: (i, j, lowest altitude in km)."""
    delay_ms: NDArray[np.float64]
    """(N, N) one-way propagation delay along the fastest ISL route; inf where no route exists."""
    hops: NDArray[np.int64]
    """(N, N) number of ISLs on that route; -1 where no route exists."""

    @property
    def index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.names)}

    def link_length_km(self, i: int, j: int) -> float:
        return float(np.linalg.norm(self.positions_km[i] - self.positions_km[j]))

    def subpoints_deg(self) -> NDArray[np.float64]:
        """(N, 2) latitude and longitude (inertial, t = 0) of each satellite, for plots."""
        x, y, z = self.positions_km.T
        return np.column_stack(
            [np.degrees(np.arcsin(z / np.linalg.norm(self.positions_km, axis=1))), np.degrees(np.arctan2(y, x))]
        )


def walker_positions(
    shell: WalkerDelta, rng: np.random.Generator | None = None, perturbation_deg: float = 0.0, altitude_jitter_km: float = 0.0
) -> NDArray[np.float64]:
    """Satellite positions in plane-major order; optional seeded Gaussian perturbations of phase, node and altitude."""
    planes, per_plane = shell.planes, shell.satellites_per_plane
    plane = np.repeat(np.arange(planes), per_plane)
    slot = np.tile(np.arange(per_plane), planes)
    raan = 2 * np.pi * plane / planes
    anomaly = 2 * np.pi * slot / per_plane + 2 * np.pi * shell.phasing * plane / shell.total
    radius = np.full(shell.total, shell.radius_km)
    if rng is not None and perturbation_deg > 0:
        anomaly = anomaly + np.radians(rng.normal(0.0, perturbation_deg, shell.total))
        raan = raan + np.radians(rng.normal(0.0, perturbation_deg, shell.total))
    if rng is not None and altitude_jitter_km > 0:
        radius = radius + rng.normal(0.0, altitude_jitter_km, shell.total)
    inc = math.radians(shell.inclination_deg)
    cos_o, sin_o, cos_u, sin_u = np.cos(raan), np.sin(raan), np.cos(anomaly), np.sin(anomaly)
    return np.column_stack(
        [
            radius * (cos_o * cos_u - sin_o * sin_u * math.cos(inc)),
            radius * (sin_o * cos_u + cos_o * sin_u * math.cos(inc)),
            radius * sin_u * math.sin(inc),
        ]
    )


def grid_links(shell: WalkerDelta) -> list[tuple[int, int]]:
    """+Grid: ring links inside each plane, and same-slot links to the next plane (slot shifted by F across the seam)."""
    planes, per_plane = shell.planes, shell.satellites_per_plane

    def at(p: int, k: int) -> int:
        return p * per_plane + k % per_plane

    links: set[tuple[int, int]] = set()
    for p in range(planes):
        for k in range(per_plane):
            links.add(_ordered(at(p, k), at(p, k + 1)))
            if planes > 1 and (p + 1 < planes or planes > 2):
                # Crossing the seam (plane P-1 to plane 0) the Walker phasing moves the same-phase satellite by F slots.
                neighbour = at(p + 1, k) if p + 1 < planes else at(0, k + shell.phasing)
                links.add(_ordered(at(p, k), neighbour))
    return sorted(link for link in links if link[0] != link[1])


def _ordered(i: int, j: int) -> tuple[int, int]:
    return (i, j) if i < j else (j, i)


def lowest_altitude_km(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Altitude of the point of segment a-b closest to the Earth's centre."""
    direction = b - a
    t = float(np.clip(-np.dot(a, direction) / max(float(np.dot(direction, direction)), 1e-12), 0.0, 1.0))
    return float(np.linalg.norm(a + t * direction)) - EARTH_RADIUS_KM


def build_constellation(
    names: list[str], positions_km: NDArray[np.float64], candidate_links: list[tuple[int, int]], min_link_altitude_km: float
) -> Constellation:
    """Keep the links with line of sight above `min_link_altitude_km`, then route every pair over them."""
    kept: list[tuple[int, int]] = []
    dropped: list[tuple[int, int, float]] = []
    for i, j in candidate_links:
        lowest = lowest_altitude_km(positions_km[i], positions_km[j])
        if lowest < min_link_altitude_km:
            dropped.append((i, j, round(lowest, 1)))
        else:
            kept.append((i, j))
    delay, hops = route_all_pairs(positions_km, kept)
    return Constellation(
        names=tuple(names), positions_km=positions_km, links=tuple(kept), dropped_links=tuple(dropped), delay_ms=delay, hops=hops
    )


def route_all_pairs(
    positions_km: NDArray[np.float64], links: list[tuple[int, int]]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Fastest-route propagation delay between all pairs (Dijkstra) and the hop count of that same route."""
    n = len(positions_km)
    if links:
        rows = np.array([i for i, _ in links] + [j for _, j in links])
        cols = np.array([j for _, j in links] + [i for i, _ in links])
        lengths = np.linalg.norm(positions_km[rows] - positions_km[cols], axis=1) / LIGHT_KM_PER_MS
        graph = csr_matrix((lengths, (rows, cols)), shape=(n, n))
        delay, predecessors = shortest_path(graph, method="D", directed=False, return_predecessors=True)
    else:
        delay = np.where(np.eye(n, dtype=bool), 0.0, np.inf)
        predecessors = np.full((n, n), -9999)
    # hops[i, j] = hops[i, pred[i, j]] + 1 along the same route: iterate to the fixed point (at most the diameter).
    reachable = np.isfinite(delay)
    hops = np.where(np.eye(n, dtype=bool), 0, -1).astype(np.int64)
    pred = np.where(predecessors < 0, 0, predecessors)
    rows_idx = np.arange(n)[:, None]
    for _ in range(n):
        known = hops[rows_idx, pred]
        update = reachable & (hops < 0) & (known >= 0) & (predecessors >= 0)
        if not update.any():
            break
        hops = np.where(update, known + 1, hops)
    return np.asarray(delay, dtype=np.float64), hops
