"""Retriever: find the formulation templates closest to the problem text in the knowledge base."""

from __future__ import annotations

import time
from typing import Literal

from langgraph.runtime import Runtime
from langgraph.types import Command

from agents.context import Context
from agents.knowledge import template_store
from agents.state import RetrievedTemplate, State, decision, problem_text


def retriever(state: State, runtime: Runtime[Context]) -> Command[Literal["modeler"]]:
    # The no-RAG ablation: no templates, so the Modeler writes every formulation itself.
    context = runtime.context
    hits = template_store(context).search(problem_text(state), k=3, mode=context.retrieval) if context.use_rag else []
    retrieved = [RetrievedTemplate(template_id=h.template_id, family=h.family, score=h.score) for h in hits]
    listing = ", ".join(f"{h.template_id} ({h.score:.2f})" for h in hits) or (
        "nothing" if runtime.context.use_rag else "knowledge base switched off"
    )
    return Command(
        goto="modeler",
        update={
            "retrieved": retrieved,
            "iteration": 0,
            "dropped": [],
            "rejected": [],
            "started_at": time.time(),  # the run's time budget counts from here
            "history": decision("retriever", "retrieved templates", listing),
        },
    )
