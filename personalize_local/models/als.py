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

    def fold_in(self, history: sp.csr_matrix, cg_steps: int = 8, block: int = 4096) -> np.ndarray:
        """User factors for each row of a users × items weight matrix.

        Solves A_u x_u = b_u for all users at once by conjugate gradient, with
        A_u = YᵀY + λI + Σ_i (c_ui − 1) y_i y_iᵀ and b_u = Σ_i c_ui y_i, starting from
        x_u = (YᵀY + λI)⁻¹ b_u (exact when every c_ui = 1). Each step costs one pass over the
        history's non-zeros, so no per-user k × k system is ever built.
        """
        y, k = self.item_factors, self.item_factors.shape[1]
        base = self.gram + self.regularization * np.eye(k, dtype=np.float32)
        chol = np.linalg.cholesky(base.astype(np.float64))
        out = np.zeros((history.shape[0], k), np.float32)
        for start in range(0, history.shape[0], block):
            h = history[start : start + block].tocsr()
            conf = (self.alpha * h.data).astype(np.float32)
            rows = np.repeat(np.arange(h.shape[0]), np.diff(h.indptr))
            y_nz = y[h.indices]
            b = np.asarray(sp.csr_matrix((conf, h.indices, h.indptr), shape=h.shape) @ y)

            def apply(x: np.ndarray, rows=rows, y_nz=y_nz, conf=conf, h=h) -> np.ndarray:
                d = np.einsum("nk,nk->n", x[rows], y_nz) * (conf - 1.0)
                extra = sp.csr_matrix((d, h.indices, h.indptr), shape=h.shape) @ y
                return x @ base + extra

            x = np.linalg.solve(chol.T, np.linalg.solve(chol, b.T.astype(np.float64)))
            x = x.T.astype(np.float32)
            r = b - apply(x)
            p = r.copy()
            rs = np.einsum("uk,uk->u", r, r)
            for _ in range(cg_steps):
                ap = apply(p)
                denom = np.einsum("uk,uk->u", p, ap)
                step = np.divide(rs, denom, out=np.zeros_like(rs), where=denom > 1e-20)
                x += step[:, None] * p
                r -= step[:, None] * ap
                rs_new = np.einsum("uk,uk->u", r, r)
                beta = np.divide(rs_new, rs, out=np.zeros_like(rs), where=rs > 1e-20)
                p = r + beta[:, None] * p
                rs = rs_new
            out[start : start + h.shape[0]] = x
        return out

    def scores(self, history: sp.csr_matrix) -> np.ndarray:
        """Dense users × items scores x_u · Yᵀ."""
        return self.fold_in(history) @ self.item_factors.T


def fit_als(
    x: sp.csr_matrix,
    factors: int,
    seed: int,
    regularization: float = 0.05,
    alpha: float = 10.0,
    iterations: int = 12,
    *,
    threads: int,
) -> AlsFactors:
    """Fit implicit ALS on a users × items matrix and return the item side.

    BLAS is pinned to one thread inside implicit's own OpenMP loops (implicit warns
    otherwise); ``threads`` sets implicit's worker count.
    """
    from implicit.cpu.als import AlternatingLeastSquares

    # implicit checks the BLAS thread count when the model is built, so build it inside too.
    with threadpool_limits(1, user_api="blas"):
        model = AlternatingLeastSquares(
            factors=factors,
            regularization=regularization,
            alpha=alpha,
            iterations=iterations,
            random_state=seed,
            num_threads=threads,
            calculate_training_loss=False,
        )
        model.fit(x.astype(np.float32).tocsr(), show_progress=False)
    y = np.ascontiguousarray(model.item_factors, dtype=np.float32)
    return AlsFactors(y, (y.T @ y).astype(np.float32), regularization, alpha)
