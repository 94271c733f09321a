"""Turn what a user submits (text, attached JSON/CSV/YAML files) into the graph's `problem`, or a clear error."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import yaml

from agents.state import Problem, Turn, problem_text
from tools.satnet.scenario import file_summary, is_scenario_file
from tools.textdata import NUMBER


class InputError(ValueError):
    """The submission cannot be worked on; the message says why, for a person to read."""


MAX_TEXT_CHARS = 50_000


def make_problem(text: str, data_files: list[str] | None = None, turns: list[Turn] | None = None) -> Problem:
    """The problem from what the user stated, attached and (`turns`) said since in the same thread."""
    text = (text or "").strip()
    if not text:
        raise InputError("the problem text is empty: describe the optimization problem in words")
    said = len(problem_text({"problem": Problem(text=text, turns=turns or [], data_files=[], data_numbers=[], data_text="")}))
    if said > MAX_TEXT_CHARS:
        raise InputError(f"the problem text has {said} characters; the limit is {MAX_TEXT_CHARS}")
    rendered: list[str] = []
    for name in data_files or []:
        rendered.append(f"Data file {Path(name).name}:\n{render_data_file(Path(name))}")
    data_text = "\n\n".join(rendered)
    numbers = [float(m.group()) for m in NUMBER.finditer(data_text)]
    files = [str(Path(n)) for n in data_files or []]
    return Problem(text=text, turns=list(turns or []), data_files=files, data_numbers=numbers, data_text=data_text)


def render_data_file(path: Path) -> str:
    """Parse a JSON, YAML or CSV file and render it as text: tables as markdown, mappings as 'key: value' lines."""
    if not path.is_file():
        raise InputError(f"data file {path} does not exist")
    raw = path.read_text(encoding="utf-8", errors="replace")
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(raw)
            return file_summary(data) if is_scenario_file(data) else _render(data)
        if suffix in (".yaml", ".yml"):
            return _render(yaml.safe_load(raw))
        if suffix == ".csv":
            rows = list(csv.reader(io.StringIO(raw)))
            if len(rows) < 2 or any(len(r) != len(rows[0]) for r in rows):
                raise InputError(f"data file {path} is not a rectangular CSV table with a header row")
            return _markdown_table(rows[0], rows[1:])
    except (json.JSONDecodeError, yaml.YAMLError, csv.Error) as exc:
        raise InputError(f"data file {path} does not parse as {suffix[1:].upper()}: {str(exc).splitlines()[0]}") from exc
    raise InputError(f"data file {path}: unsupported type {suffix or '(none)'}; use .json, .yaml, .yml or .csv")


def _render(value: Any, label: str = "") -> str:
    if isinstance(value, dict) and value and all(_flat_mapping(v) for v in value.values()):
        columns = list(dict.fromkeys(k for row in value.values() for k in row))
        rows = [[str(name), *(_cell(row.get(c)) for c in columns)] for name, row in value.items()]
        return (f"{label}:\n" if label else "") + _markdown_table([label or "", *columns], rows)
    if isinstance(value, list) and value and all(_flat_mapping(v) for v in value):
        columns = list(dict.fromkeys(k for row in value for k in row))
        return (f"{label}:\n" if label else "") + _markdown_table(columns, [[_cell(r.get(c)) for c in columns] for r in value])
    if isinstance(value, dict):
        parts = []
        scalars = {k: v for k, v in value.items() if not isinstance(v, (dict, list))}
        if scalars:
            parts.append("\n".join(f"{k}: {v}" for k, v in scalars.items()))
        parts += [_render(v, str(k)) for k, v in value.items() if isinstance(v, (dict, list))]
        return "\n\n".join(parts)
    if isinstance(value, list):
        return f"{label}: " + ", ".join(_cell(v) for v in value)
    return f"{label}: {value}" if label else str(value)


def _flat_mapping(value: Any) -> bool:
    """A mapping of scalars: one row of a table."""
    return isinstance(value, dict) and not any(isinstance(v, (dict, list)) for v in value.values())


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


def _markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
