"""Parent side of the sandbox: check the code, start an isolated child process, read back its result as hostile data.

The wall is the operating system (isolation.py): bubblewrap namespaces, a seccomp filter, rlimits. The AST
policy before it and the audit hook inside it only give the LLM an early, readable refusal. Limits: a
wall-clock timeout (bubblewrap is killed and `--die-with-parent` takes the child's whole pid namespace
down), RLIMIT_AS for memory, RLIMIT_CPU, RLIMIT_FSIZE for any file it writes (its stdout and stderr go to
unnamed capped files the child cannot reach by name), RLIMIT_NOFILE and no core dumps.

The child's result.json is written by a process that ran hostile code, so it is read as hostile data: a
regular file only (never a FIFO, a link or a directory), opened non-blocking, at most RESULT_LIMIT_BYTES,
nested at most a few levels, and checked field by field; any failure is "the generated model's output was
invalid", never an exception or a hang. Its numbers may still be forged (the child solved and re-checked
its own model): reports say that a generated model's solution comes from the sandbox.
"""

from __future__ import annotations

import json
import math
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any

from tools.solvers.sandbox import isolation
from tools.solvers.sandbox.policy import policy_problems
from tools.solvers.status import Status
from tools.untrusted import UntrustedDataError, loads_json, read_capped

_ROOT = Path(__file__).resolve().parents[3]
OUTPUT_LIMIT_BYTES = 1 << 20
RESULT_LIMIT_BYTES = 4 << 20
INVALID_OUTPUT = "the generated model's output was invalid"


@dataclass
class SandboxResult:
    ok: bool
    error: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    status: str | None = None
    objective: float | None = None
    solution: dict[str, float] = field(default_factory=dict)
    solver: str = ""
    problem_class: str = ""
    violations: list[str] = field(default_factory=list)
    """Constraints, bounds or integrality the solver's values break, re-evaluated in the child after solving."""
    recomputed_objective: float | None = None
    conflicts: list[str] = field(default_factory=list)
    """For an infeasible model: the constraints an elastic relaxation has to violate, in words."""
    isolated_network: bool = False
    """True when the child ran in a network namespace of its own (besides the audit hook)."""
    isolated: bool = False
    """True when the child ran under OS isolation (bubblewrap namespaces and seccomp), not only Python checks."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_generated_model(
    code: str, data: dict[str, Any], *, solve: bool = True, time_limit_s: float = 30.0, memory_mb: int = 1024
) -> SandboxResult:
    """Build (and optionally solve) the model that `code`'s build_model(data) makes, in the sandbox."""
    problems = policy_problems(code)
    if problems:
        return SandboxResult(ok=False, error="refused before running: " + "; ".join(problems))
    sealed, why = isolation.isolation_status()
    if not sealed and not isolation.unisolated_allowed():
        return SandboxResult(
            ok=False,
            error=f"generated code was not run: the sandbox cannot isolate it on this machine ({why}); "
            f"set {isolation.OVERRIDE_ENV}=1 to run it with Python-level checks only (see README)",
        )
    scratch = Path(tempfile.mkdtemp(prefix="lamopt-sandbox-"))
    seccomp_fd = info_read = info_write = -1
    try:
        request = {"code": code, "data": data, "solve": solve, "time_limit_s": time_limit_s}
        (scratch / "request.json").write_text(json.dumps(request))
        if sealed:
            bootstrap = (
                f"import sys; sys.path.insert(0, {isolation.LIB!r}); "
                "from tools.solvers.sandbox.child import main; main(sealed=True)"
            )
            seccomp_fd = isolation.seccomp_pipe()
            info_read, info_write = os.pipe()
            command = isolation.bwrap_command(
                isolation.bwrap_path() or "bwrap",
                scratch,
                seccomp_fd,
                [sys.executable, "-I", "-B", "-c", bootstrap, str(scratch)],
                info_fd=info_write,
            )
            cwd, env, isolated_network = "/", {}, True
        else:
            bootstrap = f"import sys; sys.path.insert(0, {str(_ROOT)!r}); from tools.solvers.sandbox.child import main; main()"
            command = [sys.executable, "-I", "-c", bootstrap, str(scratch)]
            isolated_network = network_namespace_available()
            if isolated_network:
                command = ["unshare", "-n", *command]
            cwd = str(scratch)
            env = {"PATH": "/usr/bin:/bin", "TMPDIR": str(scratch), "HOME": str(scratch), "OMP_NUM_THREADS": "1",
                   "LANG": "C.UTF-8"}  # fmt: skip
        wall = time_limit_s * 2 + 30  # imports and the solver's own time limit fit inside
        # The CPU-time limit lies above the wall clock, so code busy on one core is always stopped by the wall clock (a clear
        # message) and only code busy on several cores at once (native threads) meets the CPU limit first.
        # Unnamed files: the child writes to them through its stdout/stderr but cannot swap them for a FIFO.
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            process = subprocess.Popen(
                command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True,
                preexec_fn=_limits(memory_mb, int(wall) + 10), pass_fds=tuple(fd for fd in (seccomp_fd, info_write) if fd >= 0),
            )  # fmt: skip
            for fd in (seccomp_fd, info_write):
                if fd >= 0:
                    os.close(fd)
            seccomp_fd = info_write = -1
            namespace = _sandbox_init(info_read, wall) if info_read >= 0 else None
            try:
                process.wait(timeout=wall)
            except subprocess.TimeoutExpired:
                return SandboxResult(
                    ok=False,
                    error=f"stopped: the code ran longer than {wall:g} s",
                    isolated_network=isolated_network,
                    isolated=sealed,
                )
            finally:
                _kill(process, namespace)  # nothing of the sandbox outlives this call
            back = read_result(scratch / "result.json")
            if back is None:
                why = _last_line(err) or f"exit code {process.returncode}"
                if process.returncode in (-signal.SIGKILL, -signal.SIGXCPU) or "MemoryError" in why:
                    why = f"killed at a resource limit ({why})"
                return SandboxResult(
                    ok=False, error=f"the sandboxed process died: {why}", isolated_network=isolated_network, isolated=sealed
                )
        if isinstance(back, str):
            return SandboxResult(ok=False, error=f"{INVALID_OUTPUT} ({back})", isolated_network=isolated_network, isolated=sealed)
        return SandboxResult(**back, isolated_network=isolated_network, isolated=sealed)
    finally:
        for fd in (seccomp_fd, info_read, info_write):
            if fd >= 0:
                os.close(fd)
        shutil.rmtree(scratch, ignore_errors=True)


def _sandbox_init(info: int, timeout_s: float) -> int | None:
    """A pidfd of the sandbox's init (pid 1 of its pid namespace), from bubblewrap's info JSON; None if none came."""
    raw = b""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and len(raw) < 4096:
        ready, _, _ = select.select([info], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(info, 4096) if ready else b""
        if not chunk:
            break
        raw += chunk
    try:
        pid = json.loads(raw)["child-pid"]
        return os.pidfd_open(pid) if type(pid) is int and pid > 1 else None
    except (ValueError, KeyError, TypeError, OSError):
        return None


def _kill(process: subprocess.Popen[bytes], namespace: int | None = None) -> None:
    """SIGKILL the sandbox's init (the kernel then kills every process of its pid namespace before init is gone),
    then bubblewrap's process group, and reap it."""
    if namespace is not None:
        try:
            signal.pidfd_send_signal(namespace, signal.SIGKILL)
            select.select([namespace], [], [], 10)  # readable once init has exited, after its namespace is empty
        except ProcessLookupError:
            pass
        finally:
            os.close(namespace)
    if process.returncode is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    process.wait()


def _last_line(err: IO[bytes]) -> str:
    err.seek(0, os.SEEK_END)
    err.seek(max(0, err.tell() - 600))
    tail = err.read().decode(errors="replace").strip().splitlines()
    return tail[-1][:300] if tail else ""


_STRINGS = {"error": 4000, "solver": 100, "problem_class": 20}
_SUMMARY_INTS = ("variables", "integer_variables", "constraints")
_STATUSES = frozenset(str(s) for s in Status)


def read_result(path: Path) -> dict[str, Any] | str | None:
    """The child's result as SandboxResult fields; a string saying what is wrong with it; None if there is none."""
    if not os.path.lexists(path):
        return None
    try:
        raw = read_capped(path, RESULT_LIMIT_BYTES, "result file", follow_symlinks=False)
        value = loads_json(raw.decode("utf-8"), "the result", max_depth=4)
        return _validated(value)
    except (UntrustedDataError, UnicodeDecodeError, ValueError, TypeError) as exc:
        return str(exc)[:300]


def _validated(value: Any) -> dict[str, Any]:
    """Check every field's type and bounds; return only the known fields."""
    if not isinstance(value, dict) or not isinstance(value.get("ok"), bool):
        raise ValueError("it is not a mapping with a boolean 'ok'")
    unknown = set(value) - {"ok", "summary", "status", "objective", "solution", "violations", "recomputed_objective",
                            "conflicts", *_STRINGS}  # fmt: skip
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)[:5]}")
    out: dict[str, Any] = {"ok": value["ok"]}
    for name, limit in _STRINGS.items():
        if name in value:
            if not isinstance(value[name], str) or len(value[name]) > limit:
                raise ValueError(f"{name} is not a string of at most {limit} characters")
            out[name] = value[name]
    summary = value.get("summary", {})
    if not isinstance(summary, dict) or set(summary) - {*_SUMMARY_INTS, "nonlinear", "sense"}:
        raise ValueError("summary has unknown fields")
    for name in _SUMMARY_INTS:
        if name in summary and not (type(summary[name]) is int and summary[name] >= 0):
            raise ValueError(f"summary.{name} is not a count")
    if "nonlinear" in summary and not isinstance(summary["nonlinear"], bool):
        raise ValueError("summary.nonlinear is not a boolean")
    if summary.get("sense", "min") not in ("min", "max"):
        raise ValueError("summary.sense is neither min nor max")
    out["summary"] = summary
    status = value.get("status")
    if status is not None and status not in _STATUSES:
        raise ValueError(f"status {str(status)[:40]!r} is not a solver status")
    out["status"] = status
    for name in ("objective", "recomputed_objective"):
        number = value.get(name)
        if number is not None and not _finite(number):
            raise ValueError(f"{name} is not a finite number")
        out[name] = None if number is None else float(number)
    solution = value.get("solution", {})
    if not isinstance(solution, dict) or not all(
        isinstance(k, str) and len(k) <= 500 and _finite(v) for k, v in solution.items()
    ):
        raise ValueError("solution is not a mapping of variable names to finite numbers")
    out["solution"] = {k: float(v) for k, v in solution.items()}
    for name in ("violations", "conflicts"):
        items = value.get(name, [])
        if not isinstance(items, list) or len(items) > 200 or not all(isinstance(s, str) and len(s) <= 1000 for s in items):
            raise ValueError(f"{name} is not a short list of sentences")
        out[name] = items
    return out


def _finite(number: Any) -> bool:
    return type(number) in (int, float) and math.isfinite(number)


def _limits(memory_mb: int, cpu_s: int) -> Any:
    def apply() -> None:  # runs in the child between fork and exec: our code, not the generated code
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 5))
        resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT_BYTES * 8, OUTPUT_LIMIT_BYTES * 8))
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


@cache
def network_namespace_available() -> bool:
    """Can this process start children in a network namespace of their own?"""
    if shutil.which("unshare") is None:
        return False
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False
