"""The solver portfolio, its status vocabulary, the independent solution check and infeasibility diagnosis."""

from __future__ import annotations

import math
import sys
import threading

import pyomo.environ as pyo
import pytest

from tools.solvers import Status, solve
from tools.solvers.diagnosis import explain_infeasibility
from tools.solvers.model_facts import model_size
from tools.solvers.portfolio import CPLEX_COMMUNITY_LIMIT
from tools.solvers.solution_check import check_solution


def knapsack(capacity: float = 4, minimum: int = 2) -> pyo.ConcreteModel:
    m = pyo.ConcreteModel()
    m.I = pyo.Set(initialize=[1, 2, 3])
    m.x = pyo.Var(m.I, domain=pyo.Binary)
    m.enough = pyo.Constraint(expr=sum(m.x[i] for i in m.I) >= minimum, doc="at least the minimum number is picked")
    m.cap = pyo.Constraint(expr=sum(i * m.x[i] for i in m.I) <= capacity, doc="the picked weight fits the capacity")
    m.value = pyo.Objective(expr=sum((4 - i) * m.x[i] for i in m.I), sense=pyo.maximize)
    return m


@pytest.mark.parametrize("solver", ["cplex", "highs", "scip"])
def test_each_solver_finds_the_knapsack_optimum(solver: str) -> None:
    result = solve(knapsack(), "MILP", preference=solver)
    assert result.solver == solver
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(5.0)  # items 1 and 2: values 3 + 2, weight 3 <= 4
    assert result.solution["x[1]"] == pytest.approx(1) and result.solution["x[3]"] == pytest.approx(0)


def test_infeasible_and_unbounded_are_named() -> None:
    assert solve(knapsack(capacity=2), "MILP").status is Status.INFEASIBLE
    m = pyo.ConcreteModel()
    m.x = pyo.Var(domain=pyo.NonNegativeReals)
    m.c = pyo.Constraint(expr=m.x >= 1)
    m.o = pyo.Objective(expr=m.x, sense=pyo.maximize)
    assert solve(m, "LP", preference="highs").status in (Status.UNBOUNDED, Status.INFEASIBLE)


def test_models_over_the_cplex_community_limit_fall_back_to_highs() -> None:
    n = CPLEX_COMMUNITY_LIMIT + 100
    m = pyo.ConcreteModel()
    m.I = pyo.RangeSet(1, n)
    m.x = pyo.Var(m.I, bounds=(0, 1))
    m.total = pyo.Constraint(expr=sum(m.x[i] for i in m.I) <= 10)
    m.o = pyo.Objective(expr=sum((i % 7) * m.x[i] for i in m.I), sense=pyo.maximize)
    result = solve(m, "LP", preference="cplex")
    assert result.solver == "highs" and result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(60.0)
    assert any("Community Edition limit" in a for a in result.attempts)


def test_nonlinear_models_go_to_scip() -> None:
    m = pyo.ConcreteModel()
    m.x = pyo.Var(bounds=(0.1, 10))
    m.y = pyo.Var(bounds=(0.1, 10))
    m.budget = pyo.Constraint(expr=m.x + m.y <= 4)
    m.o = pyo.Objective(expr=pyo.log(m.x) + pyo.log(m.y), sense=pyo.maximize)
    assert model_size(m).nonlinear
    result = solve(m, "NLP")
    assert result.solver == "scip" and result.status.has_solution
    assert result.objective == pytest.approx(2 * math.log(2.0), rel=1e-4)  # x = y = 2


def test_solution_check_catches_a_violated_constraint_and_a_wrong_objective() -> None:
    good = check_solution(knapsack(), {"x[1]": 1, "x[2]": 1, "x[3]": 0})
    assert good.feasible and good.objective == pytest.approx(5.0)
    bad = check_solution(knapsack(), {"x[1]": 1, "x[2]": 1, "x[3]": 1})
    assert not bad.feasible and any(v.startswith("cap") for v in bad.violations)
    fractional = check_solution(knapsack(), {"x[1]": 0.5, "x[2]": 1, "x[3]": 0.5})
    assert any("not integral" in v for v in fractional.violations)
    assert check_solution(knapsack(), {"x[1]": 1}).missing == ["x[2]", "x[3]"]


def test_a_variable_no_constraint_mentions_needs_no_value() -> None:
    model = knapsack()
    model.spare = pyo.Var(domain=pyo.NonNegativeIntegers)  # declared, used nowhere: solvers never see it
    check = check_solution(model, {"x[1]": 1, "x[2]": 1, "x[3]": 0})
    assert check.feasible and check.missing == [] and check.objective == pytest.approx(5.0)


def test_things_named_by_numbers_come_back_under_the_names_templates_write() -> None:
    # Tasks named "1".."3" (a table's row labels): Pyomo names the variable share['1']; templates read share[1].
    model = pyo.ConcreteModel()
    model.K = pyo.Set(initialize=["1", "2", "3"])
    model.pair = pyo.Set(initialize=[("1", "U 2")])
    model.share = pyo.Var(model.K, domain=pyo.Binary)
    model.y = pyo.Var(model.pair, bounds=(0, 1))
    model.one = pyo.Constraint(expr=sum(model.share[k] for k in model.K) + model.y["1", "U 2"] <= 1)
    model.obj = pyo.Objective(expr=2 * model.share["2"] + model.share["3"] + model.y["1", "U 2"], sense=pyo.maximize)
    result = solve(model, "MILP")
    assert result.solution["share[2]"] == pytest.approx(1.0) and "share['2']" not in result.solution
    assert "y[1,U 2]" in result.solution
    check = check_solution(model, result.solution)
    assert check.feasible and not check.missing and check.objective == pytest.approx(2.0)


def test_diagnosis_names_the_conflicting_constraint_in_words() -> None:
    conflicts = explain_infeasibility(knapsack(capacity=2, minimum=3), keep=frozenset({"enough"}))
    assert [c.constraint for c in conflicts] == ["cap"]
    assert conflicts[0].violation == pytest.approx(4.0)  # all three items weigh 6 > 2
    assert "the picked weight fits the capacity" in conflicts[0].sentence()
    assert explain_infeasibility(knapsack()) == []


def test_concurrent_solves_keep_their_own_logs_and_leave_stdout_alone() -> None:
    """Chat threads and batch cases solve at once in one process: no log may leak into another's."""
    stdout = sys.stdout
    results: dict[tuple[str, int], list[str]] = {}

    def work(solver: str, capacity: int, minimum: int) -> None:
        for _ in range(3):
            result = solve(knapsack(capacity, minimum), "MILP", preference=solver)
            results.setdefault((solver, capacity), []).append(result.log_excerpt)

    threads = [
        threading.Thread(target=work, args=(solver, capacity, minimum))
        for solver in ("highs", "cplex")
        for capacity, minimum in ((4, 2), (6, 3))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sys.stdout is stdout
    for capacity, objective, other in ((4, 5, 6), (6, 6, 5)):
        for log in results[("highs", capacity)]:
            assert f"{objective} (objective)" in log and f"{other} (objective)" not in log
    assert all(log.count("Total (root+branch&cut)") == 1 for c in (4, 6) for log in results[("cplex", c)])
