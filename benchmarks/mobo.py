"""Benchmark DRIB-MOBO against NSGA-II, qLogNEHVI and Sobol random search; prints a table, saves a plot.

Every method gets the same problem, the same Latin-hypercube initial design (per seed), the same
evaluation budget and the same batch size; hypervolume is pymoo's (moocore's exact) with each
problem's fixed reference point (tools/diffusion/problems.py). Per problem and method the table gives
the final hypervolume as mean ± std over seeds, the two-sided Wilcoxon signed-rank p-value of
DRIB-MOBO vs. that method (paired by seed; with n seeds the smallest possible p is 2/2^n, i.e. 0.0625
for 5 seeds), and the mean wall time per run. Runs are appended to a JSONL file as they finish, so a
long tier can be summarised while it runs or after it was stopped (--summarise-only).

    PYTHONPATH=. python benchmarks/mobo.py --tier small        # < 2 min on 2 cores
    PYTHONPATH=. python benchmarks/mobo.py --tier mid|full|long   # ~40 min, ~1 h, several hours on CPU
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from scipy.stats import wilcoxon

from tools.diffusion.baselines import nsga2, qlognehvi, sobol_random
from tools.diffusion.optimizer import DribConfig, ParetoResult, optimize
from tools.diffusion.plots import plot_hv_curves
from tools.diffusion.problems import BENCHMARK_NAMES, BlackBoxProblem, make_benchmark
from tools.diffusion.rib import RIBProblem

METHODS = ("DRIB-MOBO", "NSGA-II", "qLogNEHVI", "Sobol")


@dataclass(frozen=True)
class Tier:
    problems: tuple[str, ...]
    seeds: tuple[int, ...]
    n_init: int
    budget: int
    batch_size: int
    drib: DribConfig
    qlog: dict[str, int] = field(default_factory=dict)


TIERS = {
    "small": Tier(
        problems=("zdt1", "rib"),
        seeds=(0, 1),
        n_init=10,
        budget=25,
        batch_size=5,
        drib=DribConfig(n_init=10, ddpm_iters=300, n_guided=100, n_unguided=100, n_genetic=200),
        qlog={"num_restarts": 2, "raw_samples": 64, "mc_samples": 32},
    ),
    "mid": Tier(
        problems=(*BENCHMARK_NAMES, "rib"),
        seeds=(0, 1, 2),
        n_init=20,
        budget=60,
        batch_size=5,
        drib=DribConfig(n_init=20),
        qlog={"num_restarts": 4, "raw_samples": 128, "mc_samples": 64},
    ),
    # same budget as mid with the 5 seeds; qLogNEHVI alone needs ~1-2 min per run on 2 CPU cores
    "full": Tier(
        problems=(*BENCHMARK_NAMES, "rib"),
        seeds=(0, 1, 2, 3, 4),
        n_init=20,
        budget=60,
        batch_size=5,
        drib=DribConfig(n_init=20),
        qlog={"num_restarts": 4, "raw_samples": 128, "mc_samples": 64},
    ),
    "long": Tier(
        problems=(*BENCHMARK_NAMES, "rib"),
        seeds=(0, 1, 2, 3, 4),
        n_init=40,
        budget=100,
        batch_size=5,
        drib=DribConfig(n_init=40),
        qlog={"num_restarts": 4, "raw_samples": 128, "mc_samples": 64},
    ),
}


def make_problem(name: str) -> BlackBoxProblem:
    return RIBProblem() if name == "rib" else make_benchmark(name, n_var=8)


def runner(method: str, tier: Tier, device: str | None) -> Callable[[BlackBoxProblem, int], ParetoResult]:
    if method == "DRIB-MOBO":
        return lambda p, s: optimize(p, tier.budget, s, tier.batch_size, device=device, config=tier.drib)
    if method == "NSGA-II":
        return lambda p, s: nsga2(p, tier.budget, s, tier.batch_size, tier.n_init)
    if method == "qLogNEHVI":
        return lambda p, s: qlognehvi(p, tier.budget, s, tier.batch_size, tier.n_init, **tier.qlog)
    return lambda p, s: sobol_random(p, tier.budget, s, tier.batch_size, tier.n_init)


def run_tier(tier_name: str, results_path: Path, device: str | None) -> None:
    tier = TIERS[tier_name]
    done = {(r["problem"], r["method"], r["seed"]) for r in load_records(results_path)}
    problems = {name: make_problem(name) for name in tier.problems}
    # seeds outermost: a tier stopped early still has every problem for the seeds it finished
    for seed in tier.seeds:
        for problem_name, problem in problems.items():
            for method in METHODS:
                if (problem_name, method, seed) in done:
                    continue
                start = time.perf_counter()
                result = runner(method, tier, device)(problem, seed)
                record = {
                    "problem": problem_name,
                    "method": method,
                    "seed": seed,
                    "time_s": time.perf_counter() - start,
                    "evals": result.evals_history,
                    "hv": result.hv_history,
                    "operators": result.operator_history,
                    "ref_point": result.ref_point.tolist(),
                }
                with results_path.open("a") as handle:
                    handle.write(json.dumps(record) + "\n")
                final_hv = result.hv_history[-1]
                print(f"  {problem_name:6s} seed {seed} {method:9s} final HV {final_hv:.4f}  {record['time_s']:.1f}s", flush=True)


def load_records(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def paired_p_value(ours: dict[int, float], theirs: dict[int, float]) -> float | None:
    seeds = sorted(set(ours) & set(theirs))
    if len(seeds) < 2:
        return None
    a = np.array([ours[s] for s in seeds])
    b = np.array([theirs[s] for s in seeds])
    if np.allclose(a, b):
        return 1.0
    return float(wilcoxon(a, b, zero_method="zsplit").pvalue)


def summarise(records: list[dict[str, Any]], plot_path: Path) -> None:
    problems = list(dict.fromkeys(r["problem"] for r in records))
    final: dict[tuple[str, str], dict[int, float]] = {}
    times: dict[tuple[str, str], list[float]] = {}
    curves: dict[str, dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
    for r in records:
        final.setdefault((r["problem"], r["method"]), {})[r["seed"]] = r["hv"][-1]
        times.setdefault((r["problem"], r["method"]), []).append(r["time_s"])
    print(f"\n{'problem':7s} {'method':10s} {'seeds':>5s} {'final HV mean ± std':>24s} {'p (DRIB vs)':>11s} {'time/run':>9s}")
    wins = {"NSGA-II": [0, 0], "qLogNEHVI": [0, 0], "Sobol": [0, 0]}
    for problem in problems:
        ref = next(r["ref_point"] for r in records if r["problem"] == problem)
        print(f"-- {problem} (reference point {np.round(ref, 4).tolist()})")
        ours = final.get((problem, "DRIB-MOBO"), {})
        curves[problem] = {}
        for method in METHODS:
            values = final.get((problem, method))
            if not values:
                continue
            hv = np.array(list(values.values()))
            p = None if method == "DRIB-MOBO" else paired_p_value(ours, values)
            p_text = "-" if p is None else f"{p:.3f}"
            print(
                f"{problem:7s} {method:10s} {len(hv):5d} {hv.mean():14.4f} ± {hv.std(ddof=1) if len(hv) > 1 else 0:7.4f}"
                f" {p_text:>11s} {np.mean(times[(problem, method)]):8.1f}s"
            )
            runs = [r for r in records if r["problem"] == problem and r["method"] == method]
            length = min(len(r["hv"]) for r in runs)
            H = np.array([r["hv"][:length] for r in runs])
            curves[problem][method] = (np.array(runs[0]["evals"][:length]), H.mean(axis=0), H.std(axis=0))
            if method != "DRIB-MOBO" and ours:
                common = sorted(set(ours) & set(values))
                if common:
                    wins[method][1] += 1
                    wins[method][0] += int(np.mean([ours[s] for s in common]) > np.mean([values[s] for s in common]))
    for method, (won, total) in wins.items():
        if total:
            print(f"DRIB-MOBO mean final HV higher than {method} on {won} of {total} problems")
    plot_hv_curves(curves, plot_path)
    print(f"plot: {plot_path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tier", choices=sorted(TIERS), default="small")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--device", default=None, help="torch device for the diffusion model (default: cuda if available)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on shared cores)")
    parser.add_argument("--fresh", action="store_true", help="discard earlier results of this tier")
    parser.add_argument("--summarise-only", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    results_path = args.out / f"mobo_{args.tier}.jsonl"
    if args.fresh and results_path.exists():
        results_path.unlink()
    tier = TIERS[args.tier]
    print(
        f"tier {args.tier}: {len(tier.problems)} problems x {len(tier.seeds)} seeds, budget {tier.budget} "
        f"({tier.n_init} initial + batches of {tier.batch_size}), methods {', '.join(METHODS)}",
        flush=True,
    )
    start = time.perf_counter()
    if not args.summarise_only:
        run_tier(args.tier, results_path, args.device)
    summarise(load_records(results_path), args.out / f"mobo_hv_{args.tier}.png")
    print(f"total wall time {time.perf_counter() - start:.0f}s (2 shared cores; other jobs make timings noisy)")


if __name__ == "__main__":
    main()
