"""Exact information quantities of the RIB black box and its modulation channel."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from tools.diffusion.rib import RIBProblem, mutual_information, psk_confusion_matrix, rib_information, softmax_encoder


def binary_entropy(p: float) -> float:
    return float(-p * np.log2(p) - (1 - p) * np.log2(1 - p))


def bsc(eps: float) -> np.ndarray:
    return np.array([[1 - eps, eps], [eps, 1 - eps]])


def test_mutual_information_of_hand_computed_tables() -> None:
    # independent variables carry nothing; identical uniform bits carry one bit
    assert mutual_information(np.full((2, 2), 0.25)) == pytest.approx(0.0, abs=1e-15)
    assert mutual_information(np.array([[0.5, 0.0], [0.0, 0.5]])) == pytest.approx(1.0)
    # a uniform bit through a binary symmetric channel with crossover 0.1: 1 - h(0.1) = 0.531004...
    assert mutual_information(0.5 * bsc(0.1)) == pytest.approx(0.5310044064107189, rel=1e-12)


def test_two_by_two_rib_chain_matches_hand_values() -> None:
    """Y = X uniform bit, encoder = BSC(δ), channel = BSC(ε): all three informations have closed forms."""
    delta, eps = 0.2, 0.1
    p_xy = np.array([[0.5, 0.0], [0.0, 0.5]])
    info = rib_information(p_xy, bsc(delta), bsc(eps))
    cascade = delta * (1 - eps) + eps * (1 - delta)  # crossover of the two BSCs in series = 0.26
    assert info.complexity == pytest.approx(1 - binary_entropy(delta), rel=1e-12)  # 0.278072
    assert info.rate == pytest.approx(1 - binary_entropy(eps), rel=1e-12)  # Z is uniform, so 1 - h(ε)
    assert info.utility == pytest.approx(1 - binary_entropy(cascade), rel=1e-12)  # 1 - h(0.26) = 0.173254
    assert info.utility == pytest.approx(0.17325363, abs=1e-7)
    # data processing along Y - X - Z - Ẑ
    assert info.utility <= min(info.complexity, info.rate)


@pytest.mark.parametrize("snr_db", [-2.0, 3.0, 10.0])
def test_qpsk_confusion_matches_closed_form(snr_db: float) -> None:
    """QPSK = two antipodal axes, each wrong with probability q = Q(sqrt(Es/N0))."""
    q = float(norm.sf(np.sqrt(10 ** (snr_db / 10))))
    expected_row = [(1 - q) ** 2, q * (1 - q), q * q, q * (1 - q)]
    C = psk_confusion_matrix(4, snr_db)
    np.testing.assert_allclose(C[0], expected_row, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(C.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(C[1], np.roll(C[0], 1))  # rotational symmetry of the constellation


def test_eight_psk_confusion_agrees_with_simulation() -> None:
    rng = np.random.default_rng(0)
    gamma = 10 ** (3.0 / 10)
    n = 200_000
    received = np.sqrt(gamma) + np.sqrt(0.5) * (rng.normal(size=n) + 1j * rng.normal(size=n))
    decided = np.round(np.angle(received) / (2 * np.pi / 8)).astype(int) % 8
    simulated = np.bincount(decided, minlength=8) / n
    # Monte-Carlo standard error is at most sqrt(0.25 / n) ≈ 0.0011; allow 4 of them
    np.testing.assert_allclose(psk_confusion_matrix(8, 3.0)[0], simulated, atol=0.0045)


def test_rib_problem_objectives_and_penalty() -> None:
    problem = RIBProblem(complexity_budget=1.5)
    assert problem.n_var == len(problem.cell_names) * 3
    x_identity = np.zeros((len(problem.cell_names), 3))  # all logits 0: encoder uniform, Z independent of X
    F = problem.evaluate(x_identity.reshape(1, -1))
    assert F.shape == (1, 2)
    np.testing.assert_allclose(F[0], [0.0, problem.information(x_identity.ravel()).rate], atol=1e-12)
    # a deterministic encoder spreading cells over all 4 codewords exceeds D = 1.5 bits -> penalised
    logits = np.full((len(problem.cell_names), 3), -5.0)
    for cell in range(len(problem.cell_names)):
        if cell % 4 < 3:
            logits[cell, cell % 4] = 5.0
    info = problem.information(logits.ravel())
    assert info.complexity > 1.5
    penalty = 10.0 * (info.complexity - 1.5)
    np.testing.assert_allclose(problem.evaluate(logits.reshape(1, -1))[0], [-info.utility + penalty, info.rate + penalty])


def test_softmax_encoder_rows_are_distributions() -> None:
    enc = softmax_encoder(np.array([0.0, 0.0, 0.0, 2.0, -1.0, 0.5]), n_cells=2, n_codewords=4)
    np.testing.assert_allclose(enc.sum(axis=1), 1.0)
    np.testing.assert_allclose(enc[0], 0.25)
