"""Benchmark the LAM beamformer against the classical methods; prints tables, saves PNGs and a JSON record.

Cell-free (sum rate under per-AP power limits): the LAM model with its pretrained backbone and with the
random-backbone ablation, against MRT, ZF, RZF and WMMSE (from RZF), and LAM refined by WMMSE. Per method:
mean sum rate, the mean over scenes of 100 * rate / max(WMMSE, RZF) of that scene, feasibility (share of
scenes in which every AP is within its limit), and inference time at batch 1 (median over single scenes)
and at batch 200 (one call), against WMMSE's time on the same scenes. One checkpoint serves every size up
to its maximum (zero padding), so the CPU tier also runs smaller networks on the L=8/M=2/K=4 checkpoint.
ISAC (N=8 ULA, K=2 users, Γ ∈ {6, 10, 14} dB): SINR satisfaction (share of scenes in which every user
reaches Γ), beampattern MSE relative to the SDR's on the scenes the SDR solves, and time against SDR;
also the tool's policy "LAM, SDR when LAM misses Γ". Test sets are seeded and disjoint from training seeds.

    PYTHONPATH=. python benchmarks/beamforming.py --tier cpu    # shipped checkpoints; a few minutes on 2 cores
    PYTHONPATH=. python benchmarks/beamforming.py --tier gpu    # L=16/M=4/K=8, L=32/M=4/K=16: trains on cuda, then measures
"""

from __future__ import annotations

import argparse
import json
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
from tools.beamforming.lam import LamBeamformer
from tools.beamforming.linear import mrt, rzf, zf
from tools.beamforming.metrics import ap_power, beampattern, beampattern_mse, covariance, sinr, sum_rate
from tools.beamforming.plots import beampattern_plot, sum_rate_bars
from tools.beamforming.sdr import solve_sdr
from tools.beamforming.train import train_beamformer
from tools.beamforming.wmmse import wmmse

RESULTS = Path(__file__).resolve().parent / "results"
CELLFREE_TEST_SEED = 9_100_000  # training draws seeds below 100_003 * steps + steps; these lie far above
ISAC_TEST_SEED = 9_200_000
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
    feasible: float
    time_batch1_ms: float | None
    time_batch_ms: float | None


@dataclass
class IsacRow:
    gamma_db: float
    method: str
    satisfied: float
    mse_vs_sdr: float | None
    time_batch1_ms: float
    time_batch_ms: float | None


def _median_time(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def _per_scene_time(fn: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], Any], scenes: CellFreeBatch, count: int) -> float:
    """Median seconds of `fn` on single scenes (the first `count` of the batch)."""
    device = scenes.H.device
    times = []
    for b in range(min(count, scenes.H.shape[0])):
        args = (scenes.H[b : b + 1], scenes.ap_power[b : b + 1], scenes.fading[b : b + 1])
        _sync(device)
        start = time.perf_counter()
        fn(*args)
        _sync(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _batch_time(fn: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], Any], scenes: CellFreeBatch, repeats: int = 3) -> float:
    def call() -> None:
        fn(scenes.H, scenes.ap_power, scenes.fading)
        _sync(scenes.H.device)

    return _median_time(call, repeats)


def evaluate_cellfree(
    size: CellFreeSize, models: dict[str, LamBeamformer], n_scenes: int, timing_scenes: int, wmmse_iter: int
) -> list[CellFreeRow]:
    device = next(next(iter(models.values())).parameters()).device if models else torch.device("cpu")
    M = size.antennas_per_ap
    scenes = cell_free_batch(n_scenes, size.n_aps, M, size.n_users, seed=CELLFREE_TEST_SEED + 1_000 * size.n_aps + size.n_users)
    scenes = scenes.to(device)
    H, limits = scenes.H, scenes.ap_power

    def run_wmmse(h: torch.Tensor, lim: torch.Tensor, _: torch.Tensor) -> torch.Tensor:
        return wmmse(h, M, lim, max_iter=wmmse_iter).W

    methods: dict[str, Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]] = {
        "MRT": lambda h, lim, _: mrt(h, M, lim),
        "ZF": lambda h, lim, _: zf(h, M, lim),
        "RZF": lambda h, lim, _: rzf(h, M, lim),
        "WMMSE": run_wmmse,
    }
    for name, model in models.items():
        methods[name] = partial(_lam_cellfree, model, M)
    beams: dict[str, torch.Tensor] = {}
    timings: dict[str, tuple[float | None, float | None]] = {}
    with torch.no_grad():
        for name, fn in methods.items():
            beams[name] = fn(H, limits, scenes.fading)
            timed = name == "WMMSE" or name.startswith("LAM")
            timings[name] = (_per_scene_time(fn, scenes, timing_scenes), _batch_time(fn, scenes)) if timed else (None, None)
        batch_run = wmmse(H, M, limits, max_iter=wmmse_iter)
        singles = [wmmse(H[b : b + 1], M, limits[b : b + 1], max_iter=wmmse_iter) for b in range(min(timing_scenes, n_scenes))]
        print(
            f"{size.label}: WMMSE from RZF ran {batch_run.iterations} iterations on the batch of {n_scenes} "
            f"(converged: {batch_run.converged}); on single scenes {statistics.mean(r.iterations for r in singles):.1f} "
            f"on average, {sum(r.converged for r in singles)} of {len(singles)} converged (tol 1e-4, cap {wmmse_iter})",
            flush=True,
        )
        for name in models:
            refined = wmmse(H, M, limits, W0=beams[name], max_iter=wmmse_iter)
            beams[f"{name}+WMMSE"] = refined.W
            timings[f"{name}+WMMSE"] = (None, None)
    rates = {name: sum_rate(H, W).cpu() for name, W in beams.items()}
    best = torch.maximum(rates["WMMSE"], rates["RZF"]).clamp_min(1e-9)
    rows = []
    for name, W in beams.items():
        within = (ap_power(W, M) <= limits * (1 + FEASIBLE_TOLERANCE)).all(-1).float().mean()
        t1, tb = timings[name]
        rows.append(
            CellFreeRow(
                size=size.label,
                method=name,
                sum_rate=float(rates[name].mean()),
                percent_of_best=float((100.0 * rates[name] / best).mean()),
                feasible=float(within) * 100.0,
                time_batch1_ms=None if t1 is None else 1e3 * t1,
                time_batch_ms=None if tb is None else 1e3 * tb,
            )
        )
    return rows


def _isac_scenes(gamma_db: float, n_scenes: int, n_antennas: int, n_users: int) -> IsacBatch:
    return isac_batch(n_scenes, n_antennas, n_users, gamma_db, seed=ISAC_TEST_SEED + int(10 * gamma_db))


def _met(scenes: IsacBatch, W: torch.Tensor, radar: torch.Tensor) -> torch.Tensor:
    achieved = 10.0 * torch.log10(sinr(scenes.H, W, radar))
    return (achieved >= 10.0 * torch.log10(scenes.sinr_target) - SINR_TOLERANCE_DB).all(-1)


def _mse(scenes: IsacBatch, W: torch.Tensor, radar: torch.Tensor) -> torch.Tensor:
    steering = ula_steering(scenes.grid_deg.numpy(), scenes.n_antennas)
    return beampattern_mse(beampattern(covariance(W, radar), steering), scenes.desired_pattern)


def _isac_call(model: LamBeamformer, scenes: IsacBatch, rows: slice) -> None:
    model.isac(scenes.H[rows], scenes.sinr_target[rows], scenes.desired_pattern[rows])


def _lam_cellfree(
    model: LamBeamformer, antennas_per_ap: int, H: torch.Tensor, limits: torch.Tensor, fading: torch.Tensor
) -> torch.Tensor:
    return model.cell_free(H, antennas_per_ap, limits, fading)


def evaluate_isac(
    gamma_db: float,
    models: dict[str, LamBeamformer],
    n_scenes: int,
    timing_scenes: int,
    n_antennas: int,
    n_users: int,
    figure: Path | None,
) -> list[IsacRow]:
    scenes = _isac_scenes(gamma_db, n_scenes, n_antennas, n_users)
    sdr = solve_sdr(scenes)
    solved = torch.tensor([s in ("optimal", "optimal_inaccurate") for s in sdr.status])
    sdr_mse = _mse(scenes, sdr.W, sdr.radar)
    sdr_time = statistics.median(sdr.solve_time_s)
    infeasible = sum(s.startswith("infeasible") for s in sdr.status)
    print(
        f"ISAC Γ={gamma_db:g} dB: SDR solved {int(solved.sum())} of {n_scenes} test scenes ({infeasible} infeasible)", flush=True
    )
    rows = [IsacRow(gamma_db, "SDR", float(_met(scenes, sdr.W, sdr.radar).float().mean()) * 100.0, 1.0, 1e3 * sdr_time, None)]
    steering = ula_steering(scenes.grid_deg.numpy(), n_antennas)
    patterns = {"SDR": beampattern(covariance(sdr.W[:1], sdr.radar[:1]), steering)[0].numpy()}
    for name, model in models.items():
        with torch.no_grad():
            W, radar, _ = model.isac(scenes.H, scenes.sinr_target, scenes.desired_pattern)
            singles = [partial(_isac_call, model, scenes, slice(b, b + 1)) for b in range(min(timing_scenes, n_scenes))]
            t1 = statistics.median(_median_time(call, 1) for call in singles)
            tb = _median_time(partial(_isac_call, model, scenes, slice(None)), 3)
        met = _met(scenes, W, radar)
        mse = _mse(scenes, W, radar)
        ratio = float(mse[solved].mean() / sdr_mse[solved].mean()) if solved.any() else None
        rows.append(IsacRow(gamma_db, name, float(met.float().mean()) * 100.0, ratio, 1e3 * t1, 1e3 * tb))
        # The tool's policy: keep the LAM beams when they meet Γ, else solve the SDR (its time added).
        fallback_met = met | (_met(scenes, sdr.W, sdr.radar) & solved)
        fallback_mse = torch.where(met, mse, sdr_mse)
        fallback_ratio = float(fallback_mse[solved].mean() / sdr_mse[solved].mean()) if solved.any() else None
        fallback_time = t1 + (1.0 - float(met.float().mean())) * sdr_time
        rows.append(
            IsacRow(
                gamma_db, f"{name}→SDR", float(fallback_met.float().mean()) * 100.0, fallback_ratio, 1e3 * fallback_time, None
            )
        )
        patterns[name] = beampattern(covariance(W[:1], radar[:1]), steering)[0].numpy()
    if figure is not None:
        beampattern_plot(
            scenes.grid_deg.numpy(),
            patterns,
            scenes.desired_pattern[0].numpy(),
            figure,
            f"ISAC test scene 0: N={n_antennas}, K={n_users}, Γ={gamma_db:g} dB",
        )
    return rows


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_cellfree(rows: list[CellFreeRow]) -> None:
    print(
        f"\n{'size':18s} {'method':24s} {'sum rate':>9s} {'% of max(WMMSE,RZF)':>20s} {'feasible %':>10s} "
        f"{'t batch1 ms':>11s} {'t batch ms':>10s}"
    )
    for r in rows:
        print(
            f"{r.size:18s} {r.method:24s} {r.sum_rate:9.3f} {r.percent_of_best:20.1f} {r.feasible:10.1f} "
            f"{_fmt(r.time_batch1_ms, '11.2f')} {_fmt(r.time_batch_ms, '10.1f')}"
        )


def print_speedups(rows: list[CellFreeRow], batch: int) -> None:
    by_size: dict[str, dict[str, CellFreeRow]] = {}
    for r in rows:
        by_size.setdefault(r.size, {})[r.method] = r
    print(f"\nspeed-up of LAM inference over WMMSE (same scenes, same device; batch 1 and batch {batch})")
    for size, methods in by_size.items():
        ref = methods["WMMSE"]
        for name, r in methods.items():
            if name.startswith("LAM") and r.time_batch1_ms and ref.time_batch1_ms and r.time_batch_ms and ref.time_batch_ms:
                print(
                    f"  {size:18s} {name:16s} batch 1: {ref.time_batch1_ms / r.time_batch1_ms:6.1f}x   "
                    f"batch {batch}: {ref.time_batch_ms / r.time_batch_ms:6.1f}x"
                )


def print_isac(rows: list[IsacRow]) -> None:
    print(
        f"\n{'Γ dB':>5s} {'method':24s} {'SINR satisfied %':>16s} {'MSE / SDR MSE':>13s} {'t batch1 ms':>11s} {'t batch ms':>10s}"
    )
    for r in rows:
        print(
            f"{r.gamma_db:5.0f} {r.method:24s} {r.satisfied:16.1f} {_fmt(r.mse_vs_sdr, '13.2f')} "
            f"{r.time_batch1_ms:11.2f} {_fmt(r.time_batch_ms, '10.1f')}"
        )


def _shipped_models(task: str) -> dict[str, LamBeamformer]:
    models = {}
    for pretrained, name in ((True, "LAM-pretrained"), (False, "LAM-random")):
        model, _ = load_checkpoint(shipped_checkpoint(task, pretrained))
        models[name] = model
    return models


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
    for size in sizes:
        rows = evaluate_cellfree(size, cell_models, args.scenes, args.timing_scenes, args.wmmse_iter)
        cell_rows += rows
        sum_rate_bars(
            {r.method: r.sum_rate for r in rows},
            RESULTS / f"beamforming_cellfree_L{size.n_aps}_K{size.n_users}.png",
            f"cell-free {size.label}: mean sum rate over {args.scenes} test scenes",
        )
    print_cellfree(cell_rows)
    print_speedups(cell_rows, args.scenes)
    isac_models = _shipped_models("isac")
    icfg = next(iter(isac_models.values())).config
    isac_rows: list[IsacRow] = []
    for gamma in args.gammas:
        isac_rows += evaluate_isac(
            gamma,
            isac_models,
            args.isac_scenes,
            args.timing_scenes,
            icfg.max_antennas,
            icfg.max_users,
            RESULTS / f"beamforming_isac_gamma{gamma:g}.png",
        )
    print_isac(isac_rows)
    return {"cellfree": [asdict(r) for r in cell_rows], "isac": [asdict(r) for r in isac_rows]}


GPU_SIZES = (CellFreeSize(16, 4, 8), CellFreeSize(32, 4, 16))


def run_gpu_tier(args: argparse.Namespace) -> dict[str, Any]:
    device = torch.device("cuda")
    cell_rows: list[CellFreeRow] = []
    RESULTS.mkdir(parents=True, exist_ok=True)
    for size in GPU_SIZES:
        models = {}
        for pretrained, name in ((True, "LAM-pretrained"), (False, "LAM-random")):
            path = RESULTS / f"gpu_cellfree_L{size.n_aps}_K{size.n_users}_{'pretrained' if pretrained else 'random'}.pt"
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
                device="cuda",
                progress=False,
            )
            print(
                f"trained {name} for {size.label}: {args.gpu_train_steps} steps in {time.perf_counter() - start:.0f} s",
                flush=True,
            )
            model, _ = load_checkpoint(path)
            models[name] = model.to(device)
        rows = evaluate_cellfree(size, models, args.scenes, args.timing_scenes, args.wmmse_iter)
        cell_rows += rows
        sum_rate_bars(
            {r.method: r.sum_rate for r in rows},
            RESULTS / f"beamforming_gpu_cellfree_L{size.n_aps}_K{size.n_users}.png",
            f"cell-free {size.label} (GPU): mean sum rate over {args.scenes} test scenes",
        )
    print_cellfree(cell_rows)
    print_speedups(cell_rows, args.scenes)
    return {"cellfree": [asdict(r) for r in cell_rows], "device": torch.cuda.get_device_name(0)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tier", choices=["cpu", "gpu"], default="cpu")
    parser.add_argument("--scenes", type=int, default=200, help="cell-free test scenes per size (the batch for batch timing)")
    parser.add_argument("--isac-scenes", type=int, default=40, help="ISAC test scenes per Γ")
    parser.add_argument("--gammas", type=float, nargs="+", default=[6.0, 10.0, 14.0])
    parser.add_argument("--timing-scenes", type=int, default=20, help="single scenes timed at batch 1 (median)")
    parser.add_argument("--wmmse-iter", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (1: a fair count on a shared machine)")
    parser.add_argument("--gpu-train-steps", type=int, default=1500)
    parser.add_argument("--gpu-batch", type=int, default=256)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    if args.tier == "gpu" and not torch.cuda.is_available():
        print(
            "the gpu tier needs CUDA, and cuda is absent here (torch.cuda.is_available() is False); "
            "run `--tier cpu`, or this tier on a machine with an NVIDIA GPU",
            file=sys.stderr,
        )
        return 2
    start = time.perf_counter()
    record = run_cpu_tier(args) if args.tier == "cpu" else run_gpu_tier(args)
    record.update({"tier": args.tier, "args": vars(args), "wall_s": time.perf_counter() - start, "torch": torch.__version__})
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"beamforming_{args.tier}.json"
    out.write_text(json.dumps(record, indent=1))
    print(f"\nwall time {record['wall_s']:.0f} s; figures and {out.name} under {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
