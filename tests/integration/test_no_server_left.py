"""A SIGKILLed `lamopt solve` or `lamopt run`, killed while its embedded llama.cpp server is answering a
request, leaves no server behind: the server is gone within 10 s. Real parts: the CLI, the embedded model."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLE, ROOT

pytestmark = pytest.mark.integration
TICKS = os.sysconf("SC_CLK_TCK")


def _alive(pid: int) -> bool:
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


def _server_of(parent: int) -> int | None:
    """The llama.cpp server the process `parent` started, if any."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            status = (entry / "status").read_text()
        except OSError:
            continue
        if b"tools.llama_server" in cmdline and f"\nPPid:\t{parent}\n" in status:
            return int(entry.name)
    return None


def _answers(server: int) -> bool:
    arguments = Path(f"/proc/{server}/cmdline").read_bytes().split(b"\0")
    port = int(arguments[arguments.index(b"--port") + 1])
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2):
            return True
    except OSError:
        return False


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _wait_for(condition: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def started() -> Iterator[list[int]]:
    """Pids of servers a test saw; any still alive at the end is killed, so a failing test leaves none either."""
    servers: list[int] = []
    yield servers
    for pid in servers:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def kill_mid_request(command: list[str], cwd: Path, servers: list[int]) -> None:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "LAMOPT_CHECKPOINTS": str(cwd / "ck.sqlite")}
    lamopt = subprocess.Popen(
        command, cwd=cwd, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
    )
    try:
        found: list[int] = []
        _wait_for(lambda: bool(found.append(_server_of(lamopt.pid) or 0) or found[-1]), 300, "the server to start")
        server = found[-1]
        servers.append(server)
        _wait_for(lambda: _answers(server), 120, "the server to answer")
        idle = _cpu_s(server)
        # Generation keeps a core busy: two seconds of CPU beyond the ready server's means a request is in flight.
        _wait_for(lambda: not _alive(server) or _cpu_s(server) > idle + 2, 300, "the server to work on a request")
        assert lamopt.poll() is None, "lamopt ended before it could be killed mid-request"
        lamopt.send_signal(signal.SIGKILL)
        lamopt.wait()
        deadline = time.monotonic() + 10
        while _alive(server) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(server), "the llama.cpp server outlived the SIGKILLed lamopt process"
    finally:
        lamopt.kill()
        lamopt.wait()


def test_a_sigkilled_solve_leaves_no_server(tmp_path: Path, started: list[int]) -> None:
    command = [sys.executable, "-m", "lamopt.cli", "solve", f"@{EXAMPLE}", "--yes", "--llm-backend", "embedded"]
    kill_mid_request(command, tmp_path, started)


def test_a_sigkilled_batch_run_leaves_no_server_it_started_from_a_worker_thread(tmp_path: Path, started: list[int]) -> None:
    batch = tmp_path / "batch.yaml"
    batch.write_text(yaml.safe_dump({"cases": [{"id": "leo", "text": EXAMPLE.read_text()}]}))
    command = [sys.executable, "-m", "lamopt.cli", "run", str(batch), "--no-progress", "--jobs", "1", "--llm-backend", "embedded"]
    kill_mid_request(command, tmp_path, started)
