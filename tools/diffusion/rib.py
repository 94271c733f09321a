"""The robust information bottleneck (RIB) as a black-box multi-objective problem, computed exactly.

Chain: label Y - feature cell X - codeword Z - received codeword Ẑ.
  * X: a shipped scikit-learn dataset (iris) with two features cut into quantile bins; the cells that
    occur are the source alphabet, and the empirical joint p(x, y) is the data.
  * Z: a codebook of K codewords; the encoder p(z|x) is a softmax of logits, one row per cell. The
    decision variables are the first K-1 logits of each row (the last is pinned to 0, which removes
    the softmax's shift redundancy and keeps the dimension at |X|·(K-1)).
  * Ẑ: the codeword index recovered after M-PSK (M = K) over AWGN at a given SNR with a minimum-
    distance (phase-sector) detector; the channel is the exact confusion matrix p(ẑ|z).

Objectives (all minimised, in bits, computed exactly from the discrete joint distributions):
  f1 = -I(Y;Ẑ)  (utility information, to be maximised)
  f2 =  I(Z;Ẑ)  (communication rate actually carried over the channel)
The information complexity I(X;Z) must stay under the budget D. It is handled as an exact PENALTY,
not a hard constraint: both objectives get + penalty_weight·max(0, I(X;Z) - D). A penalty keeps the
problem a plain box-bounded black box (as the optimizer, NSGA-II and qLogNEHVI all expect) and is
exact for penalty_weight above the largest trade-off slope (a bit of complexity never buys more than a
bit of utility: I(Y;Ẑ) <= I(X;Z) by data processing, so any weight > 1 suffices; we use 10).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from scipy import integrate
from scipy.special import ndtr
from sklearn.datasets import load_iris

from tools.diffusion.problems import reference_point_from_design

FloatArray = NDArray[np.float64]

LOG_EPS = 1e-300


def mutual_information(joint: FloatArray) -> float:
    """I(A;B) in bits of a joint probability table p(a, b) (rows a, columns b); 0·log 0 counts as 0."""
    p = np.asarray(joint, dtype=np.float64)
    p = p / p.sum()
    pa = p.sum(axis=1, keepdims=True)
    pb = p.sum(axis=0, keepdims=True)
    mask = p > 0
    ratio = p[mask] / (pa @ pb)[mask]
    return float(np.sum(p[mask] * np.log2(ratio)))


def psk_phase_density(theta: float, snr_linear: float) -> float:
    """Density of the received phase of a PSK symbol sent at phase 0 over complex AWGN, Es/N0 = snr_linear.

    Integrating the Rician envelope out of the joint density gives
      p(θ) = e^{-γ}/(2π) + sqrt(γ/π)·cos θ·e^{-γ sin²θ}·Φ(sqrt(2γ)·cos θ)     (γ = Es/N0)
    where Φ is the standard normal CDF. For M = 4 the sector integrals reproduce the closed form of
    Gray QPSK, (1-q)², q(1-q), q² with q = Q(sqrt(γ)) (checked in the tests).
    """
    gamma = snr_linear
    c = np.cos(theta)
    rician_part = np.sqrt(gamma / np.pi) * c * np.exp(-gamma * np.sin(theta) ** 2) * ndtr(np.sqrt(2 * gamma) * c)
    return float(np.exp(-gamma) / (2 * np.pi) + rician_part)


@lru_cache(maxsize=32)
def _psk_confusion_cached(order: int, snr_db: float) -> tuple[tuple[float, ...], ...]:
    gamma = 10.0 ** (snr_db / 10.0)
    half = np.pi / order
    offsets = []
    for k in range(order):
        centre = 2 * np.pi * k / order
        value, _ = integrate.quad(psk_phase_density, centre - half, centre + half, args=(gamma,), epsabs=1e-13, epsrel=1e-11)
        offsets.append(value)
    row = np.asarray(offsets)
    row = row / row.sum()
    return tuple(tuple(float(row[(j - i) % order]) for j in range(order)) for i in range(order))


def psk_confusion_matrix(order: int, snr_db: float) -> FloatArray:
    """p(ẑ|z) for M-PSK (codeword z sent at phase 2πz/M) with the nearest-phase detector, by exact integration."""
    if order < 2:
        raise ValueError("a PSK constellation needs at least 2 points")
    return np.asarray(_psk_confusion_cached(order, float(snr_db)), dtype=np.float64)


def discretised_iris(bins: int = 3, features: tuple[int, ...] = (0, 2)) -> tuple[FloatArray, list[str]]:
    """Empirical joint p(x, y) of iris with the chosen features cut into quantile bins.

    Only the cells that occur are kept. Returns (p_xy with rows = cells, cols = 3 classes, cell names).
    """
    data = load_iris()
    features_x = np.asarray(data.data, dtype=np.float64)
    labels = np.asarray(data.target, dtype=np.int64)
    binned = []
    for feature in features:
        edges = np.quantile(features_x[:, feature], np.linspace(0.0, 1.0, bins + 1)[1:-1])
        binned.append(np.digitize(features_x[:, feature], edges))
    cell = np.ravel_multi_index(tuple(binned), (bins,) * len(features))
    cells = np.unique(cell)
    n_classes = int(labels.max()) + 1
    joint = np.zeros((len(cells), n_classes))
    for row, c in enumerate(cells):
        joint[row] = np.bincount(labels[cell == c], minlength=n_classes)
    joint /= joint.sum()
    names = ["cell" + "".join(str(b) for b in np.unravel_index(c, (bins,) * len(features))) for c in cells]
    return joint, names


@dataclass(frozen=True)
class RibInformation:
    utility: float
    """I(Y;Ẑ) in bits."""
    complexity: float
    """I(X;Z) in bits."""
    rate: float
    """I(Z;Ẑ) in bits."""


def rib_information(p_xy: FloatArray, encoder: FloatArray, channel: FloatArray) -> RibInformation:
    """Exact I(Y;Ẑ), I(X;Z), I(Z;Ẑ) for the Markov chain Y - X - Z - Ẑ.

    p_xy: (|X|, |Y|) joint; encoder: (|X|, K) rows p(z|x); channel: (K, K) rows p(ẑ|z).
    """
    p_x = p_xy.sum(axis=1)
    p_xz = p_x[:, None] * encoder
    p_z = p_xz.sum(axis=0)
    p_zzhat = p_z[:, None] * channel
    p_yzhat = p_xy.T @ encoder @ channel
    return RibInformation(
        utility=mutual_information(p_yzhat),
        complexity=mutual_information(p_xz),
        rate=mutual_information(p_zzhat),
    )


def softmax_encoder(free_logits: FloatArray, n_cells: int, n_codewords: int) -> FloatArray:
    """Rows p(z|x) from the K-1 free logits per cell (the K-th logit is 0)."""
    logits = np.zeros((n_cells, n_codewords))
    logits[:, : n_codewords - 1] = np.asarray(free_logits, dtype=np.float64).reshape(n_cells, n_codewords - 1)
    logits -= logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    return np.asarray(weights / weights.sum(axis=1, keepdims=True), dtype=np.float64)


@dataclass
class RIBProblem:
    """RIB over discretised iris with a K-PSK channel; 2 objectives (-I(Y;Ẑ), I(Z;Ẑ)), I(X;Z) <= D by penalty."""

    n_codewords: int = 4
    snr_db: float = 3.0
    complexity_budget: float = 1.5
    penalty_weight: float = 10.0
    logit_bound: float = 5.0
    bins: int = 3
    name: str = "rib"
    n_obj: int = 2
    p_xy: FloatArray = field(init=False, repr=False)
    cell_names: list[str] = field(init=False, repr=False)
    channel: FloatArray = field(init=False, repr=False)
    _ref_point: FloatArray | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.p_xy, self.cell_names = discretised_iris(self.bins)
        self.channel = psk_confusion_matrix(self.n_codewords, self.snr_db)

    @property
    def n_var(self) -> int:
        return len(self.cell_names) * (self.n_codewords - 1)

    @property
    def lower(self) -> FloatArray:
        return np.full(self.n_var, -self.logit_bound)

    @property
    def upper(self) -> FloatArray:
        return np.full(self.n_var, self.logit_bound)

    @property
    def ref_point(self) -> FloatArray:
        if self._ref_point is None:
            self._ref_point = reference_point_from_design(self)
        return self._ref_point

    def encoder(self, x: FloatArray) -> FloatArray:
        return softmax_encoder(x, len(self.cell_names), self.n_codewords)

    def information(self, x: FloatArray) -> RibInformation:
        return rib_information(self.p_xy, self.encoder(x), self.channel)

    def evaluate(self, X: FloatArray) -> FloatArray:
        rows = []
        for x in np.atleast_2d(X):
            info = self.information(x)
            penalty = self.penalty_weight * max(0.0, info.complexity - self.complexity_budget)
            rows.append([-info.utility + penalty, info.rate + penalty])
        return np.asarray(rows, dtype=np.float64)
