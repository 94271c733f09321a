"""The user-association templates against brute-force enumeration of every association, and on the dev questions."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest

from knowledge_base.template import AssemblyError
from knowledge_base.templates.association_bs_sleeping import TEMPLATE as SLEEPING
from knowledge_base.templates.association_bs_sleeping import SleepingParams
from knowledge_base.templates.association_load_balancing import TEMPLATE as LOAD
from knowledge_base.templates.association_load_balancing import LoadBalancingParams
from knowledge_base.templates.association_max_rate import TEMPLATE as MAX_RATE
from knowledge_base.templates.association_max_rate import AssociationRateParams
from knowledge_base.templates.association_proportional_fair import TEMPLATE as FAIR
from knowledge_base.templates.association_proportional_fair import ProportionalFairParams
from tests.templates_support import dev_item, solve_example, within
from tools.textdata import parse_text


def associations(users: list[str], options: dict[str, list[str]]) -> Any:
    """Every way to give each user one of its covering cells."""
    for choice in itertools.product(*(options[u] for u in users)):
        yield dict(zip(users, choice, strict=True))


def brute_max_rate(params: AssociationRateParams) -> float:
    options = {u: [c for c in params.cells if params.rate[u][c] is not None] for u in params.users}
    best = -math.inf
    for chosen in associations(params.users, options):
        if params.max_users and any(list(chosen.values()).count(c) > params.max_users[c] for c in params.cells):
            continue
        if params.backhaul and any(
            sum(float(params.rate[u][c] or 0.0) for u, cell in chosen.items() if cell == c) > params.backhaul[c] + 1e-9
            for c in params.cells
        ):
            continue
        rates = [float(params.rate[u][c] or 0.0) for u, c in chosen.items()]
        best = max(best, min(rates) if params.objective == "rate of the worst user" else sum(rates))
    return best


def brute_min_max_load(params: LoadBalancingParams) -> float:
    options = {u: [c for c in params.cells if params.peak_rate[u][c] is not None] for u in params.users}
    best = math.inf
    for chosen in associations(params.users, options):
        loads = dict.fromkeys(params.cells, 0.0)
        for u, c in chosen.items():
            loads[c] += params.demand[u] / float(params.peak_rate[u][c] or 1.0)
        best = min(best, max(loads.values()))
    return best


def brute_proportional_fair(params: ProportionalFairParams) -> float:
    options = {u: [c for c in params.cells if params.rate[u][c] is not None] for u in params.users}
    best = -math.inf
    for chosen in associations(params.users, options):
        count = {c: list(chosen.values()).count(c) for c in params.cells}
        best = max(best, sum(math.log(float(params.rate[u][c] or 0.0) / count[c]) for u, c in chosen.items()))
    return best


@pytest.mark.parametrize("objective", ["sum of user rates", "rate of the worst user"])
def test_max_rate_example_equals_brute_force(objective: str) -> None:
    binding = {
        "rate_table": "T1",
        "max_users_per_cell": {"values": {"Macro": 3, "Small-1": 1, "Small-2": 1}},
        "objective": objective,
    }
    params, result = solve_example(MAX_RATE, MAX_RATE.examples[0], binding)
    assert result.objective == pytest.approx(brute_max_rate(params), abs=1e-6)
    if objective == "sum of user rates":
        # By hand: Small-1 takes U1 (30, its best gain over Macro: +20), Small-2 takes U4 (35, +20 over Macro's 15);
        # U2, U3, U5 go to Macro (12 + 8 + 18): 30 + 35 + 38 = 103.
        assert result.objective == pytest.approx(103.0)
    rates = [r["rate (Mbit/s)"] for r in MAX_RATE.solution_table(params, result.solution)]
    assert (sum(rates) if objective == "sum of user rates" else min(rates)) == pytest.approx(result.objective)


def test_max_rate_solves_dev_assoc_01() -> None:
    item = dev_item("dev-assoc-01")
    binding = {
        "rate_table": "T1",
        "max_users_per_cell": {"values": {"Macro": 4, "Small-1": 3, "Small-2": 2}},
        "objective": "sum of user rates",
    }
    params, result = solve_example(MAX_RATE, item["question"], binding)
    assert within(result.objective, item)
    assert result.objective == pytest.approx(brute_max_rate(params), abs=1e-6)
    assert all(params.rate[r["user"]][r["cell"]] is not None for r in MAX_RATE.solution_table(params, result.solution))


def test_max_rate_with_backhaul_limits_equals_brute_force() -> None:
    text = MAX_RATE.examples[0].replace(
        "Find the association", "\nBackhaul capacity (Mbit/s): Macro 45, Small-1 40, Small-2 30.\nFind the association"
    )
    binding = {
        "rate_table": "T1",
        "max_users_per_cell": {"values": {"Macro": 3, "Small-1": 1, "Small-2": 1}},
        "backhaul_capacity": "L1",
        "objective": "sum of user rates",
    }
    params, result = solve_example(MAX_RATE, text, binding)
    assert params.backhaul == {"Macro": 45.0, "Small-1": 40.0, "Small-2": 30.0}
    assert result.objective == pytest.approx(brute_max_rate(params), abs=1e-6)
    # By hand: U4 (35) no longer fits Small-2's 30 Mbit/s backhaul and goes to Macro (15). Small-2 then takes U5 (30)
    # or U3 (20); the best completions (U1 on Small-1 with U2, U3, U4 on Macro = 35 <= 45, among others) reach 95.
    assert result.objective == pytest.approx(95.0)
    for row in MAX_RATE.solution_table(params, result.solution):
        assert row["cell"] in params.cells


def test_max_rate_reads_what_the_small_model_gave_for_dev_assoc_01() -> None:
    """Qwen2.5-Coder-0.5B filled the optional per-cell numbers it had no data for with zeros: they mean "none"."""
    item = dev_item("dev-assoc-01")
    data = parse_text(item["question"])
    assert "backhaul_capacity" not in MAX_RATE.binding_schema(data)["properties"]  # the text has no backhaul to ask about
    zeros = {"unit": "Mbit/s", "values": {"Macro": 0, "Small-1": 0, "Small-2": 0}}
    binding = {
        "rate_table": "T1",
        "max_users_per_cell": {"values": {"Macro": 4, "Small-1": 3, "Small-2": 2}},
        "backhaul_capacity": zeros,
        "objective": "sum of user rates",
    }
    params, spec = MAX_RATE.assemble(binding, data)
    assert params.backhaul is None and not any(s.name.startswith("backhaul") for s in spec)
    params, _ = MAX_RATE.assemble(binding | {"max_users_per_cell": {"values": {"Macro": 0, "Small-1": 0, "Small-2": 0}}}, data)
    assert params.max_users is None


def test_max_rate_schema_offers_the_cells_and_refuses_missing_limits() -> None:
    data = parse_text(MAX_RATE.examples[0])
    schema = MAX_RATE.binding_schema(data)["properties"]
    numbers = schema["max_users_per_cell"]["anyOf"][1]
    assert numbers["properties"]["values"]["required"] == ["Macro", "Small-1", "Small-2"]
    with pytest.raises(AssemblyError, match="no value for Small-2"):
        MAX_RATE.assemble({"rate_table": "T1", "max_users_per_cell": {"values": {"Macro": 3, "Small-1": 1}}}, data)
    with pytest.raises(AssemblyError, match="no table 'T2'"):
        MAX_RATE.assemble({"rate_table": "T2", "max_users_per_cell": "none"}, data)


def test_load_balancing_example_equals_brute_force() -> None:
    binding = {"rate_table": "T1", "demand": "demand (Mbit/s)"}  # the peak-rate columns are the other columns
    params, result = solve_example(LOAD, LOAD.examples[0], binding)
    assert params.cells == ["C1", "C2"]
    # By hand: U3 must use C1 (0.2), U4 must use C2 (0.2); U1 -> C2 (0.1) and U2 -> C1 (0.2) give loads 0.4 and 0.3,
    # and no other choice of U1, U2 brings the larger load below 0.4.
    assert result.objective == pytest.approx(0.4)
    assert result.objective == pytest.approx(brute_min_max_load(params), abs=1e-9)
    rows = LOAD.solution_table(params, result.solution)
    assert max(r["cell load"] for r in rows) == pytest.approx(result.objective)


def test_load_balancing_takes_a_demand_list_and_a_users_by_cells_table() -> None:
    text = (
        "Each user has a traffic demand; the table gives its peak rate (Mbit/s) from each cell.\n\n"
        "| user | C1 | C2 |\n|---|---|---|\n| U1 | 20 | 40 |\n| U2 | 30 | 20 |\n| U3 | 25 | - |\n| U4 | - | 10 |\n\n"
        "Demand (Mbit/s): U1 4, U2 6, U3 5, U4 2.\nMinimize the largest cell load."
    )
    params, result = solve_example(LOAD, text, {"rate_table": "T1", "demand": "L1"})
    assert params.cells == ["C1", "C2"] and params.demand == {"U1": 4.0, "U2": 6.0, "U3": 5.0, "U4": 2.0}
    assert result.objective == pytest.approx(0.4)  # the example's numbers, laid out differently


def test_load_balancing_refuses_the_demand_column_as_a_cell() -> None:
    """A binding that names the peak-rate columns itself (a human's) may not count the demand among them."""
    binding = {
        "rate_table": "T1",
        "peak_rate_columns": ["demand (Mbit/s)", "peak rate in C1 (Mbit/s)"],
        "demand": "demand (Mbit/s)",
    }
    with pytest.raises(AssemblyError, match="holds the demands"):
        LOAD.assemble(binding, parse_text(LOAD.examples[0]))


def test_load_balancing_solves_dev_assoc_02() -> None:
    item = dev_item("dev-assoc-02")
    params, result = solve_example(LOAD, item["question"], {"rate_table": "T1", "demand": "demand (Mbit/s)"})
    assert params.cells == ["C1", "C2", "C3"]
    assert within(result.objective, item)
    assert result.objective == pytest.approx(brute_min_max_load(params), abs=1e-9)


def test_load_balancing_converts_the_demand_unit() -> None:
    text = LOAD.examples[0].replace("demand (Mbit/s)", "demand (kbit/s)").replace("| U1 | 4 |", "| U1 | 4000 |")
    text = (
        text.replace("| U2 | 6 |", "| U2 | 6000 |").replace("| U3 | 5 |", "| U3 | 5000 |").replace("| U4 | 2 |", "| U4 | 2000 |")
    )
    params, spec = LOAD.assemble({"rate_table": "T1", "demand": "demand (kbit/s)"}, parse_text(text))
    assert params.demand["U1"] == pytest.approx(4.0)
    assert any(item.name == "demand[U1,demand (kbit/s)]" and item.value == 4000 for item in spec)


def test_proportional_fair_example_equals_brute_force() -> None:
    params, result = solve_example(FAIR, FAIR.examples[0], {"rate_table": "T1"})
    # By hand: U1, U2 on BS1 and U3, U4 on BS2: ln(10/2) + ln(8/2) + ln(9/2) + ln(6/2) = ln 270.
    assert result.objective == pytest.approx(math.log(270.0))
    assert result.objective == pytest.approx(brute_proportional_fair(params), abs=1e-6)
    rows = FAIR.solution_table(params, result.solution)
    assert sum(r["ln throughput"] for r in rows) == pytest.approx(result.objective)


def test_proportional_fair_solves_dev_assoc_03() -> None:
    item = dev_item("dev-assoc-03")
    params, result = solve_example(FAIR, item["question"], {"rate_table": "T1"})
    assert within(result.objective, item)
    assert result.objective == pytest.approx(brute_proportional_fair(params), abs=1e-6)


def test_prose_in_parentheses_is_not_taken_for_a_unit() -> None:
    text = MAX_RATE.examples[0].replace("(Mbit/s)", "(kbit/s)").replace("coverage:", "coverage (see {note}):")
    params, _ = MAX_RATE.assemble({"rate_table": "T1", "max_users_per_cell": "none"}, parse_text(text))
    assert params.rate["U1"]["Small-1"] == pytest.approx(0.030)  # 30 kbit/s in the template's Mbit/s


def brute_sleeping(params: SleepingParams) -> float:
    """Cheapest set of active base stations that can serve every user within the limits (all associations tried)."""
    best = math.inf
    for r in range(1, len(params.stations) + 1):
        for active in itertools.combinations(params.stations, r):
            options = {u: [c for c in active if params.usable(u, c)] for u in params.users}
            if any(not o for o in options.values()):
                continue
            for chosen in associations(params.users, options):
                if params.max_users and any(list(chosen.values()).count(c) > params.max_users[c] for c in active):
                    continue
                best = min(best, sum(params.power[c] for c in active))
                break
    return best


SLEEPING_BINDING = {
    "rate_table": "T1",
    "minimum_rate": {"value": 10, "unit": "Mbit/s"},
    "power": "L1",
    "max_users": "L2",
}


def test_bs_sleeping_equals_brute_force() -> None:
    params, result = solve_example(SLEEPING, SLEEPING.examples[0], SLEEPING_BINDING)
    # By hand: with 3 users per station at least two stations are on; the cheapest pair BS3 + BS2 (190 W) serves
    # U1, U4, U3 from BS2 and U2, U5, U6 from BS3, every rate >= 10 Mbit/s.
    assert result.objective == pytest.approx(190.0)
    assert result.objective == pytest.approx(brute_sleeping(params))
    rows = SLEEPING.solution_table(params, result.solution)
    assert all(r["rate (Mbit/s)"] >= 10 for r in rows)


def test_bs_sleeping_without_user_limits_may_keep_one_station() -> None:
    params, result = solve_example(SLEEPING, SLEEPING.examples[0], SLEEPING_BINDING | {"max_users": "none"})
    assert result.objective == pytest.approx(brute_sleeping(params))


def test_bs_sleeping_refuses_a_user_no_station_can_serve() -> None:
    binding = SLEEPING_BINDING | {"minimum_rate": {"value": 26, "unit": "Mbit/s"}}
    with pytest.raises(AssemblyError, match="no base station gives user U1"):
        SLEEPING.assemble(binding, parse_text(SLEEPING.examples[0]))
