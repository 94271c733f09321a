"""Benchmark the iterative methods against solving the same problem directly as one global NLP.

Max-min SINR: bisection on the common target (an LP a step, tools.solvers.methods.bisection) against the
bilinear formulation solved globally by SCIP. Energy efficiency: Dinkelbach's method (a concave NLP a step)
against the ratio solved directly by SCIP. Instances are random (seeded): link gains with a strong diagonal,
users' gains spread over 20 dB. Per size the table gives each way's answer and wall time; "agree" is the
relative difference of the answers (direct runs that hit the time limit report their incumbent).

    PYTHONPATH=. python benchmarks/power_methods.py                 # sizes 3 5 8, about a minute on 2 cores
    PYTHONPATH=. python benchmarks/power_methods.py --sizes 3 5 8 12 16 --time-limit 120
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial

import numpy as np
import pyomo.environ as pyo

from knowledge_base.templates.energy_efficiency_dinkelbach import TEMPLATE as EE
from knowledge_base.templates.energy_efficiency_dinkelbach import EnergyEfficiencyParams
from knowledge_base.templates.power_control_sinr import MAX_MIN_SINR, PowerControlParams
from knowledge_base.templates.power_control_sinr import TEMPLATE as MAX_MIN
from tools.solvers import solve
from tools.solvers.methods import MethodResult


def max_min_instance(size: int, rng: np.random.Generator) -> PowerControlParams:
    tx = [f"T{i + 1}" for i in range(size)]
    rx = [f"R{i + 1}" for i in range(size)]
    gain = {
        r: {t: float(rng.uniform(0.01, 0.1) if i != j else rng.uniform(0.5, 1.0)) for j, t in enumerate(tx)}
        for i, r in enumerate(rx)
    }
    return PowerControlParams(
        objective=MAX_MIN_SINR,
        transmitters=tx,
        receivers=rx,
        gain=gain,
        noise_mw={r: float(rng.uniform(0.05, 0.2)) for r in rx},
        max_power_mw=dict.fromkeys(tx, 10.0),
    )


def ee_instance(size: int, rng: np.random.Generator) -> EnergyEfficiencyParams:
    users = [f"U{i + 1}" for i in range(size)]
    return EnergyEfficiencyParams(
        users=users,
        gain={u: float(10 ** (-rng.uniform(90, 110) / 10)) for u in users},
        noise_w=1e-14,
        bandwidth_mhz=1.0,
        circuit_power_w=1.0,
        power_budget_w=2.0,
        min_rate=dict.fromkeys(users, 1.0),
    )


def timed_direct(model: pyo.ConcreteModel, time_limit: float) -> tuple[float | None, float, str]:
    started = time.perf_counter()
    result = solve(model, "NLP", time_limit_s=time_limit)
    return result.objective, time.perf_counter() - started, str(result.status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[3, 5, 8])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds for each direct SCIP solve")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    header = (
        f"{'problem':<16}{'size':>5}{'method value':>16}{'steps':>7}{'method s':>10}"
        f"{'direct value':>16}{'direct s':>10}  {'direct status':<14}{'agree':>10}"
    )
    print(header)
    print("-" * len(header))
    for size in args.sizes:
        links, users = max_min_instance(size, rng), ee_instance(size, rng)
        cases: list[tuple[str, Callable[[], MethodResult], pyo.ConcreteModel]] = [
            ("max-min SINR", partial(MAX_MIN.solve_by_bisection, links), MAX_MIN.build_model(links)),
            ("energy eff.", partial(EE.solve_by_dinkelbach, users), EE.build_model(users)),
        ]
        for name, run, direct_model in cases:
            method = run()
            direct, direct_s, status = timed_direct(direct_model, args.time_limit)
            agree = abs(method.value - direct) / abs(method.value) if method.value and direct is not None else float("nan")
            print(
                f"{name:<16}{size:>5}{method.value or float('nan'):>16.8g}{len(method.steps):>7}{method.time_s:>10.2f}"
                f"{direct if direct is not None else float('nan'):>16.8g}{direct_s:>10.2f}  {status:<14}{agree:>10.1e}"
            )


if __name__ == "__main__":
    main()
