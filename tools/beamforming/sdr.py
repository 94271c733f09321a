"""ISAC beamforming by semidefinite relaxation (Liu F. et al., IEEE TWC 2018; rank-one extraction per
Liu X. et al., IEEE TSP 2020).

    min_{R, W_1..W_K ⪰ 0, α}  mean_θ |α P_d(θ) - a(θ)^H R a(θ)|^2
    s.t. (1 + 1/Γ_k) h_k^T W_k h_k^* ≥ h_k^T R h_k^* + σ²   (SINR_k ≥ Γ_k, radar streams count as interference)
         tr(R) = P,  R - Σ_k W_k ⪰ 0.

The relaxation drops rank(W_k) = 1. Liu X. et al. show w_k = W_k h_k^* / sqrt(h_k^T W_k h_k^*) gives the
same h_k^T w_k w_k^H h_k^* and w_k w_k^H ⪯ W_k, so with R unchanged every SINR constraint and the objective
keep their values; the remaining R - Σ w_k w_k^H ⪰ 0 is sent as dedicated radar streams.
One cvxpy problem per (N, K, grid) is compiled once with parameters (DPP) and re-solved per scene.
"""

from __future__ import annotations

import itertools
import multiprocessing
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

import cvxpy as cp
import numpy as np
import torch

# cvxpy re-exports its atoms with a star import that type checkers cannot follow; import them where they live.
from cvxpy.atoms.affine.real import real
from cvxpy.atoms.affine.trace import trace as _untyped_trace
from cvxpy.atoms.affine.vec import vec
from cvxpy.atoms.sum_squares import sum_squares

from tools.beamforming.channels import IsacBatch, ula_steering

trace: Callable[[Any], Any] = _untyped_trace  # cvxpy's trace atom has an unannotated constructor


@dataclass
class SdrResult:
    W: torch.Tensor  # (B, N, K) communication beams after rank-one extraction
    radar: torch.Tensor  # (B, N, N) radar beams, radar @ radar^H = R - W W^H
    status: list[str]
    solve_time_s: list[float]  # CPU time of each scene's solve (the solvers run on one thread)


@dataclass
class _Program:
    problem: cp.Problem
    R: cp.Variable
    Ws: list[cp.Variable]
    gains: list[cp.Parameter]  # (1 + 1/Γ_k) h_k^* h_k^T
    channels: list[cp.Parameter]  # h_k^* h_k^T
    desired: cp.Parameter


@lru_cache(maxsize=16)
def _program(n_antennas: int, n_users: int, grid: tuple[float, ...], total_power: float, noise: float) -> _Program:
    steering = ula_steering(np.array(grid), n_antennas).numpy().astype(np.complex128)  # (G, N)
    # a^H R a = Σ_ij conj(a_i) R_ij a_j = (row of conj(a_i) a_j) · vec_F(R), with vec_F index i + j N.
    pattern_map = np.einsum("gi,gj->gji", steering.conj(), steering).reshape(len(grid), -1)
    R = cp.Variable((n_antennas, n_antennas), hermitian=True)
    Ws = [cp.Variable((n_antennas, n_antennas), hermitian=True) for _ in range(n_users)]
    gains = [cp.Parameter((n_antennas, n_antennas), hermitian=True) for _ in range(n_users)]
    channels = [cp.Parameter((n_antennas, n_antennas), hermitian=True) for _ in range(n_users)]
    desired = cp.Parameter(len(grid), nonneg=True)
    alpha = cp.Variable(nonneg=True)
    pattern = real(pattern_map @ vec(R, order="F"))
    objective = cp.Minimize(sum_squares(alpha * desired - pattern) / len(grid))
    constraints = [R >> 0, real(trace(R)) == total_power, R - sum(Ws) >> 0]
    for W_k, gain, chan in zip(Ws, gains, channels, strict=True):
        constraints += [W_k >> 0, real(trace(gain @ W_k)) >= real(trace(chan @ R)) + noise]
    return _Program(cp.Problem(objective, constraints), R, Ws, gains, channels, desired)


def _extract(R: np.ndarray, Ws: list[np.ndarray], H: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank-one beams from the relaxed W_k, and radar beams factoring the remaining covariance."""
    beams = []
    for W_k, h in zip(Ws, H, strict=True):
        v = W_k @ h.conj()
        beams.append(v / np.sqrt(max(float(np.real(h @ v)), 1e-30)))
    W = np.stack(beams, axis=1)
    remainder = R - W @ W.conj().T
    lam, U = np.linalg.eigh((remainder + remainder.conj().T) / 2.0)
    radar = U * np.sqrt(np.clip(lam, 0.0, None))[None, :]
    return W, radar


ACCURATE_SOLVERS = ("CLARABEL", "SCS")
"""For answers and baselines: CLARABEL (interior point) meets Γ to ~1e-5 dB; SCS (first order, default
tolerances) left 8 of 40 seeded Γ = 14 dB scenes up to 0.3 dB short. SCS stays as the fallback when CLARABEL
stops with a numerical error."""
FAST_SOLVERS = ("SCS", "CLARABEL")
"""For bulk training labels, where a tenth of a dB does not matter."""


def _one_thread() -> None:
    torch.set_num_threads(1)


def solve_sdr(batch: IsacBatch, solvers: tuple[str, ...] = ACCURATE_SOLVERS, noise: float = 1.0, workers: int = 1) -> SdrResult:
    """Solve every scene of the batch; infeasible scenes come back as zero beams with their status.

    The solvers are tried in order until one returns a definite status (optimal, inaccurate or infeasible).
    `workers` > 1 splits the scenes over that many CPU processes (the solvers are single-threaded CPU code);
    each scene's time is still its own solve time in one process."""
    if workers > 1 and batch.H.shape[0] > 1:
        return _solve_in_workers(batch, solvers, noise, workers)
    n_scenes, n_users, n = batch.H.shape
    grid = tuple(float(g) for g in batch.grid_deg.tolist())
    program = _program(n, n_users, grid, float(batch.total_power), noise)
    H = batch.H.numpy().astype(np.complex128)
    W_out = np.zeros((n_scenes, n, n_users), dtype=np.complex128)
    radar_out = np.zeros((n_scenes, n, n), dtype=np.complex128)
    statuses: list[str] = []
    times: list[float] = []
    for b in range(n_scenes):
        for k in range(n_users):
            outer = np.outer(H[b, k].conj(), H[b, k])
            program.channels[k].value = outer
            program.gains[k].value = (1.0 + 1.0 / float(batch.sinr_target[b, k])) * outer
        program.desired.value = batch.desired_pattern[b].numpy().astype(np.float64)
        start = time.process_time()
        status = "solver_error"
        for solver in solvers:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)  # "may be inaccurate": we check SINRs ourselves
                    solve: Callable[..., object] = program.problem.solve  # cvxpy leaves solve() unannotated
                    solve(solver=solver)
                status = str(program.problem.status)
            except cp.SolverError:
                status = "solver_error"
            if status in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE, cp.INFEASIBLE):
                break
        times.append(time.process_time() - start)
        statuses.append(status)
        if status in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE) and program.R.value is not None:
            Ws = [np.asarray(W_k.value) for W_k in program.Ws]
            W_out[b], radar_out[b] = _extract(np.asarray(program.R.value), Ws, H[b])
    return SdrResult(
        W=torch.from_numpy(W_out).to(torch.complex64),
        radar=torch.from_numpy(radar_out).to(torch.complex64),
        status=statuses,
        solve_time_s=times,
    )


def _solve_in_workers(batch: IsacBatch, solvers: tuple[str, ...], noise: float, workers: int) -> SdrResult:
    bounds = np.linspace(0, batch.H.shape[0], min(workers, batch.H.shape[0]) + 1).astype(int)
    chunks = [batch.rows(slice(int(a), int(b))) for a, b in itertools.pairwise(bounds)]
    # spawn, not fork: the caller may hold a CUDA context, which a forked child cannot use.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(len(chunks), mp_context=context, initializer=_one_thread) as pool:
        parts = list(pool.map(partial(solve_sdr, solvers=solvers, noise=noise), chunks))
    return SdrResult(
        W=torch.cat([p.W for p in parts]),
        radar=torch.cat([p.radar for p in parts]),
        status=[s for p in parts for s in p.status],
        solve_time_s=[t for p in parts for t in p.solve_time_s],
    )
