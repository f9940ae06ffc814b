"""Implicit-feedback ALS item factors (implicit 0.7) with per-request user fold-in.

Used by the UP engine when the catalogue is too large for a dense EASE matrix. Training is
implicit's conjugate-gradient ALS (Hu, Koren, Volinsky 2008) with confidences c_ui = α·x_ui.
A user's factors are recomputed from the current history at scoring time ("fold-in"), which
solves the ALS user step exactly:

    x_u = (YᵀY + Yᵀ(C_u − I)Y + λI)⁻¹ · Yᵀ C_u p_u,

so new events influence recommendations without retraining.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits


@dataclass
class AlsFactors:
    """Item factors plus the cached Gram matrix YᵀY used by fold-in."""

    item_factors: np.ndarray
    gram: np.ndarray
    regularization: float
    alpha: float

    def fold_in(self, history: sp.csr_matrix) -> np.ndarray:
        """User factors for each row of a users × items weight matrix (batched solves)."""
        y, k = self.item_factors, self.item_factors.shape[1]
        n = history.shape[0]
        out = np.zeros((n, k), np.float32)
        base = self.gram + self.regularization * np.eye(k, dtype=np.float32)
        for start in range(0, n, 512):
            block = history[start:start + 512]
            a = np.repeat(base[np.newaxis], block.shape[0], axis=0)
            b = np.zeros((block.shape[0], k), np.float32)
            for r in range(block.shape[0]):
                lo, hi = block.indptr[r], block.indptr[r + 1]
                if lo == hi:
                    continue
                yi = y[block.indices[lo:hi]]
                conf = self.alpha * block.data[lo:hi]
                a[r] += (yi.T * (conf - 1.0)) @ yi
                b[r] = yi.T @ conf
            out[start:start + block.shape[0]] = np.linalg.solve(a, b[..., np.newaxis])[..., 0]
        return out

    def scores(self, history: sp.csr_matrix) -> np.ndarray:
        """Dense users × items scores x_u · Yᵀ."""
        return self.fold_in(history) @ self.item_factors.T


def fit_als(x: sp.csr_matrix, factors: int, seed: int, regularization: float = 0.05,
            alpha: float = 10.0, iterations: int = 12, threads: int = 2) -> AlsFactors:
    """Fit implicit ALS on a users × items matrix and return the item side.

    BLAS is pinned to one thread inside implicit's own OpenMP loops (implicit warns
    otherwise); ``threads`` sets implicit's worker count.
    """
    from implicit.cpu.als import AlternatingLeastSquares

    # implicit checks the BLAS thread count when the model is built, so build it inside too.
    with threadpool_limits(1, user_api="blas"):
        model = AlternatingLeastSquares(
            factors=factors, regularization=regularization, alpha=alpha,
            iterations=iterations, random_state=seed, num_threads=threads,
            calculate_training_loss=False)
        model.fit(x.astype(np.float32).tocsr(), show_progress=False)
    y = np.ascontiguousarray(model.item_factors, dtype=np.float32)
    return AlsFactors(y, (y.T @ y).astype(np.float32), regularization, alpha)
