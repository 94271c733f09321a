"""The channel-assignment, resource-block and interference-aware channel templates against brute-force enumeration."""

from __future__ import annotations

import itertools
import math

import pytest

from knowledge_base.template import AssemblyError
from knowledge_base.templates.channel_assignment import TEMPLATE as CHANNELS
from knowledge_base.templates.channel_assignment import ChannelAssignmentParams
from knowledge_base.templates.interference_channel_allocation import TEMPLATE as INTERFERENCE
from knowledge_base.templates.interference_channel_allocation import InterferenceAllocationParams
from knowledge_base.templates.resource_block_allocation import TEMPLATE as BLOCKS
from knowledge_base.templates.resource_block_allocation import ResourceBlockParams
from tests.templates_support import solve_example
from tools.textdata import parse_text


def brute_channels(params: ChannelAssignmentParams) -> float:
    """Every injective choice of channels (or none, where allowed) for the users."""
    options: list[str | None] = list(params.channels)
    if params.service == "a user may be left without a channel":
        options.append(None)
    best = -math.inf
    for choice in itertools.product(options, repeat=len(params.users)):
        taken = [k for k in choice if k is not None]
        if len(taken) != len(set(taken)):
            continue
        if any(k is not None and params.rate[u][k] is None for u, k in zip(params.users, choice, strict=True)):
            continue
        rates = [float(params.rate[u][k] or 0.0) if k is not None else 0.0 for u, k in zip(params.users, choice, strict=True)]
        best = max(best, min(rates) if params.objective == "rate of the worst user" else sum(rates))
    return best


def brute_blocks(params: ResourceBlockParams) -> float:
    """Every way to give each block to one user or to nobody, kept when all minimum rates hold."""
    best = -math.inf
    for owners in itertools.product([*params.users, None], repeat=len(params.blocks)):
        rates = dict.fromkeys(params.users, 0.0)
        for block, user in zip(params.blocks, owners, strict=True):
            if user is not None:
                rates[user] += float(params.rate[user][block] or 0.0)
        if params.min_rate and any(rates[u] < params.min_rate[u] - 1e-9 for u in params.users):
            continue
        best = max(best, min(rates.values()) if params.objective == "rate of the worst user" else sum(rates.values()))
    return best


BINDING = {
    "rate_table": "T1",
    "table_layout": "a row per user, a column per channel",
    "service": "every user gets exactly one channel",
    "objective": "sum rate",
}


@pytest.mark.parametrize(
    ("service", "objective"),
    [
        ("every user gets exactly one channel", "sum rate"),
        ("every user gets exactly one channel", "rate of the worst user"),
        ("a user may be left without a channel", "sum rate"),
    ],
)
def test_channel_assignment_equals_brute_force(service: str, objective: str) -> None:
    params, result = solve_example(CHANNELS, CHANNELS.examples[0], BINDING | {"service": service, "objective": objective})
    assert result.objective == pytest.approx(brute_channels(params), abs=1e-6)
    if objective == "sum rate":
        # By hand: U1 on SC2 (9), U2 on SC1 (8), U3 on SC3 (7) = 24; the row maxima 9 + 8 + 8 = 25 would put U1 and U3 on SC2.
        assert result.objective == pytest.approx(24.0)
    rates = [row["rate (Mbit/s)"] for row in CHANNELS.solution_table(params, result.solution)]
    assert (sum(rates) if objective == "sum rate" else min(rates)) == pytest.approx(result.objective)


def test_channel_assignment_reads_a_transposed_table() -> None:
    text = (
        "Rates (Mbit/s) of two users on three channels:\n\n| channel | U1 | U2 |\n|---|---|---|\n"
        "| CH1 | 3 | 1 |\n| CH2 | 2 | 6 |\n| CH3 | 4 | - |\n\nMaximize the sum rate."
    )
    binding = BINDING | {"table_layout": "a row per channel, a column per user"}
    params, result = solve_example(CHANNELS, text, binding)
    assert params.users == ["U1", "U2"] and params.rate["U2"]["CH3"] is None
    assert result.objective == pytest.approx(10.0)  # U1 on CH3 (4) and U2 on CH2 (6)


def test_channel_assignment_refuses_more_users_than_channels() -> None:
    text = "| user | CH1 |\n|---|---|\n| U1 | 3 |\n| U2 | 2 |\n"
    with pytest.raises(AssemblyError, match="2 users cannot each get their own channel out of 1"):
        CHANNELS.assemble(BINDING, parse_text(text))


@pytest.mark.parametrize("objective", ["sum rate", "rate of the worst user"])
def test_resource_blocks_equal_brute_force(objective: str) -> None:
    binding = {
        "rate_table": "T1",
        "table_layout": "a row per user, a column per resource block",
        "minimum_rate": "L1",
        "objective": objective,
    }
    params, result = solve_example(BLOCKS, BLOCKS.examples[0], binding)
    assert params.min_rate == {"U1": 5.0, "U2": 5.0, "U3": 5.0}
    assert result.objective == pytest.approx(brute_blocks(params), abs=1e-6)
    if objective == "sum rate":
        # By hand: each block to its best user gives 28 with U3 at 3 (RB6); U3's cheapest extra 2 Mbit/s is RB3
        # (3 instead of U2's 4), so 27 with U1 15, U2 6, U3 6.
        assert result.objective == pytest.approx(27.0)
    for row in BLOCKS.solution_table(params, result.solution):
        assert row["rate (Mbit/s)"] >= row["minimum (Mbit/s)"] - 1e-9


def test_resource_blocks_take_one_common_minimum_in_kbit() -> None:
    binding = {
        "rate_table": "T1",
        "table_layout": "a row per user, a column per resource block",
        "minimum_rate": {"value": 5000, "unit": "kbit/s"},
        "objective": "sum rate",
    }
    params, spec = BLOCKS.assemble(binding, parse_text(BLOCKS.examples[0] + " Each user needs 5000 kbit/s."))
    assert params.min_rate == {"U1": 5.0, "U2": 5.0, "U3": 5.0}
    assert any(item.name == "minimum_rate" and item.value == 5000 for item in spec)


def brute_interference(params: InterferenceAllocationParams) -> float:
    """Least co-channel interference over every channel choice, or the fewest channels of a conflict-free choice."""
    pairs = params.pairs()
    aps = params.access_points
    if params.channels is not None and params.objective.startswith("least"):
        return min(
            sum(w for (a, b), w in pairs.items() if choice[aps.index(a)] == choice[aps.index(b)])
            for choice in itertools.product(range(params.channels), repeat=len(aps))
        )
    for k in range(1, len(aps) + 1):
        for choice in itertools.product(range(k), repeat=len(aps)):
            if all(choice[aps.index(a)] != choice[aps.index(b)] for a, b in pairs):
                return float(k)
    return math.inf


INTERFERENCE_BINDING = {
    "interference_table": "T1",
    "number_of_channels": 3,
    "objective": "least total co-channel interference with the given channels",
}


def test_interference_allocation_equals_brute_force() -> None:
    params, result = solve_example(INTERFERENCE, INTERFERENCE.examples[0], INTERFERENCE_BINDING)
    # By hand: AP1, AP2, AP3, AP5 all interfere with each other, so with 3 channels some pair must share; AP5 with AP2
    # or with AP1 (weight 1, the symmetric table counts a pair once) is the cheapest, and AP4 fits on AP1's channel: 1.
    assert result.objective == pytest.approx(1.0)
    assert result.objective == pytest.approx(brute_interference(params))
    rows = INTERFERENCE.solution_table(params, result.solution)
    assert sum(r["co-channel interference"] for r in rows) / 2 == pytest.approx(result.objective)


def test_fewest_channels_is_the_chromatic_number() -> None:
    binding = {
        "interference_table": "T1",
        "number_of_channels": 0,
        "objective": "fewest channels with no interfering pair sharing one",
    }
    params, result = solve_example(INTERFERENCE, INTERFERENCE.examples[0], binding)
    assert result.objective == pytest.approx(brute_interference(params))
    assert result.objective == pytest.approx(4.0)  # AP1, AP2, AP3, AP5 interfere pairwise
    assert all(r["co-channel interference"] == 0 for r in INTERFERENCE.solution_table(params, result.solution))


def test_interference_needs_a_channel_count() -> None:
    binding = INTERFERENCE_BINDING | {"number_of_channels": 0}
    with pytest.raises(AssemblyError, match="number of available channels"):
        INTERFERENCE.assemble(binding, parse_text(INTERFERENCE.examples[0]))
