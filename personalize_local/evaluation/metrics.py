"""Ranking metrics with the definitions GetSolutionMetrics documents.

Definitions: https://docs.aws.amazon.com/personalize/latest/dg/working-with-training-metrics.html#metric-definitions.

All functions take a *hit matrix*: ``hits[u, i]`` is 1 when the item at rank ``i + 1`` of user
``u``'s list is in that user's ground truth, else 0 (lists shorter than K are padded with 0).
``n_relevant[u]`` is R, the size of user ``u``'s ground truth. Each returns the mean over users.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def hit_matrix(ranked: np.ndarray, truth: Sequence[np.ndarray]) -> np.ndarray:
    """Hit matrix of ranked lists against ground-truth sets.

    Parameters
    ----------
    ranked : (n_users, K) int array
        Item indexes in rank order; negative entries are padding and never hit.
    truth : sequence of int arrays
        Per user, the relevant item indexes.
    """
    hits = np.zeros(ranked.shape, np.float64)
    for u, rel in enumerate(truth):
        if len(rel):
            hits[u] = np.isin(ranked[u], rel) & (ranked[u] >= 0)
    return hits


def mean_reciprocal_rank(hits: np.ndarray, k: int = 25) -> float:
    """MRR@k = mean over users of 1 / (rank of the first hit within the top k), 0 without one.

    Example: first hits at ranks 4, 2 and 6 give (1/4 + 1/2 + 1/6) / 3 = 0.3056.
    """
    h = np.asarray(hits, np.float64)[:, :k]
    if h.shape[0] == 0:
        return 0.0
    any_hit = h.any(axis=1)
    first = np.argmax(h > 0, axis=1) + 1
    return float(np.mean(np.where(any_hit, 1.0 / first, 0.0)))


#: Rank discounts of DCG. ``STANDARD``: 1 / log2(1 + i), the guide's formula. ``ORIGINAL``:
#: Järvelin and Kekäläinen's original cumulated gain with base 2 (ACM TOIS 20(4), 2002,
#: https://doi.org/10.1145/582415.582418): ranks 1 and 2 undiscounted, rank i ≥ 2 divided by
#: log2(i), i.e. rel_1 + Σ_{i≥2} rel_i / log2(i), as in rrecsys
#: (https://rdocumentation.org/packages/rrecsys/versions/0.9.5.4/topics/nDCG) and the
#: ``method=0`` default of aws-samples' metrics.py
#: (https://github.com/aws-samples/amazon-personalize-samples/blob/master/next_steps/data_science/offline_performance_evaluation/metrics.py).
STANDARD, ORIGINAL = "standard", "original"


def _discounts(k: int, discount: str = STANDARD) -> np.ndarray:
    ranks = np.arange(1, k + 1)
    if discount == STANDARD:
        # The log base cancels in DCG / IDCG.
        return 1.0 / np.log2(ranks + 1)
    if discount == ORIGINAL:
        return 1.0 / np.log2(np.maximum(ranks, 2))
    raise ValueError(f"unknown discount {discount!r}")


RELEVANT, RETRIEVED = "relevant", "retrieved"


def ndcg_at_k(
    hits: np.ndarray,
    n_relevant: np.ndarray,
    k: int,
    ideal: str = RELEVANT,
    discount: str = STANDARD,
) -> float:
    """NDCG@k = DCG@k / IDCG@k, averaged over users (0 for a user without a hit or with R = 0).

    DCG@k = Σ_{i=1..k} rel_i · d(i), with d(i) = 1 / log2(1 + i) (``discount="standard"``) or
    Järvelin and Kekäläinen's original d(1) = 1, d(i) = 1 / log2(i) (``"original"``: a hit at
    rank 2 weighs as much as one at rank 1). The ideal list is, with ``ideal``:

    * ``"relevant"``: min(R, k) hits at the top, IDCG@k = Σ_{i=1..min(R, k)} d(i);
    * ``"retrieved"``: the top k *recommendations* sorted by relevance, i.e. the h hits found
      in the top k moved to the top, IDCG@k = Σ_{i=1..h} d(i) (the guide's own
      wording: "The ideal DCG is where the top K recommendations are sorted by relevance").

    Both agree whenever R = 1 (last-item truth) and on the documented example: hits at ranks 2
    and 5 with R = 2: (1/log 3 + 1/log 6) / (1/log 2 + 1/log 3) = 0.6241. They differ when a
    user has more relevant items than hits in the top k (newest-10% truth).
    """
    h = np.asarray(hits, np.float64)[:, :k]
    if h.shape[0] == 0:
        return 0.0
    disc = _discounts(k, discount)
    dcg = h @ disc[: h.shape[1]]
    ideal_cum = np.concatenate([[0.0], np.cumsum(disc)])
    if ideal == RELEVANT:
        count = np.minimum(np.asarray(n_relevant, np.int64), k)
    elif ideal == RETRIEVED:
        count = np.where(np.asarray(n_relevant, np.int64) > 0, h.sum(axis=1), 0).astype(np.int64)
    else:
        raise ValueError(f"unknown ideal {ideal!r}")
    idcg = ideal_cum[count]
    return float(np.mean(np.where(idcg > 0, dcg / np.where(idcg > 0, idcg, 1.0), 0.0)))


def precision_at_k(hits: np.ndarray, k: int) -> float:
    """P@k = (hits within the top k) / k, averaged over users (divided by k, not min(k, R)).

    Example: [0, 1, 0, 0, 1] gives P@5 = 2/5 = 0.4.
    """
    h = np.asarray(hits, np.float64)[:, :k]
    if h.shape[0] == 0:
        return 0.0
    return float(np.mean(h.sum(axis=1) / k))


def hit_rate_at_k(hits: np.ndarray, k: int) -> float:
    """HR@k = share of users with at least one hit in the top k."""
    h = np.asarray(hits, np.float64)[:, :k]
    return float(np.mean(h.any(axis=1))) if h.shape[0] else 0.0


def recall_at_k(hits: np.ndarray, n_relevant: np.ndarray, k: int) -> float:
    """Recall@k = (hits within the top k) / R, averaged over users with R > 0."""
    h = np.asarray(hits, np.float64)[:, :k]
    r = np.asarray(n_relevant, np.float64)
    ok = r > 0
    return float(np.mean(h[ok].sum(axis=1) / r[ok])) if ok.any() else 0.0


def coverage(ranked: np.ndarray, n_catalogue: int) -> float:
    """Coverage = |distinct items in all recommendation lists| / |catalogue|.

    The catalogue is the distinct item ids of Interactions ∪ Items. Example: lists holding
    {1, 2, 3, 4} out of 10 items give 0.4.
    """
    if n_catalogue <= 0:
        return 0.0
    items = np.unique(np.asarray(ranked)[np.asarray(ranked) >= 0])
    return float(len(items) / n_catalogue)


def hits_and_recall_at_fraction(
    ranked_users: Sequence[np.ndarray], truth_users: Sequence[np.ndarray]
) -> tuple[float, float]:
    """USER_SEGMENTATION metrics for one cut-off K (e.g. the top 1% of users).

    ``ranked_users[q]`` is query ``q``'s top-K users; ``truth_users[q]`` the users that
    interacted with the query's item(s) in the test split. Per query,
    hits = |top-K ∩ truth| / K and recall = |top-K ∩ truth| / |truth|; both are averaged over
    queries with a non-empty truth.
    """
    hits, recalls = [], []
    for ranked, truth in zip(ranked_users, truth_users, strict=True):
        if len(truth) == 0:
            continue
        found = np.isin(ranked, truth).sum()
        hits.append(found / max(len(ranked), 1))
        recalls.append(found / len(truth))
    if not hits:
        return 0.0, 0.0
    return float(np.mean(hits)), float(np.mean(recalls))


def average_rewards_at_k(ranked: np.ndarray, rewards: np.ndarray, k: int = 25) -> float:
    """Reward captured by the top-k lists relative to the best achievable, in (0, 1].

    ``rewards`` is the optimisation objective's item attribute, min-max scaled to [0, 1]. Per
    user: Σ_{j ∈ top k} r_j / Σ_{j ∈ the k highest-reward items} r_j; averaged over users.
    (The guide's wording is loose; this reading is bounded by 1 and grows when recommendations
    shift towards high-reward items, which is what the metric is meant to show.)
    """
    r = np.asarray(rewards, np.float64)
    best = np.sort(r)[::-1][:k].sum()
    if best <= 0 or len(ranked) == 0:
        return 0.0
    top = np.asarray(ranked)[:, :k]
    got = np.where(top >= 0, r[np.maximum(top, 0)], 0.0).sum(axis=1)
    return float(np.mean(got / best))
