"""A process lamopt starts (the embedded model's server) dies with lamopt however lamopt dies, from any thread,
and stops within seconds when asked, even when it ignores SIGTERM as a server does mid-request."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT
from tools.embedded_model import start_tethered

STARTER = """
import sys, threading, time
from tools.embedded_model import start_tethered
def start():
    start_tethered("tests.drivers.stubborn", [sys.argv[1]], None)
worker = threading.Thread(target=start)  # started from a worker thread that then ends: no parent-death signal helps
worker.start()
worker.join()
print("started", flush=True)
time.sleep(300)
"""


def _alive(pid: int) -> bool:
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not _alive(pid)


def _pid_from(path: Path, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.1)
    raise AssertionError("the tethered process never started")


def test_a_sigkilled_starter_takes_its_tethered_child_with_it_even_from_a_worker_thread(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    starter = subprocess.Popen([sys.executable, "-c", STARTER, str(pid_file)], cwd=ROOT, env=env, stdout=subprocess.PIPE)
    try:
        assert starter.stdout is not None and starter.stdout.readline().strip() == b"started"
        child = _pid_from(pid_file)
        assert _alive(child)
        starter.send_signal(signal.SIGKILL)  # no atexit, no finally: only the kernel closing the pipe is left
        starter.wait()
        assert _wait_gone(child, 10), "the tethered process outlived its SIGKILLed starter"
    finally:
        starter.kill()
        starter.wait()


def test_closing_the_lifeline_stops_a_child_that_ignores_sigterm(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    process, lifeline = start_tethered("tests.drivers.stubborn", [str(pid_file)], None)
    try:
        child = _pid_from(pid_file)
        assert child == process.pid
        process.terminate()
        time.sleep(0.5)
        assert process.poll() is None  # SIGTERM alone does not stop it
        started = time.monotonic()
        os.close(lifeline)
        process.wait(timeout=10)
        assert time.monotonic() - started < 5
    finally:
        process.kill()
        process.wait()
