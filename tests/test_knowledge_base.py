"""The chromadb template store: offline MiniLM embeddings, rebuild on change, user templates found without code changes."""

from __future__ import annotations

import shutil
from pathlib import Path

from knowledge_base.catalog import load_templates
from knowledge_base.store import TemplateStore

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
