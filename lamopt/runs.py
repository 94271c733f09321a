"""Scripted batch runs (`lamopt run FILE`): many problems, bounded concurrency, one JSONL record per case.

Each record is appended (and fsync'ed) the moment its case finishes, so a run that is killed loses only the
cases in flight. Restarted on the same results file, the batch skips every case that already has a record
and repairs a last line the kill tore in half: each case ends up with exactly one record.

Concurrency: `jobs` cases run at once, in threads (the default engine) or as Ray tasks (`engine="ray"`,
lamopt.ray_engine); LLM requests and solver runs are capped separately by gates the agents hold
(Context.llm_gate / solver_gate), so against a vLLM server up to `llm_slots` requests are in flight together
and the server batches them, while solvers don't oversubscribe the CPU cores. On Ray the gates are one actor's
semaphores, so the caps hold across every worker of the cluster.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from tqdm import tqdm

from agents.backbone import LLMUnavailable
from agents.context import Context
from lamopt.api import run_to_report
from lamopt.checkpoints import sqlite_saver
from lamopt.problem_input import InputError, checked_text, read_text_file
from tools.redact import redact
from tools.untrusted import UntrustedDataError, decode_text, loads_json, loads_yaml, read_capped

MAX_BATCH_BYTES = 10 << 20
LIVE_FIELDS = frozenset({"chat_model", "llm_gate", "solver_gate"})
"""Context fields a batch file cannot set (objects, not settings)."""


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    data: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class BatchOutcome:
    records: list[dict[str, Any]]
    """Every record in the results file (this run's and earlier runs'), in file order."""
    ran: int
    skipped: int
    unfinished: list[str]
    """Cases without a record: their LLM endpoint was down; a rerun tries them again."""


def load_cases(path: Path) -> list[Case]:
    """Read a batch: YAML (a list of cases, or {settings: ..., cases: [...]}) or JSONL (one case per line).

    A case is {id?, text | text_file, data?: file or list of files, settings?: {Context field: value}}; file
    paths are relative to the batch file. A case without an id is named by a hash of what it asks, so
    editing the file does not rename the other cases (their finished records still count on a rerun).
    """
    if path.suffix.lower() not in (".jsonl", ".yaml", ".yml"):
        raise InputError(f"batch file {path}: use .yaml, .yml or .jsonl")
    defaults: dict[str, Any] = {}
    try:
        raw = decode_text(read_capped(path, MAX_BATCH_BYTES, "batch file"), f"batch file {path}")
        if path.suffix.lower() == ".jsonl":
            lines = [(n, line) for n, line in enumerate(raw.splitlines(), 1) if line.strip()]
            entries: Any = [loads_json(line, f"batch file {path}, line {n},") for n, line in lines]
        else:
            entries = loads_yaml(raw, f"batch file {path}")
    except UntrustedDataError as exc:
        raise InputError(str(exc)) from None
    if isinstance(entries, dict):
        defaults = dict(entries.get("settings") or {})
        entries = entries.get("cases")
    if not isinstance(entries, list) or not entries:
        raise InputError(f"batch file {path} holds no cases (a list, or a mapping with 'cases')")
    cases = [_case(entry, i, path.parent, defaults) for i, entry in enumerate(entries, 1)]
    seen = Counter(c.id for c in cases)
    duplicates = sorted(i for i, n in seen.items() if n > 1)
    if duplicates:
        raise InputError(f"batch file {path}: case ids must be unique; repeated: {', '.join(duplicates)}")
    return cases


def _case(entry: Any, number: int, base: Path, defaults: dict[str, Any]) -> Case:
    where = f"case {number}"
    if not isinstance(entry, dict):
        raise InputError(f"{where} is not a mapping with a 'text'")
    text = entry.get("text")
    if text is None and entry.get("text_file"):
        text = read_text_file(base / str(entry["text_file"]), f"{where}: text_file")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{where} has no problem text ('text' or 'text_file')")
    checked_text(text, f"{where}: the problem text")
    data = entry.get("data") or []
    data = [data] if isinstance(data, str) else list(data)
    data = [str(base / d) for d in data]
    settings = {**defaults, **(entry.get("settings") or {})}
    bad = sorted(set(settings) - {f.name for f in dataclasses.fields(Context)} | (set(settings) & LIVE_FIELDS))
    if bad:
        raise InputError(f"{where}: unknown settings {', '.join(bad)}")
    if "review_points" in settings:
        points = settings["review_points"]
        settings["review_points"] = tuple(points.split(",") if isinstance(points, str) else points)
    asked = json.dumps({"text": text, "data": data, "settings": settings}, sort_keys=True, default=str)
    case_id = str(entry.get("id") or "case-" + hashlib.sha256(asked.encode()).hexdigest()[:10])
    return Case(id=case_id, text=text, data=data, settings=settings)


def read_records(results: Path) -> list[dict[str, Any]]:
    """The records already written; a last line torn by a kill is cut off so the file stays valid JSONL."""
    if not results.exists():
        return []
    raw = results.read_bytes()
    if raw and not raw.endswith(b"\n"):
        keep = raw.rfind(b"\n") + 1
        with results.open("r+b") as handle:
            handle.truncate(keep)
        raw = raw[:keep]
    records = []
    for line in raw.decode("utf-8").splitlines():
        if line.strip():
            records.append(json.loads(line))
    return records


class RecordWriter:
    """Appends one JSON line per finished case, durably, from any worker thread."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        line = (json.dumps(redact(record), default=str) + "\n").encode("utf-8")
        with self._lock:
            os.write(self._fd, line)  # one write of the whole line: a kill leaves a record whole or torn, never interleaved
            os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)


def run_case(case: Case, context: Context, checkpointer: Any, batch: str) -> dict[str, Any]:
    """Solve one case, approving every review point (a batch has nobody to ask), and describe it as a record."""
    thread_id = f"{batch}-{case.id}-{uuid.uuid4().hex[:6]}"
    started, clock = datetime.now(UTC), time.perf_counter()
    record: dict[str, Any] = {"case": case.id, "thread_id": thread_id, "settings": _plain_settings(context)}
    try:
        record |= run_to_report(case.text, case.data, context=context, thread_id=thread_id, checkpointer=checkpointer).fields()
    except InputError as exc:
        record |= {"status": "bad_input", "error": str(exc)}
    except LLMUnavailable:
        raise  # not a finished case: a rerun tries it again
    except Exception as exc:  # one broken case must not end the batch; its record says what happened
        record |= {"status": "crashed", "error": f"{type(exc).__name__}: {exc}"}
    record |= {
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_s": round(time.perf_counter() - clock, 3),
    }
    return record


def _plain_settings(context: Context) -> dict[str, Any]:
    return {f.name: getattr(context, f.name) for f in dataclasses.fields(context) if f.name not in LIVE_FIELDS}


Engine = Literal["threads", "ray"]
Finished = tuple[Case, dict[str, Any] | LLMUnavailable]
"""A case and its record, or the reason it did not finish (its LLM endpoint was down: no record, a rerun tries again)."""


@dataclass(frozen=True)
class BatchJob:
    """What every case of a batch shares, whichever engine runs it."""

    name: str
    base_settings: dict[str, Any]
    make_context: Callable[[dict[str, Any]], Context]
    jobs: int
    llm_slots: int
    solver_slots: int
    checkpoints: Path

    def context(self, case: Case, **live: Any) -> Context:
        """The case's Context (its settings over the batch's), with the engine's live objects (gates, ...)."""
        return dataclasses.replace(self.make_context({**self.base_settings, **case.settings}), **live)


def run_batch(
    batch_file: Path,
    results: Path,
    *,
    jobs: int = 4,
    llm_slots: int = 4,
    solver_slots: int = 2,
    base_settings: dict[str, Any] | None = None,
    make_context: Callable[[dict[str, Any]], Context] | None = None,
    progress: bool = True,
    engine: Engine = "threads",
    ray_address: str | None = None,
) -> BatchOutcome:
    """Run every case of `batch_file` that `results` has no record of yet; append a record as each finishes.

    `make_context` turns a case's settings into its Context (tests inject a scripted chat model there);
    by default the settings (over `base_settings`) go straight into Context. `engine` "threads" runs the cases
    in this process; "ray" hands them to Ray tasks (lamopt.ray_engine), on a local Ray or the cluster at
    `ray_address`. Either way this process writes the records, so the resume rule is the same.
    """
    cases = load_cases(batch_file)
    done = {r["case"] for r in read_records(results)}
    todo = [c for c in cases if c.id not in done]
    job = BatchJob(
        name=batch_file.stem,
        base_settings=dict(base_settings or {}),
        make_context=make_context or _plain_context,
        jobs=max(1, jobs),
        llm_slots=max(1, llm_slots),
        solver_slots=max(1, solver_slots),
        checkpoints=results.with_name(results.stem + ".checkpoints.sqlite"),
    )
    writer = RecordWriter(results)
    unfinished: list[str] = []
    bar = tqdm(total=len(cases), initial=len(cases) - len(todo), desc="cases", unit="case", file=sys.stderr, disable=not progress)
    statuses: Counter[str] = Counter()
    try:
        if engine == "ray":
            try:
                from lamopt.ray_engine import run_cases_on_ray
            except ImportError as exc:
                raise InputError(f"--engine ray needs Ray: pip install 'lamopt[ray]' ({exc})") from exc
            finished = run_cases_on_ray(todo, job, ray_address)
        else:
            finished = _run_cases_in_threads(todo, job)
        for case, outcome in finished:
            if isinstance(outcome, LLMUnavailable):
                unfinished.append(case.id)
                statuses["llm_unavailable"] += 1
                tqdm.write(f"lamopt: case {case.id} not finished: {outcome}", file=sys.stderr)
            else:
                writer.write(outcome)
                statuses[outcome["status"]] += 1
            bar.update(1)
            bar.set_postfix(dict(statuses))
    finally:
        bar.close()
        writer.close()
    return BatchOutcome(records=read_records(results), ran=len(todo) - len(unfinished), skipped=len(done), unfinished=unfinished)


def _plain_context(settings: dict[str, Any]) -> Context:
    return Context(**settings)


def _run_cases_in_threads(todo: list[Case], job: BatchJob) -> Iterator[Finished]:
    """The default engine: `jobs` cases at once in this process's threads, the caps held by semaphores."""
    llm_gate, solver_gate = threading.BoundedSemaphore(job.llm_slots), threading.BoundedSemaphore(job.solver_slots)
    checkpointer = sqlite_saver(job.checkpoints)

    def work(case: Case) -> dict[str, Any] | LLMUnavailable:
        try:
            return run_case(case, job.context(case, llm_gate=llm_gate, solver_gate=solver_gate), checkpointer, job.name)
        except LLMUnavailable as exc:
            return exc

    with ThreadPoolExecutor(max_workers=job.jobs, thread_name_prefix="lamopt-case") as pool:
        futures = {pool.submit(work, case): case for case in todo}
        for future in as_completed(futures):
            yield futures[future], future.result()


def summary_table(records: Iterable[dict[str, Any]]) -> str:
    """One line per case, then counts by status, total wall time and tokens."""
    rows = list(records)
    header = f"{'case':24s} {'status':12s} {'objective':>12s} {'iter':>5s} {'wall_s':>8s} {'tokens':>7s}"
    lines = [header, "-" * len(header)]
    for r in rows:
        objective = f"{r['objective']:.6g}" if isinstance(r.get("objective"), (int, float)) else "-"
        lines.append(
            f"{r['case'][:24]:24s} {r['status'][:12]:12s} {objective:>12s} {r.get('iterations', '-')!s:>5s} "
            f"{r.get('wall_s', 0):8.2f} {r.get('tokens', 0)!s:>7s}"
        )
    counts = Counter(r["status"] for r in rows)
    lines.append("-" * len(header))
    lines.append(
        f"{len(rows)} cases: "
        + ", ".join(f"{n} {s}" for s, n in counts.most_common())
        + f"; wall {sum(r.get('wall_s', 0) for r in rows):.1f} s"
        f" (summed over cases); tokens {sum(r.get('tokens', 0) for r in rows)}"
    )
    return "\n".join(lines)
