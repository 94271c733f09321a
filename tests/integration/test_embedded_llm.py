"""Real parts: the embedded model in llama.cpp's OpenAI-compatible server, reached through the backbone factory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agents.backbone import EmbeddedServer, LlamaCppChat, chat_model, structured_call
from agents.context import Context
from knowledge_base.templates.leo_microservice_placement import TEMPLATE
from lamopt.api import stream
from tests.conftest import leo_binding
from tests.test_leo_template import brute_force
from tools.textdata import parse_text

pytestmark = pytest.mark.integration

CONSTELLATION_SCHEMA = {
    "title": "constellation",
    "type": "object",
    "properties": {
        "orbital_planes": {"type": "integer", "description": "number of orbital planes"},
        "satellites_per_plane": {"type": "integer", "description": "satellites in each plane"},
        "altitude_km": {"type": "number"},
    },
    "required": ["orbital_planes", "satellites_per_plane", "altitude_km"],
}
TEXT = "The operator flies a Walker-Delta constellation of 6 orbital planes with 8 satellites in each plane at 550 km altitude."
SYSTEM = "Extract the numbers the text states into JSON. Copy numbers exactly; never compute."


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    started = EmbeddedServer.shared()
    yield started


def test_structured_extraction_round_trip_through_the_factory(server: EmbeddedServer) -> None:
    model = chat_model(Context(llm_backend="embedded", llm_url=""))
    assert isinstance(model, LlamaCppChat)
    answer, tokens = structured_call(model, CONSTELLATION_SCHEMA, SYSTEM, TEXT, attempts=3)
    assert answer == {"orbital_planes": 6, "satellites_per_plane": 8, "altitude_km": 550}
    assert answer["orbital_planes"] * answer["satellites_per_plane"] == 48  # derived in code, as the design says
    assert tokens > 0


def test_plain_openai_compatible_http_server(server: EmbeddedServer) -> None:
    """The generic OpenAI backend against llama.cpp's HTTP server: json_schema is refused there, so the backbone
    falls back to a forced tool call and still returns schema-valid JSON."""
    model = chat_model(Context(llm_backend="openai", llm_url=server.url))
    assert not isinstance(model, LlamaCppChat)
    answer, _ = structured_call(model, CONSTELLATION_SCHEMA, SYSTEM, TEXT, attempts=3, endpoint=server.url)
    assert answer["orbital_planes"] == 6 and answer["satellites_per_plane"] == 8


def test_demo_problem_end_to_end_with_the_embedded_model(server: EmbeddedServer, leo_text: str, kb_dir: Path) -> None:
    context = Context(llm_backend="embedded", llm_url="", kb_path=str(kb_dir))
    steps = list(stream(leo_text, context=context, checkpointer=InMemorySaver()))
    report = steps[-1].data["report"]
    params, _ = TEMPLATE.assemble(leo_binding(), parse_text(leo_text))
    assert report["status"] == "optimal"
    assert report["objective"] == pytest.approx(brute_force(params), abs=1e-6)
