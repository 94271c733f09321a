"""The seed paper's LEO microservice-deployment case (its Fig. 4), reproduced, then scaled to Starlink-like shells.

Tier `fig4`: Walker-Delta shells of 6 planes x 8, 10 and 12 satellites (several seeds each); for each scenario the
total end-to-end latency of a random placement (mean of 10 seeded draws under the capacities), the
most-residual-capacity heuristic, the exact MILP (template leo_constellation_placement through the solver
portfolio) and the independent branch and bound, with solve times. With `--agent` the whole graph
(lamopt.api.solve, default embedded CPU LLM) also answers the plain-English request for one seed per size, and
its objective is compared with the exact optimum. Prints a table and saves a bar chart.

Tier `scale`: Starlink-like shells (72 x 22 = 1584 satellites) with 10 and 20 applications: model size, which
solver ran (CPLEX Community Edition refuses more than 1000 variables or constraints, so the portfolio falls back
to HiGHS), build and solve times, and the MILP against the heuristic and random placements.

    PYTHONPATH=. python benchmarks/leo_fig4.py --tier fig4              # ~1 min on 2 cores
    PYTHONPATH=. python benchmarks/leo_fig4.py --tier fig4 --agent      # + 3 whole-graph runs with the CPU LLM (slow)
    PYTHONPATH=. python benchmarks/leo_fig4.py --tier scale             # a few minutes
    PYTHONPATH=. python benchmarks/leo_fig4.py --summarise-only         # table and chart again from the saved JSONL
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from knowledge_base.templates.leo_constellation_placement import TEMPLATE, LeoConstellationParams
from tools.satnet.baselines import branch_and_bound, random_placement, residual_capacity_heuristic
from tools.satnet.constellation import WalkerDelta
from tools.satnet.latency import LatencyVariant, evaluate
from tools.satnet.scenario import ScenarioConfig, generate
from tools.solvers import solve
from tools.solvers.model_facts import model_size

# 6 planes at 550 km would leave most inter-plane +Grid links without line of sight (they pass through the Earth);
# at 1300 km every link of these shells is usable, so the comparison is about placement, not a broken grid.
FIG4_ALTITUDE_KM = 1300
FIG4_SIZES = (8, 10, 12)
FIG4_APPS, FIG4_SERVICES = 3, 4
RANDOM_DRAWS = 10


def fig4_config(per_plane: int, seed: int) -> ScenarioConfig:
    shell = WalkerDelta(planes=6, satellites_per_plane=per_plane, altitude_km=FIG4_ALTITUDE_KM, inclination_deg=53, phasing=1)
    return ScenarioConfig(
        shell=shell,
        applications=FIG4_APPS,
        microservices_per_application=FIG4_SERVICES,
        seed=seed,
        satellite_cpu_cores=(4.0, 8.0),
        microservice_cpu_cores=(1.0, 2.0),
    )


def fig4_request(per_plane: int, seed: int, variant: LatencyVariant) -> str:
    """The plain-English request the agents get; it states every number fig4_config uses."""
    how = "its critical path" if variant == "critical path" else "the sum over all its processing and transfers"
    return (
        f"Deploy {FIG4_APPS} applications of {FIG4_SERVICES} microservices each on a Walker-Delta constellation of 6 planes "
        f"with {per_plane} satellites each at {FIG4_ALTITUDE_KM} km altitude, inclination 53 degrees, phasing factor 1, "
        f"scenario seed {seed}. Each satellite has 4 to 8 CPU cores and each microservice needs 1 to 2 cores. The "
        f"microservices of an application form a DAG with parallel branches; the latency of an application is {how}. "
        "Minimize the total end-to-end latency and compare with random and heuristic placements."
    )


def solve_exact(config: ScenarioConfig, variant: LatencyVariant, time_limit_s: float) -> dict[str, Any]:
    params = LeoConstellationParams(scenario=config, latency=variant)
    started = time.perf_counter()
    model = TEMPLATE.build_model(params)
    built = time.perf_counter() - started
    size = model_size(model)
    result = solve(model, "MILP", time_limit_s=time_limit_s)
    placement = TEMPLATE.placement(params, result.solution) if result.solution else {}
    recomputed = evaluate(generate(config), placement, variant) if placement else None
    return {
        "status": str(result.status),
        "solver": result.solver,
        "objective": result.objective,
        "recomputed": recomputed.total_ms if recomputed else None,
        "gap": result.gap,
        "build_s": built,
        "solve_s": result.time_s,
        "variables": size.variables,
        "binaries": size.integer_variables,
        "constraints": size.constraints,
        "cplex_fallback": any("over the Community Edition limit" in a for a in result.attempts),
        "attempts": result.attempts,
    }


def run_agent(per_plane: int, seed: int, variant: LatencyVariant, runs_dir: Path) -> dict[str, Any]:
    from agents.context import Context
    from lamopt.api import solve as agent_solve

    started = time.perf_counter()
    # A private knowledge-base folder: the shared default one is rebuilt whenever another checkout's templates differ.
    context = Context(runs_dir=str(runs_dir), kb_path=str(runs_dir / "kb"))
    report = agent_solve(fig4_request(per_plane, seed, variant), context=context)
    return {
        "status": report["status"],
        "objective": report["objective"],
        "template": report["template_id"],
        "iterations": report["iterations"],
        "variant": report["formulation"].get("instance", {}).get("latency variant solved", ""),
        "diagnosis": report["diagnosis"],
        "warnings": report["warnings"],
        "time_s": time.perf_counter() - started,
    }


def run_fig4(seeds: int, variant: LatencyVariant, agent: bool, bnb_limit_s: float, out: Path) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    runs_dir = Path(tempfile.mkdtemp(prefix="leo_fig4_runs_"))
    for per_plane in FIG4_SIZES:
        for seed in range(seeds):
            config = fig4_config(per_plane, seed)
            scenario = generate(config)
            exact = solve_exact(config, variant, time_limit_s=120)
            heuristic = residual_capacity_heuristic(scenario, variant)
            draws = [random_placement(scenario, variant, seed=k) for k in range(RANDOM_DRAWS)]
            random_totals = [d.total_ms for d in draws if d.total_ms is not None]
            bnb = branch_and_bound(scenario, variant, time_limit_s=bnb_limit_s)
            record: dict[str, Any] = {
                "size": f"6x{per_plane}",
                "seed": seed,
                "links_dropped": len(scenario.constellation.dropped_links),
                "exact": exact,
                "heuristic_ms": heuristic.total_ms,
                "heuristic_s": heuristic.time_s,
                "random_ms": statistics.fmean(random_totals) if random_totals else None,
                "random_s": statistics.fmean(d.time_s for d in draws),
                "bnb_ms": bnb.total_ms,
                "bnb_s": bnb.time_s,
                "bnb_proved": bnb.proved_optimal,
                "bnb_nodes": bnb.nodes,
            }
            if agent and seed == 0:
                record["agent"] = run_agent(per_plane, seed, variant, runs_dir)
                print(f"  agent on 6x{per_plane} seed {seed}: {json.dumps(record['agent'])}", flush=True)
            records.append(record)
            with (out / "leo_fig4.jsonl").open("a") as handle:
                handle.write(json.dumps(record) + "\n")
    return records


def print_fig4(records: list[dict[str, Any]], variant: LatencyVariant) -> None:
    print(f"\nFig. 4 reproduction: total end-to-end latency (ms), latency = {variant}, mean over seeds")
    header = f"{'shell':>6} {'seeds':>5} {'random':>9} {'heuristic':>10} {'exact MILP':>11} {'B&B':>9}"
    header += f" {'MILP s':>7} {'B&B s':>7} {'B&B proved':>10} {'heur. vs opt':>12} {'rand. vs opt':>12}"
    print(header)
    for size in dict.fromkeys(r["size"] for r in records):
        rows = [r for r in records if r["size"] == size]
        exact = [r["exact"]["objective"] for r in rows]
        heuristic = [r["heuristic_ms"] for r in rows if r["heuristic_ms"] is not None]
        random_ = [r["random_ms"] for r in rows if r["random_ms"] is not None]
        bnb = [r["bnb_ms"] for r in rows if r["bnb_ms"] is not None]
        mean_exact = statistics.fmean(exact)
        print(
            f"{size:>6} {len(rows):>5} {_mean(random_):>9} {_mean(heuristic):>10} {mean_exact:>11.2f} {_mean(bnb):>9} "
            f"{statistics.fmean(r['exact']['solve_s'] for r in rows):>7.3f} {statistics.fmean(r['bnb_s'] for r in rows):>7.2f} "
            f"{sum(r['bnb_proved'] for r in rows):>5}/{len(rows):<4} "
            f"{_percent(heuristic, mean_exact):>12} {_percent(random_, mean_exact):>12}"
        )
    agents = [r for r in records if "agent" in r]
    if agents:
        print("\nThe agents' answer (lamopt.api.solve, embedded CPU LLM) on seed 0 of each size")
        print(
            f"{'shell':>6} {'status':>8} {'agent':>9} {'exact MILP':>11} {'agent=opt':>9} {'heuristic':>10} {'random':>9} "
            f"{'iter':>5} {'wall s':>7}"
        )
        for r in agents:
            a, optimum = r["agent"], r["exact"]["objective"]
            same = a["objective"] is not None and abs(a["objective"] - optimum) <= 1e-6 * optimum
            print(
                f"{r['size']:>6} {a['status']:>8} {_ms(a['objective'])} {optimum:>11.2f} {'yes' if same else 'NO':>9} "
                f"{_ms(r['heuristic_ms'])} {_ms(r['random_ms'])} {a['iterations']:>5} {a['time_s']:>7.0f}"
            )
    mismatches = [r for r in records if r["bnb_proved"] and abs(r["bnb_ms"] - r["exact"]["objective"]) > 1e-6 * r["bnb_ms"]]
    print(f"branch and bound (proved) vs MILP disagreements: {len(mismatches)}")
    recomputed = [r for r in records if abs(r["exact"]["recomputed"] - r["exact"]["objective"]) > 1e-6 * r["exact"]["objective"]]
    print(f"MILP objective vs latency recomputed from its placement, mismatches: {len(recomputed)}")
    print("solvers used: " + ", ".join(sorted({r["exact"]["solver"] for r in records})))


def _mean(values: list[float]) -> str:
    return f"{statistics.fmean(values):.2f}" if values else "-"


def _percent(values: list[float], optimum: float) -> str:
    return f"+{100 * (statistics.fmean(values) - optimum) / optimum:.1f}%" if values else "-"


def plot_fig4(records: list[dict[str, Any]], variant: LatencyVariant, path: Path) -> None:
    """Left: every method, mean ± sd over seeds. Right (when the agents ran): seed 0 only, with the agents' answer."""
    sizes = list(dict.fromkeys(r["size"] for r in records))
    with_agent = [r for r in records if "agent" in r]
    fig, axes = plt.subplots(1, 2 if with_agent else 1, figsize=(13 if with_agent else 8, 4.5), squeeze=False)

    def bars(ax: Any, series: dict[str, list[list[float]]], labels: list[str]) -> None:
        shown = [m for m in series if any(series[m])]
        width = 0.8 / len(shown)
        x = np.arange(len(labels))
        for k, method in enumerate(shown):
            means = [statistics.fmean(v) if v else 0.0 for v in series[method]]
            errors = [statistics.stdev(v) if len(v) > 1 else 0.0 for v in series[method]]
            ax.bar(x + k * width, means, width, yerr=errors, capsize=3, label=method)
        ax.set_xticks(x + width * (len(shown) - 1) / 2, [f"{s} satellites" for s in labels])
        ax.set_ylabel("total end-to-end latency (ms)")
        ax.legend(fontsize=8)

    def column(rows: list[dict[str, Any]], pick: Any) -> list[float]:
        return [v for v in (pick(r) for r in rows) if v is not None]

    def series_of(rows_by_size: list[list[dict[str, Any]]], agent: bool) -> dict[str, list[list[float]]]:
        series: dict[str, list[list[float]]] = {
            "random": [column(rows, lambda r: r["random_ms"]) for rows in rows_by_size],
            "heuristic": [column(rows, lambda r: r["heuristic_ms"]) for rows in rows_by_size],
        }
        if agent:
            series["agent"] = [column(rows, lambda r: r["agent"]["objective"]) for rows in rows_by_size]
        series["exact MILP"] = [column(rows, lambda r: r["exact"]["objective"]) for rows in rows_by_size]
        series["branch and bound"] = [column(rows, lambda r: r["bnb_ms"]) for rows in rows_by_size]
        return series

    bars(axes[0][0], series_of([[r for r in records if r["size"] == s] for s in sizes], agent=False), sizes)
    axes[0][0].set_title(f"Walker-Delta shells at {FIG4_ALTITUDE_KM} km, latency: {variant}\nmean ± sd over seeds", fontsize=10)
    if with_agent:
        agent_sizes = list(dict.fromkeys(r["size"] for r in with_agent))
        bars(axes[0][1], series_of([[r for r in with_agent if r["size"] == s] for s in agent_sizes], agent=True), agent_sizes)
        axes[0][1].set_title("seed 0, with the agents' answer (whole graph, embedded CPU LLM)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


SCALE_CASES = (
    # (planes, per plane, altitude, applications, microservices each, candidates)
    (72, 22, 550, 10, 4, 8),
    (72, 22, 550, 20, 5, 8),
    (72, 22, 550, 50, 6, 10),
)


def run_scale(variant: LatencyVariant, out: Path) -> list[dict[str, Any]]:
    records = []
    for planes, per_plane, altitude, apps, services, candidates in SCALE_CASES:
        started = time.perf_counter()
        config = ScenarioConfig(
            shell=WalkerDelta(planes=planes, satellites_per_plane=per_plane, altitude_km=altitude, inclination_deg=53, phasing=1),
            applications=apps,
            microservices_per_application=services,
            candidates_per_microservice=candidates,
            seed=0,
        )
        scenario = generate(config)
        generated = time.perf_counter() - started
        exact = solve_exact(config, variant, time_limit_s=300)
        heuristic = residual_capacity_heuristic(scenario, variant)
        random_ = random_placement(scenario, variant)
        record = {
            "shell": f"{planes}x{per_plane}",
            "satellites": scenario.constellation.positions_km.shape[0],
            "links": len(scenario.constellation.links),
            "line_of_sight": scenario.line_of_sight_note(),
            "applications": apps,
            "microservices": apps * services,
            "generate_s": generated,
            "exact": exact,
            "heuristic_ms": heuristic.total_ms,
            "random_ms": random_.total_ms,
        }
        records.append(record)
        with (out / "leo_scale.jsonl").open("a") as handle:
            handle.write(json.dumps(record) + "\n")
    return records


def print_scale(records: list[dict[str, Any]], variant: LatencyVariant) -> None:
    print(f"\nScaling (latency = {variant}): model size, solver and times on this machine")
    print(
        f"{'shell':>6} {'sats':>5} {'ISLs':>5} {'apps':>4} {'MS':>4} {'vars':>6} {'bin':>5} {'cons':>6} {'solver':>6} "
        f"{'CPLEX>limit':>11} {'gen s':>6} {'build s':>7} {'solve s':>7} {'status':>8} "
        f"{'MILP ms':>9} {'heur. ms':>9} {'rand. ms':>9}"
    )
    for r in records:
        e = r["exact"]
        print(
            f"{r['shell']:>6} {r['satellites']:>5} {r['links']:>5} {r['applications']:>4} {r['microservices']:>4} "
            f"{e['variables']:>6} {e['binaries']:>5} {e['constraints']:>6} {e['solver']:>6} {e['cplex_fallback']!s:>11} "
            f"{r['generate_s']:>6.2f} {e['build_s']:>7.2f} {e['solve_s']:>7.2f} {e['status']:>8} "
            f"{_ms(e['objective'])} {_ms(r['heuristic_ms'])} {_ms(r['random_ms'])}"
        )
        print(f"       {r['line_of_sight']}")


def _ms(value: float | None) -> str:
    return f"{value:>9.2f}" if value is not None else f"{'-':>9}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tier", choices=("fig4", "scale", "all"), default="fig4")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--latency", choices=("sum over edges", "critical path"), default="sum over edges")
    parser.add_argument("--agent", action="store_true", help="also run the whole graph with the embedded LLM (seed 0 per size)")
    parser.add_argument("--bnb-limit", type=float, default=60.0, help="seconds for the branch and bound per scenario")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--summarise-only", action="store_true", help="print the table and redraw the chart from the saved JSONL")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    variant: LatencyVariant = args.latency
    if args.summarise_only:
        records = [json.loads(line) for line in (args.out / "leo_fig4.jsonl").read_text().splitlines() if line.strip()]
        print_fig4(records, variant)
        plot_fig4(records, variant, args.out / "leo_fig4.png")
        return
    if args.tier in ("fig4", "all"):
        (args.out / "leo_fig4.jsonl").unlink(missing_ok=True)
        records = run_fig4(args.seeds, variant, args.agent, args.bnb_limit, args.out)
        print_fig4(records, variant)
        plot_fig4(records, variant, args.out / "leo_fig4.png")
        print(f"bar chart: {args.out / 'leo_fig4.png'}")
    if args.tier in ("scale", "all"):
        (args.out / "leo_scale.jsonl").unlink(missing_ok=True)
        print_scale(run_scale(variant, args.out), variant)


if __name__ == "__main__":
    main()
