"""The backbone's structured-output contract and settings, with the scripted model (no server)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from agents.backbone import LLMUnavailable, OutOfTime, StructuredOutputError, chat_model, structured_call
from agents.context import Context
from lamopt.serve_llm import vllm_command
from tests.fakes import ScriptedChatModel

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"planes": {"type": "integer"}, "unit": {"enum": ["ms", "s"]}},
    "required": ["planes", "unit"],
}


def test_invalid_json_and_schema_violations_are_retried_with_the_error_fed_back() -> None:
    fake = ScriptedChatModel(script=["not json at all", {"planes": 6, "unit": "hours"}, {"planes": 6, "unit": "ms"}])
    answer, tokens = structured_call(fake, SCHEMA, "system", "how many planes?", attempts=3)
    assert answer == {"planes": 6, "unit": "ms"}
    assert tokens == 360
    assert "does not fit the schema" in fake.user_texts()[1]
    assert "'hours' is not one of ['ms', 's']" in fake.user_texts()[2]


def test_gives_up_after_the_bounded_attempts() -> None:
    fake = ScriptedChatModel(script=[{"planes": "six"}, {"planes": "six"}])
    with pytest.raises(StructuredOutputError, match="after 2 attempts"):
        structured_call(fake, SCHEMA, "system", "how many planes?", attempts=2)
    assert len(fake.requests) == 2


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAMOPT_MAX_ITERATIONS", "7")
    monkeypatch.setenv("LAMOPT_REVIEW_POINTS", "after_modeling, before_solving")
    context = Context()
    assert context.max_iterations == 7
    assert context.review_points == ("after_modeling", "before_solving")
    assert Context(max_iterations=2).max_iterations == 2  # an explicit value wins over the environment


def test_factory_returns_an_injected_model_and_refuses_a_remote_backend_without_url() -> None:
    fake = ScriptedChatModel()
    assert chat_model(Context(chat_model=fake)) is fake
    from agents.backbone import LLMUnavailable

    with pytest.raises(LLMUnavailable, match="needs an endpoint"):
        chat_model(Context(llm_backend="vllm", llm_url=""))


def test_vllm_is_started_with_tool_calling_flags() -> None:
    command = vllm_command("/opt/vllm/bin/vllm", "Qwen/Qwen3-8B", 8000, "hermes", "qwen3")
    assert command[:3] == ["/opt/vllm/bin/vllm", "serve", "Qwen/Qwen3-8B"]
    assert "--enable-auto-tool-choice" in command
    assert command[command.index("--tool-call-parser") + 1] == "hermes"
    assert command[command.index("--reasoning-parser") + 1] == "qwen3"
    assert command[command.index("--host") + 1] == "127.0.0.1"


def test_the_embedded_model_is_chosen_by_name_and_doctor_names_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from lamopt.doctor import doctor_report
    from tools.embedded_model import MODELS, EmbeddedModelMissing, embedded_model

    assert Context(kb_path=str(tmp_path / "kb")).embedded_model == "qwen2.5-coder-1.5b"  # the default
    assert "(qwen2.5-coder-1.5b)" in doctor_report(Context(kb_path=str(tmp_path / "kb")))
    monkeypatch.setenv("LAMOPT_EMBEDDED_MODEL", "qwen2.5-coder-0.5b")
    context = Context(kb_path=str(tmp_path / "kb"))
    assert context.embedded_model == "qwen2.5-coder-0.5b"
    report = doctor_report(context)
    assert "Qwen2.5-Coder-0.5B-Instruct Q4_K_M (qwen2.5-coder-0.5b)" in report
    # either its parts are installed and verified, or doctor says how to install them
    assert "sha256 verified" in report or "make install" in report
    assert "other embedded models (LAMOPT_EMBEDDED_MODEL): qwen2.5-coder-1.5b" in report
    assert set(MODELS) == {"qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"}
    with pytest.raises(EmbeddedModelMissing, match=r"choose one of qwen2\.5-coder-0\.5b, qwen2\.5-coder-1\.5b"):
        embedded_model("llama-7b")


def test_a_prompt_longer_than_the_context_fails_the_request_not_the_run() -> None:
    """llama.cpp answers 400 for a prompt beyond n_ctx (a free-form step with long few-shot examples hit it): that
    is this request's failure, handled as one, not 'LLM unavailable', which stopped a whole evaluation."""
    import httpx
    import openai

    from agents.backbone import PromptTooLong

    class Overflowing(ScriptedChatModel):
        def _generate(self, *args: Any, **kwargs: Any) -> Any:
            response = httpx.Response(400, request=httpx.Request("POST", "http://127.0.0.1/v1/chat/completions"))
            message = "This model's maximum context length is 4096 tokens. However, you requested 5784 tokens"
            raise openai.BadRequestError(message, response=response, body=None)

    with pytest.raises(PromptTooLong, match="context window") as raised:
        structured_call(Overflowing(), SCHEMA, "system", "how many planes?", attempts=3)
    assert isinstance(raised.value, StructuredOutputError)


def test_a_number_no_float_holds_is_asked_again() -> None:
    # A small model looping on a digit wrote an integer hundreds of digits long: it fits the schema, and every
    # float() after it raised OverflowError, which ended the run as a crash.
    fake = ScriptedChatModel(script=[{"planes": 10**400, "unit": "ms"}, {"planes": 6, "unit": "ms"}])
    answer, _ = structured_call(fake, SCHEMA, "system", "how many planes?", attempts=2)
    assert answer == {"planes": 6, "unit": "ms"}
    assert "a number of 401 digits is no number of the problem" in fake.user_texts()[1]


class _SlowHandler(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat endpoint that answers only after 20 s, as a 1.5B model on two busy cores may."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(20)
        body = json.dumps(
            {
                "id": "c",
                "object": "chat.completion",
                "created": 0,
                "model": "m",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": '{"planes": 6, "unit": "ms"}'}}],
            }
        ).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up: what the test wants
            pass

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def slow_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("backend", ["openai", "embedded"])
def test_a_request_ends_when_the_run_budget_does(backend: str, slow_endpoint: str) -> None:
    """A request started 2 s before the budget's end is cut there (its retries share those 2 s), not after its
    180 s timeout: the run then ends honestly out of time instead of running on past its budget."""
    model = chat_model(Context(llm_backend=backend, llm_url=slow_endpoint, llm_model="m", llm_timeout_s=180, llm_max_retries=2))
    started = time.monotonic()
    with pytest.raises(OutOfTime, match="during a request"):
        structured_call(model, {**SCHEMA, "title": "planes"}, "system", "how many planes?", deadline=time.time() + 2)
    assert time.monotonic() - started < 10
    with pytest.raises(LLMUnavailable):  # without a budget, the request's own timeout still holds
        structured_call(
            chat_model(Context(llm_backend=backend, llm_url=slow_endpoint, llm_model="m", llm_timeout_s=1, llm_max_retries=0)),
            {**SCHEMA, "title": "planes"},
            "s",
            "u",
        )
