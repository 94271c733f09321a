"""Microservice deployment on a Walker-Delta LEO constellation: the exact MILP over a generated (or attached) scenario.

The text states the shell (planes, satellites per plane, altitude, inclination, phasing) and the workload
(applications, microservices each, capacities); the LLM copies those numbers, and `tools.satnet` generates the
scenario from them with a seed (or loads the scenario file the user attached). x[m,s] places microservice m on
candidate satellite s. The transfer cost of a flow m -> m' depends on both placements, a product of binaries,
linearised in the tight form y[m,m',s,t] >= 0, sum_t y = x[m,s], sum_s y = x[m',t], exact at binary x.
Latency = processing + transmission + propagation, either summed over all microservices and flows, or along the
critical (longest) path of each application's DAG (finish-time variables); the report says which.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, get_args

import pyomo.environ as pyo
from pydantic import BaseModel, model_validator

from knowledge_base.template import AssemblyError, SpecItem, Template
from tools.question import Measure, measures
from tools.satnet.baselines import branch_and_bound, random_placement, residual_capacity_heuristic
from tools.satnet.constellation import WalkerDelta
from tools.satnet.latency import Costs, LatencyVariant, Placement, evaluate
from tools.satnet.plots import plot_placement
from tools.satnet.scenario import Scenario, ScenarioConfig, generate, is_scenario_file, load
from tools.textdata import CONSTELLATION_PHRASES, CORE_SUBJECTS, SPACE_WORDS, TextData, contradicted_by_phrase, read_by_phrase

SHAPES = ("chains", "DAGs with parallel branches")
COMPARISON_BNB_TIME_S = 10.0
"""The branch and bound beside the MILP in every report gets this long; the report says whether it finished."""


class LeoConstellationParams(BaseModel):
    scenario: ScenarioConfig | None = None
    scenario_file: str | None = None
    latency: LatencyVariant = "sum over edges"
    baseline_seed: int = 0

    @model_validator(mode="after")
    def _one_source(self) -> LeoConstellationParams:
        if (self.scenario is None) == (self.scenario_file is None):
            raise ValueError("give either the scenario's configuration or a scenario file, not both or neither")
        return self


def scenario_of(params: LeoConstellationParams) -> Scenario:
    if params.scenario is not None:
        return generate(params.scenario)
    assert params.scenario_file is not None
    path = Path(params.scenario_file)
    return _load(str(path.resolve()), path.stat().st_mtime)


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Scenario:
    return load(Path(path))


# What the LLM is asked for: each number as the text states it, 0 when the text does not state it.
_NUMBER_FIELDS: dict[str, tuple[str, str]] = {
    "planes": ("integer", "number of orbital planes"),
    "satellites_per_plane": ("integer", "satellites in each plane"),
    "altitude_km": ("number", "orbit altitude in km"),
    "inclination_deg": ("number", "orbit inclination in degrees; 0 if not stated"),
    "phasing_factor": ("integer", "Walker phasing factor F; 0 if not stated"),
    "applications": ("integer", "number of applications"),
    "microservices_per_application": ("integer", "microservices in each application"),
    "seed": ("integer", "random seed of the scenario; 0 if not stated"),
    "satellite_cpu_cores_min": ("number", "smallest CPU capacity of a satellite in cores; 0 if not stated"),
    "satellite_cpu_cores_max": ("number", "largest CPU capacity of a satellite in cores; same as the smallest if one value"),
    "microservice_cpu_cores_min": ("number", "smallest CPU demand of a microservice in cores; 0 if not stated"),
    "microservice_cpu_cores_max": ("number", "largest CPU demand of a microservice in cores; same as the smallest if one value"),
    "candidates_per_microservice": ("integer", "candidate satellites per microservice; 0 if not stated"),
    "isl_rate_mbps": ("number", "inter-satellite link rate in Mbit/s; 0 if not stated"),
    "satellite_isl_limit_mbit": ("number", "ISL data limit per satellite in Mbit per request; 0 if not stated"),
}
_OPTIONAL_FIELD_TOPICS: dict[str, str] = {
    "inclination_deg": r"inclin",
    "phasing_factor": r"phas",
    "seed": r"seed",
    "satellite_cpu_cores_min": r"\bcores?\b|\bCPU",
    "satellite_cpu_cores_max": r"\bcores?\b|\bCPU",
    "microservice_cpu_cores_min": r"\bcores?\b|\bCPU",
    "microservice_cpu_cores_max": r"\bcores?\b|\bCPU",
    "candidates_per_microservice": r"candidate",
    "isl_rate_mbps": r"[MG]bit/s|[MG]bps|link rate|data rate",
    "satellite_isl_limit_mbit": r"\blimit",
}
"""A field the text does not talk about is left out of the form (its default applies), e.g. no 'seed' without 'seed'."""
_REQUIRED_FOR_GENERATION = ("planes", "satellites_per_plane", "altitude_km", "applications", "microservices_per_application")
_DEFAULTS: dict[str, float] = {
    "inclination_deg": 53.0,
    "phasing_factor": 1.0,
    "seed": 0.0,
    "candidates_per_microservice": 6.0,
    "isl_rate_mbps": 1000.0,
}


class LeoConstellationPlacement(Template[LeoConstellationParams]):
    id = "leo_constellation_placement"
    family = "leo_service_placement"
    problem_class = "MILP"
    title = "Microservice deployment on a Walker-Delta LEO constellation (minimum total end-to-end latency)"
    objectives = measures(
        {
            "": Measure("min", "the total end-to-end latency of the applications", "ms"),
        }
    )
    description = (
        "Deploy the microservices of several applications on a Walker-Delta LEO satellite constellation given by its "
        "number of orbital planes, satellites per plane, altitude, inclination and phasing, with +Grid inter-satellite "
        "links. Applications are DAGs or chains of microservices with CPU workloads and data flows; each microservice "
        "goes on one of its candidate satellites within CPU capacity and communication limits. Minimize the total "
        "end-to-end latency (processing, transmission and propagation), summed over flows or along the critical path; "
        "compare with random, heuristic and optimal placements. The scenario can also be an attached scenario file."
    )
    math = r"""
\textbf{Sets: } S \text{ satellites},\ A \text{ applications},\ M_a \text{ microservices},\ E_a \text{ flows } (m,m'),
\ K_m\subseteq S \text{ candidates}
\\ \textbf{Parameters: } p_{ms}=w_m/f_s\ \text{processing},
\ \tau_{e,st}=d_{st}+h_{st}D_e/R\ \text{transfer (propagation + transmission)},
\ c_m,\ C_s\ \text{CPU cores},\ B_s\ \text{ISL data limit}
\\ \textbf{Variables: } x_{ms}\in\{0,1\}\ (s\in K_m),\ y_{e,st}\ge 0,\ L_a \ge 0
\\ \min\ \textstyle\sum_a L_a
\\ \textstyle\sum_{s\in K_m} x_{ms} = 1,\quad \sum_m c_m x_{ms}\le C_s,\quad \sum_{e}\sum_{t\ne s} D_e (y_{e,st}+y_{e,ts})\le B_s
\\ \textstyle\sum_t y_{e,st} = x_{ms},\ \sum_s y_{e,st} = x_{m't}\quad(\text{exact linearisation of } x_{ms}x_{m't})
\\ \text{sum over edges: } L_a = \textstyle\sum_s \tau^{in}_{a,s} x_{m^{in}_a s} + \sum_{m,s} p_{ms}x_{ms}
+ \sum_{e,s,t}\tau_{e,st}y_{e,st}
+ \sum_s \tau^{out}_{a,s} x_{m^{out}_a s}
\\ \text{critical path: } F_{m'} \ge F_m + \textstyle\sum_{s,t}\tau_{e,st}y_{e,st} + \sum_t p_{m't}x_{m't},
\ F_{m^{in}_a}\ge \sum_s(\tau^{in}_{a,s}+p_{m^{in}_a s})x_{m^{in}_a s},
\ L_a \ge F_{m^{out}_a} + \sum_s \tau^{out}_{a,s}x_{m^{out}_a s}
"""
    examples = (
        "Deploy 3 applications of 4 microservices each on a Walker-Delta constellation of 6 planes with 10 satellites "
        "each at 550 km altitude and 53 degrees inclination, phasing 1. Each satellite has 4 to 8 CPU cores and each "
        "microservice needs 1 to 2 cores. Minimize the total end-to-end latency and compare with random and heuristic "
        "placements.",
        "Place the microservices of 12 applications on a Starlink-like shell of 72 orbital planes with 22 satellites per "
        "plane at 550 km, inclination 53 degrees; latency of an application is its critical path.",
    )
    tags = ("MILP", "leo_service_placement", "satellite", "constellation", "walker-delta", "microservice", "latency")
    params_model = LeoConstellationParams
    speaks_of = SPACE_WORDS
    structural_constraints = frozenset({"one_place", "link_from", "link_to", "entry_time", "precedence", "end_to_end", "total"})

    def binding_schema(self, data: TextData) -> dict[str, Any]:
        scenario_files = [Path(f).name for f in data.files if _is_scenario_path(f)]
        # Only the fields the text talks about: a shorter form is filled faster and better by a small model.
        asked = [name for name in _NUMBER_FIELDS if name in _REQUIRED_FOR_GENERATION or _mentioned(name, data.text)]
        properties: dict[str, Any] = {
            name: {"type": _NUMBER_FIELDS[name][0], "description": _NUMBER_FIELDS[name][1]} for name in asked
        }
        properties["application_shape"] = {"enum": list(SHAPES), "description": "chains, or DAGs whose branches run in parallel"}
        properties["latency"] = {
            "enum": list(get_args(LatencyVariant)),
            "description": "sum over edges: add every processing and transfer; critical path: longest path of each DAG",
        }
        if scenario_files:
            properties["scenario_file"] = {"enum": [*scenario_files, "none"], "description": "an attached scenario file to use"}
        return {
            "title": "leo_constellation_binding",
            "type": "object",
            "properties": properties,
            "required": list(properties),
        }

    def read(self, binding: dict[str, Any], data: TextData, spec: list[SpecItem]) -> dict[str, Any]:
        latency = binding.get("latency", "sum over edges")
        if latency not in get_args(LatencyVariant):
            raise AssemblyError(f"latency must be one of {', '.join(get_args(LatencyVariant))}, not {latency!r}")
        chosen = binding.get("scenario_file") or "none"
        if chosen != "none":
            return {"scenario_file": self._scenario_file(chosen, data, spec), "latency": latency}
        read = read_by_phrase(data.text, CONSTELLATION_PHRASES, CORE_SUBJECTS)
        binding = {**binding, **{name: value for name, (value, _phrase) in read.items()}}
        mismatch = contradicted_by_phrase(binding, data.text, CONSTELLATION_PHRASES, CORE_SUBJECTS)
        if mismatch:
            raise AssemblyError(mismatch)
        values: dict[str, float] = {}
        for name, (_kind, _description) in _NUMBER_FIELDS.items():
            raw = binding.get(name, 0)
            try:
                value = float(raw)
            except (TypeError, ValueError) as exc:
                raise AssemblyError(f"{name} must be a number, not {raw!r}") from exc
            if value == 0 and name in _REQUIRED_FOR_GENERATION:
                raise AssemblyError(f"the text must state the {_NUMBER_FIELDS[name][1]} (or attach a scenario file)")
            if value == 0 and name in _DEFAULTS:
                value = _DEFAULTS[name]
                spec.append(SpecItem(name, value, "template default (not stated in the text)", default=value))
            elif value != 0:
                source = f"read by code from '{read[name][1]}'" if name in read else "stated in the text"
                spec.append(SpecItem(name, value, source))
            values[name] = value
        try:
            config = ScenarioConfig(
                shell=WalkerDelta(
                    planes=int(values["planes"]),
                    satellites_per_plane=int(values["satellites_per_plane"]),
                    altitude_km=values["altitude_km"],
                    inclination_deg=values["inclination_deg"],
                    phasing=int(values["phasing_factor"]),
                ),
                applications=int(values["applications"]),
                microservices_per_application=int(values["microservices_per_application"]),
                seed=int(values["seed"]),
                candidates_per_microservice=int(values["candidates_per_microservice"]),
                isl_rate_mbps=values["isl_rate_mbps"],
                satellite_comm_mbit=values["satellite_isl_limit_mbit"] or None,
                branching=0.0 if binding.get("application_shape") == "chains" else 0.3,
                satellite_cpu_cores=_range(
                    "satellite_cpu_cores", values, ScenarioConfig.model_fields["satellite_cpu_cores"].default
                ),
                microservice_cpu_cores=_range(
                    "microservice_cpu_cores", values, ScenarioConfig.model_fields["microservice_cpu_cores"].default
                ),
            )
        except ValueError as exc:
            raise AssemblyError(str(exc).replace("\n", " ")) from exc
        return {"scenario": config, "latency": latency}

    @staticmethod
    def _scenario_file(chosen: str, data: TextData, spec: list[SpecItem]) -> str:
        """The attached scenario file the binding names, read once to check it (its path, resolved)."""
        paths = [f for f in data.files if Path(f).name == chosen]
        if not paths:
            raise AssemblyError(f"no attached file is named {chosen}")
        try:
            scenario = load(Path(paths[0]))
        except (ValueError, KeyError, OSError) as exc:
            raise AssemblyError(f"the scenario file {chosen} cannot be read: {exc}") from exc
        spec.append(SpecItem("applications", float(len(scenario.applications)), f"scenario file {chosen}"))
        return str(Path(paths[0]).resolve())

    def build_model(self, params: LeoConstellationParams) -> pyo.ConcreteModel:
        scene = _Scene(scenario_of(params))
        m = pyo.ConcreteModel(name=self.id)
        _add_placement(m, scene)
        _add_capacities(m, scene)
        _add_transfer_links(m, scene)
        _add_latency(m, scene, params.latency)
        m.objective = pyo.Objective(expr=sum(m.latency[a] for a in m.A), sense=pyo.minimize)
        return m

    def placement(self, params: LeoConstellationParams, solution: dict[str, float]) -> Placement:
        scenario = scenario_of(params)
        placed: Placement = {}
        for app in scenario.applications:
            for service in app.microservices:
                for s in service.candidates:
                    if solution.get(f"x[{service.name},{s}]", 0.0) > 0.5:
                        placed[service.name] = s
        return placed

    def solution_table(self, params: LeoConstellationParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        scenario = scenario_of(params)
        placed = self.placement(params, solution)
        costs = Costs(scenario)
        latency = evaluate(scenario, placed, params.latency).latency_ms
        rows: list[dict[str, Any]] = []
        for app in scenario.applications:
            for service in app.microservices:
                where = placed.get(service.name)
                rows.append(
                    {
                        "application": app.name,
                        "microservice": service.name,
                        "satellite": where or "?",
                        "processing (ms)": round(costs.processing_ms(service.name, where), 3) if where else None,
                        f"application latency, {params.latency} (ms)": round(latency[app.name], 3) if latency else None,
                    }
                )
        return rows

    def comparisons(self, params: LeoConstellationParams, solution: dict[str, float]) -> list[dict[str, Any]]:
        """The MILP's placement beside random, heuristic and branch-and-bound placements, all recomputed the same way."""
        scenario = scenario_of(params)
        answer = evaluate(scenario, self.placement(params, solution), params.latency)
        results = [
            residual_capacity_heuristic(scenario, params.latency),
            random_placement(scenario, params.latency, seed=params.baseline_seed),
            branch_and_bound(scenario, params.latency, time_limit_s=COMPARISON_BNB_TIME_S),
        ]
        rows = [
            _comparison_row(
                "MILP (this answer)", answer.latency_ms, answer.total_ms, answer.total_ms, "placement of the solved MILP"
            )
        ]
        for result in results:
            latency = evaluate(scenario, result.placement, params.latency).latency_ms if result.placement else {}
            if result.method == "branch and bound":
                note = f"{result.nodes} nodes, " + ("proved optimal" if result.proved_optimal else "stopped at its limit")
            else:
                note = "respects capacities" if result.placement else "found no placement within the capacities"
            rows.append(_comparison_row(result.method, latency, result.total_ms, answer.total_ms, note, result.time_s))
        return rows

    def figures(self, params: LeoConstellationParams, solution: dict[str, float], out_dir: Path) -> list[str]:
        scenario = scenario_of(params)
        placement = self.placement(params, solution)
        heuristic = residual_capacity_heuristic(scenario, params.latency)
        random = random_placement(scenario, params.latency, seed=params.baseline_seed)
        bars = {"MILP": evaluate(scenario, placement, params.latency).latency_ms}
        if heuristic.placement:
            bars["heuristic"] = evaluate(scenario, heuristic.placement, params.latency).latency_ms
        if random.placement:
            bars["random"] = evaluate(scenario, random.placement, params.latency).latency_ms
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / "leo_constellation_placement.png"
        plot_placement(scenario, placement, bars, f"latency: {params.latency}", path)
        return [str(path)]

    def formulation_summary(self, params: LeoConstellationParams) -> dict[str, Any]:
        scenario = scenario_of(params)
        c = scenario.constellation
        summary: dict[str, Any] = {"scenario": scenario.description}
        if params.scenario is not None:
            shell = params.scenario.shell
            summary["shell"] = (
                f"{shell.planes} planes x {shell.satellites_per_plane} satellites = {shell.total}, {shell.altitude_km:g} km, "
                f"{shell.inclination_deg:g} deg, phasing {shell.phasing}; orbital period {shell.period_s / 60:.1f} min"
            )
        summary["inter-satellite links"] = f"{len(c.links)} usable +Grid links; {scenario.line_of_sight_note()}"
        summary["applications"] = [
            f"{a.name}: {len(a.microservices)} microservices, {len(a.flows)} flows "
            f"({'chain' if a.is_chain else 'DAG'}), access {a.access_satellite}"
            for a in scenario.applications
        ]
        summary["latency variant solved"] = (
            "critical path (each application's latency is its longest entry-to-exit path)"
            if params.latency == "critical path"
            else "sum over edges (each application's latency adds all its processing and transfers)"
        )
        summary["objective"] = "minimize the total end-to-end latency over all applications"
        return summary


Pair = tuple[str, str, str, str]
"""(first microservice, second microservice, satellite of the first, satellite of the second) of a flow."""


class _Scene:
    """The scenario as the MILP indexes it: microservices and flows by name, the routable satellite pairs of each
    flow, and the groupings the constraints sum over."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.costs = Costs(scenario)
        self.hops, self.index = scenario.constellation.hops, scenario.constellation.index
        self.services = {m.name: m for a in scenario.applications for m in a.microservices}
        self.flows = {(f.source, f.target): f for a in scenario.applications for f in a.flows}
        self.pairs: list[Pair] = [
            (src, dst, s, t)
            for (src, dst) in self.flows
            for s in self.services[src].candidates
            for t in self.services[dst].candidates
            if self.hops[self.index[s], self.index[t]] >= 0  # no route: the pair cannot be chosen
        ]
        self.by_service: dict[str, list[str]] = {name: list(ms.candidates) for name, ms in self.services.items()}
        self.hosted: dict[str, list[str]] = {}
        for name, ms in self.services.items():
            for s in ms.candidates:
                self.hosted.setdefault(s, []).append(name)
        self.traffic: dict[str, list[tuple[float, Pair]]] = {}
        self.rows: dict[tuple[str, str, str], list[Pair]] = {}
        self.columns: dict[tuple[str, str, str], list[Pair]] = {}
        self.by_flow: dict[tuple[str, str], list[Pair]] = {}
        for key in self.pairs:
            src, dst, s, t = key
            if s != t:
                data = self.flows[(src, dst)].data_mbit
                self.traffic.setdefault(s, []).append((data, key))
                self.traffic.setdefault(t, []).append((data, key))
        for key in self.pairs:
            src, dst, s, t = key
            self.by_flow.setdefault((src, dst), []).append(key)
            self.rows.setdefault((src, dst, s), []).append(key)
            self.columns.setdefault((src, dst, t), []).append(key)


def _add_placement(m: pyo.ConcreteModel, scene: _Scene) -> None:
    """x[m,s] on candidate satellites, y over the routable pairs of each flow, each microservice placed once."""
    m.X = pyo.Set(initialize=[(name, s) for name, ms in scene.services.items() for s in ms.candidates], dimen=2, ordered=True)
    m.Y = pyo.Set(initialize=scene.pairs, dimen=4, ordered=True)
    m.x = pyo.Var(m.X, domain=pyo.Binary, doc="microservice placed on candidate satellite")
    m.y = pyo.Var(m.Y, bounds=(0, 1), doc="flow between the satellites of its two microservices")
    m.one_place = pyo.Constraint(
        list(scene.services),
        rule=lambda m, name: sum(m.x[name, s] for s in scene.by_service[name]) == 1,
        doc="microservice {i} is placed on exactly one of its candidate satellites",
    )


def _add_capacities(m: pyo.ConcreteModel, scene: _Scene) -> None:
    """CPU cores per satellite, and the ISL data a satellite sends and receives where it has a limit."""
    capacity, services, hosted, traffic = scene.scenario.by_name, scene.services, scene.hosted, scene.traffic
    m.cpu = pyo.Constraint(
        sorted(hosted),
        rule=lambda m, s: sum(services[n].cpu_cores * m.x[n, s] for n in hosted[s]) <= capacity[s].cpu_cores,
        doc="the CPU cores of the microservices placed on satellite {i} fit its CPU capacity",
    )
    limited = sorted(s for s in traffic if capacity[s].comm_mbit is not None)
    if limited:
        m.comm = pyo.Constraint(
            limited,
            rule=lambda m, s: sum(d * m.y[k] for d, k in traffic[s]) <= capacity[s].comm_mbit,
            doc="the ISL data sent and received by the microservices on satellite {i} stays within its limit",
        )


def _add_transfer_links(m: pyo.ConcreteModel, scene: _Scene) -> None:
    """The exact linearisation: a flow's y rows sum to the placement of its first microservice, its columns to its second."""
    flows, services = scene.flows, scene.services
    m.link_from = pyo.Constraint(
        [(src, dst, s) for (src, dst) in flows for s in services[src].candidates],
        rule=lambda m, src, dst, s: sum(m.y[k] for k in scene.rows.get((src, dst, s), [])) == m.x[src, s],
        doc="flow {i} leaves the satellite of its first microservice",
    )
    m.link_to = pyo.Constraint(
        [(src, dst, t) for (src, dst) in flows for t in services[dst].candidates],
        rule=lambda m, src, dst, t: sum(m.y[k] for k in scene.columns.get((src, dst, t), [])) == m.x[dst, t],
        doc="flow {i} arrives at the satellite of its second microservice",
    )


def _add_latency(m: pyo.ConcreteModel, scene: _Scene, variant: LatencyVariant) -> None:
    """Each application's latency: processing, transmission and propagation summed, or along its critical path."""
    scenario, costs, by_service = scene.scenario, scene.costs, scene.by_service

    def processing(name: str) -> Any:
        return sum(costs.processing_ms(name, s) * m.x[name, s] for s in by_service[name])

    def transfer(src: str, dst: str) -> Any:
        data = scene.flows[(src, dst)].data_mbit
        return sum(costs.transfer_ms(data, k[2], k[3]) * m.y[k] for k in scene.by_flow.get((src, dst), []))

    def arrive(app_index: int) -> Any:
        app = scenario.applications[app_index]
        return sum(
            costs.transfer_ms(app.request_mbit, app.access_satellite, s) * m.x[app.entry, s] for s in by_service[app.entry]
        )

    def leave(app_index: int) -> Any:
        app = scenario.applications[app_index]
        return sum(costs.transfer_ms(app.response_mbit, s, app.access_satellite) * m.x[app.exit, s] for s in by_service[app.exit])

    for app in scenario.applications:  # a candidate with no route to or from the access satellite cannot be used
        for name in {app.entry, app.exit}:
            for s in by_service[name]:
                if scene.hops[scene.index[app.access_satellite], scene.index[s]] < 0:
                    m.x[name, s].fix(0)
    m.A = pyo.RangeSet(0, len(scenario.applications) - 1)
    m.latency = pyo.Var(m.A, domain=pyo.NonNegativeReals, doc="end-to-end latency of an application (ms)")
    if variant == "sum over edges":
        m.total = pyo.Constraint(
            m.A,
            rule=lambda m, a: (
                m.latency[a]
                == arrive(a)
                + sum(processing(x.name) for x in scenario.applications[a].microservices)
                + sum(transfer(f.source, f.target) for f in scenario.applications[a].flows)
                + leave(a)
            ),
            doc="the latency of application {i} adds its processing, transmission and propagation delays",
        )
        return
    m.finish = pyo.Var(list(scene.services), domain=pyo.NonNegativeReals, doc="time a microservice finishes (ms)")
    entries = {a.entry: i for i, a in enumerate(scenario.applications)}
    m.entry_time = pyo.Constraint(
        list(entries),
        rule=lambda m, name: m.finish[name] >= arrive(entries[name]) + processing(name),
        doc="the entry microservice {i} finishes after the request arrives and it has processed it",
    )
    m.precedence = pyo.Constraint(
        list(scene.flows),
        rule=lambda m, src, dst: m.finish[dst] >= m.finish[src] + transfer(src, dst) + processing(dst),
        doc="microservice {i} finishes after its predecessor's data has arrived and it has processed it",
    )
    m.end_to_end = pyo.Constraint(
        m.A,
        rule=lambda m, a: m.latency[a] >= m.finish[scenario.applications[a].exit] + leave(a),
        doc="the latency of application {i} covers its critical path and the response",
    )


def _mentioned(field: str, text: str) -> bool:
    return bool(re.search(_OPTIONAL_FIELD_TOPICS.get(field, "$^"), text, flags=re.IGNORECASE))


def _range(name: str, values: dict[str, float], default: tuple[float, float]) -> tuple[float, float]:
    """A (min, max) range from the binding: one stated value stands for both ends; none stated gives the default."""
    low, high = values[f"{name}_min"], values[f"{name}_max"]
    if low == 0 and high == 0:
        return default
    low, high = (low or high), (high or low)
    return (min(low, high), max(low, high))


def _is_scenario_path(path: str) -> bool:
    if not path.lower().endswith(".json"):
        return False
    try:
        return is_scenario_file(json.loads(Path(path).read_text()))
    except (OSError, ValueError):
        return False


def _comparison_row(
    method: str, latency: dict[str, float], total: float | None, optimum: float, note: str, time_s: float | None = None
) -> dict[str, Any]:
    row: dict[str, Any] = {"method": method, "total latency (ms)": round(total, 3) if total is not None else None}
    row["vs MILP"] = f"+{100 * (total - optimum) / optimum:.1f}%" if total is not None and optimum > 0 else None
    if len(latency) <= 8:
        row.update({f"{name} (ms)": round(value, 3) for name, value in latency.items()})
    row["time (s)"] = round(time_s, 3) if time_s is not None else None
    row["note"] = note
    return row


TEMPLATE = LeoConstellationPlacement()
