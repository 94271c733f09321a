"""The LAM beamformer: CSI encoder -> frozen pretrained transformer with LoRA -> scenario head.

Token sequence fed to the backbone (causal, as it was pretrained): cell-free, a channel-type and a channel-scale
token, then one token per user; ISAC, one token per user with the context (scene type, channel scale, SINR
requirement, radar beampattern) added to each, as the backbone's cost grows with the sequence. Inputs are
zero-padded to (max_users, max_antennas); padded users come last, so under the causal mask no real token
ever attends to them, and the CNN encoder re-masks its map after every layer, so a scene's output does not
depend on how much padding surrounds it. One model therefore serves any K ≤ max_users and N ≤ max_antennas
it was trained on (cell-free trains on random AP and user counts up to its maximum; ISAC on its full array
and 1..max_users users), and the tools refuse to pad beyond that.
Only the encoder, the LoRA adapters and the head train; the backbone stays frozen (pretrained or, for the
ablation, seeded random), optionally in bfloat16 (`backbone_bf16`: about 4x faster on CPUs with AMX).
ISAC beams pass through `meet_sinr` at the end, which gives each user exactly the power its SINR target needs.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass

import torch
from peft import LoraConfig, get_peft_model
from torch import nn

from tools.beamforming.backbone import DEFAULT_LAYERS, build_backbone, hidden_size
from tools.beamforming.heads import CellFreeCnnHead, IsacHetGnnHead
from tools.beamforming.power import meet_sinr
from tools.beamforming.wmmse import wmmse

N_CHANNEL_TYPES = 4  # Fading.RAYLEIGH/RICIAN/NAKAGAMI for cell-free, and 3 = the ISAC scene type
ISAC_TYPE = 3


@dataclass(frozen=True)
class LamConfig:
    task: str  # "cellfree" or "isac"
    max_users: int
    max_antennas: int
    antennas_per_ap: int = 1
    grid_points: int = 91  # ISAC beampattern grid length
    backbone_layers: int = DEFAULT_LAYERS
    pretrained: bool = True
    lora_rank: int = 8
    conv_channels: int = 16
    head_dim: int = 64
    backbone_bf16: bool = False  # run the frozen backbone under bfloat16 autocast (CPUs with AMX/AVX-512 BF16, GPUs)
    wmmse_steps: int = 0  # cell-free: WMMSE iterations unrolled after the head (exact per-AP steps; not trained through)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def normalise_csi(H: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """H / rms(H) per scene, and log10 of the mean channel power (the scale the model must still know)."""
    power = (H.abs() ** 2).mean((-2, -1)).clamp_min(1e-30)
    return H / power.sqrt()[:, None, None], torch.log10(power)


def pad_to(H: torch.Tensor, max_users: int, max_antennas: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Zero-pad (B, K, N) to (B, K_max, N_max); returns the padded CSI and a (B, 1, K_max, N_max) mask."""
    batch, k, n = H.shape
    if k > max_users or n > max_antennas:
        raise ValueError(f"scene of {k} users x {n} antennas exceeds the model's {max_users} x {max_antennas}")
    padded = torch.zeros(batch, max_users, max_antennas, dtype=H.dtype, device=H.device)
    padded[:, :k, :n] = H
    mask = torch.zeros(batch, 1, max_users, max_antennas, device=H.device)
    mask[:, :, :k, :n] = 1.0
    return padded, mask


class CsiEncoder(nn.Module):
    """CNN on the CSI grid (real, imaginary, log-magnitude) and a per-user projection into backbone width."""

    def __init__(self, config: LamConfig, width: int) -> None:
        super().__init__()
        c = config.conv_channels
        self.conv1 = nn.Conv2d(3, c, 3, padding=1)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)
        self.to_token = nn.Linear(c * config.max_antennas, width)
        self.token_norm = nn.LayerNorm(width)

    def forward(self, csi: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        # csi: (B, K, N) normalised complex; mask (B, 1, K, N)
        log_mag = torch.log10((csi.abs() ** 2).clamp_min(1e-6)) / 2.0
        planes = torch.stack([csi.real, csi.imag, log_mag], 1) * mask
        x = torch.relu(self.conv1(planes)) * mask
        features = torch.relu(self.conv2(x)) * mask  # (B, C, K, N)
        per_user = features.permute(0, 2, 1, 3).flatten(2)  # (B, K, C*N)
        tokens = self.token_norm(self.to_token(per_user)) * mask[:, 0, :, :1]
        return tokens, features, planes[:, :2]


class LamBeamformer(nn.Module):
    """Shared trunk plus the head for `config.task`."""

    def __init__(self, config: LamConfig) -> None:
        super().__init__()
        self.config = config
        backbone = build_backbone(config.backbone_layers, pretrained=config.pretrained)
        if config.backbone_bf16:  # frozen weights stored in bfloat16: autocast then need not cast them on every call
            for weight in backbone.parameters():  # parameters only: the rotary frequencies stay float32
                weight.data = weight.data.to(torch.bfloat16)
        width = hidden_size(backbone)
        lora = LoraConfig(
            r=config.lora_rank, lora_alpha=2 * config.lora_rank, target_modules=["q_proj", "k_proj", "v_proj", "o_proj"]
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # peft asks transformers a deprecated question; not ours to fix
            self.backbone = get_peft_model(backbone, lora)
        self.encoder = CsiEncoder(config, width)
        self.type_embedding = nn.Embedding(N_CHANNEL_TYPES, width)
        self.scale_token = nn.Linear(1, width)
        self.user_state = nn.Linear(width, config.head_dim)
        self.cellfree_head: CellFreeCnnHead | None = None
        self.isac_head: IsacHetGnnHead | None = None
        if config.task == "cellfree":
            self.cellfree_head = CellFreeCnnHead(config.head_dim, config.conv_channels)
        elif config.task == "isac":
            self.sinr_token = nn.Linear(1, width)
            self.radar_token = nn.Linear(config.grid_points, width)
            self.radar_state = nn.Linear(width, config.head_dim)
            self.isac_head = IsacHetGnnHead(config.head_dim, config.max_antennas, config.grid_points)
        else:
            raise ValueError(f"unknown task {config.task!r}")

    def trainable_state_dict(self) -> dict[str, torch.Tensor]:
        """Encoder, LoRA adapters and head: everything a checkpoint needs besides the frozen backbone."""
        names = {name for name, p in self.named_parameters() if p.requires_grad}
        return {k: v.detach().clone() for k, v in self.state_dict().items() if k in names}

    def _run_backbone(self, context: list[torch.Tensor], user_tokens: torch.Tensor) -> torch.Tensor:
        sequence = torch.cat([torch.stack(context, 1), user_tokens], 1) if context else user_tokens
        with torch.autocast(sequence.device.type, dtype=torch.bfloat16, enabled=self.config.backbone_bf16):
            states: torch.Tensor = self.backbone(inputs_embeds=sequence).last_hidden_state
        return states.float()

    def cell_free(
        self, H: torch.Tensor, antennas_per_ap: int, limits: torch.Tensor, fading: torch.Tensor, wmmse_steps: int | None = None
    ) -> torch.Tensor:
        """Beams (B, N, K) within every AP's limit, for any K ≤ max_users and N ≤ max_antennas.

        The head's beams go through `wmmse_steps` (default: the config's) WMMSE iterations: from the head's
        structured beams one exact per-AP step already lands close to a WMMSE stationary point. Training runs
        with 0 (the loss reads the head's own beams)."""
        assert self.cellfree_head is not None, "this model was built for ISAC"
        if antennas_per_ap != self.config.antennas_per_ap:
            raise ValueError(f"model trained for {self.config.antennas_per_ap} antennas per AP, got {antennas_per_ap}")
        batch, k, n = H.shape
        csi, log_power = normalise_csi(H)
        padded, mask = pad_to(csi, self.config.max_users, self.config.max_antennas)
        tokens, features, planes = self.encoder(padded, mask)
        context = [self.type_embedding(fading), self.scale_token(log_power[:, None])]
        states = self._run_backbone(context, tokens)[:, len(context) :]
        user_states = self.user_state(states) * mask[:, 0, :, :1]
        max_aps = self.config.max_antennas // antennas_per_ap
        padded_limits = torch.ones(batch, max_aps, device=H.device)
        padded_limits[:, : limits.shape[1]] = limits
        H_padded, _ = pad_to(H, self.config.max_users, self.config.max_antennas)
        W: torch.Tensor = self.cellfree_head(features, user_states, planes, H_padded, mask, antennas_per_ap, padded_limits)
        W = W[:, :n, :k]
        steps = self.config.wmmse_steps if wmmse_steps is None else wmmse_steps
        if steps:
            W = wmmse(H, antennas_per_ap, limits, W0=W, max_iter=steps, min_iter=steps).W
        return W

    def isac(
        self, H: torch.Tensor, sinr_target: torch.Tensor, desired_pattern: torch.Tensor, total_power: float = 1.0
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Communication beams (B, N, K), radar beams (B, N, N) at total power, and the experts' gates.

        The head's beams pass through `meet_sinr`: each user gets exactly the power its SINR target needs, the
        radar streams the rest; so the answer meets every target whenever the head's beam directions can within
        the budget."""
        assert self.isac_head is not None, "this model was built for cell-free"
        batch, k, n = H.shape
        csi, log_power = normalise_csi(H)
        padded, mask = pad_to(csi, self.config.max_users, self.config.max_antennas)
        tokens, _, _ = self.encoder(padded, mask)
        sinr_db = torch.zeros(batch, self.config.max_users, device=H.device)
        sinr_db[:, :k] = 10.0 * torch.log10(sinr_target)
        fading = torch.full((batch,), ISAC_TYPE, dtype=torch.long, device=H.device)
        # The context (scene type, channel scale, SINR requirement, radar pattern) is added to every user's token
        # instead of taking tokens of its own: the backbone's cost grows with the sequence, which is then K long.
        # The radar node reads the users' mean state.
        context = (
            self.type_embedding(fading)
            + self.scale_token(log_power[:, None])
            + self.sinr_token(sinr_db[:, :k].mean(1, keepdim=True) / 10.0)
            + self.radar_token(desired_pattern)
        )
        states = self._run_backbone([], tokens + context[:, None, :])
        user_mask = mask[:, 0, :, :1]
        radar_state = self.radar_state((states * user_mask).sum(1) / user_mask.sum(1).clamp_min(1.0))
        user_states = self.user_state(states) * user_mask
        user_csi = torch.cat([padded.real, padded.imag], -1)  # (B, K_max, 2 N_max)
        antenna_mask = mask[:, 0, 0, :, None]
        padded_H, _ = pad_to(H, self.config.max_users, self.config.max_antennas)
        W, radar, gates = self.isac_head(
            user_states, radar_state, user_csi, padded_H, sinr_db, user_mask, antenna_mask, desired_pattern, total_power
        )
        W, radar, _ = meet_sinr(H, W[:, :n, :k], radar[:, :n, :n], sinr_target, total_power, keep_higher=False)
        return W, radar, gates[:, :k]
