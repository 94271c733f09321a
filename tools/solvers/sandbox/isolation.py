"""Operating-system isolation for generated code: bubblewrap namespaces plus a seccomp filter.

The child sees a fresh root: /usr, the interpreter's prefix and the venv read-only, lamopt's `tools`
package read-only at /sandbox/lib, a fresh /proc of its own pid namespace (the caller is invisible), a
small /dev, a size-capped tmpfs /tmp, and the scratch folder at /scratch as its only writable place. No
/etc, no home folder, no /work: secret files do not exist in its world. New user, pid, mount, network
(loopback only), ipc, uts and cgroup namespaces; uid and gid 65534 inside with every capability dropped;
no further user namespaces; a new session (no terminal to inject into); `--die-with-parent`, so a killed
caller takes the whole namespace down. The seccomp filters are in seccomp.py.

Where bubblewrap cannot run (not installed, no user namespaces, not Linux x86_64) generated code is
refused, unless LAMOPT_SANDBOX_UNISOLATED=1 is set: then it runs with rlimits, a network namespace where
`unshare -n` works, and the audit hook only, which is not a wall against hostile code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

from tools.solvers.sandbox import seccomp

OVERRIDE_ENV = "LAMOPT_SANDBOX_UNISOLATED"
"""Set to 1 to run generated code without OS isolation where bubblewrap cannot run (documented in README)."""
SCRATCH = "/scratch"
LIB = "/sandbox/lib"
SANDBOX_UID = 65534
TMP_BYTES = 64 << 20
TOOLS_DIR = Path(__file__).resolve().parents[2]
"""lamopt's `tools` package, the only part of lamopt the child imports (the harness, solvers, checks)."""


def bwrap_path() -> str | None:
    return shutil.which("bwrap") or next((p for p in ("/usr/bin/bwrap", "/usr/local/bin/bwrap") if os.access(p, os.X_OK)), None)


def unisolated_allowed() -> bool:
    """Did the user explicitly accept running generated code without OS isolation?"""
    return os.environ.get(OVERRIDE_ENV, "").strip().lower() in ("1", "true", "yes")


def interpreter_roots() -> list[str]:
    """Folders the interpreter needs besides /usr: its real prefix (e.g. under pyenv) and the venv."""
    real_prefix = str(Path(os.path.realpath(sys.executable)).parents[1])
    roots: list[str] = []
    for folder in (sys.prefix, sys.base_prefix, real_prefix):
        real = os.path.realpath(folder)
        if real != "/usr" and not real.startswith("/usr/") and real not in roots:
            roots.append(real)
    return roots


def bwrap_command(bwrap: str, scratch: Path, seccomp_fd: int, argv: list[str], info_fd: int = -1) -> list[str]:
    """The bubblewrap command line that runs `argv` isolated, with `scratch` writable at /scratch.
    With `info_fd`, bubblewrap writes {"child-pid": N} there: the pid (in our namespace) of the sandbox's init."""
    command = [
        bwrap, "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
        "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--hostname", "sandbox", "--clearenv",
        "--ro-bind", "/usr", "/usr",
    ]  # fmt: skip
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(top):
            command += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            command += ["--ro-bind", top, top]
    command += ["--proc", "/proc", "--dev", "/dev", "--size", str(TMP_BYTES), "--tmpfs", "/tmp"]
    for root in interpreter_roots():  # after the tmpfs: a bind under /tmp would otherwise be hidden
        command += ["--ro-bind", root, root]
    command += ["--ro-bind", str(TOOLS_DIR), f"{LIB}/tools", "--bind", str(scratch), SCRATCH, "--chdir", SCRATCH]
    environment = {"PATH": "/usr/bin:/bin", "HOME": SCRATCH, "TMPDIR": "/tmp", "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1",
                   "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}  # fmt: skip
    for name, value in environment.items():
        command += ["--setenv", name, value]
    if info_fd >= 0:
        command += ["--info-fd", str(info_fd)]
    return [*command, "--seccomp", str(seccomp_fd), *argv]


def seccomp_pipe() -> int:
    """A pipe's read end that holds the base filter, for bubblewrap's --seccomp (the caller closes it)."""
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "wb") as out:
        out.write(seccomp.base_filter())  # a few hundred bytes: fits the pipe's buffer
    return read_end


PROBE = """
import os
checks = {"uid": os.getuid() == 65534, "no etc": not os.path.exists("/etc/passwd"), "pid ns": os.getppid() == 1}
checks["seccomp"] = "Seccomp:\\t2" in open("/proc/self/status").read()
try:
    os.fork()
    checks["fork refused"] = False
except PermissionError:
    checks["fork refused"] = True
print(" ".join(name for name, ok in checks.items() if not ok) or "sealed")
"""


@cache
def _probe() -> tuple[bool, str]:
    bwrap = bwrap_path()
    if bwrap is None:
        return False, "bubblewrap (bwrap) is not installed: run `make install` or `apt-get install -y bubblewrap`"
    scratch = Path(tempfile.mkdtemp(prefix="lamopt-probe-"))
    read_end = seccomp_pipe()
    try:
        command = bwrap_command(bwrap, scratch, read_end, [sys.executable, "-I", "-S", "-c", PROBE])
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, pass_fds=(read_end,), stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bubblewrap did not run: {exc}"
    finally:
        os.close(read_end)
        shutil.rmtree(scratch, ignore_errors=True)
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        return False, f"bubblewrap cannot start a sandbox here ({why}); unprivileged user namespaces may be off"
    if done.stdout.strip() != "sealed":
        return False, f"the sandbox started but is not sealed: failed checks: {done.stdout.strip()}"
    return True, ""


def isolation_status() -> tuple[bool, str]:
    """(True, "") when generated code can run under OS isolation here; else (False, why not, in words)."""
    ok, why = seccomp.supported()
    if not ok:
        return False, why
    return _probe()
