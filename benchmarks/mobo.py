"""Benchmark DRIB-MOBO against NSGA-II, qLogNEHVI and Sobol random search, with ablation rows; table and plots.

Every method gets the same problem, the same Latin-hypercube initial design (per seed), the same
evaluation budget and the same batch size; hypervolume is pymoo's (moocore's exact) with each
problem's fixed reference point (tools/diffusion/problems.py). Per problem and method the table gives
the final hypervolume as mean ± std and median over seeds, the two-sided Wilcoxon signed-rank p-value
of DRIB-MOBO vs. that method (paired by seed; with n seeds the smallest possible p is 2/2^n: 0.002
for 10 seeds) and the mean wall time per run.

Ablation rows ("DRIB ..."): DRIB-MOBO with one change of tools/diffusion/optimizer.py turned off
("-acq": the seed's LCB-HVI batch choice; "-refine": no L-BFGS-B polish; "-hedge": every pick polished, not only
the first two (change 5 off: DRIB-MOBO's default before 2026-12-07); "-local": no trust-region candidates;
"-diffusion": Sobol points instead of the diffusion model, a control for what the model adds), "DRIB +trust-polish"
with change 4 (off by default) on every pick instead of the hedge, and "DRIB seed" with all of them off (the seed's
method).

Runs are appended to a JSONL file as they finish (with a fingerprint of the method's settings), kept in git under
benchmarks/records/ (a tier takes hours of CPU; records in an ignored folder were lost with a machine), so a
long tier can be stopped and resumed, run by several processes at once (--seeds), and summarised
while it runs or afterwards (--summarise-only); records whose settings differ from the current ones
are ignored. Settings added after records were made (LATER_SETTINGS) enter the fingerprint only
when they differ from the value at which the run is the one those records describe.

    PYTHONPATH=. python benchmarks/mobo.py --tier small          # a few minutes on 2 cores
    PYTHONPATH=. python benchmarks/mobo.py --tier full           # 7 problems x 10 seeds; many hours on 2 CPU cores
    PYTHONPATH=. python benchmarks/mobo.py --tier gpu --device cuda   # d = 30, budget 200: for a GPU machine
    PYTHONPATH=. python benchmarks/mobo.py --study zdt1 --seed 0 # what each method proposes, batch by batch (PNG)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from botorch.optim.optimize import optimize_acqf
from scipy.stats import wilcoxon

from tools.diffusion.baselines import long_nsga2_front, nsga2, qlognehvi, sobol_random
from tools.diffusion.candidate_choice import batch_log_nehvi, log_nehvi, unit_bounds
from tools.diffusion.optimizer import (
    LCB_HVI,
    SOBOL,
    BatchRecord,
    DribConfig,
    ParetoResult,
    hypervolume,
    optimize,
    seed_config,
)
from tools.diffusion.plots import Band, plot_candidates, plot_fronts, plot_hv_curves
from tools.diffusion.problems import BENCHMARK_NAMES, BlackBoxProblem, make_benchmark
from tools.diffusion.rib import RIBProblem
from tools.diffusion.surrogate import resolve_device

OURS = "DRIB-MOBO"
BASELINES = ("NSGA-II", "qLogNEHVI", "Sobol")
ABLATIONS: dict[str, Callable[[DribConfig], DribConfig]] = {
    "DRIB -acq": lambda c: replace(c, choice=LCB_HVI),
    # refine_picks=None where the row polishes no pick or every pick: the same run, and its fingerprint, as before change 5
    "DRIB -refine": lambda c: replace(c, refine_starts=0, refine_picks=None),
    "DRIB -local": lambda c: replace(c, n_local=0),
    "DRIB -diffusion": lambda c: replace(c, generator=SOBOL),
    "DRIB -hedge": lambda c: replace(c, refine_picks=None),
    "DRIB +trust-polish": lambda c: replace(c, refine_radius=0.2, adapt_radius=True, refine_picks=None),
    "DRIB seed": seed_config,
}
METHODS = (OURS, *BASELINES, *ABLATIONS)
NAME_WIDTH = max(len(m) for m in METHODS)
"""The table's method column fits every method's name."""
LATER_SETTINGS: dict[str, Any] = {"refine_radius": 1.0, "adapt_radius": False, "refine_picks": None}
"""DribConfig settings added after runs were recorded, with the value that leaves a run unchanged."""


@dataclass(frozen=True)
class Tier:
    problems: tuple[str, ...]
    seeds: tuple[int, ...]
    n_init: int
    budget: int
    batch_size: int
    drib: DribConfig
    n_var: int = 8
    qlog: dict[str, int] = field(default_factory=dict)


QLOG = {"num_restarts": 4, "raw_samples": 128, "mc_samples": 64}
ALL_PROBLEMS = (*BENCHMARK_NAMES, "rib")

TIERS = {
    "small": Tier(
        problems=("zdt1", "rib"),
        seeds=(0, 1),
        n_init=10,
        budget=25,
        batch_size=5,
        drib=DribConfig(n_init=10, ddpm_iters=300, n_guided=100, n_unguided=100, n_genetic=200, n_local=100),
        qlog={"num_restarts": 2, "raw_samples": 64, "mc_samples": 32},
    ),
    "mid": Tier(ALL_PROBLEMS, (0, 1, 2), 20, 60, 5, DribConfig(n_init=20), qlog=QLOG),
    "full": Tier(ALL_PROBLEMS, tuple(range(10)), 20, 60, 5, DribConfig(n_init=20), qlog=QLOG),
    "long": Tier(ALL_PROBLEMS, tuple(range(5)), 40, 100, 5, DribConfig(n_init=40), qlog=QLOG),
    # higher dimension and budget, meant for a GPU (the RIB problem keeps its own 21 variables)
    "gpu": Tier(ALL_PROBLEMS, tuple(range(5)), 40, 200, 10, DribConfig(n_init=40), n_var=30, qlog=QLOG),
}


def make_problem(name: str, n_var: int = 8) -> BlackBoxProblem:
    return RIBProblem() if name == "rib" else make_benchmark(name, n_var=n_var)


def drib_config(method: str, tier: Tier) -> DribConfig:
    return tier.drib if method == OURS else ABLATIONS[method](tier.drib)


def fingerprint(method: str, tier: Tier) -> str:
    """A short hash of everything that decides a run's result besides problem and seed."""
    settings: dict[str, Any] = {"budget": tier.budget, "n_init": tier.n_init, "batch": tier.batch_size, "n_var": tier.n_var}
    if method == OURS or method in ABLATIONS:
        drib = asdict(drib_config(method, tier))
        settings["drib"] = {k: v for k, v in drib.items() if k not in LATER_SETTINGS or v != LATER_SETTINGS[k]}
    elif method == "qLogNEHVI":
        settings["qlog"] = tier.qlog
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]


def runner(method: str, tier: Tier, device: str | None) -> Callable[[BlackBoxProblem, int], ParetoResult]:
    if method == OURS or method in ABLATIONS:
        config = drib_config(method, tier)
        return lambda p, s: optimize(p, tier.budget, s, tier.batch_size, device=device, config=config)
    if method == "NSGA-II":
        return lambda p, s: nsga2(p, tier.budget, s, tier.batch_size, tier.n_init)
    if method == "qLogNEHVI":
        return lambda p, s: qlognehvi(p, tier.budget, s, tier.batch_size, tier.n_init, device=device, **tier.qlog)
    return lambda p, s: sobol_random(p, tier.budget, s, tier.batch_size, tier.n_init)


def run_tier(
    tier: Tier,
    results_path: Path,
    device: str | None,
    methods: tuple[str, ...],
    seeds: tuple[int, ...],
    problems: tuple[str, ...],
) -> None:
    prints = {m: fingerprint(m, tier) for m in methods}

    def done() -> set[tuple[str, str, int]]:
        # read again before every run: another process may be working through the same tier
        return {
            (r["problem"], r["method"], r["seed"])
            for r in load_records(results_path)
            if r.get("fingerprint") == prints.get(r["method"])
        }

    instances = {name: make_problem(name, tier.n_var) for name in problems}
    # seeds outermost: a tier stopped early still has every problem and method for the seeds it finished
    for seed in seeds:
        for problem_name, problem in instances.items():
            for method in methods:
                if (problem_name, method, seed) in done():
                    continue
                start = time.perf_counter()
                try:
                    result = runner(method, tier, device)(problem, seed)
                except Exception:  # one failed run must not stop a tier of hours; it is retried on the next start
                    print(f"  {problem_name:6s} seed {seed} {method:15s} FAILED:\n{traceback.format_exc()}", flush=True)
                    continue
                record = {
                    "problem": problem_name,
                    "method": method,
                    "seed": seed,
                    "fingerprint": prints[method],
                    "device": str(resolve_device(device)),
                    "time_s": time.perf_counter() - start,
                    "evals": result.evals_history,
                    "hv": result.hv_history,
                    "operators": result.operator_history,
                    "ref_point": result.ref_point.tolist(),
                    "pareto_F": result.pareto_F.tolist(),
                }
                with results_path.open("a") as handle:  # one write per record: concurrent writers do not interleave
                    handle.write(json.dumps(record) + "\n")
                print(
                    f"  {problem_name:6s} seed {seed} {method:15s} final HV {result.hv_history[-1]:.4f}  {record['time_s']:.1f}s",
                    flush=True,
                )


def load_records(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def paired_p_value(ours: dict[int, float], theirs: dict[int, float]) -> float | None:
    """Two-sided Wilcoxon signed-rank p of the seed-paired final hypervolumes (None below 2 common seeds)."""
    seeds = sorted(set(ours) & set(theirs))
    if len(seeds) < 2:
        return None
    a = np.array([ours[s] for s in seeds])
    b = np.array([theirs[s] for s in seeds])
    if np.allclose(a, b):
        return 1.0
    return float(wilcoxon(a, b, zero_method="zsplit").pvalue)


def hv_band(runs: list[dict[str, Any]]) -> Band:
    length = min(len(r["hv"]) for r in runs)
    H = np.array([r["hv"][:length] for r in runs])
    low, median, high = np.percentile(H, [25, 50, 75], axis=0)
    return np.array(runs[0]["evals"][:length], dtype=np.float64), median, low, high


def summarise(records: list[dict[str, Any]], out: Path, tier_name: str) -> None:
    problems = [p for p in ALL_PROBLEMS if any(r["problem"] == p for r in records)]
    methods = [m for m in METHODS if any(r["method"] == m for r in records)]
    final: dict[tuple[str, str], dict[int, float]] = {}
    times: dict[tuple[str, str], list[float]] = {}
    for r in records:
        final.setdefault((r["problem"], r["method"]), {})[r["seed"]] = r["hv"][-1]
        times.setdefault((r["problem"], r["method"]), []).append(r["time_s"])
    header = (
        f"{'problem':7s} {'method':{NAME_WIDTH}s} {'seeds':>5s} {'final HV mean ± std':>21s} {'median':>8s} {'p (DRIB vs)':>11s}"
        f" {'time/run':>9s}"
    )
    print("\n" + header)
    tally: dict[str, list[int]] = {m: [0, 0, 0] for m in methods if m != OURS}  # [higher mean, higher with p<0.05, problems]
    main_curves: dict[str, dict[str, Band]] = {}
    ablation_curves: dict[str, dict[str, Band]] = {}
    for problem in problems:
        ref = next(r["ref_point"] for r in records if r["problem"] == problem)
        print(f"-- {problem} (reference point {np.round(ref, 4).tolist()})")
        ours = final.get((problem, OURS), {})
        main_curves[problem], ablation_curves[problem] = {}, {}
        for method in methods:
            values = final.get((problem, method))
            if not values:
                continue
            hv = np.array(list(values.values()))
            p = None if method == OURS else paired_p_value(ours, values)
            p_text = "-" if p is None else f"{p:.3f}"
            print(
                f"{problem:7s} {method:{NAME_WIDTH}s} {len(hv):5d}"
                f" {hv.mean():10.4f} ± {hv.std(ddof=1) if len(hv) > 1 else 0:7.4f}"
                f" {np.median(hv):8.4f} {p_text:>11s} {np.mean(times[(problem, method)]):8.1f}s"
            )
            band = hv_band([r for r in records if r["problem"] == problem and r["method"] == method])
            if method == OURS or method in BASELINES:
                main_curves[problem][method] = band
            if method == OURS or method in ABLATIONS:
                ablation_curves[problem][method] = band
            common = sorted(set(ours) & set(values))
            if method != OURS and common:
                higher = np.mean([ours[s] for s in common]) > np.mean([values[s] for s in common])
                tally[method][0] += int(higher)
                tally[method][1] += int(higher and p is not None and p < 0.05)
                tally[method][2] += 1
    print()
    for method, (higher, significant, total) in tally.items():
        if total:
            print(
                f"DRIB-MOBO mean final HV higher than {method:{NAME_WIDTH}s} on {higher} of {total} problems"
                f" ({significant} with p < 0.05)"
            )
    for name, curves in (("", main_curves), ("_ablation", ablation_curves)):
        if not any(method in ABLATIONS for lines in curves.values() for method in lines) and name:
            continue  # no ablation rows in these records
        path = plot_hv_curves(curves, out / f"mobo_hv_{tier_name}{name}.png", title=f"tier {tier_name}")
        print(f"plot: {path}")


def rib_reference_front(path: Path, generations: int = 500, pop_size: int = 200) -> np.ndarray:
    """The RIB front of a very long NSGA-II run (pop_size x generations evaluations), cached in path."""
    if path.exists():
        return np.asarray(json.loads(path.read_text())["front"], dtype=np.float64)
    start = time.perf_counter()
    front = long_nsga2_front(RIBProblem(), generations, pop_size)
    info = {"front": front.tolist(), "evaluations": pop_size * generations, "time_s": time.perf_counter() - start}
    path.write_text(json.dumps(info))
    return front


def rib_figure(records: list[dict[str, Any]], out: Path, tier_name: str, kept: Path) -> None:
    """RIB end to end: every method's front for the median seed of DRIB-MOBO, and DRIB-MOBO's fronts vs. the reference
    (kept with the records: a long run)."""
    rib = [r for r in records if r["problem"] == "rib"]
    ours = sorted((r["hv"][-1], r["seed"]) for r in rib if r["method"] == OURS)
    if not ours:
        return
    reference = rib_reference_front(kept / "rib_reference_front.json")
    ref_point = np.asarray(rib[0]["ref_point"])
    reference_hv = hypervolume(reference, ref_point)
    median_seed = ours[(len(ours) - 1) // 2][1]
    by_method = {
        f"{r['method']} (HV {r['hv'][-1]:.3f})": np.asarray(r["pareto_F"])
        for m in (OURS, *BASELINES)
        for r in rib
        if r["method"] == m and r["seed"] == median_seed
    }
    budget = rib[0]["evals"][-1]
    panels = {
        f"RIB, seed {median_seed} (DRIB-MOBO's median), budget {budget}": by_method,
        f"DRIB-MOBO, all {len(ours)} seeds, budget {budget}": {
            f"seed {r['seed']} (HV {r['hv'][-1]:.3f})": np.asarray(r["pareto_F"]) for r in rib if r["method"] == OURS
        },
    }
    names = ["-I(Y;Ẑ) [bits]", "I(Z;Ẑ) [bits]"]
    path = plot_fronts(panels, names, out / f"mobo_rib_fronts_{tier_name}.png", reference=reference)
    ours_hv = np.array([hv for hv, _ in ours])
    print(
        f"RIB reference front (NSGA-II, 100000 evaluations): HV {reference_hv:.4f}; DRIB-MOBO at budget {budget} reaches "
        f"{np.median(ours_hv) / reference_hv:.1%} of it (median over {len(ours)} seeds; min {ours_hv.min() / reference_hv:.1%}, "
        f"max {ours_hv.max() / reference_hv:.1%})"
    )
    print(f"plot: {path}")


def study(problem_name: str, seed: int, tier: Tier, out: Path, device: str | None) -> None:
    """Run DRIB-MOBO once and, at every batch, compare its choice with the batch qLogNEHVI would pick from the same data.

    Prints the joint qLogNEHVI of both batches (judged by the same GP) and plots, in true objective
    values (the test problems are cheap), the pool of candidates, DRIB-MOBO's batch and qLogNEHVI's.
    """
    problem = make_problem(problem_name, tier.n_var)
    lower, upper = problem.lower, problem.upper
    records: list[tuple[BatchRecord, np.ndarray, float, float]] = []

    def compare(record: BatchRecord) -> None:
        acquisition = log_nehvi(record.surrogate, problem.ref_point, 64, seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs, _ = optimize_acqf(
                acquisition,
                unit_bounds(problem.n_var, record.surrogate.device),
                q=len(record.chosen),
                num_restarts=4,
                raw_samples=128,
                options={"batch_limit": 5, "maxiter": 100, "seed": seed},
                sequential=True,
            )
        theirs_np = theirs.detach().cpu().numpy()
        ours_value = batch_log_nehvi(record.surrogate, record.chosen, problem.ref_point)
        theirs_value = batch_log_nehvi(record.surrogate, theirs_np, problem.ref_point)
        records.append((record, theirs_np, ours_value, theirs_value))
        print(
            f"batch {record.index} ({record.operator}): joint log-NEHVI of DRIB-MOBO's batch {ours_value:.3f}, "
            f"of qLogNEHVI's {theirs_value:.3f}; pool {len(record.pool)} points",
            flush=True,
        )

    result = optimize(problem, tier.budget, seed, tier.batch_size, device=device, config=tier.drib, on_batch=compare)
    print(f"final HV {result.hv_history[-1]:.4f}")
    panels: dict[str, dict[str, np.ndarray]] = {}
    for record, theirs, ours_value, theirs_value in records[-4:]:
        evaluate = problem.evaluate
        panels[f"batch {record.index}: log-NEHVI {ours_value:.2f} (DRIB) vs {theirs_value:.2f} (qLog)"] = {
            "pool": evaluate(lower + record.pool * (upper - lower)),
            "evaluated": record.F,
            "DRIB-MOBO batch": evaluate(lower + record.chosen * (upper - lower)),
            "qLogNEHVI batch": evaluate(lower + theirs * (upper - lower)),
        }
    path = plot_candidates(panels, out / "study" / f"{problem_name}_seed{seed}_candidates.png")
    print(f"plot: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tier", choices=sorted(TIERS), default="small")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"), help="plots")
    parser.add_argument(
        "--records", type=Path, default=Path("benchmarks/records"), help="the runs' JSONL (tracked: commit what a tier adds)"
    )
    parser.add_argument(
        "--device", default="auto", help="torch device for the diffusion model and the GPs (auto: cuda if available)"
    )
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on shared cores)")
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated subset of: " + ", ".join(METHODS))
    parser.add_argument(
        "--seeds", default=None, help="comma-separated subset of the tier's seeds (e.g. to split a tier over processes)"
    )
    parser.add_argument("--problems", default=None, help="comma-separated subset of the tier's problems")
    parser.add_argument("--fresh", action="store_true", help="discard earlier results of this tier")
    parser.add_argument("--summarise-only", action="store_true")
    parser.add_argument("--study", default=None, help="a problem name: compare DRIB-MOBO's and qLogNEHVI's batches on it")
    parser.add_argument("--seed", type=int, default=0, help="the seed of --study")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    tier = TIERS[args.tier]
    device = None if args.device == "auto" else args.device
    if args.study:
        study(args.study, args.seed, tier, args.out, device)
        return
    args.records.mkdir(parents=True, exist_ok=True)
    results_path = args.records / f"mobo_{args.tier}.jsonl"
    if args.fresh and results_path.exists():
        results_path.unlink()
    methods = tuple(m.strip() for m in args.methods.split(",") if m.strip())
    unknown = set(methods) - set(METHODS)
    if unknown:
        parser.error(f"unknown methods {sorted(unknown)}")
    seeds = tuple(int(s) for s in args.seeds.split(",")) if args.seeds else tier.seeds
    problems = tuple(p.strip() for p in args.problems.split(",")) if args.problems else tier.problems
    print(
        f"tier {args.tier}: {len(problems)} problems x {len(seeds)} seeds, budget {tier.budget} "
        f"({tier.n_init} initial + batches of {tier.batch_size}), d = {tier.n_var} (rib: 21), "
        f"device {resolve_device(device)}, methods {', '.join(methods)}",
        flush=True,
    )
    start = time.perf_counter()
    if not args.summarise_only:
        run_tier(tier, results_path, device, methods, seeds, problems)
    current = {m: fingerprint(m, tier) for m in METHODS}
    records = [r for r in load_records(results_path) if r.get("fingerprint") == current[r["method"]]]
    summarise(records, args.out, args.tier)
    rib_figure(records, args.out, args.tier, args.records)
    print(f"total wall time {time.perf_counter() - start:.0f}s (2 shared cores; other jobs make timings noisy)")


if __name__ == "__main__":
    main()
