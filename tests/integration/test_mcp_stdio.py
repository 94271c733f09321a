"""Real parts: `lamopt mcp` over stdio in a subprocess, driven by the SDK's client, solving the LEO example with
the embedded model (llama.cpp), and nothing of it left running once the client hangs up."""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

from tests.conftest import EXAMPLE, ROOT
from tests.test_mcp_server import TOOLS

pytestmark = pytest.mark.integration


def _running_with(marker: str) -> list[int]:
    """Processes whose environment carries `marker` (the server and the llama.cpp server it starts inherit it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes().split(b"\0"):
                    if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
                        found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_an_mcp_client_solves_the_leo_example_through_lamopt_mcp_over_stdio(tmp_path: Path) -> None:
    marker = f"LAMOPT_TEST_RUN={uuid.uuid4().hex}"
    env = {
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "ORT_DISABLE_TELEMETRY": "1",
        "LAMOPT_KB_PATH": str(tmp_path / "kb"),
        "LAMOPT_CHECKPOINTS": str(tmp_path / "ck.sqlite"),
        "LAMOPT_RUNS_DIR": str(tmp_path / "runs"),
        marker.split("=")[0]: marker.split("=")[1],
    }
    params = StdioServerParameters(command=sys.executable, args=["-m", "lamopt.cli", "mcp"], env=env, cwd=str(tmp_path))
    seen: dict[str, Any] = {"progress": []}

    async def note(progress: float, total: float | None, message: str | None) -> None:
        seen["progress"].append(message)

    async def talk() -> None:
        async with Client(params, read_timeout_seconds=900) as client:
            seen["tools"] = {t.name for t in (await client.list_tools()).tools}
            seen["hits"] = await client.call_tool("kb_search", {"query": EXAMPLE.read_text(), "k": 3})
            seen["bad"] = await client.call_tool("solve", {"problem": "x", "settings": {"solver": "gurobi"}})
            seen["solve"] = await client.call_tool("solve", {"problem": EXAMPLE.read_text()}, progress_callback=note)
            seen["running"] = _running_with(marker)

    anyio.run(talk)
    assert seen["tools"] == TOOLS
    assert seen["hits"].structured_content["result"][0]["template_id"] == "leo_microservice_placement"
    assert seen["bad"].is_error and "gurobi" in seen["bad"].content[0].text
    answer = seen["solve"].structured_content
    assert not seen["solve"].is_error, seen["solve"].content
    assert answer["status"] == "optimal" and answer["objective"] == pytest.approx(10.5, abs=1e-6)
    assert any(m and m.startswith("modeler: ") for m in seen["progress"])
    assert len(seen["running"]) >= 2  # lamopt mcp and the llama.cpp server it started
    deadline = time.monotonic() + 30
    while _running_with(marker) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _running_with(marker) == [], "lamopt mcp or its llama.cpp server outlived the client"
