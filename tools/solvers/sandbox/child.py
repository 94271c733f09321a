"""The sandbox's child process: seal itself, install the audit hook, run the checked code, write the result as JSON.

Started by runner.py in a fresh interpreter (never a fork of the main process) inside bubblewrap
(isolation.py), in its scratch directory, under resource limits. Before the generated code runs it checks
that it really is sealed (seccomp on, an unprivileged uid, no /etc) and adds a second seccomp filter that
refuses execve, so a sealed child can neither start nor become another program. The audit hook is only a
friendly early refusal with a readable message for the LLM; the operating system is the wall. Reads the
request from request.json in the scratch directory and writes result.json there; only data crosses back.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

# Imported before the audit hook goes up: loading solver libraries reads many files and is our code, not theirs.
import pyomo.environ as pyo

from tools.solvers.diagnosis import explain_infeasibility
from tools.solvers.model_facts import model_size, objective_sense, variable_values
from tools.solvers.portfolio import ProblemClass, solve
from tools.solvers.sandbox.seccomp import install, no_exec_filter
from tools.solvers.solution_check import check_solution
from tools.solvers.status import Status

SCRATCH = Path.cwd().resolve()
_BLOCKED_EVENTS = ("socket.", "subprocess.", "os.system", "os.exec", "os.spawn", "os.fork", "os.posix_spawn", "os.kill",
                   "ctypes.", "shutil.rmtree", "os.remove", "os.rmdir", "os.rename", "os.chmod", "os.chown", "os.link",
                   "os.symlink", "os.truncate", "os.mkfifo", "os.mknod", "os.utime", "os.mkdir")  # fmt: skip
_ARMED = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _ARMED:
        return
    if event == "open":
        path, mode = args[0], args[1]
        writing = isinstance(mode, str) and any(flag in mode for flag in "wax+")
        if isinstance(args[2], int) and args[2] & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            writing = True
        if writing and isinstance(path, (str, bytes)) and not _inside_scratch(path):
            raise PermissionError(f"sandbox: writing {path!r} outside the scratch directory is not allowed")
        return
    if any(event.startswith(prefix) for prefix in _BLOCKED_EVENTS):
        raise PermissionError(f"sandbox: {event} is not allowed")


def _inside_scratch(path: str | bytes) -> bool:
    text = os.fsdecode(path)
    return Path(text).resolve().is_relative_to(SCRATCH)


def seal() -> None:
    """Refuse to go on unless bubblewrap's seal is in place, then forbid executing programs from here on."""
    status = Path("/proc/self/status").read_text()
    missing = [what for what, ok in (("seccomp", "Seccomp:\t2" in status), ("no_new_privs", "NoNewPrivs:\t1" in status),
                                     ("unprivileged uid", os.getuid() != 0), ("no /etc", not os.path.exists("/etc")))
               if not ok]  # fmt: skip
    if missing:
        raise SystemExit(f"sandbox: not sealed ({', '.join(missing)}); generated code not run")
    install(no_exec_filter())


def main(sealed: bool = False) -> None:
    global _ARMED
    # A write past RLIMIT_FSIZE must fail as an error in the code, not kill us before the result is written.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    request = json.loads((SCRATCH / "request.json").read_text())
    result: dict[str, Any]
    namespace: dict[str, Any] = {"__name__": "generated"}
    if sealed:
        seal()
    sys.addaudithook(_audit)
    _ARMED = True
    try:
        # Checked by the policy before this process started; here, in the sandbox, is the only place it runs.
        exec(compile(request["code"], "<generated>", "exec"), namespace)
        model = namespace["build_model"](request["data"])
        if not isinstance(model, pyo.ConcreteModel):
            raise TypeError(f"build_model returned {type(model).__name__}, not a Pyomo ConcreteModel")
        size = model_size(model)
        summary = {"variables": size.variables, "integer_variables": size.integer_variables,
                   "constraints": size.constraints, "nonlinear": size.nonlinear, "sense": objective_sense(model)}  # fmt: skip
        result = {"ok": True, "summary": summary, "status": None, "objective": None, "solution": {}}
        if request["solve"]:
            problem_class: ProblemClass = (
                ("MINLP" if size.integer_variables else "NLP") if size.nonlinear else ("MILP" if size.integer_variables else "LP")
            )
            _ARMED = False  # the solver is our code; the generated code has finished running
            outcome = solve(model, problem_class, time_limit_s=request["time_limit_s"])
            values = variable_values(model) if outcome.solution else {}
            result |= {"status": str(outcome.status), "objective": outcome.objective, "solution": values,
                       "solver": outcome.solver, "problem_class": problem_class}  # fmt: skip
            if values:  # re-evaluate every constraint at the solver's values, as the Verifier does for templates
                check = check_solution(model, values)
                result["violations"] = check.missing[:5] + check.violations
                result["recomputed_objective"] = check.objective
            if outcome.status is Status.INFEASIBLE:  # which constraints conflict, in words, for the repair loop
                found = explain_infeasibility(model, request["time_limit_s"])
                result["conflicts"] = [c.sentence() for c in found]
    except BaseException as exc:  # everything the code does wrong is reported, including SystemExit
        _ARMED = False
        result = {"ok": False, "error": _describe(exc, request["code"])}
    _ARMED = False
    (SCRATCH / "result.json").write_text(json.dumps(result))


def _describe(exc: BaseException, code: str) -> str:
    """One short, LLM-readable line: where in the generated code, what exception, and the source line."""
    line_no = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<generated>":
            line_no = frame.lineno
    message = f"{type(exc).__name__}: {exc}"[:1500]  # the parent refuses a longer error as invalid output
    if line_no is None:
        return message
    source = code.splitlines()[line_no - 1].strip() if 0 < line_no <= len(code.splitlines()) else ""
    return f"line {line_no}: {message} (in: {source})"


if __name__ == "__main__":
    main()
