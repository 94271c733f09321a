"""Retrieval quality of the template store: recall@1 and recall@3 of the right family, dense vs. hybrid.

A question counts as recalled at k when one of the first k templates the store returns belongs to the
question's family (the field `family`). Two question sets: the shared dev set (long problems with tables,
../shared/benchmarks/wireless_dev.jsonl) and benchmarks/data/retrieval_paraphrases.jsonl (short statements
in varied words, five per family, some without the family's usual keywords).

The store holds whatever templates exist (shipped plus --user-templates), so the benchmark runs while
templates are still being written; a question whose family has no template yet is left out of the recall
and counted in the `no template` column (its family is listed), never counted as a miss or a hit.

    PYTHONPATH=. python benchmarks/retrieval.py                      # ~1 min on 2 cores (loads MiniLM once)
    PYTHONPATH=. python benchmarks/retrieval.py --misses             # also list each miss with its top 3
    PYTHONPATH=. python benchmarks/retrieval.py --user-templates DIR # add a folder of template files
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from knowledge_base.store import RETRIEVAL_MODES, Hit, RetrievalMode, TemplateStore  # noqa: E402

DEV = ROOT.parent / "shared" / "benchmarks" / "wireless_dev.jsonl"
PARAPHRASES = ROOT / "benchmarks" / "data" / "retrieval_paraphrases.jsonl"
K = 3


@dataclass(frozen=True)
class Question:
    id: str
    family: str
    text: str


@dataclass(frozen=True)
class Outcome:
    name: str
    mode: RetrievalMode
    evaluated: int
    uncovered: int
    recall_1: float
    recall_3: float
    ms_per_query: float
    misses: list[tuple[Question, list[Hit]]]


def load_questions(path: Path) -> list[Question]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Question(id=str(r["id"]), family=str(r["family"]), text=str(r["question"])) for r in rows]


def evaluate(store: TemplateStore, name: str, questions: list[Question], mode: RetrievalMode) -> Outcome:
    families = {t.family for t in store.templates.values()}
    covered = [q for q in questions if q.family in families]
    top1 = top3 = 0
    misses: list[tuple[Question, list[Hit]]] = []
    started = time.perf_counter()
    for question in covered:
        hits = store.search(question.text, k=K, mode=mode)
        top1 += hits[0].family == question.family
        found = any(h.family == question.family for h in hits)
        top3 += found
        if hits[0].family != question.family:
            misses.append((question, hits))
    elapsed = time.perf_counter() - started
    n = len(covered)
    return Outcome(
        name=name,
        mode=mode,
        evaluated=n,
        uncovered=len(questions) - n,
        recall_1=top1 / n if n else float("nan"),
        recall_3=top3 / n if n else float("nan"),
        ms_per_query=1000.0 * elapsed / n if n else 0.0,
        misses=misses,
    )


def table(outcomes: list[Outcome]) -> str:
    lines = [
        f"{'question set':14s} {'mode':7s} {'n':>4s} {'no template':>11s} {'recall@1':>9s} {'recall@3':>9s} {'ms/query':>9s}",
    ]
    for o in outcomes:
        lines.append(
            f"{o.name:14s} {o.mode:7s} {o.evaluated:4d} {o.uncovered:11d} "
            f"{o.recall_1:9.3f} {o.recall_3:9.3f} {o.ms_per_query:9.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dev", type=Path, default=DEV, help="the dev set (JSONL with question and family)")
    parser.add_argument("--paraphrases", type=Path, default=PARAPHRASES, help="the paraphrase set (JSONL)")
    parser.add_argument(
        "--user-templates", type=Path, default=_env_path("LAMOPT_USER_TEMPLATES_DIR"), help="extra template files"
    )
    parser.add_argument("--kb", type=Path, help="chromadb folder (default: a fresh temporary one)")
    parser.add_argument("--misses", action="store_true", help="list each question whose first hit has the wrong family")
    args = parser.parse_args(argv)

    sets = [(name, path) for name, path in (("dev", args.dev), ("paraphrases", args.paraphrases)) if path.is_file()]
    for name, path in (("dev", args.dev), ("paraphrases", args.paraphrases)):
        if not path.is_file():
            print(f"note: {name} set {path} not found, skipped", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="lamopt-kb-") as scratch:
        started = time.perf_counter()
        store = TemplateStore(args.kb or Path(scratch), args.user_templates)
        build_s = time.perf_counter() - started
        families = sorted({t.family for t in store.templates.values()})
        print(f"templates: {len(store.templates)} in {len(families)} families (store opened in {build_s:.1f} s)")
        outcomes = [evaluate(store, name, load_questions(path), mode) for name, path in sets for mode in RETRIEVAL_MODES]
    asked = {q.family for _, path in sets for q in load_questions(path)}
    if missing := sorted(asked - set(families)):
        print(f"families asked about without a template (left out of recall): {', '.join(missing)}")
    print()
    print(table(outcomes))
    if args.misses:
        for o in outcomes:
            for question, hits in o.misses:
                listing = ", ".join(f"{h.template_id} [{h.family}] {h.score:.2f}/{h.keyword:.1f}" for h in hits)
                print(f"miss {o.name}/{o.mode} {question.id} ({question.family}): {listing}")
    return 0


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


if __name__ == "__main__":
    sys.exit(main())
