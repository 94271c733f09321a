"""A batch run with a scripted chat model, as its own process, so a test can SIGKILL it mid-way.

usage: python -m tests.drivers.batch_fake BATCH RESULTS KB_DIR SECONDS_PER_LLM_CALL [ENGINE]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from agents.context import Context
from lamopt.runs import run_batch
from tests.conftest import leo_binding
from tests.fakes import ScriptedChatModel


class SlowScriptedChatModel(ScriptedChatModel):
    """Takes its time like a real server, so cases are still in flight when the test kills the process."""

    delay_s: float = 0.0

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> Any:
        time.sleep(self.delay_s)
        return super()._generate(messages, stop, run_manager, **kwargs)


def main() -> None:
    batch, results, kb, delay = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    engine = sys.argv[5] if len(sys.argv) > 5 else "threads"

    def make_context(settings: dict[str, Any]) -> Context:
        fake = SlowScriptedChatModel(script=[leo_binding(), leo_binding(), leo_binding()], delay_s=delay)
        return Context(chat_model=fake, kb_path=kb, **settings)

    outcome = run_batch(
        batch,
        results,
        jobs=2,
        llm_slots=2,
        solver_slots=1,
        make_context=make_context,
        progress=False,
        engine=engine,  # type: ignore[arg-type]
    )
    print(f"ran {outcome.ran} skipped {outcome.skipped}", flush=True)


if __name__ == "__main__":
    main()
