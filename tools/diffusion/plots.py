"""Figures: the Pareto front of one run, hypervolume against evaluations for several methods, and fronts side by side.

No pyplot: its global state is not safe when concurrent runs draw (matplotlib.figure.Figure is).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def _save(fig: Figure, path: Path) -> Path:
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path


def _staircase(ax: Axes, front: FloatArray, **style: Any) -> None:
    """A 2-objective front as the boundary of the region it dominates (minimisation)."""
    order = np.argsort(front[:, 0])
    ax.step(front[order, 0], front[order, 1], where="post", **style)


def plot_pareto_front(F: FloatArray, pareto_F: FloatArray, names: Sequence[str], title: str, path: Path) -> Path:
    """All evaluated points (grey) and the non-dominated ones (red); 3-D axes for three objectives."""
    fig = Figure(figsize=(5.5, 4.5))
    if F.shape[1] == 3:
        ax = fig.add_subplot(projection="3d")
        ax.scatter(F[:, 0], F[:, 1], F[:, 2], s=8, c="0.7", label="evaluated")
        ax.scatter(pareto_F[:, 0], pareto_F[:, 1], pareto_F[:, 2], s=18, c="tab:red", label="Pareto front")
        ax.set_zlabel(names[2])
    else:
        ax = fig.add_subplot()
        ax.scatter(F[:, 0], F[:, 1], s=8, c="0.7", label="evaluated")
        _staircase(ax, pareto_F, c="tab:red", lw=1)
        ax.scatter(pareto_F[:, 0], pareto_F[:, 1], s=18, c="tab:red", label="Pareto front")
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.set_title(title)
    ax.legend(loc="best", fontsize=8)
    return _save(fig, path)


Band = tuple[FloatArray, FloatArray, FloatArray, FloatArray]
"""(evaluations, median, lower quartile, upper quartile) of one method's hypervolume curve."""


def plot_hv_curves(curves: Mapping[str, Mapping[str, Band]], path: Path, title: str = "") -> Path:
    """One panel per problem: median hypervolume over seeds against evaluations, quartiles shaded, one line per method.

    A method keeps its colour in every panel (a panel may lack a method) and every panel has its legend.
    """
    problems = list(curves)
    methods = list(dict.fromkeys(method for lines in curves.values() for method in lines))
    colour = {method: f"C{i % 10}" for i, method in enumerate(methods)}
    columns = min(4, len(problems))
    rows = int(np.ceil(len(problems) / columns))
    fig = Figure(figsize=(4.0 * columns, 3.2 * rows + (0.4 if title else 0.0)))
    axes = fig.subplots(rows, columns, squeeze=False)
    for ax, problem in zip(axes.flat, problems, strict=False):
        for method, (evals, median, low, high) in curves[problem].items():
            ax.plot(evals, median, label=method, color=colour[method])
            ax.fill_between(evals, low, high, alpha=0.2, color=colour[method])
        ax.set_title(problem)
        if curves[problem]:
            ax.legend(fontsize=7)
        ax.set_xlabel("evaluations")
        ax.set_ylabel("hypervolume (median, quartiles)")
    for ax in list(axes.flat)[len(problems) :]:
        ax.axis("off")
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def plot_fronts(
    panels: Mapping[str, Mapping[str, FloatArray]], names: Sequence[str], path: Path, reference: FloatArray | None = None
) -> Path:
    """Side-by-side panels of 2-objective fronts: panels[title][label] = front; reference (black) in every panel."""
    fig = Figure(figsize=(5.2 * len(panels), 4.4))
    axes = fig.subplots(1, len(panels), squeeze=False)
    for ax, (title, fronts) in zip(axes.flat, panels.items(), strict=True):
        if reference is not None:
            _staircase(ax, reference, c="black", lw=1.5, label="reference front")
        for label, front in fronts.items():
            _staircase(ax, front, lw=1, alpha=0.8)
            ax.scatter(front[:, 0], front[:, 1], s=12, label=label)
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
        ax.set_title(title, fontsize=10)
        ax.legend(loc="best", fontsize=7)
    return _save(fig, path)


CANDIDATE_STYLES = {
    "pool": {"s": 3, "c": "tab:blue", "alpha": 0.3},
    "evaluated": {"s": 8, "c": "0.4"},
    "DRIB-MOBO batch": {"s": 36, "c": "tab:red", "marker": "x"},
    "qLogNEHVI batch": {"s": 44, "c": "tab:green", "marker": "+"},
}


def plot_candidates(panels: Mapping[str, Mapping[str, FloatArray]], path: Path) -> Path:
    """Objective-space scatter per batch (first two objectives): the candidate pool, what was evaluated, each method's batch.

    The axes are zoomed on what was evaluated and the batches (the pool may reach far beyond).
    """
    columns = min(4, len(panels))
    rows = int(np.ceil(len(panels) / columns))
    fig = Figure(figsize=(4.2 * columns, 3.6 * rows))
    axes = fig.subplots(rows, columns, squeeze=False)
    for ax, (title, groups) in zip(axes.flat, panels.items(), strict=False):
        for label, F in groups.items():
            ax.scatter(F[:, 0], F[:, 1], label=label, **CANDIDATE_STYLES.get(label, {"s": 10}))
        shown = np.vstack([F for label, F in groups.items() if label != "pool"])
        low, high = shown.min(axis=0), shown.max(axis=0)
        pad = 0.05 * np.maximum(high - low, 1e-9)
        ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
        ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
        ax.set_title(title, fontsize=8)
        ax.set_xlabel("f1")
        ax.set_ylabel("f2")
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    return _save(fig, path)
