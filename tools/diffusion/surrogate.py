"""The multi-objective Gaussian-process surrogate: one independent GP per objective (botorch SingleTaskGP).

Inputs are the unit cube (the optimizer rescales the problem's box); outputs are standardised by
botorch's Standardize transform. botorch's default kernel is an RBF with one length scale per input
(ARD) and a dimension-scaled log-normal length-scale prior, so the surrogate learns which variables
matter. Predictions come back either in the problem's units (to rank candidates) or standardised (so
guidance gradients of different objectives are on one scale), and they are differentiable in the
inputs (guidance needs d mean / dx and d std / dx). The GP lives on `device` (a GPU when one is
given) in float64; inputs from elsewhere are moved there.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
from botorch.fit import fit_gpytorch_mll
from botorch.models import SingleTaskGP
from botorch.models.transforms.outcome import Standardize
from gpytorch.mlls import ExactMarginalLogLikelihood
from numpy.typing import NDArray
from torch import Tensor

FloatArray = NDArray[np.float64]
DTYPE = torch.float64


def resolve_device(device: str | torch.device | None) -> torch.device:
    """The torch device to run on: the one asked for, else CUDA when torch sees a GPU, else the CPU.

    Asking for CUDA on a machine without a GPU falls back to the CPU instead of failing.
    """
    if device is None or str(device) == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    chosen = torch.device(device)
    if chosen.type == "cuda" and not torch.cuda.is_available():
        return torch.device("cpu")
    return chosen


class ObjectiveSurrogate:
    """Independent GPs for all objectives, fitted by maximising the marginal likelihood (L-BFGS-B)."""

    def __init__(self, X_unit: FloatArray, Y: FloatArray, device: str | torch.device | None = "cpu") -> None:
        self.device = resolve_device(device)
        self.train_X = torch.as_tensor(X_unit, dtype=DTYPE, device=self.device)
        self.train_Y = torch.as_tensor(Y, dtype=DTYPE, device=self.device)
        self.y_mean = self.train_Y.mean(dim=0)
        self.y_std = self.train_Y.std(dim=0).clamp_min(1e-9)
        self.model = SingleTaskGP(self.train_X, self.train_Y, outcome_transform=Standardize(m=Y.shape[1]))
        mll = ExactMarginalLogLikelihood(self.model.likelihood, self.model)
        with warnings.catch_warnings():
            # a failed restart is retried by botorch; its warnings are noise for the caller
            warnings.simplefilter("ignore")
            fit_gpytorch_mll(mll)
        self.model.eval()

    @property
    def n_obj(self) -> int:
        return int(self.train_Y.shape[1])

    def mean_std(self, X_unit: Tensor) -> tuple[Tensor, Tensor]:
        """Posterior mean and standard deviation, shape (n, n_obj), in the problem's units; differentiable in X."""
        posterior = self.model.posterior(X_unit.to(self.device, DTYPE))
        return posterior.mean, posterior.variance.clamp_min(1e-12).sqrt()

    def standardised_mean_std(self, X_unit: Tensor) -> tuple[Tensor, Tensor]:
        """Mean and std divided by the observed objective spread, so all objectives share one scale."""
        mean, std = self.mean_std(X_unit)
        return (mean - self.y_mean) / self.y_std, std / self.y_std

    def predict(self, X_unit: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Numpy convenience: posterior mean and std in the problem's units."""
        with torch.no_grad():
            mean, std = self.mean_std(torch.as_tensor(X_unit, dtype=DTYPE))
        return mean.cpu().numpy(), std.cpu().numpy()
