"""The embedded model's server keeps saved prompt states small (tools/llama_server.py)."""

from __future__ import annotations

import numpy as np
from llama_cpp.llama import LlamaState

from tools.llama_server import PromptStates


def test_saved_prompt_states_keep_one_row_of_logits() -> None:
    """tools/llama_server.PromptStates: a state's logits rows are never read after it is restored (it is decoded
    again first), so only the last row is kept, and the capacity counts what the cache holds."""
    cache = PromptStates(capacity_bytes=250)
    for n in range(3):
        scores = np.full((512, 1000), float(n), dtype=np.single)
        state = LlamaState(np.arange(4 + n, dtype=np.intc), scores, 4 + n, b"x" * 100, 100, 0)
        cache[list(range(4 + n))] = state
    assert len(cache.cache_state) == 2  # the oldest went when a third exceeded 250 bytes
    kept = cache[[0, 1, 2, 3, 4, 5, 9]]  # the longest shared prefix: the state of six tokens
    assert kept.n_tokens == 6 and kept.scores.shape == (1, 1000) and kept.scores[0, 0] == 2.0
