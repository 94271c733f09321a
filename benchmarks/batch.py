"""Batch throughput with a real LLM: variants of the LEO example through `lamopt run`'s runner, then the figures.

Each variant changes the request rates (so every case is a different problem with a known optimum computed
by brute force) and the runner solves them with the configured LLM (the embedded CPU model by default, or
LAMOPT_LLM_BACKEND / LAMOPT_LLM_URL for a vLLM server). Prints the summary table, how many answers match the
brute-force optimum, wall time and cases per minute.

    python benchmarks/batch.py --cases 3 --jobs 3 --llm-concurrency 1     # embedded model (one llama.cpp slot)
    python benchmarks/batch.py --cases 3 --jobs 3 --llm-concurrency 1 --engine ray   # the same cases as Ray tasks
    LAMOPT_LLM_BACKEND=vllm LAMOPT_LLM_URL=http://127.0.0.1:8000/v1 \
        python benchmarks/batch.py --cases 32 --jobs 16 --llm-concurrency 16 --engine ray --ray-address auto
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

from knowledge_base.templates.leo_microservice_placement import TEMPLATE
from lamopt.runs import run_batch, summary_table
from tools.textdata import parse_text

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "leo_placement.txt"
RATES = [(30, 10), (10, 30), (20, 20), (50, 5), (5, 50), (40, 25), (12, 36), (27, 9)]


def variant(rate_a: int, rate_b: int) -> str:
    text = EXAMPLE.read_text()
    text = text.replace(
        "Application A receives 30 requests per second and application B receives 10 requests per second.",
        f"Application A receives {rate_a} requests per second and application B receives {rate_b} requests per second.",
    )
    return text.replace(
        "(30 x latency of A + 10 x latency of B) / 40", f"({rate_a} x latency of A + {rate_b} x latency of B) / {rate_a + rate_b}"
    )


def optimum(text: str, rate_a: int, rate_b: int) -> float:
    """The brute-force optimum of a variant (every placement enumerated), independent of solver and LLM."""
    from tests.test_leo_template import brute_force

    binding = {
        "delay_table": "T1",
        "cpu_requirement_list": "L1",
        "cpu_capacity_list": "L2",
        "applications": [
            {"name": "A", "first_microservice": "A1", "access_satellite": "S1", "requests_per_second": rate_a},
            {"name": "B", "first_microservice": "B1", "access_satellite": "S4", "requests_per_second": rate_b},
        ],
        "objective": "request-weighted average latency",
    }
    params, _ = TEMPLATE.assemble(binding, parse_text(text))
    return float(brute_force(params))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=3)
    parser.add_argument("--llm-concurrency", type=int, default=1)
    parser.add_argument("--solver-concurrency", type=int, default=1)
    parser.add_argument("--engine", choices=["threads", "ray"], default="threads")
    parser.add_argument("--ray-address", help="a Ray cluster (default with --engine ray: a local Ray started for the batch)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lamopt-batch-bench-"))
    cases, best = [], {}
    for i in range(args.cases):
        rate_a, rate_b = RATES[i % len(RATES)]
        text = variant(rate_a, rate_b)
        cases.append({"id": f"leo-{i:02d}-{rate_a}-{rate_b}", "text": text})
        best[cases[-1]["id"]] = optimum(text, rate_a, rate_b)
    batch = work / "leo_variants.yaml"
    batch.write_text(yaml.safe_dump({"settings": {"kb_path": str(work / "kb"), "runs_dir": str(work / "runs")}, "cases": cases}))
    started = time.perf_counter()
    outcome = run_batch(
        batch,
        work / "results.jsonl",
        jobs=args.jobs,
        llm_slots=args.llm_concurrency,
        solver_slots=args.solver_concurrency,
        engine=args.engine,
        ray_address=args.ray_address,
    )
    wall = time.perf_counter() - started
    print(summary_table(outcome.records))
    right = sum(1 for r in outcome.records if r.get("objective") is not None and abs(r["objective"] - best[r["case"]]) < 1e-6)
    backend = os.environ.get("LAMOPT_LLM_BACKEND", "embedded")
    print(
        f"\nengine {args.engine}; backend {backend}; {args.cases} cases, jobs {args.jobs}, "
        f"llm concurrency {args.llm_concurrency}, solver concurrency {args.solver_concurrency}"
    )
    print(f"answers equal to the brute-force optimum: {right}/{args.cases}")
    started_what = "the LLM and the KB"
    if args.engine == "ray":
        started_what = "the LLM, Ray and its workers (each imports lamopt and opens the KB)"
    print(f"wall {wall:.1f} s for the batch ({60 * args.cases / wall:.2f} cases/min, includes starting {started_what})")
    solved = [r["wall_s"] for r in outcome.records if "wall_s" in r]
    if solved:
        print(f"per case (wall_s in the records): median {sorted(solved)[len(solved) // 2]:.1f} s, max {max(solved):.1f} s")
    print(f"results: {work / 'results.jsonl'}")


if __name__ == "__main__":
    main()
