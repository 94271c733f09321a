"""The time the sandbox adds per run of generated model code.

The same small model (a 5 x 5 transport LP, `build_model` below) is built and solved, `--runs` times each way:
- sealed: the production path, bubblewrap namespaces + seccomp filters + rlimits (isolation.py);
- unisolated: the same child harness in a plain subprocess (what LAMOPT_SANDBOX_UNISOLATED=1 runs), so
  sealed minus unisolated is what the OS isolation itself costs;
- in-process: the same `build_model`, an ordinary function of this file (the sandbox gets its source text;
  nothing is exec'd here), solved by the same portfolio: the floor with no sandbox at all.
Also prints what `isolation_status()` costs the first time (it starts one probe sandbox; then it is cached).

    PYTHONPATH=. python benchmarks/sandbox.py [--runs 10]     # ~1 min on 2 cores
"""

from __future__ import annotations

import argparse
import ast
import inspect
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import pyomo.environ as pyo

from tools.solvers.portfolio import solve
from tools.solvers.sandbox import isolation, run_generated_model


def build_model(data: dict[str, Any]) -> pyo.ConcreteModel:
    """A 5 x 5 transport LP: ship from plants to markets at least cost. Run in the sandbox as source text."""
    m = pyo.ConcreteModel()
    plants, markets = range(len(data["supply"])), range(len(data["demand"]))
    m.ship = pyo.Var(plants, markets, domain=pyo.NonNegativeReals)
    m.supply = pyo.Constraint(plants, rule=lambda m, p: sum(m.ship[p, k] for k in markets) <= data["supply"][p])
    m.demand = pyo.Constraint(markets, rule=lambda m, k: sum(m.ship[p, k] for p in plants) >= data["demand"][k])
    m.cost = pyo.Objective(expr=sum(data["cost"][p][k] * m.ship[p, k] for p in plants for k in markets))
    return m


def generated_source() -> str:
    """build_model's source as the LLM would write it: only allow-listed imports, so no annotations."""
    function = ast.parse(inspect.getsource(build_model)).body[0]
    assert isinstance(function, ast.FunctionDef)
    function.returns = None
    for argument in function.args.args:
        argument.annotation = None
    return "import pyomo.environ as pyo\n\n" + ast.unparse(function) + "\n"


CODE = generated_source()
DATA: dict[str, Any] = {
    "supply": [40, 35, 30, 45, 50],
    "demand": [30, 40, 35, 45, 40],
    "cost": [[(3 * p + 5 * k) % 11 + 1 for k in range(5)] for p in range(5)],
}


def in_process() -> float | None:
    return solve(build_model(DATA), "LP", time_limit_s=30).objective


def sandboxed(sealed: bool) -> Callable[[], float | None]:
    def run() -> float | None:
        if not sealed:
            os.environ[isolation.OVERRIDE_ENV] = "1"
            saved = isolation.isolation_status
            isolation.isolation_status = lambda: (False, "benchmark: the unisolated path")  # type: ignore[assignment]
        try:
            result = run_generated_model(CODE, DATA)
        finally:
            if not sealed:
                isolation.isolation_status = saved  # type: ignore[method-assign]
                del os.environ[isolation.OVERRIDE_ENV]
        if not result.ok or result.isolated != sealed:
            raise RuntimeError(f"the {'sealed' if sealed else 'unisolated'} run failed: {result.error}")
        return result.objective

    return run


def timed(run: Callable[[], float | None], runs: int, expected: float) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        objective = run()
        times.append(time.perf_counter() - started)
        if objective is None or abs(objective - expected) > 1e-6:
            raise RuntimeError(f"objective {objective}, expected {expected}")
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
    expected = in_process() or 0.0  # also warms the solver libraries
    rows = [
        ("in-process (no sandbox)", timed(in_process, args.runs, expected)),
        ("unisolated subprocess", timed(sandboxed(False), args.runs, expected)),
        ("sealed sandbox", timed(sandboxed(True), args.runs, expected)),
    ]
    print(f"\nbuild + solve of a 5 x 5 transport LP (objective {expected:g}), {args.runs} runs each, seconds per run")
    print(f"{'path':26s} {'median':>8s} {'mean':>8s} {'min':>8s} {'max':>8s}")
    for name, times in rows:
        print(f"{name:26s} {statistics.median(times):8.3f} {statistics.mean(times):8.3f} {min(times):8.3f} {max(times):8.3f}")
    floor, plain, sealed = (statistics.median(t) for _, t in rows)
    print(f"\nthe sandbox adds {sealed - floor:.3f} s per run (median), of which OS isolation {sealed - plain:.3f} s")


if __name__ == "__main__":
    main()
