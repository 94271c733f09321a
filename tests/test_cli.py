"""The command line as a user meets it: clear messages and exit codes for bad input and dead endpoints.

The argument and error-path checks call `lamopt.cli.main(argv)` in this process (what the console script calls),
with the session's knowledge base; one test starts `python -m lamopt.cli` as its own process, as a shell does."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lamopt.cli import main
from tests.conftest import ROOT


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


Lamopt = Callable[[list[str]], Outcome]


@pytest.fixture
def lamopt(kb_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Lamopt:
    """`lamopt ARGS` in this process: its exit code and what it printed, with settings from the environment."""
    settings = {
        "LAMOPT_KB_PATH": str(kb_dir),
        "LAMOPT_CHECKPOINTS": str(tmp_path / "ck.sqlite"),
        "LAMOPT_RUNS_DIR": str(tmp_path / "runs"),
        "LAMOPT_LLM_TIMEOUT_S": "2",
        "LAMOPT_LLM_MAX_RETRIES": "1",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)

    def run(args: list[str]) -> Outcome:
        capsys.readouterr()
        code = main(args)
        out = capsys.readouterr()
        return Outcome(code, out.out, out.err)

    return run


def test_the_command_line_runs_as_its_own_process(tmp_path: Path) -> None:
    environment = {**os.environ, "LAMOPT_CHECKPOINTS": str(tmp_path / "ck.sqlite"), "LAMOPT_RUNS_DIR": str(tmp_path / "runs")}
    out = subprocess.run(
        [sys.executable, "-m", "lamopt.cli", "solve", "   "],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=300,
    )
    assert out.returncode == 2
    assert "the problem text is empty" in out.stderr and "Traceback" not in out.stderr


def test_empty_text_is_refused(lamopt: Lamopt) -> None:
    out = lamopt(["solve", "   "])
    assert out.returncode == 2
    assert "the problem text is empty" in out.stderr and "Traceback" not in out.stderr


def test_unparseable_data_file_is_refused(lamopt: Lamopt, tmp_path: Path) -> None:
    broken = tmp_path / "data.json"
    broken.write_text('{"capacity": [1, 2')
    out = lamopt(["solve", "place microservices", "--data", str(broken)])
    assert out.returncode == 2
    assert "does not parse as JSON" in out.stderr and "Traceback" not in out.stderr


def test_text_without_an_optimization_problem_says_so(lamopt: Lamopt, tmp_path: Path) -> None:
    out = lamopt(["solve", "Tell me a joke about penguins and the weather in Paris.", "--out", str(tmp_path / "r.md")])
    assert out.returncode == 1
    assert "no formulation template fits this text" in out.stderr
    assert "Traceback" not in out.stderr
    assert "no_model" in (tmp_path / "r.md").read_text()


def test_dead_endpoint_is_named_and_the_resume_command_given(lamopt: Lamopt, leo_text: str) -> None:
    out = lamopt(["solve", leo_text, "--llm-backend", "openai", "--llm-url", "http://127.0.0.1:9/v1", "--llm-model", "m"])
    assert out.returncode == 3, out.stderr
    assert "http://127.0.0.1:9/v1 did not answer" in out.stderr
    assert "lamopt solve --resume" in out.stderr and "Traceback" not in out.stderr


@pytest.fixture
def stalled_endpoint() -> Iterator[str]:
    """A server that accepts connections and never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/v1"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_stalled_endpoint_times_out_within_bounds(lamopt: Lamopt, leo_text: str, stalled_endpoint: str) -> None:
    out = lamopt(["solve", leo_text, "--llm-backend", "openai", "--llm-url", stalled_endpoint, "--llm-model", "m"])
    assert out.returncode == 3
    assert f"{stalled_endpoint} did not answer" in out.stderr and "TimeoutError" in out.stderr


def test_doctor_lists_solvers_knowledge_base_and_gpu(lamopt: Lamopt) -> None:
    out = lamopt(["doctor"])
    assert out.returncode == 0
    assert "CPLEX Community Edition: LP/MILP up to 1000 variables" in out.stdout
    assert "templates, content hash" in out.stdout and "GPU:" in out.stdout


def test_serve_llm_without_vllm_explains_how_to_install_it(lamopt: Lamopt, tmp_path: Path) -> None:
    out = lamopt(["serve-llm", "Qwen/Qwen2.5-7B-Instruct", "--vllm", str(tmp_path / "no-vllm")])
    assert out.returncode == 3
    assert "not found" in out.stderr and "pip install vllm" in out.stderr


def test_eval_names_the_broken_line_of_a_benchmark_file(lamopt: Lamopt, tmp_path: Path) -> None:
    bench = tmp_path / "bench.jsonl"
    bench.write_text('{"id": "a", "question": "q", "answer": 1}\nnot json\n')
    out = lamopt(["eval", str(bench)])
    assert out.returncode == 2
    assert "line 2" in out.stderr and "Traceback" not in out.stderr


def test_eval_against_a_dead_endpoint_stops_and_says_how_to_go_on(lamopt: Lamopt, tmp_path: Path) -> None:
    bench = tmp_path / "bench.jsonl"
    bench.write_text('{"id": "a", "question": "Maximize 3x with x at most 4.", "answer": 12}\n')
    args = ["eval", str(bench), "--direct", "--out", str(tmp_path / "ev"), "--llm-backend", "openai"]
    out = lamopt([*args, "--llm-url", "http://127.0.0.1:9/v1", "--llm-model", "m"])
    assert out.returncode == 3, out.stderr
    assert "did not answer" in out.stderr and "run the same command again" in out.stderr


def test_run_with_a_dead_endpoint_records_nothing_and_says_to_run_again(lamopt: Lamopt, tmp_path: Path, leo_text: str) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "leo", "text": leo_text}) + "\n" + json.dumps({"id": "bad", "text": " "}) + "\n")
    out = lamopt(["run", str(batch), "--out", str(tmp_path / "r.jsonl")])
    assert out.returncode == 2 and "case 2 has no problem text" in out.stderr and "Traceback" not in out.stderr
    batch.write_text(json.dumps({"id": "leo", "text": leo_text}) + "\n")
    dead = ["--llm-backend", "openai", "--llm-url", "http://127.0.0.1:9/v1", "--llm-model", "m", "--no-progress"]
    out = lamopt(["run", str(batch), "--out", str(tmp_path / "r.jsonl"), *dead])
    assert out.returncode == 3, out.stderr
    assert "case leo not finished" in out.stderr and "run the same command again" in out.stderr
    assert (tmp_path / "r.jsonl").read_text() == ""


def test_unknown_review_points_are_refused(lamopt: Lamopt) -> None:
    for command in (["solve", "x", "--review", "after_lunch"], ["chat", "--review", "after_lunch"]):
        out = lamopt(command)
        assert out.returncode == 2 and "unknown review point(s): after_lunch" in out.stderr
