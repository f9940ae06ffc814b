"""Offline evaluation through the runtime API, with baselines, for module 5.

The protocol:

* ground truth: each user's held-out interactions (:func:`workshop.data.temporal_holdout`), or
  for the cold-start lesson each user's interactions with cold items (:func:`ground_truth`);
* recommendations: ``k`` items per user from a campaign (``get_recommendations``; SIMS-style
  campaigns are queried with the user's last training item, :func:`last_items`; ranking
  campaigns rank a candidate list with ``get_personalized_ranking``, :func:`ranking_candidates`);
* optionally without already-seen items: more items are requested and those in the user's
  training history are dropped before cutting to ``k`` (campaigns do not remove them);
* baselines: the most popular training items (:func:`popularity_baseline`) and seeded random
  items (:func:`random_baseline`);
* the metrics of :mod:`workshop.metrics`, keyed like GetSolutionMetrics so that
  :func:`metrics_table` can put internal and offline numbers side by side.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import metrics

#: Most items ``get_recommendations`` returns (``numResults`` maximum).
MAX_RESULTS = 500
#: Most items ``get_personalized_ranking`` accepts in ``inputList``.
MAX_INPUT_LIST = 500

Truth = Mapping[str, Collection[str]]


# ------------------------------------------------------------------------------------------------
# Inputs from the interaction frames
# ------------------------------------------------------------------------------------------------


def ground_truth(frame: pd.DataFrame) -> dict[str, set[str]]:
    """User → set of item ids, from a frame with ``USER_ID`` and ``ITEM_ID``.

    Use it for the holdout (the truth), for the training set (the seen items of
    ``exclude_seen``) and for the cold-start truth (the interactions with cold items).
    """
    grouped = frame.groupby(frame["USER_ID"].astype(str), sort=False)["ITEM_ID"]
    return {user: set(items.astype(str)) for user, items in grouped}


def last_items(frame: pd.DataFrame) -> dict[str, str]:
    """User → the user's latest item by ``TIMESTAMP`` (ties: the later row), for SIMS queries."""
    ordered = frame.sort_values("TIMESTAMP", kind="stable")
    latest = ordered.groupby(ordered["USER_ID"].astype(str), sort=False)["ITEM_ID"].last()
    return {str(user): str(item) for user, item in latest.items()}


def ranking_candidates(
    truth: Truth,
    items: Iterable[Hashable],
    n_candidates: int = 100,
    seed: int = 42,
    exclude_seen: Truth | None = None,
) -> dict[str, list[str]]:
    """Per user, a shuffled ``inputList``: the user's truth items plus random other items.

    A personalized-ranking campaign only reorders what it is given, so it is evaluated on a
    sampled candidate list: its metrics are not comparable with full-catalogue ones.

    Parameters
    ----------
    truth : mapping
        User → relevant items (all of them go into the list, up to ``n_candidates``).
    items : iterable
        The catalogue to sample the other candidates from.
    n_candidates : int
        Length of each list (at most 500, the ``inputList`` limit).
    seed : int
        Seed of the sampling and shuffling.
    exclude_seen : mapping, optional
        User → items never to use as candidates (the training history).
    """
    if not 1 <= n_candidates <= MAX_INPUT_LIST:
        raise ValueError(f"n_candidates must lie in 1..{MAX_INPUT_LIST}, not {n_candidates}")
    pool = np.unique(np.asarray([str(item) for item in items]))
    rng = np.random.default_rng(seed)
    result = {}
    for user in sorted(truth):
        relevant = sorted(str(item) for item in truth[user])[:n_candidates]
        banned = set(relevant) | {str(i) for i in (exclude_seen or {}).get(user, ())}
        others = pool[~np.isin(pool, list(banned))]
        size = min(n_candidates - len(relevant), len(others))
        extra = rng.choice(others, size=size, replace=False)
        result[user] = [str(item) for item in rng.permutation([*relevant, *extra])]
    return result


# ------------------------------------------------------------------------------------------------
# Campaigns
# ------------------------------------------------------------------------------------------------


def recommend_all(
    runtime: Any,
    campaign_arn: str,
    users: Iterable[str],
    k: int = 25,
    *,
    exclude_seen: Truth | None = None,
    item_query: Mapping[str, str] | None = None,
    candidates: Mapping[str, Sequence[str]] | None = None,
    progress: bool = True,
) -> dict[str, list[str]]:
    """Ask a campaign for every user's top ``k`` items.

    Parameters
    ----------
    runtime : boto3 ``personalize-runtime`` client
        Or any object with the same ``get_recommendations`` / ``get_personalized_ranking``.
    campaign_arn : str
        The campaign to query.
    users : iterable of str
        The users to ask for.
    k : int
        Items per user.
    exclude_seen : mapping, optional
        User → items to drop from the answer (the training history). Up to ``k`` + the number
        of seen items (at most 500) are requested so that ``k`` remain when possible.
    item_query : mapping, optional
        For related-items (SIMS) campaigns: user → the item to query with (``itemId``); users
        without one get an empty list.
    candidates : mapping, optional
        For personalized-ranking campaigns: user → ``inputList`` for
        ``get_personalized_ranking``; users without one get an empty list.
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    dict of str to list of str
        User → recommended item ids in rank order (at most ``k``).
    """
    if item_query is not None and candidates is not None:
        raise ValueError("pass item_query (SIMS) or candidates (ranking), not both")
    users = [str(user) for user in users]
    iterator: Iterable[str] = users
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(users, desc=campaign_arn.rsplit("/", 1)[-1], unit="user")
    result = {}
    for user in iterator:
        seen = {str(item) for item in (exclude_seen or {}).get(user, ())}
        result[user] = _ask(runtime, campaign_arn, user, k, seen, item_query, candidates)
    return result


def _ask(
    runtime: Any,
    campaign_arn: str,
    user: str,
    k: int,
    seen: set[str],
    item_query: Mapping[str, str] | None,
    candidates: Mapping[str, Sequence[str]] | None,
) -> list[str]:
    if candidates is not None:
        input_list = [str(item) for item in candidates.get(user, ()) if str(item) not in seen]
        if not input_list:
            return []
        response = runtime.get_personalized_ranking(
            campaignArn=campaign_arn, userId=user, inputList=input_list[:MAX_INPUT_LIST]
        )
        ranked = [entry["itemId"] for entry in response.get("personalizedRanking", [])]
        return ranked[:k]
    request: dict[str, Any] = {
        "campaignArn": campaign_arn,
        "numResults": min(MAX_RESULTS, k + len(seen)),
    }
    if item_query is not None:
        if user not in item_query:
            return []
        request["itemId"] = str(item_query[user])
    else:
        request["userId"] = user
    response = runtime.get_recommendations(**request)
    ranked = [entry["itemId"] for entry in response.get("itemList", [])]
    return [item for item in ranked if item not in seen][:k]


def evaluate_campaign(
    runtime: Any,
    campaign_arn: str,
    truth: Truth,
    k: int = 25,
    *,
    exclude_seen: Truth | None = None,
    item_query: Mapping[str, str] | None = None,
    candidates: Mapping[str, Sequence[str]] | None = None,
    catalogue: Collection[str] | None = None,
    progress: bool = True,
) -> dict[str, float]:
    """Score a campaign on held-out truth through the runtime API.

    Parameters
    ----------
    runtime : boto3 ``personalize-runtime`` client
    campaign_arn : str
    truth : mapping
        User → held-out items (every user with at least one is evaluated).
    k : int
        Length of the lists (25, like the service's metrics).
    exclude_seen, item_query, candidates, progress
        As in :func:`recommend_all`.
    catalogue : collection, optional
        All item ids, for ``coverage`` (left out without it).

    Returns
    -------
    dict of str to float
        :func:`workshop.metrics.score` of the lists: ``coverage``,
        ``mean_reciprocal_rank_at_25``, ``normalized_discounted_cumulative_gain_at_{5,10,25}``,
        ``precision_at_{5,10,25}``, ``hit_rate_at_{5,10,25}``.
    """
    users = [user for user, items in truth.items() if len(items)]
    lists = recommend_all(
        runtime,
        campaign_arn,
        users,
        k,
        exclude_seen=exclude_seen,
        item_query=item_query,
        candidates=candidates,
        progress=progress,
    )
    return metrics.score(lists, truth, k=k, ks=_cuts(k), catalogue=catalogue)


# ------------------------------------------------------------------------------------------------
# Baselines
# ------------------------------------------------------------------------------------------------


def popularity_ranking(train: pd.DataFrame) -> list[str]:
    """Items by number of distinct users in ``train``, most popular first (ties: by id)."""
    counts = train.groupby(train["ITEM_ID"].astype(str))["USER_ID"].nunique()
    order = counts.reset_index(name="users").sort_values(
        ["users", "ITEM_ID"], ascending=[False, True], kind="stable"
    )
    return order["ITEM_ID"].tolist()


def popularity_baseline(
    train: pd.DataFrame,
    truth: Truth,
    k: int = 25,
    *,
    exclude_seen: Truth | None = None,
    catalogue: Collection[str] | None = None,
) -> dict[str, float]:
    """Metrics of recommending everyone the ``k`` most popular training items.

    Popularity is the number of distinct users per item (what ``aws-popularity-count`` counts).
    With ``exclude_seen`` each user gets the most popular items they have not seen.

    Returns
    -------
    dict of str to float
        As :func:`evaluate_campaign`.
    """
    ranking = popularity_ranking(train)
    lists = {}
    for user in truth:
        seen = {str(item) for item in (exclude_seen or {}).get(user, ())}
        lists[user] = _first(ranking, seen, k)
    return metrics.score(lists, truth, k=k, ks=_cuts(k), catalogue=catalogue)


def random_baseline(
    items: Iterable[Hashable],
    truth: Truth,
    seed: int = 42,
    k: int = 25,
    *,
    exclude_seen: Truth | None = None,
    catalogue: Collection[str] | None = None,
) -> dict[str, float]:
    """Metrics of recommending ``k`` random items from ``items`` to every user, seeded.

    For the cold-start lesson pass the cold items: the campaign must beat picking cold items at
    random. Users are drawn for in sorted order, so the result depends only on the inputs.

    Returns
    -------
    dict of str to float
        As :func:`evaluate_campaign`.
    """
    pool = np.unique(np.asarray([str(item) for item in items]))
    rng = np.random.default_rng(seed)
    lists = {}
    for user in sorted(truth):
        seen = [str(item) for item in (exclude_seen or {}).get(user, ())]
        allowed = pool[~np.isin(pool, seen)] if seen else pool
        picked = rng.choice(len(allowed), size=min(k, len(allowed)), replace=False)
        lists[user] = allowed[picked].tolist()
    return metrics.score(lists, truth, k=k, ks=_cuts(k), catalogue=catalogue)


def _first(ranking: Sequence[str], seen: set[str], k: int) -> list[str]:
    chosen = []
    for item in ranking:
        if item not in seen:
            chosen.append(item)
            if len(chosen) == k:
                break
    return chosen


def _cuts(k: int) -> tuple[int, ...]:
    return tuple(sorted({c for c in metrics.DEFAULT_KS if c <= k} | {k}))


# ------------------------------------------------------------------------------------------------
# Tables
# ------------------------------------------------------------------------------------------------

_SHORT = [
    (re.compile(r"^coverage$"), "coverage"),
    (re.compile(r"^mean_reciprocal_rank_at_(\d+)$"), "mrr@{}"),
    (re.compile(r"^normalized_discounted_cumulative_gain_at_(\d+)$"), "ndcg@{}"),
    (re.compile(r"^precision_at_(\d+)$"), "p@{}"),
    (re.compile(r"^hit_rate_at_(\d+)$"), "hr@{}"),
]


def short_name(metric: str) -> str | None:
    """The table label of a metric key (``precision_at_25`` → ``p@25``), None if unknown."""
    for pattern, label in _SHORT:
        found = pattern.match(metric)
        if found:
            return label.format(*found.groups())
    return None


def metrics_table(results: Mapping[str, Mapping[str, Any]], digits: int | None = 4) -> pd.DataFrame:
    """One row per model, one correctly labelled column per metric.

    Each column is named from its own key (``precision_at_25`` → ``p@25``), so a column can
    never show another cut-off's numbers (the original NB5 filled "p@25" with precision@10).
    Columns: coverage, mrr@K, ndcg@K…, p@K…, hr@K… (K ascending); missing values are NaN.

    Parameters
    ----------
    results : mapping
        Row label → metrics: a dict from :func:`evaluate_campaign` or a baseline, a
        GetSolutionMetrics ``metrics`` dict, or a whole GetSolutionMetrics response.
    digits : int, optional
        Round to this many decimals (4, like the service); None keeps full precision.

    Returns
    -------
    pandas.DataFrame
    """
    rows = {}
    for label, found in results.items():
        inner = found.get("metrics")
        values = inner if isinstance(inner, Mapping) else found
        rows[label] = {
            short: float(value)
            for key, value in values.items()
            if (short := short_name(key)) is not None
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table = table[sorted(table.columns, key=_column_order)]
    table.index.name = "model"
    return table.round(digits) if digits is not None else table


def _column_order(label: str) -> tuple[int, int]:
    family, _, cut = label.partition("@")
    rank = ["coverage", "mrr", "ndcg", "p", "hr"].index(family)
    return rank, int(cut or 0)
