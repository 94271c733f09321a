"""Placement figures: the constellation with each application's microservices marked and latency bars per method;
for placements given by a delay table only, a ring of the satellites with each chain's route."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure  # no pyplot: its global state is not safe when concurrent runs draw

from tools.satnet.latency import Placement
from tools.satnet.scenario import Scenario


def plot_placement(
    scenario: Scenario, placement: Placement, bars: dict[str, dict[str, float]], subtitle: str, path: Path
) -> Path:
    """Left: satellites (sub-points at t = 0) and ISLs, the chosen hosts coloured by application, access satellites
    as stars. Right: per-application latency of each method in `bars` (method -> application -> ms)."""
    c = scenario.constellation
    latlon = c.subpoints_deg()
    index = c.index
    fig = Figure(figsize=(13, 5))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
    for i, j in c.links:
        (lat1, lon1), (lat2, lon2) = latlon[i], latlon[j]
        if abs(lon1 - lon2) < 180:  # links that wrap around the map edge are not drawn across it
            left.plot([lon1, lon2], [lat1, lat2], color="0.85", linewidth=0.5, zorder=1)
    left.scatter(latlon[:, 1], latlon[:, 0], s=8, color="0.6", zorder=2, label="satellite")
    colours = colormaps["tab10"]
    for k, app in enumerate(scenario.applications):
        colour = colours(k % 10)
        hosts = [index[placement[m.name]] for m in app.microservices if m.name in placement]
        if hosts:
            left.scatter(latlon[hosts, 1], latlon[hosts, 0], s=60, color=colour, edgecolor="black", zorder=3, label=app.name)
        access = latlon[index[app.access_satellite]]
        left.scatter([access[1]], [access[0]], s=160, marker="*", color=colour, edgecolor="black", zorder=4)
    left.set_xlabel("longitude (deg, inertial at t = 0)")
    left.set_ylabel("latitude (deg)")
    left.set_title(f"{scenario.description}\nhosts per application (stars: access satellites)", fontsize=9)
    if len(scenario.applications) <= 12:
        left.legend(fontsize=7, loc="lower left", ncol=2)
    names = [a.name for a in scenario.applications]
    width = 0.8 / max(1, len(bars))
    x = np.arange(len(names))
    for k, (method, latency) in enumerate(bars.items()):
        right.bar(
            x + k * width, [latency.get(n, 0.0) for n in names], width, label=f"{method} (total {sum(latency.values()):.1f} ms)"
        )
    right.set_xticks(x + width * (len(bars) - 1) / 2, names, rotation=45 if len(names) > 8 else 0)
    highest = max((v for latency in bars.values() for v in latency.values()), default=1.0)
    right.set_ylim(0, highest * 1.3)  # room for the legend above the bars
    right.set_ylabel("end-to-end latency (ms)")
    right.set_title(f"per-application latency ({subtitle})", fontsize=9)
    right.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path


def ring_plot(
    satellites: list[str],
    placed: dict[str, str],
    chains: dict[str, tuple[str, list[str]]],
    path: Path,
    title: str,
) -> Path:
    """The small-table case (no orbital geometry): satellites on a ring, the microservices each hosts, each chain's route.
    `chains`: application → (access satellite, microservices in visiting order). Saves a PNG at `path`."""
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
