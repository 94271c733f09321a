"""The chromadb template store: offline MiniLM embeddings, rebuild on change, user templates found without code changes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings

from knowledge_base.catalog import AnyTemplate, load_templates
from knowledge_base.store import COLLECTION, TemplateStore
from knowledge_base.templates.leo_microservice_placement import LeoMicroservicePlacement
from tests.conftest import ROOT

# A topic no shipped template covers, so the test holds whatever templates knowledge_base/templates/ gains.
USER_TEMPLATE = """
from knowledge_base.templates.leo_microservice_placement import LeoMicroservicePlacement


class RfidInventory(LeoMicroservicePlacement):
    id = "user_rfid_inventory"
    family = "rfid_inventory"
    title = "RFID reader inventory rounds"
    description = "Choose the frame sizes of an RFID reader's inventory rounds so that every tag in the warehouse is read."
    examples = ("A reader must identify 200 passive tags on pallets; pick the slotted-ALOHA frame sizes.",)


TEMPLATE = RfidInventory()
"""


def test_finds_the_leo_template_and_scores_unrelated_text_low(kb_dir: Path, leo_text: str) -> None:
    store = TemplateStore(kb_dir)
    hit = store.search(leo_text, k=1)[0]
    assert hit.template_id == "leo_microservice_placement" and hit.score > 0.5
    assert store.search("Tell me a joke about penguins.", k=1)[0].score < 0.3


def described(template_id: str, family: str, title: str, description: str, example: str) -> AnyTemplate:
    """A template that differs from the LEO one only in the words retrieval reads."""
    attributes = {"id": template_id, "family": family, "title": title, "description": description, "examples": (example,)}
    return type(template_id, (LeoMicroservicePlacement,), attributes)()  # type: ignore[no-any-return]


# A fixed corpus, so the test does not change when templates are added to knowledge_base/templates/.
POWER_CORPUS = [
    described(
        "min_total_power",
        "power_control_sinr",
        "Minimum total transmit power under SINR targets",
        "Interfering links share a channel; choose transmit powers that meet every receiver's SINR target "
        "with the least total power.",
        "Three links with a gain table and noise powers need SINR of 6, 4 and 5; minimize total power.",
    ),
    described(
        "max_min_sinr",
        "power_control_sinr",
        "Max-min SINR power control",
        "Choose the transmit powers of interfering links to maximize the worst link's SINR under per-link power limits.",
        "Four links, powers at most 10 mW: make the weakest SINR as large as possible.",
    ),
    described(
        "bits_per_joule",
        "energy_efficiency",
        "Energy-efficient power allocation",
        "Maximize bits per joule: sum rate divided by transmit plus circuit power, "
        "solved by Dinkelbach's fractional programming.",
        "Maximize energy efficiency of two links with circuit power 100 mW.",
    ),
    described(
        "association",
        "user_association",
        "User association",
        "Associate each user with one base station to maximize the sum rate under per-cell user limits.",
        "Eight users, a macro and two small cells; each cell serves at most some users.",
    ),
]


def test_hybrid_puts_the_template_naming_the_method_first_where_dense_alone_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("knowledge_base.store.load_templates", lambda user_dir=None: {t.id: t for t in POWER_CORPUS})
    store = TemplateStore(tmp_path / "kb")
    # The sentence is about setting link powers, which MiniLM matches to the power-control templates; only the
    # word "Dinkelbach" says which formulation is meant, and only one template has it.
    text = "Set the transmit powers of the links with Dinkelbach's method."
    dense = store.search(text, k=4, mode="dense")
    hybrid = store.search(text, k=4, mode="hybrid")
    assert dense[0].template_id != "bits_per_joule"
    assert hybrid[0].template_id == "bits_per_joule"
    assert max(dense, key=lambda h: h.keyword).template_id == "bits_per_joule"
    # The score keeps its meaning across modes: the same cosine similarity for the same template.
    assert {h.template_id: h.score for h in hybrid} == {h.template_id: h.score for h in dense}
    assert all(h.fused == 0.0 for h in dense) and hybrid[0].fused > 0.0


def test_an_unknown_retrieval_mode_is_refused(kb_dir: Path) -> None:
    with pytest.raises(ValueError, match="not one of hybrid, dense"):
        TemplateStore(kb_dir).search("place microservices", mode="sparse")  # type: ignore[arg-type]


def test_a_dropped_user_template_is_found_and_triggers_a_rebuild(tmp_path: Path, kb_dir: Path) -> None:
    kb, user = kb_dir, tmp_path / "mine"  # the shipped templates' collection is there already; a user's gets its own
    user.mkdir()
    before = TemplateStore(kb, user)
    (user / "rfid.py").write_text(USER_TEMPLATE)
    after = TemplateStore(kb, user)
    assert after.content_hash != before.content_hash
    assert (
        after.search("how large should the RFID reader's frames be to read all the tags", k=1)[0].template_id
        == "user_rfid_inventory"
    )
    shutil.rmtree(user)
    assert "user_rfid_inventory" not in load_templates(None)
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
    (user / "rfid.py").write_text(USER_TEMPLATE)
    first = lamopt_kb(["search", "how large should the RFID reader's frames be to read all the tags", "-k", "1"], kb, user)
    assert first.returncode == 0, first.stderr
    assert "user_rfid_inventory  (rfid_inventory)" in first.stdout

    edited = USER_TEMPLATE.replace(
        "Choose the frame sizes of an RFID reader's inventory rounds so that every tag in the warehouse is read.",
        "Plan the round trip of a robot that recharges the soil-moisture sensors of a vineyard before their batteries die.",
    )
    assert edited != USER_TEMPLATE
    (user / "rfid.py").write_text(edited)
    query = "in which order should the robot recharge the vineyard sensors"
    second = lamopt_kb(["search", query, "-k", "1", "--retrieval", "dense"], kb, user)
    assert second.returncode == 0, second.stderr
    assert "user_rfid_inventory  (rfid_inventory)" in second.stdout and "dense retrieval" in second.stdout
    assert content_hash_of(second.stdout) != content_hash_of(first.stdout)
    # The persistent collection on disk now holds the edited description: the CLI rebuilt it, not just re-hashed.
    client = chromadb.PersistentClient(path=str(kb), settings=Settings(anonymized_telemetry=False))
    stored = client.get_collection(f"{COLLECTION}-{content_hash_of(second.stdout)}").get(
        ids=["user_rfid_inventory"], include=["documents"]
    )
    assert any("vineyard" in doc for doc in stored["documents"] or [])
    assert not any("warehouse" in doc for doc in stored["documents"] or [])


def test_each_shipped_template_file_is_named_after_its_template_id() -> None:
    """One name for a template: `knowledge_base/templates/<id>.py` defines the template with that id."""
    import importlib
    import pkgutil

    import knowledge_base.templates as shipped

    for info in pkgutil.iter_modules(shipped.__path__):
        if not info.name.startswith("_"):
            assert importlib.import_module(f"{shipped.__name__}.{info.name}").TEMPLATE.id == info.name
