"""Figures: the Pareto front of one run, and hypervolume against evaluations for several methods."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # the backend is chosen above, before pyplot loads
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def plot_pareto_front(F: FloatArray, pareto_F: FloatArray, names: Sequence[str], title: str, path: Path) -> Path:
    """All evaluated points (grey) and the non-dominated ones (red); 3-D axes for three objectives."""
    fig = plt.figure(figsize=(5.5, 4.5))
    if F.shape[1] == 3:
        ax = fig.add_subplot(projection="3d")
        ax.scatter(F[:, 0], F[:, 1], F[:, 2], s=8, c="0.7", label="evaluated")
        ax.scatter(pareto_F[:, 0], pareto_F[:, 1], pareto_F[:, 2], s=18, c="tab:red", label="Pareto front")
        ax.set_zlabel(names[2])
    else:
        ax = fig.add_subplot()
        ax.scatter(F[:, 0], F[:, 1], s=8, c="0.7", label="evaluated")
        order = np.argsort(pareto_F[:, 0])
        ax.step(pareto_F[order, 0], pareto_F[order, 1], where="post", c="tab:red", lw=1)
        ax.scatter(pareto_F[:, 0], pareto_F[:, 1], s=18, c="tab:red", label="Pareto front")
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.set_title(title)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_hv_curves(curves: Mapping[str, Mapping[str, tuple[FloatArray, FloatArray, FloatArray]]], path: Path) -> Path:
    """One panel per problem: mean hypervolume ± std over seeds against evaluations, one line per method.

    curves[problem][method] = (evaluations, mean, std).
    """
    problems = list(curves)
    columns = min(4, len(problems))
    rows = int(np.ceil(len(problems) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(4.0 * columns, 3.2 * rows), squeeze=False)
    for ax, problem in zip(axes.flat, problems, strict=False):
        for method, (evals, mean, std) in curves[problem].items():
            ax.plot(evals, mean, label=method)
            ax.fill_between(evals, mean - std, mean + std, alpha=0.2)
        ax.set_title(problem)
        ax.set_xlabel("evaluations")
        ax.set_ylabel("hypervolume")
    for ax in list(axes.flat)[len(problems) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
