"""Tool entries the Invoker calls: LAM beamforming for a cell-free network, and for ISAC.

Each runs the shipped (or a given) LAM checkpoint on one scene, optionally refines the answer with the
classical method (WMMSE started from the LAM beams for cell-free; the SDR when the LAM beams miss an SINR
target for ISAC), compares with the baselines, and writes a figure under out_dir.
"""

from __future__ import annotations

import time
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from pydantic import BaseModel, Field

from tools.beamforming.channels import Fading, IsacBatch, cell_free_batch, isac_batch, ula_steering
from tools.beamforming.checkpoints import load_checkpoint, shipped_checkpoint
from tools.beamforming.lam import LamBeamformer
from tools.beamforming.linear import mrt, rzf, zf
from tools.beamforming.metrics import ap_power, beampattern, beampattern_mse, covariance, sinr, sum_rate
from tools.beamforming.plots import beampattern_plot, sum_rate_bars
from tools.beamforming.refine import refine_isac
from tools.beamforming.sdr import solve_sdr
from tools.beamforming.wmmse import wmmse

CELLFREE_TOOL_NAME = "lam_beamforming_cellfree"
CELLFREE_TOOL_DESCRIPTION = (
    "Downlink beamforming (precoding) for a cell-free massive MIMO network or a multi-antenna base station: "
    "distributed access points (APs) with several antennas each serve single-antenna users on the same "
    "time-frequency resource; choose the beamforming vectors to maximise the sum rate (sum spectral "
    "efficiency, sum of log2(1+SINR)) subject to a power limit at every AP. Uses a large AI model (LAM: "
    "CSI encoder, pretrained transformer backbone with LoRA adapters, CNN head) and optionally refines it "
    "with WMMSE; compares with MRT, zero forcing, regularised ZF and WMMSE. Channels: path loss, shadowing, "
    "Rayleigh, Rician or Nakagami fading."
)
ISAC_TOOL_NAME = "lam_beamforming_isac"
ISAC_TOOL_DESCRIPTION = (
    "Integrated sensing and communication (ISAC, dual-function radar-communication) transmit beamforming "
    "for a base station with a uniform linear antenna array: serve multi-user downlink communication with "
    "a minimum SINR per user while shaping the transmit beampattern towards radar targets at given angles "
    "(beampattern matching, MIMO radar), under a total power budget. Uses a large AI model (LAM: pretrained "
    "transformer backbone with LoRA, heterogeneous graph neural network head with mixture-of-experts gating "
    "on the SINR requirement) and falls back to semidefinite relaxation (SDR) with rank-one extraction; "
    "reports SINR satisfaction and beampattern error against SDR."
)


class CellFreeInput(BaseModel):
    """One downlink scene: drawn from the channel model with `seed`, or given as an explicit channel."""

    n_aps: int = Field(default=8, ge=1, description="number of access points")
    antennas_per_ap: int = Field(default=2, ge=1, description="antennas per AP")
    n_users: int = Field(default=4, ge=1, description="number of single-antenna users")
    fading: Literal["rayleigh", "rician", "nakagami"] = "rayleigh"
    area_m: float = Field(default=400.0, gt=0, description="side of the square area (m)")
    seed: int = 0
    channel_real: list[list[float]] | None = Field(
        default=None, description="optional K x (L*M) channel (real part), normalised so noise power is 1 and AP limit 1"
    )
    channel_imag: list[list[float]] | None = None
    refine_with_wmmse: bool = True
    wmmse_iterations: int = Field(default=1000, ge=1, description="WMMSE's iteration cap (it stops earlier once converged)")
    checkpoint: str | None = Field(default=None, description="LAM checkpoint path; default: the shipped one")


class IsacInput(BaseModel):
    n_antennas: int = Field(default=8, ge=2, description="ULA antennas at the base station")
    n_users: int = Field(default=2, ge=1)
    sinr_db: float = Field(default=10.0, description="minimum SINR every user needs (dB)")
    target_angles_deg: list[float] = Field(default_factory=lambda: [-40.0, 0.0, 40.0])
    beam_width_deg: float = Field(default=10.0, gt=0)
    snr_db: float = Field(default=20.0, description="total transmit power over noise (dB)")
    seed: int = 0
    refine_steps: int = Field(default=30, ge=0, description="gradient steps refining the LAM beams' beampattern (0: none)")
    refine_with_sdr: bool = Field(default=True, description="solve the SDR when the LAM beams miss an SINR target")
    compare_with_sdr: bool = True
    checkpoint: str | None = None


@lru_cache(maxsize=4)
def _model(path: str) -> LamBeamformer:
    model, _ = load_checkpoint(Path(path))
    return model


def _fail(message: str, start: float) -> dict[str, Any]:
    return {
        "status": "error",
        "objective": None,
        "solution": {},
        "figures": [],
        "summary": message,
        "time_s": time.perf_counter() - start,
    }


def _timed(fn: Any, *args: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def _train_command_cellfree(inputs: CellFreeInput) -> str:
    return (
        f"lamopt train-beamformer cellfree --max-aps {inputs.n_aps} --antennas-per-ap {inputs.antennas_per_ap} "
        f"--max-users {inputs.n_users} --out cellfree-L{inputs.n_aps}-M{inputs.antennas_per_ap}-K{inputs.n_users}.pt"
    )


def run_cellfree_tool(inputs: CellFreeInput, out_dir: Path) -> dict[str, Any]:
    """LAM beams (refined by WMMSE) against the baselines; WMMSE alone, with a warning, where the checkpoint is too small."""
    start = time.perf_counter()
    torch.set_num_threads(1)
    try:
        model = _model(inputs.checkpoint or str(shipped_checkpoint("cellfree")))
    except (OSError, RuntimeError) as exc:
        return _fail(f"could not load the LAM checkpoint: {exc}", start)
    M = inputs.antennas_per_ap
    scene = cell_free_batch(1, inputs.n_aps, M, inputs.n_users, inputs.seed, Fading[inputs.fading.upper()], inputs.area_m)
    if inputs.channel_real is not None:
        imag = inputs.channel_imag or [[0.0] * len(row) for row in inputs.channel_real]
        H = torch.complex(torch.tensor(inputs.channel_real), torch.tensor(imag))[None].to(torch.complex64)
        if H.shape != scene.H.shape:
            return _fail(f"channel must be {inputs.n_users} x {inputs.n_aps * M}, got {tuple(H.shape[1:])}", start)
        scene.H = H
    H, limits = scene.H, scene.ap_power
    cfg = model.config
    warnings: list[str] = []
    fits = M == cfg.antennas_per_ap and inputs.n_users <= cfg.max_users and inputs.n_aps * M <= cfg.max_antennas
    if not fits:
        # Never pad beyond what the model was trained for: the classical method answers, and the user is told how to
        # get a LAM for this size.
        warnings.append(
            f"the LAM checkpoint serves up to {cfg.max_antennas // cfg.antennas_per_ap} APs of {cfg.antennas_per_ap} antennas "
            f"and {cfg.max_users} users, smaller than this network ({inputs.n_aps} APs of {M}, {inputs.n_users} users): "
            f"answered by WMMSE alone; train a LAM for this size with `{_train_command_cellfree(inputs)}` "
            "and pass it as `checkpoint`"
        )
    rates: dict[str, float] = {}
    times: dict[str, float] = {}
    W_lam = None
    if fits:
        with torch.no_grad():
            W_lam, times["LAM"] = _timed(model.cell_free, H, M, limits, scene.fading)
        rates["LAM"] = float(sum_rate(H, W_lam)[0])
    for name, fn in (("MRT", mrt), ("ZF", zf), ("RZF", rzf)):
        if name == "ZF" and inputs.n_users > inputs.n_aps * M:
            continue  # zero forcing needs at least as many antennas as users
        W, t = _timed(fn, H, M, limits)
        rates[name], times[name] = float(sum_rate(H, W)[0]), t
    reference, times["WMMSE"] = _timed(lambda: wmmse(H, M, limits, max_iter=inputs.wmmse_iterations))
    rates["WMMSE"] = float(reference.sum_rate[0])
    W_final, method, final_run = reference.W, "WMMSE", reference
    if W_lam is not None:
        W_final, method = W_lam, "LAM"
        if inputs.refine_with_wmmse:
            refined, times["LAM+WMMSE"] = _timed(lambda: wmmse(H, M, limits, W0=W_lam, max_iter=inputs.wmmse_iterations))
            rates["LAM+WMMSE"] = float(refined.sum_rate[0])
            W_final, method, final_run = refined.W, "LAM+WMMSE", refined
    figure = sum_rate_bars(
        rates, out_dir / "cellfree_sum_rate.png", f"cell-free: {inputs.n_aps} APs x {M} antennas, {inputs.n_users} users"
    )
    best_baseline = max(rates[n] for n in ("MRT", "ZF", "RZF", "WMMSE") if n in rates)
    objective = rates[method]
    used = ap_power(W_final, M)[0]
    within = bool((used <= limits[0] * (1 + 1e-4)).all())
    solution = {
        "method": method,
        "sum_rate_bit_per_s_hz": objective,
        "per_user_sinr_db": (10.0 * torch.log10(sinr(H, W_final)[0])).tolist(),
        "per_ap_power": used.tolist(),
        "ap_power_limit": limits[0].tolist(),
        "beams_real": W_final[0].real.tolist(),
        "beams_imag": W_final[0].imag.tolist(),
        "sum_rates": rates,
        "times_s": times,
        "percent_of_best_baseline": 100.0 * objective / best_baseline if best_baseline > 0 else None,
        "wmmse_iterations": int(final_run.iterations[0]) if method != "LAM" else None,
        "wmmse_converged": bool(final_run.converged[0]) if method != "LAM" else None,
        "warnings": warnings,
        # The report's table (templates show `comparison`): every method's sum rate against the best baseline.
        "comparison": [
            {
                "method": name,
                "sum_rate_bit_per_s_hz": round(rate, 4),
                "percent_of_best_baseline": round(100.0 * rate / best_baseline, 1) if best_baseline > 0 else None,
                "time_s": round(times[name], 4),
            }
            for name, rate in rates.items()
        ],
    }
    summary = (
        f"{method} beams reach a sum rate of {objective:.2f} bit/s/Hz ({solution['percent_of_best_baseline']:.1f}% of the best "
        f"classical baseline; WMMSE {rates['WMMSE']:.2f}, RZF {rates['RZF']:.2f}); "
        + ("every AP is within its power limit." if within else "an AP exceeds its power limit.")
    )
    if warnings:
        summary = "Warning: " + " ".join(warnings) + " " + summary
    return {
        "status": "feasible" if within else "error",
        "objective": objective,
        "solution": solution,
        "figures": [str(figure)],
        "summary": summary,
        "checks": {"every AP within its power limit": within},
        "time_s": time.perf_counter() - start,
    }


def _isac_measures(scene: IsacBatch, W: torch.Tensor, radar: torch.Tensor) -> tuple[torch.Tensor, float]:
    steering = ula_steering(scene.grid_deg.numpy(), scene.n_antennas)
    pattern = beampattern(covariance(W, radar), steering)
    return pattern[0], float(beampattern_mse(pattern, scene.desired_pattern)[0])


def _isac_row(name: str, mse: float, sinr_db: torch.Tensor, target_db: float, seconds: float) -> dict[str, Any]:
    return {
        "method": name,
        "beampattern_mse": round(mse, 5),
        "min_sinr_db": round(float(sinr_db.min()), 2),
        "meets_sinr_target": bool((sinr_db >= target_db - 1e-3).all()),
        "time_s": round(seconds, 4),
    }


def run_isac_tool(inputs: IsacInput, out_dir: Path) -> dict[str, Any]:
    """LAM beams, refined by gradient steps through the SINR power-control layer; the SDR where they miss Γ, or
    (with a warning) where the network is not one the checkpoint was trained for."""
    start = time.perf_counter()
    torch.set_num_threads(1)
    try:
        model = _model(inputs.checkpoint or str(shipped_checkpoint("isac")))
    except (OSError, RuntimeError) as exc:
        return _fail(f"could not load the LAM checkpoint: {exc}", start)
    cfg = model.config
    scene = isac_batch(
        1,
        inputs.n_antennas,
        inputs.n_users,
        inputs.sinr_db,
        inputs.seed,
        snr_db=inputs.snr_db,
        beam_width_deg=inputs.beam_width_deg,
        target_angles_deg=np.array(inputs.target_angles_deg),
    )
    target_db = inputs.sinr_db
    warnings: list[str] = []
    # The ISAC model trains on arrays of exactly max_antennas and 1..max_users users: anything else is not padded.
    fits = inputs.n_antennas == cfg.max_antennas and inputs.n_users <= cfg.max_users
    fits = fits and scene.desired_pattern.shape[1] == cfg.grid_points
    if not fits:
        warnings.append(
            f"the ISAC checkpoint was trained for a {cfg.max_antennas}-antenna array and up to {cfg.max_users} users, not "
            f"{inputs.n_antennas} antennas and {inputs.n_users} users: answered by the SDR alone; train a LAM for this size "
            f"with `lamopt train-beamformer isac --antennas {inputs.n_antennas} --max-users {inputs.n_users} "
            f"--out isac-N{inputs.n_antennas}-K{inputs.n_users}.pt` and pass it as `checkpoint`"
        )
    answers: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
    rows: list[dict[str, Any]] = []
    patterns: dict[str, np.ndarray] = {}
    solution: dict[str, Any] = {"warnings": warnings}

    def record(name: str, W: torch.Tensor, radar: torch.Tensor, seconds: float) -> bool:
        pattern, mse = _isac_measures(scene, W, radar)
        sinr_db = 10.0 * torch.log10(sinr(scene.H, W, radar)[0])
        answers[name], patterns[name] = (W, radar), pattern.numpy()
        rows.append(_isac_row(name, mse, sinr_db, target_db, seconds))
        return bool(rows[-1]["meets_sinr_target"])

    learned_ok = False
    if fits:
        with torch.no_grad():
            (W, radar, gates), lam_time = _timed(model.isac, scene.H, scene.sinr_target, scene.desired_pattern)
        learned_ok = record("LAM", W, radar, lam_time)
        solution["expert_gates"] = gates[0].tolist()
        if inputs.refine_steps:
            refine = partial(refine_isac, scene.H, scene.sinr_target, scene.desired_pattern, scene.grid_deg, W, radar)
            (W, radar), refine_time = _timed(refine, inputs.refine_steps)
            learned_ok = record("LAM+refine", W, radar, lam_time + refine_time)
    learned = rows[-1]["method"] if rows else None
    sdr_status = None
    if inputs.compare_with_sdr or not fits or (inputs.refine_with_sdr and not learned_ok):
        sdr, sdr_time = _timed(solve_sdr, scene)
        sdr_status = sdr.status[0]
        solution["sdr_status"] = sdr_status
        if sdr_status in ("optimal", "optimal_inaccurate"):
            record("SDR", sdr.W, sdr.radar, sdr_time)
    use_sdr = "SDR" in answers and (learned is None or (not learned_ok and inputs.refine_with_sdr))
    method = "SDR" if use_sdr else learned
    if method is None:  # no learned model for this size and the SDR found nothing
        infeasible = sdr_status is not None and sdr_status.startswith("infeasible")
        text = "the SDR relaxation is infeasible" if infeasible else f"the SDR failed ({sdr_status})"
        message = f"No beamformer gives every user {target_db:g} dB: {text}."
        out = _fail(" ".join(["Warning:", *warnings, message]), start)
        out["status"] = "infeasible" if infeasible else "error"
        return out
    W_final, radar_final = answers[method]
    _, objective = _isac_measures(scene, W_final, radar_final)
    figure = beampattern_plot(
        scene.grid_deg.numpy(),
        patterns,
        scene.desired_pattern[0].numpy(),
        out_dir / "isac_beampattern.png",
        f"ISAC: N={inputs.n_antennas}, K={inputs.n_users}, Γ={inputs.sinr_db:g} dB",
    )
    final_sinr = 10.0 * torch.log10(sinr(scene.H, W_final, radar_final)[0])
    power = float(torch.diagonal(covariance(W_final, radar_final)[0]).real.sum())
    by_name = {row["method"]: row for row in rows}
    solution.update(
        {
            "method": method,
            "beampattern_mse": objective,
            "sinr_db": final_sinr.tolist(),
            "sinr_target_db": target_db,
            "total_power": power,
            "sum_rate_bit_per_s_hz": float(torch.log2(1 + 10 ** (final_sinr / 10)).sum()),
            "beams_real": W_final[0].real.tolist(),
            "beams_imag": W_final[0].imag.tolist(),
            "radar_beams_real": radar_final[0].real.tolist(),
            "radar_beams_imag": radar_final[0].imag.tolist(),
            "comparison": rows,  # the report's table: the LAM answers against the SDR
            **{f"{name.lower().replace('+', '_')}_beampattern_mse": row["beampattern_mse"] for name, row in by_name.items()},
        }
    )
    met = bool((final_sinr >= target_db - 1e-3).all())
    sinr_text = ", ".join(f"{s:.1f}" for s in final_sinr.tolist())
    if met:
        status = "feasible"
        sdr_note = f" (SDR: {by_name['SDR']['beampattern_mse']:.3f})" if "SDR" in by_name and method != "SDR" else ""
        summary = (
            f"{method} beams give beampattern MSE {objective:.3f}{sdr_note} and user SINRs {sinr_text} dB, "
            f"all above the {target_db:g} dB target."
        )
    elif sdr_status is not None and sdr_status.startswith("infeasible"):
        status = "infeasible"
        summary = f"No beamformer gives every user {target_db:g} dB: the SDR relaxation itself is infeasible."
    else:
        status = "infeasible"
        summary = (
            f"The {method} beams miss the {target_db:g} dB target (user SINRs {sinr_text} dB) and no SDR "
            "refinement was run; enable refine_with_sdr for a certified answer."
        )
    if warnings:
        summary = "Warning: " + " ".join(warnings) + " " + summary
    return {
        "status": status,
        "objective": objective,
        "solution": solution,
        "figures": [str(figure)],
        "summary": summary,
        "checks": {"every user meets its SINR target": met, "total power within the budget": power <= 1.0 + 1e-4},
        "time_s": time.perf_counter() - start,
    }


# The ground rules' generic names point at the cell-free tool; the ISAC tool has its own set.
TOOL_NAME = CELLFREE_TOOL_NAME
TOOL_DESCRIPTION = CELLFREE_TOOL_DESCRIPTION
ToolInput = CellFreeInput
run_tool = run_cellfree_tool
CELLFREE_TOOL_INPUT = CellFreeInput
ISAC_TOOL_INPUT = IsacInput
