"""Checks every item of the solved-example bank (knowledge_base/bank/bank.jsonl) three ways and prints a table.

1. sandbox: the item's elements turned into code by agents.elements_code.code_from_elements and solved in the
   sandbox (tools.solvers.sandbox.runner.run_generated_model) must give the item's answer (relative 1e-6);
2. independent: a second transcription of the same problem, written from the text as coefficient rows
   (benchmarks/data/bank_independent.jsonl), solved with scipy (linprog for LPs, milp where some variable is
   integer), must give the answer too;
3. enumeration: where every variable is integer and the transcription gives a box for each (binaries are
   0..1), every integer point of the box is tried and the best feasible one must give the answer.
A row is OK when every check that applies agrees; the exit status is 1 when any row is not.

    PYTHONPATH=. python benchmarks/bank_check.py                 # all items, ~3 min on 2 cores (sandbox runs)
    PYTHONPATH=. python benchmarks/bank_check.py --no-sandbox    # independent checks only, seconds
    PYTHONPATH=. python benchmarks/bank_check.py --ids bank-diet-01 bank-wireless-07
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from knowledge_base.bank import BankItem, load_bank  # noqa: E402

INDEPENDENT = ROOT / "benchmarks" / "data" / "bank_independent.jsonl"
RELATIVE = 1e-6
ENUMERATION_LIMIT = 20_000_000
"""Largest box (number of integer points) the enumeration tries."""
GRID_POINTS = 200_000
"""Points the enumeration checks at once (one numpy array); the other variables are looped over."""


def agrees(value: float | None, answer: float) -> bool:
    return value is not None and math.isclose(value, answer, rel_tol=RELATIVE, abs_tol=1e-9)


def load_independent(path: Path = INDEPENDENT) -> dict[str, dict[str, Any]]:
    forms = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {form["id"]: form for form in forms}


def _matrix(form: dict[str, Any]) -> tuple[list[str], np.ndarray, list[tuple[np.ndarray, str, float]]]:
    names = sorted({*form["objective"], *(v for row in form["rows"] for v in row[0]), *form["integer"], *form["binary"]})
    index = {name: i for i, name in enumerate(names)}

    def vector(coefficients: dict[str, float]) -> np.ndarray:
        out = np.zeros(len(names))
        for name, value in coefficients.items():
            out[index[name]] = value
        return out

    rows = [(vector(coefficients), op, float(rhs)) for coefficients, op, rhs in form["rows"]]
    return names, vector(form["objective"]), rows


def independent_solve(form: dict[str, Any]) -> float | None:
    """The optimum of the transcription by scipy: linprog (HiGHS) for an LP, milp where a variable is integer."""
    names, c, rows = _matrix(form)
    sign = -1.0 if form["sense"] == "max" else 1.0
    upper = np.full(len(names), np.inf)
    for name in form["binary"]:
        upper[names.index(name)] = 1.0
    integral = np.array([1 if n in form["integer"] or n in form["binary"] else 0 for n in names])
    if integral.any():
        lower_rhs = [rhs if op in (">=", "==") else -np.inf for _, op, rhs in rows]
        upper_rhs = [rhs if op in ("<=", "==") else np.inf for _, op, rhs in rows]
        result = milp(
            sign * c,
            constraints=LinearConstraint(np.array([r for r, _, _ in rows]), lower_rhs, upper_rhs),
            integrality=integral,
            bounds=Bounds(np.zeros(len(names)), upper),
        )
        value = result.fun if result.status == 0 else None
    else:
        a_ub = [r if op == "<=" else -r for r, op, _ in rows if op != "=="]
        b_ub = [rhs if op == "<=" else -rhs for _, op, rhs in rows if op != "=="]
        a_eq = [r for r, op, _ in rows if op == "=="]
        b_eq = [rhs for _, op, rhs in rows if op == "=="]
        result = linprog(
            sign * c,
            A_ub=np.array(a_ub) if a_ub else None,
            b_ub=b_ub or None,
            A_eq=np.array(a_eq) if a_eq else None,
            b_eq=b_eq or None,
            bounds=list(zip([0.0] * len(names), [None if math.isinf(u) else u for u in upper], strict=True)),
            method="highs",
        )
        value = result.fun if result.status == 0 else None
    return None if value is None else sign * float(value) + float(form["constant"])


def enumerable(form: dict[str, Any]) -> bool:
    names, _, _ = _matrix(form)
    boxed = all(n in form["binary"] or (n in form["integer"] and n in form["box"]) for n in names)
    return boxed and math.prod(_upper(form, n) + 1 for n in names) <= ENUMERATION_LIMIT


def _upper(form: dict[str, Any], name: str) -> int:
    return 1 if name in form["binary"] else int(form["box"][name])


def enumerate_optimum(form: dict[str, Any]) -> float | None:
    """The best objective over every integer point of the box (None when no point is feasible), by brute force:
    the first variables are looped over, the last ones (up to GRID_POINTS points) are a numpy grid."""
    names, c, rows = _matrix(form)
    sizes = [_upper(form, n) + 1 for n in names]
    split = len(names) - 1
    while split > 0 and math.prod(sizes[split - 1 :]) <= GRID_POINTS:
        split -= 1
    grid = np.stack([g.ravel() for g in np.meshgrid(*[np.arange(s) for s in sizes[split:]], indexing="ij")], axis=1)
    best: float | None = None
    maximize = form["sense"] == "max"
    for head in itertools.product(*[range(s) for s in sizes[:split]]):
        points = np.hstack([np.tile(np.array(head, dtype=float), (len(grid), 1)), grid]) if split else grid.astype(float)
        feasible = np.ones(len(points), dtype=bool)
        for row, op, rhs in rows:
            lhs = points @ row
            tolerance = 1e-9 * max(1.0, abs(rhs))
            if op == "<=":
                feasible &= lhs <= rhs + tolerance
            elif op == ">=":
                feasible &= lhs >= rhs - tolerance
            else:
                feasible &= np.abs(lhs - rhs) <= tolerance
        if feasible.any():
            values = points[feasible] @ c
            value = float(values.max() if maximize else values.min())
            if best is None or (value > best if maximize else value < best):
                best = value
    return None if best is None else best + float(form["constant"])


def sandbox_solve(item: BankItem) -> tuple[float | None, str]:
    """The item's elements as code (agents.elements_code), solved in the sandbox: the objective and the solver."""
    from agents.elements_code import code_from_elements
    from tools.solvers.sandbox.runner import run_generated_model

    code, data = code_from_elements(item.elements())
    result = run_generated_model(code, data, time_limit_s=30.0)
    if not result.ok or result.status != "optimal" or result.violations:
        return None, result.error or str(result.status) or "; ".join(result.violations)
    return result.objective, result.solver


@dataclass
class Row:
    item: BankItem
    sandbox: float | None = None
    solver: str = ""
    independent: float | None = None
    enumerated: float | None = None
    enumeration_applies: bool = False
    sandbox_run: bool = False

    @property
    def ok(self) -> bool:
        answer = self.item.answer
        return (
            (not self.sandbox_run or agrees(self.sandbox, answer))
            and agrees(self.independent, answer)
            and (not self.enumeration_applies or agrees(self.enumerated, answer))
        )


def check(item: BankItem, form: dict[str, Any] | None, *, sandbox: bool) -> Row:
    row = Row(item)
    if sandbox:
        row.sandbox_run = True
        row.sandbox, row.solver = sandbox_solve(item)
    if form is not None:
        row.independent = independent_solve(form)
        if enumerable(form):
            row.enumeration_applies = True
            row.enumerated = enumerate_optimum(form)
    return row


def _show(value: float | None, applies: bool = True) -> str:
    return "-" if not applies else ("none" if value is None else f"{value:.6g}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", nargs="*", help="check only these items")
    parser.add_argument("--no-sandbox", action="store_true", help="skip the sandbox solves (independent checks only)")
    args = parser.parse_args()
    items = [i for i in load_bank() if not args.ids or i.id in args.ids]
    forms = load_independent()
    started = time.perf_counter()
    print(f"{'item':24} {'answer':>12} {'sandbox':>12} {'independent':>12} {'enumerated':>12}  solver   verdict")
    rows = []
    for item in items:
        row = check(item, forms.get(item.id), sandbox=not args.no_sandbox)
        rows.append(row)
        verdict = "OK" if row.ok else ("NO TRANSCRIPTION" if item.id not in forms else "DISAGREES")
        print(
            f"{item.id:24} {item.answer:>12.6g} {_show(row.sandbox, row.sandbox_run):>12} {_show(row.independent):>12} "
            f"{_show(row.enumerated, row.enumeration_applies):>12}  {row.solver[:8]:8} {verdict}",
            flush=True,
        )
    per_domain = Counter(i.domain for i in items)
    print()
    print("items per domain: " + ", ".join(f"{d} {n}" for d, n in sorted(per_domain.items())) + f" (total {len(items)})")
    if not args.no_sandbox:
        print(f"sandbox solve agrees with the answer: {sum(agrees(r.sandbox, r.item.answer) for r in rows)}/{len(rows)}")
    print(f"independent scipy solve agrees: {sum(agrees(r.independent, r.item.answer) for r in rows)}/{len(rows)}")
    enumerated = [r for r in rows if r.enumeration_applies]
    print(f"enumeration agrees: {sum(agrees(r.enumerated, r.item.answer) for r in enumerated)}/{len(enumerated)} "
          f"(items whose variables are all integer with a box)")  # fmt: skip
    failed = [r.item.id for r in rows if not r.ok]
    print(f"all checks agree: {len(rows) - len(failed)}/{len(rows)}" + (f"; not: {', '.join(failed)}" if failed else ""))
    print(f"time: {time.perf_counter() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
