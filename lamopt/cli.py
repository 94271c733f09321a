"""The command line: `lamopt solve | run | chat | mcp | eval | doctor | serve-llm | kb | train-beamformer`."""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any, get_args

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

EXIT_OK, EXIT_NO_ANSWER, EXIT_BAD_INPUT, EXIT_LLM_DOWN, EXIT_INTERNAL = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    handler = {
        "solve": _solve,
        "run": _run,
        "chat": _chat,
        "mcp": _mcp,
        "eval": _eval,
        "doctor": _doctor,
        "serve-llm": _serve_llm,
        "kb": _kb,
        "train-beamformer": _train_beamformer,
    }[args.command]
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
    except Exception as exc:  # a bug of ours: a short message and a log file, never a traceback on the terminal
        why = f"internal error ({type(exc).__name__}): a bug in lamopt, not in your input; {_error_log(exc)}"
        return _fail(why, EXIT_INTERNAL)


def _error_log(exc: BaseException) -> str:
    """Write the traceback (secrets redacted) to a log file; say where it is."""
    import time
    import traceback

    from tools.embedded_model import cache_dir
    from tools.redact import redact

    try:
        log = cache_dir() / "logs" / f"lamopt-error-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(redact("".join(traceback.format_exception(exc))), encoding="utf-8")
        return f"the details are in {log}"
    except OSError as write_error:
        return f"no log could be written ({write_error.strerror})"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lamopt", description="Wireless-network optimization from plain language.")
    sub = parser.add_subparsers(dest="command")
    solve = sub.add_parser("solve", help="solve one problem stated in words")
    solve.add_argument("text", nargs="?", default="", help="the problem; '-' reads it from standard input, @FILE from a file")
    solve.add_argument("--data", action="append", default=[], help="attached data file (JSON, YAML or CSV); repeatable")
    solve.add_argument("--json", action="store_true", help="print the report as one JSON object")
    solve.add_argument("--out", help="where to save the report (default <runs_dir>/<thread>.md, runs_dir from LAMOPT_RUNS_DIR)")
    solve.add_argument("--resume", metavar="THREAD", help="continue a run from its last checkpoint")
    solve.add_argument("--yes", action="store_true", help="approve every review point without asking")
    solve.add_argument("--review", default="", help="review points: after_modeling,before_solving,missing_parameter")
    _add_settings(solve)
    run = sub.add_parser("run", help="run a batch of problems (YAML or JSONL); resumable, one JSONL record per case")
    run.add_argument("file", help="batch file: YAML list of cases (or {settings, cases}) or JSONL, one case per line")
    run.add_argument("--out", help="results JSONL (default <runs_dir>/<batch>.results.jsonl); rerun with it to resume")
    run.add_argument("--jobs", type=int, default=4, help="cases at once")
    run.add_argument("--llm-concurrency", type=int, default=4, help="LLM requests in flight at once")
    run.add_argument("--solver-concurrency", type=int, default=max(1, (os.cpu_count() or 2) // 2), help="solver runs at once")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.add_argument(
        "--engine", choices=["threads", "ray"], default="threads", help="run cases in threads here (default) or as Ray tasks"
    )
    run.add_argument("--ray-address", help="a Ray cluster to use (default with --engine ray: a local Ray lamopt starts)")
    _add_settings(run)
    chat = sub.add_parser("chat", help="the chat page (a local web page): problems, agent steps, reviews, follow-ups")
    chat.add_argument("--host", default="127.0.0.1", help="bind address; anything but loopback requires a token")
    chat.add_argument("--port", type=int, default=7860)
    chat.add_argument("--token", help="login token when bound beyond loopback (default: LAMOPT_CHAT_TOKEN or a random one)")
    chat.add_argument("--review", default="", help="review points: after_modeling,before_solving,missing_parameter")
    _add_settings(chat)
    mcp = sub.add_parser(
        "mcp",
        help="serve lamopt to other agents over the Model Context Protocol (stdio; --http for streamable HTTP)",
        description="An MCP server: tools solve, follow_up, kb_search, list_templates, leo_placement, drib_mobo, "
        "beamforming_cellfree, beamforming_isac; resources lamopt://runs/<thread>/report and .../figures/<name>.",
    )
    mcp.add_argument("--http", action="store_true", help="streamable HTTP instead of stdio (needs the operating-system sandbox)")
    mcp.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default loopback)")
    mcp.add_argument("--port", type=int, default=8765, help="HTTP port")
    mcp.add_argument("--token", help="HTTP bearer token (default: LAMOPT_MCP_TOKEN or a random one, printed at start)")
    mcp.add_argument("--review", default="", help="review points for every run (clients may choose their own)")
    _add_settings(mcp)
    evaluate = sub.add_parser("eval", help="measure accuracy on a benchmark JSONL file (question + answer per line)")
    evaluate.add_argument("file", help="benchmark records: id, question, answer (see ../shared/benchmarks)")
    evaluate.add_argument("--limit", type=int, help="only the first N problems")
    evaluate.add_argument("--out", help="folder for per-case JSONL and the summary (default <runs_dir>/eval)")
    evaluate.add_argument("--no-rag", action="store_true", help="ablation: no template knowledge base")
    evaluate.add_argument("--no-verify", action="store_true", help="ablation: no Verifier checks")
    evaluate.add_argument("--no-feedback", action="store_true", help="ablation: no repair or retune loops")
    evaluate.add_argument("--direct", action="store_true", help="baseline: the LLM states the number, no agents")
    evaluate.add_argument("--with-agents", action="store_true", help="also run the full agents beside the flags above")
    _add_settings(evaluate)
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
    train.add_argument("--workers", type=int, default=1, help="ISAC: CPU processes solving the SDR labels")
    train.add_argument("--wmmse-steps", type=int, default=1, help="cell-free: WMMSE iterations unrolled after the head")
    train.add_argument(
        "--fp32-backbone",
        action="store_true",
        help="run the frozen backbone in float32 (default bfloat16: faster on AMX CPUs and GPUs)",
    )
    train.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_settings(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--llm-backend", choices=["embedded", "openai", "vllm"])
    parser.add_argument("--llm-url", help="OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1")
    parser.add_argument("--llm-model")
    parser.add_argument("--solver", choices=["auto", "cplex", "highs", "scip"])
    parser.add_argument("--max-iterations", type=int)
    parser.add_argument("--user-templates", help="folder of your own template files")
    parser.add_argument(
        "--retrieval", choices=["hybrid", "dense"], help="template retrieval: embeddings + keywords, or embeddings only"
    )


def _context(args: argparse.Namespace, review: tuple[str, ...] = ()) -> Any:
    from agents.context import Context

    settings: dict[str, Any] = {"review_points": review}
    settings |= _given_settings(args)
    return Context(**settings)


_SETTING_FLAGS = [
    ("llm_backend", "llm_backend"),
    ("llm_url", "llm_url"),
    ("llm_model", "llm_model"),
    ("solver", "solver"),
    ("max_iterations", "max_iterations"),
    ("user_templates_dir", "user_templates"),
    ("retrieval", "retrieval"),
]
"""Context field ← command-line option, for the settings every command takes."""


def _read_text(raw: str) -> str:
    """The problem text from the argument, standard input ('-') or a file ('@FILE'); binary input is refused."""
    from lamopt.problem_input import MAX_TEXT_BYTES, checked_text, read_text_file

    if raw == "-":
        return _read_stdin(MAX_TEXT_BYTES)
    if raw.startswith("@"):
        return read_text_file(raw[1:], "problem file")
    return checked_text(raw, "the problem text")


def _read_stdin(limit: int) -> str:
    from lamopt.problem_input import InputError
    from tools.untrusted import UntrustedDataError, decode_text

    stream = getattr(sys.stdin, "buffer", None)  # a text-only stand-in (a test's StringIO) has no bytes underneath
    data = stream.read(limit + 1) if stream is not None else sys.stdin.read(limit + 1).encode("utf-8", "surrogateescape")
    if len(data) > limit:
        raise InputError(f"standard input holds more than {limit} bytes; the problem text is limited to that")
    try:
        return decode_text(data, "standard input")
    except UntrustedDataError as exc:
        raise InputError(str(exc)) from None


def _solve(args: argparse.Namespace) -> int:
    from agents.backbone import LLMUnavailable
    from lamopt.api import APPROVE, Step, run_to_report
    from lamopt.problem_input import InputError
    from lamopt.report_text import report_markdown

    review = _review_points(args.review)
    if isinstance(review, int):
        return review
    try:
        text: str | None = None if args.resume else _read_text(args.text)
    except (OSError, InputError) as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    context = _context(args, review)
    thread_id = args.resume or uuid.uuid4().hex[:12]

    def show(step: Step) -> None:
        if step.kind == "agent":
            print(f"[{step.node}] {step.text}", file=sys.stderr, flush=True)

    def answer(step: Step) -> dict[str, Any]:
        resume = APPROVE if args.yes else _ask_expert(step.data)
        print(f"[review] {step.node}: {resume.get('action')}", file=sys.stderr, flush=True)
        return resume

    try:
        run = run_to_report(text, args.data, context=context, thread_id=thread_id, review=answer, on_step=show)
    except InputError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    except LLMUnavailable as exc:
        return _fail(f"{exc}\nThe run is checkpointed; continue it with: lamopt solve --resume {thread_id}", EXIT_LLM_DOWN)
    report = run.report
    assert report is not None  # every review point gets an answer here
    markdown = report_markdown(report, run.history, thread_id)
    out = Path(args.out) if args.out else Path(context.runs_dir) / f"{thread_id}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(markdown, encoding="utf-8")
    if args.json:
        print(json.dumps(run.fields(answer=True)))
    else:
        print(markdown)
    print(f"report saved to {out}", file=sys.stderr)
    if report["status"] not in ("optimal", "feasible"):
        print(f"lamopt: no verified answer ({report['status']}): {report['diagnosis'] or report['summary']}", file=sys.stderr)
        return EXIT_NO_ANSWER
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from lamopt.problem_input import InputError
    from lamopt.runs import run_batch, summary_table

    if args.ray_address and args.engine != "ray":
        return _fail("--ray-address needs --engine ray", EXIT_BAD_INPUT)
    batch = Path(args.file)
    base = _given_settings(args)
    out = Path(args.out) if args.out else Path(_context(args).runs_dir) / f"{batch.stem}.results.jsonl"
    try:
        outcome = run_batch(
            batch,
            out,
            jobs=args.jobs,
            llm_slots=args.llm_concurrency,
            solver_slots=args.solver_concurrency,
            base_settings=base,
            progress=not args.no_progress,
            engine=args.engine,
            ray_address=args.ray_address,
        )
    except InputError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    print(summary_table(outcome.records))
    print(f"{outcome.ran} cases run now, {outcome.skipped} already done; records in {out}", file=sys.stderr)
    if outcome.unfinished:
        return _fail(
            f"{len(outcome.unfinished)} cases not finished (LLM endpoint down): run the same command again to finish them",
            EXIT_LLM_DOWN,
        )
    return EXIT_OK


def _chat(args: argparse.Namespace) -> int:
    from lamopt.chat import serve
    from lamopt.problem_input import InputError

    review = _review_points(args.review)
    if isinstance(review, int):
        return review
    try:
        serve(args.host, args.port, args.token, lambda: _context(args, review))
    except InputError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    return EXIT_OK


def _mcp(args: argparse.Namespace) -> int:
    from lamopt.mcp_server import HttpRefused, serve

    review = _review_points(args.review)
    if isinstance(review, int):
        return review
    try:
        serve(lambda: _context(args, review), http=args.http, host=args.host, port=args.port, token=args.token)
    except HttpRefused as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    return EXIT_OK


def _review_points(raw: str) -> tuple[str, ...] | int:
    """The review points a comma-separated option names, or the exit code after saying which are unknown."""
    from agents.context import ReviewPoint

    review = tuple(p.strip() for p in raw.split(",") if p.strip())
    bad = [p for p in review if p not in get_args(ReviewPoint)]
    if bad:
        return _fail(f"unknown review point(s): {', '.join(bad)}", EXIT_BAD_INPUT)
    return review


def _given_settings(args: argparse.Namespace) -> dict[str, Any]:
    """Context fields the command line set explicitly (the rest stay as each case or the environment says)."""
    return {field: getattr(args, attr) for field, attr in _SETTING_FLAGS if getattr(args, attr, None) is not None}


def _ask_expert(request: dict[str, Any]) -> dict[str, Any]:
    shown = {k: v for k, v in request.items() if k not in ("review", "question")}
    print(f"\nReview point '{request.get('review')}':\n{json.dumps(shown, indent=2, default=str)[:4000]}", file=sys.stderr)
    if request.get("question"):
        print(f"\n{request['question']}", file=sys.stderr)
    while True:
        print(
            "approve [a], stop [s], edit [e] (then paste a JSON binding on one line) "
            "or answer [t] (then type the missing facts on one line): ",
            end="",
            file=sys.stderr,
            flush=True,
        )
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
        if choice in ("t", "answer"):
            said = sys.stdin.readline().strip()
            if said:
                return {"action": "answer", "text": said}


def _eval(args: argparse.Namespace) -> int:
    from agents.backbone import LLMUnavailable
    from lamopt.evaluate import EvalInputError, Mode, evaluate, read_cases, summary_table

    path = Path(args.file)
    try:
        cases = read_cases(path, args.limit)
    except (OSError, EvalInputError) as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    switches: list[tuple[Mode, bool]] = [
        ("no-rag", args.no_rag), ("no-verify", args.no_verify), ("no-feedback", args.no_feedback), ("direct", args.direct)
    ]  # fmt: skip
    flagged: list[Mode] = [mode for mode, on in switches if on]
    modes: list[Mode] = list(flagged)
    if args.with_agents or not flagged:
        modes.insert(0, "agents")
    position = {case.id: i for i, case in enumerate(cases, start=1)}
    context = _context(args)
    out_dir = Path(args.out) if args.out else Path(context.runs_dir) / "eval"
    summaries = []
    for mode in modes:
        out = out_dir / f"{path.stem}-{mode}.jsonl"

        def show(record: dict[str, Any], mode: str = mode) -> None:
            verdict = "correct" if record["correct"] else f"wrong ({record['failure']})"
            print(f"[{mode} {position[record['id']]}/{len(cases)}] {record['id']}: {verdict}, objective {record['objective']}, "
                  f"expected {record['expected']}, {record['time_s']} s", file=sys.stderr, flush=True)  # fmt: skip

        try:
            summary = evaluate(cases, mode, context, out, on_case=show)
        except LLMUnavailable as exc:
            return _fail(f"{exc}\nFinished cases are saved in {out}; run the same command again to go on.", EXIT_LLM_DOWN)
        summary |= {"file": str(path), "records": str(out)}
        (out_dir / f"{path.stem}-{mode}-summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
        summaries.append(summary)
    print(summary_table(summaries))
    return EXIT_OK


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

    context = _context(args)
    try:
        store = template_store(context)
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
        try:
            hits = store.search(args.query, k=args.k, mode=context.retrieval)
        except ValueError as exc:  # an unknown retrieval mode from LAMOPT_RETRIEVAL
            return _fail(str(exc), EXIT_BAD_INPUT)
        print(f"{len(store.templates)} templates, content hash {store.content_hash}, {context.retrieval} retrieval")
        print(f"{'similarity':>10s}  {'keywords':>8s}  template (family)")
        for hit in hits:
            print(f"{hit.score:10.3f}  {hit.keyword:8.2f}  {hit.template_id}  ({hit.family})")
    return EXIT_OK


def _train_beamformer(args: argparse.Namespace) -> int:
    backbone = "random" if args.random_backbone else "pretrained"
    out = Path(args.out) if args.out else Path(f"beamformer-{args.task}-{backbone}.pt")
    max_users = args.max_users if args.max_users is not None else (4 if args.task == "cellfree" else 2)
    sizes = [max_users, args.max_aps, args.antennas_per_ap, args.antennas, args.steps, args.batch_size, args.backbone_layers]
    if min(sizes) < 1 or args.sdr_labels < 1 or args.supervised_epochs < 0 or args.workers < 1 or args.wmmse_steps < 0:
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
            label_workers=args.workers,
            backbone_bf16=not args.fp32_backbone,
            wmmse_steps=args.wmmse_steps,
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
