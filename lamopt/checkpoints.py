"""Where runs are checkpointed: a SQLite file, so a crashed or interrupted run can be resumed by thread id.

Every checkpoint passes through tools.redact before it is written: no API key or token is stored at rest.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver

from tools.embedded_model import cache_dir
from tools.redact import redact


class RedactingSerializer(JsonPlusSerializer):
    """LangGraph's serializer, with secrets cut out of what it writes."""

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        return super().dumps_typed(redact(obj))


def checkpoint_file() -> Path:
    return Path(os.environ.get("LAMOPT_CHECKPOINTS") or cache_dir() / "checkpoints.sqlite")


def sqlite_saver(path: Path | None = None) -> SqliteSaver:
    path = path or checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    # The graph may run nodes in worker threads; SqliteSaver serialises access with its own lock.
    return SqliteSaver(sqlite3.connect(str(path), check_same_thread=False), serde=RedactingSerializer())
