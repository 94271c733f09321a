"""MEC offloading against independent computations: every offload/local choice enumerated from the table alone,
closed forms and bisection for split tasks and for an edge CPU shared among offloaded tasks, scipy's linprog for
split tasks beside whole ones. Each objective variant and constraint group is held to one of them."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import jsonschema
import numpy as np
import pytest
from scipy.optimize import linprog

from knowledge_base.template import AssemblyError
from knowledge_base.templates.mec_offloading import (
    AVERAGE,
    ENERGY,
    EQUAL,
    KAPPA,
    SHARED,
    TEMPLATE,
    TOTAL,
    WEIGHTED,
    WORST,
    OffloadingParams,
)
from tests.templates_support import solve_example
from tools.solvers import Status, solve
from tools.textdata import parse_text

WHOLE, SPLIT, SHARED_TEXT = TEMPLATE.examples
TABLE = {  # task: (data Mbit, Gcycles, uplink Mbit/s, deadline ms), as the first example's table states
    "K1": (2, 1.0, 20, 600),
    "K2": (8, 0.5, 10, 1000),
    "K3": (1, 2.0, 10, 900),
    "K4": (4, 1.5, 40, 1000),
}
F_LOCAL, P_COMPUTE, P_TX, F_EDGE = 1.0, 0.9, 0.2, 5.0


TASK_TABLE = {  # every example's table has these columns
    "data_size": {"source": "T1: data (Mbit)", "unit": "Mbit"},
    "cpu_cycles": {"source": "T1: cycles (Gcycles)", "unit": "Gcycle"},
    "uplink_rate": {"source": "T1: uplink rate (Mbit/s)", "unit": "Mbit/s"},
}


def values(*numbers: float, unit: str, source: str = "none") -> dict[str, Any]:
    return {"list": source, "values": list(numbers), "unit": unit}


def binding(**changes: Any) -> dict[str, Any]:
    """The first example's binding (whole tasks, device energy, deadlines, edge cycle budget)."""
    out: dict[str, Any] = {
        "objective": ENERGY,
        **TASK_TABLE,
        "local_cpu_frequency": values(1, unit="GHz"),
        "edge_cpu_frequency": {"value": 5, "unit": "GHz"},
        "local_energy": values(0.9, unit="W"),
        "transmit_power": values(0.2, unit="W"),
        "deadline": values(unit="ms", source="T1: deadline (ms)"),
        "edge_capacity": {"value": 4.8, "unit": "Gcycle"},
    }
    out.update(changes)
    return out


# ------------------------------------------------------------------------------------------------ whole tasks


def brute_force(
    objective: str,
    capacity: float | None = 4.8,
    deadlines: bool = True,
    budget: dict[str, float] | None = None,
    most: int | None = None,
    local: tuple[str, ...] = (),
    offload: tuple[str, ...] = (),
    local_energy: Callable[[float], float] = lambda gcycles: P_COMPUTE * gcycles / F_LOCAL,
    weights: tuple[float, float] = (0.0, 0.0),
) -> float | None:
    """The best choice of every offload/local decision, each scored from the table's numbers alone."""
    best = None
    for choice in itertools.product([False, True], repeat=len(TABLE)):
        chosen = dict(zip(TABLE, choice, strict=True))
        if any(chosen[k] for k in local) or not all(chosen[k] for k in offload):
            continue
        if most is not None and sum(choice) > most:
            continue
        latencies, energies, cycles, ok = [], [], 0.0, True
        for task, (data, gcycles, rate, deadline) in TABLE.items():
            if chosen[task]:
                seconds, joules = data / rate + gcycles / F_EDGE, P_TX * data / rate
                cycles += gcycles
            else:
                seconds, joules = gcycles / F_LOCAL, local_energy(gcycles)
            ok &= not deadlines or 1000 * seconds <= deadline + 1e-9
            ok &= budget is None or joules <= budget[task] + 1e-9
            latencies.append(1000 * seconds)
            energies.append(joules)
        if not ok or (capacity is not None and cycles > capacity + 1e-9):
            continue
        value = {
            ENERGY: sum(energies),
            TOTAL: sum(latencies),
            AVERAGE: sum(latencies) / len(latencies),
            WORST: max(latencies),
            WEIGHTED: weights[0] * sum(latencies) + weights[1] * sum(energies),
        }[objective]
        best = value if best is None else min(best, value)
    return best


@pytest.mark.parametrize("objective", [ENERGY, TOTAL, AVERAGE, WORST])
@pytest.mark.parametrize(("capacity", "deadlines"), [(4.8, True), (None, True), (2.5, False)])
def test_every_objective_equals_brute_force(objective: str, capacity: float | None, deadlines: bool) -> None:
    changes: dict[str, Any] = {"objective": objective, "edge_capacity": {"value": capacity, "unit": "Gcycle"}}
    if not deadlines:
        changes["deadline"] = values(unit="ms")
    text = WHOLE.replace("4.8 Gcycles", f"{capacity:g} Gcycles") if capacity else WHOLE
    params, result = solve_example(TEMPLATE, text, binding(**changes))
    expected = brute_force(objective, capacity, deadlines)
    assert expected is not None and result.objective == pytest.approx(expected, abs=1e-9)
    shares = TEMPLATE.shares(params, result.solution)
    assert TEMPLATE.objective_value(params, shares) == pytest.approx(expected, abs=1e-9)


def test_example_optimum_by_hand() -> None:
    """K1, K3, K4 miss their deadlines locally, so go to the edge (4.5 Gcycles); K2 no longer fits and stays:
    0.02 + 0.9 * 0.5 + 0.02 + 0.02 = 0.51 J."""
    params, result = solve_example(TEMPLATE, WHOLE, binding())
    assert result.objective == pytest.approx(0.51)
    assert {r["task"]: r["where"] for r in TEMPLATE.solution_table(params, result.solution)} == {
        "K1": "edge", "K2": "device", "K3": "edge", "K4": "edge",
    }  # fmt: skip


def test_energy_budgets_cap_and_fixed_tasks_equal_brute_force() -> None:
    text = WHOLE + " The batteries allow at most 1.0, 0.5, 0.3 and 1.5 J. At most two tasks can be offloaded."
    budget = {"K1": 1.0, "K2": 0.5, "K3": 0.3, "K4": 1.5}
    for objective in (ENERGY, TOTAL, WORST):
        changes = {
            "objective": objective,
            "energy_budget": values(1.0, 0.5, 0.3, 1.5, unit="J"),
            "max_offloaded_tasks": 2,
            "deadline": values(unit="ms"),
            "edge_capacity": {"value": None, "unit": "Gcycle"},
        }
        params, result = solve_example(TEMPLATE, text, binding(**changes))
        expected = brute_force(objective, None, False, budget=budget, most=2)
        assert expected is not None and result.objective == pytest.approx(expected, abs=1e-9), objective
    local_text = WHOLE + " Task K4 cannot be offloaded and K2 must be offloaded."
    changes = {"objective": TOTAL, "run_locally": ["K4"], "must_offload": ["K2"], "deadline": values(unit="ms")}
    params, result = solve_example(TEMPLATE, local_text, binding(**changes))
    assert result.objective == pytest.approx(brute_force(TOTAL, 4.8, False, local=("K4",), offload=("K2",)), abs=1e-9)
    assert {r["task"]: r["where"] for r in TEMPLATE.solution_table(params, result.solution)}["K4"] == "device"


@pytest.mark.parametrize(
    ("stated", "unit", "per_gcycle"),
    [
        (0.9, "J/Gcycle", lambda g: 0.9 * g),
        (0.9, "nJ/cycle", lambda g: 0.9 * g),
        (5e-28, KAPPA, lambda g: 5e-28 * g * 1e9 * (F_LOCAL * 1e9) ** 2),
        (900, "mW", lambda g: 0.9 * g / F_LOCAL),
    ],
)
def test_local_energy_models_equal_brute_force(stated: float, unit: str, per_gcycle: Callable[[float], float]) -> None:
    text = WHOLE + f" Local computing costs {stated:g} (in {unit})."
    _, result = solve_example(TEMPLATE, text, binding(local_energy=values(stated, unit=unit)))
    assert result.objective == pytest.approx(brute_force(ENERGY, local_energy=per_gcycle), rel=1e-9)


@pytest.mark.parametrize(("latency", "energy"), [((0.5, "per s"), (0.5, "per J")), ((0.002, "per ms"), (300, "per mJ"))])
def test_weighted_cost_equals_brute_force(latency: tuple[float, str], energy: tuple[float, str]) -> None:
    text = WHOLE.replace("minimize the total energy consumption of the devices", "minimize the weighted cost")
    text += f" Weights: {latency[0]:g} {latency[1]} of latency and {energy[0]:g} {energy[1]} of energy."
    weights = {"latency": values(latency[0], unit=latency[1]), "energy": values(energy[0], unit=energy[1])}
    _, result = solve_example(TEMPLATE, text, binding(objective=WEIGHTED, weights=weights))
    per_ms = latency[0] / (1000 if latency[1] == "per s" else 1)
    per_j = energy[0] * (1000 if energy[1] == "per mJ" else 1)
    expected = brute_force(WEIGHTED, weights=(per_ms, per_j))
    assert expected is not None and result.objective == pytest.approx(expected, rel=1e-9)


def test_too_small_an_edge_is_infeasible_and_megacycles_convert() -> None:
    params, _ = TEMPLATE.assemble(binding(edge_capacity={"value": 3000, "unit": "Mcycle"}), parse_text(WHOLE))
    assert params.edge_capacity_g == pytest.approx(3.0)
    assert solve(TEMPLATE.build_model(params), "MILP").status is Status.INFEASIBLE


# ------------------------------------------------------------------------------------------------ split tasks


def split_binding(**changes: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "objective": TOTAL,
        **TASK_TABLE,
        "local_cpu_frequency": values(1, unit="GHz"),
        "edge_cpu_frequency": {"value": 4, "unit": "GHz"},
        "edge_capacity": {"value": 3, "unit": "Gcycle"},
        "splittable_tasks": ["every task"],
    }
    out.update(changes)
    return out


def balanced(params: OffloadingParams, k: str) -> tuple[float, float]:
    tl, te = params.local_ms(k), params.edge_ms(k)
    return tl / (tl + te), tl * te / (tl + te)


def total_closed_form(params: OffloadingParams) -> float:
    """Unconstrained, each task balances its branches: lambda = t_l / (t_l + t_e), latency t_l t_e / (t_l + t_e). When
    the edge's cycle budget binds, pulling a fraction back costs t_l per unit of lambda and frees c_k cycles, i.e.
    1000 / f_local ms per Gcycle for every task alike."""
    total = sum(balanced(params, k)[1] for k in params.tasks)
    budget = params.edge_capacity_g if params.edge_capacity_g is not None else float("inf")
    excess = sum(balanced(params, k)[0] * params.cycles_g[k] for k in params.tasks) - budget
    return total + max(0.0, excess) * 1000 / params.local_cpu_ghz[params.tasks[0]]


def worst_by_bisection(params: OffloadingParams) -> float:
    """The least T for which the fractions 1 - T/t_l (local part in time) fit under T/t_e and the edge budget."""

    def feasible(t: float) -> bool:
        need = {k: max(0.0, 1 - t / params.local_ms(k)) for k in params.tasks}
        if any(need[k] > min(1.0, t / params.edge_ms(k)) for k in params.tasks):
            return False
        return params.edge_capacity_g is None or sum(need[k] * params.cycles_g[k] for k in params.tasks) <= params.edge_capacity_g

    low, high = 0.0, max(params.local_ms(k) for k in params.tasks)
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (low, middle) if feasible(middle) else (middle, high)
    return high


@pytest.mark.parametrize("capacity", [3.0, None, 0.5])
@pytest.mark.parametrize("objective", [TOTAL, AVERAGE, WORST])
def test_split_tasks_equal_closed_forms(objective: str, capacity: float | None) -> None:
    text = SPLIT.replace("3 Gcycles", f"{capacity:g} Gcycles") if capacity else SPLIT
    params, result = solve_example(
        TEMPLATE, text, split_binding(objective=objective, edge_capacity={"value": capacity, "unit": "Gcycle"})
    )
    expected = {TOTAL: total_closed_form, WORST: worst_by_bisection}.get(objective)
    value = expected(params) if expected else total_closed_form(params) / 3
    assert result.objective == pytest.approx(value, rel=1e-7)
    latencies = [r["latency (ms)"] for r in TEMPLATE.solution_table(params, result.solution)]
    assert {TOTAL: sum, AVERAGE: lambda x: sum(x) / 3, WORST: max}[objective](latencies) == pytest.approx(value, rel=1e-6)


def test_split_example_by_hand() -> None:
    """Balanced fractions 20/27, 20/33, 60/79 would offload 40/27 + 20/33 + 180/79 = 4.37 Gcycles, over the budget
    of 3, so every task ends on its local branch: latency (1 - lambda_k) * 1000 c_k / f_local, summing to
    1000 * (2 + 1 + 3) - 1000 * 3 (the budget used in full) = 3000 ms."""
    _, result = solve_example(TEMPLATE, SPLIT, split_binding())
    assert result.objective == pytest.approx(3000, rel=1e-9)


def mixed_by_enumeration_and_linprog(params: OffloadingParams) -> float:
    """Whole tasks enumerated; for each choice the split tasks' shares and latencies by scipy's linprog."""
    split = params.partial
    whole = [k for k in params.tasks if k not in split]
    best = math.inf
    for choice in itertools.product([0.0, 1.0], repeat=len(whole)):
        fixed = dict(zip(whole, choice, strict=True))
        fixed_latency = {k: params.local_ms(k) if s == 0 else params.edge_ms(k) for k, s in fixed.items()}
        if params.deadline_ms and any(fixed_latency[k] > params.deadline_ms[k] + 1e-9 for k in whole):
            continue
        used = sum(params.cycles_g[k] * s for k, s in fixed.items())
        n = len(split)  # variables: shares s_j, then latencies T_j, then the worst W
        cost = np.zeros(2 * n + 1)
        if params.objective == WORST:
            cost[-1] = 1.0
        else:
            cost[n : 2 * n] = 1.0
        rows, rhs = [], []
        for j, k in enumerate(split):
            local_row, edge_row = np.zeros(2 * n + 1), np.zeros(2 * n + 1)
            local_row[j], local_row[n + j] = -params.local_ms(k), -1.0  # (1 - s) t_l <= T
            rows.append(local_row), rhs.append(-params.local_ms(k))
            edge_row[j], edge_row[n + j] = params.edge_ms(k), -1.0  # s t_e <= T
            rows.append(edge_row), rhs.append(0.0)
            worst_row = np.zeros(2 * n + 1)
            worst_row[n + j], worst_row[-1] = 1.0, -1.0
            rows.append(worst_row), rhs.append(0.0)
        if params.edge_capacity_g is not None:
            budget_row = np.zeros(2 * n + 1)
            budget_row[:n] = [params.cycles_g[k] for k in split]
            rows.append(budget_row), rhs.append(params.edge_capacity_g - used)
        bounds = [(0, 1)] * n + [(0, params.deadline_ms[k] if params.deadline_ms else None) for k in split] + [(0, None)]
        worst_fixed = max(fixed_latency.values(), default=0.0)
        bounds[-1] = (worst_fixed, None)
        result = linprog(cost, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=bounds)
        if result.status != 0:
            continue
        value = float(result.fun) + (0.0 if params.objective == WORST else sum(fixed_latency.values()))
        best = min(best, value)
    return best


@pytest.mark.parametrize("objective", [TOTAL, WORST])
def test_split_and_whole_tasks_together_equal_enumeration_with_linprog(objective: str) -> None:
    text = WHOLE.replace("4.8", "4") + " Task K2 and task K3 are divisible: any fraction of their input can be offloaded."
    changes = {"objective": objective, "splittable_tasks": ["K2", "K3"], "edge_capacity": {"value": 4, "unit": "Gcycle"}}
    params, result = solve_example(TEMPLATE, text, binding(**changes))
    assert params.partial == ["K2", "K3"]
    assert result.objective == pytest.approx(mixed_by_enumeration_and_linprog(params), rel=1e-7)


def test_a_cap_on_offloaded_tasks_counts_a_split_task_once_it_offloads_anything() -> None:
    text = SPLIT + " At most one task may be offloaded, even in part."
    no_budget = {"value": None, "unit": "Gcycle"}
    params, result = solve_example(TEMPLATE, text, split_binding(max_offloaded_tasks=1, edge_capacity=no_budget))
    # Only one task can take its balanced split; the others run wholly locally: the best one to split saves most.
    full = {k: params.local_ms(k) for k in params.tasks}
    expected = min(sum(full.values()) - full[k] + balanced(params, k)[1] for k in params.tasks)
    assert result.objective == pytest.approx(expected, rel=1e-7)
    assert sum(r["where"] != "device" for r in TEMPLATE.solution_table(params, result.solution)) == 1


# ------------------------------------------------------------------------------------------------ shared edge CPU

SHARED_TABLE = {  # job: (data Mbit, Gcycles, uplink Mbit/s, energy budget J)
    "D1": (3, 1.2, 15, 1.5), "D2": (6, 0.6, 30, 0.8), "D3": (2, 2.4, 10, 2.0), "D4": (5, 0.9, 25, 1.2), "D5": (1, 1.8, 5, 1.5),
}  # fmt: skip
SHARED_F, SHARED_LOCAL, J_PER_GCYCLE, SHARED_TX = 12.0, 1.5, 1.2, 0.5


def shared_binding(**changes: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "objective": AVERAGE,
        **TASK_TABLE,
        "local_cpu_frequency": values(1.5, unit="GHz"),
        "edge_cpu_frequency": {"value": 12, "unit": "GHz"},
        "edge_cpu": SHARED,
        "local_energy": values(1.2, unit="J/Gcycle"),
        "transmit_power": values(0.5, unit="W"),
        "energy_budget": values(unit="J", source="T1: energy budget (J)"),
        "max_offloaded_tasks": 3,
    }
    out.update(changes)
    return out


def shared_brute_force(objective: str, most: int | None = 3, budgets: bool = True) -> float:
    """Every set of offloaded jobs; for each, the best division of the edge CPU by its own optimality conditions:
    total latency sum c_k/f_k is least at f_k proportional to sqrt(c_k), i.e. (sum sqrt c_k)^2 / F; the worst latency
    is the least T with sum c_k / (T - upload_k) <= F (bisection)."""
    best = math.inf
    for size in range(len(SHARED_TABLE) + 1):
        if most is not None and size > most:
            break
        for chosen in itertools.combinations(SHARED_TABLE, size):
            local = {k: 1000 * g / SHARED_LOCAL for k, (_, g, _, _) in SHARED_TABLE.items() if k not in chosen}
            energy = {k: J_PER_GCYCLE * g for k, (_, g, _, _) in SHARED_TABLE.items() if k not in chosen}
            upload = {k: 1000 * d / r for k, (d, _, r, _) in SHARED_TABLE.items() if k in chosen}
            energy |= {k: SHARED_TX * upload[k] / 1000 for k in chosen}
            if budgets and any(energy[k] > SHARED_TABLE[k][3] + 1e-9 for k in SHARED_TABLE):
                continue
            if objective == WORST:
                low, high = max([*upload.values(), 0.0]), 1e7
                for _ in range(300):
                    t = (low + high) / 2
                    need = sum(1000 * SHARED_TABLE[k][1] / (t - upload[k]) for k in chosen) if t > low else math.inf
                    low, high = (t, high) if need > SHARED_F else (low, t)
                value = max([*local.values(), high if chosen else 0.0])
            else:
                edge = 1000 * sum(math.sqrt(SHARED_TABLE[k][1]) for k in chosen) ** 2 / SHARED_F
                value = (sum(local.values()) + sum(upload.values()) + edge) / (len(SHARED_TABLE) if objective == AVERAGE else 1)
            best = min(best, value)
    return best


@pytest.mark.parametrize(("objective", "most", "budgets"), [(AVERAGE, 3, True), (TOTAL, None, False), (WORST, 3, True)])
def test_a_shared_edge_cpu_equals_enumeration_with_the_best_division(objective: str, most: int | None, budgets: bool) -> None:
    changes: dict[str, Any] = {"objective": objective, "max_offloaded_tasks": most}
    if not budgets:
        changes["energy_budget"] = values(unit="J")
    params, result = solve_example(TEMPLATE, SHARED_TEXT, shared_binding(**changes))
    expected = shared_brute_force(objective, most, budgets)
    assert result.objective == pytest.approx(expected, rel=1e-4)
    speeds = TEMPLATE.edge_speeds(params, result.solution)
    assert sum(speeds.values()) <= SHARED_F + 1e-6
    assert TEMPLATE.objective_value(params, TEMPLATE.shares(params, result.solution), speeds) == pytest.approx(expected, rel=1e-4)


# ------------------------------------------------------------------------------------------------ binding and spec


def test_the_schema_offers_only_what_each_text_speaks_of() -> None:
    fields = {name: set(TEMPLATE.binding_schema(parse_text(text))["properties"]) for name, text in
              (("whole", WHOLE), ("split", SPLIT), ("shared", SHARED_TEXT))}  # fmt: skip
    basic = {"objective", "data_size", "cpu_cycles", "uplink_rate", "local_cpu_frequency", "edge_cpu_frequency"}
    assert fields["whole"] == basic | {"local_energy", "transmit_power", "deadline", "edge_capacity"}
    assert fields["split"] == basic | {"edge_capacity", "splittable_tasks"}
    assert fields["shared"] == basic | {"edge_cpu", "local_energy", "transmit_power", "energy_budget", "max_offloaded_tasks"}
    schema = TEMPLATE.binding_schema(parse_text(SHARED_TEXT))
    # the energy budget may come from the table column whose header names it; the CPU speed from no column
    assert "T1: energy budget (J)" in schema["properties"]["energy_budget"]["properties"]["list"]["enum"]
    assert schema["properties"]["local_cpu_frequency"]["properties"]["list"]["enum"] == ["none"]
    fixed = TEMPLATE.binding_schema(parse_text(WHOLE + " Task K4 cannot be offloaded."))
    assert fixed["properties"]["run_locally"]["items"]["enum"] == ["K1", "K2", "K3", "K4"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(binding(objective="minimize the cost"), TEMPLATE.binding_schema(parse_text(WHOLE)))


def test_the_spec_holds_the_numbers_the_variant_uses_and_no_others() -> None:
    data = parse_text(WHOLE)
    _, energy_spec = TEMPLATE.assemble(binding(), data)
    _, latency_spec = TEMPLATE.assemble(binding(objective=TOTAL), data)
    stated = {item.value for item in energy_spec}
    assert {0.9, 0.2, 4.8, 5.0, 600.0} <= stated and all(data.mentions(v) for v in stated)
    # a latency objective without energy budgets uses neither the computing power nor the transmit power
    assert not any("power" in item.name for item in latency_spec)
    assert any("power" in item.name for item in energy_spec)


def test_an_energy_objective_without_energy_figures_is_refused_in_words() -> None:
    bare = {k: v for k, v in binding().items() if k not in ("local_energy", "transmit_power")}
    with pytest.raises(AssemblyError, match="local computing power"):
        TEMPLATE.assemble(bare, parse_text(WHOLE))
    with pytest.raises(AssemblyError, match="weight"):
        TEMPLATE.assemble(binding(objective=WEIGHTED), parse_text(WHOLE))


EQUAL_SHARE = """Five drones each run one task, on board or on the edge server (whole task, no splitting). The edge server has a
10 GHz CPU shared equally by the offloaded tasks: if n tasks are offloaded, each gets 10/n GHz for its whole run, on
its share of the edge CPU.

| drone | work (Gcycles) | input (Mbit) | uplink (Mbit/s) | onboard CPU (GHz) |
|---|---|---|---|---|
| 1 | 1.5 | 5 | 25 | 1.0 |
| 2 | 0.6 | 2 | 8 | 0.9 |
| 3 | 2.4 | 4 | 20 | 1.2 |
| 4 | 0.4 | 1 | 4 | 1.0 |
| 5 | 1.8 | 6 | 12 | 1.4 |

Minimize the sum of the completion times, in ms."""


def test_an_edge_cpu_shared_equally_equals_enumeration_and_numbered_tasks_read_back() -> None:
    # dev30-mec-03: "each gets 12/n GHz" is not the best division of the CPU (a lower sum); nor does "no splitting"
    # or "its share of the edge CPU" make tasks splittable.
    data = parse_text(EQUAL_SHARE)
    assert "splittable_tasks" not in TEMPLATE.binding_schema(data)["properties"]
    work, size, rate, local = [1.5, 0.6, 2.4, 0.4, 1.8], [5, 2, 4, 1, 6], [25, 8, 20, 4, 12], [1.0, 0.9, 1.2, 1.0, 1.4]
    best = math.inf
    for off in itertools.product((0, 1), repeat=5):
        n = sum(off)
        total = sum(1000 * (size[i] / rate[i] + work[i] * n / 10 if o else work[i] / local[i]) for i, o in enumerate(off))
        best = min(best, total)
    chosen = {
        "objective": "minimize the total latency", "data_size": {"source": "T1: input (Mbit)", "unit": "Mbit"},
        "cpu_cycles": {"source": "T1: work (Gcycles)", "unit": "Gcycle"},
        "uplink_rate": {"source": "T1: uplink (Mbit/s)", "unit": "Mbit/s"},
        "local_cpu_frequency": {"list": "T1: onboard CPU (GHz)", "values": [], "unit": "GHz"},
        "edge_cpu_frequency": {"value": 10, "unit": "GHz"},
    }  # fmt: skip
    for said in ("shared by the offloaded tasks", "each offloaded task gets this speed"):  # the text says: equally
        params, result = solve_example(TEMPLATE, EQUAL_SHARE, chosen | {"edge_cpu": said})
        assert params.edge_cpu == EQUAL and result.objective == pytest.approx(best, rel=1e-7)
        shares, speeds = TEMPLATE.shares(params, result.solution), TEMPLATE.edge_speeds(params, result.solution)
        assert TEMPLATE.objective_value(params, shares, speeds) == pytest.approx(best, rel=1e-7)  # tasks named 1..5
        offloaded = [k for k, share in shares.items() if share > 0.5]
        assert offloaded and all(speeds[k] == pytest.approx(10 / len(offloaded)) for k in offloaded)
    best_division = chosen | {"edge_cpu": "shared by the offloaded tasks"}
    divided = EQUAL_SHARE.replace(
        "shared equally by the offloaded tasks: if n tasks are offloaded, each gets 10/n GHz for its whole run, on\nits share of",
        "shared by the offloaded tasks as they need; the offloaded tasks use",
    )
    free, _ = TEMPLATE.assemble(best_division, parse_text(divided))
    assert free.edge_cpu == SHARED


def test_tasks_named_by_numbers_are_offered_as_fixed_only_where_a_sentence_names_them_not_counts_them() -> None:
    # dev30-mec-01: "at most 3 tasks can be offloaded" offered the 1.5B model lists of tasks that must run locally or
    # be offloaded (3 read as task 3), which it filled with tasks 1, 2, 4 and 3, 5, 6, none named by the text.
    from tests.templates_support import dev30_case

    text = dev30_case("dev30-mec-01")["question"]
    assert not {"run_locally", "must_offload"} & set(TEMPLATE.binding_schema(parse_text(text))["properties"])
    fixed = TEMPLATE.binding_schema(parse_text(text + " Tasks 2 and 5 must run on the phone."))
    assert fixed["properties"]["run_locally"]["items"]["enum"] == ["1", "2", "3", "4", "5", "6"]
