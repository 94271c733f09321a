"""The Invoker-facing tool entry and the formula black box."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tools.diffusion.expressions import FormulaError, evaluate_formula
from tools.diffusion.tool import TOOL_DESCRIPTION, TOOL_NAME, DiffusionMOBOInput, run_tool


def test_formulas_evaluate_and_refuse_code() -> None:
    X = np.array([[1.0, 2.0], [0.0, -1.0]])
    np.testing.assert_allclose(evaluate_formula("x[0]**2 + sqrt(abs(x[1])) - pi", X), [1 + np.sqrt(2) - np.pi, 1 - np.pi])
    for bad in ["__import__('os').system('true')", "x.__class__", "open('f')", "x[5]", "y + 1", "lambda: 1"]:
        with pytest.raises(FormulaError):
            evaluate_formula(bad, X)


def test_run_tool_returns_a_valid_report_and_writes_the_png(tmp_path: Path) -> None:
    inputs = DiffusionMOBOInput(
        problem="formulas",
        objectives=["x[0]**2 + x[1]**2", "(x[0] - 1)**2 + x[1]**2"],
        lower=[-1.0, -1.0],
        upper=[2.0, 1.0],
        budget=14,
        n_init=8,
        batch_size=3,
        seed=0,
        device="cpu",
    )
    out = run_tool(inputs, tmp_path)
    json.dumps(out)  # JSON-able
    assert set(out) == {"status", "objective", "solution", "figures", "summary", "time_s"}
    assert out["status"] == "feasible"
    assert out["objective"] == pytest.approx(out["solution"]["hypervolume_history"][-1])
    assert out["solution"]["n_evaluations"] == 14
    front = np.asarray(out["solution"]["pareto_front"])
    assert front.shape[1] == 2 and len(front) >= 1
    figure = Path(out["figures"][0])
    assert figure.parent == tmp_path and figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out["time_s"] > 0 and "Pareto" in out["summary"]


def test_run_tool_reports_errors_instead_of_raising(tmp_path: Path) -> None:
    inputs = DiffusionMOBOInput(problem="formulas", objectives=["x[0]", "x[7]"], lower=[0.0], upper=[1.0], budget=6)
    out = run_tool(inputs, tmp_path)
    assert out["status"] == "error" and out["objective"] is None and "x[7]" in out["summary"]


def test_tool_metadata() -> None:
    assert TOOL_NAME == "drib_mobo"
    assert "multi-objective" in TOOL_DESCRIPTION and "black-box" in TOOL_DESCRIPTION
    with pytest.raises(ValueError):
        DiffusionMOBOInput(problem="formulas", budget=10)  # formulas without objectives
