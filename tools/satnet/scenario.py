"""A microservice-deployment scenario: a constellation, satellite resources and applications; seeded, saved as JSON.

`generate(config)` is a pure function of the config (the seed included), so the same config always gives the
same scenario. `save` writes everything a solver needs (positions, links, capacities, applications) and
`load` rebuilds the routing from it, so a scenario file made elsewhere, or edited by hand, is read the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field, model_validator

from tools.satnet.applications import Application, Flow, Microservice, random_dag
from tools.satnet.constellation import (
    Constellation,
    WalkerDelta,
    build_constellation,
    grid_links,
    satellite_name,
    walker_positions,
)

FORMAT = "lamopt-satnet-scenario/1"
"""The marker a scenario file carries at its top level (key `format`)."""


class ScenarioConfig(BaseModel):
    """Everything that determines a generated scenario. Ranges are drawn uniformly per satellite / microservice."""

    shell: WalkerDelta
    applications: int = Field(ge=1, le=500)
    microservices_per_application: int = Field(ge=1, le=50)
    seed: int = 0
    satellite_cpu_cores: tuple[float, float] = (4.0, 8.0)
    satellite_cpu_ghz: tuple[float, float] = (1.5, 3.0)
    """Clock of a satellite's cores: processing time of a microservice = workload / clock."""
    microservice_cpu_cores: tuple[float, float] = (1.0, 2.0)
    microservice_workload_gcycles: tuple[float, float] = (0.01, 0.05)
    flow_data_mbit: tuple[float, float] = (0.5, 4.0)
    isl_rate_mbps: float = Field(default=1000.0, gt=0)
    """Inter-satellite link rate: transmission time per hop = data / rate."""
    satellite_comm_mbit: float | None = Field(default=None, gt=0)
    """Communication workload limit: ISL data a satellite's microservices may send and receive per request (None: no limit)."""
    candidates_per_microservice: int = Field(default=6, ge=1)
    candidate_hops: int = Field(default=3, ge=0)
    """Candidates are drawn among the satellites within this many ISL hops of the application's access satellite."""
    branching: float = Field(default=0.3, ge=0, le=1)
    """Probability that a microservice starts a parallel branch (0 gives chains)."""
    perturbation_deg: float = Field(default=0.05, ge=0)
    altitude_jitter_km: float = Field(default=1.0, ge=0)
    min_link_altitude_km: float = Field(default=80.0, ge=0)
    """A link whose line passes lower than this over the Earth (atmosphere included) has no line of sight."""

    @model_validator(mode="after")
    def _ranges(self) -> ScenarioConfig:
        for name in (
            "satellite_cpu_cores",
            "satellite_cpu_ghz",
            "microservice_cpu_cores",
            "microservice_workload_gcycles",
            "flow_data_mbit",
        ):
            low, high = getattr(self, name)
            if not 0 < low <= high:
                raise ValueError(f"{name}: the range ({low}, {high}) must satisfy 0 < low <= high")
        return self


class Satellite(BaseModel):
    name: str
    cpu_cores: float = Field(gt=0)
    cpu_ghz: float = Field(gt=0)
    comm_mbit: float | None = None


@dataclass(frozen=True)
class Scenario:
    constellation: Constellation
    satellites: tuple[Satellite, ...]
    applications: tuple[Application, ...]
    isl_rate_mbps: float
    description: str
    """Where it came from, in words (the shell and seed, or the file)."""

    @property
    def by_name(self) -> dict[str, Satellite]:
        return {s.name: s for s in self.satellites}

    def microservice(self, name: str) -> Microservice:
        for app in self.applications:
            for service in app.microservices:
                if service.name == name:
                    return service
        raise KeyError(name)

    def line_of_sight_note(self) -> str:
        dropped = self.constellation.dropped_links
        total = len(dropped) + len(self.constellation.links)
        if not dropped:
            return f"all {total} +Grid links have line of sight"
        lowest = min(d[2] for d in dropped)
        how_low = f"down to {lowest:g} km altitude" if lowest >= 0 else "some through the Earth itself"
        return f"{len(dropped)} of {total} +Grid links pass too close to the Earth ({how_low}) and were left out"

    def to_json(self) -> dict[str, Any]:
        c = self.constellation
        return {
            "format": FORMAT,
            "description": self.description,
            "isl_rate_mbps": self.isl_rate_mbps,
            "satellites": [
                {**s.model_dump(), "position_km": [round(float(v), 6) for v in c.positions_km[i]]}
                for i, s in enumerate(self.satellites)
            ],
            "links": [[c.names[i], c.names[j]] for i, j in c.links],
            "dropped_links": [[c.names[i], c.names[j], alt] for i, j, alt in c.dropped_links],
            "applications": [a.model_dump() for a in self.applications],
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1))


def is_scenario_file(data: Any) -> bool:
    return isinstance(data, dict) and data.get("format") == FORMAT


def file_summary(data: dict[str, Any]) -> str:
    """A scenario file in a few lines, for the Modeler's prompt: the whole file would bury the model in numbers."""
    apps = data.get("applications", [])
    services = sum(len(a.get("microservices", [])) for a in apps)
    return (
        f"satnet scenario file ({data.get('description', 'no description')}): {len(data.get('satellites', []))} satellites, "
        f"{len(data.get('links', []))} inter-satellite links, {len(apps)} applications with {services} microservices"
    )


def load(path: Path) -> Scenario:
    """Read a scenario file; routing is recomputed from its positions and links (the dropped links stay out)."""
    data = json.loads(Path(path).read_text())
    if not is_scenario_file(data):
        raise ValueError(f'{path} is not a satnet scenario file (no "format": "{FORMAT}")')
    names = [s["name"] for s in data["satellites"]]
    index = {n: i for i, n in enumerate(names)}
    positions = np.array([s["position_km"] for s in data["satellites"]], dtype=np.float64)
    links = [(index[a], index[b]) for a, b in data["links"]]
    constellation = build_constellation(names, positions, links, min_link_altitude_km=-np.inf)
    dropped = tuple((index[a], index[b], float(alt)) for a, b, alt in data.get("dropped_links", []))
    constellation = Constellation(
        names=constellation.names,
        positions_km=constellation.positions_km,
        links=constellation.links,
        dropped_links=dropped,
        delay_ms=constellation.delay_ms,
        hops=constellation.hops,
    )
    satellites = tuple(Satellite(**{k: v for k, v in s.items() if k != "position_km"}) for s in data["satellites"])
    applications = tuple(Application.model_validate(a) for a in data["applications"])
    _check_names(applications, set(names))
    return Scenario(constellation, satellites, applications, float(data["isl_rate_mbps"]), f"scenario file {Path(path).name}")


def _check_names(applications: tuple[Application, ...], satellites: set[str]) -> None:
    for app in applications:
        if app.access_satellite not in satellites:
            raise ValueError(f"application {app.name}: access satellite {app.access_satellite} is not in the constellation")
        for service in app.microservices:
            unknown = [c for c in service.candidates if c not in satellites]
            if unknown:
                raise ValueError(
                    f"microservice {service.name}: candidate satellites {', '.join(unknown)} are not in the constellation"
                )


def generate(config: ScenarioConfig) -> Scenario:
    """The scenario of this config; cached, since the graph's agents rebuild the model several times per run."""
    return _generate(config.model_dump_json())


@lru_cache(maxsize=8)
def _generate(config_json: str) -> Scenario:
    config = ScenarioConfig.model_validate_json(config_json)
    # One random stream per part, so changing the capacities does not move the applications, and so on.
    geometry, resources, workload = (np.random.default_rng([config.seed, part]) for part in range(3))
    shell = config.shell
    names = [satellite_name(p, k) for p in range(shell.planes) for k in range(shell.satellites_per_plane)]
    positions = walker_positions(shell, geometry, config.perturbation_deg, config.altitude_jitter_km)
    constellation = build_constellation(names, positions, grid_links(shell), config.min_link_altitude_km)

    def draw(rng: np.random.Generator, bounds: tuple[float, float], size: int, integer: bool = False) -> list[float]:
        low, high = bounds
        if integer:
            return [float(v) for v in rng.integers(int(low), int(high) + 1, size)]
        return [round(float(v), 4) for v in rng.uniform(low, high, size)]

    cores = draw(resources, config.satellite_cpu_cores, len(names), integer=_whole(config.satellite_cpu_cores))
    clocks = draw(resources, config.satellite_cpu_ghz, len(names))
    satellites = tuple(
        Satellite(name=n, cpu_cores=c, cpu_ghz=g, comm_mbit=config.satellite_comm_mbit)
        for n, c, g in zip(names, cores, clocks, strict=True)
    )
    applications: list[Application] = []
    size = config.microservices_per_application
    for a in range(config.applications):
        access = int(workload.integers(0, len(names)))
        near = np.flatnonzero((constellation.hops[access] >= 0) & (constellation.hops[access] <= config.candidate_hops))
        k = min(config.candidates_per_microservice, len(near))
        demand = draw(resources, config.microservice_cpu_cores, size, integer=_whole(config.microservice_cpu_cores))
        work = draw(workload, config.microservice_workload_gcycles, size)
        services = [
            Microservice(
                name=f"A{a + 1}M{i + 1}",
                workload_gcycles=work[i],
                cpu_cores=demand[i],
                candidates=[names[j] for j in sorted(workload.choice(near, size=k, replace=False))],
            )
            for i in range(size)
        ]
        edges = random_dag(workload, size, config.branching)
        data = draw(workload, config.flow_data_mbit, len(edges) + 2)
        flows = [
            Flow(source=services[i].name, target=services[j].name, data_mbit=d) for (i, j), d in zip(edges, data, strict=False)
        ]
        applications.append(
            Application(
                name=f"A{a + 1}",
                access_satellite=names[access],
                microservices=services,
                flows=flows,
                request_mbit=data[-2],
                response_mbit=data[-1],
            )
        )
    description = f"Walker-Delta {shell.notation()}, seed {config.seed}"
    return Scenario(constellation, satellites, tuple(applications), config.isl_rate_mbps, description)


def _whole(bounds: tuple[float, float]) -> bool:
    """Core counts given as whole numbers are drawn as whole numbers."""
    return all(float(v).is_integer() for v in bounds)
