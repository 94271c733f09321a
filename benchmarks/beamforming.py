"""Benchmark the LAM beamformer against the classical methods; prints tables, saves PNGs and a JSON record.

Cell-free (sum rate under per-AP power limits): the LAM model with its pretrained backbone and with the
random-backbone ablation, against MRT, ZF, RZF and WMMSE (from RZF), and LAM refined by WMMSE; with the
ablations of the WMMSE iteration the LAM head ends with (each LAM without it, and the untrained head with it:
what the learning adds over the head's structure). Every sum rate
is a percentage of the scene's best-known value: the best of WMMSE run to convergence from RZF, MRT, ZF, two
random starts and each LAM model's beams (WMMSE never lowers its start, so no method can exceed it). Per method:
mean and worst per-scene percentage, feasibility (share of scenes in which every AP is within its limit),
WMMSE's iterations and the share of scenes that met its per-scene stopping rule, and inference time at batch 1
(median over single scenes) and at batch 200 (one call), against WMMSE's time on the same scenes. One checkpoint
serves every size up to its maximum (zero padding), so the CPU tier also runs smaller networks on the
L=8/M=2/K=4 checkpoint.
ISAC (N=8 ULA, K=2 users, Γ ∈ {6, 10, 14} dB): SINR satisfaction (of scenes: every user reaches Γ; of users),
beampattern MSE relative to the SDR's on the scenes the SDR solves, and time per scene against SDR. Methods:
the LAM network alone; LAM+refine (gradient steps on the beampattern through the SINR power-control layer,
tools/beamforming/refine.py); the same steps from the untrained head's structured start ("no LAM", what the
learning adds); and the tool's policy LAM+refine→SDR (SDR where the beams miss Γ). Test sets are seeded and
disjoint from training seeds. Times are this process's CPU time on the CPU (one thread; on a machine shared with
other jobs that counts the work, not the waiting; the SDR's per-scene times likewise) and synchronised wall time
on a GPU.

    PYTHONPATH=. python benchmarks/beamforming.py --tier cpu    # shipped checkpoints
    PYTHONPATH=. python benchmarks/beamforming.py --tier gpu    # L=16/M=4/K=8, L=32/M=4/K=16 and ISAC: trains on cuda
    PYTHONPATH=. python benchmarks/beamforming.py --tier gpu --sdr-only   # on a CPU machine with cvxpy: the SDR data

The GPU tier solves its SDR labels and SDR baselines on CPU worker processes (cvxpy's solvers are CPU code) and
keeps them in --sdr-cache; where cvxpy is missing (the GPU machine has none), make that file with --sdr-only on a
machine that has it and bring it along. `--device cpu` runs the GPU tier's code on the CPU (a smoke run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import torch

from tools.beamforming.channels import CellFreeBatch, IsacBatch, cell_free_batch, isac_batch, ula_steering
from tools.beamforming.checkpoints import load_checkpoint, shipped_checkpoint
from tools.beamforming.lam import LamBeamformer, LamConfig
from tools.beamforming.linear import mrt, rzf, zf
from tools.beamforming.metrics import ap_power, beampattern, beampattern_mse, covariance, sinr, sum_rate
from tools.beamforming.plots import beampattern_plot, sum_rate_bars
from tools.beamforming.refine import refine_isac
from tools.beamforming.train import (
    SDR_LABEL_SINR_DB,
    group_by_users,
    model_device,
    sdr_labels,
    train_beamformer,
    train_isac,
    ungroup,
)
from tools.beamforming.wmmse import best_known, wmmse

RESULTS = Path(__file__).resolve().parent / "results"
CELLFREE_TEST_SEED = 9_100_000  # training draws seeds below 100_003 * steps + steps; these lie far above
ISAC_TEST_SEED = 9_200_000
ISAC_TIMING_SEED = 9_300_000
FEASIBLE_TOLERANCE = 1e-4  # relative excess of an AP's power over its limit still counted as feasible
SINR_TOLERANCE_DB = 0.01


@dataclass(frozen=True)
class CellFreeSize:
    n_aps: int
    antennas_per_ap: int
    n_users: int

    @property
    def label(self) -> str:
        return f"L={self.n_aps} M={self.antennas_per_ap} K={self.n_users}"


@dataclass
class CellFreeRow:
    size: str
    method: str
    sum_rate: float
    percent_of_best: float
    worst_percent: float
    feasible: float
    time_batch1_ms: float | None
    time_batch_ms: float | None
    iterations_mean: float | None = None  # WMMSE runs: iterations per scene
    iterations_max: int | None = None
    converged: float | None = None  # WMMSE runs: % of scenes that met the stopping rule before the cap


@dataclass
class IsacRow:
    gamma_db: float
    method: str
    satisfied: float  # % of scenes in which every user reaches Γ
    users_satisfied: float  # % of users reaching Γ
    mse_vs_sdr: float | None
    time_batch1_ms: float
    time_batch_ms: float | None  # one call on the timing batch
    per_scene_ms: float | None  # time_batch_ms / batch size


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def _timed(fn: Callable[[], Any], device: torch.device) -> tuple[Any, float]:
    """fn's result and its time: on a GPU wall time (synchronised), on the CPU this process's CPU time (one
    thread: on a machine shared with other jobs it counts the work, not the waiting)."""
    clock = time.perf_counter if device.type == "cuda" else time.process_time
    _sync(device)
    start = clock()
    out = fn()
    _sync(device)
    return out, clock() - start


def _median_time(fn: Callable[[], Any], device: torch.device, repeats: int) -> float:
    return statistics.median(_timed(fn, device)[1] for _ in range(repeats))


# ----------------------------------------------------------------------------------------------- cell-free


def _per_scene_time(fn: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], Any], scenes: CellFreeBatch, count: int) -> float:
    """Median seconds of `fn` on single scenes (the first `count` of the batch)."""
    times = []
    for b in range(min(count, scenes.H.shape[0])):
        call = partial(fn, scenes.H[b : b + 1], scenes.ap_power[b : b + 1], scenes.fading[b : b + 1])
        times.append(_timed(call, scenes.H.device)[1])
    return statistics.median(times)


def _lam_cellfree(
    model: LamBeamformer,
    antennas_per_ap: int,
    H: torch.Tensor,
    limits: torch.Tensor,
    fading: torch.Tensor,
    wmmse_steps: int | None = None,
) -> torch.Tensor:
    return model.cell_free(H, antennas_per_ap, limits, fading, wmmse_steps)


def evaluate_cellfree(
    size: CellFreeSize,
    models: dict[str, LamBeamformer],
    n_scenes: int,
    timing_scenes: int,
    wmmse_iter: int,
    untrained: LamBeamformer | None = None,
) -> list[CellFreeRow]:
    """Rows per method; with an `untrained` model of the same config, also the ablations of the head's unrolled
    WMMSE step: each model without it, and the untrained head with it (what the structure alone gives)."""
    device = model_device(next(iter(models.values()))) if models else torch.device("cpu")
    M = size.antennas_per_ap
    scenes = cell_free_batch(n_scenes, size.n_aps, M, size.n_users, seed=CELLFREE_TEST_SEED + 1_000 * size.n_aps + size.n_users)
    scenes = scenes.to(device)
    H, limits = scenes.H, scenes.ap_power
    methods: dict[str, Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]] = {
        "MRT": lambda h, lim, _: mrt(h, M, lim),
        "ZF": lambda h, lim, _: zf(h, M, lim),
        "RZF": lambda h, lim, _: rzf(h, M, lim),
    }
    for name, model in models.items():
        methods[name] = partial(_lam_cellfree, model, M)
    ablations: dict[str, Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]] = {}
    if untrained is not None and untrained.config.wmmse_steps:
        for name, model in models.items():
            ablations[f"{name}, no WMMSE step"] = partial(_lam_cellfree, model, M, wmmse_steps=0)
        ablations["no LAM: untrained head"] = partial(_lam_cellfree, untrained, M)
    beams: dict[str, torch.Tensor] = {}
    timings: dict[str, tuple[float | None, float | None]] = {}
    with torch.no_grad():
        for name, fn in methods.items():
            beams[name] = fn(H, limits, scenes.fading)
            if name in models:
                per_scene = _per_scene_time(fn, scenes, timing_scenes)
                timings[name] = (per_scene, _median_time(partial(fn, H, limits, scenes.fading), device, 3))
            else:
                timings[name] = (None, None)
        for name, fn in ablations.items():
            beams[name], timings[name] = fn(H, limits, scenes.fading), (None, None)
        reference, reference_time = _timed(partial(wmmse, H, M, limits, max_iter=wmmse_iter), device)
        lam_starts = {name: beams[name] for name in models}
        best, best_time = _timed(
            partial(best_known, H, M, limits, lam_starts, random_starts=2, max_iter=wmmse_iter, done={"RZF": reference}),
            device,
        )
        timed_singles = [
            _timed(partial(wmmse, H[b : b + 1], M, limits[b : b + 1], max_iter=wmmse_iter), device)
            for b in range(min(timing_scenes, n_scenes))
        ]
    singles = [run for run, _ in timed_singles]
    single_time = statistics.median(seconds for _, seconds in timed_singles)
    runs = best.runs
    beams["WMMSE"] = runs["RZF"].W
    timings["WMMSE"] = (single_time, reference_time)
    for name in models:
        beams[f"{name}+WMMSE"] = runs[name].W
        timings[f"{name}+WMMSE"] = (None, None)
    wmmse_runs = {"WMMSE": runs["RZF"], **{f"{name}+WMMSE": runs[name] for name in models}}
    sources = {s: best.source.count(s) for s in dict.fromkeys(best.source)}
    print(
        f"{size.label}: best-known value of {n_scenes} scenes from WMMSE started at {', '.join(runs)} ({best_time:.0f} s); "
        f"reached first from: {', '.join(f'{k} {v}' for k, v in sources.items())}",
        flush=True,
    )
    print(
        f"{size.label}: WMMSE from RZF on single scenes: {statistics.mean(float(r.iterations[0]) for r in singles):.0f} "
        f"iterations on average, {sum(bool(r.converged[0]) for r in singles)} of {len(singles)} converged (cap {wmmse_iter})",
        flush=True,
    )
    rates = {name: sum_rate(H, W).cpu() for name, W in beams.items()}
    reference = best.value.cpu().clamp_min(1e-9)
    rows = []
    for name, W in beams.items():
        within = (ap_power(W, M) <= limits * (1 + FEASIBLE_TOLERANCE)).all(-1).float().mean()
        t1, tb = timings[name]
        share = 100.0 * rates[name] / reference
        run = wmmse_runs.get(name)
        rows.append(
            CellFreeRow(
                size=size.label,
                method=name,
                sum_rate=float(rates[name].mean()),
                percent_of_best=float(share.mean()),
                worst_percent=float(share.min()),
                feasible=float(within) * 100.0,
                time_batch1_ms=None if t1 is None else 1e3 * t1,
                time_batch_ms=None if tb is None else 1e3 * tb,
                iterations_mean=None if run is None else float(run.iterations.float().mean()),
                iterations_max=None if run is None else int(run.iterations.max()),
                converged=None if run is None else 100.0 * float(run.converged.float().mean()),
            )
        )
    return rows


# ----------------------------------------------------------------------------------------------------- ISAC


@dataclass
class SdrData:
    """The SDR side of the ISAC benchmark: test scenes with their SDR answers (and times), and training labels."""

    tests: dict[float, tuple[IsacBatch, torch.Tensor, torch.Tensor, list[str], list[float]]]  # Γ -> scenes, W, radar, status, s
    labels: list[tuple[IsacBatch, torch.Tensor, torch.Tensor]]


def _isac_scenes(gamma_db: float, n_scenes: int, n_antennas: int, n_users: int, seed: int = ISAC_TEST_SEED) -> IsacBatch:
    return isac_batch(n_scenes, n_antennas, n_users, gamma_db, seed=seed + int(10 * gamma_db))


def sdr_data(gammas: list[float], n_scenes: int, n_antennas: int, n_users: int, label_count: int, workers: int) -> SdrData:
    """Solve the SDR on the test scenes (and `label_count` training scenes) on `workers` CPU processes."""
    from tools.beamforming.sdr import solve_sdr  # cvxpy: only where the SDR runs

    tests = {}
    for gamma in gammas:
        scenes = _isac_scenes(gamma, n_scenes, n_antennas, n_users)
        result = solve_sdr(scenes, workers=workers)
        tests[gamma] = (scenes, result.W, result.radar, result.status, result.solve_time_s)
    labels = (
        sdr_labels(label_count, n_antennas, n_users, 17, SDR_LABEL_SINR_DB, progress=False, workers=workers)
        if label_count
        else []
    )
    return SdrData(tests, labels)


def _met(scenes: IsacBatch, W: torch.Tensor, radar: torch.Tensor) -> torch.Tensor:
    """(B, K): which users reach their Γ (within SINR_TOLERANCE_DB)."""
    achieved = 10.0 * torch.log10(sinr(scenes.H, W, radar))
    return achieved >= 10.0 * torch.log10(scenes.sinr_target) - SINR_TOLERANCE_DB


def _mse(scenes: IsacBatch, W: torch.Tensor, radar: torch.Tensor) -> torch.Tensor:
    steering = ula_steering(scenes.grid_deg.numpy(), scenes.n_antennas).to(W.device)
    return beampattern_mse(beampattern(covariance(W, radar), steering), scenes.desired_pattern)


def _isac_method(model: LamBeamformer, refine_steps: int, scenes: IsacBatch) -> tuple[torch.Tensor, torch.Tensor]:
    W, radar, _ = model.isac(scenes.H, scenes.sinr_target, scenes.desired_pattern)
    if refine_steps:
        W, radar = refine_isac(scenes.H, scenes.sinr_target, scenes.desired_pattern, scenes.grid_deg, W, radar, refine_steps)
    return W, radar


def evaluate_isac(
    gamma_db: float,
    sdr: tuple[IsacBatch, torch.Tensor, torch.Tensor, list[str], list[float]],
    models: dict[str, LamBeamformer],
    untrained: LamBeamformer,
    refine_steps: int,
    timing_scenes: int,
    timing_batch: int,
    figure: Path | None,
) -> list[IsacRow]:
    cpu_scenes, sdr_W, sdr_radar, status, solve_time = sdr
    device = model_device(untrained)
    scenes = cpu_scenes.to(device)
    sdr_W, sdr_radar = sdr_W.to(device), sdr_radar.to(device)
    n_scenes, n_users, n_antennas = scenes.H.shape
    solved = torch.tensor([s in ("optimal", "optimal_inaccurate") for s in status], device=device)
    sdr_mse = _mse(scenes, sdr_W, sdr_radar)
    sdr_time = statistics.median(solve_time)
    infeasible = sum(s.startswith("infeasible") for s in status)
    print(
        f"ISAC Γ={gamma_db:g} dB: SDR solved {int(solved.sum())} of {n_scenes} test scenes ({infeasible} infeasible)", flush=True
    )
    sdr_met = _met(scenes, sdr_W, sdr_radar)
    rows = [
        IsacRow(
            gamma_db,
            "SDR",
            100.0 * float(sdr_met.all(-1).float().mean()),
            100.0 * float(sdr_met.float().mean()),
            1.0,
            1e3 * sdr_time,
            None,
            1e3 * sdr_time,
        )
    ]
    timing = _isac_scenes(gamma_db, timing_batch, n_antennas, n_users, seed=ISAC_TIMING_SEED).to(device)
    steering = ula_steering(scenes.grid_deg.numpy(), n_antennas).to(device)
    patterns = {"SDR": beampattern(covariance(sdr_W[:1], sdr_radar[:1]), steering)[0].cpu().numpy()}
    variants: list[tuple[str, LamBeamformer, int]] = []
    for name, model in models.items():
        variants += [(name, model, 0), (f"{name}+refine", model, refine_steps)]
    variants.append(("no LAM: structured start+refine", untrained, refine_steps))
    for name, model, steps in variants:
        with torch.no_grad():
            W, radar = _isac_method(model, steps, scenes)
            t1 = statistics.median(
                _timed(partial(_isac_method, model, steps, timing.rows(slice(b, b + 1))), device)[1] for b in range(timing_scenes)
            )
            tb = _median_time(partial(_isac_method, model, steps, timing), device, 3)
        met = _met(scenes, W, radar)
        mse = _mse(scenes, W, radar)
        ratio = float(mse[solved].mean() / sdr_mse[solved].mean()) if solved.any() else None
        met_scene = met.all(-1)
        rows.append(
            IsacRow(
                gamma_db,
                name,
                100.0 * float(met_scene.float().mean()),
                100.0 * float(met.float().mean()),
                ratio,
                1e3 * t1,
                1e3 * tb,
                1e3 * tb / timing_batch,
            )
        )
        if steps and name in (f"{m}+refine" for m in models):
            # The tool's policy: keep the refined beams when they meet Γ, else solve the SDR (its time added).
            fallback = met_scene | (sdr_met.all(-1) & solved)
            fallback_mse = torch.where(met_scene, mse, sdr_mse)
            fallback_ratio = float(fallback_mse[solved].mean() / sdr_mse[solved].mean()) if solved.any() else None
            share = float(met_scene.float().mean())
            users = torch.where(met_scene[:, None], met, sdr_met)
            rows.append(
                IsacRow(
                    gamma_db,
                    f"{name}→SDR",
                    100.0 * float(fallback.float().mean()),
                    100.0 * float(users.float().mean()),
                    fallback_ratio,
                    1e3 * (t1 + (1.0 - share) * sdr_time),
                    None,
                    1e3 * (tb / timing_batch + (1.0 - share) * sdr_time),
                )
            )
            patterns[name] = beampattern(covariance(W[:1], radar[:1]), steering)[0].cpu().numpy()
    if figure is not None:
        beampattern_plot(
            scenes.grid_deg.numpy(),
            patterns,
            cpu_scenes.desired_pattern[0].numpy(),
            figure,
            f"ISAC test scene 0: N={n_antennas}, K={n_users}, Γ={gamma_db:g} dB",
        )
    return rows


# -------------------------------------------------------------------------------------------------- output


def _fmt(value: float | None, spec: str) -> str:
    """`value` in `spec` (e.g. "11.2f"), or a dash as wide."""
    return format(value, spec) if value is not None else "-".rjust(int(spec.split(".")[0] or 0))


def print_cellfree(rows: list[CellFreeRow]) -> None:
    print(
        f"\n{'size':16s} {'method':32s} {'sum rate':>9s} {'% of best known':>15s} {'worst %':>7s} {'feasible %':>10s} "
        f"{'WMMSE it. mean/max':>18s} {'conv. %':>7s} {'t batch1 ms':>11s} {'t batch ms':>10s}"
    )
    for r in rows:
        iterations = "-" if r.iterations_mean is None else f"{r.iterations_mean:.0f}/{r.iterations_max}"
        print(
            f"{r.size:16s} {r.method:32s} {r.sum_rate:9.3f} {r.percent_of_best:15.1f} {r.worst_percent:7.1f} {r.feasible:10.1f} "
            f"{iterations:>18s} {_fmt(r.converged, '7.1f')} {_fmt(r.time_batch1_ms, '11.2f')} {_fmt(r.time_batch_ms, '10.1f')}"
        )


def print_speedups(rows: list[CellFreeRow], batch: int) -> None:
    by_size: dict[str, dict[str, CellFreeRow]] = {}
    for r in rows:
        by_size.setdefault(r.size, {})[r.method] = r
    print(f"\nspeed-up of LAM inference over WMMSE from RZF (same scenes, same device; batch 1 and batch {batch})")
    for size, methods in by_size.items():
        ref = methods["WMMSE"]
        for name, r in methods.items():
            if name.startswith("LAM") and r.time_batch1_ms and ref.time_batch1_ms and r.time_batch_ms and ref.time_batch_ms:
                print(
                    f"  {size:16s} {name:16s} batch 1: {ref.time_batch1_ms / r.time_batch1_ms:8.1f}x   "
                    f"batch {batch}: {ref.time_batch_ms / r.time_batch_ms:8.1f}x"
                )


def print_isac(rows: list[IsacRow], timing_batch: int) -> None:
    print(
        f"\n{'Γ dB':>4s} {'method':34s} {'scenes met %':>12s} {'users met %':>11s} {'MSE/SDR':>7s} {'t batch1 ms':>11s} "
        f"{f't batch{timing_batch} ms':>13s} {'ms/scene':>8s} {'x SDR':>7s}"
    )
    sdr_ms = {r.gamma_db: r.time_batch1_ms for r in rows if r.method == "SDR"}
    for r in rows:
        speed = None if r.per_scene_ms is None or r.method == "SDR" else sdr_ms[r.gamma_db] / r.per_scene_ms
        print(
            f"{r.gamma_db:4.0f} {r.method:34s} {r.satisfied:12.1f} {r.users_satisfied:11.1f} {_fmt(r.mse_vs_sdr, '7.2f')} "
            f"{r.time_batch1_ms:11.2f} {_fmt(r.time_batch_ms, '13.1f')} {_fmt(r.per_scene_ms, '8.3f')} {_fmt(speed, '7.0f')}"
        )
    print(f"x SDR: SDR's median solve time per scene over the method's time per scene at batch {timing_batch}")


# ---------------------------------------------------------------------------------------------------- tiers


def _shipped_models(task: str) -> dict[str, LamBeamformer]:
    models = {}
    for pretrained, name in ((True, "LAM-pretrained"), (False, "LAM-random")):
        model, _ = load_checkpoint(shipped_checkpoint(task, pretrained))
        models[name] = model
    return models


def _untrained(config: LamConfig, device: torch.device) -> LamBeamformer:
    """The model with its head untouched: zero-initialised outputs, so its beams are the head's structured start."""
    torch.manual_seed(0)
    return LamBeamformer(config).to(device).eval()


def run_isac(args: argparse.Namespace, models: dict[str, LamBeamformer], data: SdrData, prefix: str) -> list[IsacRow]:
    config = next(iter(models.values())).config
    untrained = _untrained(config, model_device(next(iter(models.values()))))
    rows: list[IsacRow] = []
    for gamma in args.gammas:
        rows += evaluate_isac(
            gamma,
            data.tests[gamma],
            models,
            untrained,
            args.refine_steps,
            args.timing_scenes,
            args.isac_timing_batch,
            Path(args.out) / f"{prefix}isac_gamma{gamma:g}.png",
        )
    print_isac(rows, args.isac_timing_batch)
    return rows


def _cellfree_with_figure(
    size: CellFreeSize, models: dict[str, LamBeamformer], args: argparse.Namespace, prefix: str, note: str
) -> list[CellFreeRow]:
    first = next(iter(models.values()))
    untrained = _untrained(first.config, model_device(first))
    rows = evaluate_cellfree(size, models, args.scenes, args.timing_scenes, args.wmmse_iter, untrained)
    sum_rate_bars(
        {r.method: r.sum_rate for r in rows},
        Path(args.out) / f"{prefix}_L{size.n_aps}_K{size.n_users}.png",
        f"cell-free {size.label}{note}: mean sum rate over {args.scenes} test scenes",
    )
    return rows


def run_cpu_tier(args: argparse.Namespace) -> dict[str, Any]:
    cell_models = _shipped_models("cellfree")
    cfg = next(iter(cell_models.values())).config
    main = CellFreeSize(cfg.max_antennas // cfg.antennas_per_ap, cfg.antennas_per_ap, cfg.max_users)
    sizes = [
        main,
        CellFreeSize(main.n_aps // 2, main.antennas_per_ap, main.n_users // 2),
        CellFreeSize(main.n_aps - 2, main.antennas_per_ap, main.n_users - 1),
    ]
    cell_rows: list[CellFreeRow] = []
    if not args.skip_cellfree:
        for size in sizes:
            cell_rows += _cellfree_with_figure(size, cell_models, args, "beamforming_cellfree", "")
        print_cellfree(cell_rows)
        print_speedups(cell_rows, args.scenes)
    isac_models = _shipped_models("isac")
    icfg = next(iter(isac_models.values())).config
    data = sdr_data(args.gammas, args.isac_scenes, icfg.max_antennas, icfg.max_users, 0, 1)
    isac_rows = run_isac(args, isac_models, data, "beamforming_")
    return {"cellfree": [asdict(r) for r in cell_rows], "isac": [asdict(r) for r in isac_rows], "device": "cpu"}


GPU_SIZES = (CellFreeSize(16, 4, 8), CellFreeSize(32, 4, 16))
GPU_ISAC = (8, 2)  # antennas, users: the CPU tier's ISAC size, trained with a GPU's budget


def _load_or_make_sdr(args: argparse.Namespace) -> SdrData:
    path = Path(args.sdr_cache)
    key = {"gammas": args.gammas, "scenes": args.isac_scenes, "size": GPU_ISAC, "labels": args.gpu_sdr_labels}
    if path.exists():
        payload = torch.load(path, map_location="cpu", weights_only=False)
        if payload["key"] == key:
            print(f"SDR data from {path} (made on {payload['made_on']})", flush=True)
            return SdrData(payload["tests"], ungroup(payload["labels"]))
        print(f"{path} holds SDR data for other settings ({payload['key']}); solving again", flush=True)
    try:
        import cvxpy  # noqa: F401  (only to say clearly what is missing)
    except ImportError:
        raise SystemExit(
            f"the ISAC part needs cvxpy for its SDR labels and baseline, and cvxpy is not installed here; make {path.name} "
            "with `--tier gpu --sdr-only` on a machine that has it (same --gammas/--isac-scenes/--gpu-sdr-labels) and bring it"
        ) from None
    workers = args.workers or max(1, (os.cpu_count() or 2) - 1)
    start = time.perf_counter()
    data = sdr_data(args.gammas, args.isac_scenes, *GPU_ISAC, args.gpu_sdr_labels, workers)
    print(
        f"SDR data: {len(data.labels)} labels and {len(args.gammas)} test sets on {workers} CPU workers in "
        f"{time.perf_counter() - start:.0f} s",
        flush=True,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    made_on = f"{os.uname().nodename}, {os.cpu_count()} CPUs"
    torch.save({"key": key, "tests": data.tests, "labels": group_by_users(data.labels), "made_on": made_on}, path)
    return data


def _train_isac_on(device: torch.device, pretrained: bool, data: SdrData, args: argparse.Namespace) -> LamBeamformer:
    torch.manual_seed(args.seed)
    antennas, users = GPU_ISAC
    model = LamBeamformer(LamConfig("isac", users, antennas, 1, pretrained=pretrained, backbone_bf16=True)).to(device)
    train_isac(model, data.labels, args.gpu_isac_epochs, args.gpu_isac_steps, args.gpu_batch, args.seed, progress=False)
    return model


def run_gpu_tier(args: argparse.Namespace) -> dict[str, Any]:
    device = torch.device(args.device)
    data = _load_or_make_sdr(args)
    if args.sdr_only:
        return {"sdr_cache": str(args.sdr_cache), "labels": len(data.labels)}
    cell_rows: list[CellFreeRow] = []
    train_seconds: dict[str, float] = {}
    Path(args.out).mkdir(parents=True, exist_ok=True)
    for size in GPU_SIZES:
        models = {}
        for pretrained, name in ((True, "LAM-pretrained"), (False, "LAM-random")):
            path = Path(args.out) / f"gpu_cellfree_L{size.n_aps}_K{size.n_users}_{'pretrained' if pretrained else 'random'}.pt"
            start = time.perf_counter()
            train_beamformer(
                "cellfree",
                path,
                max_users=size.n_users,
                max_aps=size.n_aps,
                antennas_per_ap=size.antennas_per_ap,
                steps=args.gpu_train_steps,
                batch_size=args.gpu_batch,
                pretrained=pretrained,
                seed=args.seed,
                device=args.device,
                progress=False,
            )
            train_seconds[f"{name} {size.label}"] = time.perf_counter() - start
            print(
                f"trained {name} for {size.label}: {args.gpu_train_steps} steps in {train_seconds[f'{name} {size.label}']:.0f} s",
                flush=True,
            )
            model, _ = load_checkpoint(path)
            models[name] = model.to(device)
        cell_rows += _cellfree_with_figure(size, models, args, "beamforming_gpu_cellfree", " (GPU)")
    print_cellfree(cell_rows)
    print_speedups(cell_rows, args.scenes)
    isac_models = {}
    for pretrained, name in ((True, "LAM-pretrained"), (False, "LAM-random")):
        start = time.perf_counter()
        isac_models[name] = _train_isac_on(device, pretrained, data, args).eval()
        train_seconds[f"{name} ISAC"] = time.perf_counter() - start
        seconds = train_seconds[f"{name} ISAC"]
        print(f"trained {name} for ISAC: {len(data.labels)} labels, {args.gpu_isac_steps} steps in {seconds:.0f} s", flush=True)
    isac_rows = run_isac(args, isac_models, data, "beamforming_gpu_")
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu (smoke run of the GPU tier's code)"
    return {
        "cellfree": [asdict(r) for r in cell_rows],
        "isac": [asdict(r) for r in isac_rows],
        "device": name,
        "train_s": train_seconds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tier", choices=["cpu", "gpu"], default="cpu")
    parser.add_argument("--scenes", type=int, default=200, help="cell-free test scenes per size (the batch for batch timing)")
    parser.add_argument("--isac-scenes", type=int, default=100, help="ISAC test scenes per Γ (solved by the SDR)")
    parser.add_argument("--isac-timing-batch", type=int, default=200, help="ISAC scenes in the batch-timing call")
    parser.add_argument("--gammas", type=float, nargs="+", default=[6.0, 10.0, 14.0])
    parser.add_argument("--timing-scenes", type=int, default=20, help="single scenes timed at batch 1 (median)")
    parser.add_argument("--wmmse-iter", type=int, default=1000, help="WMMSE's iteration cap per scene")
    parser.add_argument("--refine-steps", type=int, default=30, help="ISAC refinement steps after the LAM")
    parser.add_argument("--skip-cellfree", action="store_true", help="cpu tier: ISAC only")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (1: a fair count on a shared machine)")
    parser.add_argument("--device", default="cuda", help="gpu tier: the torch device (cpu: a smoke run of its code)")
    parser.add_argument("--gpu-train-steps", type=int, default=1500)
    parser.add_argument("--gpu-batch", type=int, default=256)
    parser.add_argument("--gpu-isac-steps", type=int, default=3000, help="gpu tier: ISAC fine-tuning steps")
    parser.add_argument("--gpu-isac-epochs", type=int, default=20, help="gpu tier: ISAC epochs over the SDR labels")
    parser.add_argument("--gpu-sdr-labels", type=int, default=2000, help="gpu tier: SDR-labelled ISAC training scenes")
    parser.add_argument("--out", default=str(RESULTS), help="folder for the JSON record, figures and GPU-trained checkpoints")
    parser.add_argument("--sdr-cache", default=None, help="gpu tier: SDR data file (default: beamforming_sdr_cache.pt in --out)")
    parser.add_argument("--sdr-only", action="store_true", help="gpu tier: make the SDR data file and stop (needs cvxpy, no GPU)")
    parser.add_argument("--workers", type=int, default=0, help="CPU processes for the SDR (0: all CPUs but one)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.sdr_cache = args.sdr_cache or str(Path(args.out) / "beamforming_sdr_cache.pt")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    if args.tier == "gpu" and not args.sdr_only and args.device.startswith("cuda") and not torch.cuda.is_available():
        print(
            "the gpu tier needs CUDA, and cuda is absent here (torch.cuda.is_available() is False); run `--tier cpu`, "
            "this tier on a machine with an NVIDIA GPU, `--sdr-only` to prepare its SDR data, or `--device cpu` for a smoke run",
            file=sys.stderr,
        )
        return 2
    start = time.perf_counter()
    record = run_cpu_tier(args) if args.tier == "cpu" else run_gpu_tier(args)
    record.update({"tier": args.tier, "args": vars(args), "wall_s": time.perf_counter() - start, "torch": torch.__version__})
    out = Path(args.out) / f"beamforming_{args.tier}{'_sdr' if args.sdr_only else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=1))
    print(f"\nwall time {record['wall_s']:.0f} s; figures and {out.name} under {out.parent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
