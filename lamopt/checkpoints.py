"""Where runs are checkpointed: a SQLite file, so a crashed or interrupted run can be resumed by thread id."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from langgraph.checkpoint.sqlite import SqliteSaver

from tools.embedded_model import cache_dir


def checkpoint_file() -> Path:
    return Path(os.environ.get("LAMOPT_CHECKPOINTS") or cache_dir() / "checkpoints.sqlite")


def sqlite_saver(path: Path | None = None) -> SqliteSaver:
    path = path or checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    # The graph may run nodes in worker threads; SqliteSaver serialises access with its own lock.
    return SqliteSaver(sqlite3.connect(str(path), check_same_thread=False))
