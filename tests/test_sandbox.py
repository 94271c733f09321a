"""Generated code runs only in the sandbox: hostile snippets are refused or contained, and the host stays untouched."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.solvers.sandbox import run_generated_model
from tools.solvers.sandbox.policy import policy_problems
from tools.solvers.sandbox.runner import network_namespace_available

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
    assert result.isolated_network == network_namespace_available()


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
