"""Run settings (the graph's context_schema): LLM endpoint, solver preference, limits, review points.

Every field can be set from the environment (LAMOPT_<FIELD NAME>), from the CLI, or by the caller of
`lamopt.solve`; tests inject a scripted chat model through `chat_model`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_type_hints

from tools.embedded_model import DEFAULT_MODEL, MODELS, cache_dir
from tools.redact import register_secret

Backend = Literal["embedded", "openai", "vllm"]
ReviewPoint = Literal["after_modeling", "before_solving", "missing_parameter"]
Retrieval = Literal["hybrid", "dense"]
FreeForm = Literal["auto", "steps", "whole"]
"""knowledge_base.store.RetrievalMode, repeated here so reading settings does not import chromadb."""

_NOT_FROM_ENV = frozenset({"chat_model", "llm_gate", "solver_gate"})
"""Live objects a caller passes in; no environment variable can describe them."""


@dataclass(kw_only=True)
class Context:
    llm_backend: Backend = field(
        default="embedded", metadata={"description": "embedded (llama.cpp on CPU), openai (any OpenAI-compatible URL) or vllm"}
    )
    llm_url: str = field(
        default="", metadata={"description": "base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1"}
    )
    llm_model: str = field(default="", metadata={"description": "model name the server knows"})
    llm_api_key: str = field(default="", metadata={"description": "API key; falls back to OPENAI_API_KEY"})
    llm_timeout_s: float = field(default=180.0, metadata={"description": "per-request timeout"})
    llm_max_retries: int = field(default=2, metadata={"description": "retries of a failed or timed-out request"})
    llm_max_tokens: int = field(default=600, metadata={"description": "cap on generated tokens per request"})
    llm_temperature: float = field(
        default=0.0, metadata={"description": "sampling temperature (0: the same prompt gives the same answer)"}
    )
    llm_seed: int = field(default=0, metadata={"description": "sampling seed (candidates of a vote differ by it)"})
    llm_threads: int = field(default=2, metadata={"description": "CPU threads of the embedded model"})
    structured_attempts: int = field(default=3, metadata={"description": "tries to get schema-valid JSON from the model"})
    solver: str = field(default="auto", metadata={"description": "auto, cplex, highs or scip"})
    solver_time_limit_s: float = field(default=60.0, metadata={"description": "time limit of one solver run"})
    max_iterations: int = field(default=4, metadata={"description": "cap on repair loops (Modeler re-tries and re-solves)"})
    code_repairs: int = field(default=2, metadata={"description": "times generated model code is repaired after an error"})
    code_from_elements: bool = field(
        default=True,
        metadata={"description": "write a free-form model's code from plain-algebra elements (off: the LLM writes it)"},
    )
    sandbox_memory_mb: int = field(default=1024, metadata={"description": "memory limit of the sandbox for generated code"})
    run_budget_s: float = field(
        default=300.0,
        metadata={"description": "wall-clock budget of a run (one round); past it the run ends: no verified answer, out of time"},
    )
    samples: int = field(
        default=1, metadata={"description": "candidate formulations per run; above 1 they are sampled and the answer is voted"}
    )
    sample_temperature: float = field(default=0.7, metadata={"description": "LLM temperature of the candidates when samples > 1"})
    freeform: FreeForm = field(
        default="auto",
        metadata={"description": "free-form modeling: steps (a request per sentence), whole (all elements at once), auto"},
    )
    embedded_model: str = field(
        default=DEFAULT_MODEL,
        metadata={"description": f"the embedded model: one of {', '.join(MODELS)}"},
    )
    use_rag: bool = field(default=True, metadata={"description": "use the template knowledge base (off: free-form only)"})
    verify: bool = field(default=True, metadata={"description": "run the Verifier's checks (off: accept everything, ablation)"})
    feedback: bool = field(default=True, metadata={"description": "loop on solver feedback (off: report the first outcome)"})
    retrieval: Retrieval = field(
        default="hybrid",
        metadata={"description": "hybrid (MiniLM embeddings + BM25 keywords, rank fusion) or dense (embeddings only)"},
    )
    retrieval_threshold: float = field(
        default=0.3, metadata={"description": "below this cosine similarity of the best template no template fits (either mode)"}
    )
    kb_path: str = field(default="", metadata={"description": "chromadb folder; default <cache>/kb"})
    user_templates_dir: str = field(default="", metadata={"description": "folder of the user's own template files"})
    runs_dir: str = field(default="runs", metadata={"description": "where reports and figures are saved"})
    review_points: tuple[ReviewPoint, ...] = field(default=(), metadata={"description": "where a human expert is asked"})
    # The live objects below are typed Any so that LangGraph Studio can derive this class's JSON schema
    # (pydantic has none for a chat model's callables or for AbstractContextManager).
    chat_model: Any = field(default=None, repr=False, metadata={"description": "inject a BaseChatModel (tests)"})
    # Context managers, e.g. threading.BoundedSemaphore.
    llm_gate: Any = field(
        default=None, repr=False, metadata={"description": "held around each LLM request: caps concurrent requests (batch runs)"}
    )
    solver_gate: Any = field(
        default=None, repr=False, metadata={"description": "held around each tool/solver run: caps concurrent solves"}
    )

    def __post_init__(self) -> None:
        """Fill fields still at their default from LAMOPT_<NAME> environment variables."""
        hints = get_type_hints(type(self))
        for f in fields(self):
            env = os.environ.get(f"LAMOPT_{f.name.upper()}")
            if env is None or getattr(self, f.name) != f.default or f.name in _NOT_FROM_ENV:
                continue
            setattr(self, f.name, _convert(env, hints[f.name]))
        register_secret(self.llm_api_key)  # whatever writes a record, report, checkpoint or log leaves it out

    @property
    def loop_cap(self) -> int:
        """Loops allowed before a run stops; without feedback (the ablation) the first verdict is final."""
        return self.max_iterations if self.feedback else 1

    @property
    def kb_folder(self) -> Path:
        return Path(self.kb_path) if self.kb_path else cache_dir() / "kb"

    @property
    def user_templates(self) -> Path | None:
        return Path(self.user_templates_dir) if self.user_templates_dir else None


def _convert(raw: str, kind: Any) -> Any:
    if kind is int:
        return int(raw)
    if kind is float:
        return float(raw)
    if kind is bool:
        return raw.lower() in ("1", "true", "yes", "on")
    if getattr(kind, "__origin__", None) is tuple:
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw
