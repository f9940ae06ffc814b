"""Per-user chronological sequences and the statistics the UP engine reads from them.

A sequence set is CSR-like: ``indptr`` (n_users + 1), ``items`` and ``weights`` in
chronological order per user (timestamp, then file order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from personalize_local.models.data import InteractionData


@dataclass
class Sequences:
    """Chronological item sequences of a set of users (CSR layout)."""

    indptr: np.ndarray
    items: np.ndarray
    weights: np.ndarray

    @classmethod
    def from_data(cls, data: InteractionData) -> Sequences:
        order = data.chronological()
        counts = np.bincount(data.user_idx, minlength=data.n_users)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls(
            indptr, data.item_idx[order].astype(np.int32), data.weight[order].astype(np.float32)
        )

    @classmethod
    def from_lists(
        cls, histories: list[np.ndarray], weights: list[np.ndarray] | None = None
    ) -> Sequences:
        lengths = np.fromiter((len(h) for h in histories), np.int64, len(histories))
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        items = (
            np.concatenate(histories).astype(np.int32) if len(histories) else np.zeros(0, np.int32)
        )
        w = (
            np.concatenate(weights).astype(np.float32)
            if weights is not None and len(weights)
            else np.ones(len(items), np.float32)
        )
        return cls(indptr, items, w)

    @property
    def n_users(self) -> int:
        return len(self.indptr) - 1

    def row_ids(self) -> np.ndarray:
        """The user (row) of every position."""
        return np.repeat(np.arange(self.n_users), np.diff(self.indptr))

    def ages(self) -> np.ndarray:
        """Per position, events until the end of its sequence (0 = the latest event)."""
        ends = np.repeat(self.indptr[1:], np.diff(self.indptr))
        return (ends - 1 - np.arange(len(self.items))).astype(np.float32)

    def last_items(self) -> np.ndarray:
        """Each user's latest item (-1 for empty sequences)."""
        out = np.full(self.n_users, -1, np.int64)
        nonempty = np.diff(self.indptr) > 0
        out[nonempty] = self.items[self.indptr[1:][nonempty] - 1]
        return out


def recency_weights(ages: np.ndarray, half_life: float | None, window: int | None) -> np.ndarray:
    """w_t = 0.5^(age_t / h), zero beyond the window; h = None means uniform weights."""
    w = (
        np.ones(len(ages), np.float32)
        if half_life is None
        else np.power(np.float32(0.5), ages / np.float32(half_life))
    )
    if window is not None:
        w = np.where(ages < window, w, np.float32(0.0))
    return w.astype(np.float32)


def history_matrix(seqs: Sequences, n_items: int, weights: np.ndarray) -> sp.csr_matrix:
    """Users × items matrix summing per-position ``weights`` (duplicates add up)."""
    # Copies: scipy keeps the passed arrays and sum_duplicates() reorders them in place.
    m = sp.csr_matrix(
        (np.array(weights, np.float32), seqs.items.copy(), seqs.indptr.copy()),
        shape=(seqs.n_users, n_items),
    )
    m.sum_duplicates()
    m.eliminate_zeros()
    return m


def binary_matrix(seqs: Sequences, n_items: int) -> sp.csr_matrix:
    """Users × items matrix with the largest event weight per (user, item)."""
    # Keep the max per pair (not the sum) so repeats do not inflate the Gram matrix.
    row_ids = seqs.row_ids()
    order = np.lexsort((-seqs.weights, seqs.items, row_ids))
    rows, cols, w = row_ids[order], seqs.items[order], seqs.weights[order]
    first = np.ones(len(rows), bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    m = sp.csr_matrix((w[first], (rows[first], cols[first])), shape=(seqs.n_users, n_items))
    m.eliminate_zeros()
    return m


def repeat_rate(seqs: Sequences) -> float:
    """Share of events whose (user, item) pair already occurred earlier in that history."""
    if len(seqs.items) == 0:
        return 0.0
    rows = seqs.row_ids().astype(np.int64)
    key = rows * (int(seqs.items.max()) + 1) + seqs.items
    _, first = np.unique(key, return_index=True)
    return float(1.0 - len(first) / len(key))


def repeat_lag_profile(seqs: Sequences, max_lag: int) -> np.ndarray:
    """P(a repeat event repeats the item ``lag`` events back), lag = 1 … max_lag.

    For every event that repeats an earlier item of the same user, the lag is the distance to
    the most recent earlier occurrence; lags above ``max_lag`` are pooled into the last bin.
    """
    profile = np.zeros(max_lag, np.float64)
    if len(seqs.items) == 0:
        return profile
    rows = seqs.row_ids().astype(np.int64)
    key = rows * (int(seqs.items.max()) + 1) + seqs.items
    order = np.lexsort((np.arange(len(key)), key))
    same = key[order][1:] == key[order][:-1]
    lags = (order[1:] - order[:-1])[same]
    if len(lags):
        profile += np.bincount(np.minimum(lags, max_lag) - 1, minlength=max_lag)[:max_lag]
        profile /= profile.sum()
    return profile


def lagged_pairs(seqs: Sequences, max_lag: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(earlier item, later item, lag) for every pair of events ≤ ``max_lag`` apart in a history."""
    rows_of = seqs.row_ids()
    src, dst, lags = [], [], []
    for lag in range(1, max_lag + 1):
        same = rows_of[lag:] == rows_of[:-lag]
        src.append(seqs.items[:-lag][same])
        dst.append(seqs.items[lag:][same])
        lags.append(np.full(int(same.sum()), lag, np.int32))
    if not src:
        empty = np.zeros(0, np.int32)
        return empty, empty, empty
    return np.concatenate(src), np.concatenate(dst), np.concatenate(lags)


def successor_matrix(
    seqs: Sequences, n_items: int, max_lag: int, half_life: float
) -> sp.csr_matrix:
    """S_ij = Σ over histories of 0.5^((lag − 1) / h) for each time j follows i by ``lag`` events.

    This is XᵀY of a next-item regression whose inputs X are recency-weighted prefixes of the
    histories and whose targets Y are the next items (the "SLIT" half of SLIST, Choi et al.
    2021), accumulated pair by pair instead of materialising X.
    """
    src, dst, lag = lagged_pairs(seqs, max_lag)
    w = np.power(np.float32(0.5), (lag - 1) / np.float32(half_life)).astype(np.float32)
    m = sp.csr_matrix((w, (src, dst)), shape=(n_items, n_items))
    m.sum_duplicates()
    return m


def transition_matrix(
    seqs: Sequences, n_items: int, window: int = 3, top_k: int | None = 200
) -> sp.csr_matrix:
    """First-order "what comes next" scores.

    T_ij = (number of times j follows i within ``window`` events in a history) / √n_j, with
    n_j the number of occurrences of j (so popular items do not dominate every row); self
    transitions are dropped (repeats are modelled separately). Rows keep their ``top_k``
    largest entries to bound memory on large catalogues.
    """
    src_all, dst_all, _ = lagged_pairs(seqs, window)
    keep = src_all != dst_all
    src_all, dst_all = src_all[keep], dst_all[keep]
    t = sp.csr_matrix(
        (np.ones(len(src_all), np.float32), (src_all, dst_all)), shape=(n_items, n_items)
    )
    t.sum_duplicates()
    freq = np.bincount(seqs.items, minlength=n_items).astype(np.float32)
    scale = 1.0 / np.sqrt(np.maximum(freq, 1.0))
    t = (t @ sp.diags(scale)).tocsr().astype(np.float32)
    return row_top_k(t, top_k) if top_k else t


def row_top_k(m: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep the k largest entries of every row."""
    lengths = np.diff(m.indptr)
    if lengths.max(initial=0) <= k:
        return m
    rows = np.repeat(np.arange(m.shape[0]), lengths)
    order = np.lexsort((-m.data, rows))
    rank = np.arange(len(order)) - m.indptr[rows[order]]
    keep = order[rank < k]
    keep.sort()
    return sp.csr_matrix((m.data[keep], (rows[keep], m.indices[keep])), shape=m.shape)
