"""`lamopt run --engine ray`: a batch's cases as Ray tasks, on a local Ray that lamopt starts or on a cluster.

The driver (this process) keeps everything the threaded engine keeps: it reads the record file, submits only the
cases without a record, writes each record (fsync'ed) as its task finishes, and draws the progress bar, so a killed
and restarted batch still ends with one record per case. A task runs `lamopt.runs.run_case`, the same function the
threads run. The LLM and solver caps are one actor's semaphores (`_Gates`): every worker of the cluster asks it
before an LLM request or a solver run, so `--llm-concurrency 16` means 16 requests at the vLLM server, not 16 per node.

A case's checkpoints live in its worker's memory: a batch approves every review point itself and a rerun starts a
case afresh, and a cluster's nodes share no checkpoint file. Workers build the knowledge base where their settings
say (a file lock keeps two workers of a node from building it at once).

A local Ray is started small (one worker per core, no dashboard, logs in a temp folder) and shut down at the end. A
reaper process takes its daemons down if this process is killed (Ray's own agents otherwise linger for a minute
or more). On a cluster (`ray_address`), lamopt must be installed on every node, and the LLM must be an endpoint
every node reaches (vLLM: --llm-backend vllm --llm-url ...); the embedded model serves only a local Ray.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ray
from langgraph.checkpoint.memory import InMemorySaver

from agents.backbone import EmbeddedServer, LLMUnavailable
from lamopt.problem_input import InputError
from lamopt.runs import BatchJob, Case, Finished, run_case

OBJECT_STORE_BYTES = 128 * 1024**2
"""A case's task sends a few kilobytes each way; the default object store would reserve 30% of the RAM."""
PASSED_ENVIRONMENT = ("HF_HUB_OFFLINE", "ORT_DISABLE_TELEMETRY", "TRANSFORMERS_VERBOSITY", "HF_HUB_DISABLE_TELEMETRY")


def run_cases_on_ray(todo: list[Case], job: BatchJob, address: str | None = None) -> Iterator[Finished]:
    """Run `todo` as Ray tasks, at most `job.jobs` submitted at once; yield each case and its record as it finishes."""
    if not todo:
        return
    llm_url = _llm_url_for_workers(todo, job, on_cluster=address is not None)
    started_here = not ray.is_initialized()
    local: _LocalRay | None = None
    if started_here:
        local = _LocalRay.start() if address is None else None
        if address is not None:
            ray.init(address=address, runtime_env=_runtime_env(), logging_level=logging.WARNING)
    try:
        gates = _Gates.remote(job.llm_slots, job.solver_slots)
        queue = list(todo)
        running: dict[Any, Case] = {}
        while queue or running:
            while queue and len(running) < job.jobs:
                case = queue.pop(0)
                running[_case_task.remote(case, job, gates, llm_url)] = case
            ready, _ = ray.wait(list(running), num_returns=1)
            for ref in ready:
                case = running.pop(ref)
                outcome: dict[str, Any] = ray.get(ref)
                unfinished = outcome.get("llm_unavailable")
                yield case, (LLMUnavailable(unfinished) if unfinished is not None else outcome)
    finally:
        if started_here:
            ray.shutdown()
        if local is not None:
            local.stop()


@ray.remote
def _case_task(case: Case, job: BatchJob, gates: Any, llm_url: str) -> dict[str, Any]:
    """One case on a worker: the threaded engine's run_case, with the cluster-wide gates."""
    live: dict[str, Any] = {"llm_gate": _Gate(gates, "llm"), "solver_gate": _Gate(gates, "solver")}
    if llm_url:
        live["llm_url"] = llm_url
    try:
        return run_case(case, job.context(case, **live), InMemorySaver(), job.name)
    except LLMUnavailable as exc:  # not a finished case: the driver writes no record, a rerun tries it again
        return {"llm_unavailable": str(exc)}


class _GateSlots:
    """The batch's LLM and solver slots, shared by every worker: an async actor holding two semaphores."""

    def __init__(self, llm_slots: int, solver_slots: int) -> None:
        self._slots = {"llm": asyncio.Semaphore(llm_slots), "solver": asyncio.Semaphore(solver_slots)}

    async def acquire(self, kind: str) -> None:
        await self._slots[kind].acquire()

    async def release(self, kind: str) -> None:
        self._slots[kind].release()


_Gates = ray.remote(num_cpus=0)(_GateSlots)


class _Gate:
    """A context manager over one of the actor's semaphores, for Context.llm_gate / solver_gate on a worker."""

    def __init__(self, gates: Any, kind: str) -> None:
        self.gates, self.kind = gates, kind

    def __enter__(self) -> None:
        ray.get(self.gates.acquire.remote(self.kind))

    def __exit__(self, *exc: object) -> None:
        ray.get(self.gates.release.remote(self.kind))


def _llm_url_for_workers(todo: list[Case], job: BatchJob, *, on_cluster: bool) -> str:
    """Workers must not start an embedded model each (2 GB and a core apiece): the driver starts one and they share it.
    Only a local Ray can reach it; a cluster needs an endpoint every node reaches."""
    embedded = [c.id for c in todo if _needs_embedded_server(job, c)]
    if not embedded:
        return ""
    if on_cluster:
        raise InputError(
            f"cases {', '.join(embedded[:3])}{' ...' if len(embedded) > 3 else ''} use the embedded model, which a Ray "
            "cluster's nodes cannot reach: give an endpoint every node reaches (--llm-backend vllm --llm-url http://...)"
        )
    context = job.context(todo[0])
    return EmbeddedServer.shared(context.llm_threads, context.embedded_model).url


def _needs_embedded_server(job: BatchJob, case: Case) -> bool:
    context = job.context(case)
    return context.chat_model is None and context.llm_backend == "embedded" and not context.llm_url


def _runtime_env() -> dict[str, Any]:
    """The driver's lamopt settings (LAMOPT_*) and offline switches, for workers that did not inherit them."""
    names = [n for n in os.environ if n.startswith("LAMOPT_") or n in PASSED_ENVIRONMENT]
    return {"env_vars": {n: os.environ[n] for n in names}}


class _LocalRay:
    """A Ray started by lamopt on this machine, and the reaper that takes it down if lamopt is killed."""

    def __init__(self, temp_dir: Path, reaper: subprocess.Popen[bytes]) -> None:
        self.temp_dir, self.reaper = temp_dir, reaper

    @classmethod
    def start(cls) -> _LocalRay:
        temp_dir = Path(tempfile.mkdtemp(prefix="lamopt-ray-"))  # short: Ray's socket paths live under it
        before = _descendants(os.getpid())
        ray.init(
            num_cpus=os.cpu_count() or 1,
            include_dashboard=False,
            object_store_memory=OBJECT_STORE_BYTES,
            _temp_dir=str(temp_dir),
            runtime_env=_runtime_env(),
            logging_level=logging.WARNING,
        )
        started = [pid for pid in _descendants(os.getpid()) if pid not in before]
        watched = [f"{pid}:{_start_time(pid)}" for pid in started]
        reaper = subprocess.Popen(
            [sys.executable, "-c", REAPER, str(temp_dir), *watched],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        return cls(temp_dir, reaper)

    def stop(self) -> None:
        """After ray.shutdown(): the reaper makes sure nothing is left and removes the logs."""
        assert self.reaper.stdin is not None
        self.reaper.stdin.close()
        self.reaper.wait(timeout=30)


REAPER = """
import os, shutil, signal, sys, time
sys.stdin.buffer.read()  # returns when lamopt closes the pipe or dies
def alive(pid, started):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[19] == started and fields[0] not in ("Z", "X")
watched = [(int(p), s) for p, s in (arg.split(":") for arg in sys.argv[2:])]
for sig in (signal.SIGTERM, signal.SIGKILL):
    for pid, started in watched:
        if alive(pid, started):
            os.kill(pid, sig)
    deadline = time.monotonic() + 5
    while any(alive(p, s) for p, s in watched) and time.monotonic() < deadline:
        time.sleep(0.1)
shutil.rmtree(sys.argv[1], ignore_errors=True)
"""
"""Runs in its own session; arguments: Ray's temp folder, then its daemons as pid:start time (a reused pid is left alone)."""


def _descendants(root: int) -> list[int]:
    """Every process below `root`, from /proc (Linux; elsewhere none are known and the reaper has nothing to do)."""
    children: dict[int, list[int]] = {}
    proc = Path("/proc")
    for entry in proc.iterdir() if proc.is_dir() else []:
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def _start_time(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "gone"
