"""The LLM backbone: one factory for the embedded CPU model, any OpenAI-compatible URL, or a vLLM server.

All three are reached through the same OpenAI chat API (ChatOpenAI). The embedded model runs in
llama.cpp's own OpenAI-compatible server, which lamopt starts on a free loopback port and stops at exit.
The server keeps the states of earlier prompts, so a request resumes from the one that shares the longest prefix
with it (tools/llama_server.py: half the model's time per request on 2 cores). We chose the server over
in-process llama_cpp.Llama so that (1) every backend takes the same code path,
(2) a crash or memory blow-up of the model cannot take the graph's process (and its checkpoint) with it,
and (3) the same server can be shared by concurrent runs.

Structured output: vLLM and OpenAI take `response_format` json_schema (constrained decoding); llama.cpp's
server refuses that (HTTP 500) but enforces `{"type": "json_object", "schema": ...}` with a grammar, so
`LlamaCppChat` overrides `with_structured_output` to send that. `structured_call` then validates the JSON
against the schema and retries a bounded number of times with the error fed back.

Agents ask through `ask`, the one door to the LLM: it renders a prompt of prompts/, holds the run's
concurrency gate (Context.llm_gate) around each request, and adds the tokens and the hash of every prompt
used to the caller's `Spent`, so each run records what it told the model.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ClassVar, cast

import jsonschema
import openai
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import JsonOutputParser
from langchain_core.runnables import Runnable, RunnableLambda, RunnableParallel
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

import prompts
from agents.context import Context
from prompts import Prompt
from tools.embedded_model import DEFAULT_MODEL, cache_dir, gguf_path, start_tethered


class LLMUnavailable(RuntimeError):
    """The LLM endpoint did not answer (down, stalled, refused) after the bounded retries."""


class StructuredOutputError(RuntimeError):
    """The model gave no schema-valid JSON within the allowed attempts."""


class OutOfTime(StructuredOutputError):
    """The run's time budget ran out before this request could start, or while it ran (the caller goes on as for a
    model that gave no usable answer, and the run's next budget check ends it honestly)."""


class PromptTooLong(StructuredOutputError):
    """The request does not fit the model's context window: this request fails (the caller goes on as for a
    model that gave no usable answer); the server is up, so it is not LLMUnavailable."""


_TIME_LEFT: ContextVar[float | None] = ContextVar("lamopt_time_left", default=None)
"""Seconds left of the run's budget when a request starts (None: no budget): `structured_call` sets it."""


class BudgetedChatOpenAI(ChatOpenAI):
    """ChatOpenAI whose request ends with the run's time budget: a request started a minute before the budget ran
    out could take its whole timeout (180 s) and more with the client's retries, and a run of dev30 on the 1.5B
    ended 'out of time' at 601 s of a 300 s budget. The request's timeout is what is left, shared by its retries."""

    def _get_request_payload(self, input_: LanguageModelInput, *, stop: list[str] | None = None, **kwargs: Any) -> dict[str, Any]:
        payload = super()._get_request_payload(input_, stop=stop, **kwargs)
        left = _TIME_LEFT.get()
        if left is not None:
            share = max(1.0, left / ((self.max_retries or 0) + 1))
            payload["timeout"] = (
                min(share, float(self.request_timeout)) if isinstance(self.request_timeout, int | float) else share
            )
        return payload


class LlamaCppChat(BudgetedChatOpenAI):
    """ChatOpenAI for llama.cpp's server: structured output through its grammar-enforced json_object mode."""

    def with_structured_output(  # type: ignore[override]
        self, schema: dict[str, Any] | type, *, include_raw: bool = False, **kwargs: Any
    ) -> Runnable[LanguageModelInput, Any]:
        json_schema = schema if isinstance(schema, dict) else cast(type[BaseModel], schema).model_json_schema()
        extra = dict(self.extra_body or {})
        extra["response_format"] = {"type": "json_object", "schema": json_schema}
        bound = self.bind(extra_body=extra)
        parser = JsonOutputParser()
        if not include_raw:
            return bound | parser

        def parse(raw: AIMessage) -> dict[str, Any]:
            try:
                return {"raw": raw, "parsed": parser.invoke(raw), "parsing_error": None}
            except Exception as exc:  # the caller retries with the error in words
                return {"raw": raw, "parsed": None, "parsing_error": exc}

        return RunnableParallel(raw=bound) | RunnableLambda(lambda out: parse(out["raw"]))


@dataclass
class Spent:
    """What a run's requests to the LLM cost: tokens, and name -> hash of every prompt they used."""

    tokens: int = 0
    prompts: dict[str, str] = field(default_factory=dict)
    deadline: float | None = None
    """The run's budget as a wall-clock time (time.time()): no request, first or retry, starts after it."""

    def use(self, prompt: Prompt) -> Prompt:
        """Record that `prompt` goes into a request (also a part of one, such as a repair paragraph)."""
        self.prompts[prompt.name] = prompt.sha
        return prompt


def ask(context: Context, prompt: Prompt, schema: dict[str, Any], spent: Spent, **values: str) -> dict[str, Any]:
    """The one way agents ask the LLM: `prompt` rendered with `values`, JSON that fits `schema` back.

    The run's gate caps requests in flight, the tokens and every prompt used are added to `spent`, and
    StructuredOutputError says that no schema-valid JSON came within the allowed attempts."""
    system, user = spent.use(prompt).render(**values)
    if spent.deadline is not None and time.time() > spent.deadline:
        raise OutOfTime(f"the run's time budget ran out before the '{prompt.name}' request")
    answer, tokens = structured_call(
        chat_model(context),
        schema,
        system,
        user,
        attempts=context.structured_attempts,
        endpoint=endpoint_of(context),
        gate=context.llm_gate,
        spent=spent,
        deadline=spent.deadline,
    )
    spent.tokens += tokens
    return answer


def structured_call(
    model: BaseChatModel,
    schema: dict[str, Any],
    system: str,
    user: str,
    attempts: int = 3,
    endpoint: str = "",
    gate: AbstractContextManager[Any] | None = None,
    spent: Spent | None = None,
    deadline: float | None = None,
) -> tuple[dict[str, Any], int]:
    """Ask for JSON that fits `schema`; return it with the tokens spent. Bounded retries on invalid output.

    `gate` is held around each request only (not between retries), so a batch's cap on concurrent LLM
    requests counts requests in flight at the server. A retry's prompt is recorded in `spent`. No retry starts
    after `deadline` (a time.time()): OutOfTime says so, with the last problem."""
    messages: list[BaseMessage] = [SystemMessage(system), HumanMessage(user)]
    tokens = 0
    problem = ""
    for attempt in range(max(1, attempts)):
        if attempt and deadline is not None and time.time() > deadline:
            raise OutOfTime(f"the run's time budget ran out after {attempt} attempt(s); last problem: {problem}")
        with gate or nullcontext():
            left = _TIME_LEFT.set(None if deadline is None else deadline - time.time())
            try:
                out = _invoke_structured(model, schema, messages, endpoint)
            except LLMUnavailable as exc:
                if deadline is not None and time.time() >= deadline - 1.0:  # the request's timeout was the budget's end
                    raise OutOfTime(f"the run's time budget ran out during a request to the LLM ({exc})") from exc
                raise
            finally:
                _TIME_LEFT.reset(left)
        raw = out.get("raw")
        usage = getattr(raw, "usage_metadata", None) or {}
        tokens += int(usage.get("total_tokens", 0))
        parsed = out.get("parsed")
        problem = str(out.get("parsing_error") or "")
        if not problem:
            try:
                jsonschema.validate(parsed, schema)
                problem = _unreadable_number(parsed)
                if not problem:
                    return dict(parsed), tokens
            except jsonschema.ValidationError as exc:
                problem = exc.message
        content = raw.content if isinstance(raw, AIMessage) else json.dumps(parsed)
        retry = prompts.load("structured_retry")
        if spent is not None:
            spent.use(retry)
        messages += [AIMessage(content), HumanMessage(retry.render(problem=problem)[1])]
    raise StructuredOutputError(f"no schema-valid JSON after {attempts} attempts; last problem: {problem}")


def _unreadable_number(value: Any) -> str:
    """Words for a number of the answer that no float holds ('' when there is none): a small model that loops on a
    digit writes an integer hundreds of digits long, which fits a JSON schema and overflows every float() after it."""
    if isinstance(value, dict):
        return next((p for p in map(_unreadable_number, value.values()) if p), "")
    if isinstance(value, list):
        return next((p for p in map(_unreadable_number, value) if p), "")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > sys.float_info.max:
        return f"a number of {len(str(abs(value)))} digits is no number of the problem; write each number as the text gives it"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is no number of the problem; write each number as the text gives it"
    return ""


_FUNCTION_CALLING_ONLY: set[int] = set()
"""Models (by id) whose server refused response_format json_schema; they get forced function calling instead."""


def _invoke_structured(model: BaseChatModel, schema: dict[str, Any], messages: list[BaseMessage], endpoint: str) -> Any:
    """One structured request. A generic OpenAI-compatible server that refuses json_schema (llama.cpp answers
    HTTP 500) is asked again with a forced tool call, which such servers do support, and remembered."""
    where = endpoint or "the LLM endpoint"
    method = "function_calling" if id(model) in _FUNCTION_CALLING_ONLY else "json_schema"
    try:
        return model.with_structured_output(schema, include_raw=True, method=method).invoke(messages)
    except (openai.BadRequestError, openai.InternalServerError, openai.UnprocessableEntityError) as exc:
        if "context length" in str(exc) or "context_length_exceeded" in str(exc):  # llama.cpp, vLLM, OpenAI
            raise PromptTooLong(f"the request is longer than {where}'s context window: {exc}") from exc
        if method == "function_calling" or isinstance(model, LlamaCppChat):
            raise LLMUnavailable(f"{where} refused the structured request: {exc}") from exc
        _FUNCTION_CALLING_ONLY.add(id(model))
        return _invoke_structured(model, schema, messages, endpoint)
    except (openai.APIConnectionError, openai.APITimeoutError) as exc:
        raise LLMUnavailable(f"{where} did not answer: {type(exc).__name__}: {exc}") from exc


_models: dict[tuple[Any, ...], BaseChatModel] = {}
_lock = threading.Lock()
_server_lock = threading.Lock()
PROMPT_STATES_BYTES = 512 << 20
"""What the embedded server's saved prompt states may take (tools/llama_server.py says why it keeps them; a state
holds the keys and values of its tokens, ~20 MB for a 700-token prompt of the 1.5B): a round of a run's requests
and more."""


def chat_model(context: Context) -> BaseChatModel:
    """The chat model the settings ask for; one per distinct setting, shared by the agents of all runs."""
    if context.chat_model is not None:
        return cast(BaseChatModel, context.chat_model)
    key = (
        context.llm_backend, context.llm_url, context.llm_model, context.llm_timeout_s, context.llm_max_tokens,
        context.llm_temperature, context.llm_seed,
    )  # fmt: skip
    with _lock:
        if key not in _models:
            _models[key] = _build(context)
        return _models[key]


def endpoint_of(context: Context) -> str:
    if context.chat_model is not None:
        return f"injected model {type(context.chat_model).__name__}"
    if context.llm_backend == "embedded" and not context.llm_url:
        return f"embedded llama.cpp server ({EmbeddedServer.shared(context.llm_threads, context.embedded_model).url})"
    return context.llm_url


def _build(context: Context) -> BaseChatModel:
    common: dict[str, Any] = {
        "temperature": context.llm_temperature,
        "timeout": context.llm_timeout_s,
        "max_retries": context.llm_max_retries,
        # llama.cpp's server ignores max_completion_tokens (what ChatOpenAI sends), so send max_tokens too.
        "extra_body": {"max_tokens": context.llm_max_tokens},
        "seed": context.llm_seed,
    }
    api_key = context.llm_api_key or os.environ.get("OPENAI_API_KEY") or "not-needed"
    if context.llm_backend == "embedded":
        url = context.llm_url or EmbeddedServer.shared(context.llm_threads, context.embedded_model).url
        return LlamaCppChat(base_url=url, model=context.llm_model or "embedded", api_key=api_key, **common)  # type: ignore[arg-type]
    if not context.llm_url:
        raise LLMUnavailable(f"backend {context.llm_backend} needs an endpoint: set LAMOPT_LLM_URL (or --llm-url)")
    model_name = context.llm_model or _first_model(context.llm_url, api_key)
    return BudgetedChatOpenAI(base_url=context.llm_url, model=model_name, api_key=api_key, **common)  # type: ignore[arg-type]


def _first_model(url: str, api_key: str) -> str:
    """Ask the server which model it serves, so a user need not type its long name."""
    request = urllib.request.Request(f"{url.rstrip('/')}/models", headers={"Authorization": f"Bearer {api_key}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return str(json.load(response)["data"][0]["id"])
    except (OSError, KeyError, IndexError, ValueError) as exc:
        raise LLMUnavailable(f"LLM endpoint {url} did not list its models: {exc}") from exc


def wait_until_ready(url: str, timeout_s: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll `<url>/models` until the server answers; fail early if its process died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise LLMUnavailable(f"the LLM server for {url} exited with code {process.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{url.rstrip('/')}/models", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise LLMUnavailable(f"the LLM server at {url} did not answer within {timeout_s:.0f} s")


class EmbeddedServer:
    """llama.cpp's OpenAI-compatible server for the embedded model, on a free loopback port."""

    _shared: ClassVar[dict[str, EmbeddedServer]] = {}
    """One server per embedded model (LAMOPT_EMBEDDED_MODEL), shared by every run of the process."""

    def __init__(self, threads: int = 2, context_tokens: int = 4096, model: str = DEFAULT_MODEL) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.log_path = cache_dir() / "logs" / f"llama-server-{self.port}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        arguments = ["--model", str(gguf_path(model)), "--host", "127.0.0.1", "--port", str(self.port),
                     "--n_ctx", str(context_tokens), "--n_threads", str(threads),
                     "--cache", "true", "--cache_size", str(PROMPT_STATES_BYTES)]  # fmt: skip
        with self.log_path.open("wb") as log:
            # Tethered by a pipe, not by the parent-death signal: it dies with this process however this
            # process dies, from whichever thread it was started (tools/embedded_model.py).
            self.process, self._lifeline = start_tethered("tools.llama_server", arguments, log)
        atexit.register(self.stop)
        try:
            wait_until_ready(self.url, timeout_s=120, process=self.process)
        except LLMUnavailable as exc:
            self.stop(keep_log=True)
            raise LLMUnavailable(f"the embedded model's server did not start: {exc}; its log: {self.log_path}") from exc

    @classmethod
    def shared(cls, threads: int = 2, model: str = DEFAULT_MODEL) -> EmbeddedServer:
        with _server_lock:
            server = cls._shared.get(model)
            if server is None or server.process.poll() is not None:
                server = cls._shared[model] = cls(threads=threads, model=model)
        return server

    def stop(self, keep_log: bool = False) -> None:
        """Stop the server within seconds, even mid-request: closing its lifeline makes it exit at once.
        Its log is kept only when it died on its own (that log explains why) or `keep_log` asks for it."""
        running = self.process.poll() is None
        if self._lifeline >= 0:
            os.close(self._lifeline)
            self._lifeline = -1
        if running:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if not keep_log:
                self.log_path.unlink(missing_ok=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
