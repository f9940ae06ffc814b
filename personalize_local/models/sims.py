"""SIMS (aws-sims): item-to-item co-occurrence with a popularity discount.

For items i and j, C_ij is the number of users who interacted with both. The related-items
score of j for a query item i is

    score(j | i) = C_ij / n_j^p   if C_ij ≥ min_cointeraction_count, else nothing,

with n_j the number of users of j and p = ``popularity_discount_factor`` (p = 0 ranks by raw
co-occurrence, i.e. popular items; p = 1 by P(i | j), regardless of popularity). Items without
enough co-occurrence are filled in by popularity below every neighbour; the query item itself
is never recommended. Each item keeps its ``max_neighbours`` best neighbours.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from personalize_local.models.base import TrainedModel
from personalize_local.models.data import InteractionData
from personalize_local.models.selection import Selection
from personalize_local.models.sequences import Sequences, binary_matrix


def cooccurrence_neighbours(x: sp.csr_matrix, min_count: int, power: float,
                            max_neighbours: int = 200,
                            cells: int = 20_000_000) -> sp.csr_matrix:
    """Top neighbours per item of C_ij / n_j^p (items × items, zero diagonal).

    C is computed in dense row blocks of about ``cells`` entries; each row keeps its
    ``max_neighbours`` best entries (ties go to the more popular neighbour).
    """
    xb = x.copy().astype(np.float32)
    xb.data[:] = 1.0
    xt = xb.T.tocsr()
    counts = np.asarray(xt.sum(axis=1)).ravel()
    discount = np.power(np.maximum(counts, 1.0), -power).astype(np.float32)
    tie = (1e-6 * counts / (counts.max() + 1.0)).astype(np.float32)
    n = xt.shape[0]
    k = max(1, min(max_neighbours, n - 1))
    block = max(1, cells // max(n, 1))
    rows, cols, vals = [], [], []
    for start in range(0, n, block):
        c = (xt[start:start + block] @ xb).toarray()
        b = c.shape[0]
        c[np.arange(b), start + np.arange(b)] = 0.0
        c[c < max(min_count, 1)] = 0.0
        v = c * discount[np.newaxis, :]
        v += np.where(v > 0, tie[np.newaxis, :], np.float32(0.0))
        if k < n:
            idx = np.argpartition(-v, k - 1, axis=1)[:, :k]
        else:
            idx = np.broadcast_to(np.arange(n), (b, n))
        top = np.take_along_axis(v, idx, axis=1)
        keep = top > 0
        rows.append(np.repeat(np.arange(start, start + b), keep.sum(axis=1)))
        cols.append(idx[keep])
        vals.append(top[keep])
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(n, n), dtype=np.float32)


def related_with_fill(neighbours: sp.csr_matrix, popularity: np.ndarray,
                      query: int) -> np.ndarray:
    """Neighbour scores above a popularity fill in [0, 1); the query item gets −inf."""
    pop = np.asarray(popularity, np.float64)
    fill = pop / (pop.max() + 1.0) if pop.max() > 0 else np.zeros_like(pop)
    scores = fill.copy()
    lo, hi = neighbours.indptr[query], neighbours.indptr[query + 1]
    if hi > lo:
        vals = neighbours.data[lo:hi].astype(np.float64)
        # 1 + scaled neighbour score: every neighbour outranks every fill item.
        scores[neighbours.indices[lo:hi]] = 1.0 + vals / vals.max() + fill[
            neighbours.indices[lo:hi]] * 1e-6
    scores[query] = -np.inf
    return scores


class SimsModel(TrainedModel):
    """A trained SIMS model: item neighbours plus popularity."""

    neighbours: sp.csr_matrix

    @classmethod
    def fit(cls, data: InteractionData, popularity_discount_factor: float,
            min_cointeraction_count: int, *, recipe: str = "aws-sims",
            selection: Selection | None = None,
            max_neighbours: int = 200) -> SimsModel:
        """Train on selected interactions; the catalogue is the items that have any."""
        present = np.flatnonzero(np.bincount(data.item_idx, minlength=data.n_items) > 0)
        remap = np.full(data.n_items, -1, np.int64)
        remap[present] = np.arange(len(present))
        local = data.subset(np.ones(len(data), bool))
        local.item_idx = remap[data.item_idx].astype(np.int32)
        local.items = data.items[present]
        x = binary_matrix(Sequences.from_data(local), len(present))
        popularity = np.diff(x.tocsc().indptr).astype(np.float64)
        model = cls(recipe, data.items[present], data.users, popularity, selection)
        model.neighbours = cooccurrence_neighbours(x, min_cointeraction_count,
                                                   popularity_discount_factor, max_neighbours)
        return model

    def score_related(self, item_id: str) -> np.ndarray:
        """Related-item scores; an unknown item gets popularity (the service's behaviour)."""
        idx = int(self.item_index([item_id])[0])
        if idx < 0:
            return self.score_popular()
        return related_with_fill(self.neighbours, self.popularity, idx)

    def score_related_indexes(self, queries: np.ndarray) -> np.ndarray:
        """Batch of related-item score rows for model item indexes (-1 = unknown)."""
        return np.vstack([related_with_fill(self.neighbours, self.popularity, int(q))
                          if q >= 0 else self.score_popular() for q in queries])
