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
"""

from __future__ import annotations

import runpy
from collections.abc import Sequence
from typing import TYPE_CHECKING

import llama_cpp
from llama_cpp.llama_cache import LlamaRAMCache

if TYPE_CHECKING:
    from llama_cpp.llama import LlamaState


class PromptStates(LlamaRAMCache):
    """llama_cpp's in-memory cache of prompt states, keeping one row of each state's logits instead of n_batch."""

    def __setitem__(self, key: Sequence[int], value: LlamaState) -> None:
        value.scores = value.scores[-1:].copy()
        super().__setitem__(key, value)


def main() -> None:
    # llama_cpp.server.model builds its RAM cache as `llama_cpp.LlamaRAMCache(capacity_bytes=...)`
    llama_cpp.LlamaRAMCache = PromptStates  # type: ignore[attr-defined]
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
