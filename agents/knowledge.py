"""What the agents share within a process: the knowledge-base store, the parsed problem, the built model.

The store is opened once per (folder, user templates). The problem's tables, lists and numbers are read once
per problem text, and a template's Pyomo model is built once per formulation: every later use (the Verifier's
size check, the solve, the diagnosis, the re-check, the metamorphic re-solve) gets a copy of that build.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyomo.environ as pyo

from agents.context import Context
from agents.state import Formulation, State, problem_text
from knowledge_base.catalog import AnyTemplate
from knowledge_base.store import TemplateStore
from tools.textdata import TextData, parse_text

_stores: dict[tuple[Path, Path | None], TemplateStore] = {}
_lock = threading.Lock()
BUILT_MODELS_KEPT = 8
"""Formulations whose built model is kept (a run needs one at a time; a batch runs a few at once)."""
_built: OrderedDict[tuple[Any, ...], pyo.ConcreteModel] = OrderedDict()
_built_lock = threading.Lock()


def template_store(context: Context) -> TemplateStore:
    key = (context.kb_folder, context.user_templates)
    with _lock:
        if key not in _stores:
            _stores[key] = TemplateStore(context.kb_folder, context.user_templates)
        return _stores[key]


def problem_data(state: State) -> TextData:
    """The problem's tables, lists and numbers, read by code from the text, its later turns and any attached data."""
    problem = state["problem"]
    return _parsed(problem_text(state), tuple(problem["data_numbers"]), tuple(problem["data_files"]))


@lru_cache(maxsize=32)
def _parsed(text: str, numbers: tuple[float, ...], files: tuple[str, ...]) -> TextData:
    return parse_text(text, extra_numbers=numbers, files=files)


def formulation_template(context: Context, formulation: Formulation) -> tuple[AnyTemplate, Any]:
    """The formulation's template and its parameters, validated again from the state's JSON."""
    template = template_store(context).get(formulation["template_id"])
    return template, template.params_model.model_validate(formulation["params"])


def built_model(context: Context, formulation: Formulation, *, copy: bool = True) -> pyo.ConcreteModel:
    """The formulation's Pyomo model. Built once per formulation; each caller gets its own copy to solve, load
    values into or tighten (`copy` False: the build itself, for a caller that only reads it or clones it anyway).
    A template that fails to build raises, every time."""
    params = json.dumps(formulation["params"], sort_keys=True)
    key = (context.kb_folder, context.user_templates, formulation["template_id"], params)
    with _built_lock:
        model = _built.get(key)
        if model is not None:
            _built.move_to_end(key)
    if model is None:
        template, params = formulation_template(context, formulation)
        model = template.build_model(params)
        with _built_lock:
            _built[key] = model
            while len(_built) > BUILT_MODELS_KEPT:
                _built.popitem(last=False)
    if not copy:
        return model
    with _built_lock:  # cloning only reads the build, but one clone at a time keeps Pyomo's shared state simple
        return model.clone()
