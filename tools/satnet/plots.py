"""The placement figure: satellites on their orbital ring, the microservices each hosts, each chain's route."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

from matplotlib.figure import Figure  # no pyplot: its global state is not safe when concurrent runs draw


def placement_plot(
    satellites: list[str],
    placed: dict[str, str],
    chains: dict[str, tuple[str, list[str]]],
    path: Path,
    title: str,
) -> Path:
    """`chains`: application → (access satellite, microservices in visiting order). Saves a PNG at `path`."""
    angle = {s: math.pi / 2 - 2 * math.pi * i / len(satellites) for i, s in enumerate(satellites)}
    where = {s: (math.cos(a), math.sin(a)) for s, a in angle.items()}
    fig = Figure(figsize=(5.6, 5.0))
    ax = fig.add_subplot()
    ring = [where[s] for s in [*satellites, satellites[0]]]
    ax.plot([p[0] for p in ring], [p[1] for p in ring], color="0.8", zorder=1)
    colours = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
    for i, (app, (access, chain)) in enumerate(chains.items()):
        colour = colours[i % len(colours)]
        route = [access, *(placed.get(m, access) for m in chain), access]
        shift = 0.05 * (i + 1)  # keep the routes of different applications apart
        for a, b in itertools.pairwise(route):
            if a == b:
                continue
            (x0, y0), (x1, y1) = where[a], where[b]
            ax.annotate(
                "",
                xy=(x1 * (1 - shift), y1 * (1 - shift)),
                xytext=(x0 * (1 - shift), y0 * (1 - shift)),
                arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.5, "connectionstyle": "arc3,rad=0.15"},
                zorder=2,
            )
        ax.plot([], [], color=colour, label=f"{app}: {access} → {' → '.join(chain)} → {access}")
    for s, (x, y) in where.items():
        ax.scatter([x], [y], s=500, color="white", edgecolors="black", zorder=3)
        ax.text(x, y, s, ha="center", va="center", fontsize=9, zorder=4)
        hosted = [m for m, host in placed.items() if host == s]
        if hosted:
            ax.text(1.3 * x, 1.3 * y, ", ".join(hosted), ha="center", va="center", fontsize=9, color="0.2")
    ax.set_xlim(-1.7, 1.7)
    ax.set_ylim(-1.7, 1.7)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path
