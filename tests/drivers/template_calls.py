"""Record every template call the tests make, to check that a refactoring leaves the templates' work unchanged.

As a pytest plugin it wraps each template method (binding_schema, assemble, build_model, solution_table, ...) and
appends one JSON line per call: template id, method, a hash of the inputs, and the output (a built model as text:
every component in declaration order, with its index, bounds, domains and expressions). Record before and after
a change, then compare; the before/after pairs with the same inputs must have the same outputs:

    TEMPLATE_CALLS=/tmp/before.jsonl PYTHONPATH=. python -m pytest -q -p tests.drivers.template_calls tests/test_templates_*.py
    ... change the templates, record again into /tmp/after.jsonl ...
    python -m tests.drivers.template_calls /tmp/before.jsonl /tmp/after.jsonl
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from collections import defaultdict
from typing import Any

import pyomo.environ as pyo

METHODS = ("binding_schema", "assemble", "build_model", "solution_table", "comparisons", "formulation_summary", "document")
_lock = threading.Lock()


def model_text(m: pyo.ConcreteModel) -> str:
    """A built model as text: every component in declaration order with what a solver would see of it."""
    lines = [f"name {m.name}"]
    for component in m.component_objects(descend_into=True):
        kind = component.ctype.__name__
        lines.append(f"{kind} {component.name} doc={component.doc!r}")
        if kind in ("Set", "RangeSet"):
            lines.append(f"  {list(component.data()) if hasattr(component, 'data') else list(component)!r}")
            continue
        for index, item in component.items() if component.is_indexed() else [(None, component)]:
            if kind == "Var":
                lines.append(f"  {index!r} {item.domain} lb={item.lb} ub={item.ub} fixed={item.fixed}")
            elif kind == "Constraint":
                lines.append(f"  {index!r} {item.lower} <= {item.body} <= {item.upper}")
            elif kind == "Objective":
                lines.append(f"  {index!r} {item.sense} {item.expr}")
            elif kind == "Expression":
                lines.append(f"  {index!r} {item.expr}")
            else:
                lines.append(f"  {index!r} {item}")
    return "\n".join(lines)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=lambda o: o.model_dump() if hasattr(o, "model_dump") else repr(o))


def _output(method: str, out: Any) -> str:
    if method == "build_model":
        return model_text(out)
    if method == "assemble":
        params, spec = out
        return _json([params.model_dump(), [(s.name, s.value, s.source, s.default) for s in spec]])
    return _json(out)


def _wrap(cls: type, method: str, path: str) -> None:
    original = cls.__dict__[method]

    def recorded(self: Any, *args: Any, **kwargs: Any) -> Any:
        inputs = method + _json([a.text if hasattr(a, "tables") else a for a in args]) + _json(kwargs)
        try:
            out = original(self, *args, **kwargs)
            text = _output(method, out)
        except Exception as exc:
            text = f"RAISE {type(exc).__name__}: {exc}"
            raise
        finally:
            row = {"id": self.id, "method": method, "in": hashlib.sha256(inputs.encode()).hexdigest()[:16], "out": text}
            with _lock, open(path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(row) + "\n")
        return out

    setattr(cls, method, recorded)


def pytest_configure(config: Any) -> None:
    from knowledge_base.catalog import load_templates

    path = os.environ.get("TEMPLATE_CALLS", "template_calls.jsonl")
    wrapped: set[tuple[type, str]] = set()
    for template in load_templates().values():
        for cls in type(template).__mro__:
            for method in METHODS:
                if cls.__module__.startswith("knowledge_base") and method in cls.__dict__ and (cls, method) not in wrapped:
                    wrapped.add((cls, method))
                    _wrap(cls, method, path)


def compare(before: str, after: str) -> int:
    """Print the calls whose outputs differ for the same inputs; the number of them."""

    def load(path: str) -> dict[tuple[str, str, str], set[str]]:
        calls: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for line in open(path, encoding="utf-8"):
            row = json.loads(line)
            calls[(row["id"], row["method"], row["in"])].add(row["out"])
        return calls

    old, new = load(before), load(after)
    differ = [key for key in old if key in new and old[key] != new[key]]
    for key in differ:
        print(f"{key[0]}.{key[1]} ({key[2]}):\n  before {sorted(old[key])}\n  after  {sorted(new[key])}")
    print(f"{len(old)} calls before, {len(new)} after, {len(set(old) & set(new))} with the same inputs, {len(differ)} differ")
    return len(differ)


if __name__ == "__main__":
    sys.exit(1 if compare(sys.argv[1], sys.argv[2]) else 0)
