"""The chat page with a scripted chat model, as its own process, for the browser tests.

usage: python -m tests.drivers.chat_fake PORT KB_DIR CHECKPOINTS RUNS_DIR [REVIEW_POINTS]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from langchain_core.outputs import ChatResult

from agents.context import Context
from agents.state import TURN_MARKERS
from lamopt.chat import serve
from tests.conftest import leo_binding
from tests.fakes import ScriptedChatModel


class LeoModel(ScriptedChatModel):
    """Answers every request with the LEO example's binding; a follow-up that states new capacities gets the
    binding that points at them (list L3), as a good model would. A short pause makes the steps visibly stream."""

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
        time.sleep(0.5)
        asked = str(messages[-1].content)
        marker = TURN_MARKERS["follow_up"].strip()
        follow_up = marker in asked and "CPU capacity" in asked.split(marker)[-1]
        self.script = [leo_binding(cpu_capacity_list="L3") if follow_up else leo_binding()]
        return super()._generate(messages, stop, run_manager, **kwargs)


def main() -> None:
    port, kb, checkpoints, runs = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), sys.argv[4]
    review = tuple(p for p in (sys.argv[5] if len(sys.argv) > 5 else "").split(",") if p)

    def make_context() -> Context:
        return Context(chat_model=LeoModel(), kb_path=kb, runs_dir=runs, review_points=review)  # type: ignore[arg-type]

    serve("127.0.0.1", port, make_context=make_context, checkpoints=checkpoints)


if __name__ == "__main__":
    main()
