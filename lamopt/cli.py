"""The command line: `lamopt solve | doctor | serve-llm | kb | train-beamformer`."""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

EXIT_OK, EXIT_NO_ANSWER, EXIT_BAD_INPUT, EXIT_LLM_DOWN = 0, 1, 2, 3


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    handler = {
        "solve": _solve,
        "doctor": _doctor,
        "serve-llm": _serve_llm,
        "kb": _kb,
        "train-beamformer": _train_beamformer,
    }[args.command]
    return int(handler(args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lamopt", description="Wireless-network optimization from plain language.")
    sub = parser.add_subparsers(dest="command")
    solve = sub.add_parser("solve", help="solve one problem stated in words")
    solve.add_argument("text", nargs="?", default="", help="the problem; '-' reads it from standard input, @FILE from a file")
    solve.add_argument("--data", action="append", default=[], help="attached data file (JSON, YAML or CSV); repeatable")
    solve.add_argument("--json", action="store_true", help="print the report as one JSON object")
    solve.add_argument("--out", help="where to save the report (default runs/<thread>.md)")
    solve.add_argument("--resume", metavar="THREAD", help="continue a run from its last checkpoint")
    solve.add_argument("--yes", action="store_true", help="approve every review point without asking")
    solve.add_argument("--review", default="", help="review points: after_modeling,before_solving")
    _add_settings(solve)
    doctor = sub.add_parser("doctor", help="show what is available: LLM, solvers, knowledge base, GPU")
    _add_settings(doctor)
    serve = sub.add_parser("serve-llm", help="start a vLLM server (in its own environment) and wait until it answers")
    serve.add_argument("model", help="model name or path for vLLM")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--vllm", default=os.environ.get("LAMOPT_VLLM_BIN", "vllm"), help="the vllm executable of its own venv")
    serve.add_argument("--tool-call-parser", default="hermes")
    serve.add_argument("--reasoning-parser", default="")
    serve.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for the server to answer")
    kb = sub.add_parser("kb", help="the template knowledge base")
    kb.add_argument("action", choices=["build", "list", "search"])
    kb.add_argument("query", nargs="?", default="")
    kb.add_argument("-k", type=int, default=3)
    _add_settings(kb)
    _add_train_beamformer(sub)
    return parser


def _add_train_beamformer(sub: Any) -> None:
    train = sub.add_parser(
        "train-beamformer",
        help="train a LAM beamformer checkpoint (encoder, LoRA adapters, head) for a cell-free or ISAC size",
        description="Train a LAM beamformer on the CPU (or GPU) and save its checkpoint; pass the file to the beamforming "
        "tools as `checkpoint`. Cell-free trains unsupervised on the negative sum rate; ISAC solves SDR labels first, "
        "trains on them, then fine-tunes with an SINR penalty.",
    )
    train.add_argument("task", choices=["cellfree", "isac"])
    train.add_argument("--out", help="checkpoint file to write (default beamformer-<task>-<pretrained|random>.pt)")
    train.add_argument("--max-users", type=int, default=None, help="most users the model serves (default 4 cell-free, 2 ISAC)")
    train.add_argument("--max-aps", type=int, default=8, help="cell-free: most access points")
    train.add_argument("--antennas-per-ap", type=int, default=2, help="cell-free: antennas at each AP")
    train.add_argument("--antennas", type=int, default=8, help="ISAC: antennas of the base station's ULA")
    train.add_argument("--steps", type=int, default=400, help="cell-free training steps, or ISAC penalty fine-tuning steps")
    train.add_argument("--batch-size", type=int, default=32)
    train.add_argument("--sdr-labels", type=int, default=300, help="ISAC: scenes solved by SDR for the supervised stage")
    train.add_argument("--supervised-epochs", type=int, default=8, help="ISAC: epochs over the SDR labels")
    train.add_argument(
        "--random-backbone", action="store_true", help="ablation: a seeded random backbone, not the pretrained one"
    )
    train.add_argument("--backbone-layers", type=int, default=2, help="first k layers of the embedded model")
    train.add_argument("--lora-rank", type=int, default=8)
    train.add_argument("--lr", type=float, default=1e-3)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    train.add_argument("--device", default="cpu", help="torch device, e.g. cuda")
    train.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_settings(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--llm-backend", choices=["embedded", "openai", "vllm"])
    parser.add_argument("--llm-url", help="OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1")
    parser.add_argument("--llm-model")
    parser.add_argument("--solver", choices=["auto", "cplex", "highs", "scip"])
    parser.add_argument("--max-iterations", type=int)
    parser.add_argument("--user-templates", help="folder of your own template files")


def _context(args: argparse.Namespace, review: tuple[str, ...] = ()) -> Any:
    from agents.context import Context

    settings: dict[str, Any] = {"review_points": review}
    for field, attr in [
        ("llm_backend", "llm_backend"),
        ("llm_url", "llm_url"),
        ("llm_model", "llm_model"),
        ("solver", "solver"),
        ("max_iterations", "max_iterations"),
        ("user_templates_dir", "user_templates"),
    ]:
        value = getattr(args, attr, None)
        if value is not None:
            settings[field] = value
    return Context(**settings)


def _read_text(raw: str) -> str:
    if raw == "-":
        return sys.stdin.read()
    if raw.startswith("@"):
        path = Path(raw[1:])
        if not path.is_file():
            raise FileNotFoundError(f"problem file {path} does not exist")
        return path.read_text(encoding="utf-8")
    return raw


def _solve(args: argparse.Namespace) -> int:
    from agents.backbone import LLMUnavailable
    from lamopt.api import stream
    from lamopt.problem_input import InputError
    from lamopt.report_text import report_json, report_markdown

    review = tuple(p.strip() for p in args.review.split(",") if p.strip())
    bad = [p for p in review if p not in ("after_modeling", "before_solving")]
    if bad:
        return _fail(f"unknown review point(s): {', '.join(bad)}", EXIT_BAD_INPUT)
    try:
        text: str | None = None if args.resume else _read_text(args.text)
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    context = _context(args, review)
    thread_id = args.resume or uuid.uuid4().hex[:12]
    resume: Any = None
    try:
        while True:
            final = None
            for step in stream(text, args.data, context=context, thread_id=thread_id, resume=resume):
                if step.kind == "agent":
                    print(f"[{step.node}] {step.text}", file=sys.stderr, flush=True)
                elif step.kind == "review":
                    resume = {"action": "approve"} if args.yes else _ask_expert(step.data)
                    print(f"[review] {step.node}: {resume.get('action')}", file=sys.stderr, flush=True)
                else:
                    final = step
            if final is not None:
                break
            text = None  # continue the same thread with the expert's answer
    except InputError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    except LLMUnavailable as exc:
        return _fail(f"{exc}\nThe run is checkpointed; continue it with: lamopt solve --resume {thread_id}", EXIT_LLM_DOWN)
    state = final.data["state"]
    report, history = state["report"], state.get("history", [])
    markdown = report_markdown(report, history, thread_id)
    out = Path(args.out) if args.out else Path("runs") / f"{thread_id}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(markdown, encoding="utf-8")
    if args.json:
        print(report_json(report, history, thread_id, state.get("tokens", 0), state.get("prompts", {})))
    else:
        print(markdown)
    print(f"report saved to {out}", file=sys.stderr)
    if report["status"] not in ("optimal", "feasible"):
        print(f"lamopt: no verified answer ({report['status']}): {report['diagnosis'] or report['summary']}", file=sys.stderr)
        return EXIT_NO_ANSWER
    return EXIT_OK


def _ask_expert(request: dict[str, Any]) -> dict[str, Any]:
    shown = {k: v for k, v in request.items() if k != "review"}
    print(f"\nReview point '{request.get('review')}':\n{json.dumps(shown, indent=2, default=str)[:4000]}", file=sys.stderr)
    while True:
        print("approve [a], stop [s], or edit [e] (paste a JSON binding on one line): ", end="", file=sys.stderr, flush=True)
        answer = sys.stdin.readline()
        if not answer:
            return {"action": "stop", "reason": "no answer on standard input (use --yes in scripts)"}
        choice = answer.strip().lower()
        if choice in ("a", "approve", ""):
            return {"action": "approve"}
        if choice in ("s", "stop"):
            return {"action": "stop", "reason": "stopped at the prompt"}
        if choice in ("e", "edit"):
            try:
                return {"action": "edit", "binding": json.loads(sys.stdin.readline())}
            except json.JSONDecodeError as exc:
                print(f"not JSON: {exc}", file=sys.stderr)


def _doctor(args: argparse.Namespace) -> int:
    from lamopt.doctor import doctor_report

    print(doctor_report(_context(args)))
    return EXIT_OK


def _serve_llm(args: argparse.Namespace) -> int:
    from agents.backbone import LLMUnavailable
    from lamopt.serve_llm import serve_vllm

    try:
        url = serve_vllm(args.model, args.port, args.vllm, args.tool_call_parser, args.reasoning_parser, args.timeout)
    except LLMUnavailable as exc:
        return _fail(str(exc), EXIT_LLM_DOWN)
    print(f"vLLM answers at {url}; use it with: LAMOPT_LLM_BACKEND=vllm LAMOPT_LLM_URL={url} lamopt solve ...")
    return EXIT_OK


def _kb(args: argparse.Namespace) -> int:
    from agents.knowledge import template_store
    from knowledge_base.catalog import TemplateError

    try:
        store = template_store(_context(args))
    except TemplateError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    if args.action == "build":
        print(f"knowledge base at {store.path}: {len(store.templates)} templates (content hash {store.content_hash})")
    elif args.action == "list":
        for template in store.templates.values():
            print(f"{template.id:40s} {template.family:28s} {template.problem_class:6s} {template.title}")
    else:
        if not args.query.strip():
            return _fail("kb search needs a query text", EXIT_BAD_INPUT)
        for hit in store.search(args.query, k=args.k):
            print(f"{hit.score:6.3f}  {hit.template_id}  ({hit.family})")
    return EXIT_OK


def _train_beamformer(args: argparse.Namespace) -> int:
    backbone = "random" if args.random_backbone else "pretrained"
    out = Path(args.out) if args.out else Path(f"beamformer-{args.task}-{backbone}.pt")
    max_users = args.max_users if args.max_users is not None else (4 if args.task == "cellfree" else 2)
    sizes = [max_users, args.max_aps, args.antennas_per_ap, args.antennas, args.steps, args.batch_size, args.backbone_layers]
    if min(sizes) < 1 or args.sdr_labels < 1 or args.supervised_epochs < 0:
        return _fail("sizes, steps, batch size and label count must be positive", EXIT_BAD_INPUT)
    from tools.beamforming.train import train_beamformer  # torch and transformers: only once the arguments are sound

    try:
        path = train_beamformer(
            args.task,
            out,
            max_users=max_users,
            max_aps=args.max_aps,
            antennas_per_ap=args.antennas_per_ap,
            n_antennas=args.antennas,
            steps=args.steps,
            batch_size=args.batch_size,
            pretrained=not args.random_backbone,
            backbone_layers=args.backbone_layers,
            lora_rank=args.lora_rank,
            sdr_label_count=args.sdr_labels,
            supervised_epochs=args.supervised_epochs,
            seed=args.seed,
            lr=args.lr,
            threads=args.threads,
            device=args.device,
            progress=not args.quiet,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        return _fail(f"training failed: {exc}", EXIT_BAD_INPUT)
    print(
        f"checkpoint saved to {path} ({path.stat().st_size / 1e6:.1f} MB); use it with the beamforming tools' `checkpoint` input"
    )
    return EXIT_OK


def _fail(message: str, code: int) -> int:
    print(f"lamopt: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
