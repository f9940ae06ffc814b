"""Ranking metrics as Amazon Personalize documents them, for the offline evaluation (module 5).

Every per-list function takes a *relevance vector* ``r`` in rank order: ``r[0]`` is 1 when the
top recommendation is in the user's ground truth, else 0 (build it with :func:`relevance`).
Positions are counted from 1, so the item at ``r[i - 1]`` sits at rank i. A list shorter than K
counts its missing positions as misses.

The definitions follow the Personalize developer guide ("Evaluating a solution version with
metrics"):

* MRR@K counts the **first** hit only;
* NDCG@K uses the standard discount ``1 / log2(1 + i)`` and an ideal list of ``min(R, K)`` hits,
  where R is the size of the ground truth;
* precision@K divides by **K**, not by ``min(K, R)``;
* coverage is the share of the catalogue that appears in at least one list.

They differ from the original workshop's ``metrics.py`` on purpose: that file used
``np.asfarray`` (removed in NumPy 2.0), a DCG that weighs ranks 1 and 2 the same, and an ideal
DCG built from the *retrieved* hits only. This module is pure NumPy and works with NumPy 1.x and
2.x.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence

import numpy as np

#: The cut-offs GetSolutionMetrics reports.
DEFAULT_KS: tuple[int, ...] = (5, 10, 25)


def relevance(recommended: Sequence[Hashable], relevant: Collection[Hashable]) -> np.ndarray:
    """Binary relevance vector of a ranked list against a ground-truth set.

    Parameters
    ----------
    recommended : sequence
        Item ids in rank order (position 1 first).
    relevant : collection
        The user's ground-truth item ids.

    Returns
    -------
    numpy.ndarray
        Float array of the list's length: ``1.0`` where the item is relevant, else ``0.0``.

    Examples
    --------
    >>> relevance(["a", "b", "c", "d", "e"], {"b", "e"}).tolist()
    [0.0, 1.0, 0.0, 0.0, 1.0]
    """
    wanted = set(relevant)
    return np.array([1.0 if item in wanted else 0.0 for item in recommended], dtype=np.float64)


def _top(r: Sequence[float] | np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` entries of ``r`` as floats, padded with zeros to length ``k``."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    values = np.asarray(r, dtype=np.float64).ravel()[:k]
    if values.size < k:
        values = np.concatenate([values, np.zeros(k - values.size)])
    return values


def reciprocal_rank(r: Sequence[float] | np.ndarray, k: int = 25) -> float:
    """Reciprocal rank of the first hit within the top ``k``.

    ``RR@K = 1 / (rank of the first relevant item among ranks 1..K)``, or 0 without a hit.
    Averaged over users this is ``mean_reciprocal_rank_at_25`` (with K = 25).

    Parameters
    ----------
    r : array-like
        Relevance vector in rank order.
    k : int
        Cut-off.

    Returns
    -------
    float

    Examples
    --------
    First hits at ranks 4, 2 and 6 (the guide's example): (1/4 + 1/2 + 1/6) / 3 = 0.3056.

    >>> rr = [reciprocal_rank([0, 0, 0, 1]), reciprocal_rank([0, 1]),
    ...       reciprocal_rank([0, 0, 0, 0, 0, 1])]
    >>> round(sum(rr) / 3, 4)
    0.3056
    """
    hits = np.flatnonzero(_top(r, k) > 0)
    return 1.0 / float(hits[0] + 1) if hits.size else 0.0


def precision_at_k(r: Sequence[float] | np.ndarray, k: int) -> float:
    """Share of the top ``k`` positions that hold a relevant item.

    ``P@K = (number of relevant items among ranks 1..K) / K``. The divisor is always K, also when
    the ground truth has fewer than K items or the list is shorter than K.

    Parameters
    ----------
    r : array-like
        Relevance vector in rank order.
    k : int
        Cut-off.

    Returns
    -------
    float

    Examples
    --------
    >>> precision_at_k([0, 1, 0, 0, 1], 5)
    0.4
    """
    return float(_top(r, k).astype(bool).sum() / k)


def hit_at_k(r: Sequence[float] | np.ndarray, k: int) -> float:
    """1.0 when at least one of the top ``k`` items is relevant, else 0.0.

    Averaged over users this is the hit rate ``HR@K``. With one relevant item per user (the
    service's "last item" protocol) ``P@K = HR@K / K``.

    Parameters
    ----------
    r : array-like
        Relevance vector in rank order.
    k : int
        Cut-off.

    Returns
    -------
    float
    """
    return 1.0 if _top(r, k).any() else 0.0


def _discounts(k: int) -> np.ndarray:
    # 1 / log2(1 + i) for ranks i = 1..k. The base of the log cancels in DCG / IDCG.
    return 1.0 / np.log2(np.arange(2, k + 2, dtype=np.float64))


def dcg_at_k(r: Sequence[float] | np.ndarray, k: int) -> float:
    """Discounted cumulative gain of the top ``k``.

    ``DCG@K = Σ_{i=1..K} rel_i / log2(1 + i)``: rank 1 weighs 1, rank 2 weighs 1/log2(3), …

    Parameters
    ----------
    r : array-like
        Relevance vector in rank order.
    k : int
        Cut-off.

    Returns
    -------
    float
    """
    return float(np.dot(_top(r, k), _discounts(k)))


def ndcg_at_k(r: Sequence[float] | np.ndarray, n_relevant: int, k: int) -> float:
    """Normalised DCG of the top ``k``, with the ideal list holding ``min(R, K)`` hits.

    ``IDCG@K = Σ_{i=1..min(R, K)} 1 / log2(1 + i)`` and ``NDCG@K = DCG@K / IDCG@K``; 0 when
    R = 0. Missing relevant items lower the score even when every retrieved hit is at the top.

    Parameters
    ----------
    r : array-like
        Relevance vector in rank order.
    n_relevant : int
        R, the size of the user's ground truth (not only the retrieved part of it).
    k : int
        Cut-off.

    Returns
    -------
    float

    Examples
    --------
    The guide's example, hits at ranks 2 and 5 with R = 2:
    (1/log 3 + 1/log 6) / (1/log 2 + 1/log 3) = 0.6241.

    >>> round(ndcg_at_k([0, 1, 0, 0, 1], n_relevant=2, k=5), 4)
    0.6241
    """
    if n_relevant < 0:
        raise ValueError(f"n_relevant must not be negative, not {n_relevant}")
    ideal = float(_discounts(k)[: min(int(n_relevant), k)].sum())
    return dcg_at_k(r, k) / ideal if ideal > 0 else 0.0


def coverage(
    recommendations: Iterable[Iterable[Hashable]], catalogue: Collection[Hashable]
) -> float:
    """Share of the catalogue that appears in at least one recommendation list.

    ``coverage = |distinct recommended items ∩ catalogue| / |catalogue|``. Personalize's catalogue
    is every item id in the Interactions and Items datasets.

    Parameters
    ----------
    recommendations : iterable of iterables
        The recommendation lists (already cut to K).
    catalogue : collection
        All item ids that could have been recommended.

    Returns
    -------
    float

    Examples
    --------
    >>> coverage([[1, 2], [2, 3], [4]], catalogue=range(1, 11))
    0.4
    """
    items = set(catalogue)
    if not items:
        raise ValueError("the catalogue is empty")
    shown = {item for items_of_user in recommendations for item in items_of_user}
    return len(shown & items) / len(items)


def metric_names(k: int = 25, ks: Sequence[int] = DEFAULT_KS) -> list[str]:
    """The keys :func:`score` returns, in GetSolutionMetrics' spelling plus the hit rates."""
    cuts = sorted(set(ks))
    return [
        "coverage",
        f"mean_reciprocal_rank_at_{k}",
        *(f"normalized_discounted_cumulative_gain_at_{c}" for c in cuts),
        *(f"precision_at_{c}" for c in cuts),
        *(f"hit_rate_at_{c}" for c in cuts),
    ]


def score(
    recommendations: Mapping[Hashable, Sequence[Hashable]],
    truth: Mapping[Hashable, Collection[Hashable]],
    *,
    k: int = 25,
    ks: Sequence[int] = DEFAULT_KS,
    catalogue: Collection[Hashable] | None = None,
) -> dict[str, float]:
    """Mean metrics of recommendation lists against ground truth, one entry per metric.

    Users are those of ``truth`` with at least one relevant item; a user missing from
    ``recommendations`` counts as an empty list (all misses). Lists are cut to ``k``.

    The keys use GetSolutionMetrics' names so internal and offline numbers line up:
    ``coverage`` (only when ``catalogue`` is given), ``mean_reciprocal_rank_at_{k}``,
    ``normalized_discounted_cumulative_gain_at_{c}``, ``precision_at_{c}`` and
    ``hit_rate_at_{c}`` for every cut-off c in ``ks``.

    Parameters
    ----------
    recommendations : mapping
        User id → recommended item ids in rank order.
    truth : mapping
        User id → the user's relevant item ids.
    k : int
        Length of the lists and the MRR cut-off (25, like the service).
    ks : sequence of int
        Cut-offs for NDCG, precision and hit rate (each at most ``k``).
    catalogue : collection, optional
        All recommendable item ids, for coverage.

    Returns
    -------
    dict of str to float
    """
    cuts = sorted(set(ks))
    if not cuts or cuts[0] < 1 or cuts[-1] > k:
        raise ValueError(f"cut-offs {list(ks)} must lie between 1 and k={k}")
    users = [user for user, items in truth.items() if len(items)]
    if not users:
        raise ValueError("no user has a relevant item")
    lists = {user: list(recommendations.get(user, ()))[:k] for user in users}
    # One row per user: the relevance of ranks 1..k (padded with misses).
    hits = np.vstack([_top(relevance(lists[user], truth[user]), k) for user in users])
    n_relevant = np.array([len(set(truth[user])) for user in users])

    first = np.argmax(hits > 0, axis=1) + 1
    result: dict[str, float] = {}
    if catalogue is not None:
        result["coverage"] = coverage(lists.values(), catalogue)
    result[f"mean_reciprocal_rank_at_{k}"] = float(
        np.mean(np.where(hits.any(axis=1), 1.0 / first, 0.0))
    )
    discounts = _discounts(k)
    for c in cuts:
        dcg = hits[:, :c] @ discounts[:c]
        ideal = np.cumsum(discounts[:c])[np.minimum(n_relevant, c) - 1]
        result[f"normalized_discounted_cumulative_gain_at_{c}"] = float(np.mean(dcg / ideal))
    for c in cuts:
        result[f"precision_at_{c}"] = float(np.mean(hits[:, :c].sum(axis=1) / c))
    for c in cuts:
        result[f"hit_rate_at_{c}"] = float(np.mean(hits[:, :c].any(axis=1)))
    return result
