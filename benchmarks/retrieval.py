"""Retrieval quality of the template store: recall@1 and recall@3 of the right family, dense vs. hybrid.

A question counts as recalled at k when one of the first k templates the store returns belongs to the
question's family (the field `family`). Question sets: the shared dev set (long problems with tables,
../shared/benchmarks/wireless_dev.jsonl) and benchmarks/data/retrieval_paraphrases.jsonl (short statements
in varied words, five per family, some without the family's usual keywords). The store's design choices
(what is embedded, the fusion and its tie-break) were made on these two; benchmarks/data/
retrieval_heldout.jsonl (two more per family, written afterwards) shows how far they carry. For the dev
questions the template that solves each exactly is known (benchmarks/data/dev_templates.json);
`template@1` counts how often it comes first, which is the template the Modeler fills.

The store holds whatever templates exist (shipped plus --user-templates), so the benchmark runs while
templates are still being written; a question whose family has no template yet is left out of the recall
and counted in the `no template` column (its family is listed), never counted as a miss or a hit; likewise
template@1 counts only questions whose expected template is in the store.

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
HELDOUT = ROOT / "benchmarks" / "data" / "retrieval_heldout.jsonl"
DEV30 = ROOT / "benchmarks" / "data" / "wireless_dev30.jsonl"
EXPECTED_TEMPLATES = ROOT / "benchmarks" / "data" / "dev_templates.json"
K = 3


@dataclass(frozen=True)
class Question:
    id: str
    family: str
    text: str
    template: str | None = None
    """The template that solves it exactly, where known."""


@dataclass(frozen=True)
class Outcome:
    name: str
    mode: RetrievalMode
    evaluated: int
    uncovered: int
    recall_1: float
    recall_3: float
    template_1: tuple[int, int]
    """(questions whose expected template came first, questions with an expected template in the store)"""
    ms_per_query: float
    misses: list[tuple[Question, list[Hit]]]


def load_questions(path: Path, expected: dict[str, str]) -> list[Question]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        Question(id=str(r["id"]), family=str(r["family"]), text=str(r["question"]), template=expected.get(str(r["id"])))
        for r in rows
    ]


def evaluate(store: TemplateStore, name: str, questions: list[Question], mode: RetrievalMode) -> Outcome:
    families = {t.family for t in store.templates.values()}
    covered = [q for q in questions if q.family in families]
    top1 = top3 = template_hits = template_known = 0
    misses: list[tuple[Question, list[Hit]]] = []
    started = time.perf_counter()
    for question in covered:
        hits = store.search(question.text, k=K, mode=mode)
        top1 += hits[0].family == question.family
        found = any(h.family == question.family for h in hits)
        top3 += found
        wrong_template = question.template in store.templates and hits[0].template_id != question.template
        if question.template in store.templates:
            template_known += 1
            template_hits += not wrong_template
        if hits[0].family != question.family or wrong_template:
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
        template_1=(template_hits, template_known),
        ms_per_query=1000.0 * elapsed / n if n else 0.0,
        misses=misses,
    )


def table(outcomes: list[Outcome]) -> str:
    lines = [
        f"{'question set':14s} {'mode':7s} {'n':>4s} {'no template':>11s} {'recall@1':>9s} {'recall@3':>9s} "
        f"{'template@1':>10s} {'ms/query':>9s}",
    ]
    for o in outcomes:
        lines.append(
            f"{o.name:14s} {o.mode:7s} {o.evaluated:4d} {o.uncovered:11d} "
            f"{o.recall_1:9.3f} {o.recall_3:9.3f} {_fraction(o.template_1):>10s} {o.ms_per_query:9.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dev", type=Path, default=DEV, help="the dev set (JSONL with question and family)")
    parser.add_argument("--paraphrases", type=Path, default=PARAPHRASES, help="the paraphrase set (JSONL)")
    parser.add_argument("--heldout", type=Path, default=HELDOUT, help="paraphrases not used to choose the retrieval design")
    parser.add_argument("--dev30", type=Path, default=DEV30, help="the wireless dev30 set: new stories of the ten families")
    parser.add_argument(
        "--user-templates", type=Path, default=_env_path("LAMOPT_USER_TEMPLATES_DIR"), help="extra template files"
    )
    parser.add_argument(
        "--expected-templates", type=Path, default=EXPECTED_TEMPLATES, help="JSON: question id -> the template that solves it"
    )
    parser.add_argument("--kb", type=Path, help="chromadb folder (default: a fresh temporary one)")
    parser.add_argument(
        "--misses", action="store_true", help="list each question whose first hit has the wrong family or template"
    )
    args = parser.parse_args(argv)

    named = (("dev", args.dev), ("paraphrases", args.paraphrases), ("held-out", args.heldout), ("dev30", args.dev30))
    sets = [(name, path) for name, path in named if path.is_file()]
    for name, path in named:
        if not path.is_file():
            print(f"note: {name} set {path} not found, skipped", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="lamopt-kb-") as scratch:
        started = time.perf_counter()
        store = TemplateStore(args.kb or Path(scratch), args.user_templates)
        store.search("warm-up", k=1)  # the first query initialises torch; keep it out of the first row's ms/query
        build_s = time.perf_counter() - started
        families = sorted({t.family for t in store.templates.values()})
        print(f"templates: {len(store.templates)} in {len(families)} families (store opened in {build_s:.1f} s)")
        expected = _expected(args.expected_templates)
        outcomes = [
            evaluate(store, name, load_questions(path, expected), mode) for name, path in sets for mode in RETRIEVAL_MODES
        ]
    asked = {q.family for _, path in sets for q in load_questions(path, {})}
    if missing := sorted(asked - set(families)):
        print(f"families asked about without a template (left out of recall): {', '.join(missing)}")
    print()
    print(table(outcomes))
    if args.misses:
        for o in outcomes:
            for question, hits in o.misses:
                listing = ", ".join(f"{h.template_id} [{h.family}] {h.score:.2f}/{h.keyword:.1f}" for h in hits)
                print(f"first hit not {question.template or question.family}: {o.name}/{o.mode} {question.id}: {listing}")
    return 0


def _expected(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    return {key: value for key, value in json.loads(path.read_text(encoding="utf-8")).items() if not key.startswith("_")}


def _fraction(counts: tuple[int, int]) -> str:
    return f"{counts[0]}/{counts[1]}" if counts[1] else "-"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


if __name__ == "__main__":
    sys.exit(main())
