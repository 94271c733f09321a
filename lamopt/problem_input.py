"""Turn what a user submits (text, attached JSON/CSV/YAML files) into the graph's `problem`, or a clear error.

Everything here is untrusted (tools/untrusted.py): text must be text (no NUL, no control characters, no
undecodable bytes), files are capped in size, must be regular files, and are parsed with YAML aliases
refused and nesting capped, so no submission can hang, exhaust or crash the process.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from agents.state import Problem, Turn, problem_text
from tools.satnet.scenario import file_summary, is_scenario_file
from tools.textdata import NUMBER
from tools.untrusted import UntrustedDataError, check_text, decode_text, loads_json, loads_yaml, read_capped


class InputError(ValueError):
    """The submission cannot be worked on; the message says why, for a person to read."""


MAX_TEXT_CHARS = 50_000
MAX_TEXT_BYTES = 4 * MAX_TEXT_CHARS
"""A problem file or standard input may hold at most this many bytes (UTF-8 takes up to 4 per character)."""
MAX_DATA_FILE_BYTES = 5 << 20
MAX_DATA_FILES = 20


def make_problem(text: str, data_files: list[str] | None = None, turns: list[Turn] | None = None) -> Problem:
    """The problem from what the user stated, attached and (`turns`) said since in the same thread."""
    text = (text or "").strip()
    if not text:
        raise InputError("the problem text is empty: describe the optimization problem in words")
    said = len(problem_text({"problem": Problem(text=text, turns=turns or [], data_files=[], data_numbers=[], data_text="")}))
    if said > MAX_TEXT_CHARS:
        raise InputError(f"the problem text has {said} characters; the limit is {MAX_TEXT_CHARS}")
    checked_text(text, "the problem text")
    if len(data_files or []) > MAX_DATA_FILES:
        raise InputError(f"{len(data_files or [])} data files are attached; the limit is {MAX_DATA_FILES}")
    rendered: list[str] = []
    for name in data_files or []:
        rendered.append(f"Data file {Path(name).name}:\n{render_data_file(Path(name))}")
    data_text = "\n\n".join(rendered)
    numbers = [float(m.group()) for m in NUMBER.finditer(data_text)]
    files = [str(Path(n)) for n in data_files or []]
    return Problem(text=text, turns=list(turns or []), data_files=files, data_numbers=numbers, data_text=data_text)


def render_data_file(path: Path) -> str:
    """Parse a JSON, YAML or CSV file and render it as text: tables as markdown, mappings as 'key: value' lines."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml", ".csv"):
        raise InputError(f"data file {path}: unsupported type {suffix or '(none)'}; use .json, .yaml, .yml or .csv")
    try:
        raw = decode_text(read_data_file(path), f"data file {path}")
        if suffix == ".json":
            data = loads_json(raw, f"data file {path}")
            return file_summary(data) if is_scenario_file(data) else _render(data)
        if suffix in (".yaml", ".yml"):
            return _render(loads_yaml(raw, f"data file {path}"))
        rows = list(csv.reader(io.StringIO(raw)))
    except UntrustedDataError as exc:
        raise InputError(str(exc)) from None
    except csv.Error as exc:
        raise InputError(f"data file {path} does not parse as CSV: {str(exc).splitlines()[0]}") from None
    if len(rows) < 2 or any(len(r) != len(rows[0]) for r in rows):
        raise InputError(f"data file {path} is not a rectangular CSV table with a header row")
    return _markdown_table(rows[0], rows[1:])


def read_data_file(path: str | Path) -> bytes:
    """A data file's bytes, refused past the size limit or when it is not a regular file."""
    try:
        return read_capped(path, MAX_DATA_FILE_BYTES, "data file")
    except UntrustedDataError as exc:
        raise InputError(str(exc)) from None


def checked_text(text: str, what: str) -> str:
    """`text` itself, if it is text and not binary data."""
    try:
        check_text(text, what)
    except UntrustedDataError as exc:
        raise InputError(str(exc)) from None
    return text


def read_text_file(path: str | Path, what: str) -> str:
    """A problem text from a file (or an open stream's bytes): capped, UTF-8, no binary."""
    try:
        return decode_text(read_capped(path, MAX_TEXT_BYTES, what), f"{what} {path}")
    except UntrustedDataError as exc:
        raise InputError(str(exc)) from None


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
