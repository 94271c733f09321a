"""`lamopt doctor`: what this machine offers lamopt: LLM endpoint and model, solvers and limits, knowledge base, GPU."""

from __future__ import annotations

import importlib.util
import json
import shutil
import urllib.request

from agents.context import Context
from tools.embedded_model import MODELS, EmbeddedModelMissing, embedded_model, gguf_path
from tools.solvers import available_solvers
from tools.solvers.portfolio import CPLEX_COMMUNITY_LIMIT

SOLVER_NOTES = {
    "cplex": f"CPLEX Community Edition: LP/MILP up to {CPLEX_COMMUNITY_LIMIT} variables and {CPLEX_COMMUNITY_LIMIT} constraints",
    "highs": "HiGHS: LP/MILP, no size limit",
    "scip": "SCIP (with Ipopt): MINLP and nonconvex NLP",
}


def doctor_report(context: Context) -> str:
    lines = ["lamopt doctor", "", "LLM:"]
    lines += [f"  {line}" for line in _llm(context)]
    lines += ["", "Solvers:"]
    for name, ok in available_solvers().items():
        lines.append(f"  {'ok ' if ok else 'no '} {SOLVER_NOTES[name]}")
    lines += ["", "Knowledge base:"]
    try:
        from agents.knowledge import template_store

        store = template_store(context)
        lines.append(f"  {store.path}: {len(store.templates)} templates, content hash {store.content_hash}")
    except Exception as exc:  # doctor reports problems, it does not stop at them
        lines.append(f"  unavailable: {exc}")
    lines += ["", "Sandbox for generated model code:", f"  {_sandbox()}"]
    lines += ["", "GPU:", f"  {_gpu()}"]
    return "\n".join(lines)


def _llm(context: Context) -> list[str]:
    if context.llm_url:
        try:
            with urllib.request.urlopen(f"{context.llm_url.rstrip('/')}/models", timeout=5) as response:
                models = [m["id"] for m in json.load(response)["data"]]
            return [f"backend {context.llm_backend} at {context.llm_url}: answers, serving {', '.join(models)}"]
        except (OSError, ValueError, KeyError) as exc:
            return [f"backend {context.llm_backend} at {context.llm_url}: does NOT answer ({exc})"]
    try:
        chosen = embedded_model(context.embedded_model)
    except EmbeddedModelMissing as exc:
        return [f"backend embedded: {exc}"]
    lines = [f"backend embedded: {chosen.title} ({chosen.name}) on CPU via llama.cpp's server (started on demand)"]
    try:
        lines.append(f"  model file {gguf_path(chosen.name)} (sha256 verified)")
    except EmbeddedModelMissing as exc:
        lines.append(f"  model file missing: {exc}")
    others = [m.name for m in MODELS.values() if m.name != chosen.name]
    lines.append(f"  other embedded models (LAMOPT_EMBEDDED_MODEL): {', '.join(others)}")
    lines.append(
        "  llama-cpp-python " + ("installed" if importlib.util.find_spec("llama_cpp") else "NOT installed (make install)")
    )
    return lines


def _sandbox() -> str:
    from tools.solvers.sandbox import isolation

    ready, why = isolation.isolation_status()
    if ready:
        return "ok  OS isolation: bubblewrap namespaces, seccomp filter, rlimits (generated code runs sealed)"
    if isolation.unisolated_allowed():
        return f"NOT isolated ({why}); {isolation.OVERRIDE_ENV}=1 is set, so generated code runs with Python checks only"
    return f"no  {why}; generated code is refused (set {isolation.OVERRIDE_ENV}=1 to run it without OS isolation)"


def _gpu() -> str:
    try:
        import torch

        if torch.cuda.is_available():
            return f"CUDA: {torch.cuda.get_device_name(0)}"
    except ImportError:
        pass
    return "none (nvidia-smi found, torch sees no CUDA)" if shutil.which("nvidia-smi") else "none: everything runs on the CPU"
