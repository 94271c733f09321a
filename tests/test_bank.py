"""The bank of solved examples: valid items, verbatim clauses, every domain covered, nothing copied from a public
benchmark, answers reproduced (in the sandbox and by an independent transcription), and retrieval that finds the
right kind of example (real chromadb, offline)."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from agents.elements_code import code_from_elements
from knowledge_base.bank import BANK_FILE, BankError, BankItem, ExampleBank, load_bank, similar_examples
from tests.conftest import ROOT
from tools.question import requirement_clauses
from tools.solvers.sandbox.runner import run_generated_model

DOMAINS = ("production", "blending", "diet", "transport", "assignment", "scheduling", "staffing", "investment", "wireless")
SHARED_BENCHMARKS = ROOT.parent / "shared" / "benchmarks"
RUN = 8


@pytest.fixture(scope="module")
def items() -> list[BankItem]:
    return load_bank()


def bank_check() -> ModuleType:
    """benchmarks/bank_check.py, the script that checks every item (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bank_check", ROOT / "benchmarks" / "bank_check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bank_check"] = module
    spec.loader.exec_module(module)
    return module


def test_the_bank_parses_validates_and_covers_every_domain_both_ways(items: list[BankItem]) -> None:
    assert len(items) >= 60
    per_domain = Counter(item.domain for item in items)
    assert {d: per_domain[d] for d in DOMAINS if per_domain[d] < 5} == {}
    senses = {(item.domain, item.objective.sense) for item in items}
    assert {(d, s) for d in DOMAINS for s in ("maximize", "minimize")} <= senses
    assert len({item.id for item in items}) == len(items)


def test_every_clause_occurs_verbatim_in_its_text(items: list[BankItem]) -> None:
    for item in items:
        clauses = [item.objective.clause, *(c.clause for c in item.constraints), *(n.clause for n in item.not_requirements)]
        assert [c for c in clauses if c not in item.text] == [], item.id


def test_every_requirement_clause_code_finds_is_annotated(items: list[BankItem]) -> None:
    # The Verifier's clause reader (tools/question.py) must find nothing in a bank text that the item does not map
    # to a constraint, the objective or "not a requirement, because ...": the examples show a complete mapping.
    unmapped = []
    for item in items:
        spans = [item.objective.clause, *(c.clause for c in item.constraints), *(n.clause for n in item.not_requirements)]
        unmapped += [(item.id, c.text) for c in requirement_clauses(item.text) if not any(s in c.text for s in spans)]
    assert unmapped == []


def test_a_clause_that_is_not_in_the_text_is_refused(tmp_path: Path) -> None:
    record = json.loads(BANK_FILE.read_text().splitlines()[0])
    record["constraints"][0]["clause"] = "a clause the text never says"
    broken = tmp_path / "bank.jsonl"
    broken.write_text(json.dumps(record) + "\n")
    with pytest.raises(BankError, match=r"(?s)bank.jsonl:1: .*clauses not in the text verbatim"):
        load_bank(broken)


def test_every_items_elements_become_code(items: list[BankItem]) -> None:
    for item in items:
        code, data = code_from_elements(item.elements())
        assert "def build_model(data)" in code and data == {}, item.id


def words(text: str) -> list[str]:
    """Lower-case words and numbers: case, punctuation and whitespace do not count."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def runs(text: str, n: int = RUN) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def benchmark_runs(folder: Path) -> set[tuple[str, ...]]:
    """Every 8-word run of every file in the folder: its raw text, and for JSON lines also each decoded string
    (so an escaped line break does not hide a run)."""
    found: set[tuple[str, ...]] = set()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_text(encoding="utf-8", errors="replace")
        found |= runs(raw)
        if path.suffix == ".jsonl":
            for line in raw.splitlines():
                if line.strip():
                    for text in _strings(json.loads(line)):
                        found |= runs(text)
    return found


def overlaps(items: list[BankItem], folder: Path) -> dict[str, list[str]]:
    seen = benchmark_runs(folder)
    return {item.id: sorted(" ".join(r) for r in runs(item.text) & seen) for item in items if runs(item.text) & seen}


def test_the_overlap_check_finds_a_copied_sentence(items: list[BankItem], tmp_path: Path) -> None:
    # The check below could fail: a benchmark file holding a bank sentence, re-cased and re-punctuated, is caught.
    copied = items[0].text.split(". ")[1].upper().replace(" ", "  ,")
    (tmp_path / "set.jsonl").write_text(json.dumps({"question": f"Intro.\n{copied}"}) + "\n")
    assert list(overlaps(items, tmp_path)) == [items[0].id]


def test_no_8_word_run_of_a_bank_text_occurs_in_the_shared_benchmarks(items: list[BankItem]) -> None:
    if not SHARED_BENCHMARKS.is_dir():
        pytest.skip(f"{SHARED_BENCHMARKS} is not on this machine (it sits beside the checkout in the workplace)")
    assert overlaps(items, SHARED_BENCHMARKS) == {}


def test_an_independent_transcription_of_every_item_gives_its_answer(items: list[BankItem]) -> None:
    check = bank_check()
    forms = check.load_independent()
    assert sorted(forms) == sorted(item.id for item in items)
    wrong = {}
    for item in items:
        row = check.check(item, forms[item.id], sandbox=False)
        if not row.ok:
            wrong[item.id] = (item.answer, row.independent, row.enumerated)
    assert wrong == {}


SAMPLE = (
    "bank-production-03",
    "bank-blending-03",
    "bank-diet-05",
    "bank-transport-05",
    "bank-assignment-04",
    "bank-scheduling-04",
    "bank-staffing-01",
    "bank-investment-05",
    "bank-wireless-04",
    "bank-wireless-07",
)
"""One item per domain and a second wireless one: LPs, MILPs with integer and binary variables, equalities,
percentages of a total and max-min objectives."""


def test_a_sample_solves_to_its_answers_in_the_sandbox(items: list[BankItem]) -> None:
    by_id = {item.id: item for item in items}
    assert {by_id[i].domain for i in SAMPLE} == set(DOMAINS)
    got = {}
    for item_id in SAMPLE:
        code, data = code_from_elements(by_id[item_id].elements())
        result = run_generated_model(code, data, time_limit_s=30.0)
        assert result.ok and result.status == "optimal" and not result.violations, (item_id, result.error)
        got[item_id] = result.objective
    assert got == pytest.approx({i: by_id[i].answer for i in SAMPLE}, rel=1e-6)


def test_retrieval_finds_the_kind_of_problem_asked(kb_dir: Path) -> None:
    production = (
        "A bakery makes muffins and croissants. A tray of muffins takes 20 minutes in the oven and a tray of "
        "croissants 30 minutes; the oven is free for 8 hours. How many trays of each give the most profit?"
    )
    wireless = (
        "Three users share a 30 MHz channel. How should the bandwidth be split between them to maximize the sum "
        "throughput if each needs at least 5 Mbit/s?"
    )
    assert [item.domain for item in similar_examples(production, k=2, kb_path=kb_dir)] == ["production", "production"]
    assert similar_examples(wireless, k=1, kb_path=kb_dir)[0].domain == "wireless"
    hits = ExampleBank(kb_dir).search(wireless, k=3)
    assert [h.fused for h in hits] == sorted((h.fused for h in hits), reverse=True)
    assert 0.3 < hits[0].score <= 1.0 and hits[0].keyword > 0


def test_the_bank_collection_is_named_by_content_and_rebuilt_when_an_item_changes(tmp_path: Path, items: list[BankItem]) -> None:
    kb = tmp_path / "kb"
    first = ExampleBank(kb, items[:5])
    edited = [items[0].model_copy(update={"text": items[0].text + " Give the answer in dollars."}), *items[1:5]]
    second = ExampleBank(kb, edited)
    assert first.content_hash != second.content_hash
    assert ExampleBank(kb, items[:5]).content_hash == first.content_hash


def test_the_bank_module_keeps_the_layering() -> None:
    tree = ast.parse((ROOT / "knowledge_base" / "bank.py").read_text())
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m.split(".")[0] in ("agents", "lamopt")}
