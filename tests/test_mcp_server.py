"""`lamopt mcp`: the SDK's own client against lamopt's MCP server (in memory, over stdio, over streamable HTTP).

The in-memory client speaks the real protocol (tools/list, tools/call, resources/read, progress notifications,
elicitation in both protocol eras) without a subprocess; a scripted chat model stands in for the LLM. The stdio
and HTTP tests start `lamopt mcp` as a subprocess. The real embedded model solving through MCP is in
tests/integration/test_mcp_stdio.py.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp import Client, MCPError, StdioServerParameters
from mcp.client import ClientRequestContext
from mcp.client.streamable_http import streamable_http_client
from mcp.types import BlobResourceContents, CallToolResult, ElicitRequestParams, ElicitResult, TextResourceContents

from agents.context import Context
from knowledge_base.catalog import load_templates
from lamopt.checkpoints import sqlite_saver
from lamopt.cli import main
from lamopt.mcp_server import HttpRefused, build_server, serve
from tests.conftest import EXAMPLE, ROOT, leo_binding
from tests.fakes import ScriptedChatModel
from tools.solvers.sandbox import isolation

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FOLLOW_UP = "What if S3 loses 2 of its cores?\nCPU capacity now (cores): S1 4, S2 3, S3 1, S4 4, S5 3, S6 3."
TOOLS = {
    "solve",
    "follow_up",
    "kb_search",
    "list_templates",
    "leo_placement",
    "drib_mobo",
    "beamforming_cellfree",
    "beamforming_isac",
}


class _Server:
    """An MCP server over a scripted chat model; `script` is what the model answers, shared by all its runs."""

    def __init__(self, tmp_path: Path, kb_dir: Path, script: list[Any]) -> None:
        self.fake = ScriptedChatModel(script=script)
        self.runs = tmp_path / "runs"
        context = Context(chat_model=self.fake, kb_path=str(kb_dir), runs_dir=str(self.runs))
        self.server = build_server(lambda: context, sqlite_saver(tmp_path / "ck.sqlite"))


def _talk(server: Any, talk: Callable[[Client], Awaitable[None]], **client: Any) -> None:
    async def run() -> None:
        async with Client(server, **client) as connected:
            await talk(connected)

    anyio.run(run)


def test_the_tools_are_listed_with_descriptions_and_json_schemas(tmp_path: Path, kb_dir: Path) -> None:
    listed: dict[str, Any] = {}

    async def talk(client: Client) -> None:
        listed.update({tool.name: tool for tool in (await client.list_tools()).tools})

    _talk(_Server(tmp_path, kb_dir, []).server, talk)
    assert set(listed) == TOOLS
    assert all(len(tool.description or "") > 60 for tool in listed.values())
    solve = listed["solve"].input_schema
    assert solve["required"] == ["problem"] and set(solve["properties"]) == {"problem", "data", "settings"}
    settings = solve["$defs"]["SolveSettings"]
    assert settings["additionalProperties"] is False
    assert set(settings["properties"]) == {"solver", "solver_time_limit_s", "max_iterations", "review_points", "retrieval"}
    assert "llm_url" not in json.dumps(solve) and "user_templates" not in json.dumps(solve)  # the server's choice
    assert listed["solve"].output_schema is not None and "thread_id" in listed["solve"].output_schema["properties"]
    assert listed["kb_search"].input_schema["properties"]["k"]["maximum"] == 20
    for name in ("beamforming_cellfree", "beamforming_isac"):  # a client never names a checkpoint to unpickle
        assert "checkpoint" not in json.dumps(listed[name].input_schema)
    assert "ScenarioConfig" in listed["leo_placement"].input_schema["$defs"]
    assert listed["list_templates"].annotations is not None and listed["list_templates"].annotations.read_only_hint


def test_solve_reports_progress_and_the_verified_optimum_and_its_resources_then_a_follow_up(tmp_path: Path, kb_dir: Path) -> None:
    served = _Server(tmp_path, kb_dir, [leo_binding(), leo_binding(cpu_capacity_list="L3")])
    notes: list[tuple[float, str | None]] = []
    seen: dict[str, Any] = {}

    async def note(progress: float, total: float | None, message: str | None) -> None:
        notes.append((progress, message))

    async def talk(client: Client) -> None:
        result = await client.call_tool("solve", {"problem": EXAMPLE.read_text()}, progress_callback=note)
        seen["solve"] = result
        answer = result.structured_content
        assert answer is not None
        report = await client.read_resource(answer["report_uri"])
        seen["report"] = report.contents[0]
        seen["figure"] = (await client.read_resource(answer["figures"][0])).contents[0]
        seen["follow_up"] = await client.call_tool("follow_up", {"thread_id": answer["thread_id"], "text": FOLLOW_UP})

    _talk(served.server, talk)
    result: CallToolResult = seen["solve"]
    assert not result.is_error
    answer = result.structured_content
    assert answer is not None
    assert answer["status"] == "optimal" and answer["objective"] == pytest.approx(10.5)
    assert {row["microservice"] for row in answer["solution"]} == {"A1", "A2", "A3", "B1", "B2", "B3"}
    assert answer["reviews"] == [] and answer["report_uri"] == f"lamopt://runs/{answer['thread_id']}/report"
    assert "**Objective:** 10.5" in result.content[0].text  # type: ignore[union-attr]  # the report, for the model to read
    # Each agent step arrived as a progress notification while the run went on, counting up.
    assert len(notes) >= 7 and [p for p, _ in notes] == sorted({p for p, _ in notes})
    assert notes[0][1] is not None and notes[0][1].startswith("retriever: ")
    assert any(m is not None and m.startswith("invoker: ") for _, m in notes)
    report = seen["report"]
    assert isinstance(report, TextResourceContents) and report.mime_type == "text/markdown"
    assert "**Objective:** 10.5" in report.text and "## What the agents did" in report.text
    figure = seen["figure"]
    assert isinstance(figure, BlobResourceContents) and base64.b64decode(figure.blob)[:8] == PNG_MAGIC
    # The follow-up revised the same thread: S3 lost cores, so the placement (and maybe the latency) changed.
    again = seen["follow_up"].structured_content
    assert again is not None and again["thread_id"] == answer["thread_id"] and again["status"] == "optimal"
    assert again["objective"] >= 10.5 and {r["microservice"]: r["satellite"] for r in again["solution"]}["B1"] != "S3"
    assert "Follow-up from the user" in served.fake.user_texts()[1]


@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_review_points_are_asked_by_elicitation_in_either_protocol_era(tmp_path: Path, kb_dir: Path, mode: str) -> None:
    """On 2026-07-28 the question comes back in the result and the client retries with the answer; on 2025-11-25
    the server asks mid-call. Either way an answer that does not read is asked again, saying what was wrong."""
    served = _Server(tmp_path, kb_dir, [leo_binding(), leo_binding()])
    questions: list[str] = []
    replies = [
        ElicitResult(action="accept", content={"action": "edit", "text": "S3 gets 5 cores"}),  # not a binding
        ElicitResult(action="accept", content={"action": "approve"}),
        ElicitResult(action="accept", content={"action": "approve"}),
    ]

    async def answer(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
        questions.append(params.message)
        return replies.pop(0)

    seen: dict[str, Any] = {}

    async def talk(client: Client) -> None:
        seen["version"] = client.protocol_version
        settings = {"review_points": ["after_modeling", "before_solving"]}
        seen["result"] = await client.call_tool("solve", {"problem": EXAMPLE.read_text(), "settings": settings})

    _talk(served.server, talk, mode=mode, elicitation_callback=answer)
    assert seen["version"] == ("2026-07-28" if mode == "auto" else "2025-11-25")
    result = seen["result"].structured_content
    assert result["status"] == "optimal" and result["objective"] == pytest.approx(10.5)
    assert result["reviews"] == [
        {"point": "after_modeling", "action": "approve", "by": "client"},
        {"point": "before_solving", "action": "approve", "by": "client"},
    ]
    assert len(questions) == 3 and "'after modeling'" in questions[0] and "Binding: " in questions[0]
    assert "did not read" in questions[1] and "JSON" in questions[1]
    assert "'before solving'" in questions[2] and "Plan: solver" in questions[2]


def test_a_declined_review_stops_the_run(tmp_path: Path, kb_dir: Path) -> None:
    served = _Server(tmp_path, kb_dir, [leo_binding()])

    async def decline(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
        return ElicitResult(action="decline")

    seen: dict[str, Any] = {}

    async def talk(client: Client) -> None:
        args = {"problem": EXAMPLE.read_text(), "settings": {"review_points": ["before_solving"]}}
        seen["result"] = await client.call_tool("solve", args)

    _talk(served.server, talk, elicitation_callback=decline)
    result = seen["result"].structured_content
    assert result["status"] == "stopped" and result["objective"] is None
    assert result["reviews"] == [{"point": "before_solving", "action": "stop", "by": "client"}]


def test_a_client_that_cannot_be_asked_gets_review_points_approved_and_listed(tmp_path: Path, kb_dir: Path) -> None:
    served = _Server(tmp_path, kb_dir, [leo_binding()])
    seen: dict[str, Any] = {}

    async def talk(client: Client) -> None:
        args = {"problem": EXAMPLE.read_text(), "settings": {"review_points": ["after_modeling"]}}
        seen["result"] = await client.call_tool("solve", args)

    _talk(served.server, talk)  # no elicitation_callback: the client declares no elicitation capability
    result = seen["result"]
    assert result.structured_content["status"] == "optimal"
    approved = {"point": "after_modeling", "action": "approve", "by": "approved automatically"}
    assert result.structured_content["reviews"] == [approved]
    assert "review point after_modeling: approve (approved automatically)" in result.content[0].text


def test_an_attached_data_file_is_kept_with_the_thread_and_read_into_the_problem(tmp_path: Path, kb_dir: Path) -> None:
    served = _Server(tmp_path, kb_dir, [leo_binding()])
    seen: dict[str, Any] = {}
    rates = json.dumps({"request_rates": {"A": 30, "B": 10}})

    async def talk(client: Client) -> None:
        data = [{"name": "rates.json", "content": rates}]
        seen["result"] = await client.call_tool("solve", {"problem": EXAMPLE.read_text(), "data": data})

    _talk(served.server, talk)
    thread = seen["result"].structured_content["thread_id"]
    kept = served.runs / thread / "data" / "rates.json"
    assert kept.read_text() == rates
    assert "Data file rates.json" in served.fake.user_texts()[0]  # the Modeler was shown the attached table


def test_bad_arguments_get_mcp_errors_and_the_server_keeps_serving(tmp_path: Path, kb_dir: Path) -> None:
    served = _Server(tmp_path, kb_dir, [])
    errors: dict[str, str] = {}
    seen: dict[str, Any] = {}

    async def talk(client: Client) -> None:
        calls: dict[str, tuple[str, dict[str, Any]]] = {
            "no problem": ("solve", {}),
            "empty problem": ("solve", {"problem": "   "}),
            "unknown setting": ("solve", {"problem": "x", "settings": {"llm_url": "http://elsewhere"}}),
            "bad review point": ("solve", {"problem": "x", "settings": {"review_points": ["never"]}}),
            "path as file name": ("solve", {"problem": "x", "data": [{"name": "../../etc/passwd.json", "content": "{}"}]}),
            "k zero": ("kb_search", {"query": "latency", "k": 0}),
            "unknown thread": ("follow_up", {"thread_id": "nope", "text": "and now?"}),
            "checkpoint path": ("beamforming_cellfree", {"inputs": {"checkpoint": "/tmp/evil.pt"}}),
            "unknown tool": ("launch_rockets", {}),
        }
        for label, (tool, arguments) in calls.items():
            result = await client.call_tool(tool, arguments)
            assert result.is_error, label
            errors[label] = result.content[0].text  # type: ignore[union-attr]
        try:
            await client.read_resource("lamopt://runs/nope/report")
        except MCPError as exc:
            errors["unknown report"] = str(exc)
        seen["templates"] = await client.call_tool("list_templates", {})

    _talk(served.server, talk)
    assert "problem" in errors["no problem"] and "Field required" in errors["no problem"]
    assert "the problem text is empty" in errors["empty problem"]
    assert "llm_url" in errors["unknown setting"] and "Extra inputs are not permitted" in errors["unknown setting"]
    assert "never" in errors["bad review point"]
    assert "String should match pattern" in errors["path as file name"]
    assert "greater than or equal to 1" in errors["k zero"]
    assert "has no finished run" in errors["unknown thread"]
    assert "checkpoint" in errors["checkpoint path"] and "None" in errors["checkpoint path"]
    assert "launch_rockets" in errors["unknown tool"]
    assert "has no report" in errors["unknown report"]
    assert not (tmp_path / "etc").exists()
    templates = seen["templates"]
    assert not templates.is_error and any(t["id"] == "leo_microservice_placement" for t in templates.structured_content["result"])


def test_kb_search_finds_the_leo_template_first(tmp_path: Path, kb_dir: Path) -> None:
    seen: dict[str, Any] = {}

    async def talk(client: Client) -> None:
        seen["hits"] = await client.call_tool("kb_search", {"query": EXAMPLE.read_text(), "k": 2})

    _talk(_Server(tmp_path, kb_dir, []).server, talk)
    hits = seen["hits"].structured_content["result"]
    assert len(hits) == 2 and hits[0]["template_id"] == "leo_microservice_placement"
    assert hits[0]["similarity"] > 0.5 and hits[0]["title"]


def test_leo_placement_alone_solves_a_generated_constellation_to_the_branch_and_bound_optimum(
    tmp_path: Path, kb_dir: Path
) -> None:
    scenario = {
        "shell": {"planes": 4, "satellites_per_plane": 6, "altitude_km": 2000, "inclination_deg": 60, "phasing": 1},
        "applications": 2,
        "microservices_per_application": 3,
        "seed": 5,
        "branching": 0.0,
    }
    seen: dict[str, Any] = {}

    async def talk(client: Client) -> None:
        result = await client.call_tool("leo_placement", {"inputs": {"scenario": scenario, "solver": "highs"}})
        seen["result"] = result
        seen["figure"] = (await client.read_resource(result.structured_content["figures"][0])).contents[0]

    _talk(_Server(tmp_path, kb_dir, []).server, talk)
    out = seen["result"].structured_content
    assert out["status"] == "optimal" and out["solver"] == "highs" and out["run_id"].startswith("tool-")
    assert len(out["solution"]) == 6  # one row per microservice
    methods = {row["method"]: row for row in out["comparisons"]}
    exact = methods["branch and bound"]
    assert exact["note"].endswith("proved optimal")  # an independent exact method agrees with the MILP
    assert exact["total latency (ms)"] == pytest.approx(out["objective"], abs=1e-3)
    assert methods["random"]["total latency (ms)"] >= out["objective"] - 1e-6
    assert base64.b64decode(seen["figure"].blob)[:8] == PNG_MAGIC


def test_drib_mobo_alone_returns_a_pareto_front(tmp_path: Path, kb_dir: Path) -> None:
    inputs = {
        "problem": "formulas",
        "objectives": ["x[0]**2 + x[1]**2", "(x[0] - 1)**2 + x[1]**2"],
        "lower": [-1.0, -1.0],
        "upper": [2.0, 1.0],
        "budget": 10,
        "n_init": 6,
        "batch_size": 2,
        "device": "cpu",
    }
    seen: dict[str, Any] = {}

    async def talk(client: Client) -> None:
        seen["result"] = await client.call_tool("drib_mobo", {"inputs": inputs})
        seen["bad"] = await client.call_tool("drib_mobo", {"inputs": {"problem": "formulas", "budget": 10}})

    _talk(_Server(tmp_path, kb_dir, []).server, talk)
    out = seen["result"].structured_content
    assert out["status"] == "feasible" and out["solution"]["n_evaluations"] == 10
    assert out["objective"] == pytest.approx(out["solution"]["hypervolume_history"][-1])
    assert out["figures"][0].startswith(f"lamopt://runs/{out['run_id']}/figures/")
    assert seen["bad"].is_error and "needs objectives" in seen["bad"].content[0].text


def test_the_beamforming_tools_alone_run_the_shipped_models(tmp_path: Path, kb_dir: Path) -> None:
    seen: dict[str, Any] = {}

    async def talk(client: Client) -> None:
        cellfree = {"n_aps": 6, "antennas_per_ap": 2, "n_users": 3, "seed": 5}
        seen["cellfree"] = await client.call_tool("beamforming_cellfree", {"inputs": cellfree})
        seen["isac"] = await client.call_tool("beamforming_isac", {"inputs": {"n_antennas": 8, "n_users": 2, "seed": 3}})

    _talk(_Server(tmp_path, kb_dir, []).server, talk)
    cellfree = seen["cellfree"].structured_content
    assert cellfree["status"] == "feasible"
    assert cellfree["objective"] == pytest.approx(cellfree["solution"]["sum_rates"]["LAM+WMMSE"])
    isac = seen["isac"].structured_content
    assert isac["status"] == "feasible" and min(isac["solution"]["sinr_db"]) >= 10.0 - 1e-2


# --- lamopt mcp as a subprocess --------------------------------------------------------------------------------------


def _environment(tmp_path: Path, kb_dir: Path) -> dict[str, str]:
    return {
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "ORT_DISABLE_TELEMETRY": "1",
        "LAMOPT_KB_PATH": str(kb_dir),
        "LAMOPT_CHECKPOINTS": str(tmp_path / "ck.sqlite"),
        "LAMOPT_RUNS_DIR": str(tmp_path / "runs"),
        "LAMOPT_LLM_URL": "http://127.0.0.1:9/v1",  # nothing here calls the LLM; none may start
    }


def test_lamopt_mcp_over_stdio_lists_tools_and_answers_bad_arguments_with_errors(tmp_path: Path, kb_dir: Path) -> None:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "lamopt.cli", "mcp"], env=_environment(tmp_path, kb_dir), cwd=str(tmp_path)
    )
    seen: dict[str, Any] = {}

    async def talk(client: Client) -> None:
        seen["tools"] = {t.name for t in (await client.list_tools()).tools}
        seen["bad"] = await client.call_tool("solve", {"problem": 42})
        seen["templates"] = await client.call_tool("list_templates", {})

    _talk(params, talk)
    assert seen["tools"] == TOOLS
    assert seen["bad"].is_error and "Input should be a valid string" in seen["bad"].content[0].text
    listed = {t["id"] for t in seen["templates"].structured_content["result"]}
    assert listed == set(load_templates()) and "leo_microservice_placement" in listed  # the server's own catalog


def test_http_needs_the_operating_system_sandbox_and_says_why(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setattr(isolation, "isolation_status", lambda: (False, "bubblewrap (bwrap) is not installed"))
    monkeypatch.setenv(isolation.OVERRIDE_ENV, "1")  # accepting unisolated generated code does not open HTTP
    with pytest.raises(HttpRefused, match=r"operating-system sandbox in place: bubblewrap \(bwrap\) is not installed"):
        serve(Context, http=True)
    assert main(["mcp", "--http"]) == 2
    assert "only with the operating-system sandbox" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def http_server(tmp_path: Path, kb_dir: Path) -> Iterator[tuple[str, str]]:
    """`lamopt mcp --http` in a subprocess, as its command line starts it."""
    port, token = _free_port(), "test-token-" + os.urandom(6).hex()
    command = [sys.executable, "-m", "lamopt.cli", "mcp", "--http", "--port", str(port), "--token", token]
    sealed, why = isolation.isolation_status()
    assert sealed, f"the HTTP transport starts only with the operating-system sandbox, which is not here: {why}"
    process = subprocess.Popen(
        command, cwd=tmp_path, env={**os.environ, **_environment(tmp_path, kb_dir)}, stderr=subprocess.PIPE, text=True
    )
    url = f"http://127.0.0.1:{port}/mcp"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.3)
    try:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        yield url, token
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_http_transport_refuses_a_request_without_the_token(http_server: tuple[str, str]) -> None:
    url, token = http_server
    probe = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    headers = {"Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2026-07-28"}
    assert httpx.post(url, json=probe, headers=headers, timeout=10).status_code == 401
    wrong = httpx.post(url, json=probe, headers={**headers, "Authorization": "Bearer not-it"}, timeout=10)
    assert wrong.status_code == 401 and "invalid_token" in wrong.text
    seen: dict[str, Any] = {}

    async def talk() -> None:
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http:
            async with Client(streamable_http_client(url, http_client=http)) as client:
                seen["tools"] = {t.name for t in (await client.list_tools()).tools}
                seen["templates"] = await client.call_tool("list_templates", {})

    anyio.run(talk)
    assert seen["tools"] == TOOLS and not seen["templates"].is_error
