"""Pyomo code written from formulation elements that are plain algebra, so the LLM need not write Python.

A small model (the embedded 0.5B one) writes "10 * boat + 8 * canoe >= 300" far more reliably than a whole
`build_model(data)` function with its imports, components and string quoting. When every variable of the
elements is a scalar, the objective and constraints are algebraic expressions over the variable and
parameter names, and this module turns them into the function's source. What it cannot read comes back as
an `ElementsError` whose message names the element and what is wrong, so the Modeler can ask the LLM again.

The expressions may call a few functions by name: `sum(a, b, c)` (a + b + c: small models write sums so), and
`ln`/`log`, `log2`, `log10`, `exp`, `sqrt` (Pyomo's, so a rate b * log2(1 + snr) or a proportional-fair sum of
logs is a nonlinear model the solvers take). The expressions are still the LLM's: the source written here runs only
in the sandbox, like any generated code. Everyday notation is tidied first ($, thousands commas, 60% as 60/100,
"3x" as 3*x, = as ==, ≤ and ≥), and a chained bound "20 <= x + y <= 80" becomes two constraints, since Pyomo
cannot take a chained comparison with variables on both sides.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
from typing import Any

import pyomo.environ as pyo

from tools.textdata import plain_numbers

DOMAINS = {
    "nonnegative real": "NonNegativeReals",
    "real": "Reals",
    "nonnegative integer": "NonNegativeIntegers",
    "integer": "Integers",
    "binary": "Binary",
}
OBJECTIVE = "objective"
_RESERVED = frozenset({OBJECTIVE, "m", "data", "pyo", "build_model"})
_ALLOWED = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.Name, ast.Constant, ast.Load,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd,
    ast.LtE, ast.GtE, ast.Eq, ast.Lt, ast.Gt,
)  # fmt: skip
FUNCTIONS = {"ln": "log", "log": "log", "log10": "log10", "exp": "exp", "sqrt": "sqrt", "log2": "log"}
"""The functions an expression may call (besides `sum`), by the name written, with Pyomo's function for each
(log2 is written as log(x) / ln 2)."""
_SUM = "sum"
_BELOW = (ast.LtE, ast.Lt)
_ABOVE = (ast.GtE, ast.Gt)


class ElementsError(ValueError):
    """The elements are not plain algebra this module can write code for; the message is meant for the LLM.

    `expressions` names the expressions that did not read, each with what is wrong: the key is "objective"
    or the constraint's position in the elements' list, so that each can be asked for again on its own."""

    def __init__(self, message: str, expressions: dict[str | int, str] | None = None) -> None:
        super().__init__(message)
        self.expressions = expressions or {}


def plain_algebra(elements: dict[str, Any]) -> bool:
    """Every variable is a scalar (no sets to index it by), so the expressions can be read as they stand."""
    variables = elements.get("variables") or []
    return bool(variables) and not any(v.get("indexed_by") for v in variables if isinstance(v, dict))


def code_from_elements(elements: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The source of `build_model(data)` for scalar elements, and the `data` it reads: the parameters' values
    under the identifiers the code uses for their names."""
    variables = {_identifier(str(v.get("name", ""))): v for v in elements.get("variables") or []}
    parameters = [_identifier(str(p.get("name", ""))) for p in elements.get("parameters") or [] if isinstance(p, dict)]
    renames = {str(v.get("name", "")): name for name, v in variables.items()}
    renames |= {str(p.get("name", "")): _identifier(str(p.get("name", ""))) for p in elements.get("parameters") or []}
    renames = _with_plurals(renames)
    problems: list[str] = []
    unreadable: dict[str | int, str] = {}
    if not variables:
        raise ElementsError("there are no variables: name one for each quantity the problem asks to decide")
    for name, variable in variables.items():
        if variable.get("domain", "nonnegative real") not in DOMAINS:
            problems.append(f"variable {name} has domain {variable.get('domain')!r}; use one of {', '.join(DOMAINS)}")

    objective = elements.get("objective") or {}
    sense = str(objective.get("sense", ""))
    if sense not in ("minimize", "maximize"):
        problems.append(f"the objective's sense is {sense!r}; it must be minimize or maximize")
    lines = ["import pyomo.environ as pyo", "", "", "def build_model(data):", "    m = pyo.ConcreteModel()"]
    for name, variable in variables.items():
        domain = DOMAINS.get(str(variable.get("domain", "nonnegative real")), "NonNegativeReals")
        lines.append(f"    m.{name} = pyo.Var(domain=pyo.{domain}, doc={str(variable.get('meaning', name))!r})")

    known = set(variables) | set(parameters)
    objective_text = str(objective.get("expression", ""))
    try:
        goal = _read("the objective", objective_text, renames, known, set(variables))
        if isinstance(goal, ast.Compare):
            raise ElementsError(f"the objective {objective_text!r} compares; it must be an expression to {sense or 'optimise'}")
    except ElementsError as exc:
        problems.append(str(exc))
        unreadable["objective"] = str(exc)
        goal = None

    taken = set(variables) | _RESERVED
    constraints = elements.get("constraints") or []
    if not constraints:
        problems.append("there are no constraints: write one for each requirement or limit the text states")
    for position, constraint in enumerate(constraints):
        number = position + 1
        label = str(constraint.get("name") or constraint.get("meaning") or f"constraint {number}")
        text = str(constraint.get("expression", ""))
        try:
            tree = _read(f"constraint {label!r}", text, renames, known, set(variables))
            for part, comparison in enumerate(_inequalities(label, tree)):
                component = _unique(f"c{number}_{_identifier(label)}" + (f"_{part + 1}" if part else ""), taken)
                doc = str(constraint.get("meaning") or label)
                lines.append(f"    m.{component} = pyo.Constraint(expr={_as_pyomo(comparison, set(variables))}, doc={doc!r})")
        except ElementsError as exc:
            problems.append(str(exc))
            unreadable[position] = str(exc)
    if problems:
        raise ElementsError("; ".join(problems), unreadable)
    assert goal is not None
    lines.append(f"    m.{OBJECTIVE} = pyo.Objective(expr={_as_pyomo(goal, set(variables))}, sense=pyo.{sense})")
    lines.append("    return m")
    stated = [p for p in elements.get("parameters") or [] if isinstance(p, dict) and "name" in p]
    data = {_identifier(str(p["name"])): p["value"] for p in stated}
    return "\n".join(lines) + "\n", data


def normalise(expression: str, renames: dict[str, str]) -> str:
    """Everyday notation as Python: names as identifiers, no currency or thousands commas, percentages as
    fractions, implicit products made explicit, a single = as ==."""
    text = expression
    for original in sorted(renames, key=len, reverse=True):
        if original and original != renames[original]:
            text = re.sub(rf"(?<![\w]){re.escape(original)}(?![\w])", renames[original], text)
    for old, new in (("≤", "<="), ("≥", ">="), ("×", "*"), ("·", "*"), ("−", "-"), ("÷", "/"), ("^", "**")):
        text = text.replace(old, new)
    text = re.sub(r"[$€£]", "", text)
    text = plain_numbers(text)
    text = re.sub(r"(\d+(?:\.\d+)?)\s*%", r"(\1/100)", text)
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?=[A-Za-z_(])(?![eE][-+]?\d)", r"\1*", text)
    text = re.sub(r"(?<![<>=!])=(?!=)", "==", text)
    return text.strip()


def _with_plurals(renames: dict[str, str]) -> dict[str, str]:
    """Also read a name's plural or singular as that name (scooter for scooters), where no other name is it:
    small models write the one in the variables and the other in the constraints."""
    taken = set(renames) | set(renames.values())
    variants: dict[str, str] = {}
    for original, identifier in renames.items():
        for variant in (original[:-1] if original.endswith("s") else original + "s",):
            if variant and variant not in taken:
                variants.setdefault(variant, identifier)
    return renames | variants


def _read(what: str, expression: str, renames: dict[str, str], known: set[str], variables: set[str]) -> ast.expr:
    """The expression's syntax tree, checked: only arithmetic and comparisons of known names and numbers."""
    text = normalise(expression, renames)
    if not text:
        raise ElementsError(f"{what} is empty")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise ElementsError(
            f"{what}: {expression!r} is not an algebraic expression (write it like 3 * x + 2 * y <= 10)"
        ) from None
    called: set[int] = set()  # the Name nodes that name a function
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called.add(id(node.func))
            _check_call(what, expression, node)
        elif not isinstance(node, _ALLOWED):
            raise ElementsError(
                f"{what}: {expression!r} uses {type(node).__name__}; only + - * / ** and <= >= ==, sum(...) and"
                f" {', '.join(FUNCTIONS)} are allowed"
            )
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise ElementsError(f"{what}: {expression!r} contains the text {node.value!r}; use numbers and names only")
        if isinstance(node, ast.Compare) and node is not tree.body:
            raise ElementsError(f"{what}: {expression!r} compares inside an expression; write one comparison, outermost")
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in called}
    unknown = sorted(names - known)
    if unknown:
        raise ElementsError(
            f"{what}: {expression!r} uses {', '.join(unknown)}, which is neither a variable nor a parameter"
            f" (the variables are {', '.join(sorted(variables))})"
        )
    if not names & variables:
        raise ElementsError(f"{what}: {expression!r} involves no variable (the variables are {', '.join(sorted(variables))})")
    return tree.body


def _check_call(what: str, expression: str, call: ast.Call) -> None:
    """A call of `sum` (of one or more terms) or of a function of FUNCTIONS (of one term), by name, nothing else."""
    name = call.func.id if isinstance(call.func, ast.Name) else ""
    if call.keywords or any(isinstance(a, ast.Starred) for a in call.args) or not call.args:
        raise ElementsError(f"{what}: {expression!r} calls {name or 'a function'} in a way not allowed; write {name}(x)")
    if name == _SUM:
        return
    if name not in FUNCTIONS:
        raise ElementsError(
            f"{what}: {expression!r} calls {name or 'something'}; the functions allowed are sum, {', '.join(FUNCTIONS)}"
        )
    if len(call.args) != 1:
        raise ElementsError(f"{what}: {expression!r} gives {name} {len(call.args)} arguments; it takes one")


def _inequalities(label: str, tree: ast.expr) -> list[ast.Compare]:
    """One comparison per constraint; `a <= e <= b` split into `a <= e` and `e <= b`."""
    if not isinstance(tree, ast.Compare):
        raise ElementsError(f"constraint {label!r}: {ast.unparse(tree)!r} has no <=, >= or ==")
    operands = [tree.left, *tree.comparators]
    if len(tree.ops) > 1 and not (all(isinstance(o, _BELOW) for o in tree.ops) or all(isinstance(o, _ABOVE) for o in tree.ops)):
        raise ElementsError(f"constraint {label!r}: {ast.unparse(tree)!r} mixes directions; write one bound per constraint")
    # A strict inequality is read as non-strict: solvers work on closed sets, and the text's "less than" means a limit.
    return [ast.Compare(left=operands[i], ops=[_closed(op)], comparators=[operands[i + 1]]) for i, op in enumerate(tree.ops)]


def _closed(op: ast.cmpop) -> ast.cmpop:
    if isinstance(op, ast.Lt):
        return ast.LtE()
    if isinstance(op, ast.Gt):
        return ast.GtE()
    return op


class _ToPyomo(ast.NodeTransformer):
    """Variable names become model components (m.x); parameter names become data lookups (data['p'])."""

    def __init__(self, variables: set[str]) -> None:
        self.variables = variables

    def visit_Call(self, node: ast.Call) -> ast.expr:
        assert isinstance(node.func, ast.Name)  # checked by _check_call
        args: list[ast.expr] = [self.visit(a) for a in node.args]
        if node.func.id == _SUM:
            total = args[0]
            for term in args[1:]:
                total = ast.BinOp(left=total, op=ast.Add(), right=term)
            return total
        call = ast.Call(func=_pyo(FUNCTIONS[node.func.id]), args=args, keywords=[])
        if node.func.id == "log2":  # times 1 / ln 2: a literal 2 in the code would count as the text's number 2 used
            return ast.BinOp(left=call, op=ast.Mult(), right=ast.Constant(1 / math.log(2)))
        return call

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in self.variables:
            return ast.Attribute(value=ast.Name(id="m", ctx=ast.Load()), attr=node.id, ctx=ast.Load())
        return ast.Subscript(value=ast.Name(id="data", ctx=ast.Load()), slice=ast.Constant(value=node.id), ctx=ast.Load())


def _pyo(function: str) -> ast.expr:
    return ast.Attribute(value=ast.Name(id="pyo", ctx=ast.Load()), attr=function, ctx=ast.Load())


def _as_pyomo(tree: ast.expr, variables: set[str]) -> str:
    rewritten = _ToPyomo(variables).visit(ast.fix_missing_locations(ast.Expression(body=tree)))
    return ast.unparse(rewritten.body)


def _identifier(name: str) -> str:
    """A Python identifier for a name the LLM chose ("counter-top" → counter_top), clear of Pyomo's own
    block attributes and of the names the written code uses itself."""
    text = re.sub(r"\W+", "_", name.strip()).strip("_") or "x"
    if text[0].isdigit():
        text = f"x_{text}"
    if keyword.iskeyword(text) or text in _RESERVED or hasattr(_EMPTY_MODEL, text):
        text = f"{text}_"
    return text


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name[:48], 2
    while candidate in taken or hasattr(_EMPTY_MODEL, candidate):
        candidate, n = f"{name[:44]}_{n}", n + 1
    taken.add(candidate)
    return candidate


_EMPTY_MODEL = pyo.ConcreteModel()
