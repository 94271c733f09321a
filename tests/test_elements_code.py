"""Code written from plain-algebra elements: notation tidied, bounds split, mistakes named, the model right.

The models are built and solved in the real sandbox and compared with an enumeration done here.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest

from agents.elements_code import ElementsError, code_from_elements, normalise, plain_algebra
from tools.solvers.sandbox.runner import run_generated_model

DUCKS = {  # NL4OPT nl4opt-000 as the small model should write it: boats carry 10, canoes 8; time 20 and 40 min
    "sets": [],
    "parameters": [{"name": "max boat-trips", "value": 12, "unit": "trips", "meaning": "at most 12 boat trips"}],
    "variables": [
        {"name": "boat", "domain": "nonnegative integer", "meaning": "boat trips"},
        {"name": "canoe", "domain": "nonnegative integer", "meaning": "canoe trips"},
    ],
    "objective": {"sense": "minimize", "expression": "20 boat + 40 canoe"},
    "constraints": [
        {"name": "boat limit", "expression": "boat <= max boat-trips"},
        {"name": "canoe share", "expression": "canoe >= 60% * (boat + canoe)"},
        {"name": "ducks", "expression": "10 * boat + 8 * canoe = 300"},
    ],
}


def _ducks_by_enumeration() -> float:
    feasible = (
        20 * b + 40 * c for b, c in itertools.product(range(13), range(60)) if c >= 0.6 * (b + c) and 10 * b + 8 * c == 300
    )
    return min(feasible)


def test_an_nl4opt_problem_written_as_elements_solves_to_the_enumerated_optimum() -> None:
    code, data = code_from_elements(DUCKS)
    assert data == {"max_boat_trips": 12}
    assert "data['max_boat_trips']" in code and "60 / 100" in code
    result = run_generated_model(code, data)
    assert result.ok, result.error
    assert result.status == "optimal"
    assert result.objective == pytest.approx(_ducks_by_enumeration())
    assert result.summary["integer_variables"] == 2


def test_a_chained_bound_becomes_two_constraints_and_strict_signs_are_closed() -> None:
    elements = {
        "variables": [{"name": "x", "domain": "nonnegative real", "meaning": "x"}],
        "objective": {"sense": "maximize", "expression": "x"},
        "constraints": [{"name": "range", "expression": "2 < x < 7"}],
    }
    code, _ = code_from_elements(elements)
    assert "m.c1_range = pyo.Constraint(expr=2 <= m.x" in code and "m.c1_range_2 = pyo.Constraint(expr=m.x <= 7" in code
    result = run_generated_model(code, {})
    assert result.objective == pytest.approx(7.0)


@pytest.mark.parametrize(
    ("written", "python"),
    [
        ("$1,500 * x ≥ 3,000", "1500 * x >= 3000"),
        ("x >= 60% * (x + y)", "x >= (60/100) * (x + y)"),
        ("3x + 2.5y = 10", "3*x + 2.5*y == 10"),
        ("x + 1e3 <= x2", "x + 1e3 <= x2"),
        ("counter-top <= 4", "counter_top <= 4"),
    ],
)
def test_everyday_notation_is_read_as_python(written: str, python: str) -> None:
    assert normalise(written, {"counter-top": "counter_top", "x": "x", "y": "y", "x2": "x2"}) == python


def _with_constraint(expression: str, objective: str = "x + y") -> dict[str, Any]:
    return {
        "variables": [
            {"name": "x", "domain": "nonnegative real", "meaning": "x"},
            {"name": "y", "domain": "nonnegative real", "meaning": "y"},
        ],
        "objective": {"sense": "minimize", "expression": objective},
        "constraints": [{"name": "rule", "expression": expression}],
    }


@pytest.mark.parametrize(
    ("expression", "objective", "message"),
    [
        ("$15000", "x + y", "involves no variable"),
        ("x + z <= 3", "x + y", "uses z, which is neither a variable nor a parameter"),
        ("x + y", "x + y", "has no <=, >= or =="),
        ("1 <= x >= 0", "x + y", "mixes directions"),
        ("__import__('os').system('id') <= x", "x + y", "calls something; the functions allowed are sum, ln"),
        ("max(x, y) <= 3", "x + y", "calls max; the functions allowed are sum, ln, log"),
        ("ln(x, y) <= 3", "x + y", "gives ln 2 arguments; it takes one"),
        ("sum() <= 3", "x + y", "calls sum in a way not allowed"),
        ("exp(*x) <= 3", "x + y", "calls exp in a way not allowed"),
        ("exp(x = y) <= 3", "x + y", "compares inside an expression"),
        ("x.real <= 1", "x + y", "uses Attribute"),
        ("x <= 'ten'", "x + y", "contains the text 'ten'"),
        ("x >= 1", "x + y >= 2", "compares; it must be an expression"),
        ("$100 per kilogram * x <= 5000", "x + y", "is not an algebraic expression"),
    ],
)
def test_what_cannot_be_read_is_named_for_the_llm(expression: str, objective: str, message: str) -> None:
    with pytest.raises(ElementsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        code_from_elements(_with_constraint(expression, objective))


def test_sums_and_logarithms_written_as_calls_become_a_nonlinear_model_that_solves() -> None:
    # A proportional-fair split of 12 MHz over three users (each at least 1 MHz): the sum of logs is largest at 4 each.
    fair = {
        "parameters": [{"name": "band", "value": 12, "unit": "MHz", "meaning": "the band"}],
        "variables": [{"name": n, "domain": "nonnegative real", "meaning": f"MHz of {n}"} for n in ("b1", "b2", "b3")],
        "objective": {"sense": "maximize", "expression": "ln(b1) + log(b2) + ln(b3)"},
        "constraints": [
            {"name": "band", "expression": "sum(b1, b2, b3) <= band"},
            {"name": "floor", "expression": "b1 >= 1"},
        ],
    }
    code, data = code_from_elements(fair)
    assert "m.b1 + m.b2 + m.b3 <= data['band']" in code and "pyo.log(m.b1)" in code
    result = run_generated_model(code, data)
    assert result.ok, result.error
    assert result.summary["nonlinear"] is True
    assert result.objective == pytest.approx(3 * math.log(4), rel=1e-5)
    # a rate b * log2(1 + snr): 5 MHz at an SNR of at most 3 carries 10 Mbit/s; no literal 2 enters the code
    rate = _with_constraint("x <= 3", objective="-5 * log2(1 + x) + y")
    code, _ = code_from_elements(rate)
    assert "pyo.log(1 + m.x) * 1.44269" in code and "2" not in code.split("objective")[-1].replace("1.4426950408889634", "")
    assert run_generated_model(code, {}).objective == pytest.approx(-10.0, rel=1e-5)


def test_variables_named_like_pyomo_attributes_or_keywords_are_renamed() -> None:
    elements = {
        "variables": [
            {"name": "name", "domain": "binary", "meaning": "a yes/no choice called name"},
            {"name": "lambda", "domain": "nonnegative integer", "meaning": "a count"},
        ],
        "objective": {"sense": "maximize", "expression": "name + lambda"},
        "constraints": [{"name": "cap", "expression": "name + lambda <= 3"}],
    }
    code, _ = code_from_elements(elements)
    result = run_generated_model(code, {})
    assert result.ok, result.error
    assert result.objective == pytest.approx(3.0)
    assert set(result.solution) == {"name_", "lambda_"}


def test_a_plural_or_singular_of_a_variable_name_means_that_variable() -> None:
    elements = _with_constraint("scooter + ys >= 2", objective="3 * scooters + 2 * y")
    elements["variables"][0]["name"] = "scooters"
    code, _ = code_from_elements(elements)
    assert "m.scooters + m.y >= 2" in code  # scooter is scooters; ys is y, there being no variable ys
    assert run_generated_model(code, {}).objective == pytest.approx(4.0)  # y = 2 is the cheaper way to reach 2


def test_only_scalar_elements_are_plain_algebra() -> None:
    assert plain_algebra(DUCKS)
    indexed = {"variables": [{"name": "p", "indexed_by": ["links"], "domain": "nonnegative real", "meaning": "power"}]}
    assert not plain_algebra(indexed)
    assert not plain_algebra({"variables": []})
