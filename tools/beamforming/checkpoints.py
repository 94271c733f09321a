"""Save and load LAM checkpoints: config + encoder/LoRA/head weights only (the backbone is rebuilt)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch

from tools.beamforming.lam import LamBeamformer, LamConfig

CHECKPOINT_DIR = Path(__file__).resolve().parent / "checkpoints"


def shipped_checkpoint(task: str, pretrained: bool = True) -> Path:
    """The checkpoint that ships for the CPU benchmark size of `task` ("cellfree" or "isac")."""
    return CHECKPOINT_DIR / f"{task}_{'pretrained' if pretrained else 'random'}.pt"


def save_checkpoint(model: LamBeamformer, path: Path, meta: dict[str, Any] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: (v.to(torch.float32) if v.is_floating_point() else v).cpu() for k, v in model.trainable_state_dict().items()}
    partial = path.with_suffix(f".partial-{os.getpid()}")
    torch.save({"config": model.config.to_dict(), "state": state, "meta": meta or {}}, partial)
    partial.replace(path)
    return path


def load_checkpoint(path: Path) -> tuple[LamBeamformer, dict[str, Any]]:
    """Rebuild the model (frozen backbone from the embedded GGUF cache) and load its trained parts."""
    payload = torch.load(path, map_location="cpu", weights_only=False)
    model = LamBeamformer(LamConfig(**payload["config"]))
    try:
        missing, unexpected = model.load_state_dict(payload["state"], strict=False)
    except RuntimeError as exc:  # shapes differ: the checkpoint was trained for other sizes than its config says
        raise RuntimeError(f"checkpoint {path} does not fit its model: {exc}") from exc
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    if unexpected or trainable & set(missing):
        raise RuntimeError(f"checkpoint {path} does not fit: missing={sorted(trainable & set(missing))} unexpected={unexpected}")
    model.eval()
    return model, dict(payload.get("meta", {}))
