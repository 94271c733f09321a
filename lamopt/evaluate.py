"""`lamopt eval FILE.jsonl`: run the agents on benchmark problems and measure how often they are right.

Each record has a `question` and a numeric `answer` (None where the problem has no optimum). A case is
correct when the run's verified objective matches the answer within the record's tolerance (default:
relative 1e-3 or absolute 0.01, whichever is larger, since labels are often rounded to two decimals), or,
for a problem without an optimum, when the run reports it infeasible or unbounded. Ablations switch off
the knowledge base, the Verifier or the feedback loops; `direct` asks the LLM for the number with no agents.
Every case is written to the JSONL output as soon as it ends (the batch runner's writer: whole lines, fsync'd); a
restarted evaluation skips finished cases and cuts off a line torn by a kill.
"""

from __future__ import annotations

import json
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from langgraph.checkpoint.memory import InMemorySaver

import prompts
from agents.backbone import LLMUnavailable, Spent, StructuredOutputError, ask
from agents.context import Context
from agents.state import Decision, Report
from lamopt.api import RunRecord, run_to_report
from lamopt.runs import RecordWriter, read_records
from lamopt.vote import answer_value, run_candidates, voted

Mode = Literal["agents", "no-rag", "no-verify", "no-feedback", "direct"]
MODES: tuple[Mode, ...] = ("agents", "no-rag", "no-verify", "no-feedback", "direct")
DEFAULT_REL, DEFAULT_ABS = 1e-3, 0.01
DIRECT_SCHEMA: dict[str, Any] = {
    "title": "optimal_value",
    "type": "object",
    "properties": {"optimal_objective": {"type": "number"}},
    "required": ["optimal_objective"],
}


class EvalInputError(ValueError):
    """The benchmark file cannot be read; the message names the line."""


@dataclass(frozen=True)
class Case:
    id: str
    question: str
    answer: float | None
    rel: float
    abs: float
    family: str


def read_cases(path: Path, limit: int | None = None) -> list[Case]:
    cases: list[Case] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            tolerance = record.get("tolerance") or {}
            answer = record.get("answer")
            cases.append(
                Case(
                    id=str(record.get("id", f"line-{number}")),
                    question=str(record["question"]),
                    answer=None if answer is None else float(answer),
                    rel=float(tolerance.get("rel", DEFAULT_REL)),
                    abs=float(tolerance.get("abs", DEFAULT_ABS)),
                    family=str(record.get("family", "")),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise EvalInputError(f"{path}, line {number}: not a benchmark record ({type(exc).__name__}: {exc})") from exc
        if limit is not None and len(cases) >= limit:
            break
    return cases


def context_for(mode: Mode, base: Context) -> Context:
    """The run settings of an ablation: the same settings as `base` with one part switched off."""
    if mode == "no-rag":
        return replace(base, use_rag=False)
    if mode == "no-verify":
        return replace(base, verify=False)
    if mode == "no-feedback":
        return replace(base, feedback=False)
    return base


def matches(case: Case, objective: float | None) -> bool:
    if case.answer is None or objective is None:
        return False
    return abs(objective - case.answer) <= max(case.abs, case.rel * abs(case.answer))


ANSWERED = ("optimal", "feasible", "answered")
"""Statuses of a run that ends with a number it gives as the answer (verified, or stated by the LLM alone)."""


def confidently_wrong(record: dict[str, Any]) -> bool:
    """The worst outcome: a number given as the answer, and wrong (an answer where no optimum exists counts too)."""
    return record["status"] in ANSWERED and record.get("objective") is not None and not record["correct"]


def failure_class(case: Case, status: str, correct: bool) -> str:
    """Why a case failed, in the harness's fixed vocabulary ('' for a correct case)."""
    if correct:
        return ""
    if status == "no_model":
        return "no model"
    if status == "cap_reached":
        return "cap reached"
    if status == "out_of_time":
        return "out of time"
    if status == "no_agreement":
        return "no agreement"
    if status in ("error", "time_limit"):
        return "solver error"
    return "wrong model"  # a verified but wrong objective, or infeasible/unbounded where an optimum exists


def run_case(case: Case, mode: Mode, context: Context) -> dict[str, Any]:
    started, began = time.perf_counter(), time.time()
    if mode == "direct":
        record = _direct(case, context)
    else:
        record = _agents(case, context_for(mode, context))
        record["step_s"] = step_seconds(record.pop("history", []), began)
    record["time_s"] = round(time.perf_counter() - started, 2)
    record["llm"] = llm_name(context)
    return record


def llm_name(context: Context) -> str:
    """Which LLM answered: the embedded model's name, or the endpoint's model."""
    if context.chat_model is not None:
        return type(context.chat_model).__name__
    if context.llm_backend == "embedded" and not context.llm_url:
        return context.embedded_model
    return f"{context.llm_model or 'served model'} at {context.llm_url}"


def _agents(case: Case, context: Context) -> dict[str, Any]:
    """One case through the agents; with `context.samples` > 1, that many candidates and their vote."""
    if context.samples <= 1:
        return _record(case, *_one_run(case, context))
    runs = run_candidates(context, lambda candidate: _one_run(case, candidate))
    report, result = voted([_report(run) for run, _ in runs])
    winner = runs[result.winners[0]] if result.winners else runs[0]
    record = _record(case, *winner, report=report)
    record["tokens"] = sum(run.tokens for run, _ in runs)
    record["iterations"] = sum(run.iterations for run, _ in runs)
    record["vote"] = report.get("vote", "")
    record["low_confidence"] = bool(report.get("low_confidence"))
    record["candidates"] = [{"status": _report(run)["status"], "objective": answer_value(_report(run))} for run, _ in runs]
    return record


def _one_run(case: Case, context: Context) -> tuple[RunRecord, str]:
    """One run of the agents on the case, and its error ('' when none); a failed run's record has no state."""
    try:
        # An evaluation never waits for a person: a review point leaves the run paused, without a report.
        run = run_to_report(case.question, context=context, checkpointer=InMemorySaver(), review=lambda step: None)
    except LLMUnavailable:
        raise  # a dead endpoint would fail every case alike: stop, and let a rerun go on from here
    except Exception as exc:  # one broken case must not end the evaluation; it is recorded as an error
        where = traceback.extract_tb(exc.__traceback__)[-1]  # the line that raised it, for whoever reads the record
        return RunRecord("", {}), f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
    if run.paused_at is not None:
        paused = RunRecord(run.thread_id, {"history": run.history})  # the steps it took; no report, no counts
        return paused, "paused at a review point; run the evaluation without review points"
    return run, ""


def _report(run: RunRecord) -> Report:
    return run.report or {"status": "error", "objective": None}  # type: ignore[return-value]


def _record(case: Case, run: RunRecord, error: str, *, report: Report | None = None) -> dict[str, Any]:
    report = report or _report(run)
    status = str(report.get("status", "error"))
    objective = answer_value(report)
    correct = status in ("infeasible", "unbounded") if case.answer is None else matches(case, objective)
    return {
        "status": status,
        "objective": objective,
        "correct": correct,
        "feasible": status in ("optimal", "feasible"),
        "iterations": run.iterations,
        "tokens": run.tokens,
        "template": report.get("template_id"),
        "path": run.path,
        "failure": failure_class(case, status, correct) if not error else "solver error",
        "error": error or str(report.get("diagnosis", ""))[:300],
        "prompts": run.prompts,
        "rejections": [d["reason"][:300] for d in run.history if d["decision"].startswith(("rejected", "dropped"))],
        "history": run.history,  # run_case turns it into step_s
        "binding": (run.state.get("formulation") or {}).get("binding"),  # the last one (RecordWriter redacts)
    }


def step_seconds(history: list[Decision], began: float) -> list[list[Any]]:
    """[agent, seconds, decision] for each step of a run, the seconds from when the one before it decided (the first
    from `began`): where a slow run spent its time, and what each step decided (which template a formulation came
    from, which one was dropped), to read a failed run without running it again."""
    steps: list[list[Any]] = []
    before = began
    for entry in history:
        at = entry.get("at")
        if at is not None:
            steps.append([entry["agent"], round(at - before, 1), entry["decision"][:120]])
            before = at
    return steps


def _direct(case: Case, context: Context) -> dict[str, Any]:
    """The baseline: the LLM alone states the optimal value, with no model, solver or check."""
    spent = Spent()
    try:
        answer = ask(context, prompts.load("direct_answer"), DIRECT_SCHEMA, spent, question=case.question)
        objective: float | None = float(answer["optimal_objective"])
        status, error = "answered", ""
    except StructuredOutputError as exc:
        objective, status, error = None, "error", str(exc)[:300]
    correct = matches(case, objective)
    return {
        "status": status,
        "objective": objective,
        "correct": correct,
        "feasible": False,
        "iterations": 0,
        "tokens": spent.tokens,
        "template": None,
        "path": ["llm"],
        "failure": "" if correct else ("no model" if objective is None else "wrong model"),
        "error": error,
        "prompts": spent.prompts,
    }


def evaluate(
    cases: list[Case],
    mode: Mode,
    context: Context,
    out: Path,
    on_case: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Run every case not yet in `out` (appending one line per case as it ends) and summarise all of them."""
    done = {record["id"] for record in read_records(out)}
    writer = RecordWriter(out)
    try:
        for case in cases:
            if case.id in done:
                continue
            record = {
                "id": case.id,
                "family": case.family,
                "mode": mode,
                "expected": case.answer,
                **run_case(case, mode, context),
            }
            writer.write(record)
            if on_case is not None:
                on_case(record)
    finally:
        writer.close()
    wanted = {case.id for case in cases}
    return summarise([r for r in read_records(out) if r["id"] in wanted], mode)


def summarise(records: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    n = len(records)
    if n == 0:
        return {"mode": mode, "cases": 0}
    return {
        "mode": mode,
        "cases": n,
        "accuracy": round(sum(r["correct"] for r in records) / n, 4),
        "confidently_wrong": round(sum(confidently_wrong(r) for r in records) / n, 4),
        "no_answer": round(sum(r["status"] not in ANSWERED or r.get("objective") is None for r in records) / n, 4),
        "feasibility_rate": round(sum(r["feasible"] for r in records) / n, 4),
        "mean_iterations": round(sum(r.get("iterations", r.get("loops", 0)) for r in records) / n, 3),
        "mean_time_s": round(sum(r["time_s"] for r in records) / n, 2),
        "mean_tokens": round(sum(r["tokens"] for r in records) / n, 1),
        "failures": dict(Counter(r["failure"] for r in records if r["failure"])),
    }


def summary_table(summaries: list[dict[str, Any]]) -> str:
    header = (
        f"{'mode':12s} {'cases':>5s} {'accuracy':>8s} {'conf.wrong':>10s} {'no answer':>9s} {'feasible':>8s} {'iter':>5s} "
        f"{'time/s':>7s} {'tokens':>7s}  failures"
    )
    lines = [header]
    for s in summaries:
        if not s.get("cases"):
            lines.append(f"{s['mode']:12s} {0:5d}")
            continue
        failures = ", ".join(f"{k}: {v}" for k, v in sorted(s["failures"].items())) or "-"
        lines.append(
            f"{s['mode']:12s} {s['cases']:5d} {s['accuracy']:8.1%} {s.get('confidently_wrong', 0.0):10.1%} "
            f"{s.get('no_answer', 0.0):9.1%} {s['feasibility_rate']:8.1%} {s['mean_iterations']:5.2f} "
            f"{s['mean_time_s']:7.1f} {s['mean_tokens']:7.0f}  {failures}"
        )
    return "\n".join(lines)
