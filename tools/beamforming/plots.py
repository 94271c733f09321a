"""Report figures: a sum-rate bar chart (cell-free) and a transmit beampattern plot (ISAC)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; tools never open windows
import matplotlib.pyplot as plt
import numpy as np


def sum_rate_bars(rates: dict[str, float], path: Path, title: str) -> Path:
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    names = list(rates)
    values = [rates[n] for n in names]
    bars = ax.bar(names, values, color=["tab:red" if n.startswith("LAM") else "tab:blue" for n in names])
    ax.bar_label(bars, fmt="%.2f", fontsize=8)
    ax.set_ylabel("sum rate (bit/s/Hz)")
    ax.set_title(title, fontsize=10)
    ax.tick_params(axis="x", labelsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def beampattern_plot(grid_deg: np.ndarray, patterns: dict[str, np.ndarray], desired: np.ndarray, path: Path, title: str) -> Path:
    """Patterns in dB relative to each curve's peak, with the desired mask shaded."""
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.fill_between(grid_deg, -40, 0, where=desired > 0.5, color="0.85", label="desired beams")
    for name, pattern in patterns.items():
        db = 10.0 * np.log10(np.maximum(pattern, 1e-12) / max(float(pattern.max()), 1e-12))
        ax.plot(grid_deg, db, label=name)
    ax.set_ylim(-40, 1)
    ax.set_xlim(float(grid_deg[0]), float(grid_deg[-1]))
    ax.set_xlabel("angle (deg)")
    ax.set_ylabel("normalised beampattern (dB)")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
