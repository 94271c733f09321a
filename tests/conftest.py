"""Shared test setup: offline, a private cache per session, and the LEO example with its binding."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
os.environ["TRANSFORMERS_VERBOSITY"] = "error"

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "leo_placement.txt"
DEV_PROBLEMS = ROOT / "tests" / "data" / "wireless_dev.jsonl"
"""The project's dev problems (a copy of ../shared/benchmarks/wireless_dev.jsonl), for tests that solve them."""


@pytest.fixture(scope="session")
def kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped templates' knowledge base, built once for the whole session: every test (and every process a
    test starts) that points LAMOPT_KB_PATH or kb_path here opens it instead of embedding the templates again."""
    from knowledge_base.store import TemplateStore

    path = tmp_path_factory.mktemp("kb")
    TemplateStore(path)
    return path


@pytest.fixture
def leo_text() -> str:
    return EXAMPLE.read_text()


def leo_binding(**changes: Any) -> dict[str, Any]:
    """The correct binding of the LEO example, with optional changes for tests that need a wrong one."""
    binding: dict[str, Any] = {
        "delay_table": "T1",
        "cpu_requirement_list": "L1",
        "cpu_capacity_list": "L2",
        "applications": [
            {"name": "A", "first_microservice": "A1", "access_satellite": "S1", "requests_per_second": 30},
            {"name": "B", "first_microservice": "B1", "access_satellite": "S4", "requests_per_second": 10},
        ],
        "objective": "request-weighted average latency",
    }
    binding.update(changes)
    return binding


class _NoNetwork(socket.socket):
    """Unit tests may talk to loopback (their own servers) and nothing else."""

    def connect(self, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")) and "/" not in host:
            raise OSError(f"network disabled in tests: tried to reach {address}")
        super().connect(address)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "socket", _NoNetwork)


def dump(data: Any) -> str:
    return json.dumps(data, indent=1, default=str)
