"""Top-sample selection by non-dominated sorting and shift-based density."""

from __future__ import annotations

import numpy as np

from tools.diffusion.selection import (
    interpolation_augmentation,
    non_dominated_fronts,
    sde_density_order,
    select_top_samples,
    shifted_distances,
)


def test_fronts_and_whole_front_selection() -> None:
    F = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [1.0, 1.0], [2.0, 2.0]])
    fronts = non_dominated_fronts(F)
    assert sorted(fronts[0].tolist()) == [0, 1, 2]
    assert fronts[1].tolist() == [3]
    assert sorted(select_top_samples(F, 4).tolist()) == [0, 1, 2, 3]


def test_shifted_distance_ignores_where_the_neighbour_is_worse() -> None:
    F = np.array([[0.0, 1.0], [1.0, 0.0]])
    D = shifted_distances(F)
    # seen from point 0, point 1 shifts to (max(1,0), max(0,1)) = (1, 1): distance 1, not sqrt(2)
    assert D[0, 1] == 1.0 and D[1, 0] == 1.0
    assert np.isinf(D[0, 0])


def test_truncation_drops_a_near_duplicate_first() -> None:
    front = np.array([[0.0, 1.0], [0.25, 0.75], [0.26, 0.74], [0.5, 0.5], [0.75, 0.25], [1.0, 0.0]])
    chosen = select_top_samples(front, 5)
    assert len(chosen) == 5
    assert not {1, 2} <= set(chosen.tolist())  # one of the two crowded points goes
    order = sde_density_order(front)
    assert set(order[-1:].tolist()) <= {1, 2}


def test_interpolation_augmentation_stays_in_the_hull() -> None:
    rng = np.random.default_rng(0)
    points = np.array([[0.1, 0.2], [0.3, 0.9], [0.8, 0.4]])
    augmented = interpolation_augmentation(points, 10, rng)
    assert augmented.shape == (30, 2)
    np.testing.assert_array_equal(augmented[:3], points)
    assert np.all(augmented >= points.min(axis=0) - 1e-12) and np.all(augmented <= points.max(axis=0) + 1e-12)
