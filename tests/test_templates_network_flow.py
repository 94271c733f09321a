"""The network-flow templates against independent computations: a path LP (scipy), min-cut and path enumeration."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from scipy.optimize import linprog

from knowledge_base.template import AssemblyError
from knowledge_base.templates._links import link_ends
from knowledge_base.templates.max_flow import TEMPLATE as MAX_FLOW
from knowledge_base.templates.max_flow import MaxFlowParams
from knowledge_base.templates.multicommodity_flow import TEMPLATE as ROUTING
from knowledge_base.templates.multicommodity_flow import MulticommodityParams
from knowledge_base.templates.single_path_routing import TEMPLATE as SINGLE_PATH
from tests.templates_support import solve_example
from tools.textdata import parse_text


def path_lp(params: MulticommodityParams) -> float:
    """The same problem over explicit paths (every simple path of every demand), solved by scipy's linprog.

    Variables: one flow per (demand, path), plus the utilisation U in the congestion variant.
    """
    graph = nx.MultiDiGraph()
    for name, tail, head in params.arcs():
        graph.add_edge(tail, head, key=name)
    columns: list[tuple[int, list[str]]] = []  # (demand, links used)
    for d, demand in enumerate(params.demands):
        for path in nx.all_simple_edge_paths(graph, demand.source, demand.destination):
            columns.append((d, [key for _, _, key in path]))
    congestion = params.objective == "minimum maximum link utilisation"
    n = len(columns) + (1 if congestion else 0)
    cost = np.zeros(n)
    if congestion:
        cost[-1] = 1.0
    else:
        weight = {link.name: link.cost for link in params.links}
        for j, (_, used) in enumerate(columns):
            cost[j] = sum(weight[name] for name in used)
    a_eq = np.zeros((len(params.demands), n))
    for j, (d, _) in enumerate(columns):
        a_eq[d, j] = 1.0
    b_eq = np.array([demand.rate for demand in params.demands])
    a_ub = np.zeros((len(params.links), n))
    b_ub = np.zeros(len(params.links))
    for i, link in enumerate(params.links):
        for j, (_, used) in enumerate(columns):
            a_ub[i, j] = used.count(link.name)
        if congestion:
            a_ub[i, -1] = -link.capacity
        else:
            b_ub[i] = link.capacity
    result = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
    assert result.status == 0, result.message
    return float(result.fun)


def min_cut(params: MaxFlowParams) -> float:
    """Smallest capacity of a cut separating the source from the destination, over every node subset."""
    others = [n for n in params.nodes if n not in (params.source, params.destination)]
    best = float("inf")
    for r in range(len(others) + 1):
        for extra in itertools.combinations(others, r):
            side = {params.source, *extra}
            if params.direction == "one-way (directed) links":
                crossing = [link.capacity for link in params.links if link.tail in side and link.head not in side]
            else:
                crossing = [link.capacity for link in params.links if (link.tail in side) != (link.head in side)]
            best = min(best, sum(crossing))
    return best


ROUTING_BINDING = {
    "link_table": "T1",
    "capacity_column": "capacity (Mbit/s)",
    "links": "one-way (directed) links",
    "cost_column": "cost per Mbit/s",
    "demands": [
        {"source": "A", "destination": "D", "rate": {"value": 12, "unit": "Mbit/s"}},
        {"source": "B", "destination": "D", "rate": {"value": 3, "unit": "Mbit/s"}},
    ],
    "objective": "minimum total routing cost",
}


@pytest.mark.parametrize(
    ("links", "objective"),
    [
        ("one-way (directed) links", "minimum total routing cost"),
        ("one-way (directed) links", "minimum maximum link utilisation"),
        ("two-way links, the capacity shared by both directions", "minimum maximum link utilisation"),
        ("two-way links, the capacity available in each direction", "minimum total routing cost"),
    ],
)
def test_routing_equals_the_path_formulation(links: str, objective: str) -> None:
    params, result = solve_example(ROUTING, ROUTING.examples[0], ROUTING_BINDING | {"links": links, "objective": objective})
    assert result.objective == pytest.approx(path_lp(params), abs=1e-6)
    if (links, objective) == ("one-way (directed) links", "minimum total routing cost"):
        # By hand: A->D costs 2 via B and 3 via C; B->D costs 1 direct and 2 via C. All 15 Mbit/s through C would
        # cost 36 + 6 = 42; each Mbit/s moved onto B->D (capacity 6) saves 1, whichever demand it belongs to: 36.
        assert result.objective == pytest.approx(36.0)


def test_routing_flows_respect_capacities_and_deliver_the_demands() -> None:
    params, result = solve_example(ROUTING, ROUTING.examples[0], ROUTING_BINDING)
    rows = ROUTING.solution_table(params, result.solution)
    capacity = {link.name: link.capacity for link in params.links}
    for name in capacity:
        assert sum(r["flow (Mbit/s)"] for r in rows if r["link"] == name) <= capacity[name] + 1e-6
    into_d = sum(r["flow (Mbit/s)"] for r in rows if r["to"] == "D")
    assert into_d == pytest.approx(15.0)


def test_routing_converts_demands_to_the_capacity_unit() -> None:
    binding = ROUTING_BINDING | {
        "demands": [{"source": "A", "destination": "D", "rate": {"value": 0.012, "unit": "Gbit/s"}}],
    }
    params, spec = ROUTING.assemble(binding, parse_text(ROUTING.examples[0]))
    assert params.demands[0].rate == pytest.approx(12.0)
    assert any(item.name == "demand[A->D]" and item.value == 0.012 for item in spec)


def test_routing_refuses_a_node_the_links_do_not_have() -> None:
    binding = ROUTING_BINDING | {"demands": [{"source": "A", "destination": "Z", "rate": {"value": 1, "unit": "Mbit/s"}}]}
    with pytest.raises(AssemblyError, match="Z is not a node"):
        ROUTING.assemble(binding, parse_text(ROUTING.examples[0]))


@pytest.mark.parametrize("label", ["A->B", "A - B", "(A,B)", "A to B", "A→B"])
def test_link_labels_name_two_nodes(label: str) -> None:
    assert link_ends(label) == ("A", "B")


def test_link_table_is_required() -> None:
    with pytest.raises(AssemblyError, match="one row per link"):
        ROUTING.binding_schema(parse_text("| user | C1 |\n|---|---|\n| U1 | 3 |\n"))


@pytest.mark.parametrize(
    "links",
    [
        "one-way (directed) links",
        "two-way links, the capacity shared by both directions",
        "two-way links, the capacity available in each direction",
    ],
)
def test_max_flow_equals_the_min_cut(links: str) -> None:
    binding = {"link_table": "T1", "capacity_column": "capacity (Mbit/s)", "links": links, "source": "G", "destination": "T"}
    params, result = solve_example(MAX_FLOW, MAX_FLOW.examples[0], binding)
    assert result.objective == pytest.approx(min_cut(params), abs=1e-6)
    if links == "one-way (directed) links":
        assert result.objective == pytest.approx(14.0)  # by hand: the cut into T, R1->T 4 + R2->T 10
    into_t = sum(r["flow (Mbit/s)"] for r in MAX_FLOW.solution_table(params, result.solution) if r["to"] == "T")
    out_of_t = sum(r["flow (Mbit/s)"] for r in MAX_FLOW.solution_table(params, result.solution) if r["from"] == "T")
    assert into_t - out_of_t == pytest.approx(result.objective)


def brute_single_path(params: MulticommodityParams) -> float:
    """Every combination of one simple path per demand, kept when the links' loads fit (or scored by utilisation)."""
    graph = nx.MultiDiGraph()
    for name, tail, head in params.arcs():
        graph.add_edge(tail, head, key=name)
    options = [
        [[key for _, _, key in path] for path in nx.all_simple_edge_paths(graph, d.source, d.destination)] for d in params.demands
    ]
    capacity = {link.name: link.capacity for link in params.links}
    weight = {link.name: link.cost for link in params.links}
    best = float("inf")
    for choice in itertools.product(*options):
        load = dict.fromkeys(capacity, 0.0)
        for demand, path in zip(params.demands, choice, strict=True):
            for name in path:
                load[name] += demand.rate
        if params.objective == "minimum maximum link utilisation":
            best = min(best, max(load[n] / capacity[n] for n in capacity))
        elif all(load[n] <= capacity[n] + 1e-9 for n in capacity):
            best = min(best, sum(d.rate * weight[n] for d, path in zip(params.demands, choice, strict=True) for n in path))
    return best


SINGLE_PATH_BINDING = {
    "link_table": "T1",
    "capacity_column": "capacity (Mbit/s)",
    "links": "two-way links, the capacity shared by both directions",
    "cost_column": "none",
    "demands": [
        {"source": "G", "destination": "M3", "rate": {"value": 30, "unit": "Mbit/s"}},
        {"source": "G", "destination": "M1", "rate": {"value": 50, "unit": "Mbit/s"}},
        {"source": "M2", "destination": "M3", "rate": {"value": 40, "unit": "Mbit/s"}},
    ],
    "objective": "minimum total routing cost",
}


@pytest.mark.parametrize(
    ("links", "objective"),
    [
        ("two-way links, the capacity shared by both directions", "minimum total routing cost"),
        ("two-way links, the capacity shared by both directions", "minimum maximum link utilisation"),
        ("two-way links, the capacity available in each direction", "minimum maximum link utilisation"),
    ],
)
def test_single_path_routing_equals_path_enumeration(links: str, objective: str) -> None:
    params, result = solve_example(
        SINGLE_PATH, SINGLE_PATH.examples[0], SINGLE_PATH_BINDING | {"links": links, "objective": objective}
    )
    assert result.objective == pytest.approx(brute_single_path(params), abs=1e-6)
    rows = SINGLE_PATH.solution_table(params, result.solution)
    assert [row["path"].split(" -> ")[0] for row in rows] == ["G", "G", "M2"]
    assert [row["path"].split(" -> ")[-1] for row in rows] == ["M3", "M1", "M3"]
    if objective == "minimum total routing cost":
        # By hand: G->M1 and M2->M3 go direct (50 + 40 hop-Mbit/s); G->M3 needs two hops either way (60): 150.
        assert result.objective == pytest.approx(150.0)
        assert sum(row["hops"] * row["rate (Mbit/s)"] for row in rows) == pytest.approx(150.0)
