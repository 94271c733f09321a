"""Parent side of the sandbox: check the code, start a limited child process, read back its JSON result.

Limits: wall-clock timeout (the whole process group is killed), RLIMIT_AS for memory, RLIMIT_CPU, RLIMIT_FSIZE
for any file it writes (its stdout and stderr go to capped files, never into our memory), RLIMIT_NOFILE; a
fresh interpreter in `-I` isolated mode with a minimal environment (none of our secrets), cwd and TMPDIR in a
scratch directory; no network: a network namespace of its own (`unshare -n`) where the kernel allows, and
in any case an audit hook in the child that refuses sockets, subprocesses, forks and writes outside scratch.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from tools.solvers.sandbox.policy import policy_problems

_ROOT = Path(__file__).resolve().parents[3]
OUTPUT_LIMIT_BYTES = 1 << 20


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_generated_model(
    code: str, data: dict[str, Any], *, solve: bool = True, time_limit_s: float = 30.0, memory_mb: int = 1024
) -> SandboxResult:
    """Build (and optionally solve) the model that `code`'s build_model(data) makes, in the sandbox."""
    problems = policy_problems(code)
    if problems:
        return SandboxResult(ok=False, error="refused before running: " + "; ".join(problems))
    scratch = Path(tempfile.mkdtemp(prefix="lamopt-sandbox-"))
    try:
        (scratch / "request.json").write_text(
            json.dumps({"code": code, "data": data, "solve": solve, "time_limit_s": time_limit_s})
        )
        bootstrap = f"import sys; sys.path.insert(0, {str(_ROOT)!r}); from tools.solvers.sandbox.child import main; main()"
        command = [sys.executable, "-I", "-c", bootstrap]
        isolated = network_namespace_available()
        if isolated:
            command = ["unshare", "-n", *command]
        env = {"PATH": "/usr/bin:/bin", "TMPDIR": str(scratch), "HOME": str(scratch), "OMP_NUM_THREADS": "1",
               "LANG": "C.UTF-8"}  # fmt: skip
        wall = time_limit_s * 2 + 30  # imports and the solver's own time limit fit inside
        with (scratch / "stdout.txt").open("wb") as out, (scratch / "stderr.txt").open("wb") as err:
            process = subprocess.Popen(
                command, cwd=scratch, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                start_new_session=True, preexec_fn=_limits(memory_mb, int(wall)),
            )  # fmt: skip
            try:
                process.wait(timeout=wall)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                return SandboxResult(ok=False, error=f"stopped: the code ran longer than {wall:g} s", isolated_network=isolated)
        result_file = scratch / "result.json"
        if not result_file.exists():
            tail = (scratch / "stderr.txt").read_bytes()[-600:].decode(errors="replace").strip().splitlines()
            why = tail[-1] if tail else f"exit code {process.returncode}"
            if process.returncode in (-signal.SIGKILL, -signal.SIGXCPU) or "MemoryError" in why:
                why = f"killed at a resource limit ({why})"
            return SandboxResult(ok=False, error=f"the sandboxed process died: {why}", isolated_network=isolated)
        data_back = json.loads(result_file.read_text())
        return SandboxResult(
            ok=bool(data_back.get("ok")), error=str(data_back.get("error", "")), summary=data_back.get("summary", {}),
            status=data_back.get("status"), objective=data_back.get("objective"),
            solution=data_back.get("solution", {}), solver=str(data_back.get("solver", "")),
            problem_class=str(data_back.get("problem_class", "")), violations=list(data_back.get("violations", [])),
            recomputed_objective=data_back.get("recomputed_objective"), conflicts=list(data_back.get("conflicts", [])),
            isolated_network=isolated,
        )  # fmt: skip
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


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
