"""The time the sandbox adds per run of generated model code.

The same small knapsack model (3 binaries, 1 constraint) is built and solved, `--runs` times each way:
- sealed: the production path, bubblewrap namespaces + seccomp filters + rlimits (isolation.py);
- unisolated: the same child harness in a plain subprocess (what LAMOPT_SANDBOX_UNISOLATED=1 runs), so
  sealed minus unisolated is what the OS isolation itself costs;
- in-process: the same model built by a Python function of ours (not generated code, never exec'd here)
  and solved by the same portfolio, the floor with no sandbox at all.
Also prints what `isolation_status()` costs the first time (it starts one probe sandbox; then it is cached).

    PYTHONPATH=. python benchmarks/sandbox.py [--runs 10]     # ~1 min on 2 cores
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import pyomo.environ as pyo

from tools.solvers.portfolio import solve
from tools.solvers.sandbox import isolation, run_generated_model

KNAPSACK = """
import pyomo.environ as pyo

def build_model(data):
    m = pyo.ConcreteModel()
    m.I = pyo.Set(initialize=list(data["values"]))
    m.x = pyo.Var(m.I, domain=pyo.Binary)
    m.cap = pyo.Constraint(expr=sum(data["weights"][i] * m.x[i] for i in m.I) <= data["capacity"])
    m.obj = pyo.Objective(expr=sum(data["values"][i] * m.x[i] for i in m.I), sense=pyo.maximize)
    return m
"""
DATA: dict[str, Any] = {"values": {"a": 3, "b": 2, "c": 1}, "weights": {"a": 1, "b": 2, "c": 3}, "capacity": 4}


def knapsack_in_process() -> float | None:
    m = pyo.ConcreteModel()
    m.I = pyo.Set(initialize=list(DATA["values"]))
    m.x = pyo.Var(m.I, domain=pyo.Binary)
    m.cap = pyo.Constraint(expr=sum(DATA["weights"][i] * m.x[i] for i in m.I) <= DATA["capacity"])
    m.obj = pyo.Objective(expr=sum(DATA["values"][i] * m.x[i] for i in m.I), sense=pyo.maximize)
    return solve(m, "MILP", time_limit_s=30).objective


def sandboxed(sealed: bool) -> Callable[[], float | None]:
    def run() -> float | None:
        if not sealed:
            os.environ[isolation.OVERRIDE_ENV] = "1"
            saved = isolation.isolation_status
            isolation.isolation_status = lambda: (False, "benchmark: the unisolated path")  # type: ignore[assignment]
        try:
            result = run_generated_model(KNAPSACK, DATA)
        finally:
            if not sealed:
                isolation.isolation_status = saved  # type: ignore[method-assign]
                del os.environ[isolation.OVERRIDE_ENV]
        if not result.ok or result.isolated != sealed:
            raise RuntimeError(f"the {'sealed' if sealed else 'unisolated'} run failed: {result.error}")
        return result.objective

    return run


def timed(run: Callable[[], float | None], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        objective = run()
        times.append(time.perf_counter() - started)
        if objective is None or abs(objective - 5.0) > 1e-9:
            raise RuntimeError(f"wrong objective {objective}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    started = time.perf_counter()
    ready, why = isolation.isolation_status()
    probe_s = time.perf_counter() - started
    print(f"isolation_status(): {ready} {why} (first call, one probe sandbox: {probe_s:.2f} s; cached afterwards)")
    if not ready:
        raise SystemExit("the sandbox cannot be sealed here; nothing to measure")
    knapsack_in_process()  # warm the solver libraries once
    rows = [
        ("in-process (no sandbox)", timed(knapsack_in_process, args.runs)),
        ("unisolated subprocess", timed(sandboxed(False), args.runs)),
        ("sealed sandbox", timed(sandboxed(True), args.runs)),
    ]
    print(f"\nbuild + solve of a 3-variable knapsack, {args.runs} runs each, seconds per run")
    print(f"{'path':26s} {'median':>8s} {'mean':>8s} {'min':>8s} {'max':>8s}")
    for name, times in rows:
        print(f"{name:26s} {statistics.median(times):8.3f} {statistics.mean(times):8.3f} {min(times):8.3f} {max(times):8.3f}")
    floor, plain, sealed = (statistics.median(t) for _, t in rows)
    print(f"\nthe sandbox adds {sealed - floor:.3f} s per run (median), of which OS isolation {sealed - plain:.3f} s")


if __name__ == "__main__":
    main()
