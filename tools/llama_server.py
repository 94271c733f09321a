"""The embedded model's server: llama.cpp's OpenAI-compatible server (`llama_cpp.server`) with a prompt cache whose
saved states hold what a later request reads, and no more.

Run as `python -m tools.llama_server <llama_cpp.server arguments>` (agents/backbone.EmbeddedServer does).

Why a prompt cache. On 2 cores the 1.5B model reads a prompt at ~48 tokens/s and writes ~11 tokens/s, and a run's
requests alternate between a few kinds (the variables, one constraint per sentence, the objective, the requirement
coverage), each with its own instructions and examples. The server keeps one sequence of evaluated tokens; without
saved states every change of kind read its whole prompt again: 39 of 81 requests started from nothing in 4 NL4OPT
runs, and reading prompts took two thirds of the model's time (578 s of 878 s). With the states of earlier
requests kept (`--cache true`), a request resumes from the saved state that shares the longest prefix with it: 4 of
62 started from nothing, 131 prompt tokens were read per request instead of 347, and a request took 5.5 s instead
of 10.8 s (2065476 vs. the same runs with the cache, qwen2.5-coder-1.5b, this 2-core machine). 30 requests of
three kinds of instructions (~800 tokens each), in turn: 116 s with the saved states, 516 s without.

Why our own cache class. llama_cpp's saved `LlamaState` carries a copy of the model's whole logits buffer (n_batch
rows × the vocabulary: 311 MB for Qwen2.5 at n_batch 512), which the cache's capacity does not count: the stock
cache grew the server past 23 GB in 15 minutes. A restored state is always decoded again before anything is sampled
(`Llama.load_state` sets `_requires_eval`, and `Llama.generate` re-reads at least the prompt's last token), so those
rows are never read; `PromptStates` keeps only the last one, and the capacity then bounds the memory: over 50
requests of five kinds of 1,800-token prompts the 1.5B's server settled at 4.4 GB (3.1 GB without saved states).

Why requests stop when their client goes. llama_cpp.server writes a non-streaming answer to its end even when the
client has gone: a request cut at the end of a run's time budget (agents/backbone.BudgetedChatOpenAI) went on
generating up to its 600 tokens (~55 s of the 1.5B on 2 cores), and the next run's first request waited behind it.
`StopWhenGone` watches each request's connection and ends its generation at the next token once the client is gone
(a stopping criterion added to every completion the request makes); the log says how many tokens it had written.
"""

from __future__ import annotations

import functools
import math
import runpy
import sys
import threading
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import anyio
import llama_cpp
import llama_cpp.server.app
from llama_cpp.llama_cache import LlamaRAMCache

if TYPE_CHECKING:
    from llama_cpp.llama import LlamaState


class PromptStates(LlamaRAMCache):
    """llama_cpp's in-memory cache of prompt states, keeping one row of each state's logits instead of n_batch."""

    def __setitem__(self, key: Sequence[int], value: LlamaState) -> None:
        value.scores = value.scores[-1:].copy()
        super().__setitem__(key, value)


_GONE: ContextVar[threading.Event | None] = ContextVar("lamopt_client_gone", default=None)
"""Set while the current HTTP request's client is gone (None outside a request): read by its completions, which run
in worker threads that inherit the request's context."""

Message = dict[str, Any]


class StopWhenGone:
    """ASGI middleware: one task reads the connection's messages for the request and notes when the client has gone
    (uvicorn answers `http.disconnect` then); the application reads the same messages from a queue."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        gone = threading.Event()
        into, out_of = anyio.create_memory_object_stream[Message](math.inf)

        async def watch() -> None:
            async with into:
                while not gone.is_set():
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        gone.set()
                    await into.send(message)

        async def read() -> Message:
            try:
                return await out_of.receive()
            except anyio.EndOfStream:
                return {"type": "http.disconnect"}

        token = _GONE.set(gone)
        try:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(watch)
                await self.app(scope, read, send)
                tasks.cancel_scope.cancel()
        finally:
            _GONE.reset(token)


def _stopping_when_gone(create_completion: Callable[..., Any]) -> Callable[..., Any]:
    """`Llama.create_completion` with one more stopping criterion: the request's client is gone."""

    @functools.wraps(create_completion)
    def create(self: llama_cpp.Llama, *args: Any, **kwargs: Any) -> Any:
        gone = _GONE.get()
        if gone is None:
            return create_completion(self, *args, **kwargs)
        sampled, told = 0, False

        def client_gone(_ids: Any, _logits: Any) -> bool:
            nonlocal sampled, told
            sampled += 1
            if gone.is_set() and not told:  # the criterion is read once more after the last token
                told = True
                print(f"lamopt: request cut, its client went away after {sampled} sampled tokens", file=sys.stderr)
            return gone.is_set()

        kwargs["stopping_criteria"] = llama_cpp.StoppingCriteriaList([*(kwargs.get("stopping_criteria") or []), client_gone])
        return create_completion(self, *args, **kwargs)

    return create


def _with_stop_when_gone(create_app: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(create_app)
    def create(*args: Any, **kwargs: Any) -> Any:
        app = create_app(*args, **kwargs)
        app.add_middleware(StopWhenGone)
        return app

    return create


def main() -> None:
    # llama_cpp.server.model builds its RAM cache as `llama_cpp.LlamaRAMCache(capacity_bytes=...)`
    llama_cpp.LlamaRAMCache = PromptStates  # type: ignore[attr-defined]
    # llama_cpp.server's __main__ imports create_app from its module when it runs, after this
    llama_cpp.server.app.create_app = _with_stop_when_gone(llama_cpp.server.app.create_app)
    llama_cpp.Llama.create_completion = _stopping_when_gone(llama_cpp.Llama.create_completion)  # type: ignore[method-assign]
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
