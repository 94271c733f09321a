"""The LAM beamformer: feasibility across sizes, frozen backbone under LoRA, checkpoints, and the tool entries.

The backbone is the embedded model's first layers (extracted once from the GGUF into the lamopt cache, ~2 min
the first time); behaviour tests use one layer and small sizes, the tool tests the shipped checkpoints.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from tests.conftest import ROOT
from tools.beamforming.channels import cell_free_batch, isac_batch, ula_steering
from tools.beamforming.checkpoints import load_checkpoint, save_checkpoint, shipped_checkpoint
from tools.beamforming.lam import LamBeamformer, LamConfig
from tools.beamforming.linear import mrt
from tools.beamforming.metrics import ap_power, beampattern, covariance, sinr, sum_rate
from tools.beamforming.tool import CellFreeInput, IsacInput, run_cellfree_tool, run_isac_tool
from tools.beamforming.train import train_cell_free

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def small_model() -> LamBeamformer:
    """One backbone layer, up to 3 users and 3 APs of 2 antennas: enough to test behaviour, fast to run."""
    torch.manual_seed(0)
    return LamBeamformer(LamConfig("cellfree", max_users=3, max_antennas=6, antennas_per_ap=2, backbone_layers=1))


def test_the_backbone_is_extracted_from_the_05b_whatever_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """On a fresh cache the extract was taken from the default chat model since it became the 1.5B (its layers 1536
    wide, the shipped checkpoints 896): every shipped-checkpoint test failed on a new machine."""
    from tools.beamforming import backbone

    asked: list[str] = []

    def record(name: str = "") -> Path:
        asked.append(name)
        raise RuntimeError("stop before loading")

    monkeypatch.setattr(backbone, "cache_dir", lambda: tmp_path)
    monkeypatch.setattr(backbone, "gguf_path", record)
    with pytest.raises(RuntimeError, match="stop before loading"):
        backbone.extract_first_layers(2)
    assert asked == ["qwen2.5-coder-0.5b"]


def test_shipped_cellfree_model_is_feasible_for_varying_user_and_ap_counts_without_retraining() -> None:
    model, _ = load_checkpoint(shipped_checkpoint("cellfree"))
    cfg = model.config
    max_aps = cfg.max_antennas // cfg.antennas_per_ap
    gen = torch.Generator().manual_seed(1)
    for n_aps, n_users in ((max_aps, cfg.max_users), (max_aps // 2, cfg.max_users - 1), (2, 1), (3, cfg.max_users)):
        scenes = cell_free_batch(6, n_aps, cfg.antennas_per_ap, n_users, seed=100 + n_aps)
        limits = 0.2 + 2.0 * torch.rand(6, n_aps, generator=gen)  # unequal limits: the projection must follow each AP's
        with torch.no_grad():
            W = model.cell_free(scenes.H, cfg.antennas_per_ap, limits, scenes.fading)
        assert W.shape == (6, n_aps * cfg.antennas_per_ap, n_users) and torch.isfinite(W).all()
        used = ap_power(W, cfg.antennas_per_ap)
        assert (used <= limits * (1 + 1e-5)).all(), (n_aps, n_users, (used / limits).max())
        assert (used.amax(-1) >= 0.5 * limits.amin(-1)).all()  # it does transmit, not a trivial zero answer
        assert (sum_rate(scenes.H, W) > 0).all()
    too_big = cell_free_batch(1, max_aps + 1, cfg.antennas_per_ap, 1, seed=0)
    with pytest.raises(ValueError, match="exceeds"):
        model.cell_free(too_big.H, cfg.antennas_per_ap, too_big.ap_power, too_big.fading)


def test_shipped_isac_model_uses_exactly_the_power_budget_for_any_user_count() -> None:
    model, _ = load_checkpoint(shipped_checkpoint("isac"))
    for n_users in range(1, model.config.max_users + 1):
        scenes = isac_batch(4, model.config.max_antennas, n_users, 10.0, seed=n_users)
        with torch.no_grad():
            W, radar, gates = model.isac(scenes.H, scenes.sinr_target, scenes.desired_pattern)
        power = torch.diagonal(covariance(W, radar), dim1=-2, dim2=-1).real.sum(-1)
        assert torch.allclose(power, torch.ones(4), atol=1e-4)
        assert W.shape == (4, model.config.max_antennas, n_users)
        assert torch.allclose(gates.sum(-1), torch.ones(4, n_users), atol=1e-5)  # mixture-of-experts weights
        # The power-control layer gives every user its SINR target (plus a 0.005 dB margin), no more.
        achieved = 10.0 * torch.log10(sinr(scenes.H, W, radar))
        assert torch.allclose(achieved, torch.full_like(achieved, 10.005), atol=2e-3), achieved


def test_untrained_isac_head_already_points_its_radar_power_at_the_targets() -> None:
    torch.manual_seed(0)
    model = LamBeamformer(LamConfig("isac", max_users=2, max_antennas=8, backbone_layers=1)).eval()
    scenes = isac_batch(4, 8, 2, 10.0, seed=21)
    with torch.no_grad():
        _, radar, _ = model.isac(scenes.H, scenes.sinr_target, scenes.desired_pattern)
    pattern = beampattern(radar @ radar.mH, ula_steering(scenes.grid_deg.numpy(), 8))  # the radar streams' share
    inside = (pattern * scenes.desired_pattern).sum(-1) / scenes.desired_pattern.sum(-1)
    outside = (pattern * (1 - scenes.desired_pattern)).sum(-1) / (1 - scenes.desired_pattern).sum(-1)
    assert (inside > 2.0 * outside).all(), (inside, outside)


def test_a_training_step_moves_lora_encoder_and_head_but_leaves_the_backbone_unchanged(small_model: LamBeamformer) -> None:
    frozen_before = {n: p.detach().clone() for n, p in small_model.backbone.named_parameters() if "lora_" not in n}
    trainable_before = {n: p.detach().clone() for n, p in small_model.named_parameters() if p.requires_grad}
    assert frozen_before and not any(p.requires_grad for n, p in small_model.backbone.named_parameters() if "lora_" not in n)
    assert any("lora_B" in n for n in trainable_before) and any(n.startswith("encoder.") for n in trainable_before)
    history = train_cell_free(small_model, steps=2, batch_size=4, seed=3, progress=False)
    assert len(history) == 2 and all(r > 0 for r in history)
    for name, param in small_model.backbone.named_parameters():
        if "lora_" not in name:
            assert torch.equal(param, frozen_before[name]), f"backbone weight {name} changed"
    after = dict(small_model.named_parameters())
    moved = {n for n, before in trainable_before.items() if not torch.equal(after[n], before)}
    assert any("lora_B" in n for n in moved), "LoRA adapters did not train"
    assert any(n.startswith("encoder.") for n in moved) and any(n.startswith("cellfree_head.") for n in moved)


def test_checkpoint_round_trip_reproduces_the_beams(small_model: LamBeamformer, tmp_path: Path) -> None:
    path = save_checkpoint(small_model, tmp_path / "small.pt", {"note": "test"})
    assert path.stat().st_size < 3_000_000  # encoder, adapters and head only; the backbone is rebuilt
    loaded, meta = load_checkpoint(path)
    assert meta == {"note": "test"} and loaded.config == small_model.config
    scenes = cell_free_batch(3, 2, 2, 2, seed=11)
    small_model.eval()
    with torch.no_grad():
        expected = small_model.cell_free(scenes.H, 2, scenes.ap_power, scenes.fading)
        got = loaded.cell_free(scenes.H, 2, scenes.ap_power, scenes.fading)
    assert torch.allclose(got, expected, atol=1e-5)
    wrong = LamBeamformer(LamConfig("isac", max_users=2, max_antennas=4, backbone_layers=1))
    payload = torch.load(path, weights_only=False)
    payload["config"] = wrong.config.to_dict()
    torch.save(payload, tmp_path / "mismatch.pt")
    with pytest.raises(RuntimeError, match="does not fit"):
        load_checkpoint(tmp_path / "mismatch.pt")


def test_shipped_checkpoints_are_small_and_fit_the_cpu_benchmark_sizes() -> None:
    expected = {"cellfree": (4, 16, 2), "isac": (2, 8, 1)}
    for task, (users, antennas, per_ap) in expected.items():
        for pretrained in (True, False):
            path = shipped_checkpoint(task, pretrained)
            assert path.stat().st_size < 4_000_000, path
            payload = torch.load(path, map_location="cpu", weights_only=False)
            config = payload["config"]
            assert (config["max_users"], config["max_antennas"], config["antennas_per_ap"]) == (users, antennas, per_ap)
            assert config["pretrained"] is pretrained and config["task"] == task


def test_cellfree_tool_runs_from_the_shipped_checkpoint(tmp_path: Path) -> None:
    out = run_cellfree_tool(CellFreeInput(n_aps=6, antennas_per_ap=2, n_users=3, seed=5), tmp_path)
    assert out["status"] == "feasible", out["summary"]
    solution = out["solution"]
    assert {"LAM", "MRT", "ZF", "RZF", "WMMSE", "LAM+WMMSE"} <= set(solution["sum_rates"])
    rates = solution["sum_rates"]
    assert rates["LAM+WMMSE"] >= rates["LAM"] - 1e-4  # WMMSE never lowers the sum rate of its start
    assert out["objective"] == pytest.approx(rates["LAM+WMMSE"])
    assert all(p <= lim * (1 + 1e-5) for p, lim in zip(solution["per_ap_power"], solution["ap_power_limit"], strict=True))
    assert len(solution["per_user_sinr_db"]) == 3 and "% of the best" in out["summary"]
    figure = Path(out["figures"][0])
    assert figure.parent == tmp_path and figure.read_bytes()[:8] == PNG_MAGIC


def test_cellfree_tool_answers_a_larger_network_than_its_checkpoint_with_wmmse_and_says_so(tmp_path: Path) -> None:
    model, _ = load_checkpoint(shipped_checkpoint("cellfree"))
    max_aps = model.config.max_antennas // model.config.antennas_per_ap
    for n_aps, per_ap, users in ((max_aps + 2, 2, 3), (4, 2, model.config.max_users + 1), (3, 3, 2)):
        out = run_cellfree_tool(CellFreeInput(n_aps=n_aps, antennas_per_ap=per_ap, n_users=users, seed=1), tmp_path)
        solution = out["solution"]
        assert out["status"] == "feasible" and solution["method"] == "WMMSE", out["summary"]
        assert not any(name.startswith("LAM") for name in solution["sum_rates"])  # no padding beyond what it learned
        assert out["summary"].startswith("Warning:") and len(solution["warnings"]) == 1
        command = f"lamopt train-beamformer cellfree --max-aps {n_aps} --antennas-per-ap {per_ap} --max-users {users}"
        assert command in solution["warnings"][0]
        assert out["checks"] == {"every AP within its power limit": True}
        assert len(solution["per_ap_power"]) == n_aps and solution["wmmse_iterations"] >= 1


def test_the_shipped_cellfree_models_unrolled_wmmse_step_never_lowers_the_heads_sum_rate() -> None:
    model, _ = load_checkpoint(shipped_checkpoint("cellfree"))
    assert model.config.wmmse_steps == 1
    scenes = cell_free_batch(16, 6, 2, 3, seed=4243)
    with torch.no_grad():
        head = model.cell_free(scenes.H, 2, scenes.ap_power, scenes.fading, wmmse_steps=0)
        full = model.cell_free(scenes.H, 2, scenes.ap_power, scenes.fading)
    assert (sum_rate(scenes.H, full) >= sum_rate(scenes.H, head) - 1e-4).all()
    assert sum_rate(scenes.H, full).mean() > sum_rate(scenes.H, head).mean()
    assert (ap_power(full, 2) <= scenes.ap_power * (1 + 1e-5)).all()


def test_cellfree_tool_lam_alone_beats_mrt_on_average(tmp_path: Path) -> None:
    """The shipped model learned something: without WMMSE refinement it beats MRT on seeded scenes."""
    model, _ = load_checkpoint(shipped_checkpoint("cellfree"))
    scenes = cell_free_batch(64, 8, 2, 4, seed=4242)
    with torch.no_grad():
        W = model.cell_free(scenes.H, 2, scenes.ap_power, scenes.fading)
    assert sum_rate(scenes.H, W).mean() > 1.1 * sum_rate(scenes.H, mrt(scenes.H, 2, scenes.ap_power)).mean()


def test_isac_tool_runs_from_the_shipped_checkpoint_and_meets_the_sinr_target(tmp_path: Path) -> None:
    out = run_isac_tool(IsacInput(n_antennas=8, n_users=2, sinr_db=10.0, seed=3), tmp_path)
    assert out["status"] == "feasible", out["summary"]
    solution = out["solution"]
    assert min(solution["sinr_db"]) >= 10.0 - 1e-2
    assert [row["method"] for row in solution["comparison"]] == ["LAM", "LAM+refine", "SDR"]
    assert solution["method"] in ("LAM+refine", "SDR") and not solution["warnings"]
    mse = {row["method"]: row["beampattern_mse"] for row in solution["comparison"]}
    assert mse["LAM+refine"] <= mse["LAM"] + 1e-5  # refining keeps the best iterate
    assert out["objective"] == pytest.approx(solution["beampattern_mse"])
    assert out["checks"] == {"every user meets its SINR target": True, "total power within the budget": True}
    figure = Path(out["figures"][0])
    assert figure.name == "isac_beampattern.png" and figure.read_bytes()[:8] == PNG_MAGIC
    impossible = run_isac_tool(IsacInput(sinr_db=60.0, seed=3), tmp_path)
    assert impossible["status"] == "infeasible" and "infeasible" in impossible["summary"]


def test_isac_tool_answers_an_array_it_was_not_trained_for_with_the_sdr_and_says_so(tmp_path: Path) -> None:
    out = run_isac_tool(IsacInput(n_antennas=6, n_users=3, sinr_db=8.0, seed=2), tmp_path)
    solution = out["solution"]
    assert out["status"] == "feasible" and solution["method"] == "SDR", out["summary"]
    assert [row["method"] for row in solution["comparison"]] == ["SDR"]
    assert out["summary"].startswith("Warning:")
    assert "lamopt train-beamformer isac --antennas 6 --max-users 3" in solution["warnings"][0]
    assert len(solution["sinr_db"]) == 3 and min(solution["sinr_db"]) >= 8.0 - 1e-2


def test_cli_trains_a_small_checkpoint_the_tool_can_load(tmp_path: Path) -> None:
    out_file = tmp_path / "tiny.pt"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "lamopt.cli",
            "train-beamformer",
            "cellfree",
            "--max-users",
            "2",
            "--max-aps",
            "2",
            "--steps",
            "2",
            "--batch-size",
            "2",
            "--backbone-layers",
            "1",
            "--quiet",
            "--out",
            str(out_file),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "checkpoint saved to" in result.stdout and out_file.exists()
    model, meta = load_checkpoint(out_file)
    assert model.config.max_users == 2 and model.config.max_antennas == 4 and meta["steps"] == 2
    tool = run_cellfree_tool(CellFreeInput(n_aps=2, antennas_per_ap=2, n_users=2, checkpoint=str(out_file)), tmp_path)
    assert tool["status"] == "feasible"
    refused = subprocess.run(
        [sys.executable, "-m", "lamopt.cli", "train-beamformer", "cellfree", "--steps", "0", "--out", str(tmp_path / "x.pt")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert refused.returncode == 2 and "must be positive" in refused.stderr


CELLFREE_TEXT = (
    "A cell-free network has 8 access points with 2 antennas each serving 4 users; maximize the downlink sum rate "
    "with a power limit per access point under Rayleigh fading."
)
ISAC_TEXT = (
    "An ISAC base station with 8 antennas serves 2 users that each need an SINR of at least 10 dB while pointing "
    "its radar beams at targets at -40, 0 and 40 degrees."
)


@pytest.mark.parametrize(
    ("text", "binding", "tool", "methods"),
    [
        (
            CELLFREE_TEXT,
            {"access_points": 8, "antennas_per_access_point": 2, "users": 4, "fading": "rayleigh"},
            "lam_beamforming_cellfree",
            {"LAM", "MRT", "ZF", "RZF", "WMMSE", "LAM+WMMSE"},
        ),
        (
            ISAC_TEXT,
            {"antennas": 8, "users": 2, "min_sinr_db": 10, "target_angles_deg": [-40, 0, 40]},
            "lam_beamforming_isac",
            {"LAM", "LAM+refine", "SDR"},
        ),
    ],
)
def test_the_invoker_runs_the_beamforming_tool_and_the_report_compares_methods(
    text: str, binding: dict[str, object], tool: str, methods: set[str], kb_dir: Path, tmp_path: Path
) -> None:
    from langgraph.checkpoint.memory import InMemorySaver

    from agents.context import Context
    from lamopt.api import stream
    from tests.fakes import ScriptedChatModel

    context = Context(chat_model=ScriptedChatModel(script=[binding]), kb_path=str(kb_dir), runs_dir=str(tmp_path))
    steps = list(stream(text, context=context, checkpointer=InMemorySaver(), thread_id="bf-1"))
    path = [s.node for s in steps if s.kind == "agent"]
    assert path == ["retriever", "modeler", "verifier", "optimizer", "invoker", "verifier", "optimizer", "report"]
    report = steps[-1].data["report"]
    assert report["status"] == "feasible" and report["solver"] == tool, report
    assert {row["method"] for row in report["solution"]} == methods  # the table: the LAM answer against the baselines
    figure = Path(report["figures"][0])
    assert figure.parent == tmp_path / "bf-1" and figure.read_bytes()[:8] == PNG_MAGIC
