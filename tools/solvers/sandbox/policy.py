"""The AST check every piece of generated code passes before it is run anywhere.

Only modules on the allow-list may be imported, names that reach the interpreter's machinery (eval, open,
__import__, getattr, ...) may not be used, and no dunder attribute may be touched (the classic
`().__class__.__mro__[1].__subclasses__()` escape). The child process's audit hook and resource limits are
the second line of defence for whatever this misses.
"""

from __future__ import annotations

import ast

ALLOWED_MODULES = frozenset(
    {"pyomo", "math", "numpy", "itertools", "collections", "functools", "statistics", "fractions", "decimal", "operator"}
)
FORBIDDEN_NAMES = frozenset(
    {
        "eval", "exec", "compile", "open", "__import__", "globals", "locals", "vars", "getattr", "setattr", "delattr",
        "input", "breakpoint", "memoryview", "help", "exit", "quit", "__builtins__", "__loader__", "__spec__", "object",
        "type", "super", "classmethod", "staticmethod", "property", "dir", "id", "hasattr",
    }
)  # fmt: skip


def policy_problems(code: str) -> list[str]:
    """Why this code may not run (empty when it may); each reason names the line."""
    try:
        tree = ast.parse(code, filename="<generated>")
    except SyntaxError as exc:
        return [f"line {exc.lineno}: syntax error: {exc.msg}"]
    problems: list[str] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", "?")
        if isinstance(node, ast.Import):
            problems += [f"line {line}: import of {a.name} is not allowed" for a in node.names if not _allowed(a.name)]
        elif isinstance(node, ast.ImportFrom):
            if node.level or not node.module or not _allowed(node.module):
                problems.append(f"line {line}: import from {node.module or '.'} is not allowed")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            problems.append(f"line {line}: use of {node.id} is not allowed")
        elif isinstance(node, ast.Attribute) and node.attr.startswith("__"):
            problems.append(f"line {line}: access to attribute {node.attr} is not allowed")
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            problems.append(f"line {line}: global/nonlocal statements are not allowed")
    if not any(isinstance(n, ast.FunctionDef) and n.name == "build_model" for n in tree.body):
        problems.append("the code must define a top-level function build_model(data)")
    return problems


def _allowed(module: str) -> bool:
    return module.split(".")[0] in ALLOWED_MODULES
