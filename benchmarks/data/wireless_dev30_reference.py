"""Independent reference answers for benchmarks/data/wireless_dev30.jsonl.

Every case is solved here twice, without the project's code (nothing from agents/, tools/ or knowledge_base/
is imported). Discrete problems: exhaustive enumeration of every choice, and a second formulation written
directly against scipy's milp (HiGHS): a 0-1 program, one per number of offloaded tasks, or a bisection on
0-1 feasibility programs for max-min objectives. Continuous problems: a closed form or a bisection/Dinkelbach
argument, and a fine grid or a second solver (LP, SLSQP). Both methods must agree with the stored answer
within its tolerance; an infeasible case (answer null) must be proved infeasible by both. `DATA[id]` holds
the numbers exactly as the question writes them (in its units); conversions happen in the solving code,
and tests/test_dev30_set.py checks that every one of these numbers appears in the question text.

    PYTHONPATH=. python benchmarks/data/wireless_dev30_reference.py            # table: id, reference, stored, agree
    PYTHONPATH=. python benchmarks/data/wireless_dev30_reference.py --check    # exit 1 on any disagreement
    PYTHONPATH=. python benchmarks/data/wireless_dev30_reference.py --ids dev30-assoc-01 dev30-pow-02
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import math
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp, minimize_scalar

HERE = Path(__file__).resolve().parent
DATASET = HERE / "wireless_dev30.jsonl"
INF = math.inf
X = None  # "-" in a table: no coverage / not allowed

Methods = list[tuple[str, float | None]]  # (method, value); None: proven infeasible by that method
DATA: dict[str, dict[str, Any]] = {}
SOLVERS: dict[str, Callable[[dict[str, Any]], Methods]] = {}  # id -> solving function


Solver = Callable[[dict[str, Any]], Methods]


def case(case_id: str, data: dict[str, Any]) -> Callable[[Solver], Solver]:
    """Register a case: its numbers as the question states them, and the function that solves it."""

    def register(solver: Solver) -> Solver:
        DATA[case_id] = data
        SOLVERS[case_id] = solver
        return solver

    return register


# --------------------------------------------------------------------------------------------- helpers


def dbm_to_mw(dbm: float) -> float:
    return float(10 ** (dbm / 10))


def db_to_lin(db: float) -> float:
    return float(10 ** (db / 10))


def lin_to_db(x: float) -> float:
    return 10 * math.log10(x)


def all_choices(options: int, items: int) -> np.ndarray:
    """Every assignment of `items` items to `options` options: an array (options**items, items)."""
    grids = np.indices((options,) * items, dtype=np.int8)
    return grids.reshape(items, -1).T


def table(rows: Sequence[Sequence[float | None]], missing: float = INF) -> np.ndarray:
    return np.array([[missing if v is None else v for v in row] for row in rows], dtype=float)


def bisect(feasible: Callable[[float], bool], lo: float, hi: float, iters: int = 200) -> float:
    """Largest x in [lo, hi] with feasible(x), feasible monotone (true below, false above)."""
    for _ in range(iters):
        mid = (lo + hi) / 2
        if feasible(mid):
            lo = mid
        else:
            hi = mid
    return lo


Row = tuple[np.ndarray, float, float]  # coefficients, lower bound, upper bound


def binary_program(objective: np.ndarray, rows: Sequence[Row], maximize: bool = False) -> float | None:
    """A 0-1 program solved by scipy's milp (HiGHS): rows are (coefficients, lower, upper); None if infeasible."""
    sign = -1.0 if maximize else 1.0
    a = np.array([r for r, _, _ in rows])
    res = milp(
        sign * objective,
        constraints=LinearConstraint(a, [lo for _, lo, _ in rows], [hi for _, _, hi in rows]),
        integrality=np.ones(len(objective)),
        bounds=Bounds(0, 1),
    )
    if res.status == 2:
        return None
    if res.status != 0:
        raise RuntimeError(f"milp stopped without a proof: {res.message}")
    return sign * float(res.fun)


def pair_index(allowed: np.ndarray) -> list[tuple[int, int]]:
    """The (user, cell) pairs that exist (finite entries of a users x cells table): one 0-1 variable each."""
    return [(u, c) for u in range(allowed.shape[0]) for c in range(allowed.shape[1]) if np.isfinite(allowed[u, c])]


def pair_rows(
    pairs: list[tuple[int, int]],
    n: int,
    coef: Callable[[int, int], float],
    by: int,
    count: int,
    lo: Sequence[float],
    hi: Sequence[float],
) -> list[Row]:
    """One row per user (by=0) or per cell (by=1): sum of coef(u, c) x[u, c] over its pairs within [lo, hi]."""
    rows = []
    for k in range(count):
        row = np.array([coef(u, c) if (u, c)[by] == k else 0.0 for u, c in pairs])
        rows.append((np.concatenate([row, np.zeros(n - len(pairs))]), lo[k], hi[k]))
    return rows


def simple_paths(adj: dict[str, dict[str, float]], src: str, dst: str) -> Iterator[list[str]]:
    stack: list[tuple[str, list[str]]] = [(src, [src])]
    while stack:
        node, path = stack.pop()
        if node == dst:
            yield path
            continue
        for nxt in adj[node]:
            if nxt not in path:
                stack.append((nxt, [*path, nxt]))


def undirected(links: dict[str, float]) -> dict[str, dict[str, float]]:
    """{'A-B': value} -> adjacency with the value both ways."""
    adj: dict[str, dict[str, float]] = {}
    for key, value in links.items():
        a, b = key.split("-")
        adj.setdefault(a, {})[b] = value
        adj.setdefault(b, {})[a] = value
    return adj


def dijkstra(adj: dict[str, dict[str, float]], src: str) -> tuple[dict[str, float], dict[str, str]]:
    dist = {src: 0.0}
    prev: dict[str, str] = {}
    heap = [(0.0, src)]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for v, w in adj[u].items():
            if d + w < dist.get(v, INF):
                dist[v] = d + w
                prev[v] = u
                heapq.heappush(heap, (d + w, v))
    return dist, prev


def min_cut_enumeration(adj: dict[str, dict[str, float]], src: str, dst: str) -> float:
    """Max flow = min cut (undirected capacities): enumerate every set S with src in S, dst not in S."""
    others = [n for n in adj if n not in (src, dst)]
    best = INF
    for mask in range(1 << len(others)):
        side = {src} | {n for i, n in enumerate(others) if mask >> i & 1}
        cut = sum(c for u in side for v, c in adj[u].items() if v not in side)
        best = min(best, cut)
    return best


def augmenting_max_flow(adj: dict[str, dict[str, float]], src: str, dst: str) -> float:
    """Edmonds-Karp on the undirected graph (each link usable both ways up to its capacity)."""
    residual = {u: dict(vs) for u, vs in adj.items()}
    total = 0.0
    while True:
        prev: dict[str, str] = {src: src}
        queue = [src]
        while queue and dst not in prev:
            u = queue.pop(0)
            for v, c in residual[u].items():
                if c > 1e-9 and v not in prev:
                    prev[v] = u
                    queue.append(v)
        if dst not in prev:
            return total
        path = [dst]
        while path[-1] != src:
            path.append(prev[path[-1]])
        path.reverse()
        push = min(residual[a][b] for a, b in itertools.pairwise(path))
        for a, b in itertools.pairwise(path):
            residual[a][b] -= push
            residual[b][a] = residual[b].get(a, 0.0) + push
        total += push


# ------------------------------------------------------------------------------------ user association


@case(
    "dev30-assoc-01",
    {
        "rates": [
            [14, 38, X],
            [11, X, 29],
            [16, 33, 27],
            [9, 41, X],
            [20, X, 36],
            [13, 30, 31],
            [18, X, X],
            [12, 26, 35],
            [15, 34, X],
        ],
        "caps": [4, 3, 3],
    },
)
def assoc_01(d: dict[str, Any]) -> Methods:
    rates = table(d["rates"], missing=-INF)
    caps = np.array(d["caps"])
    choice = all_choices(3, len(rates))
    value = rates[np.arange(len(rates)), choice].sum(axis=1)
    counts = np.stack([(choice == c).sum(axis=1) for c in range(3)], axis=1)
    value[(counts > caps).any(axis=1)] = -INF
    pairs = pair_index(np.where(np.isfinite(rates), rates, INF))
    n = len(rates)
    rows = pair_rows(pairs, len(pairs), lambda u, c: 1, 0, n, [1] * n, [1] * n)
    rows += pair_rows(pairs, len(pairs), lambda u, c: 1, 1, 3, [0] * 3, list(caps))
    mip = binary_program(np.array([rates[u, c] for u, c in pairs]), rows, maximize=True)
    return [("enumeration of 3^9 associations", float(value.max())), ("0-1 program, scipy milp", mip)]


@case(
    "dev30-assoc-02",
    {
        "weight": [5, 3, 1, 3, 5, 1, 3, 1, 5],
        "demand": [12, 20, 8, 15, 10, 18, 14, 6, 22],
        "rbs": [[8, 10, X], [12, X, 9], [6, 5, 7], [X, 9, 8], [9, 7, X], [10, 11, 12], [7, X, 6], [4, 3, 5], [14, 12, 10]],
        "rb_budget": [25, 20, 15],
        "backhaul": [40, 30, 25],
        "must": [1, 2, 5],
    },
)
def assoc_02(d: dict[str, Any]) -> Methods:
    rbs = table(d["rbs"])
    n = len(rbs)
    weight, demand = np.array(d["weight"], float), np.array(d["demand"], float)
    choice = all_choices(4, n)  # option 3: not served
    ok = np.ones(len(choice), dtype=bool)
    for c in range(3):
        on = choice == c
        ok &= (on * np.where(np.isinf(rbs[:, c]), 1e9, rbs[:, c])).sum(axis=1) <= d["rb_budget"][c]
        ok &= (on * demand).sum(axis=1) <= d["backhaul"][c]
    for u in d["must"]:
        ok &= choice[:, u - 1] != 3
    value = ((choice != 3) * weight).sum(axis=1)
    pairs = pair_index(rbs)
    n, cells = len(pairs), range(3)
    must = [1 if u + 1 in d["must"] else 0 for u in range(len(rbs))]
    rows = pair_rows(pairs, n, lambda u, c: 1, 0, len(rbs), must, [1] * len(rbs))
    rows += pair_rows(pairs, n, lambda u, c: rbs[u, c], 1, 3, [0] * 3, [d["rb_budget"][c] for c in cells])
    rows += pair_rows(pairs, n, lambda u, c: demand[u], 1, 3, [0] * 3, [d["backhaul"][c] for c in cells])
    mip = binary_program(np.array([weight[u] for u, _ in pairs]), rows, maximize=True)
    return [("enumeration of 4^9 (cell or unserved)", float(value[ok].max())), ("0-1 program, scipy milp", mip)]


@case(
    "dev30-assoc-03",
    {
        "current": [1, 1, 1, 1, 2, 2, 2, 3, 3],
        "demand": [6, 8, 5, 7, 4, 9, 6, 10, 3],
        "rates": [
            [30, 25, X],
            [40, 20, 25],
            [20, X, 30],
            [35, 28, X],
            [16, 20, 20],
            [X, 30, 36],
            [24, 15, 30],
            [25, X, 20],
            [12, 10, 15],
        ],
        "cost": [2, 3, 1, 4, 2, 5, 1, 3, 2],
        "limit_pct": 80,
    },
)
def assoc_03(d: dict[str, Any]) -> Methods:
    rates = table(d["rates"], missing=0.0)
    demand = np.array(d["demand"], float)
    frac = np.where(rates > 0, demand[:, None] / np.where(rates > 0, rates, 1), 1e9)  # 1e9: not covered
    n = len(rates)
    choice = all_choices(3, n)
    loads = np.stack([((choice == c) * frac[:, c]).sum(axis=1) for c in range(3)], axis=1)
    ok = (loads <= d["limit_pct"] / 100 + 1e-12).all(axis=1)
    moved = choice != (np.array(d["current"]) - 1)
    cost = (moved * np.array(d["cost"], float)).sum(axis=1)
    pairs = pair_index(np.where(rates > 0, 1.0, INF))
    n = len(pairs)
    rows = pair_rows(pairs, n, lambda u, c: 1, 0, len(rates), [1] * len(rates), [1] * len(rates))
    rows += pair_rows(pairs, n, lambda u, c: frac[u, c], 1, 3, [0] * 3, [d["limit_pct"] / 100] * 3)
    handover = np.array([d["cost"][u] * (c != d["current"][u] - 1) for u, c in pairs], float)
    mip = binary_program(handover, rows)
    return [("enumeration of 3^9 associations", float(cost[ok].min())), ("0-1 program, scipy milp", mip)]


@case(
    "dev30-assoc-04",
    {
        "demand": [10, 15, 15, 25, 20, 6, 30, 9],
        "rate": [[65, 39, X], [52, X, 78], [26, 58, 39], [X, 65, 52], [78, 26, 39], [39, 52, 65], [58, 78, X], [26, X, 58]],
        "dbm": [[8, 14, X], [11, X, 5], [17, 6, 12], [X, 4, 9], [3, 18, 15], [13, 10, 7], [9, 2, X], [16, X, 6]],
        "airtime_pct": 80,
    },
)
def assoc_04(d: dict[str, Any]) -> Methods:
    rate = table(d["rate"], missing=0.0)
    power = np.array([[INF if v is None else dbm_to_mw(v) for v in row] for row in d["dbm"]])
    demand = np.array(d["demand"], float)
    air = np.where(rate > 0, demand[:, None] / np.where(rate > 0, rate, 1), 1e9)  # 1e9: out of range
    n = len(rate)
    choice = all_choices(3, n)
    ok = np.ones(len(choice), dtype=bool)
    for c in range(3):
        ok &= ((choice == c) * air[:, c]).sum(axis=1) <= d["airtime_pct"] / 100 + 1e-12
    total = power[np.arange(n), choice].sum(axis=1)
    pairs = pair_index(power)
    rows = pair_rows(pairs, len(pairs), lambda u, c: 1, 0, n, [1] * n, [1] * n)
    rows += pair_rows(pairs, len(pairs), lambda u, c: air[u, c], 1, 3, [0] * 3, [d["airtime_pct"] / 100] * 3)
    mip = binary_program(np.array([power[u, c] for u, c in pairs]), rows)
    return [("enumeration of 3^8 associations (powers summed in mW)", float(total[ok].min())), ("0-1 program, scipy milp", mip)]


# ------------------------------------------------------------------------------ LEO service placement


Expr = dict[int, float]  # column -> coefficient


class PlacementProgram:
    """A second formulation of a placement: a 0-1 program solved by scipy's milp (HiGHS).

    x[s, k] = 1 when service s runs on satellite k. A transfer between two services uses z[i, j, a, b] >=
    x[i, a] + x[j, b] - 1 in [0, 1] for the product x[i, a] x[j, b]; every z enters the objective and the
    capacity rows with a nonnegative coefficient, so at the optimum it equals the product. An endpoint is
    either ("svc", s) or ("sat", k) (a fixed satellite: an access, source or sink satellite)."""

    def __init__(self, services: int, sats: int) -> None:
        self.ns, self.nk = services, sats
        self.columns = services * sats
        self.products: dict[tuple[int, int], int] = {}
        self.rows: list[tuple[Expr, float, float]] = []
        for svc in range(services):
            self.rows.append(({self.x(svc, k): 1.0 for k in range(sats)}, 1, 1))

    def x(self, svc: int, sat: int) -> int:
        return svc * self.nk + sat

    def continuous(self) -> int:
        self.columns += 1
        return self.columns - 1

    def _z(self, i: int, j: int, a: int, b: int) -> int:
        if (i, j) not in self.products:
            self.products[i, j] = self.columns
            self.columns += self.nk * self.nk
            for aa in range(self.nk):
                for bb in range(self.nk):
                    z = self.products[i, j] + aa * self.nk + bb
                    self.rows.append(({self.x(i, aa): 1.0, self.x(j, bb): 1.0, z: -1.0}, -INF, 1))
        return self.products[i, j] + a * self.nk + b

    def transfer(self, src: tuple[str, int], dst: tuple[str, int], weight: Callable[[int, int], float]) -> Expr:
        """sum over placements of weight(sat of src, sat of dst): linear in x, or in z for two services."""
        expr: Expr = {}
        sats = range(self.nk)
        for a, b in itertools.product(sats, sats):
            if (src[0] == "sat" and a != src[1]) or (dst[0] == "sat" and b != dst[1]) or weight(a, b) == 0:
                continue
            if src[0] == "svc" and dst[0] == "svc":
                column = self._z(src[1], dst[1], a, b)
            elif src[0] == "svc":
                column = self.x(src[1], a)
            elif dst[0] == "svc":
                column = self.x(dst[1], b)
            else:
                continue  # satellite to satellite: a constant, added by the caller
            expr[column] = expr.get(column, 0.0) + weight(a, b)
        return expr

    def capacity(self, need: Sequence[float], cap: Sequence[float]) -> None:
        for k in range(self.nk):
            self.rows.append(({self.x(svc, k): float(need[svc]) for svc in range(self.ns)}, -INF, float(cap[k])))

    def minimize(self, objective: Expr) -> float | None:
        def dense(expr: Expr) -> np.ndarray:
            row = np.zeros(self.columns)
            for column, coef in expr.items():
                row[column] += coef
            return row

        integrality = np.zeros(self.columns)
        integrality[: self.ns * self.nk] = 1
        upper = np.ones(self.columns)
        upper[self.ns * self.nk :] = INF  # z is bounded by its rows and the objective; epigraph variables are free above
        res = milp(
            dense(objective),
            integrality=integrality,
            bounds=Bounds(0, upper),
            constraints=LinearConstraint(
                np.array([dense(e) for e, _, _ in self.rows]), [lo for _, lo, _ in self.rows], [hi for _, _, hi in self.rows]
            ),
        )
        if res.status == 2:
            return None
        if res.status != 0:
            raise RuntimeError(f"milp stopped without a proof: {res.message}")
        return float(res.fun)


def add(base: Expr, *exprs: Expr, scale: float = 1.0) -> Expr:
    """base + scale x (sum of exprs), as a new expression."""
    total: Expr = dict(base)
    for expr in exprs:
        for column, coef in expr.items():
            total[column] = total.get(column, 0.0) + scale * coef
    return total


def _ring_matrix(link_delays: list[float]) -> np.ndarray:
    n = len(link_delays)
    m = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            a, b = min(i, j), max(i, j)
            one_way = sum(link_delays[a:b])
            m[i, j] = min(one_way, sum(link_delays) - one_way)
    return m


@case(
    "dev30-leo-01",
    {
        "delay": [
            [0, 5, 9, 12, 7, 4],
            [5, 0, 4, 10, 12, 9],
            [9, 4, 0, 6, 11, 13],
            [12, 10, 6, 0, 5, 8],
            [7, 12, 11, 5, 0, 3],
            [4, 9, 13, 8, 3, 0],
        ],
        "links": [5, 4, 6, 5, 3, 4],
        "cpu_need": [2, 3, 2, 3, 2],
        "cpu_cap": [3, 4, 2, 3, 3, 2],
        "access": [2, 5],
    },
)
def leo_01(d: dict[str, Any]) -> Methods:
    delay = np.array(d["delay"], float)
    assert np.allclose(delay, _ring_matrix(d["links"])), "the matrix is the ring's shortest delays"
    chains = [(d["access"][0] - 1, [0, 1, 2]), (d["access"][1] - 1, [3, 4])]
    best = INF
    for place in itertools.product(range(6), repeat=5):
        load = np.zeros(6)
        for s, sat in enumerate(place):
            load[sat] += d["cpu_need"][s]
        if (load > np.array(d["cpu_cap"])).any():
            continue
        total = 0.0
        for access, chain in chains:
            stops = [access, *(place[s] for s in chain), access]
            total += sum(delay[a, b] for a, b in itertools.pairwise(stops))
        best = min(best, total)
    prog = PlacementProgram(5, 6)
    prog.capacity(d["cpu_need"], d["cpu_cap"])
    objective: Expr = {}
    for access, chain in chains:
        stops = [("sat", access), *(("svc", s) for s in chain), ("sat", access)]
        for a, b in itertools.pairwise(stops):
            objective = add(objective, prog.transfer(a, b, lambda i, j: float(delay[i, j])))
    return [("enumeration of 6^5 placements", best), ("0-1 program with product variables, scipy milp", prog.minimize(objective))]


@case(
    "dev30-leo-02",
    {
        "isl": ["K1-K2", "K2-K3", "K3-K4", "K4-K5", "K5-K6", "K6-K7", "K7-K1", "K2-K6", "K3-K7"],
        "rates": [800, 600, 300, 120, 40],
        "cpu_need": [4, 3, 5, 2],
        "mem_need": [8, 6, 10, 4],
        "cpu_cap": [2, 6, 5, 4, 3, 6, 5],
        "mem_cap": [4, 8, 10, 16, 8, 12, 8],
    },
)
def leo_02(d: dict[str, Any]) -> Methods:
    adj = undirected({link: 1.0 for link in d["isl"]})
    names = [f"K{i}" for i in range(1, 8)]
    hops = np.array([[dijkstra(adj, a)[0][b] for b in names] for a in names])
    source, sink = 0, 4  # K1 captures, K5 downlinks
    best = INF
    for place in itertools.product(range(7), repeat=4):
        cpu, mem = np.zeros(7), np.zeros(7)
        for s, sat in enumerate(place):
            cpu[sat] += d["cpu_need"][s]
            mem[sat] += d["mem_need"][s]
        if (cpu > np.array(d["cpu_cap"])).any() or (mem > np.array(d["mem_cap"])).any():
            continue
        stops = [source, *place, sink]
        best = min(best, sum(r * hops[a, b] for r, (a, b) in zip(d["rates"], itertools.pairwise(stops), strict=True)))
    prog = PlacementProgram(4, 7)
    prog.capacity(d["cpu_need"], d["cpu_cap"])
    prog.capacity(d["mem_need"], d["mem_cap"])
    ends = [("sat", source), *(("svc", s) for s in range(4)), ("sat", sink)]
    objective: Expr = {}
    for rate, (a, b) in zip(d["rates"], itertools.pairwise(ends), strict=True):
        objective = add(objective, prog.transfer(a, b, lambda i, j: float(hops[i, j])), scale=rate)
    return [
        ("enumeration of 7^4 placements, hop counts by Dijkstra on the link list", best),
        ("0-1 program with product variables, scipy milp", prog.minimize(objective)),
    ]


@case(
    "dev30-leo-03",
    {
        "delay": [[0, 6, 11, 9, 4], [6, 0, 5, 12, 8], [11, 5, 0, 7, 10], [9, 12, 7, 0, 5], [4, 8, 10, 5, 0]],
        "proc": [[3, 3, 2, 3, 3], [20, 20, 8, 20, 12], [9, 9, 6, 9, 5], [4, 4, 2.5, 4, 4]],
        "mem_need": [2, 6, 3, 2],
        "mem_cap": [4, 4, 6, 8, 6],
        "access": 1,
    },
)
def leo_03(d: dict[str, Any]) -> Methods:
    delay, proc = np.array(d["delay"], float), np.array(d["proc"], float)
    acc = d["access"] - 1
    best = INF
    for i, v, a, f in itertools.product(range(5), repeat=4):
        mem = np.zeros(5)
        for s, sat in enumerate((i, v, a, f)):
            mem[sat] += d["mem_need"][s]
        if (mem > np.array(d["mem_cap"])).any():
            continue
        branch_v = delay[i, v] + proc[1, v] + delay[v, f]
        branch_a = delay[i, a] + proc[2, a] + delay[a, f]
        total = delay[acc, i] + proc[0, i] + max(branch_v, branch_a) + proc[3, f] + delay[f, acc]
        best = min(best, total)
    prog = PlacementProgram(4, 5)
    prog.capacity(d["mem_need"], d["mem_cap"])
    latency = prog.continuous()  # epigraph: latency >= the path through each branch

    def dist(i: int, j: int) -> float:
        return float(delay[i, j])

    common = add(
        prog.transfer(("sat", acc), ("svc", 0), dist),
        prog.transfer(("svc", 3), ("sat", acc), dist),
        {prog.x(0, k): proc[0, k] for k in range(5)},
        {prog.x(3, k): proc[3, k] for k in range(5)},
    )
    for branch in (1, 2):
        path = add(
            common,
            prog.transfer(("svc", 0), ("svc", branch), dist),
            prog.transfer(("svc", branch), ("svc", 3), dist),
            {prog.x(branch, k): proc[branch, k] for k in range(5)},
        )
        prog.rows.append((add(path, {latency: -1.0}), -INF, 0))
    return [
        ("enumeration of 5^4 placements, critical path of the DAG", best),
        ("0-1 program with an epigraph latency variable, scipy milp", prog.minimize({latency: 1.0})),
    ]


@case(
    "dev30-leo-04",
    {
        "links": [4, 7, 5, 6, 4, 8, 5],
        "isl_cap": 120,
        "cpu_need": [2, 4, 2, 3, 2],
        "cpu_cap": [4, 3, 4, 3, 4, 3, 2],
        "req": [40, 10],
        "traffic": [90, 60],
        "access": [1, 3],
        "fixed": 2,
    },
)
def leo_04(d: dict[str, Any]) -> Methods:
    n = 7
    adj = undirected({f"S{i + 1}-S{(i + 1) % n + 1}": w for i, w in enumerate(d["links"])})
    names = [f"S{i}" for i in range(1, n + 1)]
    delay = np.zeros((n, n))
    route: dict[tuple[int, int], list[tuple[str, str]]] = {}  # directed hops of the min-delay route
    for a in range(n):
        dist, prev = dijkstra(adj, names[a])
        for b in range(n):
            delay[a, b] = dist[names[b]]
            path: list[tuple[str, str]] = []
            node = names[b]
            while node != names[a]:
                path.append((prev[node], node))
                node = prev[node]
            route[a, b] = path
    chains = [
        (d["access"][0] - 1, [0, 1, 2], d["traffic"][0], d["req"][0]),
        (d["access"][1] - 1, [3, 4], d["traffic"][1], d["req"][1]),
    ]
    best = INF
    for place in itertools.product(range(n), repeat=5):
        if d["fixed"] is not None and place[4] != d["fixed"] - 1:
            continue
        cpu = np.zeros(n)
        for s, sat in enumerate(place):
            cpu[sat] += d["cpu_need"][s]
        if (cpu > np.array(d["cpu_cap"])).any():
            continue
        load: dict[tuple[str, str], float] = {}
        weighted = 0.0
        for access, chain, traffic, req in chains:
            stops = [access, *(place[s] for s in chain), access]
            weighted += req * sum(delay[a, b] for a, b in itertools.pairwise(stops))
            for a, b in itertools.pairwise(stops):
                for link in route[a, b]:
                    load[link] = load.get(link, 0.0) + traffic
        if load and max(load.values()) > d["isl_cap"]:
            continue
        best = min(best, weighted / sum(d["req"]))
    prog = PlacementProgram(5, n)
    prog.capacity(d["cpu_need"], d["cpu_cap"])
    prog.rows.append(({prog.x(4, d["fixed"] - 1): 1.0}, 1, 1))
    objective: Expr = {}
    loads: dict[tuple[str, str], Expr] = {}
    constant = 0.0
    for access, chain, traffic, req in chains:
        stops = [("sat", access), *(("svc", s) for s in chain), ("sat", access)]
        for a, b in itertools.pairwise(stops):
            objective = add(objective, prog.transfer(a, b, lambda i, j: float(delay[i, j])), scale=req / sum(d["req"]))
            for link in {hop for path in route.values() for hop in path}:
                on_link = prog.transfer(a, b, lambda i, j, link=link: 1.0 if link in route[i, j] else 0.0)  # type: ignore[misc]
                loads[link] = add(loads.get(link, {}), on_link, scale=traffic)
            if a[0] == b[0] == "sat":
                constant += req * delay[a[1], b[1]] / sum(d["req"])
    prog.rows += [(load, -INF, d["isl_cap"]) for load in loads.values()]
    mip = prog.minimize(objective)
    return [
        ("enumeration of the 7^4 placements with Y2 fixed, min-delay routes, per-direction ISL loads", best),
        ("0-1 program with product variables and link-load rows, scipy milp", None if mip is None else mip + constant),
    ]


# ---------------------------------------------------------------------------------- power control


def _min_power(gain: np.ndarray, noise: np.ndarray, gamma: np.ndarray) -> np.ndarray | None:
    """Smallest powers meeting SINR targets gamma (no caps): (I - D F) p = D u, or None if none exist."""
    n = len(noise)
    diag = np.diag(gain)
    cross = gain - np.diag(diag)
    f = (gamma / diag)[:, None] * cross
    if max(abs(np.linalg.eigvals(f))) >= 1:
        return None
    return np.asarray(np.linalg.solve(np.eye(n) - f, gamma * noise / diag))


def _lp_min_power(gain: np.ndarray, noise: np.ndarray, gamma: np.ndarray, cap: np.ndarray) -> float | None:
    """min sum p s.t. G_ii p_i - gamma_i sum_j!=i G_ij p_j >= gamma_i n_i, 0 <= p <= cap (scipy HiGHS).

    Each row is divided by gamma_i n_i so that its coefficients are of order one (gains of 1e-10 would
    otherwise sit below the solver's tolerances)."""
    n = len(noise)
    a = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            a[i, j] = (-gain[i, i] if i == j else gamma[i] * gain[i, j]) / (gamma[i] * noise[i])
    res = linprog(np.ones(n), A_ub=a, b_ub=-np.ones(n), bounds=list(zip([0] * n, cap, strict=True)), method="highs")
    return float(res.fun) if res.status == 0 else None


@case(
    "dev30-pow-01",
    {
        "pathloss_db": [[92, 118, 121], [115, 95, 117], [124, 113, 90]],
        "noise_dbm_hz": -174,
        "bandwidth_mhz": 10,
        "nf_db": 7,
        "target_db": [10, 8, 12],
        "cap_dbm": 30,
    },
)
def pow_01(d: dict[str, Any]) -> Methods:
    gain = np.array([[db_to_lin(-v) for v in row] for row in d["pathloss_db"]])
    noise_mw = dbm_to_mw(d["noise_dbm_hz"] + 10 * math.log10(d["bandwidth_mhz"] * 1e6) + d["nf_db"])
    noise = np.full(3, noise_mw)
    gamma = np.array([db_to_lin(t) for t in d["target_db"]])
    cap = np.full(3, dbm_to_mw(d["cap_dbm"]))
    p = _min_power(gain, noise, gamma)
    closed = None if p is None or (p > cap).any() else float(p.sum())
    return [("Perron-Frobenius closed form (I - DF)^-1 Du", closed), ("LP, scipy HiGHS", _lp_min_power(gain, noise, gamma, cap))]


def _max_min_sinr(gain: np.ndarray, noise: np.ndarray, cap: np.ndarray) -> tuple[float, float]:
    def closed(g: float) -> bool:
        p = _min_power(gain, noise, np.full(len(noise), g))
        return p is not None and bool((p <= cap * (1 + 1e-12)).all())

    def lp(g: float) -> bool:
        return _lp_min_power(gain, noise, np.full(len(noise), g), cap) is not None

    return bisect(closed, 0.0, 1e4), bisect(lp, 0.0, 1e4, iters=60)


@case(
    "dev30-pow-02",
    {
        "gain": [[0.62, 0.031, 0.012], [0.025, 0.48, 0.04], [0.018, 0.052, 0.71]],
        "noise_uw": [2, 3, 2.5],
        "cap": [200, 50],
        "cap_dbm": 20,
    },
)
def pow_02(d: dict[str, Any]) -> Methods:
    gain = np.array(d["gain"], float)
    noise = np.array(d["noise_uw"], float) / 1000  # mW
    cap = np.array([d["cap"][0], d["cap"][1], dbm_to_mw(d["cap_dbm"])])
    a, b = _max_min_sinr(gain, noise, cap)
    return [("bisection on the closed-form minimum powers", lin_to_db(a)), ("bisection on LP feasibility", lin_to_db(b))]


@case(
    "dev30-pow-03",
    {
        "gain": [[0.8, 0.02], [0.005, 0.5]],
        "noise_mw": [0.1, 0.08],
        "cap_mw": 200,
        "cap_dbm": 20,
        "bandwidth_mhz": 5,
        "weight": [1, 3],
    },
)
def pow_03(d: dict[str, Any]) -> Methods:
    gain = np.array(d["gain"], float)
    noise = np.array(d["noise_mw"], float)
    caps = [float(d["cap_mw"]), dbm_to_mw(d["cap_dbm"])]
    w, bw = d["weight"], d["bandwidth_mhz"]

    def wsr(p1: np.ndarray, p2: np.ndarray) -> np.ndarray:
        s1 = gain[0, 0] * p1 / (gain[0, 1] * p2 + noise[0])
        s2 = gain[1, 1] * p2 / (gain[1, 0] * p1 + noise[1])
        return np.asarray(bw * (w[0] * np.log2(1 + s1) + w[1] * np.log2(1 + s2)))

    g1 = np.linspace(0, caps[0], 4001)
    g2 = np.linspace(0, caps[1], 4001)
    grid_best = -INF
    for chunk in np.array_split(g1, 40):
        grid_best = max(grid_best, float(wsr(chunk[:, None], g2[None, :]).max()))
    # the optimum of a two-link weighted sum rate has one power at its cap: search the two edges finely
    edge = []
    for fixed in (0, 1):

        def neg(x: float, fixed: int = fixed) -> float:
            p1, p2 = (caps[0], x) if fixed == 0 else (x, caps[1])
            return -float(wsr(np.array(p1), np.array(p2)))

        upper = caps[1 - fixed]
        xs = np.linspace(0, upper, 20001)
        start = xs[int(np.argmin([neg(x) for x in xs[::100]]) * 100)]
        res = minimize_scalar(
            neg,
            bounds=(max(0.0, start - upper / 100), min(upper, start + upper / 100)),
            method="bounded",
            options={"xatol": 1e-10},
        )
        edge.append(-min(float(res.fun), neg(0.0), neg(upper)))
    return [("edge search (one power at its cap) + bounded scalar refinement", max(edge)), ("4001 x 4001 grid", grid_best)]


@case(
    "dev30-pow-04",
    {
        "gain_db": [[-98, -121, -119], [-117, -104, -122], [-123, -118, -101]],
        "noise_dbm": -97,
        "target_db": [14, 12, 12],
        "cap_dbm": 20,
    },
)
def pow_04(d: dict[str, Any]) -> Methods:
    gain = np.array([[db_to_lin(v) for v in row] for row in d["gain_db"]])
    noise = np.full(3, dbm_to_mw(d["noise_dbm"]))
    gamma = np.array([db_to_lin(t) for t in d["target_db"]])
    cap = np.full(3, dbm_to_mw(d["cap_dbm"]))
    p = _min_power(gain, noise, gamma)
    closed = None if p is None or (p > cap).any() else float(p.sum())
    return [("componentwise-minimal powers exceed the cap", closed), ("LP, scipy HiGHS", _lp_min_power(gain, noise, gamma, cap))]


# ----------------------------------------------------------------------------- channel assignment


@case(
    "dev30-chan-01",
    {
        "pairs": {
            "1-2": 18,
            "1-3": 9,
            "1-4": 14,
            "2-3": 22,
            "2-5": 11,
            "3-4": 7,
            "3-5": 16,
            "3-6": 12,
            "4-6": 20,
            "5-6": 8,
            "5-7": 15,
            "6-7": 19,
            "4-7": 6,
            "2-7": 5,
        },
        "channels": [1, 6, 11],
    },
)
def chan_01(d: dict[str, Any]) -> Methods:
    pairs = [(int(k.split("-")[0]) - 1, int(k.split("-")[1]) - 1, v) for k, v in d["pairs"].items()]
    best = INF
    for colour in itertools.product(range(3), repeat=7):
        best = min(best, sum(v for a, b, v in pairs if colour[a] == colour[b]))
    # 0-1 program: x[ap, ch] (21), then same[pair, ch] >= x[a, ch] + x[b, ch] - 1 (3 per pair)
    nx, nv = 21, 21 + 3 * len(pairs)
    rows: list[Row] = [(np.isin(np.arange(nv), [3 * ap + ch for ch in range(3)]).astype(float), 1, 1) for ap in range(7)]
    for p, (a, b, _) in enumerate(pairs):
        for ch in range(3):
            row = np.zeros(nv)
            row[[3 * a + ch, 3 * b + ch, nx + 3 * p + ch]] = [1, 1, -1]
            rows.append((row, -INF, 1))
    weights = np.concatenate([np.zeros(nx), np.repeat([v for _, _, v in pairs], 3).astype(float)])
    return [
        ("enumeration of 3^7 channel plans", best),
        ("0-1 program with same-channel pair variables, scipy milp", binary_program(weights, rows)),
    ]


@case(
    "dev30-chan-02",
    {
        "rate_kbps": [
            [620, 580, 650, 600, 640, 590, 610, 570],
            [380, 450, 300, 420, 350, 480, 330, 400],
            [300, 260, 420, 280, 390, 250, 440, 310],
            [180, 220, 200, 260, 170, 240, 210, 190],
        ],
        "min_mbps": [0.5, 0.6],
        "min_kbps": [400, 250],
        "max_rbs": 3,
    },
)
def chan_02(d: dict[str, Any]) -> Methods:
    rate = np.array(d["rate_kbps"], float) / 1000  # Mbit/s
    choice = all_choices(5, 8)  # option 4: RB unused
    got = np.stack([((choice == u) * rate[u]).sum(axis=1) for u in range(4)], axis=1)
    count = np.stack([(choice == u).sum(axis=1) for u in range(4)], axis=1)
    need = np.array([*d["min_mbps"], *(v / 1000 for v in d["min_kbps"])])
    ok = (got >= need - 1e-12).all(axis=1) & (count <= d["max_rbs"]).all(axis=1)
    pairs = pair_index(rate)
    n = len(pairs)
    rows = pair_rows(pairs, n, lambda u, b: 1, 1, 8, [0] * 8, [1] * 8)
    rows += pair_rows(pairs, n, lambda u, b: 1, 0, 4, [0] * 4, [d["max_rbs"]] * 4)
    rows += pair_rows(pairs, n, lambda u, b: rate[u, b], 0, 4, list(need), [INF] * 4)
    mip = binary_program(np.array([rate[u, b] for u, b in pairs]), rows, maximize=True)
    return [("enumeration of 5^8 RB maps (user or unused)", float(got.sum(axis=1)[ok].max())), ("0-1 program, scipy milp", mip)]


@case(
    "dev30-chan-03",
    {
        "rx_dbm": [
            [-62, -88, -95, -79, -101, -90],
            [-91, -58, -84, -97, -86, -99],
            [-93, -80, -65, -89, -78, -92],
            [-76, -99, -87, -60, -94, -83],
            [-104, -85, -77, -96, -63, -81],
            [-89, -100, -93, -82, -80, -66],
        ],
        "noise_dbm": -95,
    },
)
def chan_03(d: dict[str, Any]) -> Methods:
    rx = np.array([[dbm_to_mw(v) for v in row] for row in d["rx_dbm"]])
    noise = dbm_to_mw(d["noise_dbm"])
    best = -INF
    for ch in itertools.product(range(3), repeat=6):
        worst = INF
        for i in range(6):
            interf = sum(rx[i, j] for j in range(6) if j != i and ch[j] == ch[i])
            worst = min(worst, rx[i, i] / (noise + interf))
        best = max(best, worst)
    # second formulation: bisection on the target SINR g; is there a channel map with every SINR >= g?
    # x[i, c] binary; link i on channel c needs sum_j rx[i, j] x[j, c] <= rx[i, i] / g - noise (big-M otherwise)
    scaled = rx / noise
    big = scaled.sum(axis=1)

    def reachable(g: float) -> bool:
        rows: list[Row] = [(np.kron(np.eye(6)[i], np.ones(3)), 1, 1) for i in range(6)]
        for i, c in itertools.product(range(6), range(3)):
            row = np.zeros(18)
            for j in range(6):
                if j != i:
                    row[3 * j + c] = scaled[i, j]
            row[3 * i + c] = big[i]  # only binds when x[i, c] = 1
            rows.append((row, -INF, scaled[i, i] / g - 1 + big[i]))
        return binary_program(np.zeros(18), rows) is not None

    bisected = bisect(reachable, 1.0, float(scaled.diagonal().max()), iters=60)
    return [("enumeration of 3^6 channel maps", lin_to_db(best)), ("bisection on 0-1 feasibility programs", lin_to_db(bisected))]


# ----------------------------------------------------------------------------- bandwidth allocation


@case(
    "dev30-bw-01",
    {
        "snr_db": [18, 9, 24, 3, 14],
        "min_mbps": [10, 8, 6, 4, 12],
        "total_mhz": 20,
        "cap_mhz": 8,
    },
)
def bw_01(d: dict[str, Any]) -> Methods:
    eff = np.array([math.log2(1 + db_to_lin(s)) for s in d["snr_db"]])
    lo = np.array(d["min_mbps"]) / eff
    left = d["total_mhz"] - lo.sum()
    alloc = lo.copy()
    for u in np.argsort(-eff):  # the rest goes to the best spectral efficiencies first, up to the cap
        extra = min(left, d["cap_mhz"] - alloc[u])
        alloc[u] += extra
        left -= extra
    greedy = float((alloc * eff).sum())
    res = linprog(
        -eff, A_ub=[np.ones(5)], b_ub=[d["total_mhz"]], bounds=[(lo[i], d["cap_mhz"]) for i in range(5)], method="highs"
    )
    return [("greedy by spectral efficiency (exact for this LP)", greedy), ("LP, scipy HiGHS", -float(res.fun))]


@case(
    "dev30-bw-02",
    {
        "eff": [4.2, 1.3, 2.8, 0.9, 3.5, 2.1],
        "min_mbps": [3, 4, 3, 5, 3, 3],
        "total_mhz": 15,
    },
)
def bw_02(d: dict[str, Any]) -> Methods:
    eff, rmin, total = np.array(d["eff"]), np.array(d["min_mbps"], float), d["total_mhz"]
    lo = rmin / eff
    assert lo.sum() <= total, "the minimum rates alone need more than the band"

    def used(level: float) -> float:
        return float(np.maximum(lo, level).sum())

    level = bisect(lambda x: used(x) <= total, 0.0, total)
    b = np.maximum(lo, level)
    kkt = float(np.log(b * eff).sum())

    # second method: solve for the multiplier with a scalar minimisation of the dual
    def dual(mu: float) -> float:
        bb = np.maximum(lo, 1 / mu)
        return float(np.log(bb * eff).sum() - mu * (bb.sum() - total))

    res = minimize_scalar(dual, bounds=(1e-6, 100), method="bounded", options={"xatol": 1e-12})
    return [("KKT water level by bisection", kkt), ("dual minimisation over the multiplier", float(res.fun))]


@case(
    "dev30-bw-03",
    {
        "size_mb": [120, 45, 300, 80, 200],
        "snr_db": [12, 20, 7, 15, 25],
        "cap_mhz": [10, 10, 8, 3, 10],
        "total_mhz": 25,
    },
)
def bw_03(d: dict[str, Any]) -> Methods:
    eff = np.array([math.log2(1 + db_to_lin(s)) for s in d["snr_db"]])
    a = np.array(d["size_mb"], float) * 8 / eff  # Mbit / (bit/s/Hz) -> MHz*s
    cap, total = np.array(d["cap_mhz"], float), d["total_mhz"]

    def alloc(mu: float) -> np.ndarray:
        return np.asarray(np.minimum(cap, np.sqrt(a / mu)))

    lo, hi = 1e-9, 1e9
    for _ in range(300):
        mid = math.sqrt(lo * hi)
        if alloc(mid).sum() > total:
            lo = mid
        else:
            hi = mid
    b = alloc(hi)
    kkt = float((a / b).mean())
    # second method: direct constrained minimisation (SLSQP) from several starts
    from scipy.optimize import minimize

    best = INF
    for start in (np.full(5, total / 5), cap * total / cap.sum(), np.array([4.0, 3, 8, 3, 7])):
        res = minimize(
            lambda x: float((a / x).mean()),
            start,
            method="SLSQP",
            bounds=[(1e-3, c) for c in cap],
            constraints=[{"type": "ineq", "fun": lambda x: total - x.sum()}],
            options={"ftol": 1e-14, "maxiter": 500},
        )
        if res.success:
            best = min(best, float(res.fun))
    return [("KKT square-root rule with caps, multiplier by bisection", kkt), ("SLSQP, 3 starts", best)]


# -------------------------------------------------------------------------------- coverage placement


@case(
    "dev30-cov-01",
    {
        "pop": [1800, 2500, 900, 3100, 1200, 2200, 700, 1600, 2800, 1100, 1900, 600],
        "covers": {
            "A": [1, 2, 5],
            "B": [2, 3, 4, 7],
            "C": [4, 6, 9],
            "D": [1, 5, 8, 10],
            "E": [6, 7, 11, 12],
            "F": [3, 9, 10],
            "G": [8, 11, 12, 2],
            "H": [4, 9, 12],
        },
        "k": 3,
    },
)
def cov_01(d: dict[str, Any]) -> Methods:
    best = 0
    for sites in itertools.combinations(d["covers"], d["k"]):
        covered = set().union(*(d["covers"][s] for s in sites))
        best = max(best, sum(d["pop"][v - 1] for v in covered))
    sites, nv = list(d["covers"]), len(d["pop"])  # variables: built[site] (8), covered[village] (12)
    rows: list[Row] = [(np.concatenate([np.ones(len(sites)), np.zeros(nv)]), 0, d["k"])]
    for v in range(nv):
        row = np.concatenate([[1.0 if v + 1 in d["covers"][s] else 0.0 for s in sites], np.zeros(nv)])
        row[len(sites) + v] = -1
        rows.append((row, 0, INF))
    mip = binary_program(np.concatenate([np.zeros(len(sites)), d["pop"]]), rows, maximize=True)
    return [("enumeration of the C(8,3) site triples", float(best)), ("0-1 program, scipy milp", mip)]


@case(
    "dev30-cov-02",
    {
        "points": [
            [1.0, 1.0],
            [2.5, 0.5],
            [4.0, 1.5],
            [0.5, 3.0],
            [2.0, 2.5],
            [3.5, 3.5],
            [5.0, 3.0],
            [1.5, 4.5],
            [3.0, 5.0],
            [4.5, 5.0],
        ],
        "sites": [[1.5, 1.5], [3.5, 1.0], [1.0, 3.5], [3.2, 3.1], [4.5, 4.0], [2.0, 5.0], [5.0, 1.5]],
        "radius": [2.0, 2.0, 2.0, 2.0, 1.2, 1.2, 1.2],
        "cost": [90, 80, 85, 110, 40, 35, 30],
    },
)
def cov_02(d: dict[str, Any]) -> Methods:
    pts, sites = np.array(d["points"]), np.array(d["sites"])
    dist = np.linalg.norm(pts[:, None, :] - sites[None, :, :], axis=2)
    cover = dist <= np.array(d["radius"])[None, :] + 1e-9
    margin = np.abs(dist - np.array(d["radius"])[None, :]).min()
    assert margin > 0.02, f"a point lies {margin:.3f} km from a coverage border: ambiguous"
    best = INF
    for mask in range(1 << len(sites)):
        chosen = [(mask >> s) & 1 == 1 for s in range(len(sites))]
        if cover[:, chosen].any(axis=1).all():
            best = min(best, sum(c for c, on in zip(d["cost"], chosen, strict=True) if on))
    mip = binary_program(np.array(d["cost"], float), [(row.astype(float), 1, INF) for row in cover])
    return [("enumeration of the 2^7 site subsets (distances computed)", float(best)), ("0-1 set cover, scipy milp", mip)]


@case(
    "dev30-cov-03",
    {
        "pop": [4.2, 3.1, 5.6, 2.4, 6.3, 1.8, 3.7, 2.9],
        "matrix": [
            [1, 1, 0, 0, 0, 0, 1, 0, 0],
            [1, 0, 1, 0, 0, 1, 0, 0, 0],
            [0, 1, 1, 1, 0, 0, 0, 1, 0],
            [0, 0, 1, 0, 1, 0, 0, 0, 1],
            [0, 0, 0, 1, 1, 1, 0, 1, 0],
            [0, 1, 0, 0, 0, 1, 1, 0, 1],
            [1, 0, 0, 1, 0, 0, 0, 0, 1],
            [0, 0, 0, 0, 1, 0, 1, 1, 0],
        ],
        "cost": [3.5, 2.8, 4.1, 3.0, 2.2, 3.3, 1.9, 2.6, 2.4],
        "budget": 10,
        "hospital": [3, 5],
    },
)
def cov_03(d: dict[str, Any]) -> Methods:
    m = np.array(d["matrix"], bool)
    best = -INF
    for mask in range(1 << 9):
        on = np.array([(mask >> s) & 1 for s in range(9)], bool)
        if sum(c for c, o in zip(d["cost"], on, strict=True) if o) > d["budget"] + 1e-9:
            continue
        hits = (m & on[None, :]).sum(axis=1)
        if any(hits[h - 1] < 2 for h in d["hospital"]):
            continue
        best = max(best, float(np.array(d["pop"])[hits >= 1].sum()))
    ns, nd = 9, len(d["pop"])  # variables: built[s] (9), covered[district] (8)
    rows = [(np.concatenate([d["cost"], np.zeros(nd)]), 0, d["budget"])]
    for k in range(nd):
        row = np.concatenate([m[k].astype(float), np.zeros(nd)])
        row[ns + k] = -1  # covered <= number of built sites covering it
        rows.append((row, 0, INF))
        if k + 1 in d["hospital"]:
            rows.append((np.concatenate([m[k].astype(float), np.zeros(nd)]), 2, INF))
    mip = binary_program(np.concatenate([np.zeros(ns), d["pop"]]), rows, maximize=True)
    return [("enumeration of the 2^9 site subsets", best), ("0-1 program, scipy milp", mip)]


# ---------------------------------------------------------------------------------- energy efficiency


@case(
    "dev30-ee-01",
    {
        "bandwidth_mhz": 10,
        "pathloss_db": 112,
        "noise_dbm": -104,
        "pc_mw": 400,
        "eta_pct": 35,
        "cap_dbm": 27,
    },
)
def ee_01(d: dict[str, Any]) -> Methods:
    snr_per_mw = db_to_lin(-d["pathloss_db"] - d["noise_dbm"])
    cap, pc, eta, bw = dbm_to_mw(d["cap_dbm"]), d["pc_mw"], d["eta_pct"] / 100, d["bandwidth_mhz"]

    def ee(p: np.ndarray | float) -> Any:  # Mbit/s per W = Mbit/J
        return bw * np.log2(1 + snr_per_mw * p) / ((np.asarray(p) / eta + pc) / 1000)

    grid = float(ee(np.linspace(0, cap, 2_000_001)).max())
    lam = 0.0
    for _ in range(100):  # Dinkelbach: max R(p) - lam P(p); stationary point of a concave minus linear
        p = min(cap, max(0.0, bw * 1000 * eta / (lam * math.log(2)) - 1 / snr_per_mw)) if lam > 0 else cap
        lam = float(ee(p))
    return [("Dinkelbach with the closed-form inner maximiser", lam), ("grid of 2e6 powers", grid)]


@case(
    "dev30-ee-02",
    {
        "static_w": [130, 68, 72, 65],
        "per_user_w": [
            [9, 4, X, 6],
            [11, X, 3, 5],
            [8, 5, 6, X],
            [12, X, 4, 7],
            [10, 6, X, X],
            [9, X, 5, 4],
            [13, 3, X, 6],
            [10, 7, 4, X],
        ],
        "max_users": [8, 3, 3, 3],
    },
)
def ee_02(d: dict[str, Any]) -> Methods:
    per_user = table(d["per_user_w"])
    static = np.array(d["static_w"], float)
    n = len(per_user)
    choice = all_choices(4, n)
    on = np.stack([(choice == c).any(axis=1) for c in range(4)], axis=1)
    count = np.stack([(choice == c).sum(axis=1) for c in range(4)], axis=1)
    total = per_user[np.arange(n), choice].sum(axis=1) + (on * static).sum(axis=1)
    total[(count > np.array(d["max_users"])).any(axis=1)] = INF
    pairs = pair_index(per_user)
    nv = len(pairs) + 4  # x[u, c] for covered pairs, then on[c]
    rows = pair_rows(pairs, nv, lambda u, c: 1, 0, n, [1] * n, [1] * n)
    for c, (row, _, _) in enumerate(pair_rows(pairs, nv, lambda u, c: 1, 1, 4, [0] * 4, [0] * 4)):
        row[len(pairs) + c] = -d["max_users"][c]  # users served by c <= cap_c x on_c
        rows.append((row, -INF, 0))
    objective = np.array([per_user[u, c] for u, c in pairs] + list(static))
    return [
        ("enumeration of 4^8 associations (a BS is on iff it serves someone)", float(total.min())),
        ("0-1 program with on/off variables, scipy milp", binary_program(objective, rows)),
    ]


@case(
    "dev30-ee-03",
    {
        "bandwidth_mhz": 5,
        "gain_db": [-95, -105],
        "noise_dbm": -100,
        "pc_mw": 300,
        "min_mbps": [10, 25],
        "cap_dbm": 23,
    },
)
def ee_03(d: dict[str, Any]) -> Methods:
    bw, pc = d["bandwidth_mhz"], d["pc_mw"]
    k = np.array([db_to_lin(g - d["noise_dbm"]) for g in d["gain_db"]])  # SNR per mW
    cap = dbm_to_mw(d["cap_dbm"])
    pmin = np.array([(2 ** (r / bw) - 1) / ki for r, ki in zip(d["min_mbps"], k, strict=True)])
    assert (pmin <= cap).all()

    def epb(p1: Any, p2: Any) -> Any:  # mW / (Mbit/s) = 1e-3 W / 1e6 bit/s = 1e-9 J/bit: nJ/bit
        rate = bw * (np.log2(1 + k[0] * p1) + np.log2(1 + k[1] * p2))
        return (p1 + p2 + pc) / rate

    g1 = np.linspace(pmin[0], cap, 3001)
    g2 = np.linspace(pmin[1], cap, 3001)
    grid = min(float(epb(c[:, None], g2[None, :]).min()) for c in np.array_split(g1, 30))
    # Dinkelbach on q = rate / power: max R(p) - q P(p) splits per user; p_i = clip(bw / (q ln 2) - 1 / k_i)
    p = pmin.copy()
    lam = float(epb(p[0], p[1]))
    for _ in range(200):
        q = 1 / lam
        p = np.clip(bw / (q * math.log(2)) - 1 / k, pmin, cap)
        lam = float(epb(p[0], p[1]))
    return [("Dinkelbach, separable closed-form inner step", lam), ("3001 x 3001 grid over feasible powers", grid)]


# ------------------------------------------------------------------------------------ MEC offloading


@case(
    "dev30-mec-01",
    {
        "input_kb": [800, 2400, 300, 1600, 3000, 1000],
        "gcycles": [0.5, 1.4, 0.3, 1.0, 2.2, 0.8],
        "deadline_ms": [1000, 2000, 700, 1500, 2000, 1000],
        "f_local_ghz": 1.0,
        "kappa_exp": -27,
        "uplink_mbps": [8, 12, 4, 10, 20, 5],
        "ptx_mw": [200, 250, 150, 200, 300, 180],
        "f_edge_ghz": 5,
        "slots": 3,
    },
)
def mec_01(d: dict[str, Any]) -> Methods:
    kappa = 10.0 ** d["kappa_exp"]
    f = d["f_local_ghz"] * 1e9
    best = INF
    for off in itertools.product((0, 1), repeat=6):
        if sum(off) > d["slots"]:
            continue
        energy = 0.0
        ok = True
        for i, o in enumerate(off):
            cycles = d["gcycles"][i] * 1e9
            if o:
                up = d["input_kb"][i] * 8e3 / (d["uplink_mbps"][i] * 1e6)
                t = up + cycles / (d["f_edge_ghz"] * 1e9)
                e = d["ptx_mw"][i] / 1000 * up
            else:
                t = cycles / f
                e = kappa * f**2 * cycles
            ok &= t * 1000 <= d["deadline_ms"][i] + 1e-9
            energy += e
        if ok:
            best = min(best, energy * 1000)
    # 0-1 program over off[i]: deadlines fix the tasks that can run only one way, the containers bound the sum
    cycles = np.array(d["gcycles"]) * 1e9
    up = np.array(d["input_kb"]) * 8e3 / (np.array(d["uplink_mbps"]) * 1e6)
    t_local, t_off = cycles / f * 1000, (up + cycles / (d["f_edge_ghz"] * 1e9)) * 1000
    e_local, e_off = kappa * f**2 * cycles, np.array(d["ptx_mw"]) / 1000 * up
    deadline = np.array(d["deadline_ms"], float)
    rows: list[Row] = [(np.ones(6), 0, d["slots"])]
    rows += [(np.eye(6)[i], 1 if t_local[i] > deadline[i] else 0, 0 if t_off[i] > deadline[i] else 1) for i in range(6)]
    mip = binary_program(e_off - e_local, rows)
    return [
        ("enumeration of the 2^6 offloading decisions", best),
        ("0-1 program, scipy milp", None if mip is None else (mip + float(e_local.sum())) * 1000),
    ]


@case(
    "dev30-mec-02",
    {
        "size_mbit": 6,
        "cycles_per_bit": 400,
        "f_local_ghz": 1.5,
        "kappa_exp": -27,
        "uplink_mbps": 24,
        "ptx_mw": 400,
        "f_edge_ghz": 10,
        "budget_j": 1.0,
    },
)
def mec_02(d: dict[str, Any]) -> Methods:
    bits = d["size_mbit"] * 1e6
    cycles = bits * d["cycles_per_bit"]
    f, fe, r = d["f_local_ghz"] * 1e9, d["f_edge_ghz"] * 1e9, d["uplink_mbps"] * 1e6
    kappa, ptx = 10.0 ** d["kappa_exp"], d["ptx_mw"] / 1000

    def latency(x: Any) -> Any:
        return np.maximum((1 - x) * cycles / f, x * (bits / r + cycles / fe)) * 1000

    def energy(x: Any) -> Any:
        return (1 - x) * kappa * f**2 * cycles + x * ptx * bits / r

    xs = np.linspace(0, 1, 2_000_001)
    lat = latency(xs)
    grid = float(lat[energy(xs) <= d["budget_j"] + 1e-12].min())
    t_local, t_off = cycles / f, bits / r + cycles / fe
    x_eq = t_local / (t_local + t_off)  # both parts end together
    e_local, e_off = kappa * f**2 * cycles, ptx * bits / r
    assert e_local > e_off, "offloading saves energy here, so the budget is a lower bound on x"
    x_energy = (e_local - d["budget_j"]) / (e_local - e_off)  # energy(x) = budget
    x = max(x_eq, x_energy)  # latency grows with x beyond x_eq, falls before it
    assert x <= 1
    closed = float(latency(x))
    return [("closed form: equal finishing times, moved to the energy boundary", closed), ("grid of 2e6 fractions", grid)]


@case(
    "dev30-mec-03",
    {
        "gcycles": [1.2, 0.8, 2.0, 0.5, 1.6, 1.0],
        "input_mbit": [4, 2, 6, 1, 8, 3],
        "uplink_mbps": [20, 10, 30, 5, 16, 12],
        "f_local_ghz": [1.0, 0.8, 1.2, 1.0, 1.5, 0.6],
        "f_edge_ghz": 12,
    },
)
def mec_03(d: dict[str, Any]) -> Methods:
    best = INF
    for off in itertools.product((0, 1), repeat=6):
        n = sum(off)
        total = 0.0
        for i, o in enumerate(off):
            if o:
                total += d["input_mbit"][i] / d["uplink_mbps"][i] + d["gcycles"][i] / (d["f_edge_ghz"] / n)
            else:
                total += d["gcycles"][i] / d["f_local_ghz"][i]
        best = min(best, total * 1000)
    # second formulation: for each number n of offloaded tasks the edge share is fixed, so the best set
    # with exactly n tasks is a 0-1 program with a linear cost; take the best n
    local = np.array(d["gcycles"]) / np.array(d["f_local_ghz"])
    by_count = []
    for n in range(7):
        remote = np.array(d["input_mbit"]) / np.array(d["uplink_mbps"]) + np.array(d["gcycles"]) * n / d["f_edge_ghz"]
        chosen = binary_program(remote - local, [(np.ones(6), n, n)])
        by_count.append(INF if chosen is None else (chosen + local.sum()) * 1000)
    return [
        ("enumeration of the 2^6 offloading sets (edge CPU split equally)", best),
        ("one 0-1 program per number of offloaded tasks, scipy milp", min(by_count)),
    ]


@case(
    "dev30-mec-04",
    {
        "gcycles": [2.0, 1.5, 3.0, 1.0],
        "input_mbit": [5, 2, 8, 4],
        "uplink_mbps": [10, 8, 16, 4],
        "ptx_mw": [300, 250, 350, 200],
        "f_local_ghz": [1.0, 1.2, 1.5, 0.8],
        "kappa_exp": -27,
        "edge_gcycles": 3.6,
        "deadline_s": 1.5,
    },
)
def mec_04(d: dict[str, Any]) -> Methods:
    kappa = 10.0 ** d["kappa_exp"]
    c = np.array(d["gcycles"]) * 1e9
    f = np.array(d["f_local_ghz"]) * 1e9
    e_local = kappa * f**2 * c  # J if fully local
    e_off = np.array(d["ptx_mw"]) / 1000 * np.array(d["input_mbit"]) / np.array(d["uplink_mbps"])  # J if fully offloaded
    t_dead = d["deadline_s"]
    lo = np.maximum(0.0, 1 - t_dead * f / c)  # local part must end by the deadline
    up_t = np.array(d["input_mbit"]) / np.array(d["uplink_mbps"])
    hi = np.minimum(1.0, t_dead / up_t)  # the upload must end by the deadline (edge time within the frame budget)
    assert (lo <= hi).all()
    budget = d["edge_gcycles"] * 1e9 - float((lo * c).sum())
    assert budget >= 0
    x = lo.copy()
    saving_per_cycle = (e_local - e_off) / c
    for i in np.argsort(-saving_per_cycle):  # fractional knapsack on the edge cycles
        if saving_per_cycle[i] <= 0:
            break
        extra = min(hi[i] - x[i], budget / c[i])
        x[i] += extra
        budget -= extra * c[i]
    greedy = float(((1 - x) * e_local + x * e_off).sum() * 1000)
    res = linprog(
        e_off - e_local, A_ub=[c], b_ub=[d["edge_gcycles"] * 1e9], bounds=list(zip(lo, hi, strict=True)), method="highs"
    )
    lp = (float(res.fun) + float(e_local.sum())) * 1000
    return [("fractional knapsack on edge cycles", greedy), ("LP, scipy HiGHS", lp)]


# -------------------------------------------------------------------------------------- network flow


@case(
    "dev30-nf-01",
    {
        "gbps": {"G-R1": 1.2, "R6-H": 1.1},
        "mbps": {
            "G-R2": 800,
            "G-R3": 500,
            "R1-R2": 300,
            "R1-R4": 700,
            "R2-R4": 400,
            "R2-R5": 600,
            "R3-R5": 900,
            "R4-R6": 350,
            "R5-R6": 450,
            "R4-H": 650,
            "R5-H": 250,
        },
    },
)
def nf_01(d: dict[str, Any]) -> Methods:
    adj = undirected({**{k: v * 1000 for k, v in d["gbps"].items()}, **d["mbps"]})  # Mbit/s
    return [
        ("min cut over the 2^6 node sets", min_cut_enumeration(adj, "G", "H")),
        ("Edmonds-Karp augmenting paths", augmenting_max_flow(adj, "G", "H")),
    ]


@case(
    "dev30-nf-02",
    {
        "links": {"A-B": 100, "A-C": 100, "B-C": 40, "B-D": 100, "C-E": 100, "D-E": 40, "D-F": 100, "E-F": 100, "C-D": 60},
        "flows": [["A", "F", 50], ["B", "E", 45], ["A", "D", 35]],
        "max_hops": 4,
    },
)
def nf_02(d: dict[str, Any]) -> Methods:
    adj = undirected(d["links"])
    options = []
    for src, dst, _ in d["flows"]:
        options.append([p for p in simple_paths(adj, src, dst) if len(p) - 1 <= d["max_hops"]])
    best = INF
    for combo in itertools.product(*options):
        load: dict[str, float] = {}
        for (_, _, rate), path in zip(d["flows"], combo, strict=True):
            for a, b in itertools.pairwise(path):
                key = "-".join(sorted((a, b)))
                load[key] = load.get(key, 0.0) + rate
        best = min(best, max(load[k] / d["links"][k] for k in load))
    # second formulation: bisection on the utilization bound; one 0-1 variable per (flow, allowed path)
    paths = [(f, p) for f, opts in enumerate(options) for p in opts]

    def fits(level: float) -> bool:
        rows: list[Row] = [(np.array([1.0 if pf == f else 0.0 for pf, _ in paths]), 1, 1) for f in range(len(options))]
        for key, cap in d["links"].items():
            u, v = key.split("-")
            use = [d["flows"][f][2] if any({a, b} == {u, v} for a, b in itertools.pairwise(p)) else 0.0 for f, p in paths]
            rows.append((np.array(use, float), 0, level * cap))
        return binary_program(np.zeros(len(paths)), rows) is not None

    lowest = 2.0 - bisect(lambda slack: fits(2.0 - slack), 0.0, 2.0, iters=60)  # smallest level that fits
    return [("enumeration of every combination of simple paths", best * 100), ("bisection on 0-1 path programs", lowest * 100)]


@case(
    "dev30-nf-03",
    {
        "links": {
            "S1-A": 10,
            "S2-A": 8,
            "S1-B": 6,
            "A-B": 5,
            "A-C": 7,
            "B-D": 9,
            "C-D": 4,
            "C-T1": 8,
            "D-T2": 10,
            "C-T2": 3,
            "B-T1": 4,
        },
        "demands": [["S1", "T1", 12], ["S2", "T2", 10], ["S1", "T2", 6]],
    },
)
def nf_03(d: dict[str, Any]) -> Methods:
    adj = undirected(d["links"])
    keys = list(d["links"])
    # path formulation (every simple path of every commodity), variables: flow per path, then lambda
    paths = [(k, p) for k, (s, t, _) in enumerate(d["demands"]) for p in simple_paths(adj, s, t)]
    nv = len(paths) + 1
    a_ub, b_ub = [], []
    for key in keys:
        u, v = key.split("-")
        row = np.zeros(nv)
        for idx, (_, p) in enumerate(paths):
            if any({a, b} == {u, v} for a, b in itertools.pairwise(p)):
                row[idx] = 1
        a_ub.append(row)
        b_ub.append(d["links"][key])
    a_eq, b_eq = [], []
    for k, (_, _, dem) in enumerate(d["demands"]):
        row = np.zeros(nv)
        for idx, (kk, _) in enumerate(paths):
            if kk == k:
                row[idx] = 1
        row[-1] = -dem
        a_eq.append(row)
        b_eq.append(0.0)
    c = np.zeros(nv)
    c[-1] = -1
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * nv, method="highs")
    path_lp = -float(res.fun)
    # edge formulation: directed arc flows per commodity, shared undirected capacity
    arcs = [(u, v) for key in keys for u, v in (key.split("-"), key.split("-")[::-1])]
    nodes = sorted(adj)
    ka = len(d["demands"]) * len(arcs)
    nv2 = ka + 1
    a_ub2, b_ub2 = [], []
    for key in keys:
        u, v = key.split("-")
        row = np.zeros(nv2)
        for k in range(len(d["demands"])):
            for ai, arc in enumerate(arcs):
                if set(arc) == {u, v}:
                    row[k * len(arcs) + ai] = 1
        a_ub2.append(row)
        b_ub2.append(d["links"][key])
    a_eq2, b_eq2 = [], []
    for k, (s, t, dem) in enumerate(d["demands"]):
        for node in nodes:
            row = np.zeros(nv2)
            for ai, (u, v) in enumerate(arcs):
                if u == node:
                    row[k * len(arcs) + ai] += 1
                if v == node:
                    row[k * len(arcs) + ai] -= 1
            row[-1] = -dem if node == s else (dem if node == t else 0)
            a_eq2.append(row)
            b_eq2.append(0.0)
    c2 = np.zeros(nv2)
    c2[-1] = -1
    res2 = linprog(c2, A_ub=a_ub2, b_ub=b_ub2, A_eq=a_eq2, b_eq=b_eq2, bounds=[(0, None)] * nv2, method="highs")
    return [("path LP over every simple path", path_lp * 100), ("arc LP with flow conservation", -float(res2.fun) * 100)]


@case(
    "dev30-nf-04",
    {
        "links": {"P-M1": 400, "P-M2": 350, "M1-M2": 150, "M1-M3": 300, "M2-M4": 250, "M3-M4": 100, "M3-C": 280, "M4-C": 300},
        "cost": {"P-M1": 2, "P-M2": 3, "M1-M2": 1, "M1-M3": 2, "M2-M4": 2, "M3-M4": 1, "M3-C": 4, "M4-C": 3},
        "demand": 500,
        "down": "M3-C",
        "down_mbps": 120,
    },
)
def nf_04(d: dict[str, Any]) -> Methods:
    links = dict(d["links"])
    links[d["down"]] = d["down_mbps"]  # the degraded link (weather fade) carries only this much
    adj = undirected(links)
    cut = min_cut_enumeration(adj, "P", "C")
    flow = augmenting_max_flow(adj, "P", "C")
    return [
        (f"min cut {cut:g} Mbit/s < demand", None if cut < d["demand"] else cut),
        (f"max flow {flow:g} Mbit/s < demand", None if flow < d["demand"] else flow),
    ]


# ----------------------------------------------------------------------------------- slice admission


@case(
    "dev30-sl-01",
    {
        "revenue": [120, 95, 60, 150, 80, 45, 110, 70],
        "prb": [30, 25, 10, 45, 20, 8, 35, 15],
        "cpu": [8, 4, 6, 10, 3, 2, 7, 5],
        "prb_cap": 100,
        "cpu_cap": 24,
    },
)
def sl_01(d: dict[str, Any]) -> Methods:
    best = 0
    for pick in itertools.product((0, 1), repeat=8):
        if sum(p * r for p, r in zip(pick, d["prb"], strict=True)) > d["prb_cap"]:
            continue
        if sum(p * r for p, r in zip(pick, d["cpu"], strict=True)) > d["cpu_cap"]:
            continue
        best = max(best, sum(p * r for p, r in zip(pick, d["revenue"], strict=True)))
    rows: list[Row] = [(np.array(d["prb"], float), 0, d["prb_cap"]), (np.array(d["cpu"], float), 0, d["cpu_cap"])]
    mip = binary_program(np.array(d["revenue"], float), rows, maximize=True)
    return [("enumeration of the 2^8 admission sets", float(best)), ("0-1 knapsack, scipy milp", mip)]


@case(
    "dev30-sl-02",
    {
        "revenue": [40, 35, 28, 22, 30, 18],
        "prb_full": [30, 28, 22, 18, 26, 12],
        "prb_red": [18, 16, 12, 10, 15, 7],
        "tn_full": [2.0, 1.6, 1.2, 0.8, 1.5, 0.5],
        "tn_red": [1.2, 1.0, 0.7, 0.5, 0.9, 0.3],
        "reduced_pct": 60,
        "urllc": [1, 4],
        "prb_cap": 90,
        "tn_cap": 5,
    },
)
def sl_02(d: dict[str, Any]) -> Methods:
    best = -INF
    for level in itertools.product((0, 1, 2), repeat=6):  # 0 reject, 1 full, 2 reduced
        if any(level[u - 1] != 1 for u in d["urllc"]):
            continue
        prb = sum(d["prb_full"][i] if v == 1 else d["prb_red"][i] if v == 2 else 0 for i, v in enumerate(level))
        tn = sum(d["tn_full"][i] if v == 1 else d["tn_red"][i] if v == 2 else 0 for i, v in enumerate(level))
        if prb > d["prb_cap"] or tn > d["tn_cap"] + 1e-9:
            continue
        rev = sum(d["revenue"][i] * (1 if v == 1 else d["reduced_pct"] / 100 if v == 2 else 0) for i, v in enumerate(level))
        best = max(best, rev)
    k = 6  # variables: full[i] (6), reduced[i] (6)
    rows = [
        (np.concatenate([d["prb_full"], d["prb_red"]]).astype(float), 0, d["prb_cap"]),
        (np.concatenate([d["tn_full"], d["tn_red"]]).astype(float), 0, d["tn_cap"]),
    ]
    for i in range(k):
        one, full = np.zeros(2 * k), np.zeros(2 * k)
        one[i] = one[k + i] = 1
        full[i] = 1
        rows.append((one, 0, 1))
        if i + 1 in d["urllc"]:
            rows.append((full, 1, 1))
    revenue = np.array(d["revenue"], float)
    mip = binary_program(np.concatenate([revenue, revenue * d["reduced_pct"] / 100]), rows, maximize=True)
    return [("enumeration of the 3^6 (reject/full/reduced) choices", best), ("0-1 program, scipy milp", mip)]


@case(
    "dev30-sl-03",
    {
        "revenue": [1500, 450, 300, 2400, 250, 600, 350, 800, 200],
        "prb": [40, 15, 12, 55, 10, 25, 14, 35, 9],
        "gbps": [3.0, 1.0, 0.8, 4.0, 0.6, 1.8, 1.1, 2.5, 0.5],
        "prb_cap": 120,
        "gbps_cap": 8,
        "revenue_floor": 4000,
    },
)
def sl_03(d: dict[str, Any]) -> Methods:
    best = -1
    for pick in itertools.product((0, 1), repeat=9):
        if sum(p * v for p, v in zip(pick, d["prb"], strict=True)) > d["prb_cap"]:
            continue
        if sum(p * v for p, v in zip(pick, d["gbps"], strict=True)) > d["gbps_cap"] + 1e-9:
            continue
        if sum(p * v for p, v in zip(pick, d["revenue"], strict=True)) < d["revenue_floor"]:
            continue
        best = max(best, sum(pick))
    rows: list[Row] = [
        (np.array(d["prb"], float), 0, d["prb_cap"]),
        (np.array(d["gbps"], float), 0, d["gbps_cap"]),
        (np.array(d["revenue"], float), d["revenue_floor"], INF),
    ]
    mip = binary_program(np.ones(9), rows, maximize=True)
    return [("enumeration of the 2^9 admission sets", float(best)), ("0-1 program, scipy milp", mip)]


@case(
    "dev30-sl-04",
    {
        "prb": [22, 30, 18, 40, 25, 15],
        "cores": [4, 6, 3, 8, 5, 2],
        "revenue": [50, 70, 30, 90, 60, 20],
        "prb_total": 100,
        "reserved_pct": 15,
        "cores_cap": 20,
        "must": [1, 2, 5],
        "overhead_prb": 4,
    },
)
def sl_04(d: dict[str, Any]) -> Methods:
    usable = d["prb_total"] * (1 - d["reserved_pct"] / 100)
    best: float | None = None
    for pick in itertools.product((0, 1), repeat=6):
        if any(pick[m - 1] == 0 for m in d["must"]):
            continue
        prb = sum(p * v for p, v in zip(pick, d["prb"], strict=True))
        prb += sum(d["overhead_prb"] for p in pick if p)
        if prb > usable + 1e-9:
            continue
        if sum(p * v for p, v in zip(pick, d["cores"], strict=True)) > d["cores_cap"]:
            continue
        rev = float(sum(p * v for p, v in zip(pick, d["revenue"], strict=True)))
        best = rev if best is None else max(best, rev)
    rows = [(np.array(d["prb"], float) + d["overhead_prb"], 0, usable), (np.array(d["cores"], float), 0, d["cores_cap"])]
    rows += [(np.eye(6)[m - 1], 1, 1) for m in d["must"]]
    mip = binary_program(np.array(d["revenue"], float), rows, maximize=True)
    return [("enumeration of the 2^6 admission sets", best), ("0-1 program, scipy milp", mip)]


# ------------------------------------------------------------------------------------------- runner


@dataclass
class Outcome:
    case_id: str
    methods: Methods
    stored: float | None
    agree: bool
    seconds: float


def _close(a: float | None, b: float | None, tol: dict[str, float]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(tol.get("abs", 0.0), tol.get("rel", 0.0) * abs(b))


def records(path: Path = DATASET) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def reference(case_id: str) -> Methods:
    return SOLVERS[case_id](DATA[case_id])


def check(record: dict[str, Any]) -> Outcome:
    started = time.perf_counter()
    methods = reference(record["id"])
    tol = record["tolerance"]
    agree = all(_close(value, record["answer"], tol) for _, value in methods)
    return Outcome(record["id"], methods, record["answer"], agree, time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a reference disagrees with a stored answer")
    parser.add_argument("--ids", nargs="*", help="only these ids")
    parser.add_argument("--data", type=Path, default=DATASET, help="the JSONL file to check (default: %(default)s)")
    args = parser.parse_args(argv)
    stored = records(args.data)
    wanted = [r for r in stored if r["id"] in SOLVERS and (not args.ids or r["id"] in args.ids)]
    missing = sorted(set(SOLVERS) ^ {r["id"] for r in stored})
    bad = 0
    print(f"{'id':18} {'reference':>14} {'stored':>14}  agree  s     method(s)")
    for record in wanted:
        out = check(record)
        bad += not out.agree
        ref = out.methods[0][1]
        names = "; ".join(f"{name} = {'infeasible' if v is None else f'{v:.6g}'}" for name, v in out.methods)
        print(
            f"{out.case_id:18} {'infeasible' if ref is None else f'{ref:.6f}':>14} "
            f"{'null' if out.stored is None else f'{out.stored:.6f}':>14}  {'yes' if out.agree else 'NO ':5} "
            f"{out.seconds:5.1f} {names}"
        )
    if missing:
        print(f"ids without both a record and a reference: {missing}")
    print(f"{len(wanted) - bad}/{len(wanted)} agree")
    return 1 if args.check and (bad or missing) else 0


if __name__ == "__main__":
    sys.exit(main())
