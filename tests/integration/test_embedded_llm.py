"""Real parts: the embedded model in llama.cpp's OpenAI-compatible server, reached through the backbone factory."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from agents.backbone import EmbeddedServer, LlamaCppChat, chat_model, structured_call
from agents.context import Context
from knowledge_base.templates.leo_microservice_placement import TEMPLATE
from tests.conftest import EXAMPLE, ROOT, leo_binding
from tests.test_leo_template import brute_force
from tools.textdata import parse_text

pytestmark = pytest.mark.integration

CONSTELLATION_SCHEMA = {
    "title": "constellation",
    "type": "object",
    "properties": {
        "orbital_planes": {"type": "integer", "description": "number of orbital planes"},
        "satellites_per_plane": {"type": "integer", "description": "satellites in each plane"},
        "altitude_km": {"type": "number"},
    },
    "required": ["orbital_planes", "satellites_per_plane", "altitude_km"],
}
TEXT = "The operator flies a Walker-Delta constellation of 6 orbital planes with 8 satellites in each plane at 550 km altitude."
SYSTEM = "Extract the numbers the text states into JSON. Copy numbers exactly; never compute."


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    started = EmbeddedServer.shared()
    yield started


def test_structured_extraction_round_trip_through_the_factory(server: EmbeddedServer) -> None:
    model = chat_model(Context(llm_backend="embedded", llm_url=""))
    assert isinstance(model, LlamaCppChat)
    answer, tokens = structured_call(model, CONSTELLATION_SCHEMA, SYSTEM, TEXT, attempts=3)
    assert answer == {"orbital_planes": 6, "satellites_per_plane": 8, "altitude_km": 550}
    assert answer["orbital_planes"] * answer["satellites_per_plane"] == 48  # derived in code, as the design says
    assert tokens > 0


def test_plain_openai_compatible_http_server(server: EmbeddedServer) -> None:
    """The generic OpenAI backend against llama.cpp's HTTP server: json_schema is refused there, so the backbone
    falls back to a forced tool call and still returns schema-valid JSON."""
    model = chat_model(Context(llm_backend="openai", llm_url=server.url))
    assert not isinstance(model, LlamaCppChat)
    answer, _ = structured_call(model, CONSTELLATION_SCHEMA, SYSTEM, TEXT, attempts=3, endpoint=server.url)
    assert answer["orbital_planes"] == 6 and answer["satellites_per_plane"] == 8


def _chat(server: EmbeddedServer, system: str, user: str) -> str:
    body = {"messages": [{"role": "system", "content": system}, {"role": "user", "content": user}], "max_tokens": 8,
            "temperature": 0}  # fmt: skip
    request = urllib.request.Request(
        f"{server.url}/chat/completions", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        return str(json.load(response)["choices"][0]["message"]["content"])


def _resident_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def test_the_server_resumes_a_prompt_from_its_saved_state_within_bounded_memory(server: EmbeddedServer) -> None:
    """Requests of two kinds alternate, as a run's do: a request of the first kind after one of the second resumes
    from the saved state of the first kind's instructions instead of reading them anew, and saving states does not
    grow the server by a copy of its logits buffer each time (the stock cache: +311 MB a request for the 1.5B)."""
    instructions = [" ".join(f"Rule {i}: copy the {kind} numbers of the text exactly." for i in range(40)) for kind in
                    ("first", "second")]  # fmt: skip
    _chat(server, instructions[0], "Text: 3 apples.")
    before = server.log_path.read_text(errors="replace").count("cache hit")
    resident = _resident_mb(server.process.pid)
    for n in range(6):
        _chat(server, instructions[1], f"Text: {n} pears.")
        _chat(server, instructions[0], f"Text: {n} plums.")
    log = server.log_path.read_text(errors="replace")
    assert log.count("cache hit") - before >= 6
    assert _resident_mb(server.process.pid) - resident < 600  # 12 saved states of ~400 tokens, not 12 × 311 MB


def test_a_request_whose_client_went_away_stops_generating(server: EmbeddedServer) -> None:
    """tools/llama_server.StopWhenGone: a client that closes its connection mid-answer (a request cut at the end of a
    run's budget) ends the generation there, instead of the server writing its 400 tokens for nobody while the next
    request waits; the server answers the next request as before."""
    cut = re.compile(r"request cut, its client went away after (\d+) sampled tokens")
    before = len(cut.findall(server.log_path.read_text(errors="replace")))
    body = json.dumps({"messages": [{"role": "user", "content": "Write the numbers from 1 to 400, one per line."}],
                       "max_tokens": 400, "temperature": 0}).encode()  # fmt: skip
    head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    with socket.create_connection(("127.0.0.1", server.port)) as connection:
        connection.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
        time.sleep(4)  # into the answer's first tokens, far from its 400
    deadline = time.monotonic() + 120
    while len(found := cut.findall(server.log_path.read_text(errors="replace"))) == before:
        assert time.monotonic() < deadline, "the server never noticed that its client had gone"
        time.sleep(0.5)
    assert int(found[-1]) < 400
    assert _chat(server, "Answer with one word.", "Say yes.")


def test_demo_command_with_the_embedded_model_matches_brute_force(
    server: EmbeddedServer, leo_text: str, tmp_path: Path, kb_dir: Path
) -> None:
    """What `make demo` runs, with --json: the objective equals the independently computed optimum."""
    environment = {
        **os.environ,
        "LAMOPT_KB_PATH": str(kb_dir),
        "LAMOPT_CHECKPOINTS": str(tmp_path / "ck.sqlite"),
        "LAMOPT_LLM_URL": server.url,
    }
    out = subprocess.run(
        [sys.executable, "-m", "lamopt.cli", "solve", f"@{EXAMPLE}", "--yes", "--json", "--out", str(tmp_path / "r.md")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout)
    params, _ = TEMPLATE.assemble(leo_binding(), parse_text(leo_text))
    assert record["status"] == "optimal"
    assert record["objective"] == pytest.approx(brute_force(params), abs=1e-6)
    assert record["path"] == ["retriever", "modeler", "verifier", "optimizer", "invoker", "verifier", "optimizer", "report"]
    assert "[modeler] formulation r1" in out.stderr  # each step was streamed as it happened


def test_a_killed_lamopt_process_takes_its_model_server_with_it() -> None:
    starter = (
        "from agents.backbone import EmbeddedServer; import time; "
        "print(EmbeddedServer.shared().process.pid, flush=True); time.sleep(300)"
    )
    parent = subprocess.Popen([sys.executable, "-c", starter], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    server = Path(f"/proc/{int(parent.stdout.readline())}/status")
    assert _alive(server)
    parent.kill()  # SIGKILL: no atexit handler runs in the parent
    parent.wait()
    deadline = time.monotonic() + 15
    while _alive(server) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(server), "the model server outlived the killed lamopt process"


def _alive(status: Path) -> bool:
    """Running and not a zombie waiting to be reaped."""
    try:
        return "State:\tZ" not in status.read_text()
    except FileNotFoundError:
        return False
