"""The knowledge-base store each run uses, opened once per (folder, user templates) and shared."""

from __future__ import annotations

import threading
from pathlib import Path

from agents.context import Context
from agents.state import Problem
from knowledge_base.store import TemplateStore
from tools.textdata import TextData, parse_text

_stores: dict[tuple[Path, Path | None], TemplateStore] = {}
_lock = threading.Lock()


def template_store(context: Context) -> TemplateStore:
    key = (context.kb_folder, context.user_templates)
    with _lock:
        if key not in _stores:
            _stores[key] = TemplateStore(context.kb_folder, context.user_templates)
        return _stores[key]


def problem_data(problem: Problem) -> TextData:
    """The problem's tables, lists and numbers, read by code from the text and any attached data."""
    text = problem["text"] + ("\n\n" + problem["data_text"] if problem["data_text"] else "")
    return parse_text(text, extra_numbers=tuple(problem["data_numbers"]), files=tuple(problem["data_files"]))
