"""The chromadb template store: offline MiniLM embeddings, rebuild on change, user templates found without code changes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import chromadb
from chromadb.config import Settings

from knowledge_base.catalog import load_templates
from knowledge_base.store import COLLECTION, TemplateStore
from tests.conftest import ROOT

USER_TEMPLATE = """
from knowledge_base.templates.leo_microservice_placement import LeoMicroservicePlacement


class UavPlacement(LeoMicroservicePlacement):
    id = "user_uav_hover_points"
    family = "uav_placement"
    title = "UAV hovering positions for ground-user coverage"
    description = "Choose hovering points of unmanned aerial vehicles (drones) so every ground user is covered."
    examples = ("Place 3 UAVs over a disaster area so that all rescue teams have coverage.",)


TEMPLATE = UavPlacement()
"""


def test_finds_the_leo_template_and_scores_unrelated_text_low(kb_dir: Path, leo_text: str) -> None:
    store = TemplateStore(kb_dir)
    hit = store.search(leo_text, k=1)[0]
    assert hit.template_id == "leo_microservice_placement" and hit.score > 0.5
    assert store.search("Tell me a joke about penguins.", k=1)[0].score < 0.3


def test_a_dropped_user_template_is_found_and_triggers_a_rebuild(tmp_path: Path) -> None:
    kb, user = tmp_path / "kb", tmp_path / "mine"
    user.mkdir()
    before = TemplateStore(kb, user)
    (user / "uav.py").write_text(USER_TEMPLATE)
    after = TemplateStore(kb, user)
    assert after.content_hash != before.content_hash
    assert after.search("where should the drones hover to cover the rescue teams", k=1)[0].template_id == "user_uav_hover_points"
    shutil.rmtree(user)
    assert "user_uav_hover_points" not in load_templates(None)
    assert TemplateStore(kb, None).content_hash == before.content_hash


def lamopt_kb(args: list[str], kb: Path, user: Path) -> subprocess.CompletedProcess[str]:
    """`lamopt kb ...` as a user runs it: a fresh process, the user folder named only by the environment."""
    environment = {**os.environ, "LAMOPT_KB_PATH": str(kb), "LAMOPT_USER_TEMPLATES_DIR": str(user), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "lamopt.cli", "kb", *args], capture_output=True, text=True, cwd=ROOT, env=environment, timeout=300
    )


def content_hash_of(stdout: str) -> str:
    found = re.search(r"content hash (\w+)", stdout)
    assert found, stdout
    return found.group(1)


def test_lamopt_kb_search_finds_a_dropped_user_template_and_rebuilds_when_the_file_changes(tmp_path: Path) -> None:
    kb, user = tmp_path / "kb", tmp_path / "mine"
    user.mkdir()
    (user / "uav.py").write_text(USER_TEMPLATE)
    first = lamopt_kb(["search", "where should the drones hover to cover the rescue teams", "-k", "1"], kb, user)
    assert first.returncode == 0, first.stderr
    assert "user_uav_hover_points  (uav_placement)" in first.stdout

    edited = USER_TEMPLATE.replace(
        "Choose hovering points of unmanned aerial vehicles (drones) so every ground user is covered.",
        "Moor tethered balloons carrying LTE base stations above flooded villages so that every shelter gets signal.",
    )
    assert edited != USER_TEMPLATE
    (user / "uav.py").write_text(edited)
    second = lamopt_kb(
        ["search", "moor tethered balloons over the flooded shelters", "-k", "1", "--retrieval", "dense"], kb, user
    )
    assert second.returncode == 0, second.stderr
    assert "user_uav_hover_points  (uav_placement)" in second.stdout and "dense retrieval" in second.stdout
    assert content_hash_of(second.stdout) != content_hash_of(first.stdout)
    # The persistent collection on disk now holds the edited description: the CLI rebuilt it, not just re-hashed.
    client = chromadb.PersistentClient(path=str(kb), settings=Settings(anonymized_telemetry=False))
    stored = client.get_collection(COLLECTION).get(where={"template_id": "user_uav_hover_points"}, include=["documents"])
    assert any("tethered balloons" in doc for doc in stored["documents"] or [])
    assert not any("hovering points" in doc for doc in stored["documents"] or [])
