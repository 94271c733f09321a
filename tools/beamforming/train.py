"""Training the LAM beamformer.

Cell-free: unsupervised, the loss is the negative sum rate of fresh random scenes (random AP and user
counts up to the model's maximum, random fading type), so no labels are needed.
ISAC: supervised on SDR solutions first (phase-invariant targets: the transmit covariance and the matrix
of received powers), then penalty fine-tuning on fresh scenes: beampattern MSE plus a hinge on every
user's SINR shortfall in dB.
Only parameters with requires_grad train (encoder, LoRA, head); the backbone stays frozen.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from tools.beamforming.channels import IsacBatch, cell_free_batch, isac_batch, ula_steering
from tools.beamforming.checkpoints import save_checkpoint
from tools.beamforming.lam import LamBeamformer, LamConfig
from tools.beamforming.metrics import beampattern, beampattern_mse, covariance, received_power, sinr, sum_rate

SDR_LABEL_SINR_DB = (4.0, 16.0)
"""Range of SINR requirements the ISAC model is trained on (the benchmark's 6-14 dB lie inside)."""


def _optimizer(model: LamBeamformer, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=1e-4)


def model_device(model: torch.nn.Module) -> torch.device:
    return next(model.parameters()).device


def _progress(total: int, desc: str, enabled: bool) -> Any:
    return tqdm(total=total, desc=desc, disable=not enabled, dynamic_ncols=True)


def train_cell_free(
    model: LamBeamformer,
    steps: int,
    batch_size: int,
    seed: int,
    lr: float = 1e-3,
    min_aps: int = 2,
    progress: bool = True,
) -> list[float]:
    """Minimise -sum rate on fresh scenes; returns the mean sum rate of each step."""
    cfg = model.config
    device = model_device(model)
    max_aps = cfg.max_antennas // cfg.antennas_per_ap
    rng = np.random.default_rng(seed)
    opt = _optimizer(model, lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    history: list[float] = []
    model.train()
    with _progress(steps, "cell-free (unsupervised)", progress) as bar:
        for step in range(steps):
            n_aps = int(rng.integers(min_aps, max_aps + 1))
            n_users = int(rng.integers(1, cfg.max_users + 1))
            scenes = cell_free_batch(batch_size, n_aps, cfg.antennas_per_ap, n_users, seed=seed * 100_003 + step)
            scenes = scenes.to(device)
            W = model.cell_free(scenes.H, cfg.antennas_per_ap, scenes.ap_power, scenes.fading, wmmse_steps=0)
            rate = sum_rate(scenes.H, W)
            loss = -(rate / n_users).mean()  # per-user rate so scenes of every size weigh alike
            opt.zero_grad()
            torch.autograd.backward(loss)
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            history.append(float(rate.detach().mean()))
            bar.set_postfix(rate=f"{history[-1]:.2f}")
            bar.update()
    model.eval()
    return history


def isac_scenes(
    count: int, n_antennas: int, max_users: int, seed: int, sinr_db_range: tuple[float, float]
) -> Iterator[IsacBatch]:
    """`count` single-scene batches with random user count and SINR requirement (one per scene)."""
    rng = np.random.default_rng(seed)
    for i in range(count):
        users = int(rng.integers(1, max_users + 1))
        gamma = float(rng.uniform(*sinr_db_range))
        yield isac_batch(1, n_antennas, users, gamma, seed=seed * 100_003 + i)


Labels = list[tuple[IsacBatch, torch.Tensor, torch.Tensor]]
"""SDR-labelled ISAC scenes: (scene, communication beams, radar beams), one scene each."""


def sdr_labels(
    count: int,
    n_antennas: int,
    max_users: int,
    seed: int,
    sinr_db_range: tuple[float, float],
    progress: bool = True,
    workers: int = 1,
) -> Labels:
    """Solve the SDR for `count` scenes; keeps (scene, W, radar) of the solved ones, in scene order.

    `workers` > 1 solves on that many CPU processes (cvxpy's solvers are CPU code, also on a GPU machine)."""
    from tools.beamforming.sdr import FAST_SOLVERS, solve_sdr  # cvxpy: only where labels are made

    scenes = list(isac_scenes(count, n_antennas, max_users, seed, sinr_db_range))
    solved: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}
    with _progress(count, "ISAC SDR labels", progress) as bar:
        for users in sorted({s.n_users for s in scenes}):
            index = [i for i, s in enumerate(scenes) if s.n_users == users]
            step = len(index) if workers > 1 else 1  # one call per scene keeps the progress bar moving
            for start in range(0, len(index), step):
                part = index[start : start + step]
                result = solve_sdr(IsacBatch.stack([scenes[i] for i in part]), FAST_SOLVERS, workers=workers)
                for row, i in enumerate(part):
                    if result.status[row] in ("optimal", "optimal_inaccurate"):
                        solved[i] = (result.W[row : row + 1], result.radar[row : row + 1])
                bar.update(len(part))
    return [(scenes[i], *solved[i]) for i in sorted(solved)]


def group_by_users(labels: Labels) -> dict[int, tuple[IsacBatch, torch.Tensor, torch.Tensor]]:
    """Stack labelled scenes of equal user count into one batch each (also a compact form to store them in)."""
    groups: dict[int, Labels] = {}
    for item in labels:
        groups.setdefault(item[0].n_users, []).append(item)
    return {
        users: (
            IsacBatch.stack([s for s, _, _ in items]),
            torch.cat([w for _, w, _ in items]),
            torch.cat([r for _, _, r in items]),
        )
        for users, items in groups.items()
    }


def ungroup(groups: dict[int, tuple[IsacBatch, torch.Tensor, torch.Tensor]]) -> Labels:
    """The labels of `group_by_users`' batches, one scene each again."""
    return [
        (scenes.rows(slice(i, i + 1)), W[i : i + 1], radar[i : i + 1])
        for scenes, W, radar in groups.values()
        for i in range(scenes.H.shape[0])
    ]


def _isac_penalty_loss(
    model: LamBeamformer, scenes: IsacBatch, margin_db: float, weight: float
) -> tuple[torch.Tensor, torch.Tensor]:
    W, radar, _ = model.isac(scenes.H, scenes.sinr_target, scenes.desired_pattern)
    steering = ula_steering(scenes.grid_deg.numpy(), scenes.n_antennas).to(W.device)
    mse = beampattern_mse(beampattern(covariance(W, radar), steering), scenes.desired_pattern)
    shortfall = torch.relu(10.0 * torch.log10(scenes.sinr_target) + margin_db - 10.0 * torch.log10(sinr(scenes.H, W, radar)))
    return (mse + weight * shortfall.sum(-1)).mean(), (shortfall <= margin_db).float().mean()


def train_isac(
    model: LamBeamformer,
    labels: Labels,
    supervised_epochs: int,
    penalty_steps: int,
    batch_size: int,
    seed: int,
    lr: float = 1e-3,
    sinr_db_range: tuple[float, float] = SDR_LABEL_SINR_DB,
    margin_db: float = 0.0,
    penalty_weight: float = 1.0,
    progress: bool = True,
) -> dict[str, list[float]]:
    """Supervised on SDR labels, then penalty fine-tuning; returns the loss histories."""
    cfg = model.config
    torch.manual_seed(seed)
    device = model_device(model)
    grouped = {
        users: (scenes.to(device), W_label.to(device), radar_label.to(device))
        for users, (scenes, W_label, radar_label) in group_by_users(labels).items()
    }
    opt = _optimizer(model, lr)
    history: dict[str, list[float]] = {"supervised": [], "penalty": [], "satisfied": []}
    model.train()
    batches_per_epoch = sum(math.ceil(len(g[0].H) / batch_size) for g in grouped.values())
    with _progress(supervised_epochs * batches_per_epoch, "ISAC supervised (SDR labels)", progress) as bar:
        for _ in range(supervised_epochs):
            for scenes, W_label, radar_label in grouped.values():
                order = torch.randperm(len(scenes.H)).to(device)
                for start in range(0, len(order), batch_size):
                    idx = order[start : start + batch_size]
                    W, radar, _ = model.isac(scenes.H[idx], scenes.sinr_target[idx], scenes.desired_pattern[idx])
                    R_err = (covariance(W, radar) - covariance(W_label[idx], radar_label[idx])).abs().pow(2).sum((-2, -1))
                    gains = torch.log1p(received_power(scenes.H[idx], W))
                    gains_label = torch.log1p(received_power(scenes.H[idx], W_label[idx]))
                    loss = (R_err + (gains - gains_label).pow(2).mean((-2, -1))).mean()
                    opt.zero_grad()
                    torch.autograd.backward(loss)
                    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                    opt.step()
                    history["supervised"].append(float(loss.detach()))
                    bar.set_postfix(loss=f"{history['supervised'][-1]:.3f}")
                    bar.update()
    rng = np.random.default_rng(seed + 1)
    for group in opt.param_groups:
        group["lr"] = lr / 3.0  # fine-tuning: stay near the supervised solution
    with _progress(penalty_steps, "ISAC penalty fine-tuning", progress) as bar:
        for step in range(penalty_steps):
            users = int(rng.integers(1, cfg.max_users + 1))
            gamma = rng.uniform(*sinr_db_range, size=(batch_size, 1))
            scenes = isac_batch(batch_size, cfg.max_antennas, users, gamma, seed=seed * 7_919 + step).to(device)
            loss, satisfied = _isac_penalty_loss(model, scenes, margin_db, penalty_weight)
            opt.zero_grad()
            torch.autograd.backward(loss)
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            history["penalty"].append(float(loss.detach()))
            history["satisfied"].append(float(satisfied))
            bar.set_postfix(loss=f"{history['penalty'][-1]:.3f}", sat=f"{float(satisfied):.2f}")
            bar.update()
    model.eval()
    return history


def train_beamformer(
    task: str,
    out_path: Path,
    *,
    max_users: int = 4,
    max_aps: int = 8,
    antennas_per_ap: int = 2,
    n_antennas: int = 8,
    steps: int = 400,
    batch_size: int = 32,
    pretrained: bool = True,
    backbone_layers: int = 2,
    lora_rank: int = 8,
    sdr_label_count: int = 300,
    supervised_epochs: int = 8,
    seed: int = 0,
    lr: float = 1e-3,
    threads: int = 1,
    device: str = "cpu",
    labels: Labels | None = None,
    label_workers: int = 1,
    backbone_bf16: bool = True,
    wmmse_steps: int = 1,
    progress: bool = True,
) -> Path:
    """Train a LAM beamformer and save its checkpoint (encoder, LoRA adapters, head) to `out_path`.

    task "cellfree": up to `max_aps` APs of `antennas_per_ap` antennas and `max_users` users, `steps`
    unsupervised steps. task "isac": an `n_antennas` ULA and up to `max_users` users; `sdr_label_count`
    SDR solutions, `supervised_epochs` over them, then `steps` penalty fine-tuning steps.
    `pretrained=False` trains the random-backbone ablation. One thread by default: on a shared 2-core
    machine torch's second thread mostly spins. `labels` reuses SDR labels already solved (by `sdr_labels`
    with the same sizes), so the pretrained and random ISAC variants can share them; `label_workers` CPU
    processes solve new ones. `backbone_bf16` runs the frozen backbone in bfloat16, and a cell-free model ends with
    `wmmse_steps` unrolled WMMSE iterations (both recorded in the checkpoint's config).
    """
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    start = time.perf_counter()
    if task == "cellfree":
        config = LamConfig(
            "cellfree",
            max_users,
            max_aps * antennas_per_ap,
            antennas_per_ap,
            backbone_layers=backbone_layers,
            pretrained=pretrained,
            lora_rank=lora_rank,
            backbone_bf16=backbone_bf16,
            wmmse_steps=wmmse_steps,
        )
        model = LamBeamformer(config).to(device)
        history: dict[str, list[float]] = {"sum_rate": train_cell_free(model, steps, batch_size, seed, lr, progress=progress)}
    elif task == "isac":
        config = LamConfig(
            "isac",
            max_users,
            n_antennas,
            1,
            backbone_layers=backbone_layers,
            pretrained=pretrained,
            lora_rank=lora_rank,
            backbone_bf16=backbone_bf16,
        )
        model = LamBeamformer(config).to(device)
        if labels is None:
            labels = sdr_labels(sdr_label_count, n_antennas, max_users, seed + 17, SDR_LABEL_SINR_DB, progress, label_workers)
        history = train_isac(model, labels, supervised_epochs, steps, batch_size, seed, lr, progress=progress)
    else:
        raise ValueError(f"task must be 'cellfree' or 'isac', not {task!r}")
    meta = {
        "seed": seed,
        "steps": steps,
        "device": str(device),
        "train_time_s": time.perf_counter() - start,
        "final": {k: v[-20:] for k, v in history.items()},
    }
    return save_checkpoint(model, out_path, meta)
