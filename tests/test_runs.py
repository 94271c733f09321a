"""Batch runs: case files, one durable record per case, resume after a kill, separate caps on LLM and solver calls."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import yaml

from agents.context import Context
from lamopt.problem_input import InputError
from lamopt.runs import load_cases, read_records, run_batch, summary_table
from tests.conftest import EXAMPLE, ROOT, leo_binding
from tests.fakes import ScriptedChatModel


def _write_batch(tmp_path: Path, cases: list[dict[str, Any]], settings: dict[str, Any] | None = None) -> Path:
    batch = tmp_path / "batch.yaml"
    batch.write_text(yaml.safe_dump({"settings": settings or {}, "cases": cases}))
    return batch


def test_cases_load_from_yaml_and_jsonl_with_stable_ids(tmp_path: Path) -> None:
    (tmp_path / "leo.txt").write_text(EXAMPLE.read_text())
    batch = _write_batch(
        tmp_path,
        [{"id": "leo", "text_file": "leo.txt", "data": "caps.csv", "settings": {"solver": "highs"}}, {"text": "problem two"}],
        settings={"max_iterations": 2, "review_points": "after_modeling"},
    )
    first, second = load_cases(batch)
    assert first.id == "leo" and first.text.startswith("A LEO operator")
    assert first.data == [str(tmp_path / "caps.csv")]
    assert first.settings == {"max_iterations": 2, "review_points": ("after_modeling",), "solver": "highs"}
    assert second.id.startswith("case-") and second.id == load_cases(batch)[1].id
    jsonl = tmp_path / "batch.jsonl"
    jsonl.write_text(json.dumps({"text": "problem two", "settings": {"max_iterations": 2, "review_points": "after_modeling"}}))
    assert load_cases(jsonl)[0].id == second.id  # the same question gets the same id in either format


@pytest.mark.parametrize(
    ("cases", "message"),
    [
        ([{"id": "a", "text": "x"}, {"id": "a", "text": "y"}], "repeated: a"),
        ([{"text": "x", "settings": {"chat_model": "no"}}], "unknown settings chat_model"),
        ([{"text": "x", "settings": {"temperature": 1}}], "unknown settings temperature"),
        ([{"id": "empty", "text": "  "}], "case 1 has no problem text"),
    ],
)
def test_bad_batch_files_are_refused_with_the_reason(tmp_path: Path, cases: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_cases(_write_batch(tmp_path, cases))


def test_a_torn_last_line_is_cut_off(tmp_path: Path) -> None:
    results = tmp_path / "r.jsonl"
    results.write_text('{"case": "a", "status": "optimal"}\n{"case": "b", "sta')
    assert [r["case"] for r in read_records(results)] == ["a"]
    assert results.read_text() == '{"case": "a", "status": "optimal"}\n'


def test_each_case_gets_one_record_and_a_rerun_skips_them(tmp_path: Path, kb_dir: Path) -> None:
    leo = EXAMPLE.read_text()
    tiny = leo.replace("S1 4, S2 3, S3 3, S4 4, S5 3, S6 3", "S1 2, S2 2, S3 2, S4 2, S5 2, S6 2")
    batch = _write_batch(
        tmp_path,
        [
            {"id": "leo", "text": leo},
            {"id": "leo-reviewed", "text": leo, "settings": {"review_points": ["after_modeling", "before_solving"]}},
            {"id": "tiny", "text": tiny},
            {"id": "missing-data", "text": leo, "data": ["nowhere.csv"]},
        ],
    )
    results = tmp_path / "out" / "results.jsonl"

    def make_context(settings: dict[str, Any]) -> Context:
        return Context(chat_model=ScriptedChatModel(script=[leo_binding(), leo_binding()]), kb_path=str(kb_dir), **settings)

    outcome = run_batch(batch, results, jobs=2, make_context=make_context, progress=False)
    assert (outcome.ran, outcome.skipped, outcome.unfinished) == (4, 0, [])
    records = {r["case"]: r for r in read_records(results)}
    assert sorted(records) == ["leo", "leo-reviewed", "missing-data", "tiny"]
    assert records["leo"]["status"] == "optimal" and records["leo"]["objective"] == pytest.approx(10.5)
    assert records["leo"]["path"] == [
        "retriever",
        "modeler",
        "verifier",
        "optimizer",
        "invoker",
        "verifier",
        "optimizer",
        "report",
    ]
    assert records["leo"]["tokens"] == 120 and set(records["leo"]["prompts"]) == {"modeler_fill_template"}
    assert records["leo"]["settings"]["review_points"] == []  # JSON of the empty tuple
    assert records["leo"]["wall_s"] > 0 and records["leo"]["solve_s"] is not None
    assert records["leo-reviewed"]["reviews_approved"] == ["after_modeling", "before_solving"]
    assert records["leo-reviewed"]["objective"] == pytest.approx(10.5)
    assert records["tiny"]["status"] == "infeasible"
    assert records["missing-data"]["status"] == "bad_input" and "nowhere.csv" in records["missing-data"]["error"]
    again = run_batch(batch, results, make_context=make_context, progress=False)
    assert (again.ran, again.skipped) == (0, 4)
    assert len(read_records(results)) == 4
    table = summary_table(again.records)
    assert "4 cases: " in table and "1 infeasible" in table and "2 optimal" in table


def test_a_case_whose_llm_is_down_has_no_record_and_runs_again_later(tmp_path: Path, kb_dir: Path) -> None:
    batch = _write_batch(tmp_path, [{"id": "leo", "text": EXAMPLE.read_text()}])
    results = tmp_path / "results.jsonl"
    down = openai.APIConnectionError(request=httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions"))
    script: list[Any] = [down, down]
    outcome = run_batch(
        batch,
        results,
        make_context=lambda s: Context(chat_model=ScriptedChatModel(script=script), kb_path=str(kb_dir)),
        progress=False,
    )
    assert outcome.unfinished == ["leo"] and read_records(results) == []
    outcome = run_batch(
        batch,
        results,
        make_context=lambda s: Context(chat_model=ScriptedChatModel(script=[leo_binding()]), kb_path=str(kb_dir)),
        progress=False,
    )
    assert outcome.ran == 1 and [r["status"] for r in read_records(results)] == ["optimal"]


class _CountingModel(ScriptedChatModel):
    """Records how many requests were in flight at once."""

    delay_s: float = 0.3

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> Any:
        with _COUNT_LOCK:
            _IN_FLIGHT[0] += 1
            _PEAK[0] = max(_PEAK[0], _IN_FLIGHT[0])
        try:
            time.sleep(self.delay_s)
            return super()._generate(messages, stop, run_manager, **kwargs)
        finally:
            with _COUNT_LOCK:
                _IN_FLIGHT[0] -= 1


_COUNT_LOCK = threading.Lock()
_IN_FLIGHT = [0]
_PEAK = [0]


@pytest.mark.parametrize(("llm_slots", "peak"), [(1, 1), (3, 3)])
def test_llm_requests_are_capped_separately_from_cases(tmp_path: Path, kb_dir: Path, llm_slots: int, peak: int) -> None:
    batch = _write_batch(tmp_path, [{"id": f"leo{i}", "text": EXAMPLE.read_text()} for i in range(3)])
    _PEAK[0] = 0
    outcome = run_batch(
        batch,
        tmp_path / "results.jsonl",
        jobs=3,
        llm_slots=llm_slots,
        make_context=lambda s: Context(chat_model=_CountingModel(script=[leo_binding()], delay_s=1.0), kb_path=str(kb_dir)),
        progress=False,
    )
    assert outcome.ran == 3
    assert _PEAK[0] == peak


def test_free_form_requests_respect_llm_concurrency(tmp_path: Path, kb_dir: Path) -> None:
    """`--llm-concurrency` caps the free-form Modeler's requests too (they once went past the gate)."""
    from tests.test_freeform import FARM, FARM_OPTIMUM, NO_TEMPLATE, literal_elements

    batch = _write_batch(tmp_path, [{"id": f"farm{i}", "text": FARM, "settings": dict(NO_TEMPLATE)} for i in range(3)])
    _PEAK[0] = 0
    outcome = run_batch(
        batch,
        tmp_path / "results.jsonl",
        jobs=3,
        llm_slots=1,
        make_context=lambda s: Context(
            chat_model=_CountingModel(script=[literal_elements()], delay_s=1.0), kb_path=str(kb_dir), **s
        ),
        progress=False,
    )
    records = read_records(tmp_path / "results.jsonl")
    assert outcome.ran == 3 and {r["template"] for r in records} == {"generated"}
    assert all(r["objective"] == pytest.approx(FARM_OPTIMUM) for r in records)
    assert _PEAK[0] == 1


def test_a_batch_killed_mid_way_and_restarted_has_exactly_one_record_per_case(tmp_path: Path, kb_dir: Path) -> None:
    ids = [f"leo-{i}" for i in range(6)]
    batch = _write_batch(tmp_path, [{"id": i, "text": EXAMPLE.read_text()} for i in ids])
    results = tmp_path / "results.jsonl"
    command = [sys.executable, "-m", "tests.drivers.batch_fake", str(batch), str(results), str(kb_dir)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.Popen([*command, "1.5"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and first.poll() is None:
        if results.exists() and results.read_text().count("\n") >= 2:
            break
        time.sleep(0.05)
    assert first.poll() is None, first.stderr.read().decode() if first.stderr else ""
    first.send_signal(signal.SIGKILL)
    first.wait()
    before = read_records(results)
    assert 2 <= len(before) < len(ids), "the kill should land mid-way"
    second = subprocess.run([*command, "0"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert f"skipped {len(before)}" in second.stdout
    after = read_records(results)
    assert sorted(r["case"] for r in after) == ids  # each case once: none lost, none duplicated
    assert after[: len(before)] == before  # the records from before the kill are kept as written
    assert all(r["status"] == "optimal" for r in after)


class _CountingOpenAIServer(ThreadingHTTPServer):
    """An OpenAI-compatible endpoint on loopback that answers every chat completion with the LEO binding after a
    pause, and counts how many requests it held at once: what a vLLM server would get to batch.

    With `gather` set, a request is held until that many are in flight together (or `gather_s` pass), so a test of
    overlap does not depend on whether a slow worker's first request lands inside another's pause."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _CompletionHandler)
        self.lock = threading.Condition()
        self.in_flight = 0
        self.peak = 0
        self.served = 0
        self.gather = 0
        self.gather_s = 120.0


class _CompletionHandler(BaseHTTPRequestHandler):
    server: _CountingOpenAIServer

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        server = self.server
        with server.lock:
            server.in_flight += 1
            server.peak = max(server.peak, server.in_flight)
            server.lock.notify_all()
            server.lock.wait_for(lambda: server.peak >= server.gather, timeout=server.gather_s)
        time.sleep(1.0)
        body = json.dumps(
            {
                "id": "c",
                "object": "chat.completion",
                "created": 0,
                "model": "m",
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": json.dumps(leo_binding())}, "finish_reason": "stop"}
                ],
                "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
            }
        ).encode()
        with self.server.lock:
            self.server.in_flight -= 1
            self.server.served += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


def test_a_batch_sends_concurrent_http_requests_to_an_openai_compatible_server(tmp_path: Path, kb_dir: Path) -> None:
    server = _CountingOpenAIServer()
    server.gather = 3  # held until three meet: the cap's worth, whatever the machine's load
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    batch = _write_batch(tmp_path, [{"id": f"leo{i}", "text": EXAMPLE.read_text()} for i in range(4)])
    try:
        outcome = run_batch(
            batch,
            tmp_path / "results.jsonl",
            jobs=4,
            llm_slots=3,
            base_settings={"llm_backend": "vllm", "llm_url": url, "llm_model": "m", "kb_path": str(kb_dir)},
            progress=False,
        )
    finally:
        server.shutdown()
    assert outcome.ran == 4 and server.served == 4
    assert {r["status"] for r in read_records(tmp_path / "results.jsonl")} == {"optimal"}
    assert server.peak == 3  # three requests at the server together (the cap), never four
