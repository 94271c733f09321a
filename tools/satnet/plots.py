"""The placement figure: the constellation with each application's microservices marked, and latency bars per method."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers
import matplotlib.pyplot as plt
import numpy as np

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
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), gridspec_kw={"width_ratios": [1.4, 1]})
    for i, j in c.links:
        (lat1, lon1), (lat2, lon2) = latlon[i], latlon[j]
        if abs(lon1 - lon2) < 180:  # links that wrap around the map edge are not drawn across it
            left.plot([lon1, lon2], [lat1, lat2], color="0.85", linewidth=0.5, zorder=1)
    left.scatter(latlon[:, 1], latlon[:, 0], s=8, color="0.6", zorder=2, label="satellite")
    colours = plt.get_cmap("tab10")
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
    plt.close(fig)
    return path
